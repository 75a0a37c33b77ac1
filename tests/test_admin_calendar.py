"""The admin console's calendar and SMS sections, and the appointment and SMS settings."""
import datetime
import re

import pytest

from server.clock import office_day
from server.extensions import db
from server.models import OutboxMessage
from server.sms import outbox
from tests.conftest import bearer, make_staff
from tests.helpers import api, log_in_client, log_in_page
from tests.pages import screenshot

API = '/api/v1'


def page_html(client, tokens, path):
    response = client.get(path, headers=bearer(tokens['admin']))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


@pytest.mark.parametrize('path', ['/admin/calendar', '/admin/sms'])
def test_the_new_sections_answer_admins_only(client, office, tokens, path):
    assert client.get(path, headers=bearer(tokens['admin'])).status_code == 200
    for role in ('counter', 'desk', 'hotline'):
        assert client.get(path, headers=bearer(tokens[role])).status_code == 403
    assert client.get(path).status_code == 302


def test_the_navigation_lists_both_sections(client, office, tokens):
    html = page_html(client, tokens, '/admin')
    assert 'href="/admin/calendar">Lịch làm việc</a>' in html
    assert 'href="/admin/sms">Tin nhắn SMS</a>' in html


def test_the_calendar_shows_the_week_holidays_booking_and_procedures(app, client, office, tokens):
    admin = bearer(tokens['admin'])
    year = office_day().year
    for day, name in ((datetime.date(year, 9, 2), 'Quốc khánh'), (datetime.date(year + 1, 1, 1), 'Tết Dương lịch'),
                      (datetime.date(year + 2, 1, 1), 'Năm sau nữa')):
        assert client.post(API + '/holidays', headers=admin, json={'date': day.isoformat(), 'name': name}).status_code == 201
    assert client.patch(API + '/services/HT', headers=admin, json={'bookable': False}).status_code == 200
    made = client.post(API + '/procedures', headers=admin, json={'service': 'CT', 'name': 'Chứng thực bản sao'})
    client.patch(API + '/procedures/%d' % made.get_json()['id'], headers=admin, json={'active': False})
    html = page_html(client, tokens, '/admin/calendar')
    monday = re.search(r'<tr data-weekday="0".*?</tr>', html, re.S).group(0)
    assert 'Thứ Hai' in monday and 'value="07:30"' in monday and 'value="17:00"' in monday
    sunday = re.search(r'<tr data-weekday="6".*?</tr>', html, re.S).group(0)
    assert 'Nghỉ' in sunday and 'value=""' in sunday
    assert '02/09/%d' % year in html and 'Quốc khánh' in html and 'Tết Dương lịch' in html
    assert 'Năm sau nữa' not in html     # this year and next only
    assert 'data-url="/api/v1/holidays/%d-09-02"' % year in html
    booking = re.search(r'<tr data-code="HT">.*?</tr>', html, re.S).group(0)
    assert 'Không' in booking and '"bookable": false' in booking
    assert 'href="/admin/procedures"' in html      # procedures have a section of their own
    html = page_html(client, tokens, '/admin/procedures')
    procedure = re.search(r'<tr data-procedure="\d+">.*?</tr>', html, re.S).group(0)
    assert 'Chứng thực bản sao' in procedure and 'Đã ngừng' in procedure and 'Dùng lại' in procedure


def test_the_sms_page_shows_the_gateway_the_outbox_and_the_inbox(app, client, office, tokens):
    with app.app_context(), db.connection_context(), db.atomic():
        outbox.enqueue('test:1', '0905123456', 'Ho so HS-1 da co ket qua', 'result_ready')
        outbox.enqueue('test:2', '0912345678', 'Lich hen K7M2QX', 'confirmation')
        OutboxMessage.update(state='failed', last_error='modem busy').where(OutboxMessage.key == 'test:1').execute()
    inbound = client.post(API + '/sms/inbound', headers=bearer(tokens['gateway']),
                          json={'from': '0987654321', 'text': 'xin chao'})
    assert inbound.status_code == 200
    html = page_html(client, tokens, '/admin/sms')
    assert 'Cổng gửi tin nhắn' in html and '<code class="tech">log</code>' in html and 'Đang hoạt động' in html
    assert 'Không gửi (chỉ ghi lại)' in html and 'id="sms-gateway"' in html and 'id="sms-test"' in html
    failed = re.search(r'<tr data-message="\d+" data-state="failed">.*?</tr>', html, re.S).group(0)
    assert 'Có kết quả' in failed and 'modem busy' in failed and 'Gửi lại' in failed
    assert "0905123456" not in html and "090" in failed       # phones are masked
    pending = [row for row in re.findall(r'<tr data-message="\d+" data-state="pending">.*?</tr>', html, re.S)
               if 'K7M2QX' in row][0]
    assert 'Gửi lại' not in pending and 'Xác nhận lịch hẹn' in pending
    inbox = re.search(r'<table class="data" id="inbox">.*?</table>', html, re.S).group(0)
    assert 'xin chao' in inbox and 'Đã gửi hướng dẫn' in inbox
    counts = re.search(r'data-state="failed">\s*<span class="figure">(\d+)', html).group(1)
    assert counts == '1'
    only_failed = page_html(client, tokens, '/admin/sms?state=failed')
    assert 'data-state="pending"' not in only_failed.split('id="outbox"')[1]
    assert '<option value="failed" selected>' in only_failed
    assert page_html(client, tokens, '/admin/sms?state=nonsense').count('data-message=') == 3   # the reply too


def test_settings_show_the_appointment_and_sms_settings(client, office, tokens):
    html = page_html(client, tokens, '/admin/settings')
    for name in ('booking_days_ahead', 'max_bookings_per_phone', 'checkin_early_minutes', 'checkin_late_minutes',
                 'appointment_grace_minutes', 'admission_cap', 'hotline_phone', 'sms_shortcode', 'sms_diacritics',
                 'reminder_evening_time', 'reminder_before_minutes', 'turn_near_minutes', 'pickup_days',
                 'sms_max_per_hour', 'sms_replies_per_hour'):
        assert 'name="%s"' % name in html, name
    for text in ('Lịch hẹn', 'Khu vực chờ và trả kết quả', 'Tin nhắn SMS', 'Số người tối đa trong khu vực một cửa',
                 'Giờ nhắc lịch tối hôm trước', 'Gửi tin nhắn có dấu tiếng Việt',
                 'Số tin trả lời tối đa mỗi giờ của cả bộ phận'):
        assert text in html, text
    assert 'value="19:00"' in html and 'phiên bản sau' not in html


@pytest.mark.browser
def test_admin_sets_the_calendar_in_a_browser(live_server, page_in):
    from playwright.sync_api import expect
    server = live_server(demo=True)
    page = page_in(1920, 1080)
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    log_in_page(page, server, '/admin', 'admin', server.password('admin'))
    page.click('.admin-nav a[href="/admin/calendar"]')
    expect(page.locator('h1')).to_have_text('Lịch làm việc')

    year = int(page.evaluate('new Date().getFullYear()'))
    form = page.locator('#add-holiday')
    form.locator('[name="date"]').fill('20/11/%d' % year)   # typed as people write dates here
    form.locator('[name="name"]').fill('Ngày Nhà giáo (nghỉ thử)')
    form.locator('button[type="submit"]').click()
    row = page.locator('#holidays tr[data-date="%d-11-20"]' % year)
    expect(row).to_contain_text('Ngày Nhà giáo (nghỉ thử)', timeout=10000)
    expect(row).to_contain_text('20/11/%d' % year)
    expect(page.locator('#notice')).to_have_text('Đã lưu.')
    form.locator('[name="date"]').fill('20/11/%d' % year)   # typed as people write dates here
    form.locator('[name="name"]').fill('Trùng')
    form.locator('button[type="submit"]').click()
    expect(form.locator('.form-error')).to_have_text('Ngày 20/11/%d đã là ngày nghỉ.' % year)

    tuesday = page.locator('tr[data-weekday="1"]')
    tuesday.locator('input[data-session="morning"][data-edge="start"]').fill('08:00')
    tuesday.locator('input[data-session="afternoon"][data-edge="end"]').fill('16:30')
    saturday = page.locator('tr[data-weekday="5"]')     # Saturday morning closes
    saturday.locator('input[data-session="morning"][data-edge="start"]').fill('')
    page.locator('#week-hours button[type="submit"]').click()
    expect(page.locator('#week-hours .form-error')).to_contain_text('Thứ Bảy: hãy nhập đủ giờ bắt đầu')
    saturday.locator('input[data-session="morning"][data-edge="end"]').fill('')
    # Saving reloads the page (the notice of the holiday's save is still showing until then).
    with page.expect_navigation(timeout=10000):
        page.locator('#week-hours button[type="submit"]').click()
    expect(page.locator('#notice')).to_have_text('Đã lưu.', timeout=10000)
    tuesday = page.locator('tr[data-weekday="1"]')
    expect(tuesday.locator('input[data-session="morning"][data-edge="start"]')).to_have_value('08:00')
    expect(tuesday.locator('input[data-session="afternoon"][data-edge="end"]')).to_have_value('16:30')
    expect(page.locator('tr[data-weekday="5"]')).to_contain_text('Nghỉ')
    week = api(server, 'GET', '/office-hours', server.token('admin'))
    assert week[1]['sessions'] == {'morning': {'start': '08:00', 'end': '11:30'},
                                   'afternoon': {'start': '13:30', 'end': '16:30'}}
    assert week[5]['sessions'] == {}

    page.locator('#booking tr[data-code="CT"] button[data-edit]').click()
    dialog = page.locator('#edit-booking')
    expect(dialog.locator('[name="slot_minutes"]')).to_have_value('30')
    dialog.locator('[name="slot_minutes"]').fill('20')
    dialog.locator('[name="slot_capacity"]').fill('6')
    dialog.locator('button[type="submit"]').click()
    expect(page.locator('#booking tr[data-code="CT"]')).to_contain_text('20', timeout=10000)

    screenshot(page, 'admin-calendar-1920x1080')
    page.locator('#procedures-link').click()
    form = page.locator('#add-procedure')
    form.locator('[name="service"]').select_option('HT')
    form.locator('[name="name"]').fill('Đăng ký khai sinh')
    form.locator('button[type="submit"]').click()
    expect(page.locator('#procedures-HT')).to_contain_text('Đăng ký khai sinh', timeout=10000)
    page.goto(server.url + '/admin/sms')
    expect(page.locator('#gateway')).to_contain_text('log')
    screenshot(page, 'admin-sms-1920x1080')
    assert errors == []


def test_a_desk_login_cannot_open_the_console(client, office):
    make_staff('letan', 'desk')
    log_in_client(client, 'letan')
    assert client.get('/admin/calendar').status_code == 403
