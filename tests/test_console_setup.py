"""Printers and the SMS gateway set up from the console (issue 19, point 3): a printer's place in words and its
test ticket through the spooler, the gateway as a form (secrets kept, never shown), the environment winning,
the gateway switched without a restart, and a test SMS that says why it failed."""
import json

import pytest

from printer.escpos_output import ticket_bytes
from printer.spooler import Spooler
from server import create_app
from server.api.openapi import spec
from server.extensions import db, socketio
from server.models import OutboxMessage, PrintJob, Setting
from server.queueing import printing
from server.sms import gateway_settings, messaging, outbox
from tests.conftest import bearer, make_token
from tests.contract import Contract
from tests.fake_kannel import FakeKannel
from tests.fake_printer import FakePrinter
from tests.fake_smsc import FakeSmsc
from tests.helpers import wait_for

API = '/api/v1'


@pytest.fixture
def spooler(app):
    """The served process's print spooler, on the app's runtime (the app fixture stops it)."""
    runtime = app.extensions['luot']
    runtime.spooler = Spooler(on_status=printing.on_printer_status(app), connect_timeout=0.5, backoff=(0.1, 0.2))
    runtime.spooler.start()
    return runtime.spooler


def add_printer(client, admin, connection, name='Máy in sảnh', width=80):
    return client.post(API + '/printers', json={'name': name, 'paper_width': width, 'connection': connection},
                       headers=bearer(admin))


def test_a_network_printer_is_added_in_words_and_its_test_ticket_prints(app, client, tokens, spooler):
    staff = socketio.test_client(app, namespace='/display', auth={'token': tokens['admin']})
    with FakePrinter() as fake:
        made = add_printer(client, tokens['admin'], {'kind': 'network', 'host': '127.0.0.1', 'port': fake.port},
                           width=58)
        assert made.status_code == 201, made.get_json()
        printer = made.get_json()
        assert printer['uri'] == fake.uri
        assert printer['connection'] == {'kind': 'network', 'host': '127.0.0.1', 'port': fake.port}
        assert printer['address'] == 'Máy in mạng 127.0.0.1, cổng %d' % fake.port
        answer = client.post(API + '/printers/%d/test' % printer['id'], headers=bearer(tokens['desk']))
        assert answer.status_code == 202
        assert answer.get_json()['queued'] is True
        [printed] = fake.wait_for_jobs(1, timeout=10)
        with db.connection_context():
            job = PrintJob.get_by_id(answer.get_json()['job_id'])
        payload = json.loads(job.payload)
        assert printed == ticket_bytes(payload, 58)
        assert payload['service_name'] == 'In thử: Máy in sảnh' and payload['paper_width_mm'] == 58
        assert wait_for(lambda: _job_state(job.id) == 'done')
    events = []
    assert wait_for(lambda: events.extend(staff.get_received('/display')) or any(
        e['name'] == 'printer_status' and e['args'][0] == {'printer': fake.uri, 'status': 'online', 'detail': ''}
        for e in events))
    listed = client.get(API + '/printers', headers=bearer(tokens['admin'])).get_json()
    assert listed[0]['status'] == 'online'
    staff.disconnect('/display')


def _job_state(job_id):
    with db.connection_context():
        return PrintJob.get_by_id(job_id).state


def test_a_test_print_refuses_an_unknown_printer_and_other_roles(app, client, tokens):
    assert client.post(API + '/printers/999/test', headers=bearer(tokens['admin'])).get_json()['error']['code'] \
        == 'unknown_printer'
    printer = add_printer(client, tokens['admin'], {'kind': 'none'}).get_json()
    assert printer['address'] == 'Không in thật (chạy thử)' and printer['uri'] == 'dummy://'
    for role in ('counter', 'kiosk', 'display', 'hotline', 'gateway'):
        refused = client.post(API + '/printers/%d/test' % printer['id'], headers=bearer(tokens[role]))
        assert refused.status_code == 403, role
    # This app prints nothing (no spooler: another process prints, or printing is off): said, not faked.
    off = client.post(API + '/printers/%d/test' % printer['id'], headers=bearer(tokens['desk']))
    assert off.status_code == 409 and off.get_json()['error']['code'] == 'printing_off'
    with db.connection_context():
        assert PrintJob.select().count() == 0


@pytest.mark.parametrize('connection, words', [
    ({}, 'Kiểu kết nối'),
    ({'kind': 'network'}, 'Địa chỉ IP của máy in'),
    ({'kind': 'network', 'host': '192.168.1.50', 'port': 70000}, 'Cổng mạng'),
    ({'kind': 'usb', 'vendor': 'zz', 'product': '5011'}, 'Mã hãng (VID)'),
    ({'kind': 'serial', 'device': ''}, 'Cổng kết nối'),
    ({'kind': 'port', 'device': '/etc/passwd'}, 'Cổng kết nối'),
    ({'kind': 'network', 'host': '8.8.8.8'}, 'mạng nội bộ'),
])
def test_a_printer_form_is_refused_in_words_never_with_the_technical_address(client, tokens, connection, words):
    refused = add_printer(client, tokens['admin'], connection)
    assert refused.status_code == 400
    message = refused.get_json()['error']['message']
    assert words in message and '://' not in message and '"kind"' not in message


def test_a_printer_is_moved_to_another_port_from_the_form(client, tokens):
    printer = add_printer(client, tokens['admin'], {'kind': 'usb', 'vendor': '0416', 'product': '5011'}).get_json()
    assert printer['uri'] == 'usb://0416:5011' and printer['address'] == 'Máy in USB (mã 0416:5011)'
    moved = client.patch(API + '/printers/%d' % printer['id'], headers=bearer(tokens['admin']),
                         json={'connection': {'kind': 'serial', 'device': 'COM3', 'baudrate': 19200}})
    assert moved.status_code == 200
    assert moved.get_json()['uri'] == 'serial://COM3?baudrate=19200'
    assert moved.get_json()['connection'] == {'kind': 'serial', 'device': 'COM3', 'baudrate': 19200}
    assert moved.get_json()['address'] == 'Cổng COM3, tốc độ 19200'
    page = client.get('/admin/printers', headers=bearer(tokens['admin'])).get_data(as_text=True)
    assert 'Cổng COM3, tốc độ 19200' in page and 'LUOT_PRINTER' not in page and 'In thử' in page


def put_gateway(client, tokens, **fields):
    return client.put(API + '/sms/gateway', json=fields, headers=bearer(tokens['admin']))


@pytest.mark.parametrize('fields, words', [
    ({'kind': 'fax'}, 'Loại cổng SMS'),
    ({'kind': 'kannel', 'username': 'luot', 'password': 'x'}, 'Địa chỉ gửi tin của Kannel'),
    ({'kind': 'kannel', 'url': 'ftp://10.0.0.2/', 'username': 'luot', 'password': 'x'}, 'Địa chỉ gửi tin của Kannel'),
    ({'kind': 'kannel', 'url': 'http://10.0.0.2:13013/cgi-bin/sendsms', 'username': 'luot'}, 'Mật khẩu'),
    ({'kind': 'kannel', 'url': 'http://10.0.0.2:13013/cgi-bin/sendsms', 'username': 'luot', 'password': 'x',
      'sender': 'Phường Bến Nghé'}, 'Số hoặc tên gửi đi'),
    ({'kind': 'gsm', 'device': 'C:/modem'}, 'Cổng của modem'),
    ({'kind': 'gsm', 'device': 'COM3', 'pin': '12ab'}, 'Mã PIN của SIM'),
    ({'kind': 'smpp', 'host': '10.0.0.2', 'port': 70000, 'system_id': 'luot', 'password': 'x'}, 'Cổng'),
    ({'kind': 'smpp', 'host': '10.0.0.2', 'password': 'x'}, 'Tên tài khoản (system id)'),
])
def test_the_gateway_form_names_the_wrong_field_in_words(client, tokens, fields, words):
    refused = put_gateway(client, tokens, **fields)
    assert refused.status_code == 400
    assert words in refused.get_json()['error']['message']


def test_a_password_is_kept_never_shown_and_left_empty_stays(app, client, tokens):
    saved = put_gateway(client, tokens, kind='kannel', url='http://10.0.0.2:13013/cgi-bin/sendsms',
                        username='luot', password='mat-khau-kannel', sender='8188')
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()['config'] == {'kind': 'kannel', 'url': 'http://10.0.0.2:13013/cgi-bin/sendsms',
                                          'username': 'luot', 'sender': '8188', 'password_saved': True}
    changed = put_gateway(client, tokens, kind='kannel', url='http://10.0.0.2:13013/cgi-bin/sendsms',
                          username='luot2', password='', sender='8188')
    assert changed.status_code == 200
    for shown in (saved, changed, client.get(API + '/sms/gateway', headers=bearer(tokens['admin'])),
                  client.get('/admin/sms', headers=bearer(tokens['admin']))):
        assert 'mat-khau-kannel' not in shown.get_data(as_text=True)
    with app.app_context(), db.connection_context():
        assert gateway_settings.current_uri(app) == \
            'http://luot2:mat-khau-kannel@10.0.0.2:13013/cgi-bin/sendsms?from=8188'
    # Another kind has no password saved yet: one is needed.
    assert 'Mật khẩu' in put_gateway(client, tokens, kind='smpp', host='10.0.0.2', system_id='luot') \
        .get_json()['error']['message']
    for role in ('desk', 'counter', 'gateway'):
        assert client.get(API + '/sms/gateway', headers=bearer(tokens[role])).status_code == 403
        assert client.post(API + '/sms/test', json={'phone': '0905123456'},
                           headers=bearer(tokens[role])).status_code == 403


def test_the_gateway_switches_without_a_restart_and_a_test_sms_says_why_it_failed(app, client, tokens):
    def test_sms():
        answer = client.post(API + '/sms/test', json={'phone': '0905 123 456'}, headers=bearer(tokens['admin']))
        assert answer.status_code == 200
        return answer.get_json()

    assert test_sms()['state'] == 'sent'      # log:// until the console sets one: nothing leaves the PC
    with FakeSmsc() as smsc:
        assert put_gateway(client, tokens, kind='smpp', host='127.0.0.1', port=smsc.port, system_id='luot',
                           password='secret', sender='8188').status_code == 200
        sent = test_sms()
        assert sent == {'id': sent['id'], 'state': 'sent', 'reason': '', 'detail': ''}
        assert [pdu.destination_addr for pdu in smsc.submitted] == [b'84905123456']
        # The sending job (the scheduler's round) takes the same new gateway.
        with app.app_context(), db.connection_context():
            with db.atomic():
                outbox.enqueue('reply:1', '0905123456', 'Xin chao', 'reply')
            assert messaging.sms_round(app) == {'sent': 1}
        assert len(smsc.submitted) == 2
    with FakeKannel() as kannel:
        assert put_gateway(client, tokens, kind='kannel', url=kannel.url, username='luot', password='k-pass',
                           sender='8188').status_code == 200
        assert test_sms()['state'] == 'sent'
        [query] = kannel.sent
        assert (query['username'], query['password'], query['from'], query['to']) == ('luot', 'k-pass', '8188',
                                                                                      '0905123456')
        kannel.answer = (403, 'Authorization failed for sendsms')
        refused = test_sms()
        assert refused['state'] == 'failed' and 'tên đăng nhập, mật khẩu' in refused['reason']
        assert 'Authorization failed' in refused['detail']
    down = test_sms()      # the fake Kannel is gone: the gateway is down, which is an answer, not a 500
    assert down['state'] == 'failed' and down['reason'].startswith('Không kết nối được cổng SMS')
    with db.connection_context():
        assert OutboxMessage.get_by_id(down['id']).state == 'failed'       # a test is never retried later
        assert OutboxMessage.get_by_id(down['id']).kind == 'test'
    page = client.get('/admin/sms', headers=bearer(tokens['admin'])).get_data(as_text=True)
    assert 'Tin thử' in page and 'Gửi tin thử' in page


def test_a_test_sms_needs_a_phone_number(client, tokens):
    for phone, code in ((None, 'missing_field'), ('12345', 'invalid_phone')):
        refused = client.post(API + '/sms/test', json={'phone': phone}, headers=bearer(tokens['admin']))
        assert refused.status_code == 400 and refused.get_json()['error']['code'] == code
    assert 'Số điện thoại nhận tin thử' in client.post(API + '/sms/test', json={}, headers=bearer(
        tokens['admin'])).get_json()['error']['message']


def test_the_environment_wins_and_the_form_shows_it_read_only(tmp_path, monkeypatch):
    monkeypatch.setenv('LUOT_SMS', 'smpp://luot:bi-mat@10.0.0.2:2775?source=8188')
    app = create_app({'DATA_DIR': str(tmp_path / 'data'), 'SCHEDULER': False, 'PRINTING': False, 'TESTING': True})
    try:
        admin = make_token('admin')
        client = app.test_client()
        with db.connection_context():       # a gateway the console stored before the environment was set
            Setting.create(key=gateway_settings.KEY, value=json.dumps({'kind': 'log'}))
        shown = client.get(API + '/sms/gateway', headers=bearer(admin))
        assert shown.get_json()['fixed_by_environment'] is True
        assert shown.get_json()['config'] == {'kind': 'smpp', 'host': '10.0.0.2', 'port': 2775, 'sender': '8188',
                                              'system_id': 'luot', 'password_saved': True}
        refused = client.put(API + '/sms/gateway', json={'kind': 'log'}, headers=bearer(admin))
        assert refused.status_code == 409 and refused.get_json()['error']['code'] == 'fixed_by_environment'
        with app.app_context(), db.connection_context():
            assert messaging.transport_for(app).scheme == 'smpp'
        page = client.get('/admin/sms', headers=bearer(admin)).get_data(as_text=True)
        assert 'id="gateway-fixed"' in page and '<fieldset class="grid plain" disabled>' in page
        assert 'bi-mat' not in page and 'Lưu cổng SMS' not in page
    finally:
        app.extensions['luot'].stop()


def test_the_new_routes_answer_as_documented(app, client, tokens, spooler):
    contract, admin = Contract(spec(app)), bearer(tokens['admin'])
    printer = contract.check('POST', '/printers', add_printer(client, tokens['admin'], {'kind': 'none'}))
    for printer_id in (printer['id'], 999):
        contract.check('POST', '/printers/{printer_id}/test',
                       client.post(API + '/printers/%d/test' % printer_id, headers=admin))
    contract.check('GET', '/printers', client.get(API + '/printers', headers=admin))
    contract.check('POST', '/sms/test', client.post(API + '/sms/test', json={'phone': '0905123456'}, headers=admin))
    contract.check('POST', '/sms/test', client.post(API + '/sms/test', json={'phone': 'x'}, headers=admin))
    contract.check('PUT', '/sms/gateway', put_gateway(client, tokens, kind='gsm', device='COM3', pin='1234'))
    contract.check('PUT', '/sms/gateway', put_gateway(client, tokens, kind='fax'))
    shown = contract.check('GET', '/sms/gateway', client.get(API + '/sms/gateway', headers=admin))
    assert shown['config'] == {'kind': 'gsm', 'device': 'COM3', 'pin_saved': True}
