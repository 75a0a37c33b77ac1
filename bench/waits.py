#!/usr/bin/env python3
"""How honest is the wait a citizen is told (issue #22)? A replay of a ward office's day in this process, on a
simulated clock, against the server's own queue code (no HTTP): kiosks issue, counters call next as staff do,
and each ticket's forecast at issue (server/queueing/forecast.py, as `lines.ticket_dict` answers it) is set
against the wait it really had, next to the naive estimate the server gave before (people ahead in the own
line x the line's mean service time / its counters). The "turn is near" SMS (messaging.notify_turn_near,
every 30 simulated seconds) is judged on how long before the call it went out.

    .venv/bin/python bench/waits.py                 # 8 steady mornings and 5 rush mornings (a few minutes)
    .venv/bin/python bench/waits.py --quick         # one shorter morning of each, a few seconds
    .venv/bin/python bench/waits.py --scenario rush --seeds 3 --json
    .venv/bin/python bench/waits.py --no-history    # the measured day is the office's first (default: one day before)
    .venv/bin/python bench/waits.py --history-days 5   # five earlier days for the forecast to learn from
    .venv/bin/python bench/waits.py --cv 0.25       # steadier service times (default 0.45)
    .venv/bin/python bench/waits.py --oracle        # the forecast told the true means: the error no forecast removes

It is a measurement, not a test: exit 0 when the replay ran (goals met or not), 2 when it could not run.
The office, the citizens and the figures are described in bench/README.md; waits_figures.py computes and
prints the figures.
"""
import argparse
import dataclasses
import datetime
import heapq
import json
import math
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / 'bench'):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import waits_figures  # noqa: E402

# The office of issue #22: (code, name, prefix, mean service minutes, share of citizens). DD is 20 %, not 25 %:
# only counter 3 serves it, and at 25 % DD alone would keep counter 3 busy 90 % of a steady morning.
LINES = (('CT', 'Chứng thực', 'A', 6.0, 0.45), ('HT', 'Hộ tịch', 'B', 9.0, 0.35), ('DD', 'Đất đai', 'C', 12.0, 0.20))
COUNTERS = {1: ('CT',), 2: ('CT', 'HT'), 3: ('HT', 'DD')}
SERVICE_CV = 0.45          # lognormal service times, standard deviation / mean (--cv)
PRIORITY_SHARE = 0.10      # elderly citizens, called first
TURN_NEAR_MINUTES = 10
SMS_EVERY = 0.5            # minutes between SMS rounds
OPENS = datetime.time(7, 30)
MEASURED_DAY = datetime.date(2026, 3, 10)   # the earlier days come before it (open every day of the week here)


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    hours: float      # walk-ins come from OPENS for this long; the session ends then
    load: float       # offered work / what the three counters can do
    seeds: int        # default number of seeds


# steady: offered 0.97 of the three counters' work keeps them busy about 86 % of the session (counter 1 serves
# CT only and idles while only HT and DD wait; the first minutes fill the room).
SCENARIOS = {'steady': Scenario('steady', 4.0, 0.97, 8), 'rush': Scenario('rush', 3.0, 1.4, 5)}
QUICK_HOURS = {'steady': 1.5, 'rush': 1.0}     # --quick: shorter mornings, one seed
MEAN_SERVICE = sum(mean * share for _c, _n, _p, mean, share in LINES)
# Event kinds, in the order they are handled at equal times.
END, CALL, ARRIVE, SMS = range(4)


def arrival_rate(scenario):
    """Citizens a minute: `load` times what three counters serve at the mix's mean service time."""
    return scenario.load * len(COUNTERS) / MEAN_SERVICE


class Day:
    """One simulated day of the office: citizens come, counters call, and (if `measure`) what each citizen
    was told is recorded with the SMS rounds run."""

    def __init__(self, day, scenario, rng, measure):
        self.day, self.scenario, self.rng, self.measure = day, scenario, rng, measure
        from server.clock import utc_from_local
        self.midnight = utc_from_local(datetime.datetime.combine(day, datetime.time()))
        self.opens = OPENS.hour * 60 + OPENS.minute
        self.closes = self.opens + scenario.hours * 60
        self.events, self.sequence = [], 0
        self.counters = {number: {'current': None, 'idle_since': self.opens, 'calling': False}
                         for number in COUNTERS}
        self.waiting = {code: {} for code, *_rest in LINES}     # line -> {ticket id: priority}, in issue order
        self.done = {code: [] for code, *_rest in LINES}        # line -> service minutes of today's done tickets
        self.service_of = {}                                    # ticket id -> drawn service minutes
        self.records, self.pending_arrivals = [], 0
        self.busy_in_session, self.busy_minutes, self.last_end = 0.0, 0.0, self.opens

    def at(self, minute):
        return self.midnight + datetime.timedelta(minutes=minute)

    def push(self, minute, kind, payload=None):
        self.sequence += 1
        heapq.heappush(self.events, (minute, kind, self.sequence, payload))

    def run(self):
        from server.queueing import tickets
        from server.sms import messaging
        rate, minute = arrival_rate(self.scenario), self.opens
        while True:
            minute += self.rng.expovariate(rate)
            if minute >= self.closes:
                break
            self.push(minute, ARRIVE, self.citizen())
            self.pending_arrivals += 1
        if self.measure:
            self.push(self.opens, SMS)
        while self.events:
            minute, kind, _sequence, payload = heapq.heappop(self.events)
            if kind == END:
                self.push(minute, CALL, payload)
                self.counters[payload]['calling'] = True
            elif kind == CALL:
                self.call(minute, payload, tickets)
            elif kind == ARRIVE:
                self.arrive(minute, payload, tickets)
            elif kind == SMS:
                messaging.notify_turn_near(now=self.at(minute))
                if self.pending_arrivals or any(self.waiting.values()):
                    self.push(minute + SMS_EVERY, SMS)
        return self

    def citizen(self):
        pick, total = self.rng.random(), 0.0
        for code, _name, _prefix, mean, share in LINES:
            total += share
            if pick < total:
                break
        sigma = math.sqrt(math.log(1 + SERVICE_CV ** 2))
        return {'line': code, 'priority': self.rng.random() < PRIORITY_SHARE,
                'phone': '09%08d' % self.rng.randrange(10 ** 8),
                'service': self.rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)}

    def arrive(self, minute, citizen, tickets):
        from server.queueing import lines
        self.pending_arrivals -= 1
        now, line = self.at(minute), citizen['line']
        ticket = tickets.issue_ticket(line, citizen['priority'], 'elderly' if citizen['priority'] else None,
                                      phone=citizen['phone'], now=now)
        self.service_of[ticket.id] = citizen['service']
        serving = [n for n, served in COUNTERS.items() if line in served]
        if self.measure:
            told = lines.ticket_dict(ticket, now=now)
            queue = self.waiting[line]
            ahead = sum(1 for priority in queue.values() if priority or not citizen['priority'])
            done = self.done[line]
            mean = sum(done) / len(done) if done else 6.0
            self.records.append({
                'id': ticket.id, 'line': line, 'priority': citizen['priority'], 'issued': minute,
                'told': told['estimated_wait_min'], 'low': told['estimated_wait_low_min'],
                'high': told['estimated_wait_high_min'], 'ahead': told['ahead'],
                'naive': ahead * mean / len(serving),
                'all_busy': all(self.counters[n]['current'] is not None or self.counters[n]['calling']
                                for n in serving)})
        self.waiting[line][ticket.id] = citizen['priority']
        idle = [n for n in serving if self.counters[n]['current'] is None and not self.counters[n]['calling']]
        if idle:
            number = min(idle, key=lambda n: (self.counters[n]['idle_since'], n))
            self.counters[number]['calling'] = True
            self.push(minute, CALL, number)

    def call(self, minute, number, tickets):
        from server.errors import Conflict
        counter, now = self.counters[number], self.at(minute)
        counter['calling'] = False
        try:
            called = tickets.call_next(number, now=now)
        except Conflict as error:
            if error.code != 'queue_empty':
                raise
            if counter['current'] is not None:
                tickets.complete(counter['current'][0], now=now)
                self.finished(counter, minute)
                counter['current'], counter['idle_since'] = None, minute
            return
        if counter['current'] is not None:
            self.finished(counter, minute)
        line = called.service.code
        del self.waiting[line][called.id]
        counter['current'] = (called.id, line, minute)
        self.push(minute + self.service_of[called.id], END, number)

    def finished(self, counter, minute):
        _ticket_id, line, started = counter['current']
        self.done[line].append(minute - started)
        self.busy_minutes += minute - started
        self.busy_in_session += max(0.0, min(minute, self.closes) - started)
        self.last_end = max(self.last_end, minute)

    def outcome(self):
        """The measured tickets with their actual wait and SMS lead (minutes), and the day's utilisation."""
        from server.models import OutboxMessage, Ticket
        rows = {row[0]: row[1:] for row in Ticket.select(Ticket.id, Ticket.issued_at, Ticket.called_at, Ticket.status)
                .where(Ticket.day == self.day).tuples()}
        sent = {int(key.split(':')[1]): created for key, created in
                OutboxMessage.select(OutboxMessage.key, OutboxMessage.created_at)
                .where(OutboxMessage.key.startswith('turn_near:')).tuples()}
        for record in self.records:
            issued, called, status = rows[record['id']]
            if status != 'done' or called is None:
                raise RuntimeError('ticket %d ended %s, not called and done' % (record['id'], status))
            record['actual'] = (called - issued).total_seconds() / 60
            record['sms_lead'] = ((called - sent[record['id']]).total_seconds() / 60
                                  if record['id'] in sent else None)
        span = self.last_end - self.opens
        return {'records': self.records,
                'utilisation': self.busy_in_session / (len(COUNTERS) * (self.closes - self.opens)),
                'utilisation_to_last': self.busy_minutes / (len(COUNTERS) * span) if span > 0 else 0.0,
                'drain_min': max(0.0, self.last_end - self.closes)}


def set_up_office(scenario):
    from server import settings
    from server.booking.office_hours import set_weekly_hours
    from server.extensions import db
    from server.models import Counter, CounterService, Service
    services = {code: Service.create(code=code, name=name, prefix=prefix) for code, name, prefix, *_r in LINES}
    for number, served in COUNTERS.items():
        counter = Counter.create(number=number, name='Quầy %d' % number)
        for code in served:
            CounterService.create(counter=counter, service=services[code])
    closes = datetime.datetime.combine(MEASURED_DAY, OPENS) + datetime.timedelta(hours=scenario.hours)
    set_weekly_hours({weekday: {'morning': (OPENS.strftime('%H:%M'), closes.strftime('%H:%M'))}
                      for weekday in range(7)})
    with db.atomic():
        settings.put('admission_cap', 0)
        settings.put('turn_near_minutes', TURN_NEAR_MINUTES)


def replay(scenario, seed, history_days=1):
    """One seed: a fresh office (its own temporary SQLite), `history_days` days before (not measured), then the
    measured day."""
    from server.app import create_app
    from server.extensions import db
    with tempfile.TemporaryDirectory(prefix='luot-waits-') as folder:
        app = create_app({'DATA_DIR': str(Path(folder) / 'data'), 'DATABASE_URL': None, 'MESSAGE_QUEUE': None,
                          'SCHEDULER': False, 'PRINTING': False, 'TESTING': True, 'SMS': 'log://',
                          'PUBLIC_URL': 'http://bench.invalid', 'TIMEZONE': 'Asia/Ho_Chi_Minh'})
        try:
            with app.app_context(), db.connection_context():
                set_up_office(scenario)
                for back in range(history_days, 0, -1):
                    Day(MEASURED_DAY - datetime.timedelta(days=back), scenario,
                        random.Random('%s-%d-history-%d' % (scenario.name, seed, back)), measure=False).run()
                return Day(MEASURED_DAY, scenario, random.Random('%s-%d' % (scenario.name, seed)),
                           measure=True).run().outcome()
        finally:
            if not app.extensions['luot'].stop(timeout=60):
                raise RuntimeError("the app's threads did not finish within 60 s")
            if not db.is_closed():
                db.close()


def know_the_truth(scenario):
    """--oracle: the forecast is told the true mean and spread of each line's service times and the true pace
    of priority walk-ins, so what error is left is the randomness no forecast can remove (a measurement aid:
    the server's estimates are replaced in this process only)."""
    from server.models import Service
    from server.queueing import service_times
    stock = service_times.for_lines
    truth = {code: (mean, share) for code, _n, _p, mean, share in LINES}

    def for_lines(service_ids, now):
        times = stock(service_ids, now)
        for service in Service.select().where(Service.id.in_(list(service_ids))):
            mean, share = truth[service.code]
            times.means[service.id], times.variances[service.id] = mean, (SERVICE_CV * mean) ** 2
            times.rates[service.id] = PRIORITY_SHARE * share * arrival_rate(scenario)
        return times
    service_times.for_lines = for_lines
    return stock


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--scenario', choices=sorted(SCENARIOS) + ['all'], default='all')
    parser.add_argument('--seeds', type=int, help='seeds per scenario (default: 8 steady, 5 rush; --quick: 1)')
    parser.add_argument('--quick', action='store_true', help='one seed per scenario and shorter mornings '
                        '(%s h): a check that it runs' % ', '.join('%s %.1f' % kv for kv in QUICK_HOURS.items()))
    parser.add_argument('--no-history', action='store_true', help='measure the office\'s first day (no earlier day)')
    parser.add_argument('--history-days', type=int, default=1, help='earlier days simulated before the measured one '
                        '(default 1; the forecast reads up to 28)')
    parser.add_argument('--cv', type=float, default=0.45, help='service times\' standard deviation / mean '
                        '(default 0.45): how much of the error no forecast can remove')
    parser.add_argument('--oracle', action='store_true', help='tell the forecast the true means and priority pace: '
                        'the error left is what no forecast can remove')
    parser.add_argument('--json', action='store_true', help='the report as JSON on stdout')
    args = parser.parse_args(argv)
    if not 0 <= args.cv <= 2:
        parser.error('--cv must be between 0 and 2')
    global SERVICE_CV
    SERVICE_CV = args.cv
    if args.seeds is not None and args.seeds < 1:
        parser.error('--seeds must be at least 1')
    started = time.monotonic()
    history_days = 0 if args.no_history else max(0, args.history_days)
    report = {'error': None, 'history_days': history_days, 'scenarios': {}}
    try:
        for name in (sorted(SCENARIOS, reverse=True) if args.scenario == 'all' else [args.scenario]):
            scenario = SCENARIOS[name]
            if args.quick:
                scenario = dataclasses.replace(scenario, hours=QUICK_HOURS[name])
            seeds = args.seeds or (1 if args.quick else scenario.seeds)
            days = []
            for seed in range(1, seeds + 1):
                began = time.monotonic()
                stock = know_the_truth(scenario) if args.oracle else None
                try:
                    days.append(replay(scenario, seed, history_days))
                finally:
                    if stock is not None:
                        from server.queueing import service_times
                        service_times.for_lines = stock
                print('%s seed %d: %d tickets, %.1f s' % (name, seed, len(days[-1]['records']),
                                                        time.monotonic() - began), file=sys.stderr)
            report['scenarios'][name] = waits_figures.scenario_figures(
                name, days, turn_near=TURN_NEAR_MINUTES, codes=[code for code, *_rest in LINES],
                setup={'hours': scenario.hours, 'load': scenario.load, 'seeds': seeds,
                       'arrivals_per_hour': round(60 * arrival_rate(scenario), 2)})
    except Exception as error:  # noqa: BLE001 — whatever stopped the replay is reported, exit 2
        traceback.print_exc()
        report['error'] = '%s: %s' % (type(error).__name__, error)
    report['runtime_s'] = round(time.monotonic() - started, 1)
    report['setup'] = {'lines': {code: {'mean_min': mean, 'share': share} for code, _n, _p, mean, share in LINES},
                       'counters': {str(n): list(s) for n, s in COUNTERS.items()}, 'service_cv': SERVICE_CV,
                       'oracle': bool(args.oracle),
                       'service_distribution': 'lognormal', 'priority_share': PRIORITY_SHARE,
                       'turn_near_minutes': TURN_NEAR_MINUTES, 'sms_round_s': SMS_EVERY * 60}
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
    else:
        waits_figures.print_report(report)
    return 2 if report['error'] else 0


if __name__ == '__main__':
    sys.exit(main())
