"""The hotline page: who may open it, the day's list to print and to export, and a real browser on the phone."""
import datetime
import io
import re

import pytest

from server.booking import appointments
from server.extensions import db
from tests.conftest import make_staff, open_weekday
from tests.helpers import call_api, embedded_json, log_in_client, log_in_page
from tests.pages import expect_page, screenshot

NOW = datetime.datetime(2026, 11, 20, 1, 0)   # naive UTC: Friday 20/11/2026, 08:00 at the office
WEDNESDAY = datetime.date(2026, 11, 25)
PAGES = ('/hotline', '/hotline/day?date=2026-11-25', '/hotline/day.xlsx?date=2026-11-25')


def book(app, service, start, name, phone, day=WEDNESDAY, **extra):
    """Book through the domain verb, with the clock pinned a few days before."""
    hours, minutes = map(int, start.split(':'))
    with app.test_request_context(), db.connection_context():
        return appointments.book(service, day, datetime.time(hours, minutes), name, phone, now=NOW, **extra)


@pytest.fixture
def day_of_bookings(app, office):
    """Four bookings on Wednesday 25/11/2026 (one cancelled), and one on the next day."""
    late = book(app, 'HT', '14:00', 'Trần Thị Bích Ngọc', '0912345678', note='Mang bản chính')
    early = book(app, 'CT', '08:00', 'Nguyễn Văn An', '0905123456')
    second = book(app, 'CT', '08:00', 'Lê Thị Mai', '0935111222', source='sms')
    gone = book(app, 'CT', '09:30', 'Phạm Văn Đức', '0988777666')
    book(app, 'CT', '08:00', 'Hoàng Văn Em', '0977000111', day=WEDNESDAY + datetime.timedelta(days=1))
    with app.test_request_context(), db.connection_context():
        appointments.cancel(gone.code, now=NOW)
    return [early.code, second.code, gone.code, late.code]


@pytest.fixture
def operator(client, office):
    make_staff('tongdai', 'hotline')
    log_in_client(client, 'tongdai')
    return client


@pytest.mark.parametrize('path', PAGES)
def test_strangers_are_sent_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert '/login?next=' + path.split('?')[0] in response.headers['Location']


@pytest.mark.parametrize('path', PAGES)
@pytest.mark.parametrize('role, status', [('hotline', 200), ('admin', 200), ('counter', 403), ('desk', 403)])
def test_only_hotline_operators_and_admins_may_open_them(client, office, path, role, status):
    make_staff('someone', role)
    log_in_client(client, 'someone')
    response = client.get(path)
    assert response.status_code == status
    if status == 403:
        assert 'không được phép mở trang này' in response.get_data(as_text=True)


def test_the_operator_gets_the_page_in_vietnamese(operator):
    response = operator.get('/hotline')
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ('Tổng đài đặt lịch', 'Số điện thoại người gọi', 'Lĩnh vực', 'Ngày hẹn', 'Giờ hẹn', 'Họ tên',
                 'Ghi chú', 'Xác nhận đặt lịch', 'Đã gửi tin nhắn xác nhận', 'Đặt lịch khác', 'Lịch hẹn của số này',
                 'Danh sách hẹn theo ngày', 'Tải Excel', 'Chứng thực', 'Hộ tịch'):
        assert text in html, text
    assert re.search(r'<input name="phone"[^>]*autofocus', html)
    assert '/static/hotline.js' in html and '/static/hotline.css' in html
    assert not re.search(r'(src|href)="(https?:)?//', html), 'every asset is served locally'
    strings = embedded_json(html, 'strings')
    assert strings['weekdays'] == ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ nhật']
    assert strings['left_n'] == 'còn {n} chỗ'
    for name in ('hotline.js', 'hotline.css'):
        served = operator.get('/static/' + name)
        assert served.status_code == 200, name
        served.close()


def test_the_day_list_is_laid_out_for_printing(operator, day_of_bookings):
    early, second, gone, late = day_of_bookings
    response = operator.get('/hotline/day?date=2026-11-25')
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'Danh sách lịch hẹn: Thứ Tư, 25/11/2026' in html
    assert 'Tất cả lĩnh vực · 4 lịch hẹn' in html
    with operator.get('/static/hotline.css') as styles:
        assert '@page { size: A4' in styles.get_data(as_text=True)
    rows = re.findall(r'<tr class="status-(\w+)">(.*?)</tr>', html, re.S)
    cells = [(status, [re.sub(r'<[^>]+>', ' ', c).strip() for c in re.findall(r'<td[^>]*>(.*?)</td>', row, re.S)])
             for status, row in rows]
    assert [c[1][2] for c in cells] == [early, second, gone, late]   # slot order, then booking order
    assert cells[0] == ('booked', ['1', '08:00–08:30', early, 'Nguyễn Văn An', '0905123456', 'Chứng thực',
                                   'đã đặt', ''])
    assert cells[2][0] == 'cancelled' and cells[2][1][6] == 'đã hủy'
    assert cells[3][1][1:] == ['14:00–14:30', late, 'Trần Thị Bích Ngọc', '0912345678', 'Hộ tịch', 'đã đặt',
                               'Mang bản chính']
    assert 'Hoàng Văn Em' not in html


def test_the_day_list_of_one_service_and_of_an_empty_day(operator, day_of_bookings):
    html = operator.get('/hotline/day?date=25/11/2026&service=HT').get_data(as_text=True)
    assert 'Hộ tịch · 1 lịch hẹn' in html and 'Trần Thị Bích Ngọc' in html and 'Nguyễn Văn An' not in html
    html = operator.get('/hotline/day?date=2026-11-29').get_data(as_text=True)
    assert 'Chủ nhật, 29/11/2026' in html and 'Không có lịch hẹn nào trong ngày này.' in html


def test_the_excel_export(operator, day_of_bookings):
    from openpyxl import load_workbook
    early, second, gone, late = day_of_bookings
    response = operator.get('/hotline/day.xlsx?date=2026-11-25')
    assert response.status_code == 200
    assert response.mimetype == 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    assert response.headers['Content-Disposition'] == 'attachment; filename="lich-hen-2026-11-25.xlsx"'
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == 'Lịch hẹn Thứ Tư, 25/11/2026'
    assert rows[2] == ('STT', 'Ngày', 'Giờ', 'Mã hẹn', 'Họ tên', 'Điện thoại', 'Lĩnh vực', 'Thủ tục', 'Trạng thái',
                       'Ghi chú')
    assert [row[3] for row in rows[3:]] == [early, second, gone, late]
    assert rows[3] == (1, datetime.datetime(2026, 11, 25), '08:00–08:30', early, 'Nguyễn Văn An', '0905123456',
                       'Chứng thực', None, 'đã đặt', None)
    assert rows[5][8] == 'đã hủy' and rows[6][9] == 'Mang bản chính'
    assert sheet['B4'].number_format == 'dd/mm/yyyy'
    assert sheet.freeze_panes == 'A4'
    widths = {column: sheet.column_dimensions[column].width for column in 'ABCDEFGHIJ'}
    assert widths['E'] >= 25 and widths['B'] >= 11 and widths['F'] >= 12
    only_ht = load_workbook(io.BytesIO(operator.get('/hotline/day.xlsx?date=2026-11-25&service=HT').data)).active
    assert only_ht.max_row == 4 and only_ht['A1'].value == 'Lịch hẹn Thứ Tư, 25/11/2026 · Hộ tịch'


@pytest.mark.parametrize('path', ['/hotline/day', '/hotline/day.xlsx'])
@pytest.mark.parametrize('value', ['2026-13-01', '31/02/2026', 'ngày mai', '2026-11-25T08:00', "'; DROP"])
def test_bad_dates_are_refused_with_a_clear_page(operator, path, value):
    response = operator.get(path, query_string={'date': value})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert response.mimetype == 'text/html'
    assert 'không hợp lệ: hãy dùng dạng YYYY-MM-DD (ví dụ 2026-11-25) hoặc dd/mm/yyyy.' in html


def test_an_unknown_service_is_refused(operator):
    response = operator.get('/hotline/day?date=2026-11-25&service=XX')
    assert response.status_code == 400
    assert 'Không có lĩnh vực &#34;XX&#34;.' in response.get_data(as_text=True)


# A real browser against `python run.py --demo` (services CT, HT, ...; operator tongdai).

def no_horizontal_scroll(page):
    return page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')


def answer_of(page, action, path, method='POST'):
    """Run an action on the page and return the API's answer to it (status, JSON)."""
    with page.expect_response(lambda r: r.url.split('?')[0].endswith(path) and r.request.method == method) as got:
        action()
    return got.value.status, got.value.json()


@pytest.mark.browser
def test_an_operator_books_moves_and_cancels_on_the_phone(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    admin, hotline = server.token('admin'), server.token('hotline')
    day = open_weekday(2)   # open, no public holiday, every slot still in the future
    weekday, dmy = day_title(day).split(', ')
    holiday = day + datetime.timedelta(days=1)
    assert call_api(server, 'POST', '/holidays', admin, {'date': holiday.isoformat(),
                                                                 'name': 'Ngày hội thử nghiệm'})[0] == 201
    page = page_in(1366, 768)
    log_in_page(page, server, '/hotline', 'tongdai', server.password('tongdai'))
    phone = page.locator('input[name=phone]')
    expect(phone).to_be_focused()

    # Booking: phone, service, day, slot, name, Enter.
    phone.fill('0905 123 456')
    expect(page.locator('#caller-summary')).to_have_text('Số này chưa có lịch hẹn nào.')
    page.click('.service-button[data-service=CT]')
    day_button = page.locator('.day[data-date="%s"]' % day.isoformat())
    expect(day_button).to_contain_text(weekday)
    expect(day_button).to_contain_text(dmy)
    expect(day_button).to_contain_text(re.compile(r'còn \d+ chỗ'))
    expect(page.locator('.day[data-date="%s"]' % holiday.isoformat())).to_be_disabled()
    expect(page.locator('.day[data-date="%s"]' % holiday.isoformat())).to_contain_text('Ngày hội thử nghiệm')
    day_button.click()
    expect(page.locator('#day-title')).to_have_text('%s, %s' % (weekday, dmy))
    page.click('.slot[data-start="08:00"]')
    expect(page.locator('input[name=name]')).to_be_focused()
    page.keyboard.type('Nguyễn Văn An')
    assert no_horizontal_scroll(page)
    screenshot(page, 'hotline-form-1366x768')
    status, booked = answer_of(page, lambda: page.keyboard.press('Enter'), '/api/v1/appointments')
    assert status == 201, booked
    code = booked['code']
    expect(page.locator('#booked-code')).to_have_text(code)
    expect(page.locator('#booked-when')).to_have_text('%s, %s · 08:00–08:30' % (weekday, dmy))
    expect(page.locator('#booked')).to_contain_text('Đã gửi tin nhắn xác nhận')
    size = page.locator('#booked-code').evaluate('node => parseFloat(getComputedStyle(node).fontSize)')
    assert size >= 64, size
    assert no_horizontal_scroll(page)
    screenshot(page, 'hotline-booked-1366x768')
    expect(page.locator('#new-booking')).to_be_focused()
    page.keyboard.press('Enter')   # "Đặt lịch khác": a clean form, the cursor back in the phone field
    expect(phone).to_be_focused()
    expect(phone).to_have_value('')
    expect(page.locator('#slots .slot')).to_have_count(0)

    # The caller rings again: their booking is found by phone, moved, then cancelled.
    phone.fill('0905123456')
    item = page.locator('#caller-bookings li[data-code="%s"]' % code)
    expect(item).to_contain_text('%s, %s · 08:00–08:30' % (weekday, dmy))
    expect(item).to_contain_text('đã đặt')
    expect(page.locator('input[name=name]')).to_have_value('Nguyễn Văn An')
    item.locator('[data-action=move]').click()
    expect(page.locator('#moving')).to_contain_text('Dời lịch hẹn %s' % code)
    expect(page.locator('.service-button[data-service=HT]')).to_be_disabled()
    expect(page.locator('.slot[data-start="08:00"]')).to_contain_text('còn 3 chỗ')
    page.click('.slot[data-start="09:00"]')
    status, moved = answer_of(page, lambda: page.keyboard.press('Enter'), '/api/v1/appointments/%s/move' % code)
    assert status == 200 and moved['start'] == '09:00', moved
    expect(page.locator('#booked-title')).to_have_text('Đã dời lịch')
    expect(page.locator('#booked-code')).to_have_text(code)
    expect(item).to_contain_text('09:00–09:30')
    page.once('dialog', lambda dialog: dialog.accept())
    item.locator('[data-action=cancel]').click()
    expect(item).to_contain_text('đã hủy')
    expect(page.locator('#message')).to_have_text('Đã hủy lịch hẹn %s.' % code)
    expect(item.locator('[data-action]')).to_have_count(0)
    assert call_api(server, 'GET', '/appointments/' + code, hotline)[1]['status'] == 'cancelled'
    sent = call_api(server, 'GET', '/sms/outbox', admin)[1]
    told = sorted(m['kind'] for m in sent if m['appointment'] == code and m['kind'] != 'reminder')
    assert told == ['cancellation', 'confirmation', 'confirmation']   # booked, moved, cancelled
    full_slots_and_errors(page, server, admin, hotline, day, expect)
    the_day_list(page, server, day, code, expect)


def full_slots_and_errors(page, server, admin, hotline, day, expect):
    """A full slot cannot be chosen, and a booking with a gap says what is missing, inline."""
    page.click('#new-booking')
    assert call_api(server, 'PATCH', '/services/HT', admin, {'slot_capacity': 1})[0] == 200
    taken = {'service': 'HT', 'date': day.isoformat(), 'start': '08:00', 'name': 'Lê Thị Mai',
             'phone': '0935111222', 'source': 'hotline'}
    assert call_api(server, 'POST', '/appointments', hotline, taken)[0] == 201
    page.fill('input[name=phone]', '0935111222')
    page.click('.service-button[data-service=HT]')
    page.click('.day[data-date="%s"]' % day.isoformat())
    expect(page.locator('.slot[data-start="08:00"]')).to_be_disabled()
    expect(page.locator('.slot[data-start="08:00"]')).to_contain_text('Hết chỗ')
    page.click('.slot[data-start="08:30"]')
    page.fill('input[name=name]', 'Lê Thị Mai')
    page.fill('input[name=phone]', '0935 111 22')
    page.keyboard.press('Enter')
    expect(page.locator('#form-error')).to_have_text('Hãy nhập số điện thoại người gọi.')
    expect(page.locator('input[name=phone]')).to_be_focused()
    assert no_horizontal_scroll(page)


def the_day_list(page, server, day, code, expect):
    """The printable list (in a new tab) and the export, from the page's own form; and at 1920x1080."""
    page.set_viewport_size({'width': 1920, 'height': 1080})
    assert no_horizontal_scroll(page)
    screenshot(page, 'hotline-form-1920x1080')
    page.fill('.day-list-form input[name=date]', day.strftime('%d/%m/%Y'))
    with page.context.expect_page() as opened:
        page.click('.day-list-form button:has-text("Xem và in")')
    sheet = opened.value
    sheet.wait_for_load_state()
    expect(sheet.locator('h1')).to_have_text('Danh sách lịch hẹn: %s' % day_title(day))
    expect(sheet.locator('.sheet-table tbody tr', has_text=code)).to_contain_text('đã hủy')
    expect(sheet.locator('.sheet-table tbody tr', has_text='Lê Thị Mai')).to_contain_text('Hộ tịch')
    assert sheet.pdf(format='A4').startswith(b'%PDF')
    with page.expect_download() as download:
        page.click('.day-list-form button:has-text("Tải Excel")')
    assert download.value.suggested_filename == 'lich-hen-%s.xlsx' % day.isoformat()


def day_title(day):
    weekday = ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ nhật'][day.weekday()]
    return '%s, %s' % (weekday, day.strftime('%d/%m/%Y'))
