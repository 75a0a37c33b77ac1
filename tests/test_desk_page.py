"""The front desk page: who may open it, its text in both languages, and a real browser at the desk."""
import re

import pytest

from tests.conftest import make_staff
from tests.fake_printer import FakePrinter
from tests.helpers import call_api, embedded_json, issue, log_in_client, log_in_page
from tests.pages import expect_page, paired, screenshot

# Whether an element is wholly inside the window as it is (the page is not scrolled to it).
IN_VIEW = '''(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }'''


def test_strangers_are_sent_to_the_login_page(client):
    response = client.get('/desk')
    assert response.status_code == 302
    assert '/login?next=/desk' in response.headers['Location']


def test_desk_staff_get_the_page_in_vietnamese(client, office):
    make_staff('letan', 'desk')
    log_in_client(client, 'letan')
    response = client.get('/desk')
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    for text in ('Cấp số cho công dân', 'Họ tên', 'Số điện thoại', 'Không ưu tiên', 'In phiếu', 'Cấp số',
                 'Tìm phiếu hôm nay', 'Các hàng chờ', 'Các quầy', 'Người cao tuổi'):
        assert text in html, text
    assert 'maxlength="100"' in html
    assert '<script type="module" src="/static/desk.js">' in html
    strings = embedded_json(html, 'strings')
    assert strings['print_no_printer'] == 'Chưa cấu hình máy in: hãy ghi số cho công dân.'
    assert strings['printer_state']['paper_out'] == 'hết giấy'


def test_priority_reasons_are_worded_as_on_the_kiosk(client, tokens, office):
    kiosk = paired(client, tokens).get_data(as_text=True)
    choices = dict(re.findall(r'data-reason="(\w+)"\s+aria-checked="\w+">([^<]+)</button>', kiosk))
    make_staff('letan', 'desk')
    log_in_client(client, 'letan')
    desk = client.get('/desk').get_data(as_text=True)
    options = dict(re.findall(r'<option value="(\w+)">([^<]+)</option>', desk))
    assert choices == {'elderly': 'Người cao tuổi', 'disabled': 'Người khuyết tật', 'pregnant': 'Phụ nữ mang thai',
                       'child': 'Người đi cùng trẻ dưới 6 tuổi'}
    assert {reason: options[reason] for reason in choices} == choices
    assert embedded_json(desk, 'strings')['priority']['child'] == 'Người đi cùng trẻ dưới 6 tuổi'


@pytest.mark.parametrize('role, status', [('admin', 200), ('counter', 403), ('hotline', 403)])
def test_only_desk_staff_and_admins_may_open_it(client, office, role, status):
    make_staff('someone', role)
    log_in_client(client, 'someone')
    assert client.get('/desk').status_code == status


def test_english_with_the_language_cookie(client, office):
    make_staff('letan', 'desk')
    log_in_client(client, 'letan')
    client.set_cookie('lang', 'en')
    html = client.get('/desk').get_data(as_text=True)
    assert '<html lang="en">' in html
    for text in ('Issue a ticket for a citizen', 'Print ticket', 'Issue ticket', 'Lines', 'Counters', 'Elderly'):
        assert text in html, text
    assert embedded_json(html, 'strings')['reprint'] == 'Reprint'


def test_the_page_scripts_and_styles_are_served(client):
    for name in ('desk.js', 'desk.css'):
        response = client.get('/static/' + name)
        assert response.status_code == 200, name
        response.close()


# Real browsers against `python run.py --demo`, printing to a fake network printer.

def issue_at_desk(page, expect, service, name, phone, reason):
    """Fill in the desk's form and issue; returns the number shown."""
    page.locator('.service-choice', has=page.locator('input[value=%s]' % service)).click()
    page.fill('input[name=name]', name)
    page.fill('input[name=phone]', phone)
    page.select_option('select[name=priority_reason]', reason)
    with page.expect_response(lambda r: r.url.endswith('/api/v1/tickets') and r.request.method == 'POST') as answer:
        page.click('.issue-button')
    assert answer.value.status == 201, answer.value.text()
    number = answer.value.json()['number']
    expect(page.locator('#issued-number')).to_have_text(number)
    return number


def find(page, query):
    page.fill('input[name=q]', query)
    page.press('input[name=q]', 'Enter')


def in_view(page, *selectors, scrolled=False):
    """Assert each element is in the window (with the page at its top unless `scrolled`: seen without scrolling)."""
    assert scrolled or page.evaluate('scrollY') == 0
    for selector in selectors:
        assert page.evaluate(IN_VIEW, selector), selector


@pytest.mark.browser
def test_desk_issues_finds_and_reprints(live_server, page_in):
    expect = expect_page()
    with FakePrinter() as printer:
        server = live_server(demo=True, env={'LUOT_PRINTER': printer.uri})
        page = page_in(1366, 768)     # the desk's laptop: the number and each reprint's outcome in view
        log_in_page(page, server, '/desk', 'letan', server.password('letan'))
        expect(page.locator('#live')).to_have_class(re.compile(r'\bup\b'))
        expect(page.locator('input[name=print]')).to_be_checked()
        assert page.locator('#no-printer').count() == 0
        number = issue_at_desk(page, expect, 'HT', 'Trần Thị Bích Ngọc', '0912 345 678', 'pregnant')
        assert number == 'B001'
        expect(page.locator('#issued-printing')).to_contain_text('Đã gửi lệnh in')
        in_view(page, '#issued-number', '#issued-printing', '#issued-reprint', '#message')
        expect(page.locator('#issued-service')).to_have_text('Hộ tịch · Phụ nữ mang thai')
        assert len(printer.wait_for_jobs(1, timeout=15)) == 1
        page.click('#issued-reprint')
        expect(page.locator('#message')).to_contain_text('Đã gửi lệnh in lại phiếu B001.')
        in_view(page, '#issued-number', '#issued-printing', '#message')
        assert len(printer.wait_for_jobs(2, timeout=15)) == 2
        expect(page.locator('#printers')).to_contain_text('Máy in chung: sẵn sàng')
        expect(page.locator('input[name=name]')).to_have_value('')
        find(page, '0912.345.678')
        row = page.locator('#results tbody tr').filter(has_text='B001')
        expect(row).to_contain_text('Trần Thị Bích Ngọc')
        expect(row).to_contain_text('0912 *** 678')
        row.locator('[data-action=reprint]').click()    # a row lower down: the outcome is at the top, in view
        expect(page.locator('#message')).to_contain_text('Đã gửi lệnh in lại phiếu B001.')
        in_view(page, '#message', scrolled=True)
        assert len(printer.wait_for_jobs(3, timeout=15)) == 3
        screenshot(page, 'desk-reprint-1366x768')
        printer.status = 'paper_out'
        row.locator('[data-action=reprint]').click()
        expect(page.locator('#printers .printer.bad')).to_contain_text('hết giấy')
        screenshot(page, 'desk-printer-problem-1366x768')


@pytest.mark.browser
def test_desk_sees_the_lines_live_and_moves_tickets(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    kiosk, counter, admin = server.token('kiosk'), server.token('counter'), server.token('admin')
    page = page_in(1366, 768)
    log_in_page(page, server, '/desk', 'letan', server.password('letan'))
    box = page.locator('input[name=print]')     # no printer for this desk: unticked, and it says why
    expect(box).not_to_be_checked()
    expect(box).to_be_disabled()
    expect(page.locator('#no-printer')).to_have_text('Không in được: bàn này chưa có máy in.')
    number = issue_at_desk(page, expect, 'HT', 'Phạm Văn Đức', '', 'child')
    expect(page.locator('#issued-printing')).to_have_text('Không in phiếu: hãy ghi số cho công dân.')
    expect(page.locator('#issued-service')).to_have_text('Hộ tịch · Người đi cùng trẻ dưới 6 tuổi')
    in_view(page, '#issued-number', '#issued-printing')
    screenshot(page, 'desk-no-printer-1366x768')
    ticket = issue(server, kiosk, 'CT')
    expect(page.locator('#lines [data-service=CT] .count')).to_have_text('1 người chờ')
    expect(page.locator('#lines [data-service=CT] .chips')).to_contain_text(ticket['number'])
    find(page, 'Phạm Văn')
    row = page.locator('#results tbody tr').filter(has_text=number)
    expect(row).to_contain_text('đang chờ')
    assert call_api(server, 'POST', '/counters/3/call-next', counter)[0] == 200
    expect(page.locator('#counters [data-counter="3"] .counter-number')).to_have_text(number)
    expect(row).to_contain_text('đã gọi · quầy 3')
    called = call_api(server, 'POST', '/tickets/%d/no-show' % ticket_id(row), counter)
    assert called[0] == 200
    expect(row.locator('[data-action=return]')).to_be_visible()
    row.locator('[data-action=return]').click()
    expect(page.locator('#message')).to_have_text('Đã xếp số %s vào lại hàng chờ.' % number)
    expect(row).to_contain_text('đang chờ')
    row.locator('[data-action=transfer]').click()
    page.locator('#service-dialog [data-service=CT]').click()
    expect(row).to_contain_text('Chứng thực')
    page.once('dialog', lambda dialog: dialog.accept())
    row.locator('[data-action=cancel]').click()
    expect(row).to_contain_text('đã hủy')
    expect(page.locator('#message')).to_have_text('Đã hủy phiếu %s.' % number)
    refuse_a_late_return(page, server, counter, admin, expect)


def ticket_id(row):
    return int(row.get_attribute('data-ticket'))


def refuse_a_late_return(page, server, counter, admin, expect):
    """A no-show past the office's return window is refused, and the desk says why."""
    assert call_api(server, 'PATCH', '/settings', admin, {'no_show_return_minutes': 0})[0] == 200
    number = issue_at_desk(page, expect, 'DD', 'Hoàng Văn Em', '', '')
    called = call_api(server, 'POST', '/counters/4/call-next', counter)[1]
    call_api(server, 'POST', '/tickets/%d/no-show' % called['id'], counter)
    find(page, number)
    row = page.locator('#results tbody tr').filter(has_text=number)
    row.locator('[data-action=return]').click()
    expect(page.locator('#message')).to_contain_text('Đã quá 0 phút')
    expect(page.locator('#message')).to_have_class(re.compile(r'\berror\b'))


@pytest.mark.browser
def test_desk_screenshots(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    kiosk, counter = server.token('kiosk'), server.token('counter')
    for service in ('CT', 'CT', 'HT', 'DD', 'CS', 'TP', 'HT'):
        issue(server, kiosk, service)
    call_api(server, 'POST', '/counters/1/call-next', counter)
    call_api(server, 'PATCH', '/counters/5', counter, {'paused': True})
    for width, height in ((1920, 1080), (1366, 768), (1080, 1920)):
        page = page_in(width, height)
        log_in_page(page, server, '/desk', 'letan', server.password('letan'))
        issue_at_desk(page, expect, 'HT', 'Trần Thị Bích Ngọc', '0912345678', 'elderly')
        # Priority goes first: the first is called now at the free counter 3 (perhaps with a citizen of another
        # line called at the same time elsewhere), each later one after the ones before.
        expect(page.locator('#issued-ahead')).to_have_text(re.compile(
            r'^(Không ai đứng trước: sắp được gọi|Trước công dân còn \d+ người\. Sắp được gọi)\.$' if width == 1920 else
            r'^Trước công dân còn \d+ người\. Thời gian chờ dự kiến:\s(khoảng\s\d+-\d+|dưới\s\d+)\sphút$'))
        find(page, '0912345678')
        expect(page.locator('#results tbody tr').first).to_be_visible()
        expect(page.locator('#counters [data-counter="1"] .counter-number')).to_have_text('A001')
        expect(page.locator('#lines [data-service=HT] .chip').first).to_be_visible()
        screenshot(page, 'desk-%dx%d' % (width, height))
