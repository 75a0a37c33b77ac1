"""Every answer carries the security headers; links and QR codes never take a Host header an attacker chose."""
import json
import re
import urllib.request

import pytest

from server.extensions import db
from tests.conftest import ROOT, bearer, make_staff
from tests.helpers import embedded_json, log_in_client

API = '/api/v1'
FORGED = 'evil.example'


def directives(response):
    """The Content-Security-Policy of an answer as {directive: [sources]}."""
    policy = response.headers.get('Content-Security-Policy')
    assert policy, 'no Content-Security-Policy on %s' % response
    return {part.split()[0]: part.split()[1:] for part in policy.split(';') if part.strip()}


def assert_protected(response):
    policy = directives(response)
    for directive in ('default-src', 'script-src', 'style-src', 'img-src', 'font-src', 'form-action'):
        assert policy[directive] == ["'self'"], (directive, policy)
    assert policy['media-src'] == ["'self'", 'blob:']          # the board's speech plays from blob: URLs
    assert policy['connect-src'][0] == "'self'" and all(s.startswith(('ws://', 'wss://'))
                                                       for s in policy['connect-src'][1:])
    assert policy['frame-ancestors'] == ["'none'"] and policy['object-src'] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers['Content-Security-Policy']
    assert "'unsafe-eval'" not in response.headers['Content-Security-Policy']
    assert response.headers['X-Frame-Options'] == 'DENY'
    assert response.headers['X-Content-Type-Options'] == 'nosniff'
    assert response.headers['Referrer-Policy'] == 'no-referrer'


@pytest.mark.parametrize('path', ['/', '/login', '/kiosk', '/admin', '/t/unknown', '/no-such-page',
                                  '/static/luot.css', '/static/vendor/socket.io.esm.min.js', '/display/static/board.js',
                                  API + '/openapi.json', API + '/queue', '/socket.io/?EIO=4&transport=polling'])
def test_every_answer_carries_the_headers(client, path):
    with client.get(path) as response:     # a static file's answer holds the file open until closed
        assert_protected(response)


def test_api_answers_and_pages_of_a_session_carry_them_too(client, office, tokens):
    assert_protected(client.post(API + '/tickets', json={'service': 'CT'}, headers=bearer(tokens['kiosk'])))
    assert_protected(client.post(API + '/tickets', json={'service': 'ZZ'}, headers=bearer(tokens['kiosk'])))
    make_staff('tongdai', 'hotline')
    log_in_client(client, 'tongdai')
    assert_protected(client.get('/hotline'))
    assert_protected(client.get('/hotline/day.xlsx?date=25/11/2026'))


def test_web_sockets_are_allowed_to_the_pages_own_host_only(client):
    policy = directives(client.get('/', headers={'Host': '192.168.1.10:5000'}))
    assert policy['connect-src'] == ["'self'", 'ws://192.168.1.10:5000', 'wss://192.168.1.10:5000']
    # A Host header that is not a plain host[:port] cannot add sources or directives to the policy.
    response = client.get('/', headers={'Host': "a.example; script-src * 'unsafe-inline'"})
    assert directives(response)['connect-src'] == ["'self'"]
    assert "'unsafe-inline'" not in response.headers['Content-Security-Policy']


INLINE = [
    (re.compile(r'<script(?![^>]*\bsrc=)(?![^>]*type="application/json")[^>]*>', re.I), 'an inline script'),
    (re.compile(r'<[a-z][^>]*\son[a-z]+\s*=', re.I), 'an inline event handler'),
    (re.compile(r'<[a-z][^>]*\sstyle\s*=', re.I), 'a style attribute'),
    (re.compile(r'<style\b', re.I), 'a style element'),
    (re.compile(r'javascript:', re.I), 'a javascript: URL'),
]


def test_no_template_or_script_has_what_the_policy_blocks():
    """The browser tests see what the pages do; this sees every template and script, even a rarely shown one."""
    files = sorted((ROOT / 'templates').rglob('*.html'))
    scripts = [path for folder in ('server/pages/static', 'display/static') for path in (ROOT / folder).glob('*.js')]
    assert len(files) > 10 and scripts
    found = [(path.relative_to(ROOT).as_posix(), what) for path in files
             for pattern, what in INLINE if pattern.search(path.read_text(encoding='utf-8'))]
    markup = re.compile(r'''(innerHTML|outerHTML|insertAdjacentHTML)\s*[+=(]|setAttribute\(\s*['"](style|on)''')
    found += [(path.relative_to(ROOT).as_posix(), 'markup or an inline attribute written by script')
              for path in scripts if re.search(markup, path.read_text(encoding='utf-8'))]
    assert found == []


# Links and QR codes -----------------------------------------------------------------------------

def test_track_links_never_name_a_forged_host(client, office, tokens):
    issued = client.post(API + '/tickets', json={'service': 'CT'}, headers=bearer(tokens['kiosk'], Host=FORGED))
    assert issued.status_code == 201
    url = issued.get_json()['track_url']
    assert FORGED not in url and url.startswith('http://localhost/t/')
    fetched = client.get(API + '/tickets/%d' % issued.get_json()['id'], headers=bearer(tokens['desk'], Host=FORGED))
    assert FORGED not in fetched.get_json()['track_url']
    # The machine's own names are kept (a kiosk on this PC, or one that opens it by its name).
    kept = client.post(API + '/tickets', json={'service': 'CT'}, headers=bearer(tokens['kiosk'], Host='localhost'))
    assert kept.get_json()['track_url'].startswith('http://localhost/t/')


def test_public_url_wins_over_any_host(app, office, tokens):
    app.config['PUBLIC_URL'] = 'https://luot.phuong-ben-nghe.vn/'
    client = app.test_client()
    for host in (FORGED, 'localhost', '192.168.1.10:5000'):
        url = client.post(API + '/tickets', json={'service': 'CT'},
                          headers=bearer(tokens['kiosk'], Host=host)).get_json()['track_url']
        assert url.startswith('https://luot.phuong-ben-nghe.vn/t/')


def test_pairing_links_and_the_ticket_preview_never_name_a_forged_host(app, client, office, tokens):
    page = client.get('/admin/devices', headers=bearer(tokens['admin'], Host=FORGED)).get_data(as_text=True)
    bases = embedded_json(page, 'pairing')['bases']
    assert bases and not any(FORGED in base for base in bases)
    boards = client.get('/admin/boards', headers=bearer(tokens['admin'], Host=FORGED)).get_data(as_text=True)
    assert FORGED not in boards
    from server.pages.admin import sample_ticket
    with app.test_request_context('/admin/ticket-preview.png', headers={'Host': FORGED}), db.connection_context():
        assert FORGED not in sample_ticket()['track_url']


def open_url(url, host=None, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=dict(headers or {}, **({'Host': host} if host else {})))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        return response.read().decode()


@pytest.mark.slow
@pytest.mark.parametrize('kind', ['gunicorn', 'werkzeug'])
def test_a_live_server_links_to_the_address_the_request_came_to(live_server, kind):
    """Over a real connection: a forged Host (or a port of its own) gives way to this end of the connection,
    on the answer and on the QR code printed on the ticket."""
    from tests.fake_printer import FakePrinter, find_qr, parse_escpos, raster_image
    with FakePrinter() as printer:
        server = live_server(demo=True, env={'LUOT_PRINTER': printer.uri, 'LUOT_SERVER': kind})
        auth = {'Authorization': 'Bearer ' + server.token('kiosk'), 'Content-Type': 'application/json'}
        urls = []
        for host in (FORGED, '127.0.0.1:1', 'localhost:%d' % server.port):
            answer = json.loads(open_url(server.url + API + '/tickets', host, b'{"service": "CT"}', auth))
            urls.append(answer['track_url'])
        jobs = printer.wait_for_jobs(3, timeout=20)
    assert urls[0].startswith(server.url + '/t/') and urls[1].startswith(server.url + '/t/')
    assert urls[2].startswith('http://localhost:%d/t/' % server.port)
    assert len(jobs) == 3
    printed = raster_image(parse_escpos(jobs[0]))
    assert find_qr(printed, urls[0]) is not None
    assert find_qr(printed, urls[0].replace('127.0.0.1:%d' % server.port, FORGED)) is None


def test_the_readme_documents_security():
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    section = readme[readme.index('## Security'):]
    for words in ('--certfile', 'LUOT_PUBLIC_URL', 'Wi-Fi', 'token'):
        assert words in section

