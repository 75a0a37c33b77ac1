"""Logins (issue 17, point 3): guessing is slowed per account and per address, an unknown name costs as much as
a known one, sessions end when idle and everywhere on logout, a password change or deactivation, and ending
someone's access closes their open Socket.IO connections."""
import datetime
import functools
import re
import statistics
import threading
import time

import pytest
import socketio as socketio_client

from server import auth, create_app
from server.access import logins, sessions
from server.extensions import db
from server.models import LoginFailure, SocketConnection, Staff, utcnow
from tests.conftest import bearer, make_staff
from tests.helpers import api, call_api, csrf_of, log_in_client, log_in_session, wait_for

WAIT_MESSAGE = re.compile(r'Đăng nhập sai nhiều lần\. Vui lòng thử lại sau (\d+) giây\.')


# A browser at a private address, whatever the answer: these tests check refusals as well.
log_in = functools.partial(log_in_client, expect=None, address='10.0.0.5')


def logged_in(client):
    """Whether the client's session opens a staff page (a redirect to the login page when not)."""
    return client.get('/counter').status_code == 200


# Guessing ---------------------------------------------------------------------------------------

def test_guessing_an_account_is_slowed_and_said_in_vietnamese_and_english(app, client):
    make_staff('quay1', 'counter', 'mat-khau-dung')
    for attempt in range(1, logins.FREE_FAILURES):
        answer = log_in(client, 'quay1', 'sai-%d' % attempt)
        assert answer.status_code == 401 and not WAIT_MESSAGE.search(answer.get_data(as_text=True))
    fifth = log_in(client, 'quay1', 'sai-5').get_data(as_text=True)
    assert 'Sai tên đăng nhập hoặc mật khẩu.' in fifth and WAIT_MESSAGE.search(fifth).group(1) == '5'
    # Now even the right password waits: 429, the wait said, and no session.
    refused = log_in(client, 'quay1', 'mat-khau-dung')
    assert refused.status_code == 429
    seconds = int(WAIT_MESSAGE.search(refused.get_data(as_text=True)).group(1))
    assert 1 <= seconds <= logins.FIRST_WAIT_SECONDS
    assert not logged_in(client)
    # From another address too: the account is what is guessed.
    assert log_in(client, 'quay1', 'mat-khau-dung', address='10.0.0.99').status_code == 429
    client.set_cookie('lang', 'en')
    english = log_in(client, 'quay1', 'mat-khau-dung').get_data(as_text=True)
    assert re.search(r'Too many failed logins\. Please try again in \d+ seconds\.', english)


def test_the_wait_grows_doubling_up_to_a_cap_and_a_success_starts_afresh(app):
    make_staff('quay1', 'counter', 'mat-khau-dung')
    start = utcnow()
    with db.connection_context():
        now, waits = start, []
        for _ in range(16):
            outcome = logins.attempt('quay1', 'sai', '10.0.0.%d' % len(waits), now=now)   # new address each time
            assert outcome.staff is None and not outcome.throttled
            waits.append(outcome.wait_seconds)
            # Trying again before the wait is over is refused unchecked, and changes nothing.
            if outcome.wait_seconds:
                early = logins.attempt('quay1', 'mat-khau-dung', '10.0.1.1', now=now + datetime.timedelta(seconds=1))
                assert early.throttled and early.staff is None and early.wait_seconds == outcome.wait_seconds - 1
            now += datetime.timedelta(seconds=outcome.wait_seconds)
        assert waits[:4] == [0, 0, 0, 0]
        assert waits[4:9] == [5, 10, 20, 40, 80] and max(waits) == logins.MAX_WAIT_SECONDS == 900
        assert waits[-1] == 900
        # Once the wait is over the right password gets in, and the account's count starts again.
        assert logins.attempt('quay1', 'mat-khau-dung', '10.0.2.1', now=now).staff is not None
        assert logins.attempt('quay1', 'sai', '10.0.2.1', now=now).wait_seconds == 0
        # Failures an hour old with none since are forgotten.
        later = now + logins.FORGET_AFTER + datetime.timedelta(seconds=1)
        for _ in range(logins.FREE_FAILURES - 1):
            assert logins.attempt('quay1', 'sai', '10.0.3.1', now=later).wait_seconds == 0


def test_guessing_from_one_address_is_slowed_across_account_names(app, client):
    make_staff('quay1', 'counter', 'mat-khau-dung')
    for number in range(logins.ADDRESS_FREE_FAILURES - 1):
        assert log_in(client, 'nguoi%d' % number, 'sai', address='10.0.0.7').status_code == 401
    last = log_in(client, 'nguoi-cuoi', 'sai', address='10.0.0.7').get_data(as_text=True)
    assert WAIT_MESSAGE.search(last)
    # A real account with its right password from that address waits too; from another address it gets in.
    assert log_in(client, 'quay1', 'mat-khau-dung', address='10.0.0.7').status_code == 429
    assert log_in(client, 'quay1', 'mat-khau-dung', address='10.0.0.8').status_code == 302
    assert logged_in(client)


def test_failures_are_kept_in_the_database_across_a_restart(app_config):
    create_app(app_config)
    make_staff('quay1', 'counter', 'mat-khau-dung')
    with db.connection_context():
        for _ in range(logins.FREE_FAILURES):
            logins.attempt('quay1', 'sai', '10.0.0.5')
    db.obj.close_all()
    restarted = create_app(app_config)   # another process, or the same office started again
    with db.connection_context():
        assert LoginFailure.get(LoginFailure.key == 'account:quay1').failures == logins.FREE_FAILURES
    assert log_in(restarted.test_client(), 'quay1', 'mat-khau-dung').status_code == 429
    db.obj.close_all()


def test_a_burst_of_guesses_at_once_is_held_to_the_same_pace(app, monkeypatch):
    """Parallel guesses are counted before their password is checked: only the free ones are checked."""
    make_staff('quay1', 'counter', 'mat-khau-dung')
    checked, lock = [], threading.Lock()
    original = logins.check_login

    def counting(username, password):
        with lock:
            checked.append(password)
        return original(username, password)
    monkeypatch.setattr(logins, 'check_login', counting)
    outcomes = []

    def guess(number):
        with db.connection_context():
            outcomes.append(logins.attempt('quay1', 'sai-%d' % number, '10.0.0.%d' % number))
    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(outcomes) == 20
    assert len(checked) == logins.FREE_FAILURES
    assert sum(1 for o in outcomes if o.throttled) == 20 - logins.FREE_FAILURES


def test_an_unknown_name_takes_as_long_as_a_known_one(app, client):
    make_staff('quay1', 'counter', 'mat-khau-dung')

    def median_seconds(username):
        times = []
        for _ in range(5):
            started = time.perf_counter()
            assert auth.check_login(username, 'sai-mat-khau') is None
            times.append(time.perf_counter() - started)
        return statistics.median(times)
    with db.connection_context():
        auth.check_login('khong-co-ai', 'x')   # the first call makes the stand-in hash
        known, unknown = median_seconds('quay1'), median_seconds('khong-co-ai')
    assert unknown > 0.5 * known, (known, unknown)
    # And the answers are the same, word for word.
    answers = [log_in(client, name, 'sai', address='10.0.0.%d' % i) for i, name in enumerate(('quay1', 'ai-do'))]
    assert [a.status_code for a in answers] == [401, 401]
    assert len({re.sub(r'name="(csrf_token" value|csrf-token" content|username" value)="[^"]*"', '',
                       a.get_data(as_text=True)) for a in answers}) == 1


# Sessions ---------------------------------------------------------------------------------------

def test_session_idle_hours_is_a_setting_with_a_range_on_the_console(client, tokens):
    admin = bearer(tokens['admin'])
    assert client.get('/api/v1/settings', headers=admin).get_json()['session_idle_hours'] == 12
    for bad in (0, 169, 'x'):
        answer = client.patch('/api/v1/settings', json={'session_idle_hours': bad}, headers=admin)
        assert answer.status_code == 400, bad
    assert client.patch('/api/v1/settings', json={'session_idle_hours': 24}, headers=admin).status_code == 200
    html = client.get('/admin/settings', headers=admin).get_data(as_text=True)
    field = re.search(r'<input[^>]*name="session_idle_hours"[^>]*>', html).group(0)
    assert 'value="24"' in field and 'min="1"' in field and 'max="168"' in field
    assert 'Tự đăng xuất sau khi không dùng (giờ)' in html


def age_session(client, hours):
    with client.session_transaction() as session:
        session['seen'] = int(time.time() - hours * 3600)


def test_a_session_left_idle_longer_than_the_setting_is_over(app, client, tokens):
    make_staff('quay1', 'counter', 'mat-khau-dung')
    assert log_in(client, 'quay1', 'mat-khau-dung').status_code == 302
    age_session(client, 11.9)
    assert logged_in(client)           # used now: the session goes on from here
    with client.session_transaction() as session:
        assert time.time() - session['seen'] < 60
    age_session(client, 12.1)
    answer = client.get('/counter')
    assert answer.status_code == 302 and '/login' in answer.headers['Location']
    assert client.get('/api/v1/queue').status_code == 401
    # The office may allow longer.
    client.patch('/api/v1/settings', json={'session_idle_hours': 24}, headers=bearer(tokens['admin']))
    assert log_in(client, 'quay1', 'mat-khau-dung').status_code == 302
    age_session(client, 23)
    assert logged_in(client)


def test_logging_out_ends_every_session_of_that_person(app):
    make_staff('quay1', 'counter', 'mat-khau-dung')
    make_staff('quay2', 'counter', 'mat-khau-dung')
    office_pc, home_pc, colleague = app.test_client(), app.test_client(), app.test_client()
    for browser, name in ((office_pc, 'quay1'), (home_pc, 'quay1'), (colleague, 'quay2')):
        assert log_in(browser, name, 'mat-khau-dung').status_code == 302
    assert office_pc.post('/logout', headers={'X-CSRFToken': csrf_of(office_pc)}).status_code == 302
    assert not logged_in(office_pc) and not logged_in(home_pc)
    assert home_pc.get('/api/v1/queue').status_code == 401
    assert logged_in(colleague)
    # Logging in again works, on either.
    assert log_in(home_pc, 'quay1', 'mat-khau-dung').status_code == 302 and logged_in(home_pc)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app):
    make_staff('quay1', 'counter', 'mat-khau-dung')
    this, other = app.test_client(), app.test_client()
    for browser in (this, other):
        log_in(browser, 'quay1', 'mat-khau-dung')
    answer = this.post('/password', data={'current': 'mat-khau-dung', 'new': 'mat-khau-moi', 'repeat': 'mat-khau-moi',
                                          'csrf_token': csrf_of(this)})
    assert answer.status_code == 302
    assert logged_in(this) and not logged_in(other)
    assert log_in(other, 'quay1', 'mat-khau-dung').status_code == 401
    assert log_in(other, 'quay1', 'mat-khau-moi').status_code == 302


def test_deactivation_and_a_new_password_from_the_admin_end_the_sessions(app, client, tokens):
    staff = make_staff('quay1', 'counter', 'mat-khau-dung')
    admin = bearer(tokens['admin'])
    log_in(client, 'quay1', 'mat-khau-dung')
    assert client.patch('/api/v1/staff/%d' % staff.id, json={'active': False}, headers=admin).status_code == 200
    assert not logged_in(client)
    # Active again: the session from before stays over (it must log in anew).
    assert client.patch('/api/v1/staff/%d' % staff.id, json={'active': True}, headers=admin).status_code == 200
    assert not logged_in(client)
    log_in(client, 'quay1', 'mat-khau-dung')
    assert logged_in(client)
    client.patch('/api/v1/staff/%d' % staff.id, json={'password': 'mat-khau-moi-1'}, headers=admin)
    assert client.get('/counter').status_code == 302
    # Another change (the name) ends nothing.
    log_in(client, 'quay1', 'mat-khau-moi-1')
    client.patch('/api/v1/staff/%d' % staff.id, json={'full_name': 'Trần Văn Bình'}, headers=admin)
    assert client.get('/counter').headers.get('Location', '').startswith('/password')   # a session, asked to change


def test_sessions_from_before_the_epoch_are_refused_on_the_socket_too(app, client):
    from server.extensions import socketio
    staff = make_staff('quay1', 'counter', 'mat-khau-dung')
    log_in(client, 'quay1', 'mat-khau-dung')
    listener = socketio.test_client(app, namespace='/display', flask_test_client=client)
    assert listener.is_connected('/display')
    with app.app_context(), db.connection_context(), db.atomic():   # its connections close on the app's runtime
        sessions.end_everywhere(staff.id)
    again = socketio.test_client(app, namespace='/display', flask_test_client=client)
    assert not again.is_connected('/display')


# Socket.IO connections, for real ------------------------------------------------------------------

class Board:
    """A python-socketio client of /display that notes when the server drops it."""

    def __init__(self, url, token=None, cookies=None):
        self.dropped = threading.Event()
        self.snapshots = []
        self.client = socketio_client.Client(reconnection=False)
        self.client.on('disconnect', lambda *reason: self.dropped.set(), namespace='/display')
        self.client.on('snapshot', self.snapshots.append, namespace='/display')
        headers = {'Cookie': '; '.join('%s=%s' % item for item in cookies.items())} if cookies else None
        self.client.connect(url, namespaces=['/display'], auth={'token': token} if token else None,
                            headers=headers, transports=['websocket'], wait_timeout=10)
        assert wait_for(lambda: self.snapshots, timeout=10), 'no snapshot'

    def close(self):
        if self.client.connected:
            self.client.disconnect()


def refused(url, **kwargs):
    try:
        Board(url, **kwargs).close()
    except socketio_client.exceptions.ConnectionError:
        return True
    return False


def run_staff_create(server, username, role, password):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT
    subprocess.run([sys.executable, str(ROOT / 'run.py'), 'staff', 'create', '--username', username, '--role', role,
                    '--data-dir', str(server.data_dir)], env=dict(os.environ, LUOT_PASSWORD=password), cwd=str(ROOT),
                   check=True, capture_output=True, timeout=60)


@pytest.mark.slow
def test_revoking_a_token_and_ending_a_staff_session_close_their_sockets_at_once(live_server):
    server = live_server()
    admin, display = server.token('admin'), server.token('display', 'TV sảnh')
    other_display = server.token('display', 'TV tầng 2')
    board, other_board = Board(server.url, token=display), Board(server.url, token=other_display)
    staff_page = None
    try:
        token_id = [t['id'] for t in api(server, 'GET', '/tokens', admin) if t['name'] == 'TV sảnh'][0]
        started = time.monotonic()
        assert call_api(server, 'POST', '/tokens/%d/revoke' % token_id, admin)[0] == 200
        assert board.dropped.wait(5), 'the revoked board is still connected'
        assert time.monotonic() - started < 5
        assert refused(server.url, token=display)
        assert not other_board.dropped.is_set()

        run_staff_create(server, 'quay1', 'counter', 'mat-khau-dung')
        staff_page = Board(server.url, cookies=log_in_session(server.url, 'quay1', 'mat-khau-dung').cookies.get_dict())
        staff_id = [s['id'] for s in api(server, 'GET', '/staff', admin) if s['username'] == 'quay1'][0]
        assert call_api(server, 'PATCH', '/staff/%d' % staff_id, admin, {'active': False})[0] == 200
        assert staff_page.dropped.wait(5), 'the deactivated staff member\'s page is still connected'
        assert not other_board.dropped.is_set()
        # A logout elsewhere closes the pages of that person too.
        assert call_api(server, 'PATCH', '/staff/%d' % staff_id, admin, {'active': True})[0] == 200
        browser = log_in_session(server.url, 'quay1', 'mat-khau-dung')
        second_page = Board(server.url, cookies=browser.cookies.get_dict())
        other_browser = log_in_session(server.url, 'quay1', 'mat-khau-dung')
        html = other_browser.get(server.url + '/counter', timeout=10).text
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
        other_browser.post(server.url + '/logout', data={'csrf_token': csrf}, timeout=10)
        assert second_page.dropped.wait(5), 'a logout elsewhere left this page connected'
        assert refused(server.url, cookies=browser.cookies.get_dict())
    finally:
        for client in (board, other_board, staff_page):
            if client is not None:
                client.close()


@pytest.mark.slow
def test_revoking_reaches_a_board_held_by_another_process(live_server, private_redis, tmp_path):
    env = {'LUOT_MESSAGE_QUEUE': private_redis.url}
    data = tmp_path / 'shared'
    first = live_server(env=env, data_dir=data)
    second = live_server(env=env, data_dir=data)
    admin, display = first.token('admin'), first.token('display', 'TV sảnh')
    board = Board(second.url, token=display)      # held by the second process
    try:
        # Once an event of the first process reaches it, the second process listens to the queue.
        assert call_api(first, 'POST', '/services', admin, {'code': 'CT', 'name': 'Chứng thực',
                                                            'prefix': 'A'})[0] == 201
        assert wait_for(lambda: len(board.snapshots) > 1, timeout=10), 'the second process hears nothing'
        token_id = [t['id'] for t in api(first, 'GET', '/tokens', admin) if t['name'] == 'TV sảnh'][0]
        assert call_api(first, 'POST', '/tokens/%d/revoke' % token_id, admin)[0] == 200   # the first
        assert board.dropped.wait(10), 'the other process kept the revoked board connected'
    finally:
        board.close()


def test_connections_are_recorded_and_forgotten(app, tokens):
    from server.extensions import socketio
    listener = socketio.test_client(app, namespace='/display', auth={'token': tokens['display']})
    assert listener.is_connected('/display')
    with db.connection_context():
        rows = list(SocketConnection.select())
        assert len(rows) == 1 and rows[0].token_id is not None and rows[0].namespace == '/display'
    listener.disconnect('/display')
    with db.connection_context():
        assert SocketConnection.select().count() == 0


def test_staff_rows_keep_the_session_epoch(app):
    staff = make_staff('quay1', 'counter', 'mat-khau-dung')
    with app.app_context(), db.connection_context():
        assert Staff.get_by_id(staff.id).session_epoch == 0
        with db.atomic():
            assert sessions.end_everywhere(staff.id) == 1
        assert Staff.get_by_id(staff.id).session_epoch == 1


def test_an_empty_login_or_password_form_is_answered_in_words_not_by_the_browser(app, client):
    """The forms carry novalidate (a browser's own bubble speaks the browser's language, often English): an empty
    field is the server's 400 in Vietnamese, and it counts as no failed attempt."""
    make_staff('quay1', 'counter', 'mat-khau-dung')
    page = client.get('/login').get_data(as_text=True)
    assert re.search(r'<form method="post" class="card login" novalidate>', page)
    empty_name = log_in_client(client, '', 'mat-khau-dung', expect=400).get_data(as_text=True)
    assert 'Hãy nhập tên đăng nhập.' in empty_name
    empty_password = log_in_client(client, 'quay1', '', expect=400).get_data(as_text=True)
    assert 'Hãy nhập mật khẩu.' in empty_password and 'value="quay1"' in empty_password
    with db.connection_context():
        assert LoginFailure.select().count() == 0
    log_in_client(client, 'quay1', 'mat-khau-dung')
    form = client.get('/password').get_data(as_text=True)
    assert 'id="change-password" novalidate' in form
    refused = client.post('/password', data={'current': '', 'new': 'mat-khau-moi-1', 'repeat': 'mat-khau-moi-1',
                                             'csrf_token': csrf_of(client)})
    assert refused.status_code == 400 and 'Hãy nhập mật khẩu hiện tại.' in refused.get_data(as_text=True)
