"""HTTPS mode: `run.py --certfile F --keyfile K` serves TLS only, with Secure cookies, and boards stay connected."""
import http.client
import http.cookiejar
import shutil
import ssl
import subprocess
import sys
import threading
import urllib.parse
import urllib.request

import pytest

from server import create_app
from server.auth import DEVICE_COOKIE
from server.extensions import db
from tests.conftest import ROOT, make_counter, make_service, make_staff, need
from tests.helpers import api, csrf_from, issue, log_in_client, wait_for

PASSWORD = 'mat-khau-tls-1'


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1, made by openssl for this test only."""
    need(shutil.which('openssl') is not None, 'openssl is not installed')
    cert, key = tmp_path / 'cert.pem', tmp_path / 'key.pem'
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
                    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', str(key), '-out', str(cert)],
                   check=True, capture_output=True, timeout=60)
    return str(cert), str(key)


def office_folder(path):
    """A data folder with one line, one counter and an admin account, made before the server starts."""
    create_app({'DATA_DIR': str(path), 'SCHEDULER': False, 'PRINTING': False, 'TESTING': True})
    make_service('CT', 'Chứng thực', 'A')
    make_counter(1, ['CT'])
    make_staff('quantri', 'admin', PASSWORD)
    db.obj.close_all()
    return path


def browser_like(context):
    """A urllib opener with a cookie jar that trusts only the test's certificate."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context),
                                         urllib.request.HTTPCookieProcessor(jar))
    return opener, jar


@pytest.mark.slow
@pytest.mark.parametrize('kind', ['gunicorn', 'werkzeug'])
def test_https_mode(live_server, tmp_path, certificate, kind):
    cert, key = certificate
    server = live_server(data_dir=office_folder(tmp_path / 'office'), env={'LUOT_SERVER': kind},
                         args=['--certfile', cert, '--keyfile', key])
    assert server.url.startswith('https://127.0.0.1:')
    trusted = ssl.create_default_context(cafile=cert)

    # The board connects over wss:// and stays connected past Engine.IO's heartbeat window (20 s).
    import socketio
    board = socketio.Client(ssl_verify=False, reconnection=False)
    snapshot, called, dropped = threading.Event(), [], threading.Event()
    board.on('snapshot', lambda data: snapshot.set(), namespace='/display')
    board.on('ticket_called', lambda data: called.append(data['ticket']['number']), namespace='/display')
    board.on('disconnect', lambda *args: dropped.set(), namespace='/display')
    board.connect(server.url, namespaces=['/display'], transports=['websocket'],
                  auth={'token': server.token('display')}, wait_timeout=10)
    try:
        assert snapshot.wait(10)

        # Plain HTTP on the same port gets nothing.
        with pytest.raises((OSError, http.client.HTTPException)):
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                server.url.replace('https:', 'http:') + '/login', timeout=10).read()

        # A staff login: the session cookie is Secure (and HttpOnly).
        staff, jar = browser_like(trusted)
        with staff.open(server.url + '/login', timeout=10) as response:
            assert 'strict-transport-security' not in response.headers   # no promise kept for every office
            assert "default-src 'self'" in response.headers['Content-Security-Policy']
            csrf = csrf_from(response.read().decode())
        form = urllib.parse.urlencode({'username': 'quantri', 'password': PASSWORD, 'csrf_token': csrf}).encode()
        with staff.open(server.url + '/login?next=/admin', data=form, timeout=30) as response:
            assert response.url == server.url + '/admin'
        session = [cookie for cookie in jar if cookie.name == 'session']
        assert session and all(c.secure and c.has_nonstandard_attr('HttpOnly') for c in session)

        # A kiosk paired over HTTPS keeps its token in a Secure cookie.
        kiosk_token = server.token('kiosk')
        kiosk, kiosk_jar = browser_like(trusted)
        with kiosk.open(server.url + '/kiosk?token=' + kiosk_token, timeout=10) as response:
            assert response.url == server.url + '/kiosk'
        device = [cookie for cookie in kiosk_jar if cookie.name == DEVICE_COOKIE]
        assert device and device[0].secure

        ticket = issue(server, kiosk_token, opener=kiosk)
        assert ticket['track_url'].startswith(server.url + '/t/')
        assert not dropped.wait(22), 'the board was dropped within the heartbeat window'
        api(server, 'POST', '/counters/1/call-next', server.token('counter'), opener=kiosk)
        assert wait_for(lambda: called, timeout=10) and called == [ticket['number']]
    finally:
        board.disconnect()
    assert 'https://127.0.0.1:%d/kiosk' % server.port in server.log_text()


def test_plain_http_keeps_cookies_usable_without_tls(client):
    make_staff('quantri', 'admin', PASSWORD)
    response = log_in_client(client, 'quantri', PASSWORD)
    assert 'Secure' not in response.headers['Set-Cookie']


@pytest.mark.parametrize('args, message', [
    (['--certfile', 'cert.pem'], 'cần cả --certfile và --keyfile'),
    (['--keyfile', 'key.pem'], 'cần cả --certfile và --keyfile'),
    (['--certfile', 'missing.pem', '--keyfile', 'missing.key'], 'không dùng được chứng chỉ'),
])
def test_a_half_or_broken_tls_setting_stops_the_start_with_a_clear_message(tmp_path, args, message):
    done = subprocess.run([sys.executable, str(ROOT / 'run.py'), '--port', '1', '--data-dir', str(tmp_path / 'd')]
                          + args, cwd=str(tmp_path), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and message in done.stderr and 'Traceback' not in done.stderr
