"""The wait forecast: when the counters will call each citizen waiting now, by the office's own rules.

It replays call-next (server/queueing/tickets.py) forward in time instead of counting a line:
- every open counter that is not paused calls, each time it is free, from all of its lines: the oldest
  waiting ticket by place in line, priority first, but no more than `priority_max_in_row` priority calls
  in a row while others wait (the counter's streak so far carries on);
- a busy counter is free when its citizen is done: what is left of the line's service time, judged from the
  line's services that lasted longer than this one has so far (server/queueing/service_times.py);
- each call then takes the called line's expected service time (a robust mean of today's times, leaning on
  the office's history of earlier days while today has few, and on the setting before there is any);
- priority citizens who are not here yet still go first when they come: today's booked appointments at
  their slot, and priority walk-ins at the share and pace seen today (earlier days while today has few);
- a paused counter calls nobody and its lines go to the others; a ticket that only paused counters serve is
  forecast as if they resumed now; a closed counter does not count.

Each waiting ticket gets the minutes until its call and a spread (a standard deviation: the service times
before it at its counter, shared among the counters that can call it, and the priority arrivals); the
answer shows it as a range, `wait_range`. The forecast is kept for a few seconds and dropped at once when
this process changes the queue (server/live/events.py).
"""
import bisect
import collections
import dataclasses
import datetime
import heapq
import itertools
import math
import time

from server import runtime, settings
from server.booking.office_hours import parse_clock, sessions_on
from server.clock import local_naive, office_day, utc_from_local
from server.models import Appointment, Counter, CounterService, Ticket, utcnow
from server.queueing import service_times

# A forecast answers for this long (this process's own changes drop it at once; another process's show
# within this time).
FRESH_SECONDS = 5.0
# The range shown is the forecast give or take this many spreads (about two citizens in three fall inside),
# and "your turn is near" goes out when the call could come within the setting's minutes at this many spreads
# early (nine in ten then get it in time).
RANGE_SPREADS = 1.0
NOTICE_SPREADS = 1.3
# No forecast looks further than this ahead.
HORIZON_MINUTES = 12 * 60
# After a change the forecast is replayed when next asked; a replay takes about 10 ms for 300 waiting and 40 µs
# more for each one after, so a longer queue is replayed at most every few seconds (a few percent of a core).
LONG_QUEUE = 300
LONG_QUEUE_REPLAY_SECONDS = 2.0
DEFAULT_CV_SQ = service_times.DEFAULT_CV ** 2


@dataclasses.dataclass(frozen=True)
class Call:
    """When a waiting ticket is forecast to be called."""
    at: datetime.datetime     # UTC
    spread: float             # minutes, one standard deviation
    position: int             # waiting tickets forecast to be called before it
    counter: int              # the counter forecast to call it


@dataclasses.dataclass
class _Opening:
    """When a counter could first call a citizen who joins one of its lines now (no one older left to call)."""
    at: float                 # minutes from the forecast's moment
    variance: float
    lines: tuple


@dataclasses.dataclass
class Forecast:
    at: datetime.datetime
    day: datetime.date
    calls: dict               # ticket id -> Call
    made: float = 0.0         # time.monotonic() when made
    cost: float = 0.0         # seconds it took to make
    openings: dict = dataclasses.field(default_factory=dict)   # counter number -> _Opening
    means: dict = dataclasses.field(default_factory=dict)      # line -> service minutes
    last: dict = dataclasses.field(default_factory=dict)       # line -> the highest id of its waiting tickets
    order: list = dataclasses.field(default_factory=list)      # the calls' minutes from `at`, sorted

    def minutes(self, ticket_id, now=None):
        """Minutes from `now` until the ticket's forecast call (0 when it is due)."""
        call = self.calls.get(ticket_id)
        if call is None:
            return None
        return max(0.0, (call.at - (now or self.at)).total_seconds() / 60)

    def extend(self, ticket):
        """Add a citizen who joined a line after the forecast was made, without replaying: the counter of that
        line that opens first calls them (priority citizens expected later are left to the next replay).
        False when that would not follow the rules: a priority ticket, a line the replay did not reach, a place
        in line before someone forecast."""
        # A new ticket has the highest id; one put back in line (a transfer, a no-show come back) does not.
        if ticket.priority or ticket.id <= self.last.get(ticket.service_id, 0):
            return False
        open_at = [(o.at, number) for number, o in self.openings.items() if ticket.service_id in o.lines]
        if not open_at:
            return False
        _at, number = min(open_at)
        opening = self.openings[number]
        at = max(opening.at, _minutes(ticket.queued_at, self.at))
        share = sum(1 for o in self.openings.values() if ticket.service_id in o.lines)
        position = bisect.bisect_right(self.order, at)
        bisect.insort(self.order, at)
        self.calls[ticket.id] = Call(self.at + datetime.timedelta(minutes=at), math.sqrt(opening.variance / share),
                                     position, number)
        mean = self.means.get(ticket.service_id, 0.0)
        self.openings[number] = _Opening(at + mean, opening.variance + (DEFAULT_CV_SQ * mean * mean), opening.lines)
        self.last[ticket.service_id] = ticket.id
        return True


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


def _cache():
    app_runtime = runtime.current()
    return app_runtime.cache(__name__, dict) if app_runtime is not None else {}


def forget():
    """This process changed the queue: the kept forecast is replayed again when next asked (but no more often
    than REPLAY_SHARE of the time allows, for a very long queue)."""
    _cache()['changed'] = time.monotonic()


def current(now=None, need=None):
    """Today's forecast at `now`: the kept one while it is fresh, else replayed.

    After a change in this process the forecast is replayed when next asked, for a queue longer than LONG_QUEUE
    no more often than every LONG_QUEUE_REPLAY_SECONDS. A ticket that joined since (`need`) is added to the kept
    forecast (Forecast.extend): a call that follows the forecast does not change it."""
    now = now or utcnow()
    cache, clock = _cache(), time.monotonic()
    kept = cache.get('forecast')
    if (kept is not None and kept.day == office_day(now) and clock - kept.made < FRESH_SECONDS
            and abs((now - kept.at).total_seconds()) < FRESH_SECONDS):
        if need is not None and need.id not in kept.calls:
            if kept.extend(need):
                return kept
        elif cache.get('changed', -math.inf) < kept.made or (
                len(kept.calls) > LONG_QUEUE and clock - kept.made < LONG_QUEUE_REPLAY_SECONDS):
            return kept
    made = make(now)
    cache['forecast'] = made
    return made


def _minutes(moment, now):
    return (moment - now).total_seconds() / 60


def _counters(now):
    """Open counters with their lines, whether paused, their priority streak and the citizen they serve."""
    counters = list(Counter.select().where(Counter.active == True))  # noqa: E712
    lines = collections.defaultdict(list)
    for row in CounterService.select(CounterService.counter, CounterService.service).where(
            CounterService.counter.in_([c.id for c in counters])).tuples() if counters else ():
        lines[row[0]].append(row[1])
    busy = {}
    for counter_id, service_id, called_at in (
            Ticket.select(Ticket.counter, Ticket.service, Ticket.called_at)
            .where(Ticket.status.in_(('called', 'serving')), Ticket.counter.is_null(False)).tuples()):
        if called_at is not None and (counter_id not in busy or busy[counter_id][1] > called_at):
            busy[counter_id] = (service_id, called_at)
    return [(c, tuple(sorted(lines.get(c.id, ()))), busy.get(c.id)) for c in counters]


def _waiting(day):
    """(id, line, priority) of those waiting today, in their place in line."""
    return list(Ticket.select(Ticket.id, Ticket.service, Ticket.priority)
                .where(Ticket.status == 'waiting', Ticket.day == day).order_by(Ticket.queued_at, Ticket.id).tuples())


def _office_closes(day, now):
    """Minutes from now until today's last session ends (no walk-ins come after it)."""
    sessions = sessions_on(day)
    if not sessions:
        return 0.0
    closes = utc_from_local(datetime.datetime.combine(day, sessions[-1][1]))
    return max(0.0, min(HORIZON_MINUTES, _minutes(closes, now)))


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


def make(now=None):
    """Replay the counters from `now` until every waiting ticket is called (see the module's rules)."""
    now = now or utcnow()
    began = time.perf_counter()
    day = office_day(now)
    waiting = _waiting(day)
    forecast = Forecast(now, day, {})
    counters = _counters(now)
    lines = sorted({s for _c, served, _b in counters for s in served} | {w[1] for w in waiting})
    times = service_times.for_lines(lines, now)
    forecast.means = {line: times.mean(line) for line in lines}
    for ticket_id, service_id, _priority in waiting:
        forecast.last[service_id] = max(forecast.last.get(service_id, 0), ticket_id)
    running = [c for c in counters if not c[0].paused and c[1]]
    reached = _replay(now, day, waiting, running, times, forecast.calls, forecast.openings)
    missing = [w for w in waiting if w[0] not in reached]
    if missing:   # lines only paused counters serve: as if they resumed now
        _replay(now, day, waiting, [c for c in counters if c[1]], times, forecast.calls, {},
                only=set(w[0] for w in missing))
    forecast.order = sorted(_minutes(call.at, now) for call in forecast.calls.values())
    forecast.made, forecast.cost = time.monotonic(), time.perf_counter() - began
    return forecast


def _replay(now, day, waiting, counters, times, calls, openings, only=None):
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
            free_at, variance = times.remaining(busy[0], _minutes(now, busy[1]))
        state = _Counter(counter.number, served, free_at, counter.priority_streak, variance)
        states.append(state)
        heapq.heappush(free, (free_at, counter.number, len(states) - 1))
    if not real:
        openings.update({s.number: _Opening(s.free_at, s.variance, s.lines) for s in states})
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
            openings[state.number] = _Opening(t, state.variance, state.lines)
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
            openings[number] = _Opening(at, states[index].variance, states[index].lines)
    for state in states:   # those that retired with nothing to call
        openings.setdefault(state.number, _Opening(state.free_at, state.variance, state.lines))
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


def wait_range(minutes, spread):
    """(low, high) whole minutes a person can plan by: to the minute up to 10 minutes, else to 5 minutes."""
    low = max(0.0, minutes - RANGE_SPREADS * spread)
    high = minutes + RANGE_SPREADS * spread
    if high < 0.5:
        return 0, 0
    if high <= 10:
        low, high = int(math.floor(low)), int(math.ceil(high))
        return low, max(high, low + 1)
    low, high = 5 * int(math.floor(low / 5)), 5 * int(math.ceil(high / 5))
    return low, max(high, low + 5)


def estimate(ticket, now=None):
    """{"ahead", "estimated_wait_min", "estimated_wait_low_min", "estimated_wait_high_min"} of a ticket: all 0
    once it is called, or while it is not in the forecast (no counter serves its line)."""
    if ticket.status != 'waiting':
        return {'ahead': 0, 'estimated_wait_min': 0, 'estimated_wait_low_min': 0, 'estimated_wait_high_min': 0}
    now = now or utcnow()
    forecast = current(now, need=ticket)
    call = forecast.calls.get(ticket.id)
    if call is None:
        return {'ahead': 0, 'estimated_wait_min': 0, 'estimated_wait_low_min': 0, 'estimated_wait_high_min': 0}
    minutes = forecast.minutes(ticket.id, now)
    low, high = wait_range(minutes, call.spread)
    point = int(round(minutes))
    return {'ahead': call.position, 'estimated_wait_min': min(max(point, low), high) if high else 0,
            'estimated_wait_low_min': low, 'estimated_wait_high_min': high}


def due_soon(forecast, ticket_id, minutes, now):
    """Whether a ticket's call could come within `minutes` (its forecast less NOTICE_SPREADS spreads)."""
    call = forecast.calls.get(ticket_id)
    if call is None:
        return False
    return forecast.minutes(ticket_id, now) - NOTICE_SPREADS * call.spread <= minutes
