"""Pairing a new TV or kiosk by the six-digit code its /pair page shows (POST /api/v1/devices/pair), and the
console's list of devices with their live state (connected, last seen, sound)."""
import datetime
import re

import pytest

from server.api.openapi import spec
from server.auth import DEVICE_COOKIE
from server.extensions import db, socketio
from server.live import devices
from server.models import ApiToken, AuditEvent, Board, PairingRequest, Printer, utcnow
from tests.conftest import bearer, make_staff
from tests.contract import Contract
from tests.helpers import log_in_client

API = '/api/v1'
META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


class Device:
    """A browser on /pair: it asks the server for its code, as pair.js does."""

    def __init__(self, app):
        self.client = app.test_client()
        page = self.client.get('/pair')
        assert page.status_code == 200
        self.csrf = META_CSRF.search(page.get_data(as_text=True)).group(1)

    def check(self):
        answer = self.client.post('/pair/check', headers={'X-CSRFToken': self.csrf, 'Accept': 'application/json'})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer.get_json()

    def cookie(self, name):
        found = self.client.get_cookie(name)
        return found.value if found else None


def pair(client, admin, code, role='display', name='TV sảnh', **extra):
    return client.post(API + '/devices/pair', headers=admin, json=dict(code=code, role=role, name=name, **extra))


def row_named(name):
    """The console's row of the device called `name`."""
    return next(row for row in devices.console_rows() if row['name'] == name)


def error_code(answer):
    return answer.get_json()['error']['code']


@pytest.fixture
def admin(tokens):
    return bearer(tokens['admin'])


def test_a_tv_is_paired_by_its_code_and_opens_its_board(app, client, admin):
    with db.connection_context():
        board = Board.create(name='Sảnh tầng 1')
    tv = Device(app)
    shown = tv.check()
    assert shown['paired'] is False and re.fullmatch(r'[1-9][0-9]{5}', shown['code'])
    assert 290 <= shown['expires_in'] <= 300
    assert tv.check()['code'] == shown['code']   # the same page keeps its code while it lasts
    answer = pair(client, admin, shown['code'][:3] + ' ' + shown['code'][3:], board=board.id)
    paired = Contract(spec(app)).check('POST', '/devices/pair', answer)
    assert answer.status_code == 201 and 'token' not in paired
    assert paired['page'] == '/display?board=%d' % board.id and paired['waiting'] is True
    landed = tv.check()
    assert landed == {'paired': True, 'next': '/display?board=%d' % board.id}
    raw = tv.cookie(DEVICE_COOKIE)
    assert raw and tv.cookie('luot_pair') is None
    assert tv.client.get(landed['next']).status_code == 200   # the board page, as a ?token= pairing opens it
    with db.connection_context():
        token = ApiToken.lookup(raw)
        assert (token.id, token.role, token.name) == (paired['id'], 'display', 'TV sảnh') and token.hint == raw[:6]
        assert PairingRequest.select().count() == 0
        event = AuditEvent.get(AuditEvent.action == 'device_paired')
        assert event.actor == 'token:test admin' and '"TV sảnh"' in event.detail and raw not in event.detail
        assert row_named('TV sảnh')['waiting'] is False and row_named('TV sảnh')['connected'] is False


def test_the_code_alone_gives_nothing_to_another_browser(app, client, admin):
    tv, stranger = Device(app), Device(app)
    code = tv.check()['code']
    assert stranger.check()['code'] != code   # another browser is given a code of its own
    assert pair(client, admin, code).status_code == 201
    assert stranger.check()['paired'] is False and stranger.cookie(DEVICE_COOKIE) is None
    assert tv.check()['paired'] is True


def test_a_code_is_used_once(app, client, admin):
    tv = Device(app)
    code = tv.check()['code']
    assert pair(client, admin, code).status_code == 201
    again = pair(client, admin, code, name='TV khác')
    assert again.status_code == 409 and error_code(again) == 'code_used'
    tv.check()
    after = pair(client, admin, code, name='TV khác')
    assert after.status_code == 404 and error_code(after) == 'unknown_code'
    with db.connection_context():
        assert ApiToken.select().where(ApiToken.name == 'TV khác').count() == 0


def test_an_expired_code_is_refused_and_the_page_gets_a_new_one(app, client, admin):
    tv = Device(app)
    code = tv.check()['code']
    with db.connection_context():
        PairingRequest.update(expires_at=utcnow() - datetime.timedelta(seconds=1)).execute()
    answer = pair(client, admin, code)
    assert answer.status_code == 404 and error_code(answer) == 'code_expired'
    assert 'hết hạn' in answer.get_json()['error']['message']
    renewed = tv.check()
    assert renewed['paired'] is False and renewed['code'] != code and renewed['expires_in'] > 290
    assert pair(client, admin, renewed['code']).status_code == 201


@pytest.mark.parametrize('body, status, code', [
    ({'code': '12345', 'role': 'display', 'name': 'TV'}, 400, 'invalid_code'),
    ({'code': 'abcdef', 'role': 'display', 'name': 'TV'}, 400, 'invalid_code'),
    ({'code': '123456', 'role': 'admin', 'name': 'TV'}, 400, 'invalid_role'),
    ({'code': '123456', 'role': 'display'}, 400, 'missing_field'),
    ({'code': '123456', 'role': 'display', 'name': 'TV'}, 404, 'unknown_code'),
    ({'code': '123456', 'role': 'display', 'name': 'TV', 'board': 99}, 404, 'unknown_board'),
    ({'code': '123456', 'role': 'kiosk', 'name': 'Kiosk', 'printer_id': 99}, 404, 'unknown_printer'),
])
def test_refusals_say_what_is_wrong(client, admin, body, status, code):
    answer = client.post(API + '/devices/pair', headers=admin, json=body)
    assert (answer.status_code, error_code(answer)) == (status, code)


def test_refusals_speak_english_when_asked(client, admin):
    answer = client.post(API + '/devices/pair', headers=dict(admin, **{'Accept-Language': 'en'}),
                         json={'code': '123456', 'role': 'display', 'name': 'TV'})
    assert answer.status_code == 404 and 'code' in answer.get_json()['error']['message'].lower()
    assert 'thiết bị' not in answer.get_json()['error']['message']


def test_only_an_admin_pairs(client, tokens):
    answer = client.post(API + '/devices/pair', headers=bearer(tokens['desk']),
                         json={'code': '123456', 'role': 'display', 'name': 'TV'})
    assert answer.status_code == 403


def test_guessing_codes_is_slowed_down(app, client, admin):
    tv = Device(app)
    code = tv.check()['code']
    wrong = '%06d' % (100000 + (int(code) - 100000 + 1) % 900000)
    for _ in range(5):
        assert error_code(pair(client, admin, wrong)) == 'unknown_code'
    held = pair(client, admin, code)   # even the right code waits now
    assert held.status_code == 429 and error_code(held) == 'too_many_attempts'
    assert re.search(r'\d+ giây', held.get_json()['error']['message'])
    with db.connection_context():
        assert ApiToken.select().where(ApiToken.role == 'display').count() == 1   # the fixture's only
    assert tv.check()['paired'] is False


def test_a_token_revoked_before_the_page_took_it_gives_nothing(app, client, admin):
    tv = Device(app)
    code = tv.check()['code']
    paired = pair(client, admin, code).get_json()
    assert client.post(API + '/tokens/%d/revoke' % paired['id'], headers=admin).status_code == 200
    state = tv.check()
    assert state['paired'] is False and state['code'] != code and tv.cookie(DEVICE_COOKIE) is None


def test_a_kiosk_gets_its_printer_and_opens_the_kiosk(app, client, admin):
    with db.connection_context():
        printer = Printer.create(name='Máy in sảnh', uri='dummy://')
    kiosk = Device(app)
    answer = pair(client, admin, kiosk.check()['code'], role='kiosk', name='Kiosk sảnh', printer_id=printer.id,
                  board=5)
    assert answer.status_code == 201 and answer.get_json()['printer_id'] == printer.id
    assert kiosk.check() == {'paired': True, 'next': '/kiosk'}
    with db.connection_context():
        row = row_named('Kiosk sảnh')
    assert (row['role'], row['printer'], row['printer_status']) == ('kiosk', 'Máy in sảnh', 'unknown')


def test_one_address_cannot_pile_up_codes(app):
    for _ in range(20):
        Device(app).check()
    stranger = Device(app)
    answer = stranger.client.post('/pair/check', headers={'X-CSRFToken': stranger.csrf, 'Accept': 'application/json'})
    assert answer.status_code == 429 and error_code(answer) == 'too_many_codes'


def test_the_check_needs_the_page_form_token(app):
    answer = app.test_client().post('/pair/check', headers={'Accept': 'application/json'})
    assert answer.status_code == 400 and error_code(answer) == 'csrf_failed'


def test_the_console_follows_each_device_live(app, client, tokens):
    staff = socketio.test_client(app, namespace='/display', auth={'token': tokens['admin']})
    staff.get_received('/display')
    board = socketio.test_client(app, namespace='/display', auth={'token': tokens['display']})
    changes = [e['args'][0]['device'] for e in staff.get_received('/display') if e['name'] == 'device_changed']
    assert [(c['name'], c['connected'], c['sound']) for c in changes] == [('test display', True, 'unknown')]
    board.emit('sound_state', {'sound': 'off'}, namespace='/display')
    changes = [e['args'][0]['device'] for e in staff.get_received('/display') if e['name'] == 'device_changed']
    assert [(c['connected'], c['sound']) for c in changes] == [(True, 'off')]
    board.emit('sound_state', {'sound': 'loud'}, namespace='/display')   # not a state: ignored
    assert [e for e in staff.get_received('/display') if e['name'] == 'device_changed'] == []
    with db.connection_context():
        row = row_named('test display')
    assert row['connected'] is True and row['sound'] == 'off' and row['seen']
    make_staff('quantri', 'admin')
    log_in_client(client, 'quantri')
    page = client.get('/admin/devices').get_data(as_text=True)
    assert 'id="pair-device"' in page and 'test display' in page and 'Trình duyệt chặn tiếng' in page
    assert 'Đang kết nối' in page
    board.disconnect('/display')
    changes = [e['args'][0]['device'] for e in staff.get_received('/display') if e['name'] == 'device_changed']
    assert [(c['connected'], c['sound']) for c in changes] == [(False, 'off')]
    staff.disconnect('/display')
