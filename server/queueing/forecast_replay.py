"""The replay behind the wait forecast (server/queueing/forecast.py, whose docstring gives the rules): the
counters calling from their lines, minute by minute of forecast time, until every waiting ticket is called."""
import bisect
import collections
import dataclasses
import datetime
import heapq
import itertools
import math

from server import settings
from server.booking.office_hours import parse_clock, sessions_on
from server.clock import local_naive, utc_from_local
from server.models import Appointment

# No forecast looks further than this ahead.
HORIZON_MINUTES = 12 * 60


@dataclasses.dataclass(frozen=True)
class Call:
    """When a waiting ticket is forecast to be called."""
    at: datetime.datetime     # UTC
    spread: float             # minutes, one standard deviation
    position: int             # waiting tickets forecast to be called before it
    counter: int              # the counter forecast to call it


def minutes_between(moment, now):
    return (moment - now).total_seconds() / 60


@dataclasses.dataclass
class Opening:
    """When a counter could first call a citizen who joins one of its lines now (no one older left to call)."""
    at: float                 # minutes from the forecast's moment
    variance: float
    lines: tuple


@dataclasses.dataclass
class _Item:
    """A ticket in the replay: a real one (`ticket_id`) or a priority citizen expected later (None)."""
    arrives: float            # minutes from now; <= 0 for those waiting
    order: float              # place in line: those waiting in the order read, then those expected by arrival
    service_id: int
    ticket_id: int = None


@dataclasses.dataclass
class _Counter:
    number: int
    lines: tuple
    free_at: float            # minutes from now
    streak: int
    variance: float = 0.0     # of the time until it is free (minutes squared)


def _office_closes(day, now):
    """Minutes from now until today's last session ends (no walk-ins come after it)."""
    sessions = sessions_on(day)
    if not sessions:
        return 0.0
    closes = utc_from_local(datetime.datetime.combine(day, sessions[-1][1]))
    return max(0.0, min(HORIZON_MINUTES, minutes_between(closes, now)))


def _expected_priority(day, now, lines, times, horizon):
    """Priority citizens expected later today, as items: booked appointments at their slot, and priority
    walk-ins of each line spread evenly at today's pace (the middle of each expected gap)."""
    items = []
    here = local_naive(now)
    late = datetime.timedelta(minutes=int(settings.get('checkin_late_minutes')))
    for service_id, start in (Appointment.select(Appointment.service, Appointment.start)
                              .where(Appointment.date == day, Appointment.status == 'booked',
                                     Appointment.service.in_(lines)).tuples()):
        begins = datetime.datetime.combine(day, parse_clock(start))
        if begins + late >= here:
            arrives = max(0.0, (begins - here).total_seconds() / 60)
            items.append(_Item(arrives, arrives, service_id))
    for service_id in lines:
        rate = times.priority_rate(service_id)   # walk-ins a minute
        if rate <= 0:
            continue
        for i in itertools.count(1):
            arrives = (i - 0.5) / rate
            if arrives > horizon:
                break
            items.append(_Item(arrives, arrives, service_id))
    return items


def replay(now, day, waiting, counters, times, calls, openings, only=None):
    """Fill `calls` for the waiting tickets `counters` call (those in `only`, if given), and `openings`: when
    each counter could first call someone who joins now; the ids reached."""
    max_in_row = int(settings.get('priority_max_in_row'))
    served_by = collections.defaultdict(int)
    for _counter, served, _busy in counters:
        for service_id in served:
            served_by[service_id] += 1
    queues = collections.defaultdict(lambda: ([], []))   # line -> (priority, others), each in place order
    real = 0
    first = -HORIZON_MINUTES - len(waiting)   # the waiting go before anyone expected (who arrives after now)
    for place, (ticket_id, service_id, priority) in enumerate(waiting, first):
        if served_by[service_id]:
            queues[service_id][0 if priority else 1].append(_Item(0.0, place, service_id, ticket_id))
            real += 1
    states, free = [], []
    for counter, served, busy in counters:
        free_at, variance = 0.0, 0.0
        if busy is not None:
            free_at, variance = times.remaining(busy[0], minutes_between(now, busy[1]))
        state = _Counter(counter.number, served, free_at, counter.priority_streak, variance)
        states.append(state)
        heapq.heappush(free, (free_at, counter.number, len(states) - 1))
    if not real:
        openings.update({s.number: Opening(s.free_at, s.variance, s.lines) for s in states})
        return set()
    horizon = _office_closes(day, now)
    for item in _expected_priority(day, now, list(queues), times, horizon):
        bisect.insort(queues[item.service_id][0], item, key=lambda i: i.order)
    heads = collections.defaultdict(lambda: [0, 0])       # line -> next index into (priority, others)
    reached, position, guard = set(), 0, 0
    expected_before = collections.Counter()   # counter -> expected priority citizens it called so far
    while free and real and guard < 100000:
        guard += 1
        t, _number, index = heapq.heappop(free)
        state = states[index]
        item, kind = _next_for(state, queues, heads, t, max_in_row)
        if state.number not in openings and (item is None or kind == 0 and state.streak >= max_in_row):
            # No one older to call (a priority citizen goes only because no one else waits): someone who joins
            # now would be called here.
            openings[state.number] = Opening(t, state.variance, state.lines)
        if item is None:
            upcoming = [queues[s][0][heads[s][0]].arrives for s in state.lines
                        if heads[s][0] < len(queues[s][0])]
            if upcoming and min(upcoming) <= HORIZON_MINUTES:
                heapq.heappush(free, (max(t, min(upcoming)), state.number, index))
            continue
        heads[item.service_id][kind] += 1
        state.streak = state.streak + 1 if kind == 0 else 0
        mean, variance = times.mean(item.service_id), times.variance(item.service_id)
        if item.ticket_id is not None:
            real -= 1
            if only is None or item.ticket_id in only:
                share = max(1, served_by[item.service_id])
                spread_sq = state.variance / share + expected_before[state.number] * (mean / share) ** 2
                calls[item.ticket_id] = Call(now + datetime.timedelta(minutes=t), math.sqrt(max(0.0, spread_sq)),
                                             position, state.number)
                reached.add(item.ticket_id)
            position += 1
        else:
            expected_before[state.number] += 1
        state.free_at = t + mean
        state.variance += variance
        heapq.heappush(free, (state.free_at, state.number, index))
    for at, number, index in free:
        if number not in openings:
            openings[number] = Opening(at, states[index].variance, states[index].lines)
    for state in states:   # those that retired with nothing to call
        openings.setdefault(state.number, Opening(state.free_at, state.variance, state.lines))
    return reached


def _next_for(state, queues, heads, t, max_in_row):
    """What call-next at this counter takes at minute t: (item, 0 for priority or 1 for the others)."""
    best = [None, None]
    for service_id in state.lines:
        queue, head = queues.get(service_id), heads[service_id]
        if queue is None:
            continue
        for kind in (0, 1):
            if head[kind] < len(queue[kind]):
                item = queue[kind][head[kind]]
                if item.arrives <= t and (best[kind] is None or item.order < best[kind].order):
                    best[kind] = item
    first = 0 if state.streak < max_in_row else 1
    for kind in (first, 1 - first):
        if best[kind] is not None:
            return best[kind], kind
    return None, None


