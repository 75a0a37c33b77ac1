"""The counter page: who may open it, its text in both languages, and a real browser serving citizens."""
import re

import pytest

from server.extensions import db
from server.models import Printer
from tests.conftest import make_staff
from tests.helpers import call_api, change_password, embedded_json, issue, log_in_client, log_in_page
from tests.pages import expect_page, screenshot


def test_strangers_are_sent_to_the_login_page(client):
    response = client.get('/counter')
    assert response.status_code == 302
    assert '/login?next=/counter' in response.headers['Location']


def test_counter_staff_get_the_page_in_vietnamese(client, office):
    make_staff('quay', 'counter')
    log_in_client(client, 'quay')
    response = client.get('/counter?counter=1')
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    for text in ('Gọi tiếp', 'Gọi lại', 'Bắt đầu phục vụ', 'Vắng mặt', 'Chuyển', 'Hoàn thành', 'Tạm dừng',
                 'Đổi quầy', 'Chọn quầy của bạn', 'Hàng chờ của quầy'):
        assert text in html, text
    assert '<script type="module" src="/static/counter.js">' in html
    strings = embedded_json(html, 'strings')   # the page's own texts and those every staff page shares
    assert strings['queue_empty'] == 'Không còn ai chờ'
    assert strings['priority']['elderly'] == 'Người cao tuổi'
    assert strings['status']['no_show'] == 'vắng mặt'
    assert strings['session_expired'].startswith('Phiên đăng nhập đã hết hạn')


@pytest.mark.parametrize('role, status', [('admin', 200), ('desk', 403), ('hotline', 403)])
def test_only_counter_staff_and_admins_may_open_it(client, office, role, status):
    make_staff('someone', role)
    log_in_client(client, 'someone')
    assert client.get('/counter').status_code == status


def test_english_with_the_language_cookie(client, office):
    make_staff('quay', 'counter')
    log_in_client(client, 'quay')
    client.set_cookie('lang', 'en')
    html = client.get('/counter').get_data(as_text=True)
    assert '<html lang="en">' in html
    for text in ('Call next', 'Call again', 'No-show', 'Transfer', 'Done', 'Change counter'):
        assert text in html, text
    assert embedded_json(html, 'strings')['queue_empty'] == 'Nobody is waiting'


def test_a_reloaded_page_knows_the_printers_and_their_problems(client, office):
    with db.connection_context():
        Printer.create(name='Máy in sảnh', uri='tcp://192.0.2.10:9100', status='paper_out', status_detail='Hết giấy')
        Printer.create(name='Máy in kho', uri='tcp://192.0.2.11:9100')
    make_staff('quay', 'counter')
    log_in_client(client, 'quay')
    states = embedded_json(client.get('/counter').get_data(as_text=True), 'printer-states')
    assert states == [{'printer': 'tcp://192.0.2.10:9100', 'name': 'Máy in sảnh', 'status': 'paper_out',
                       'detail': 'Hết giấy'},
                      {'printer': 'tcp://192.0.2.11:9100', 'name': 'Máy in kho', 'status': 'unknown', 'detail': ''}]


def test_the_page_scripts_and_styles_are_served(client):
    for name in ('counter.js', 'staff.js', 'counter.css'):
        response = client.get('/static/' + name)
        assert response.status_code == 200, name
        response.close()


# Real browsers against `python run.py --demo`.

def open_counter_one(page, server, expect):
    """Log in as quay1 and pick counter 1 from the picker."""
    log_in_page(page, server, '/counter', 'quay1', server.password('quay1'))
    expect(page.locator('#picker')).to_be_visible()
    page.click('a[data-counter="1"]')
    expect(page).to_have_url(re.compile(r'/counter\?counter=1$'))
    expect(page.locator('#counter-name')).to_contain_text('Quầy 1')
    expect(page.locator('#live')).to_have_class(re.compile(r'\bup\b'))


def serve_three(page, server, kiosk, expect):
    """A ticket appears live, is called by button, the next by keyboard, then a no-show."""
    first = issue(server, kiosk, 'CT', name='Nguyễn Văn An', phone='0905123456', priority_reason='elderly')
    expect(page.locator('#lines [data-service=CT] .chips')).to_contain_text(first['number'])
    expect(page.locator('#lines [data-service=CT] .count')).to_have_text('1 người chờ')
    page.click('[data-action=next]')
    expect(page.locator('#cur-number')).to_have_text(first['number'])
    expect(page.locator('#cur-name')).to_have_text('Nguyễn Văn An')
    expect(page.locator('#cur-phone')).to_have_text('0905 *** 456')
    expect(page.locator('#cur-priority')).to_have_text('Người cao tuổi')
    expect(page.locator('#cur-timer')).to_have_text(re.compile(r'^\d+:\d\d$'))
    expect(page.locator('[data-action=start]')).to_be_enabled()
    second, third = issue(server, kiosk, 'CT'), issue(server, kiosk, 'CT')
    expect(page.locator('#lines [data-service=CT] .chips')).to_contain_text(third['number'])
    page.keyboard.press('g')
    expect(page.locator('#cur-number')).to_have_text(second['number'])
    expect(page.locator('#served')).to_have_text('1')
    page.keyboard.press('v')
    expect(page.locator('#current-empty')).to_be_visible()
    expect(page.locator('#no-shows')).to_have_text('1')
    for action in ('recall', 'start', 'no_show', 'transfer', 'complete'):
        expect(page.locator('[data-action=%s]' % action)).to_be_disabled()
    page.keyboard.press('Space')
    expect(page.locator('#cur-number')).to_have_text(third['number'])
    return third


@pytest.mark.browser
def test_counter_serves_citizens_live(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    kiosk = server.token('kiosk')
    page = page_in(1920, 1080)
    open_counter_one(page, server, expect)
    third = serve_three(page, server, kiosk, expect)
    page.reload()
    expect(page.locator('#cur-number')).to_have_text(third['number'])
    expect(page.locator('#cur-calls')).to_have_text('1 lần')
    page.keyboard.press('l')
    expect(page.locator('#cur-calls')).to_have_text('2 lần')
    page.keyboard.press('Enter')
    expect(page.locator('#current-empty')).to_be_visible()
    expect(page.locator('#served')).to_have_text('2')
    page.click('[data-action=next]')
    expect(page.locator('#message')).to_have_text('Không còn ai chờ')
    page.goto(server.url + '/counter')  # this browser remembers its counter
    expect(page).to_have_url(re.compile(r'/counter\?counter=1$'))
    expect(page.locator('#counter-name')).to_contain_text('Quầy 1')


@pytest.mark.browser
def test_counter_transfers_and_pauses(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    kiosk = server.token('kiosk')
    page = page_in(1366, 768)
    open_counter_one(page, server, expect)
    ticket = issue(server, kiosk, 'CT', name='Lê Thị Hồng')
    page.keyboard.press('g')
    expect(page.locator('#cur-number')).to_have_text(ticket['number'])
    page.keyboard.press('c')
    dialog = page.locator('#service-dialog')
    expect(dialog).to_be_visible()
    expect(dialog.locator('[data-service=CT]')).to_have_count(0)  # not to the line it is already in
    dialog.locator('[data-service=HT]').click()
    expect(page.locator('#message')).to_have_text('Đã chuyển số %s sang Hộ tịch' % ticket['number'])
    expect(page.locator('#current-empty')).to_be_visible()
    status, moved = call_api(server, 'GET', '/tickets/%d' % ticket['id'], kiosk)
    assert (status, moved['service'], moved['status']) == (200, 'HT', 'waiting')
    page.click('[data-action=pause]')
    expect(page.locator('#counter-state')).to_have_text('Đang tạm dừng')
    expect(page.locator('#pause-label')).to_have_text('Tiếp tục')
    page.keyboard.press('p')
    expect(page.locator('#counter-state')).to_have_text('Đang mở')


@pytest.mark.browser
def test_counter_screenshots(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    kiosk = server.token('kiosk')
    issue(server, kiosk, 'CT', name='Nguyễn Thị Thu Hương', phone='0912345678', priority_reason='pregnant')
    for _n in range(7):
        issue(server, kiosk, 'CT')
    for width, height in ((1920, 1080), (1366, 768), (1080, 1920)):
        page = page_in(width, height)
        log_in_page(page, server, '/counter?change=1', 'quay1', server.password('quay1'))
        expect(page.locator('#picker .pick').first).to_be_visible()
        screenshot(page, 'counter-picker-%dx%d' % (width, height))
        page.goto(server.url + '/counter?counter=1')
        expect(page.locator('#live')).to_have_class(re.compile(r'\bup\b'))
        if not page.locator('#current').is_visible():
            page.click('[data-action=next]')
        expect(page.locator('#cur-number')).to_have_text('A001')
        expect(page.locator('#lines .chip').first).to_have_text('A002')
        expect(page.locator('#served')).not_to_have_text('–')
        screenshot(page, 'counter-%dx%d' % (width, height))


def record_ticket_actions(page):
    """The bodies the page posts to ticket actions and call-next, as (verb, body)."""
    posted = []

    def seen(request):
        found = re.search(r'/api/v1/(?:tickets/\d+|counters/\d+)/([a-z-]+)$', request.url)
        if request.method == 'POST' and found:
            posted.append((found.group(1), request.post_data_json))
    page.on('request', seen)
    return posted


@pytest.mark.browser
def test_counter_one_tap_absent_and_next_sending_its_counter(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    desk = server.token('desk')
    page = page_in(1920, 1080)
    posted = record_ticket_actions(page)
    open_counter_one(page, server, expect)
    first, second = issue(server, desk, 'CT'), issue(server, desk, 'CT')
    expect(page.locator('#lines [data-service=CT] .count')).to_have_text('2 người chờ')
    expect(page.locator('[data-action=no_show_next]')).to_be_disabled()   # nobody to mark absent yet
    page.click('[data-action=next]')
    expect(page.locator('#cur-number')).to_have_text(first['number'])
    page.click('[data-action=no_show_next]')
    expect(page.locator('#cur-number')).to_have_text(second['number'])
    expect(page.locator('#message')).to_have_text('Số %s vắng mặt; đã gọi số %s' % (first['number'], second['number']))
    expect(page.locator('#no-shows')).to_have_text('1')
    expect(page.locator('#served')).to_have_text('0')
    assert call_api(server, 'GET', '/tickets/%d' % first['id'], desk)[1]['status'] == 'no_show'
    page.keyboard.press('n')   # nobody left: the citizen stays, nothing is recorded
    expect(page.locator('#message')).to_have_text(
        'Không còn ai chờ: số %s vẫn ở quầy, chưa ghi vắng mặt.' % second['number'])
    expect(page.locator('#cur-number')).to_have_text(second['number'])
    assert call_api(server, 'GET', '/tickets/%d' % second['id'], desk)[1]['status'] == 'called'
    expect(page.locator('[data-action=recall]')).to_be_enabled()   # the message shows before the page is idle
    page.keyboard.press('l')
    expect(page.locator('#cur-calls')).to_have_text('2 lần')
    page.keyboard.press('b')
    expect(page.locator('#cur-status')).to_have_text('đang phục vụ')
    page.keyboard.press('Enter')
    expect(page.locator('#served')).to_have_text('1')
    assert posted == [('call-next', None), ('call-next', {'finish_current': 'no_show'}),
                      ('call-next', {'finish_current': 'no_show'}), ('recall', {'counter': 1}),
                      ('start', {'counter': 1}), ('complete', {'counter': 1})]


@pytest.mark.browser
def test_counter_counts_and_line_past_200_tickets(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    desk, counter = server.token('desk'), server.token('counter')
    issued = [issue(server, desk, 'CT') for _n in range(419)]
    for _n in range(212):   # 211 served, the 212th at the counter
        status, called = call_api(server, 'POST', '/counters/1/call-next', counter)
        assert status == 200, called
    issued.append(issue(server, desk, 'CT', priority_reason='elderly'))   # the newest, but called next
    page = page_in(1920, 1080)
    open_counter_one(page, server, expect)
    expect(page.locator('#cur-number')).to_have_text(issued[211]['number'])
    expect(page.locator('#served')).to_have_text('211')
    expect(page.locator('#no-shows')).to_have_text('0')
    expect(page.locator('#lines [data-service=CT] .count')).to_have_text('208 người chờ')
    # The next calls in order: the priority ticket first, then the oldest waiting ones.
    chips = page.locator('#lines [data-service=CT] .chip')
    expect(chips).to_have_text([issued[419]['number']] + [t['number'] for t in issued[212:217]])
    expect(chips.first).to_have_class(re.compile(r'\bpriority\b'))
    page.click('[data-action=next]')
    expect(page.locator('#cur-number')).to_have_text(issued[419]['number'])
    expect(page.locator('#served')).to_have_text('212')
    expect(chips.first).to_have_text(issued[212]['number'])
    expect(page.locator('#lines [data-service=CT] .count')).to_have_text('207 người chờ')


@pytest.mark.browser
def test_counter_logout_settles_the_citizen_and_pauses_the_counter(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    desk = server.token('desk')
    page = page_in(1366, 768)
    open_counter_one(page, server, expect)
    first, second = issue(server, desk, 'CT'), issue(server, desk, 'CT')
    page.click('[data-action=next]')
    expect(page.locator('#cur-number')).to_have_text(first['number'])
    logout = page.locator('form[action$="/logout"] button')
    dialog = page.locator('#logout-dialog')
    logout.click()
    expect(dialog).to_be_visible()
    expect(dialog.locator('h2')).to_have_text('Bạn đang phục vụ số %s' % first['number'])
    expect(dialog).to_contain_text('Sau khi đăng xuất, quầy sẽ tạm dừng nhận lượt.')
    dialog.locator('button[value=cancel]').click()   # stay
    expect(dialog).to_be_hidden()
    expect(page).to_have_url(re.compile(r'/counter\?counter=1$'))
    logout.click()
    dialog.locator('[data-leave=hand_back]').click()
    expect(page).to_have_url(re.compile(r'/login'))
    back = call_api(server, 'GET', '/tickets/%d' % first['id'], desk)[1]
    assert (back['status'], back['counter'], back['ahead']) == ('waiting', None, 0)
    counters = call_api(server, 'GET', '/counters', desk)[1]
    assert [(c['paused'], c['current']) for c in counters if c['number'] == 1] == [(True, None)]
    # Back at work: the counter is paused, so a call asks to resume it first; then it takes the citizen handed back.
    log_in_page(page, server, '/counter?counter=1', 'quay1', server.password('quay1'))
    expect(page.locator('#counter-state')).to_have_text('Đang tạm dừng')
    page.click('[data-action=next]')
    resume = page.locator('#resume-dialog')
    expect(resume).to_contain_text('Quầy đang tạm dừng. Tiếp tục và gọi số tiếp?')
    resume.locator('[value=resume]').click()
    expect(page.locator('#cur-number')).to_have_text(first['number'])
    expect(page.locator('#counter-state')).to_have_text('Đang mở')
    logout.click()
    dialog.locator('[data-leave=no_show]').click()
    expect(page).to_have_url(re.compile(r'/login'))
    assert call_api(server, 'GET', '/tickets/%d' % first['id'], desk)[1]['status'] == 'no_show'
    # With nobody at the counter the page logs out at once, and still pauses it.
    log_in_page(page, server, '/counter?counter=1', 'quay1', server.password('quay1'))
    page.click('[data-action=pause]')
    expect(page.locator('#counter-state')).to_have_text('Đang mở')
    logout.click()
    expect(page).to_have_url(re.compile(r'/login'))
    counters = call_api(server, 'GET', '/counters', desk)[1]
    assert [c['paused'] for c in counters if c['number'] == 1] == [True]
    assert call_api(server, 'GET', '/tickets/%d' % second['id'], desk)[1]['status'] == 'waiting'


@pytest.mark.browser
def test_counter_staff_open_their_closed_counter_in_the_morning(live_server, page_in):
    """The end of the day closes every counter; its staff open it again from the counter page."""
    expect = expect_page()
    server = live_server(demo=True)
    admin = server.token('admin')
    assert call_api(server, 'PATCH', '/counters/1', admin, {'active': False})[0] == 200
    status, _staff = call_api(server, 'POST', '/staff', admin,
                              {'username': 'sangmai', 'role': 'counter', 'password': 'mat-khau-sang-mai'})
    assert status == 201, _staff   # a password the admin set is changed at the first login
    change_password(server.url, 'sangmai', 'mat-khau-sang-mai', 'mat-khau-cua-mai')
    page = page_in(1366, 768)
    log_in_page(page, server, '/counter', 'sangmai', 'mat-khau-cua-mai')
    expect(page.locator('a.pick.closed[data-counter="1"]')).to_contain_text('Đang đóng')
    page.click('a[data-counter="1"]')
    expect(page.locator('#counter-state')).to_have_text('Đang đóng')
    expect(page.locator('#pause-label')).to_have_text('Mở quầy')
    expect(page.locator('[data-action=next]')).to_be_disabled()
    page.click('[data-action=pause]')
    expect(page.locator('#message')).to_have_text('Đã mở quầy: có thể gọi số.')
    expect(page.locator('#counter-state')).to_have_text('Đang mở')
    expect(page.locator('[data-action=next]')).to_be_enabled()
    status, counters = call_api(server, 'GET', '/counters', admin)
    assert status == 200 and [c['active'] for c in counters if c['number'] == 1] == [True]


def test_counter_staff_may_open_and_close_but_not_rename_their_counter(client, office, tokens):
    counter = {'Authorization': 'Bearer ' + tokens['counter']}
    assert client.patch('/api/v1/counters/2', json={'active': False}, headers=counter).get_json()['active'] is False
    assert client.patch('/api/v1/counters/2', json={'active': True, 'paused': False},
                        headers=counter).get_json()['active'] is True
    refused = client.patch('/api/v1/counters/2', json={'name': 'Quầy VIP'}, headers=counter)
    assert refused.status_code == 400 and refused.get_json()['error']['code'] == 'forbidden_field'
