#!/usr/bin/env python3
"""Replay a city-centre day against the real Lượt server: kiosks issue, counters call, boards show.

Starts `run.py` as bench_server.py does (a free port, a fresh data directory), sets up an office of
several services and many counters through the API, connects the display boards, then lets every
kiosk and every counter loose at once until all the tickets are issued, called and completed:

    .venv/bin/python bench/replay.py            # 10,000 tickets, 20 kiosks, 100 counters, 20 boards
    .venv/bin/python bench/replay.py --quick    # a few seconds: 200 tickets, 4 kiosks, 6 counters, 3 boards
    .venv/bin/python bench/replay.py --json     # the report as JSON on stdout

Every call must reach every board: each board counts the ticket_called events it got against the
calls the counters made. A board that drops reconnects as a real one does and the calls it missed
are counted. Exit status: 0 when everything was issued, called and seen by every board within the
goal, 1 when not, 2 when the replay could not run. bench/README.md describes it.
"""
import argparse
import json
import os
import random
import string
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / 'bench') not in sys.path:
    sys.path.insert(0, str(ROOT / 'bench'))

from bench_server import (Api, BenchError, CpuMeter, Errors, Server, check_limits, create_counter,  # noqa: E402
                          create_service, expect, lift_admission_cap, load_average, log, receipt_figures, run_clients,
                          server_report, summary_ms)
from displays import CLOCK, DisplayFleet, now_ns  # noqa: E402

GOAL_WALL_S = 60.0
FULL = {'tickets': 10000, 'kiosks': 20, 'counters': 100, 'boards': 20, 'services': 8, 'time_limit': 600.0}
QUICK = {'tickets': 200, 'kiosks': 4, 'counters': 6, 'boards': 3, 'services': 3, 'time_limit': 60.0}
EMPTY_WAIT_S = 0.25     # an idle counter waits this long at most for a kiosk's ticket, then tries anyway
AWAY_MARGIN_NS = 1_000_000_000   # a call sent this long before a board noticed its drop counts as "while away"
ERROR_PAUSE_S = 0.5     # after a failed request a kiosk or counter tries again this much later, as people do


# --------------------------------------------------------------------------------------------
# The office
# --------------------------------------------------------------------------------------------

def set_up_city_office(admin, tag, services, counters):
    """`services` lines (prefixes A, B, ...) and `counters` counters, counter i serving lines i and i+1."""
    codes = [create_service(admin, 'CITY%s%d' % (tag, i), 'City %s %d' % (tag, i), string.ascii_uppercase[i])
             for i in range(services)]
    lines = {}
    for i in range(counters):
        served = sorted({codes[i % services], codes[(i + 1) % services]})
        lines[create_counter(admin, served, 'City %s %d' % (tag, i), attempts=200)] = served
    lift_admission_cap(admin)
    return codes, lines


def create_tokens(admin, role, count, tag):
    """One API token per device, through POST /tokens."""
    return [expect(*admin.request('POST', '/tokens', {'role': role, 'name': 'city %s %s %d' % (tag, role, i)})[:2],
                   201, 'POST /tokens')['token'] for i in range(count)]


# --------------------------------------------------------------------------------------------
# The day: what the kiosks and counters share
# --------------------------------------------------------------------------------------------

class Day:
    """Tickets to issue, the lines' counts as the clients saw them, the calls made (send times) and
    the idle counters. A counter whose lines are empty goes idle; a kiosk's new ticket wakes one idle
    counter of its line, the one idle longest (the next free clerk; waking all of them would make
    every idle counter of the line race for that one ticket)."""

    def __init__(self, tickets, lines, time_limit):
        self.lock = threading.Lock()
        self.target = tickets
        self.reserved = 0
        self.issued = {code: 0 for served in lines.values() for code in served}
        self.called = dict.fromkeys(self.issued, 0)
        self.sent = {}                      # ticket id -> now_ns() just before its call-next was sent
        self.issued_ids = set()
        self.lines = lines
        self.wakeups = {number: threading.Event() for number in lines}
        self.idle = {code: [] for code in self.issued}     # per line: its idle counters, longest idle first
        self.finished = threading.Event()
        self.time_limit = time_limit
        self.start = self.deadline = None

    def begin(self):
        """Every kiosk and counter is connected: the clock starts (and the time limit)."""
        self.start = time.perf_counter()
        self.deadline = self.start + self.time_limit

    def progress(self):
        """(seconds since the start, tickets issued, calls made) now."""
        with self.lock:
            return round(time.perf_counter() - self.start, 1), len(self.issued_ids), len(self.sent)

    def over(self):
        return self.finished.is_set() or time.perf_counter() > self.deadline

    def reserve(self):
        """A kiosk may issue one more ticket (False once all are issued or being issued)."""
        with self.lock:
            if self.reserved >= self.target:
                return False
            self.reserved += 1
            return True

    def issue_failed(self):
        with self.lock:
            self.reserved -= 1

    def ticket_issued(self, code, ticket_id):
        with self.lock:
            self.issued[code] += 1
            self.issued_ids.add(ticket_id)
            if self.idle[code]:
                number = self.idle[code][0]
                self._stop_idling(number)
                self.wakeups[number].set()

    def ticket_called(self, ticket, sent_ns):
        with self.lock:
            self.sent[ticket['id']] = sent_ns
            if ticket.get('service') in self.called:
                self.called[ticket['service']] += 1
            if len(self.sent) >= self.target:
                self.finished.set()
        if self.finished.is_set():
            for wakeup in self.wakeups.values():
                wakeup.set()

    def go_idle(self, number):
        """After a queue_empty: the counter is idle, unless the kiosks issued for its lines meanwhile
        (or another counter's call of the last ticket is still on its way back): then False."""
        with self.lock:
            if any(self.issued[code] > self.called[code] for code in self.lines[number]):
                return False
            self.wakeups[number].clear()
            for code in self.lines[number]:
                self.idle[code].append(number)
            return True

    def wake_up(self, number):
        with self.lock:
            self._stop_idling(number)

    def _stop_idling(self, number):
        for code in self.lines[number]:
            if number in self.idle[code]:
                self.idle[code].remove(number)


def kiosk(day, port, token, services, seed):
    """A kiosk as fast as it can: POST /tickets for a random line until the day's tickets are issued."""
    rng = random.Random(seed)
    api, errors, latencies = Api(port, token), Errors(), []
    last = None

    def run(barrier):
        nonlocal last
        api._connect()
        barrier.wait(timeout=60)
        while not day.over() and day.reserve():
            code = rng.choice(services)
            status, data, elapsed = _request(api, 'POST', '/tickets', {'service': code, 'print': False})
            if status == 201:
                latencies.append(elapsed)
                day.ticket_issued(code, data['id'])
                last = time.perf_counter()
            else:
                day.issue_failed()
                errors.add(status, data)
                time.sleep(ERROR_PAUSE_S)
        api.close()
        return {'latencies': latencies, 'errors': errors, 'last': last}
    return run


def counter(day, port, token, number):
    """A counter in a loop: call-next, then complete; when its lines are empty it waits for a ticket."""
    api, errors, complete_errors = Api(port, token), Errors(), Errors()
    calls, completes, empty = [], [], 0
    wakeup, last = day.wakeups[number], None
    call_path = '/counters/%d/call-next' % number

    def run(barrier):
        nonlocal empty, last
        api._connect()
        barrier.wait(timeout=60)
        while not day.over():
            sent_ns = now_ns()
            status, data, elapsed = _request(api, 'POST', call_path)
            if status == 200:
                calls.append(elapsed)
                day.ticket_called(data, sent_ns)
                status, data, elapsed = _request(api, 'POST', '/tickets/%d/complete' % data['id'],
                                                 {'counter': number})
                if status == 200:
                    completes.append(elapsed)
                else:
                    complete_errors.add(status, data)
                last = time.perf_counter()
            elif status == 409 and _code(data) == 'queue_empty':
                empty += 1
                if day.go_idle(number):
                    wakeup.wait(EMPTY_WAIT_S)
                    day.wake_up(number)
                else:
                    time.sleep(0.005)
            else:
                errors.add(status, data)
                time.sleep(ERROR_PAUSE_S)
        api.close()
        return {'calls': calls, 'completes': completes, 'empty': empty, 'errors': errors,
                'complete_errors': complete_errors, 'last': last}
    return run


def _request(api, method, path, body=None):
    """(status, data, seconds); a connection failure or timeout is status None and closes the connection."""
    try:
        status, data, elapsed, _sent = api.request(method, path, body)
        return status, data, elapsed
    except OSError as exc:
        api.close()
        return None, repr(exc), None


def _code(data):
    return (data.get('error') or {}).get('code') if isinstance(data, dict) else None


# --------------------------------------------------------------------------------------------
# The replay
# --------------------------------------------------------------------------------------------

def replay(server, admin, args, tag):
    """Set up the office, connect the boards, run kiosks and counters together; the figures."""
    services, lines = set_up_city_office(admin, tag, args.services, args.counters)
    kiosk_tokens = create_tokens(admin, 'kiosk', args.kiosks, tag)
    counter_tokens = create_tokens(admin, 'counter', args.counters, tag)
    display_token = create_tokens(admin, 'display', 1, tag)[0]
    log('office set up: %d services, %d counters, %d kiosk and %d counter tokens'
        % (len(services), len(lines), len(kiosk_tokens), len(counter_tokens)))
    day = Day(args.tickets, lines, args.time_limit)
    clients = ([kiosk(day, server.port, token, services, args.seed + i) for i, token in enumerate(kiosk_tokens)]
               + [counter(day, server.port, token, number) for token, number in zip(counter_tokens, lines)])
    fleet = DisplayFleet(server.url, display_token, args.boards, args.board_procs, 'async', parallel=8,
                         time_limit=120, idle_limit=args.time_limit + 300, reconnect=True)
    with fleet:
        boards, connect_seconds, _threads = fleet.wait_connected()
        connected = sum(1 for b in boards if b['connected'] and b['snapshot'])
        log('%d of %d boards connected in %.1f s; %d tickets, %d kiosks, %d counters: go'
            % (connected, args.boards, connect_seconds, args.tickets, args.kiosks, args.counters))
        if connected < args.boards:
            raise BenchError('only %d of %d boards connected: %s' % (
                connected, args.boards, sorted({b['error'] for b in boards if b['error']})[:3]))
        meter = CpuMeter(server.proc.pid, fleet.pids)
        threads, results = run_clients(len(clients), lambda i, barrier: clients[i](barrier), before_release=day.begin)
        dropped_at = drop_boards(fleet, day) if args.drop_boards else None
        stuck, progress = follow(day, threads)
        cpu = meter.result()
        end = time.perf_counter()
        boards = fleet.collect(day.sent, wait_seconds=5)
    out = figures(day, results[:args.kiosks], results[args.kiosks:], end, boards)
    out.update({'stuck_clients': stuck, 'cpu': cpu, 'boards_connected': connected,
                'board_connect_seconds': round(connect_seconds, 2), 'clock': CLOCK, 'dropped_at_call': dropped_at,
                'progress': progress,
                'server_after': server_state(admin, services, lines),
                'client_failures': [repr(r) for r in results if not isinstance(r, dict)][:5]})
    return out


def follow(day, threads, every=10.0):
    """Wait (bounded) for the kiosks and counters, logging progress every `every` seconds; returns
    the clients still running at the limit and the progress samples."""
    progress, limit, next_sample = [], day.deadline + 30, day.start + every
    for thread in threads:
        while thread.is_alive() and time.perf_counter() < limit:
            thread.join(max(0.0, min(next_sample, limit) - time.perf_counter()))
            if time.perf_counter() >= next_sample:
                progress.append(day.progress())
                log('%s s: %d tickets issued, %d called' % progress[-1])
                next_sample += every
    return sum(1 for t in threads if t.is_alive()), progress


def drop_boards(fleet, day):
    """--drop-boards: once a third of the calls are made, close every board's WebSocket under it."""
    while len(day.sent) < day.target // 3 and not day.over():
        time.sleep(0.01)
    fleet.drop()
    log('dropped every board\'s connection after %d calls' % len(day.sent))
    return len(day.sent)


def figures(day, kiosks, counters, end, boards):
    """Wall time, rates, latencies and what each board saw of the calls."""
    kiosks = [r for r in kiosks if isinstance(r, dict)]
    counters = [r for r in counters if isinstance(r, dict)]
    issued, calls = len(day.issued_ids), len(day.sent)
    last_issue = max([r['last'] for r in kiosks if r['last']] or [end])
    last_call = max([r['last'] for r in counters if r['last']] or [end])
    errors = {kind: merged_errors(results, key) for kind, results, key in (
        ('issue', kiosks, 'errors'), ('call-next', counters, 'errors'), ('complete', counters, 'complete_errors'))}
    latencies, missed, first, last = receipt_figures(day.sent, boards)
    return {
        'tickets_wanted': day.target, 'issued': issued, 'calls': calls,
        'completed': sum(len(r['completes']) for r in counters),
        'called_not_issued': len(set(day.sent) - day.issued_ids),
        'complete': issued == calls == day.target and not set(day.sent) - day.issued_ids,
        'wall_s': round(last_call - day.start, 2), 'issue_span_s': round(last_issue - day.start, 2),
        'tickets_per_s': round(issued / (last_issue - day.start), 1) if issued else None,
        'calls_per_s': round(calls / (last_call - day.start), 1) if calls else None,
        'issue_latency': summary_ms([x for r in kiosks for x in r['latencies']]),
        'call_latency': summary_ms([x for r in counters for x in r['calls']]),
        'complete_latency': summary_ms([x for r in counters for x in r['completes']]),
        'empty_calls': sum(r['empty'] for r in counters), 'errors': {k: v for k, v in errors.items() if v['total']},
        'call_to_board': summary_ms(latencies), 'first_board': summary_ms(first), 'last_board': summary_ms(last),
        'pairs_expected': calls * len(boards), 'missed': missed, 'boards': per_board(day.sent, boards),
    }


def merged_errors(results, key):
    """Failed requests of one kind over all clients: counts by status and one example answer each."""
    merged = Errors()
    for result in results:
        for status, n in result[key].by_status.items():
            merged.by_status[status] = merged.by_status.get(status, 0) + n
            merged.examples.setdefault(status, result[key].examples[status])
    return merged.as_dict()


def per_board(sent, boards):
    """For each board: calls received and missed (and how many of those while it was away), drops."""
    out = []
    for board in boards:
        missed = [t for t in sent if t not in board['received']]
        gaps = board.get('gaps') or []
        away = sum(1 for t in missed if any(down - AWAY_MARGIN_NS <= sent[t] <= (up or float('inf'))
                                            for down, up in gaps))
        back = gaps[-1][1] if gaps else None
        out.append({'index': board['index'], 'received': len(sent) - len(missed), 'missed': len(missed),
                    'missed_while_away': away, 'disconnects': board.get('disconnects', 0),
                    'reconnects': board.get('reconnects', 0), 'duplicates': board['duplicates'],
                    'received_after_reconnect': None if back is None else sum(
                        1 for t in board['received'] if t in sent and sent[t] > back),
                    'ticket_called_events': board['events'].get('ticket_called', 0), 'error': board['error']})
    return out


def server_state(admin, services, lines):
    """What the server says once the replay is over: people still waiting, counters still busy."""
    status, data, _elapsed, _sent = admin.request('GET', '/queue')
    if status != 200 or not isinstance(data, dict):
        return {'error': 'GET /queue: HTTP %s' % status}
    return {'waiting': sum(s['waiting'] for s in data['services'] if s['code'] in services),
            'busy_counters': sum(1 for c in data['counters'] if c['number'] in lines and c['current'])}


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

def verdict(result):
    """Met when every ticket was issued, called and completed, every board got every call, no
    request failed, and it all took less than the goal."""
    return bool(result and result['complete'] and result['completed'] == result['calls'] and result['missed'] == 0
                and not result['errors'] and result['wall_s'] < GOAL_WALL_S)


def print_report(report):
    cfg, res = report['config'], report['result']
    print()
    print('Lượt city-centre day replay (%s: %d tickets, %d kiosks, %d counters, %d boards, %d services; '
          '%d CPUs, Python %s, load average %s -> %s)' % (
              'quick' if cfg['quick'] else 'full', cfg['tickets'], cfg['kiosks'], cfg['counters'], cfg['boards'],
              cfg['services'], os.cpu_count() or 0, cfg['python'], cfg['load_average_before'],
              cfg.get('load_average_after')))
    if res:
        _print_result(res)
    srv = report['server']
    problems = srv.get('problems') or {'count': 0, 'distinct': []}
    stop = srv.get('stop') or {}
    print('  server: %s; %d error lines in its stderr' % (
        'stopped cleanly in %s s' % stop.get('seconds') if stop.get('clean') else 'NOT stopped cleanly: %s' % stop,
        problems['count']))
    for line in problems['distinct'][:10]:
        print('    ' + line)
    if report['error']:
        print('  REPLAY ERROR: ' + report['error'])
    print('  result: %s' % ('MET' if report['met'] else 'NOT MET'))
    print()


def _print_result(res):
    def ms(part):
        return 'median %s ms, p99 %s ms (%d)' % (part['median_ms'], part['p99_ms'], part['n'])

    boards = res['boards']
    rows = [
        ('wall time', '%s s (goal < %g s); %s' % (res['wall_s'], GOAL_WALL_S,
                                                  'complete' if res['complete'] else 'NOT COMPLETE')),
        ('tickets issued', '%d of %d in %s s: %s tickets/s' % (res['issued'], res['tickets_wanted'],
                                                               res['issue_span_s'], res['tickets_per_s'])),
        ('calls made', '%d (%d completed) in %s s: %s calls/s; %d call-next answered queue_empty' % (
            res['calls'], res['completed'], res['wall_s'], res['calls_per_s'], res['empty_calls'])),
        ('issue latency', ms(res['issue_latency'])),
        ('call latency', ms(res['call_latency'])),
        ('complete latency', ms(res['complete_latency'])),
        ('call -> board', '%s; per call, first board median %s ms, last board median %s ms' % (
            ms(res['call_to_board']), res['first_board']['median_ms'], res['last_board']['median_ms'])),
        ('board disconnects', '%d (%d of %d boards dropped at least once; %d reconnections)' % (
            sum(b['disconnects'] for b in boards), sum(1 for b in boards if b['disconnects']), len(boards),
            sum(b['reconnects'] for b in boards))),
        ('calls missed on boards', '%d of %d (call, board) pairs; %d boards missed some; %d missed while '
         'the board was away, %d while connected' % (
             res['missed'], res['pairs_expected'], sum(1 for b in boards if b['missed']),
             sum(b['missed_while_away'] for b in boards),
             sum(b['missed'] - b['missed_while_away'] for b in boards))),
        ('failed requests', '%s; server after the replay: %s' % (
            '; '.join('%s %s' % (kind, e['by_status']) for kind, e in res['errors'].items()) or 'none',
            res['server_after'])),
        ('CPU', 'server %s cores, bench %s cores, board processes %s cores' % (
            res['cpu'].get('server_cores'), res['cpu'].get('bench_cores'), res['cpu'].get('display_procs_cores'))),
    ]
    width = max(len(name) for name, _text in rows)
    for name, text in rows:
        print('  %s  %s' % (name.ljust(width), text))
    for board in boards:
        if board['missed'] or board['disconnects'] or board['error']:
            print('    board %(index)d: %(received)d received, %(missed)d missed (%(missed_while_away)d while '
                  'away), %(disconnects)d drops, %(reconnects)d reconnections%(note)s'
                  % dict(board, note='; ' + board['error'] if board['error'] else ''))
    for kind, errors in res['errors'].items():
        examples = '; '.join('%s: %s' % (status, text[:160]) for status, text in errors['examples'].items())
        print('    %s failed, e.g. %s' % (kind, examples))
    if res['progress']:
        rates, before = [], (0.0, 0, 0)
        for sample in res['progress']:
            rates.append('%.0f/%.0f' % ((sample[1] - before[1]) / (sample[0] - before[0]),
                                        (sample[2] - before[2]) / (sample[0] - before[0])))
            before = sample
        print('  tickets/calls a second, by 10 s: %s' % ', '.join(rates))
    if res['stuck_clients'] or res['client_failures']:
        print('  clients stuck: %d; failures: %s' % (res['stuck_clients'], res['client_failures']))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--quick', action='store_true', help='a tiny run of a few seconds')
    parser.add_argument('--tickets', type=int, help='tickets to issue and call (default 10000; quick 200)')
    parser.add_argument('--kiosks', type=int, help='kiosks issuing at once (default 20; quick 4)')
    parser.add_argument('--counters', type=int, help='counters calling at once (default 100; quick 6)')
    parser.add_argument('--boards', type=int, help='display boards on /display (default 20; quick 3)')
    parser.add_argument('--services', type=int, help='lines of the office (default 8; quick 3)')
    parser.add_argument('--board-procs', type=int, default=2, help='processes holding the boards (default 2)')
    parser.add_argument('--time-limit', type=float, help='seconds the kiosks and counters may take '
                                                         '(default 600; quick 60)')
    parser.add_argument('--seed', type=int, default=1, help='seed of the kiosks\' choice of lines')
    parser.add_argument('--drop-boards', action='store_true',
                        help="close every board's WebSocket once, after a third of the calls (a network blip), "
                             "to see the drops and the missed calls counted")
    parser.add_argument('--json', action='store_true', help='print the report as JSON on stdout')
    parser.add_argument('--keep-data', action='store_true', help='keep the temporary directory')
    args = parser.parse_args(argv)
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    for key in ('tickets', 'kiosks', 'counters', 'boards', 'services', 'board_procs'):
        if getattr(args, key) < 1:
            parser.error('--%s must be at least 1' % key.replace('_', '-'))
    if args.services > 26 or args.counters > 500:
        parser.error('at most 26 services (one letter each) and 500 counters (numbers 100-999)')
    return args


def main(argv=None):
    args = parse_args(argv)
    tag = ''.join(random.choice(string.ascii_uppercase + string.digits) for _ in range(5))
    workdir = Path(tempfile.mkdtemp(prefix='luot-replay-'))
    report = {'config': {key: getattr(args, key) for key in ('quick', 'tickets', 'kiosks', 'counters', 'boards',
                                                            'services', 'board_procs', 'time_limit', 'seed',
                                                            'drop_boards')},
              'result': None, 'server': {}, 'error': None}
    report['config'].update({'tag': tag, 'cpus': os.cpu_count(), 'python': sys.version.split()[0],
                             'load_average_before': load_average()})
    server = Server(workdir)
    try:
        report['config']['limits'] = check_limits(args.boards + args.kiosks + args.counters)
        server.start(60)
        admin = Api(server.port, server.create_token('admin', 'replay %s admin' % tag))
        report['result'] = replay(server, admin, args, tag)
        admin.close()
    except BenchError as exc:
        report['error'] = str(exc)
    except KeyboardInterrupt:
        report['error'] = 'interrupted'
    finally:
        server.stop()
        report['server'] = server_report(server, workdir, args.keep_data)
    report['config']['load_average_after'] = load_average()
    report['met'] = verdict(report['result'])
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report)
    if report['error']:
        return 2
    return 0 if report['met'] else 1


if __name__ == '__main__':
    sys.exit(main())
