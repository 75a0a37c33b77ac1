"""Several serving processes (`run.py --workers N`) on PostgreSQL and Redis: refused without them, and
with them every board gets every call whichever worker it is connected to, and exactly one worker
runs the print spooler and the scheduled jobs, another taking over when it dies."""
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import socketio as socketio_client

from tests.conftest import ROOT, need
from tests.fake_printer import FakePrinter
from tests.helpers import (api, drop_postgres_tables, issue, postgres_available, postgres_url, redis_available,
                           redis_url, wait_for)

# The shared PostgreSQL test database or Redis: with several pytest-xdist workers one runs them all.
pytestmark = pytest.mark.services

NS = '/display'
ELECTED = re.compile(r'background duties \(print spooler, scheduled jobs\) run in worker pid (\d+)')


def run_py(args, env, tmp_path):
    return subprocess.run([sys.executable, str(ROOT / 'run.py'), '--host', '127.0.0.1', '--port', '1',
                           '--data-dir', str(tmp_path / 'data')] + args,
                          cwd=str(ROOT), env=dict(os.environ, **env), capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


@pytest.mark.parametrize('args, env, says', [
    (['--workers', '0'], {}, 'phải từ 1 đến 32'),
    ([], {'LUOT_WORKERS': 'hai'}, "không phải 'hai'"),
    (['--workers', '2'], {'LUOT_MESSAGE_QUEUE': 'redis://127.0.0.1:6379/0'}, 'cần PostgreSQL'),
    (['--workers', '2'], {'LUOT_DATABASE_URL': 'postgresql://127.0.0.1:5432/test'}, 'cần LUOT_MESSAGE_QUEUE'),
])
def test_a_setting_that_cannot_work_is_refused_plainly(tmp_path, args, env, says):
    env = dict({'LUOT_MESSAGE_QUEUE': '', 'LUOT_DATABASE_URL': '', 'LUOT_WORKERS': ''}, **env)
    done = run_py(args, env, tmp_path)
    assert done.returncode == 2
    assert says in done.stderr and 'Traceback' not in done.stderr
    assert done.stderr.startswith('Lượt: ') and ' / ' in done.stderr     # Vietnamese, then English


def fresh_postgres():
    need(postgres_available(), 'PostgreSQL is not reachable at %s' % postgres_url())
    need(redis_available(), 'Redis is not reachable at %s' % redis_url())
    drop_postgres_tables()


def workers_of(server):
    """The pids of the server's gunicorn workers (children of the gunicorn master, run.py)."""
    children = Path('/proc/%d/task/%d/children' % (server.process.pid, server.process.pid))
    return {int(pid) for pid in children.read_text().split()}


def socket_owners(port, pids):
    """{remote port: pid} of the established TCP connections to `port` held by these processes."""
    inodes = {}
    for line in Path('/proc/net/tcp').read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
        if state == '01' and int(local.split(':')[1], 16) == port:
            inodes[inode] = int(remote.split(':')[1], 16)
    owners = {}
    for pid in pids:
        for fd in Path('/proc/%d/fd' % pid).iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            match = re.fullmatch(r'socket:\[(\d+)\]', target)
            if match and match.group(1) in inodes:
                owners[inodes[match.group(1)]] = pid
    return owners


def whole_log(server):
    """The server's whole output. log_text() is its last 4000 characters: in a quiet run the first election
    line is 2,000 of them before the second, so some 20 more lines logged meanwhile (a loaded machine's
    warnings) scroll it out, and a count of elections in the tail never reaches 2."""
    server.log.flush()
    return (server.data_dir.parent / ('server-%d.log' % server.port)).read_text(errors='replace')


class Board:
    def __init__(self, url, token):
        self.ready, self.calls = threading.Event(), []
        self.sio = socketio_client.Client(reconnection=False)
        self.sio.on('snapshot', lambda data: self.ready.set(), namespace=NS)
        self.sio.on('ticket_called', lambda data: self.calls.append(data['ticket']['number']), namespace=NS)
        self.sio.connect(url, namespaces=[NS], auth={'token': token}, transports=['websocket'], wait_timeout=10)
        assert self.ready.wait(10), 'no snapshot'

    @property
    def port(self):
        return self.sio.eio.ws.sock.getsockname()[1]


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
def test_two_workers_serve_one_office_and_one_runs_the_background_duties(live_server, tmp_path):
    if not Path('/proc/net/tcp').exists():
        pytest.skip('needs Linux /proc to see which worker holds which connection')
    fresh_postgres()
    printer = FakePrinter()
    printer.start()
    server = live_server(env={'LUOT_DATABASE_URL': postgres_url(), 'LUOT_MESSAGE_QUEUE': redis_url(),
                              'LUOT_WORKERS': '2', 'LUOT_PRINTER': printer.uri})
    admin, display, kiosk = server.token('admin'), server.token('display'), server.token('kiosk')
    api(server, 'POST', '/services', admin, {'code': 'CT', 'name': 'Chứng thực', 'prefix': 'A'})
    api(server, 'POST', '/counters', admin, {'number': 3, 'name': 'Quầy 3', 'services': ['CT']})
    assert wait_for(lambda: len(workers_of(server)) == 2, 15), 'gunicorn did not start two workers'
    pids = workers_of(server)

    # Boards connect until both workers hold some (the kernel hands each connection to one of them).
    boards, owners = [], {}
    try:
        while len(boards) < 40 and len(set(owners.values())) < 2:
            boards.append(Board(server.url, display))
            owners = socket_owners(server.port, pids)
        held = {owners.get(board.port) for board in boards}
        assert held == pids, 'the boards did not spread over both workers: %s' % held

        # Calls made through either worker reach every board on both, in the order they were made (each
        # call is sent after the answer to the one before, so boards must never show them swapped).
        for number in range(1, 21):
            issue(server, kiosk, print=True)   # on the kiosk's printer (LUOT_PRINTER), whichever worker answers
            api(server, 'POST', '/counters/3/call-next', admin)
        wanted = ['A%03d' % n for n in range(1, 21)]
        assert wait_for(lambda: all(board.calls == wanted for board in boards), 15), \
            [board.calls for board in boards if board.calls != wanted][:3]
        # Every ticket is printed, also those issued through the worker that does not run the spooler.
        printed = printer.wait_for_jobs(20, timeout=15)
        assert len(printed) == 20, server.log_text()
        assert 'not printed' not in whole_log(server)
    finally:
        for board in boards:
            board.sio.disconnect()
        printer.stop()

    # Exactly one worker runs the spooler and the jobs; when it dies another takes them over.
    log = whole_log(server)
    elected = ELECTED.findall(log)
    assert len(elected) == 1 and int(elected[0]) in pids, log
    assert log.count('waits its turn') == 1
    assert len(re.findall(r'added \d+ public holidays', log)) == 1     # the calendar is seeded by that one only
    os.kill(int(elected[0]), signal.SIGKILL)
    assert wait_for(lambda: len(ELECTED.findall(whole_log(server))) == 2, 30), server.log_text()
    successor = int(ELECTED.findall(whole_log(server))[1])
    assert successor != int(elected[0])
    assert successor in workers_of(server)


@pytest.mark.slow
def test_the_demo_office_with_two_workers_elects_a_worker(live_server):
    """Loading the demo (and upgrading the schema) happens in the master before the workers start; it
    must not keep the duty lock for itself."""
    fresh_postgres()
    server = live_server(demo=True, env={'LUOT_DATABASE_URL': postgres_url(), 'LUOT_MESSAGE_QUEUE': redis_url(),
                                         'LUOT_WORKERS': '2'})
    assert wait_for(lambda: len(ELECTED.findall(server.log_text())) == 1, 30), server.log_text()
    assert int(ELECTED.findall(server.log_text())[0]) in workers_of(server)
    assert 'Lượt is running (gunicorn, 2 workers)' in server.log_text()
