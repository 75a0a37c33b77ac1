"""The admin console: staff, printer and board routes, the ticket preview, reports and the console in a browser."""
import datetime
import io
import json
import re

import pytest
from PIL import Image

from server.extensions import db
from server.models import AuditEvent, Printer, Staff
from server.queueing import tickets
from tests.conftest import bearer, make_staff
from tests.helpers import api, csrf_from, log_in_client, log_in_page
from tests.pages import screenshot

API = '/api/v1'


def error_of(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {'error'} and body['error']['code'] == code and body['error']['message']
    return body['error']['message']


def log_in(client, username, password):
    """A staff session in the test client; returns the CSRF header its JSON calls need."""
    log_in_client(client, username, password)
    page = client.get('/admin', follow_redirects=True).get_data(as_text=True)   # or the password change first
    return {'X-CSRFToken': re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)}


def audited(app, action):
    with app.app_context(), db.connection_context():
        return [json.loads(e.detail) for e in AuditEvent.select().where(AuditEvent.action == action)]


# Staff accounts ---------------------------------------------------------------------------------

def test_staff_are_created_listed_and_changed_without_hashes(app, client, tokens):
    admin = bearer(tokens['admin'])
    created = client.post(API + '/staff', headers=admin, json={
        'username': 'quay7', 'full_name': 'Võ Thị Lan', 'role': 'counter', 'password': 'mat khau 7'})
    assert created.status_code == 201
    account = created.get_json()
    assert {k: account[k] for k in ('username', 'full_name', 'role', 'active')} == {
        'username': 'quay7', 'full_name': 'Võ Thị Lan', 'role': 'counter', 'active': True}
    listed = client.get(API + '/staff', headers=admin)
    assert listed.status_code == 200 and [s['username'] for s in listed.get_json()] == ['quay7']
    text = listed.get_data(as_text=True)
    assert 'hash' not in text and 'mat khau 7' not in text
    # Only whether its owner must change the password: never the password or its hash.
    assert set(listed.get_json()[0]) == {'id', 'username', 'full_name', 'role', 'active', 'created_at',
                                         'must_change_password'}
    log_in(app.test_client(), 'quay7', 'mat khau 7')

    changed = client.patch(API + '/staff/%d' % account['id'], headers=admin, json={
        'role': 'desk', 'full_name': 'Võ T. Lan', 'password': 'mat-khau-moi'})
    assert changed.status_code == 200 and changed.get_json()['role'] == 'desk'
    log_in(app.test_client(), 'quay7', 'mat-khau-moi')
    locked = client.patch(API + '/staff/%d' % account['id'], headers=admin, json={'active': False})
    assert locked.get_json()['active'] is False
    other = app.test_client()
    token = csrf_from(other.get('/login').get_data(as_text=True))
    assert other.post('/login', data={'username': 'quay7', 'password': 'mat-khau-moi',
                                      'csrf_token': token}).status_code == 401
    assert audited(app, 'staff_created')[0]['username'] == 'quay7'
    assert audited(app, 'staff_changed')[0]['fields'] == ['full_name', 'password', 'role']


@pytest.mark.parametrize('body, status, code', [
    ({'username': 'a', 'role': 'counter', 'password': '12345678'}, 400, 'invalid_username'),
    ({'username': 'Nguyễn', 'role': 'counter', 'password': '12345678'}, 400, 'invalid_username'),
    ({'role': 'counter', 'password': '12345678'}, 400, 'missing_field'),
    ({'username': 'quay8', 'role': 'kiosk', 'password': '12345678'}, 400, 'invalid_role'),
    ({'username': 'quay8', 'role': 'counter', 'password': '1234567'}, 400, 'password_too_short'),
    ({'username': 'quay8', 'role': 'counter', 'password': 12345678}, 400, 'invalid_type'),
    ({'username': 'quay8', 'role': 'counter'}, 400, 'missing_field'),
    ({'username': 'quay8', 'role': 'counter', 'password': '12345678', 'active': 'yes'}, 400, 'invalid_type'),
])
def test_bad_staff_input_is_refused(client, tokens, body, status, code):
    error_of(client.post(API + '/staff', headers=bearer(tokens['admin']), json=body), status, code)


def test_duplicate_and_unknown_staff(client, tokens):
    admin = bearer(tokens['admin'])
    make_staff('letan', 'desk')
    message = error_of(client.post(API + '/staff', headers=admin, json={
        'username': 'letan', 'role': 'desk', 'password': '12345678'}), 409, 'duplicate_staff')
    assert message == 'Đã có tài khoản "letan".'
    error_of(client.patch(API + '/staff/999', headers=admin, json={'role': 'desk'}), 404, 'unknown_staff')
    error_of(client.patch(API + '/staff/1', headers=admin, json={'password': 'short'}), 400, 'password_too_short')
    error_of(client.post(API + '/staff', headers=admin, data='{', content_type='application/json'), 400,
             'invalid_json')


def test_an_admin_cannot_lock_themself_out(app, client, tokens):
    me = make_staff('quantri', 'admin', 'mat-khau-1')
    session = log_in(client, 'quantri', 'mat-khau-1')
    message = error_of(client.patch(API + '/staff/%d' % me.id, headers=session, json={'active': False}), 409,
                       'cannot_deactivate_self')
    assert 'tự khóa' in message
    error_of(client.patch(API + '/staff/%d' % me.id, headers=session, json={'role': 'desk'}), 409,
             'cannot_demote_self')
    # Through a token there is no "self", but the last active admin account stays.
    error_of(client.patch(API + '/staff/%d' % me.id, headers=bearer(tokens['admin']), json={'active': False}),
             409, 'last_admin')
    assert client.patch(API + '/staff/%d' % me.id, headers=session, json={'full_name': 'Quản trị'}).status_code == 200
    with app.app_context(), db.connection_context():
        assert Staff.get_by_id(me.id).active is True


def test_session_writes_need_the_csrf_token(client):
    make_staff('quantri', 'admin', 'mat-khau-1')
    log_in(client, 'quantri', 'mat-khau-1')
    error_of(client.post(API + '/printers', json={'name': 'X', 'uri': 'dummy://'}), 400, 'csrf_failed')


@pytest.mark.parametrize('method, path', [
    ('GET', '/staff'), ('POST', '/staff'), ('PATCH', '/staff/1'), ('GET', '/printers'), ('POST', '/printers'),
    ('PATCH', '/printers/1'), ('PATCH', '/boards/1')])
def test_other_roles_are_refused(client, tokens, method, path):
    for role in ('counter', 'desk', 'kiosk', 'display'):
        response = client.open(API + path, method=method, headers=bearer(tokens[role]),
                               json={} if method != 'GET' else None)
        error_of(response, 403, 'forbidden')


# Printers ---------------------------------------------------------------------------------------

def test_printers_are_added_with_a_canonical_uri_and_shown_with_status(app, client, tokens):
    admin = bearer(tokens['admin'])
    created = client.post(API + '/printers', headers=admin, json={
        'name': 'Máy in kiosk sảnh', 'uri': 'tcp://192.168.1.50', 'paper_width': 58})
    assert created.status_code == 201
    printer = created.get_json()
    assert printer == {'id': printer['id'], 'name': 'Máy in kiosk sảnh', 'uri': 'tcp://192.168.1.50:9100',
                       'paper_width': 58, 'status': 'unknown', 'status_detail': '', 'status_at': None,
                       'connection': {'kind': 'network', 'host': '192.168.1.50', 'port': 9100},
                       'address': 'Máy in mạng 192.168.1.50, cổng 9100'}
    with app.app_context(), db.connection_context():
        Printer.update(status='paper_out', status_detail='hết giấy',
                       status_at=datetime.datetime(2026, 11, 24, 2, 0)).execute()
    listed = client.get(API + '/printers', headers=admin).get_json()
    assert listed[0]['status'] == 'paper_out' and listed[0]['status_at'] == '2026-11-24T09:00:00+07:00'
    renamed = client.patch(API + '/printers/%d' % printer['id'], headers=admin, json={'name': 'Kiosk 1'})
    assert renamed.get_json()['status'] == 'paper_out'
    moved = client.patch(API + '/printers/%d' % printer['id'], headers=admin, json={'uri': 'usb://04b8:0e15'})
    assert moved.get_json()['uri'] == 'usb://04b8:0e15' and moved.get_json()['status'] == 'unknown'
    token = client.post(API + '/tokens', headers=admin, json={
        'role': 'kiosk', 'name': 'Kiosk 1', 'printer_id': printer['id']}).get_json()
    page = client.get('/admin/printers', headers=admin).get_data(as_text=True)
    assert 'Kiosk 1' in page and 'usb://04b8:0e15' in page and token['token'] not in page
    assert audited(app, 'printer_changed')[-1]['fields'] == ['status', 'status_at', 'status_detail', 'uri']


@pytest.mark.parametrize('body, status, code', [
    ({'name': 'A', 'uri': '192.168.1.50'}, 400, 'invalid_printer_uri'),
    ({'name': 'A', 'uri': 'lpt://1'}, 400, 'invalid_printer_uri'),
    ({'name': 'A', 'uri': 'tcp://a:99999'}, 400, 'invalid_printer_uri'),
    ({'name': 'A', 'uri': 'dummy://', 'paper_width': 60}, 400, 'invalid_paper_width'),
    ({'name': 'A', 'uri': 'dummy://', 'paper_width': '80'}, 400, 'invalid_type'),
    ({'uri': 'dummy://'}, 400, 'missing_field'),
    ({'name': 'A' * 101, 'uri': 'dummy://'}, 400, 'too_long'),
])
def test_bad_printer_input_is_refused(client, tokens, body, status, code):
    message = error_of(client.post(API + '/printers', headers=bearer(tokens['admin']), json=body), status, code)
    if code == 'invalid_printer_uri':
        assert message.startswith('Địa chỉ máy in không hợp lệ')


def test_duplicate_and_unknown_printers(client, tokens):
    admin = bearer(tokens['admin'])
    assert client.post(API + '/printers', headers=admin, json={'name': 'A', 'uri': 'dummy://'}).status_code == 201
    second = client.post(API + '/printers', headers=admin, json={'name': 'B', 'uri': 'dummy://'}).get_json()
    error_of(client.post(API + '/printers', headers=admin, json={'name': 'A', 'uri': 'dummy://'}), 409,
             'duplicate_printer')
    error_of(client.patch(API + '/printers/%d' % second['id'], headers=admin, json={'name': 'A'}), 409,
             'duplicate_printer')
    error_of(client.patch(API + '/printers/99', headers=admin, json={'name': 'C'}), 404, 'unknown_printer')
    error_of(client.patch(API + '/printers/%d' % second['id'], headers=admin, json={'uri': 'x'}), 400,
             'invalid_printer_uri')


# Display boards ---------------------------------------------------------------------------------

def test_boards_are_changed(app, client, office, tokens):
    admin = bearer(tokens['admin'])
    board = client.post(API + '/boards', headers=admin, json={'name': 'Sảnh'}).get_json()
    changed = client.patch(API + '/boards/%d' % board['id'], headers=admin, json={
        'name': 'Sảnh tầng 1', 'services': ['HT', 'CT', 'HT'], 'counters': [3, 1], 'notice': 'Mời ngồi chờ.'})
    assert changed.status_code == 200
    assert changed.get_json() == {'id': board['id'], 'name': 'Sảnh tầng 1', 'services': ['CT', 'HT'],
                                  'counters': [1, 3], 'notice': 'Mời ngồi chờ.'}
    cleared = client.patch(API + '/boards/%d' % board['id'], headers=admin, json={'services': [], 'notice': ''})
    assert cleared.get_json()['services'] == [] and cleared.get_json()['notice'] == ''
    assert client.get(API + '/queue?board=%d' % board['id'], headers=admin).status_code == 200
    page = client.get('/admin/boards', headers=admin).get_data(as_text=True)
    assert '/display?board=%d' % board['id'] in page
    assert audited(app, 'board_changed')[0]['fields'] == ['counter_numbers', 'name', 'notice', 'service_codes']


@pytest.mark.parametrize('body, status, code', [
    ({'services': ['XX']}, 404, 'unknown_service'),
    ({'services': 'CT'}, 400, 'invalid_type'),
    ({'counters': ['1']}, 400, 'invalid_type'),
    ({'counters': [True]}, 400, 'invalid_type'),
    ({'counters': [42]}, 404, 'unknown_counter'),
    ({'counters': [10 ** 30]}, 400, 'out_of_range'),
    ({'name': ''}, 400, 'missing_field'),
    ({'notice': 'x' * 501}, 400, 'too_long'),
])
def test_bad_board_changes_are_refused(client, office, tokens, body, status, code):
    admin = bearer(tokens['admin'])
    board = client.post(API + '/boards', headers=admin, json={'name': 'Sảnh'}).get_json()
    error_of(client.patch(API + '/boards/%d' % board['id'], headers=admin, json=body), status, code)


def test_unknown_board(client, tokens):
    error_of(client.patch(API + '/boards/7', headers=bearer(tokens['admin']), json={'name': 'X'}), 404,
             'unknown_board')


# Pages, preview, reports ------------------------------------------------------------------------

def test_console_pages_answer_admins_only(client, office, tokens):
    for section in ('', '/services', '/counters', '/boards', '/devices', '/printers', '/staff', '/settings',
                    '/reports'):
        response = client.get('/admin' + section, headers=bearer(tokens['admin']))
        assert response.status_code == 200, section
        assert 'Quản trị' in response.get_data(as_text=True)
        assert client.get('/admin' + section, headers=bearer(tokens['counter'])).status_code == 403
        assert client.get('/admin' + section).status_code == 302


def test_ticket_preview_uses_the_office_settings(client, office, tokens):
    admin = bearer(tokens['admin'])
    sizes = {}
    for width in (58, 80):
        response = client.get('/admin/ticket-preview.png?width=%d' % width, headers=admin)
        assert response.status_code == 200 and response.mimetype == 'image/png'
        sizes[width] = Image.open(io.BytesIO(response.data)).size
    assert sizes[58][0] < sizes[80][0]
    client.patch(API + '/settings', headers=admin, json={'ticket_footer': 'Cảm ơn quý khách\n' * 6})
    longer = Image.open(io.BytesIO(client.get('/admin/ticket-preview.png?width=80', headers=admin).data)).size
    assert longer[1] > sizes[80][1]
    response = client.get('/admin/ticket-preview.png?width=100', headers=admin)
    assert response.status_code == 400 and 'Khổ giấy phải là 58 hoặc 80' in response.get_data(as_text=True)
    assert client.get('/admin/ticket-preview.png', headers=bearer(tokens['kiosk'])).status_code == 403


T0 = datetime.datetime(2026, 11, 24, 1, 0)   # 08:00 in Hanoi


def minutes(n):
    return T0 + datetime.timedelta(minutes=n)


def busy_day(app):
    """A morning: CT served twice at counter 1, an HT no-show at counter 2, one CT still waiting, one the day before."""
    with app.app_context(), db.connection_context():
        tickets.issue_ticket('CT', now=T0 - datetime.timedelta(days=1))
        first = tickets.issue_ticket('CT', now=minutes(0))
        tickets.issue_ticket('HT', now=minutes(1))
        tickets.issue_ticket('CT', now=minutes(2))
        tickets.issue_ticket('CT', now=minutes(3))
        assert tickets.call_next(1, now=minutes(10)).id == first.id
        tickets.complete(first.id, now=minutes(16))
        missed = tickets.call_next(2, now=minutes(12))
        assert missed.number == 'B001'
        tickets.no_show(missed.id, now=minutes(15))
        second = tickets.call_next(1, now=minutes(20))
        tickets.complete(second.id, now=minutes(30))


def sheet_rows(sheet):
    return [list(row) for row in sheet.iter_rows(min_row=4, values_only=True)]


def test_excel_report_has_the_figures(app, client, office, tokens):
    from openpyxl import load_workbook
    busy_day(app)
    response = client.get('/admin/report.xlsx?from=24/11/2026&to=24/11/2026', headers=bearer(tokens['admin']))
    assert response.status_code == 200
    assert 'bao-cao-2026-11-24_2026-11-24.xlsx' in response.headers['Content-Disposition']
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ['Tổng hợp', 'Lĩnh vực', 'Quầy', 'Cán bộ', 'Theo giờ', 'Lịch hẹn', 'Mức độ hài lòng']
    services, counters = book['Lĩnh vực'], book['Quầy']
    assert 'từ 24/11/2026 đến 24/11/2026' in services['A1'].value
    assert [c.value for c in services[3]][:11] == [
        'Mã', 'Tên', 'Đã lấy số', 'Đã gọi', 'Đã phục vụ', 'Vắng mặt', 'Đã chuyển', 'Chờ trung vị (phút)',
        'Chờ P90 (phút)', 'Phục vụ trung vị (phút)', 'Phục vụ P90 (phút)']
    # Waits: CT 10 and 18 minutes, HT 11; services 6 and 10 minutes (tests/test_reports_range.py has the rest).
    assert [row[:11] for row in sheet_rows(services)] == [
        ['CT', 'Chứng thực', 3, 2, 2, 0, 0, 14.0, 18.0, 8.0, 10.0],
        ['HT', 'Hộ tịch', 1, 1, 0, 1, 0, 11.0, 11.0, None, None],
        [None, 'Tổng cộng', 4, 3, 2, 1, 0, 11.0, 18.0, 8.0, 10.0]]
    assert [row[:10] for row in sheet_rows(counters)] == [
        [1, 'Quầy 1', 2, 2, 0, 0, 14.0, 18.0, 8.0, 10.0], [2, 'Quầy 2', 1, 0, 1, 0, 11.0, 11.0, None, None],
        [3, 'Quầy 3', 0, 0, 0, 0, None, None, None, None]]
    two_days = client.get('/admin/report.xlsx?from=23/11/2026&to=24/11/2026', headers=bearer(tokens['admin']))
    assert sheet_rows(load_workbook(io.BytesIO(two_days.data))['Lĩnh vực'])[0][:3] == ['CT', 'Chứng thực', 4]


def test_report_page_shows_table_and_chart(app, client, office, tokens):
    busy_day(app)
    page = client.get('/admin/reports?from=24/11/2026&to=24/11/2026', headers=bearer(tokens['admin']))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<svg' in html and 'chart-services' in html
    assert '14,0' in html and '18,0' in html   # CT's median wait, the 90th percentile of all waits
    assert 'report.xlsx?from=24/11/2026&amp;to=24/11/2026' in html


@pytest.mark.parametrize('query, fragment', [
    ('from=2026-11-24', 'Ngày &#34;2026-11-24&#34; (Từ ngày) không hợp lệ'),
    ('from=31/02/2026', 'dd/mm/yyyy'),
    ('from=24/11/2026&to=01/11/2026', 'Ngày bắt đầu phải trước'),
    ('from=01/01/2024&to=31/12/2026', 'tối đa 366 ngày'),
])
def test_bad_report_dates_are_a_clear_400(client, tokens, query, fragment):
    for path in ('/admin/report.xlsx?', '/admin/reports?'):
        response = client.get(path + query, headers=bearer(tokens['admin']))
        assert response.status_code == 400
        assert fragment in response.get_data(as_text=True), response.get_data(as_text=True)


# The console in a real browser -------------------------------------------------------------------

@pytest.mark.browser
def test_console_in_a_browser(live_server, page_in):
    from playwright.sync_api import expect
    server = live_server(demo=True)
    page = page_in(1920, 1080)
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    log_in_page(page, server, '/admin', 'admin', server.password('admin'))
    screenshot(page, 'admin-overview-1920x1080')

    page.goto(server.url + '/admin/services')
    form = page.locator('#add-service')
    form.locator('[name="code"]').fill('KD')
    form.locator('[name="name"]').fill('Kinh doanh')
    form.locator('[name="prefix"]').fill('K')
    form.locator('button[type="submit"]').click()
    expect(page.locator('tr[data-code="KD"]')).to_contain_text('Kinh doanh', timeout=10000)
    expect(page.locator('#notice')).to_have_text('Đã lưu.')
    form.locator('[name="code"]').fill('KD')
    form.locator('[name="name"]').fill('Trùng mã')
    form.locator('[name="prefix"]').fill('K')
    form.locator('button[type="submit"]').click()
    expect(form.locator('.form-error')).to_have_text('Đã có lĩnh vực mã "KD".', timeout=10000)
    page.locator('tr[data-code="HT"] button[data-edit]').click()
    expect(page.locator('#edit-service')).to_be_visible()
    expect(page.locator('#edit-service [name="name"]')).to_have_value('Hộ tịch')
    screenshot(page, 'admin-services-edit-1920x1080')
    page.locator('#edit-service [data-close]').click()

    page.goto(server.url + '/admin/counters')
    form = page.locator('#add-counter')
    expect(form.locator('[name="number"]')).to_have_value('6')
    form.locator('[name="name"]').fill('Quầy 6 - Kinh doanh')
    form.locator('input[name="services"][value="KD"]').check()
    form.locator('button[type="submit"]').click()
    expect(page.locator('tr[data-number="6"]')).to_contain_text('KD', timeout=10000)
    page.locator('tr[data-number="6"]').get_by_role('button', name='Đóng', exact=True).click()
    page.locator('#confirm-dialog button[value="yes"]').click()    # closing a counter asks first
    expect(page.locator('tr[data-number="6"]')).to_contain_text('Đã đóng', timeout=10000)
    screenshot(page, 'admin-counters-added-1920x1080')

    page.goto(server.url + '/admin/devices')
    form = page.locator('#add-token')
    form.locator('[name="role"]').select_option('kiosk')
    form.locator('[name="name"]').fill('Kiosk tầng 1')
    form.locator('button[type="submit"]').click()
    dialog = page.locator('#token-dialog')
    expect(dialog).to_be_visible(timeout=10000)
    link = dialog.locator('a.pairing-link').first
    expect(link).to_have_attribute('href', re.compile(re.escape(server.url) + r'/kiosk\?token=[\w-]{20,}$'))
    raw = dialog.locator('#new-token').input_value()
    assert raw and raw in link.get_attribute('href')
    screenshot(page, 'admin-devices-token-1920x1080')
    dialog.locator('[data-close]').click()
    expect(page.locator('tr[data-token]').first).to_contain_text('Kiosk tầng 1', timeout=10000)
    assert raw not in page.content()  # shown once: gone after the dialog closes
    kiosk = page_in(1366, 768)
    kiosk.goto(server.url + '/kiosk?token=' + raw)
    assert kiosk.url == server.url + '/kiosk'

    page.goto(server.url + '/admin/printers')
    form = page.locator('#add-printer')
    form.locator('[name="name"]').fill('Máy in sảnh')
    form.locator('[name="kind"]').select_option('network')
    form.locator('[name="host"]').fill('192.168.1.50:9100')     # the port has a field of its own
    form.locator('button[type="submit"]').click()
    expect(form.locator('.form-error')).to_contain_text('"Địa chỉ IP của máy in" chỉ gồm số, chữ', timeout=10000)

    page.goto(server.url + '/admin/settings')
    page.locator('[name="office_name"]').fill('Bộ phận một cửa UBND phường Thạch Thang')
    page.locator('input[name="number_reading"][value="digits"]').check()
    page.locator('#settings button[type="submit"]').click()
    expect(page.locator('#notice')).to_have_text('Đã lưu.', timeout=10000)
    page.goto(server.url + '/')
    expect(page.locator('h1')).to_have_text('Bộ phận một cửa UBND phường Thạch Thang')
    assert errors == []


def morning(server):
    """Some tickets, calls and a printer in the live demo office, so the pages show real rows."""
    token = server.token('admin')
    for code in ('CT', 'CT', 'HT', 'CT', 'DD', 'HT', 'CS', 'CT'):
        api(server, 'POST', '/tickets', token, {'service': code, 'print': False})
    for number in (1, 3, 2, 1):
        api(server, 'POST', '/counters/%d/call-next' % number, token)
    called = api(server, 'POST', '/counters/4/call-next', token)
    api(server, 'POST', '/tickets/%d/no-show' % called['id'], token)
    api(server, 'POST', '/printers', token, {'name': 'Máy in kiosk sảnh', 'uri': 'dummy://', 'paper_width': 80})


@pytest.mark.browser
def test_console_screenshots(live_server, page_in):
    """Every section at the two common office screen sizes, for people to look at."""
    server = live_server(demo=True)
    morning(server)
    sections = ('overview', 'services', 'counters', 'boards', 'devices', 'printers', 'staff', 'settings', 'reports')
    for width, height in ((1920, 1080), (1366, 768)):
        page = page_in(width, height)
        log_in_page(page, server, '/admin', 'admin', server.password('admin'))
        for section in sections:
            page.goto(server.url + '/admin' + ('' if section == 'overview' else '/' + section))
            assert page.locator('h1').count() == 1
            screenshot(page, 'admin-%s-%dx%d' % (section, width, height))
