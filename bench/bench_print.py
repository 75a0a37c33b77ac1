#!/usr/bin/env python3
"""Benchmark kiosk printing: kiosk press -> first byte of that ticket at the printer.

Starts a fake ESC/POS network printer (tests/fake_printer.py, wrapped here to timestamp the first
and last byte of every connection) and the real server (`run.py`, as bench/bench_server.py does) with
LUOT_PRINTER=tcp://127.0.0.1:<fake port>, creates an admin and a kiosk token with `run.py token
create` and one service through the API, then issues tickets with `POST /api/v1/tickets
{"service": ..., "print": true}` and measures, per ticket, the time from just before the POST is sent
to the first byte of that ticket's print job reaching the printer.

    .venv/bin/python bench/bench_print.py                   # 200 tickets from 1 kiosk, then 200 from 4
    .venv/bin/python bench/bench_print.py --json            # the report as JSON on stdout
    .venv/bin/python bench/bench_print.py --own-printers    # and a phase where each kiosk has its printer

Exit status: 0 when every target is met, 1 when one is missed, 2 when the bench could not run.
"""
import argparse
import importlib.util
import json
import os
import random
import sqlite3
import string
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (str(ROOT), str(ROOT / 'bench')):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from bench_server import (TARGET_ISSUE_P99_MS, Api, BenchError, Server, expect, load_average, log,  # noqa: E402
                          percentile, server_report)


def _load_fake_printer():
    """tests/fake_printer.py as a module (`tests` has no __init__.py; another `tests` may shadow it)."""
    try:
        from tests import fake_printer
        if Path(fake_printer.__file__).resolve() == ROOT / 'tests' / 'fake_printer.py':
            return fake_printer
    except ImportError:
        pass
    spec = importlib.util.spec_from_file_location('luot_fake_printer', ROOT / 'tests' / 'fake_printer.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fake_printer = _load_fake_printer()

TARGET_FIRST_BYTE_P99_MS = 150.0
CUT = b'\x1dV'          # GS V: one per ticket (python-escpos's cut)


# --------------------------------------------------------------------------------------------
# The fake printer, with the time of the first and last byte of each connection
# --------------------------------------------------------------------------------------------

class _StampingSocket:
    """A socket whose recv() notes when bytes arrived on the connection's record."""

    def __init__(self, sock, connection):
        self._sock, self._connection = sock, connection

    def recv(self, size):
        data = self._sock.recv(size)
        if data:
            now = time.perf_counter()
            if self._connection.first_byte_at is None:
                self._connection.first_byte_at = now
            self._connection.last_byte_at = now
        return data

    def __getattr__(self, name):
        return getattr(self._sock, name)


class RecordingPrinter(fake_printer.FakePrinter):
    """FakePrinter (mode normal, status online) that timestamps every connection with perf_counter().

    Each Connection gets accepted_at (when its reader thread starts), first_byte_at, last_byte_at and
    closed_at (when the client half-closed or closed it). Completed print jobs are counted so the
    kiosks can wait for their ticket to come out before pressing again.
    """

    def __init__(self):
        super().__init__(status='online', mode='normal')
        self.jobs_done = 0

    def _read(self, client, record, mode):
        with self._changed:
            connection = next((c for c in reversed(self.connections) if c.data is record), None)
        if connection is None:      # cannot happen with the FakePrinter this wraps; read unstamped
            return super()._read(client, record, mode)
        connection.accepted_at = time.perf_counter()
        connection.first_byte_at = connection.last_byte_at = connection.closed_at = None
        try:
            return super()._read(_StampingSocket(client, connection), record, mode)
        finally:
            connection.closed_at = time.perf_counter()
            with self._changed:
                if record and not fake_printer._only_queries(bytes(record)):
                    self.jobs_done += 1
                self._changed.notify_all()

    def wait_jobs_done(self, count, timeout):
        """Wait until `count` print jobs were received completely; returns whether they were."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.jobs_done < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(timeout=min(0.2, left))
            return True

    def snapshot(self, start=0):
        """The connections from index `start` on: (kind, connection, bytes) with kind job/status/empty."""
        with self._changed:
            connections = list(self.connections[start:])
            out = []
            for connection in connections:
                data = bytes(connection.data)
                kind = 'empty' if not data else 'status' if fake_printer._only_queries(data) else 'job'
                out.append((kind, connection, data))
        return out


def count_cuts(job):
    """Cut commands in a job, read with the tests' ESC/POS parser (raster bytes may hold 1D 56 by chance)."""
    try:
        return sum(1 for name, _arg in fake_printer.parse_escpos(job) if name == 'cut'), None
    except Exception as exc:  # noqa: BLE001 - AssertionError, IndexError, struct.error: counted the raw way
        return job.count(CUT), 'unparsable job (%s); cuts counted as raw GS V bytes' % str(exc)[:120]


# --------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------

def ms_summary(values_s):
    ms = [v * 1000.0 for v in values_s if v is not None]
    if not ms:
        return {'n': 0, 'median_ms': None, 'p99_ms': None, 'max_ms': None, 'min_ms': None}
    return {'n': len(ms), 'min_ms': round(min(ms), 2), 'median_ms': round(percentile(ms, 50), 2),
            'p99_ms': round(percentile(ms, 99), 2), 'max_ms': round(max(ms), 2)}


# --------------------------------------------------------------------------------------------
# A phase: kiosks issuing tickets with print: true
# --------------------------------------------------------------------------------------------

class Kiosk:
    """One kiosk: a keep-alive connection with its token, sending to the printer `lane` prints on."""

    def __init__(self, index, port, token, lane):
        self.index, self.lane = index, lane
        self.api = Api(port, token)
        self.records = []


class Lane:
    """One printer and the tickets issued to it in a phase (the kiosks sharing it)."""

    def __init__(self, printer):
        self.printer = printer
        self.lock = threading.Lock()
        self.answered = 0
        self.jobs_base = printer.jobs_done
        self.conn_base = len(printer.connections)

    def ticket_answered(self):
        """How many jobs must be complete on this printer before this kiosk's ticket surely is."""
        with self.lock:
            self.answered += 1
            return self.jobs_base + self.answered


def run_phase(name, kiosks, tickets, service, gap, print_timeout, time_limit):
    """`tickets` POSTs spread over the kiosks, each kiosk pressing again once its ticket came out.

    A kiosk waits (print_timeout at most) until its printer has received as many complete jobs as
    tickets were answered for it, then `gap` seconds, then presses again; with one kiosk this is
    strictly one ticket after the other.
    """
    log('%s: %d tickets from %d kiosk(s) on %d printer(s)'
        % (name, tickets, len(kiosks), len({id(k.lane) for k in kiosks})))
    body = {'service': service, 'print': True}
    slots = iter(range(tickets))
    slots_lock = threading.Lock()
    deadline = time.perf_counter() + time_limit
    state = {'print_timeouts': 0, 'errors': {}, 'failures': []}
    state_lock = threading.Lock()

    def take_slot():
        with slots_lock:
            return next(slots, None)

    def work(kiosk, barrier):
        kiosk.api._connect()
        barrier.wait(timeout=30)
        while time.perf_counter() < deadline:
            slot = take_slot()
            if slot is None:
                return
            status, data, elapsed, sent = kiosk.api.request('POST', '/tickets', body)
            if status != 201:
                with state_lock:
                    key = str(status)
                    state['errors'][key] = state['errors'].get(key, 0) + 1
                    state.setdefault('error_examples', {}).setdefault(key, json.dumps(data, ensure_ascii=False)[:300])
                continue
            kiosk.records.append({'slot': slot, 'kiosk': kiosk.index, 'ticket_id': data['id'],
                                  'number': data['number'], 'sent': sent, 'answered': sent + elapsed,
                                  'printing': data.get('printing'), 'printer': kiosk.lane.printer.uri})
            target = kiosk.lane.ticket_answered()
            if not kiosk.lane.printer.wait_jobs_done(target, print_timeout):
                with state_lock:
                    state['print_timeouts'] += 1
            if gap > 0:
                time.sleep(gap)

    barrier = threading.Barrier(len(kiosks) + 1)

    def body_thread(kiosk):
        try:
            work(kiosk, barrier)
        except Exception as exc:  # noqa: BLE001 - reported, the other kiosks go on
            with state_lock:
                state['failures'].append('kiosk %d: %r' % (kiosk.index, exc))
            barrier.abort()
        finally:
            kiosk.api.close()

    threads = [threading.Thread(target=body_thread, args=(k,), daemon=True, name='kiosk-%d' % k.index)
               for k in kiosks]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    try:
        barrier.wait(timeout=30)
    except threading.BrokenBarrierError:
        pass
    for thread in threads:
        thread.join(max(0.0, deadline + print_timeout + 15 - time.perf_counter()))
    stuck = sum(1 for t in threads if t.is_alive())
    wall = time.perf_counter() - started
    # Every answered ticket's job should be out by now; give stragglers a bounded moment.
    lanes = {id(k.lane): k.lane for k in kiosks}
    for lane in lanes.values():
        lane.printer.wait_jobs_done(lane.jobs_base + lane.answered, print_timeout)
    records = sorted((r for k in kiosks for r in k.records), key=lambda r: r['sent'])
    return {'records': records, 'lanes': list(lanes.values()), 'wall_s': wall, 'stuck': stuck,
            'print_timeouts': state['print_timeouts'], 'errors': state['errors'],
            'error_examples': state.get('error_examples', {}), 'failures': state['failures'],
            'timed_out': time.perf_counter() > deadline}


# --------------------------------------------------------------------------------------------
# Which received job is which ticket
# --------------------------------------------------------------------------------------------

def print_jobs_by_ticket(db_path, ticket_ids):
    """{ticket id: (job id, printer_uri, state, attempts)} from the server's SQLite file (read-only).

    The spooler prints each printer's jobs one at a time in PrintJob.id order, so the n-th job that
    reaches a printer is its n-th PrintJob row (when none needed a second try). With several kiosks
    on one printer the job order can differ from the order the tickets were issued or answered in.
    """
    ids = sorted(set(ticket_ids))
    out = {}
    uri = 'file:%s?mode=ro' % Path(db_path).resolve().as_posix()
    conn = sqlite3.connect(uri, uri=True, timeout=10)
    try:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = conn.execute('SELECT id, ticket_id, printer_uri, state, attempts FROM print_job '
                                'WHERE ticket_id IN (%s) ORDER BY id' % ','.join('?' * len(chunk)), chunk)
            for job_id, ticket_id, printer_uri, job_state, attempts in rows:
                out.setdefault(ticket_id, []).append((job_id, printer_uri, job_state, attempts))
    finally:
        conn.close()
    return out


def analyse_phase(name, phase, db_path, printers_by_uri):
    """Match each ticket to the job connection that printed it; latencies, cuts and checks."""
    records = phase['records']
    notes = []
    by_ticket = {r['ticket_id']: r for r in records}
    try:
        # The worker marks a job done just after its last byte went out: give the last one a moment.
        for _attempt in range(30):
            jobs_db = print_jobs_by_ticket(db_path, list(by_ticket))
            if all(job[2] not in ('queued', 'printing') for jobs in jobs_db.values() for job in jobs):
                break
            time.sleep(0.1)
        matching = 'PrintJob.id order (server database, read-only)'
    except sqlite3.Error as exc:
        jobs_db = None
        matching = 'ticket id order (the database could not be read: %s)' % exc
        notes.append('matched jobs to tickets by ticket id order: approximate with several kiosks')
    # Per printer: the tickets in the order their jobs should reach it.
    ordered = {}
    if jobs_db is not None:
        extra = sum(len(v) - 1 for v in jobs_db.values() if len(v) > 1)
        missing = [t for t in by_ticket if t not in jobs_db]
        if extra:
            notes.append('%d ticket(s) have more than one PrintJob row' % extra)
        if missing:
            notes.append('%d ticket(s) have no PrintJob row (not queued for printing)' % len(missing))
        rows = sorted((job[0], ticket_id, job[1], job[2], job[3]) for ticket_id, jobs in jobs_db.items()
                      for job in jobs)
        not_done = [r for r in rows if r[3] != 'done' or r[4] != 1]
        if not_done:
            states = {}
            for r in not_done:
                key = '%s/%d tries' % (r[3], r[4])
                states[key] = states.get(key, 0) + 1
            notes.append('PrintJob rows not done on the first try: %s' % states)
        for _job_id, ticket_id, printer_uri, _state, _attempts in rows:
            ordered.setdefault(printer_uri, []).append(ticket_id)
    else:
        for lane in phase['lanes']:
            uri = lane.printer.uri
            ordered[uri] = sorted(r['ticket_id'] for r in records if r['printer'] == uri)
    unknown = set(ordered) - set(printers_by_uri)
    if unknown:
        notes.append('jobs for printers the bench does not run: %s' % sorted(unknown))
    # Per printer: the job connections of this phase, in the order they were accepted.
    lane_by_printer = {id(lane.printer): lane for lane in phase['lanes']}
    per_ticket = {}
    cuts = jobs_received = status_connections = 0
    cut_notes = []
    for uri, ticket_ids in ordered.items():
        printer = printers_by_uri.get(uri)
        if printer is None:
            continue
        lane = lane_by_printer.get(id(printer))
        start = lane.conn_base if lane else 0
        connections = printer.snapshot(start)
        jobs = []
        last_status = None
        for kind, connection, data in connections:
            if kind == 'status':
                status_connections += 1
                last_status = connection
            elif kind == 'job':
                jobs.append((connection, data, last_status))
                last_status = None
        jobs_received += len(jobs)
        for connection, data, _status in jobs:
            found, note = count_cuts(data)
            cuts += found
            if note and len(cut_notes) < 3:
                cut_notes.append(note)
        if len(jobs) != len(ticket_ids):
            notes.append('%s: %d job connection(s) for %d ticket(s); matched the first %d in order'
                         % (uri, len(jobs), len(ticket_ids), min(len(jobs), len(ticket_ids))))
        for ticket_id, (connection, data, status_connection) in zip(ticket_ids, jobs):
            per_ticket[ticket_id] = (connection, status_connection)
    notes.extend(cut_notes)
    first, last, post, status_first, status_talk, render_send = [], [], [], [], [], []
    answered_first = 0
    unmatched = 0
    samples = []
    for record in records:
        post.append(record['answered'] - record['sent'])
        match = per_ticket.get(record['ticket_id'])
        if match is None or match[0].first_byte_at is None:
            unmatched += 1
            continue
        connection, status_connection = match
        first.append(connection.first_byte_at - record['sent'])
        if connection.last_byte_at is not None:
            last.append(connection.last_byte_at - record['sent'])
        if record['answered'] <= connection.first_byte_at:
            answered_first += 1
        if status_connection is not None and status_connection.first_byte_at is not None:
            status_first.append(status_connection.first_byte_at - record['sent'])
            if status_connection.closed_at is not None:
                status_talk.append(status_connection.closed_at - status_connection.first_byte_at)
                render_send.append(connection.first_byte_at - status_connection.closed_at)
        samples.append({'ticket': record['number'], 'kiosk': record['kiosk'],
                        'post_ms': round((record['answered'] - record['sent']) * 1000, 2),
                        'first_byte_ms': round((connection.first_byte_at - record['sent']) * 1000, 2)})
    printing_states = {}
    for record in records:
        printing = record.get('printing') or {}
        key = '%s/%s' % (printing.get('queued'), printing.get('status'))
        printing_states[key] = printing_states.get(key, 0) + 1
    expected = len(records)
    worst = sorted(samples, key=lambda s: s['first_byte_ms'], reverse=True)[:5]
    return {
        'name': name, 'kiosks': len({r['kiosk'] for r in records}) or None, 'tickets_answered': expected,
        'errors': phase['errors'], 'error_examples': phase['error_examples'],
        'kiosk_failures': phase['failures'][:5], 'stuck_kiosks': phase['stuck'],
        'print_waits_timed_out': phase['print_timeouts'], 'timed_out': phase['timed_out'],
        'wall_s': round(phase['wall_s'], 2),
        'first_byte': ms_summary(first), 'last_byte': ms_summary(last), 'post_answer': ms_summary(post),
        'status_query_first_byte': ms_summary(status_first), 'status_query_duration': ms_summary(status_talk),
        'status_closed_to_job_first_byte': ms_summary(render_send),
        'answered_before_first_byte': answered_first, 'unmatched_tickets': unmatched,
        'jobs_received': jobs_received, 'status_connections': status_connections, 'cuts': cuts,
        'printing_answers': printing_states, 'matching': matching, 'notes': notes, 'slowest': worst,
    }


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

def verdicts(results, wanted):
    out = []
    for key, result in results.items():
        first = result['first_byte']['p99_ms']
        out.append({'phase': key, 'figure': 'kiosk press -> first byte p99', 'value': first,
                    'target': '<= %g ms' % TARGET_FIRST_BYTE_P99_MS,
                    'result': 'PASS' if first is not None and first <= TARGET_FIRST_BYTE_P99_MS
                    and result['unmatched_tickets'] == 0 else 'MISS'})
        post = result['post_answer']['p99_ms']
        # Shown for reference: the issue latency target belongs to bench_server.py, not to printing.
        out.append({'phase': key, 'figure': 'POST answer p99 (for reference)', 'value': post,
                    'target': '(bench_server: <= %g ms)' % TARGET_ISSUE_P99_MS, 'result': 'info'})
        errors = sum(result['errors'].values())
        printed = result['cuts']
        out.append({'phase': key, 'figure': 'tickets printed (cuts)', 'value': '%d/%d' % (printed, wanted),
                    'target': '= %d, no errors' % wanted,
                    'result': 'PASS' if printed == wanted and result['tickets_answered'] == wanted
                    and result['jobs_received'] == wanted and not errors else 'MISS'})
    return out


def _fmt(value, unit=' ms'):
    return '-' if value is None else ('%.1f%s' % (value, unit) if isinstance(value, float) else '%s' % value)


def print_table(report):
    config = report['config']
    print('Lượt print bench: %d tickets per phase, printer %s, load average %s -> %s, %s CPUs'
          % (config['tickets'], config['printer'], config['load_average_before'],
             config['load_average_after'], config['cpus']))
    for key, result in report['results'].items():
        print()
        print('%s (%s kiosk(s), %.1f s)' % (result['name'], result['kiosks'], result['wall_s']))
        print('  %-40s %10s %10s %10s %10s' % ('', 'median', 'p99', 'max', 'n'))
        for label, figure in (('kiosk press -> first byte at printer', 'first_byte'),
                              ('kiosk press -> last byte at printer', 'last_byte'),
                              ('POST /tickets answer', 'post_answer'),
                              ('  press -> status query (DLE EOT 1)', 'status_query_first_byte'),
                              ('  status query: DLE EOT 1 -> closed', 'status_query_duration'),
                              ('  status closed -> job first byte', 'status_closed_to_job_first_byte')):
            s = result[figure]
            print('  %-40s %10s %10s %10s %10s' % (label, _fmt(s['median_ms']), _fmt(s['p99_ms']),
                                                   _fmt(s['max_ms']), s['n']))
        print('  answered before the first byte: %d/%d; jobs received %d, cuts %d, status-only connections %d'
              % (result['answered_before_first_byte'], result['tickets_answered'], result['jobs_received'],
                 result['cuts'], result['status_connections']))
        print('  "printing" in the answers: %s' % result['printing_answers'])
        if result['errors']:
            print('  errors: %s %s' % (result['errors'], result['error_examples']))
        if result['print_waits_timed_out']:
            print('  kiosk waits for the ticket that timed out: %d' % result['print_waits_timed_out'])
        for failure in result['kiosk_failures']:
            print('  kiosk failure: ' + failure)
        print('  matched by %s' % result['matching'])
        for note in result['notes']:
            print('  note: ' + note)
        print('  slowest: ' + ', '.join('%s (kiosk %d) %.1f ms' % (s['ticket'], s['kiosk'], s['first_byte_ms'])
                                        for s in result['slowest']))
    print()
    print('%-32s %-34s %12s %14s  %s' % ('phase', 'figure', 'value', 'target', 'result'))
    for v in report['verdicts']:
        print('%-32s %-34s %12s %14s  %s' % (v['phase'], v['figure'], _fmt(v['value']), v['target'], v['result']))
    server = report['server']
    stop = server.get('stop', {})
    print()
    print('server: stopped %s (exit %s)%s' % ('cleanly' if stop.get('clean') else 'NOT cleanly',
                                              stop.get('returncode'), ' - ' + stop['note'] if stop.get('note') else ''))
    problems = server.get('problems', {})
    print('server log: %d error line(s)' % problems.get('count', 0))
    for line in problems.get('distinct', []):
        print('  ' + line)
    warnings = server.get('warnings', [])
    if warnings:
        print('server log: %d WARNING line(s), e.g.' % server.get('warning_count', 0))
        for line in warnings:
            print('  ' + line)


def warning_lines(server, limit=10):
    lines = [line for line in server.stderr_text().splitlines() if ' WARNING ' in line]
    distinct, seen = [], set()
    for line in lines:
        key = line[line.find(' ', 24):]
        if key not in seen:
            seen.add(key)
            distinct.append(line[:300])
    return len(lines), distinct[:limit]


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--json', action='store_true', help='print the report as JSON on stdout')
    parser.add_argument('--tickets', type=int, default=200, help='tickets per phase (default 200)')
    parser.add_argument('--kiosks', type=int, default=4, help='kiosks in the concurrent phase (default 4)')
    parser.add_argument('--warmup', type=int, default=3,
                        help='unmeasured tickets printed first (fonts, caches; default 3)')
    parser.add_argument('--gap', type=float, default=0.0,
                        help='seconds a kiosk waits after its ticket came out before the next press (default 0)')
    parser.add_argument('--print-timeout', type=float, default=10.0,
                        help='seconds a kiosk waits at most for its ticket to come out (default 10)')
    parser.add_argument('--own-printers', action='store_true',
                        help='add a phase where each kiosk has its own fake printer (admin API printers)')
    parser.add_argument('--skip', action='append', default=[], choices=['sequential', 'concurrent'],
                        help='leave a phase out (may be repeated)')
    parser.add_argument('--startup-timeout', type=float, default=60.0, help='seconds to wait for the server')
    parser.add_argument('--keep-data', action='store_true', help='keep the temporary directory (its path is printed)')
    args = parser.parse_args(argv)
    if not 1 <= args.tickets <= 5000 or not 1 <= args.kiosks <= 32 or not 0 <= args.warmup <= 100:
        parser.error('--tickets 1..5000, --kiosks 1..32, --warmup 0..100')
    if not 0 <= args.gap <= 10 or not 0.5 <= args.print_timeout <= 60:
        parser.error('--gap 0..10 s, --print-timeout 0.5..60 s')
    return args


def main(argv=None):
    args = parse_args(argv)
    tag = ''.join(random.choice(string.ascii_uppercase + string.digits) for _ in range(5))
    workdir = Path(tempfile.mkdtemp(prefix='luot-bench-print-'))
    printer = RecordingPrinter()
    extra_printers = []
    server = Server(workdir)
    report = {'config': {'tickets': args.tickets, 'kiosks': args.kiosks, 'warmup': args.warmup, 'gap_s': args.gap,
                         'print_timeout_s': args.print_timeout, 'own_printers': args.own_printers, 'tag': tag,
                         'cpus': os.cpu_count(), 'python': sys.version.split()[0],
                         'load_average_before': load_average(), 'printer': None},
              'results': {}, 'server': {}, 'error': None}
    try:
        printer.start()
        report['config']['printer'] = printer.uri
        load = report['config']['load_average_before']
        if load and load[0] > 0.5:
            log('load average %s: other work is running on this machine, the figures will be noisy' % load)
        server.env['LUOT_PRINTER'] = printer.uri
        server.start(args.startup_timeout)
        admin_token = server.create_token('admin', 'bench print %s admin' % tag)
        kiosk_token = server.create_token('kiosk', 'bench print %s kiosk' % tag)
        admin = Api(server.port, admin_token)
        service = 'BP%s' % tag
        expect(*admin.request('POST', '/services', {'code': service, 'name': 'Bench in %s' % tag,
                                                    'prefix': 'P'})[:2], 201, 'POST /services')
        log('service %s created; printer %s' % (service, printer.uri))
        printers_by_uri = {printer.uri: printer}
        db_path = server.data_dir / 'luot.db'
        time_limit = max(60.0, args.tickets * 1.0)

        if args.warmup:
            lane = Lane(printer)
            phase = run_phase('warm-up', [Kiosk(0, server.port, kiosk_token, lane)], args.warmup, service,
                              0.0, args.print_timeout, time_limit)
            if phase['failures'] or phase['errors']:
                raise BenchError('warm-up failed: %s %s %s' % (phase['failures'], phase['errors'],
                                                                phase['error_examples']))
        if 'sequential' not in args.skip:
            lane = Lane(printer)
            phase = run_phase('sequential', [Kiosk(0, server.port, kiosk_token, lane)], args.tickets, service,
                              args.gap, args.print_timeout, time_limit)
            report['results']['sequential'] = analyse_phase('1 kiosk, one ticket after the other', phase,
                                                            db_path, printers_by_uri)
        if 'concurrent' not in args.skip:
            lane = Lane(printer)
            kiosks = [Kiosk(i, server.port, kiosk_token, lane) for i in range(args.kiosks)]
            phase = run_phase('concurrent', kiosks, args.tickets, service, args.gap, args.print_timeout, time_limit)
            report['results']['concurrent'] = analyse_phase(
                '%d kiosks at once, one shared printer (LUOT_PRINTER)' % args.kiosks, phase, db_path,
                printers_by_uri)
        if args.own_printers:
            kiosks = []
            for i in range(args.kiosks):
                own = RecordingPrinter()
                own.start()
                extra_printers.append(own)
                printers_by_uri[own.uri] = own
                created = expect(*admin.request('POST', '/printers', {'name': 'Bench %s %d' % (tag, i),
                                                                      'uri': own.uri, 'paper_width': 80})[:2],
                                 201, 'POST /printers')
                token = expect(*admin.request('POST', '/tokens', {'role': 'kiosk', 'name': 'bench print %s kiosk %d'
                                                                  % (tag, i), 'printer_id': created['id']})[:2],
                               201, 'POST /tokens')['token']
                kiosks.append(Kiosk(i, server.port, token, Lane(own)))
            if args.warmup:     # each printer's worker thread starts with its first job
                for kiosk in kiosks:
                    run_phase('warm-up (printer of kiosk %d)' % kiosk.index, [kiosk], args.warmup, service, 0.0,
                              args.print_timeout, time_limit)
                    kiosk.lane, kiosk.records = Lane(kiosk.lane.printer), []
            phase = run_phase('own printers', kiosks, args.tickets, service, args.gap, args.print_timeout,
                              time_limit)
            report['results']['own_printers'] = analyse_phase(
                '%d kiosks at once, each with its own printer' % args.kiosks, phase, db_path, printers_by_uri)
        admin.close()
    except BenchError as exc:
        report['error'] = str(exc)
    except KeyboardInterrupt:
        report['error'] = 'interrupted'
    except Exception as exc:  # noqa: BLE001 - still stop the server and remove the directory
        report['error'] = 'bench failure: %r' % exc
    finally:
        server.stop()
        for fake in [printer] + extra_printers:
            fake.stop()
        count, warnings = warning_lines(server)
        report['server'] = dict(server_report(server, workdir, args.keep_data),
                                warning_count=count, warnings=warnings)
    report['config']['load_average_after'] = load_average()
    report['verdicts'] = verdicts(report['results'], args.tickets)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_table(report)
    if report['error']:
        print('bench: ' + report['error'], file=sys.stderr)
        return 2
    return 0 if report['verdicts'] and all(v['result'] != 'MISS' for v in report['verdicts']) else 1


if __name__ == '__main__':
    sys.exit(main())
