"""Fixtures: an app on a temporary SQLite file, clients, tokens, a small office, live servers."""
import http.client
import itertools
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from server import create_app
from server.auth import hash_password
from server.extensions import db, socketio
from server.models import ApiToken, Counter, CounterService, Service, Staff
from tests.helpers import PrivateRedis, change_password

ROOT = Path(__file__).resolve().parent.parent
ROLES = ('admin', 'desk', 'counter', 'hotline', 'kiosk', 'display', 'gateway')
IN_CI = os.environ.get('LUOT_CI') == '1'


def pytest_collection_modifyitems(config, items):
    """For pytest-xdist's loadgroup (make test runs two workers): a file's tests stay on one worker, and
    the files that use the one PostgreSQL test database or the one Redis all share a worker."""
    for item in items:
        group = 'services' if item.get_closest_marker('services') else item.path.name
        item.add_marker(pytest.mark.xdist_group(group))


def need(condition, reason):
    """Skip with a reason outside CI; in CI (LUOT_CI=1) a missing part is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail('required in CI: ' + reason)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def published_before_reading(monkeypatch):
    """Where a test started the publisher thread (`publishing`), a test client reads only after its events
    are published (an app that was not started publishes at once, in the request)."""
    from flask_socketio.test_client import SocketIOTestClient
    original = SocketIOTestClient.get_received

    def get_received(self, namespace=None):
        assert self.app.extensions['luot'].publisher.wait_until_published(), 'events were not published within 5 s'
        return original(self, namespace)
    monkeypatch.setattr(SocketIOTestClient, 'get_received', get_received)


@pytest.fixture
def app_config(tmp_path):
    return {'DATA_DIR': str(tmp_path / 'data'), 'SCHEDULER': False, 'PRINTING': False, 'TESTING': True}


@pytest.fixture
def app(app_config):
    application = create_app(app_config)
    yield application
    # Closing the pool under a thread's query crashes SQLite: the publisher thread (if a test started it) and
    # the threads closing revoked access's connections finish first, however loaded the machine.
    assert application.extensions['luot'].stop(timeout=120), 'the app\'s threads did not finish within 120 s'
    if not db.is_closed():
        db.close()
    db.obj.close_all() if hasattr(db.obj, 'close_all') else None


@pytest.fixture
def publishing(app):
    """The app's publisher thread, as a served process runs it (queue changes folded); the `app` fixture
    stops it."""
    app.extensions['luot'].publisher.start()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def make_token(role, name=None):
    with db.connection_context():
        _row, raw = ApiToken.issue(role, name or role)
    return raw


@pytest.fixture
def tokens(app):
    return {role: make_token(role, 'test ' + role) for role in ROLES}


def bearer(token, **extra):
    headers = {'Authorization': 'Bearer ' + token}
    headers.update(extra)
    return headers


def make_service(code, name, prefix, active=True):
    with db.connection_context():
        return Service.create(code=code, name=name, prefix=prefix, active=active)


def make_counter(number, codes, name=None):
    with db.connection_context():
        counter = Counter.create(number=number, name=name or 'Quầy %d' % number)
        for code in codes:
            CounterService.create(counter=counter, service=Service.by_code(code))
        return counter


def open_weekday(days=2):
    """A Monday-to-Friday date at least `days` ahead in office time (the default hours open both sessions)
    that is no public holiday (a server with its scheduler on seeds them)."""
    import datetime

    import holidays

    from server.clock import local_naive
    day = local_naive().date() + datetime.timedelta(days=days)
    closed = holidays.Vietnam(years=[day.year, day.year + 1])
    while day.weekday() >= 5 or day in closed:
        day += datetime.timedelta(days=1)
    return day


def make_staff(username, role, password='mat-khau-1'):
    with db.connection_context():
        return Staff.create(username=username, full_name=username, role=role, password_hash=hash_password(password))


@pytest.fixture
def office(app):
    """Two lines and three counters, like a small ward."""
    make_service('CT', 'Chứng thực', 'A')
    make_service('HT', 'Hộ tịch', 'B')
    make_counter(1, ['CT'])
    make_counter(2, ['CT', 'HT'])
    make_counter(3, ['HT'])
    return app


@pytest.fixture
def display(app, tokens):
    client = socketio.test_client(app, namespace='/display', auth={'token': tokens['display']})
    yield client
    if client.is_connected('/display'):
        client.disconnect('/display')


# Ports for the servers tests start: below Linux's ephemeral range (32768 and up, where the kernel
# puts client sockets), and a block of their own for each pytest-xdist worker, taken in turn, so two
# workers never start servers on the same port and a port is not reused while in TIME_WAIT.
PORTS_PER_WORKER = 3000
_ports = itertools.count()


def free_port():
    """A loopback port nothing listens on, from this worker's block."""
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    # LUOT_TEST_PORT_BASE: another block, for a second test run on the same machine at the same time
    base = int(os.environ.get('LUOT_TEST_PORT_BASE', 20000)) + PORTS_PER_WORKER * (int(worker[2:]) if worker[2:].isdigit() else 0)
    for _attempt in range(PORTS_PER_WORKER):
        port = base + next(_ports) % PORTS_PER_WORKER
        with socket.socket() as sock:
            try:
                sock.bind(('127.0.0.1', port))
            except OSError:
                continue
            return port
    raise RuntimeError('no free port in %d-%d' % (base, base + PORTS_PER_WORKER - 1))


DEMO_PASSWORDS = {}   # (data folder, username): the password a test set in place of the demo's generated one


class LiveServer:
    """`python run.py` in a child process on 127.0.0.1 and a free port."""

    def __init__(self, data_dir, env=None, demo=False, port=None, args=()):
        self.data_dir, self.port = Path(data_dir), port or free_port()
        self.url = '%s://127.0.0.1:%d' % ('https' if '--certfile' in args else 'http', self.port)
        self.env = dict(os.environ, **(env or {}))
        self.demo, self.process, self.args = demo, None, list(args)

    def start(self, timeout=30):
        args = [sys.executable, str(ROOT / 'run.py'), '--host', '127.0.0.1', '--port', str(self.port),
                '--data-dir', str(self.data_dir)] + (['--demo'] if self.demo else []) + self.args
        self.log = open(self.data_dir.parent / ('server-%d.log' % self.port), 'ab')
        self.process = subprocess.Popen(args, cwd=str(ROOT), env=self.env, stdout=self.log, stderr=self.log)
        # Ready when the OpenAPI document answers (API.md): gunicorn's arbiter opens the port before its
        # worker has built the app, and a page opened in between waits for that worker.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('server exited: ' + self.log_text())
            if self.answers('/api/v1/openapi.json'):
                return self
            time.sleep(0.1)
        raise RuntimeError('server did not start: ' + self.log_text())

    def answers(self, path):
        """Whether the server answers 200 on path within a second."""
        context = ssl._create_unverified_context() if self.url.startswith('https') else None
        try:
            with urllib.request.urlopen(self.url + path, timeout=1, context=context) as answer:
                return answer.status == 200
        except (OSError, http.client.HTTPException):
            return False

    def token(self, role, name='test'):
        """A new API token of this server's office, stored as `run.py token create` stores it (tests/test_cli.py
        runs that command), but from this process: a command per token cost a second of CPU each."""
        if self.process is None:   # not started yet: the command also creates the office's database
            out = subprocess.run([sys.executable, str(ROOT / 'run.py'), 'token', 'create', '--role', role, '--name',
                                  name, '--data-dir', str(self.data_dir)], cwd=str(ROOT), env=self.env,
                                 capture_output=True, text=True, timeout=60, check=True)
            return out.stdout.strip()
        from playhouse.db_url import connect
        url = self.env.get('LUOT_DATABASE_URL') or 'sqlite:///' + str((self.data_dir / 'luot.db').resolve())
        database = connect(url, **({'pragmas': {'busy_timeout': 10000}} if url.startswith('sqlite') else {}))
        try:
            with database.bind_ctx([ApiToken], bind_refs=False, bind_backrefs=False), database.atomic():
                _row, raw = ApiToken.issue(role, name)
        finally:
            database.close()
        return raw

    def password(self, username):
        """A demo account's password to log in with. The demo prints generated ones that must be changed at the
        first login: the printed one is read from the server's output and changed once, over HTTP, to one kept
        for this data folder (a restarted demo server keeps its accounts and their passwords)."""
        key = (str(self.data_dir), username)
        if key not in DEMO_PASSWORDS:
            self.log.flush()
            output = (self.data_dir.parent / ('server-%d.log' % self.port)).read_text(errors='replace')
            printed = re.findall(r'^ +%s +\w+ +mật khẩu/password: (\S+)$' % re.escape(username), output, re.M)
            assert printed, 'the demo printed no password for %s' % username
            DEMO_PASSWORDS[key] = change_password(self.url, username, printed[0], 'doi-' + secrets.token_urlsafe(9))
        return DEMO_PASSWORDS[key]

    def log_text(self):
        if not self.log.closed:
            self.log.flush()
        return (self.data_dir.parent / ('server-%d.log' % self.port)).read_text(errors='replace')[-4000:]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process:
            self.log.close()
        return self.process.returncode if self.process else None


@pytest.fixture
def live_server(tmp_path, request):
    """Start servers on demand: live_server(env=..., demo=..., args=[more run.py options]); all are stopped
    afterwards."""
    started = []

    def start(env=None, demo=False, data_dir=None, port=None, args=()):
        data = Path(data_dir or tmp_path / ('live%d' % len(started)))
        data.mkdir(parents=True, exist_ok=True)
        server = LiveServer(data, env=env, demo=demo, port=port, args=args)
        started.append(server)
        return server.start()
    yield start
    for server in started:
        server.stop()
    call = getattr(request.node, 'rep_call', None)
    if call is not None and call.failed:   # what the servers logged, to tell a slow start from a fault
        for server in started:
            sys.stderr.write('\n--- server %s log (end) ---\n%s\n' % (server.url, server.log_text()))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (live_server shows its servers' logs after a failure)."""
    report = yield
    setattr(item, 'rep_' + report.when, report)
    return report


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of the test's own (stopped afterwards)."""
    need(shutil.which('redis-server') is not None, 'redis-server is not installed (apt-get install redis-server)')
    server = PrivateRedis(tmp_path, free_port()).start()
    yield server
    server.stop()


CHROMIUM = '/usr/bin/chromium'


@pytest.fixture(scope='session')
def browser():
    """Debian's Chromium driven by Playwright: headless, no sandbox, no background networking."""
    need(os.path.exists(CHROMIUM), 'Debian chromium is not installed (apt-get install chromium)')
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, 'playwright is not installed')
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-quic',
                  '--no-first-run', '--disable-component-update', '--disable-sync',
                  '--autoplay-policy=no-user-gesture-required'])
        yield instance
        instance.close()


# Every page of every browser test reports what the Content-Security-Policy blocked (server/access/security.py).
REPORT_CSP_VIOLATIONS = """document.addEventListener('securitypolicyviolation', (event) => {
  console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') +
                ' at ' + (event.sourceFile || location.href) + ':' + event.lineNumber);
});"""


def csp_violations(context):
    """Start collecting the CSP violations of a browser context's pages; the list fills as they happen."""
    found = []
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    context.on('console', lambda message: found.append(message.text) if message.type == 'error' and (
        message.text.startswith('CSP violation') or 'Content Security Policy' in message.text) else None)
    return found


@pytest.fixture
def page_in(browser):
    """New browser pages (own cookies) at a size: page_in(1920, 1080); all closed afterwards. A page that
    breaks the Content-Security-Policy fails the test. Name it after the live server in a test's arguments:
    fixtures end in reverse order, and a server stopped while a page still holds its WebSocket waits out
    gunicorn's graceful_timeout (5 s per test)."""
    contexts, violations = [], []

    def open_page(width=1280, height=800):
        context = browser.new_context(viewport={'width': width, 'height': height}, locale='vi-VN')
        contexts.append(context)
        violations.append(csp_violations(context))
        return context.new_page()
    yield open_page
    for context in contexts:
        # Each page first, without its unload handlers. Closing a page while a navigation of it commits can
        # hang Chromium for good (Playwright issues 41900, 42366; tests/test_media_pages.py hung 300 s in CI
        # when the console's reload after its last click raced the close): a page's load ends first (5 s at most).
        for page in context.pages:
            try:
                page.wait_for_load_state('load', timeout=5000)
            except Exception:  # noqa: BLE001 — closing it is what matters
                pass
            page.close(run_before_unload=False)
        context.close()
    assert [text for found in violations for text in found] == [], 'the Content-Security-Policy blocked something'
