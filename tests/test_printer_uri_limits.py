"""A printer URI names a printer only: file:// a printer port, tcp:// a printer on the office's LAN."""
import socket

import pytest

from printer import transports
from printer.addresses import PrinterURIError, checked_uri, validate_uri
from printer.transports import PrinterError, send
from server.extensions import db
from server.models import Printer, PrintJob
from tests.conftest import bearer, make_counter, make_service, make_token
from tests.fake_printer import FakePrinter
from tests.helpers import log_in_new_admin
from tests.pages import expect_page

API = '/api/v1'


@pytest.mark.parametrize('uri, reason', [
    ('file:///etc/passwd', 'cổng máy in'),
    ('file:///tmp/ve.txt', 'cổng máy in'),
    ('file:///dev/usb/lp0/../../../etc/passwd', 'cổng máy in'),
    ('file:///dev/usb/lp0%2F..%2F..%2Fetc%2Fpasswd', 'cổng máy in'),
    ('file:///dev/sda', 'cổng máy in'),
    ('file:///dev/tty', 'cổng máy in'),
    ('file:///C:/Windows/win.ini', 'cổng máy in'),
    ('file://CON', 'cổng máy in'),
    ('file:///C:/luot/instance/secret_key', 'cổng máy in'),
    ('file://COM3.txt', 'cổng máy in'),
    ('tcp://8.8.8.8:9100', 'mạng nội bộ'),
    ('tcp://203.113.131.1', 'mạng nội bộ'),
    ('tcp://100.64.0.1', 'mạng nội bộ'),
    ('tcp://0.0.0.0:9100', 'mạng nội bộ'),
    ('tcp://255.255.255.255', 'mạng nội bộ'),
    ('tcp://224.0.0.1', 'mạng nội bộ'),
])
def test_uris_that_name_no_printer_are_refused(uri, reason):
    with pytest.raises(PrinterURIError) as caught:
        validate_uri(uri)
    assert str(caught.value).startswith('Địa chỉ máy in không hợp lệ: ') and reason in str(caught.value)


@pytest.mark.parametrize('uri, canonical', [
    ('file:///dev/usb/lp0', 'file:///dev/usb/lp0'),
    ('file:///dev/lp1', 'file:///dev/lp1'),
    ('file:///dev/ttyUSB0', 'file:///dev/ttyUSB0'),
    ('file:///dev/ttyS1', 'file:///dev/ttyS1'),
    ('file://COM3', 'file://COM3'),
    ('file://lpt1', 'file://lpt1'),
    ('tcp://192.168.1.50', 'tcp://192.168.1.50:9100'),
    ('tcp://10.0.0.7:9101', 'tcp://10.0.0.7:9101'),
    ('tcp://172.16.5.5', 'tcp://172.16.5.5:9100'),
    ('tcp://169.254.10.20', 'tcp://169.254.10.20:9100'),
    ('tcp://127.0.0.1:9100', 'tcp://127.0.0.1:9100'),
    ('tcp://localhost:9100', 'tcp://localhost:9100'),
])
def test_printer_ports_and_lan_addresses_are_accepted(uri, canonical):
    assert checked_uri(uri) == canonical


def fake_dns(monkeypatch, table):
    """socket.getaddrinfo answering from a table of names (unknown names are not found)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, '', (address, port)) for address in table[host]]
        if host in ('localhost', '127.0.0.1'):
            return real(host, port, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, 'not found')
    monkeypatch.setattr(socket, 'getaddrinfo', getaddrinfo)


def test_a_printer_name_is_refused_when_it_resolves_outside_the_lan(monkeypatch):
    fake_dns(monkeypatch, {'may-in.ubnd.vn': ['203.113.131.1'], 'quay.lan': ['192.168.1.60'],
                           'mixed.lan': ['192.168.1.61', '8.8.4.4']})
    with pytest.raises(PrinterURIError) as caught:
        checked_uri('tcp://may-in.ubnd.vn:9100')
    assert 'may-in.ubnd.vn' in str(caught.value) and '203.113.131.1' in str(caught.value)
    with pytest.raises(PrinterURIError):
        checked_uri('tcp://mixed.lan')
    assert checked_uri('tcp://quay.lan') == 'tcp://quay.lan:9100'
    # Not found now (the printer may be off): accepted, and checked again on every connection.
    assert checked_uri('tcp://printer-1.local:9101') == 'tcp://printer-1.local:9101'
    # A number is a name to the resolver (134744072 is 8.8.8.8): refused as well.
    monkeypatch.undo()
    with pytest.raises(PrinterURIError):
        checked_uri('tcp://134744072')


def test_a_name_pointed_outside_the_lan_after_it_was_set_is_not_connected_to(monkeypatch):
    with FakePrinter() as fake:
        fake_dns(monkeypatch, {'quay.lan': ['127.0.0.1']})
        send('tcp://quay.lan:%d' % fake.port, b'\x1b@A025')
        assert fake.wait_for_jobs(1) == [b'\x1b@A025']
        fake_dns(monkeypatch, {'quay.lan': ['93.184.216.34']})
        connections = []
        monkeypatch.setattr(transports.socket, 'create_connection', lambda *a, **k: connections.append(a))
        with pytest.raises(PrinterError) as caught:
            send('tcp://quay.lan:%d' % fake.port, b'\x1b@B001')
        assert caught.value.status == 'error' and '93.184.216.34' in caught.value.message
        assert connections == []


def test_the_api_refuses_a_printer_that_would_write_a_file(app, client, office, tokens, tmp_path):
    admin = bearer(tokens['admin'])
    victim = tmp_path / 'victim.txt'
    victim.write_text('giữ nguyên')
    for uri in ('file://%s' % victim, 'tcp://8.8.8.8:9100'):
        refused = client.post(API + '/printers', headers=admin, json={'name': 'Máy in', 'uri': uri})
        assert refused.status_code == 400, refused.get_data(as_text=True)
        error = refused.get_json()['error']
        assert error['code'] == 'invalid_printer_uri' and error['message'].startswith('Địa chỉ máy in không hợp lệ')
    created = client.post(API + '/printers', headers=admin, json={'name': 'Máy in', 'uri': 'dummy://'}).get_json()
    changed = client.patch(API + '/printers/%d' % created['id'], headers=admin,
                           json={'uri': 'file://%s' % victim})
    assert changed.status_code == 400 and changed.get_json()['error']['code'] == 'invalid_printer_uri'
    with db.connection_context():
        assert [p.uri for p in Printer.select()] == ['dummy://']
    assert victim.read_text() == 'giữ nguyên'


def test_a_printer_saved_before_the_check_is_an_error_state_not_a_write(app, client, office, tokens, tmp_path):
    """A row from an older version pointing at a file: the kiosk says the printer is in error, nothing is written."""
    victim = tmp_path / 'victim.txt'
    with db.connection_context():
        printer = Printer.create(name='Cũ', uri='file://%s' % victim)
    kiosk = client.post(API + '/tokens', headers=bearer(tokens['admin']),
                        json={'role': 'kiosk', 'name': 'Kiosk cũ', 'printer_id': printer.id}).get_json()['token']
    issued = client.post(API + '/tickets', headers=bearer(kiosk), json={'service': 'CT'})
    assert issued.status_code == 201
    assert issued.get_json()['printing']['status'] == 'error'
    assert 'cổng máy in' in issued.get_json()['printing']['detail']
    with db.connection_context():
        assert PrintJob.select().count() == 0
    assert not victim.exists()


@pytest.mark.parametrize('uri', ['file:///etc/passwd', 'tcp://8.8.8.8:9100'])
def test_luot_printer_outside_the_rules_is_a_start_up_error_not_a_crash(tmp_path, monkeypatch, caplog, uri):
    from server import create_app
    monkeypatch.setenv('LUOT_PRINTER', uri)
    app = create_app({'DATA_DIR': str(tmp_path / 'data'), 'SCHEDULER': False, 'PRINTING': False, 'TESTING': True})
    assert uri in app.config['PRINTER_ERROR'] and 'không hợp lệ' in app.config['PRINTER_ERROR']
    assert any('LUOT_PRINTER' in r.getMessage() and uri in r.getMessage() for r in caplog.records)
    make_service('CT', 'Chứng thực', 'A')
    make_counter(1, ['CT'])
    issued = app.test_client().post(API + '/tickets', json={'service': 'CT'}, headers=bearer(make_token('kiosk')))
    assert issued.status_code == 201 and issued.get_json()['printing']['status'] == 'error'


@pytest.mark.browser
def test_the_console_says_why_a_printer_uri_is_refused(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    page = page_in(1366, 800)
    log_in_new_admin(page, server)
    page.goto(server.url + '/admin/printers')
    form = page.locator('#add-printer')
    form.locator('[name="name"]').fill('Máy in lạ')
    # The clerk's form asks where the printer is plugged in (no URI to type); the refusals say why in words.
    for kind, field, value, reason in (('port', 'device', '/etc/passwd', '"Cổng kết nối" không hợp lệ'),
                                       ('network', 'host', '8.8.8.8', 'mạng nội bộ')):
        form.locator('[name="kind"]').select_option(kind)
        form.locator('[data-for-kind="%s"] [name="%s"]' % (kind, field)).fill(value)
        form.locator('button[type="submit"]').click()
        expect(form.locator('.form-error')).to_contain_text(reason)
    page.reload()
    assert page.locator('tr[data-printer-uri^="file:"], tr[data-printer-uri^="tcp://8."]').count() == 0
