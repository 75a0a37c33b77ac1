"""Plain helpers shared by the tests: live-server API calls, tickets, logins, waiting, the shared services."""
import datetime
import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

API = '/api/v1'
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# Test servers listen on 127.0.0.1: a proxy named in the environment must never see their calls.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call_api(server, method, path, token, body=None, opener=None):
    """Call a live server's JSON API (`path` under /api/v1) with a bearer token: (status, answer), errors included."""
    request = urllib.request.Request(
        server.url + API + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'})
    try:
        with (opener or DIRECT).open(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


def api(server, method, path, token, body=None, opener=None):
    """The decoded answer of a live server's API call that must succeed."""
    status, answer = call_api(server, method, path, token, body, opener)
    assert status < 400, (method, path, status, answer)
    return answer


def issue(client_or_server, token, service='CT', opener=None, **fields):
    """Take a ticket the way a kiosk does (without printing) from a Flask test client or a live server."""
    body = dict({'service': service, 'print': False}, **fields)
    if hasattr(client_or_server, 'url'):
        status, ticket = call_api(client_or_server, 'POST', '/tickets', token, body, opener)
    else:
        response = client_or_server.post(API + '/tickets', json=body, headers={'Authorization': 'Bearer ' + token})
        status, ticket = response.status_code, response.get_json()
    assert status == 201, ticket
    return ticket


def call_next(client, token, counter):
    """Call the next citizen to a counter through a Flask test client; the answer."""
    return client.post(API + '/counters/%d/call-next' % counter, headers={'Authorization': 'Bearer ' + token})


def csrf_from(html):
    """The CSRF token of the form in a page."""
    return CSRF.search(html).group(1)


def csrf_of(client):
    """The CSRF token of a Flask test client's session, read from the login page."""
    return csrf_from(client.get('/login').get_data(as_text=True))


def log_in_client(client, username, password='mat-khau-1', expect=302, address=None, **form):
    """Post the login form (with its CSRF token) from a Flask test client, from `address` if given; the answer,
    whose status must be `expect` unless that is None."""
    response = client.post('/login', data=dict(form, username=username, password=password, csrf_token=csrf_of(client)),
                           environ_overrides={'REMOTE_ADDR': address} if address else None)
    if expect is not None:
        assert response.status_code == expect, response.get_data(as_text=True)
    return response


def log_in_session(url, username, password):
    """A requests session logged in on the live server at `url` (on the password change page if it asks for one)."""
    import requests
    browser = requests.Session()
    token = csrf_from(browser.get(url + '/login', timeout=10).text)
    answer = browser.post(url + '/login', data={'username': username, 'password': password, 'csrf_token': token},
                          timeout=30)
    assert answer.status_code == 200 and '/login' not in answer.url, (answer.status_code, answer.url)
    return browser


def change_password(url, username, current, new):
    """Log in over HTTP with `current` and change it to `new` on the change-password page; returns `new`."""
    with log_in_session(url, username, current) as browser:
        token = csrf_from(browser.get(url + '/password', timeout=10).text)
        answer = browser.post(url + '/password', data={'current': current, 'new': new, 'repeat': new,
                                                       'csrf_token': token}, timeout=30)
        assert answer.status_code == 200 and '/password' not in answer.url, (answer.status_code, answer.url)
    return new


def log_in_page(page, server, path, username, password):
    """Open a staff page in a browser, log in on the form it leads to and wait until the page is back."""
    page.goto(server.url + path)
    page.fill('input[name=username]', username)
    page.fill('input[name=password]', password)
    page.click('form.login button[type=submit]')
    wanted = urlsplit(path).path
    page.wait_for_url(lambda url: urlsplit(url).path == wanted, timeout=10000)


def log_in_new_admin(page, server, password='kiem-tra-admin-1'):
    """Make an admin account of the test's own (with an admin token) and log it in to the console in a browser;
    a first login that must change the password does it."""
    api(server, 'POST', '/staff', server.token('admin'),
        {'username': 'kiemtra', 'full_name': 'Kiểm Tra', 'role': 'admin', 'password': password})
    page.goto(server.url + '/login?next=/admin')
    page.fill('input[name=username]', 'kiemtra')
    page.fill('input[name=password]', password)
    page.click('form.login button[type=submit]')
    page.wait_for_url(re.compile(r'/(admin|password)$'), timeout=10000)
    if '/password' in page.url:
        page.fill('input[name=current]', password)
        page.fill('input[name=new]', password + '-moi')
        page.fill('input[name=repeat]', password + '-moi')
        page.locator('input[name=repeat]').press('Enter')
        page.wait_for_url(re.compile(r'/admin$'), timeout=10000)


def local(day, hour, minute=0):
    """The UTC moment of `hour`:`minute` office time on `day`."""
    from server.clock import utc_from_local
    return utc_from_local(datetime.datetime.combine(day, datetime.time(hour, minute)))


def book_now(app, start_local, phone='0905123456'):
    """Book (domain level) a slot at start_local (naive office time), as if it were an hour earlier; its code."""
    from server.booking import appointments
    from server.clock import utc_from_local
    from server.extensions import db
    with app.app_context(), db.connection_context():
        earlier = utc_from_local(start_local - datetime.timedelta(hours=1))
        return appointments.book('CT', start_local.date(), start_local.time(), 'Trần Thị Bích', phone,
                                 now=earlier).code


def embedded_json(html, element_id):
    """The JSON a page hands to its script in <script type="application/json" id=...>."""
    found = re.search(r'<script type="application/json" id="%s">(.*?)</script>' % element_id, html, re.S)
    return json.loads(found.group(1))


def wait_for(condition, timeout=10.0, step=0.02):
    """Poll `condition` until it is true or `timeout` seconds passed; its last value."""
    deadline = time.monotonic() + timeout
    value = condition()
    while not value and time.monotonic() < deadline:
        time.sleep(step)
        value = condition()
    return value


def postgres_url():
    """The shared PostgreSQL test database."""
    return os.environ.get('LUOT_TEST_POSTGRES_URL', 'postgresql://postgres@127.0.0.1:5432/test')


def postgres_available():
    try:
        import psycopg2
        psycopg2.connect(postgres_url(), connect_timeout=3).close()
        return True
    except Exception:
        return False


def drop_postgres_tables():
    """Start the test database empty: drop every table of ours (the tests' PostgreSQL is shared). The
    database proxy is left on it; create_app points it at its own database."""
    from peewee import PostgresqlDatabase

    from server.extensions import db
    from server.models import MODELS
    fresh = PostgresqlDatabase(None)
    fresh.init(postgres_url().rsplit('/', 1)[1].split('?')[0], dsn=postgres_url())
    db.initialize(fresh)
    with db.connection_context():
        db.drop_tables(MODELS, safe=True, cascade=True)


def redis_url():
    """The shared Redis."""
    return os.environ.get('LUOT_TEST_REDIS_URL', 'redis://127.0.0.1:6379/0')


def redis_available():
    try:
        import redis
        return redis.Redis.from_url(redis_url(), socket_connect_timeout=2).ping()
    except Exception:
        return False


class PrivateRedis:
    """redis-server on 127.0.0.1 and a port of its own, keeping nothing on disk."""

    def __init__(self, workdir, port):
        self.port, self.workdir, self.process = port, workdir, None
        self.url = 'redis://127.0.0.1:%d/0' % self.port

    def start(self):
        self.process = subprocess.Popen([shutil.which('redis-server'), '--port', str(self.port), '--bind', '127.0.0.1',
                                         '--save', '', '--appendonly', 'no', '--dir', str(self.workdir)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping():
                    return self
            except redis.RedisError:
                time.sleep(0.1)
        raise RuntimeError('redis-server did not start')

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def pinned(text, name):
    """The exact version a requirements text (setup.cfg's install_requires, constraints.txt) pins name to."""
    found = re.search(r'^\s*%s==(\S+)\s*$' % re.escape(name), text, re.MULTILINE | re.IGNORECASE)
    return found and found.group(1)
