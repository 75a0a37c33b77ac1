"""What the wait forecast (server/queueing/forecast.py) knows of each line: how long its citizens take at a
counter, and how often priority citizens come.

- A line's service time is the time a counter spends per call (called to done, or to marked absent), as a
  robust mean: times longer than WINSOR times the median count as that (a "done" pressed an hour late must
  not double the estimate), times over LONGEST minutes are left out. Today's latest TODAY_SAMPLES times lean
  on the office's history of the HISTORY_DAYS before (as if it were HISTORY_WEIGHT of today's), and before
  any history on the `default_service_minutes` setting (DEFAULT_WEIGHT, spread DEFAULT_CV of the mean).
- What is left of a service under way: the line's times longer than what has passed, less it (their shape
  from all the samples, their scale from the mean above).
- Priority walk-ins a minute per line: the line's walk-ins of the last RATE_WINDOW minutes times the share
  of priority among today's walk-ins (leaning on the earlier days' share, or on none, as SHARE_WEIGHT).
"""
import collections
import datetime
import statistics

from peewee import fn

from server import caches
from server.models import Ticket

TODAY_SAMPLES = 30
HISTORY_SAMPLES = 200
HISTORY_DAYS = 28
HISTORY_WEIGHT = 5
DEFAULT_WEIGHT = 2
DEFAULT_CV = 0.5
LONGEST = 240
WINSOR = 4
RESIDUAL_SAMPLES = 5       # fewer longer times than this: what is left is the mean less what has passed
RESIDUAL_FLOOR = 0.25      # ... but at least this share of the mean
RATE_WINDOW = 60
RATE_WINDOW_MIN = 15       # the office opened less long ago: the pace is not known yet
SHARE_WEIGHT = 10
COUNTER_TIME = ('done', 'no_show')

# Earlier days do not change during a day: read once every few minutes per line and day.
_history = caches.Fresh(300)


def _durations(query):
    return [(finished - called).total_seconds() / 60 for called, finished in query.tuples()
            if called is not None and finished is not None]


def _clean(durations):
    """Times within (0, LONGEST], the long ones cut at WINSOR times the median."""
    kept = [d for d in durations if 0 < d <= LONGEST]
    if not kept:
        return []
    cap = WINSOR * statistics.median(kept)
    return [min(d, cap) for d in kept]


def _times(service_id, since_day, before_day, limit):
    return _clean(_durations(
        Ticket.select(Ticket.called_at, Ticket.finished_at)
        .where(Ticket.service == service_id, Ticket.status.in_(COUNTER_TIME), Ticket.day >= since_day,
               Ticket.day < before_day, Ticket.finished_at.is_null(False), Ticket.called_at.is_null(False))
        .order_by(Ticket.finished_at.desc()).limit(limit)))


def _history_of(service_id, day):
    return _history.get(('times', service_id, day), lambda: _times(
        service_id, day - datetime.timedelta(days=HISTORY_DAYS), day, HISTORY_SAMPLES))


def _share_before(day):
    """(priority walk-ins, walk-ins) of the HISTORY_DAYS before `day`."""
    def load():
        return _walk_in_counts(Ticket.day >= day - datetime.timedelta(days=HISTORY_DAYS), Ticket.day < day)
    return _history.get(('share', day), load)


def _walk_in_counts(*where):
    rows = dict(Ticket.select(Ticket.priority, fn.COUNT(Ticket.id))
                .where(Ticket.source != 'appointment', *where).group_by(Ticket.priority).tuples())
    priority = sum(n for flag, n in rows.items() if flag)
    return priority, priority + sum(n for flag, n in rows.items() if not flag)


def _spread_stats(samples):
    mean = statistics.fmean(samples)
    variance = statistics.variance(samples) if len(samples) > 1 else (DEFAULT_CV * mean) ** 2
    return mean, variance


class LineTimes:
    """Service times and priority arrivals of some lines at one moment (see the module's rules)."""

    def __init__(self, default_minutes):
        self.default = float(default_minutes)
        self.means, self.variances, self.shapes, self.rates = {}, {}, {}, {}

    def add(self, service_id, today, history):
        prior, prior_variance, weight = self.default, (DEFAULT_CV * self.default) ** 2, DEFAULT_WEIGHT
        if history:
            (prior, prior_variance), weight = _spread_stats(history), HISTORY_WEIGHT
        if today:
            mean, variance = _spread_stats(today)
            n = len(today)
            self.means[service_id] = (n * mean + weight * prior) / (n + weight)
            self.variances[service_id] = (n * variance + weight * prior_variance) / (n + weight)
        else:
            self.means[service_id], self.variances[service_id] = prior, prior_variance
        pool = today + history
        if pool:
            scale = statistics.fmean(pool)
            self.shapes[service_id] = sorted(d / scale for d in pool)

    def mean(self, service_id):
        return self.means.get(service_id, self.default)

    def variance(self, service_id):
        return self.variances.get(service_id, (DEFAULT_CV * self.default) ** 2)

    def remaining(self, service_id, elapsed):
        """(minutes, variance) until a service of this line that began `elapsed` minutes ago is done."""
        mean = self.mean(service_id)
        shape = self.shapes.get(service_id, [])
        passed = max(0.0, elapsed) / mean
        longer = [r - passed for r in shape if r > passed]
        if len(longer) >= RESIDUAL_SAMPLES:
            left, variance = _spread_stats(longer)
            return left * mean, variance * mean * mean
        return max(mean - max(0.0, elapsed), RESIDUAL_FLOOR * mean), self.variance(service_id)

    def priority_rate(self, service_id):
        return self.rates.get(service_id, 0.0)


def for_lines(service_ids, now):
    """A LineTimes for these lines at `now` (UTC)."""
    from server import settings
    from server.clock import office_day
    day = office_day(now)
    times = LineTimes(settings.get('default_service_minutes'))
    tomorrow = day + datetime.timedelta(days=1)
    for service_id in service_ids:
        times.add(service_id, _times(service_id, day, tomorrow, TODAY_SAMPLES), _history_of(service_id, day))
    times.rates = _priority_rates(service_ids, day, now)
    return times


def _priority_rates(service_ids, day, now):
    """{line: priority walk-ins a minute} (see the module's rules)."""
    first = Ticket.select(fn.MIN(Ticket.issued_at)).where(Ticket.day == day, Ticket.source != 'appointment').scalar()
    if first is None:
        return {}
    window = min(RATE_WINDOW, (now - first).total_seconds() / 60)
    if window < RATE_WINDOW_MIN:
        return {}
    priority, walk_ins = _walk_in_counts(Ticket.day == day, Ticket.issued_at <= now)
    before_priority, before = _share_before(day)
    prior = before_priority / before if before else 0.0
    share = (priority + SHARE_WEIGHT * prior) / (walk_ins + SHARE_WEIGHT)
    since = now - datetime.timedelta(minutes=window)
    recent = collections.Counter(dict(
        Ticket.select(Ticket.origin, fn.COUNT(Ticket.id))
        .where(Ticket.day == day, Ticket.source != 'appointment', Ticket.issued_at >= since, Ticket.issued_at <= now,
               Ticket.origin.in_(list(service_ids))).group_by(Ticket.origin).tuples()))
    return {service_id: share * recent[service_id] / window for service_id in service_ids if recent[service_id]}
