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
answer shows it as a range, `wait_range`. The replay itself is server/queueing/forecast_replay.py; how long a
forecast is kept is `current`'s.
"""
import bisect
import collections
import dataclasses
import datetime
import math
import time

from server import runtime
from server.clock import office_day
from server.models import Counter, CounterService, Ticket, utcnow
from server.queueing import service_times
from server.queueing.forecast_replay import Call, Opening, minutes_between, replay

# A forecast answers for this long (this process's own changes drop it at once; another process's show
# within this time).
FRESH_SECONDS = 5.0
# The range shown is the forecast give or take this many spreads (about two citizens in three fall inside),
# and "your turn is near" goes out when the call could come within the setting's minutes at this many spreads
# early. The spread leaves out what the forecast cannot know (its means are estimates, priority citizens
# come at random): the replay of bench/waits.py finds actual calls 1.5 spreads from the forecast where a
# calibrated spread would give 1, so 1.3 spreads (nine in ten for a calibrated one) sent 82-89 % in time, and
# 1.8 sends nine in ten.
RANGE_SPREADS = 1.0
NOTICE_SPREADS = 1.8
# After a change the forecast is replayed when next asked; a replay takes about 10 ms for 300 waiting and 40 µs
# more for each one after, so a longer queue is replayed at most every few seconds (a few percent of a core).
LONG_QUEUE = 300
LONG_QUEUE_REPLAY_SECONDS = 2.0


@dataclasses.dataclass
class Forecast:
    at: datetime.datetime
    day: datetime.date
    calls: dict               # ticket id -> Call
    made: float = 0.0         # time.monotonic() when made
    openings: dict = dataclasses.field(default_factory=dict)   # counter number -> Opening
    times: service_times.LineTimes = None                      # the lines' service times it was made with
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
        at = max(opening.at, minutes_between(ticket.queued_at, self.at))
        share = sum(1 for o in self.openings.values() if ticket.service_id in o.lines)
        position = bisect.bisect_right(self.order, at)
        bisect.insort(self.order, at)
        self.calls[ticket.id] = Call(self.at + datetime.timedelta(minutes=at), math.sqrt(opening.variance / share),
                                     position, number)
        mean = self.times.mean(ticket.service_id)
        self.openings[number] = Opening(at + mean, opening.variance + self.times.variance(ticket.service_id),
                                        opening.lines)
        self.last[ticket.service_id] = ticket.id
        return True


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


def _counters():
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


def make(now=None):
    """Replay the counters from `now` until every waiting ticket is called (see the module's rules)."""
    now = now or utcnow()
    day = office_day(now)
    waiting = _waiting(day)
    forecast = Forecast(now, day, {})
    counters = _counters()
    lines = sorted({s for _c, served, _b in counters for s in served} | {w[1] for w in waiting})
    times = service_times.for_lines(lines, now)
    forecast.times = times
    for ticket_id, service_id, _priority in waiting:
        forecast.last[service_id] = max(forecast.last.get(service_id, 0), ticket_id)
    running = [c for c in counters if not c[0].paused and c[1]]
    reached = replay(now, day, waiting, running, times, forecast.calls, forecast.openings)
    missing = [w for w in waiting if w[0] not in reached]
    if missing:   # lines only paused counters serve: as if they resumed now
        replay(now, day, waiting, [c for c in counters if c[1]], times, forecast.calls, {},
                only=set(w[0] for w in missing))
    forecast.order = sorted(minutes_between(call.at, now) for call in forecast.calls.values())
    forecast.made = time.monotonic()
    return forecast


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
