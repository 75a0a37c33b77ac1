"""The touch kiosk: a ticket in at most three taps, the CCCD greeting, the printer's word, the sizes."""
import json
import re

import pytest

from tests.conftest import bearer, free_port, make_service
from tests.fake_printer import FakePrinter
from tests.helpers import call_api
from tests.pages import KIOSK_SIZES, WAIT, kiosk_fits, open_kiosk, paired, screenshot, take_ticket

CARD_ID = '048095001234'
CARD = CARD_ID + '|201234567|Nguyễn Thị Lan|12031950|Nữ|12 Lê Lợi, phường Hải Châu, Đà Nẵng|01072021'
YOUNG_MAN = '079203004567||Tran Van Binh|05092001|Nam|5 Tran Phu, Hai Chau|15082021'   # ASCII: typed for real


def scan_card(page, text):
    """A keyboard-wedge scanner: the QR text typed in one quick burst, then Enter."""
    page.evaluate("""(text) => {
        const target = document.activeElement || document.body;
        for (const key of [...text, 'Enter']) {
            target.dispatchEvent(new KeyboardEvent('keydown', {key: key, bubbles: true, cancelable: true}));
            target.dispatchEvent(new KeyboardEvent('keyup', {key: key, bubbles: true}));
        }
    }""", text)


@pytest.fixture
def demo(live_server):
    return live_server(demo=True)


@pytest.mark.browser
def test_two_taps_give_a_large_number_and_the_people_ahead(demo, page_in):
    from playwright.sync_api import expect
    page = open_kiosk(page_in, demo, 1920, 1080)
    expect(page.locator('.service').first).to_contain_text('Chứng thực')
    expect(page.locator('.service').first).to_contain_text('0 người đang chờ')
    page.locator('.service', has_text='Chứng thực').click()
    expect(page.locator('#options-service')).to_have_text('Chứng thực')
    ticket = take_ticket(page)
    assert ticket['number'] == 'A001' and ticket['priority'] is False and ticket['name'] is None
    number = page.locator('#ticket-number')
    expect(number).to_have_text('A001')
    assert float(number.evaluate('el => getComputedStyle(el).fontSize')[:-2]) >= 250
    expect(page.locator('#ticket-ahead')).to_have_text('Không có ai đứng trước ông/bà')
    expect(page.locator('#ticket-wait')).to_have_text('Sắp đến lượt ông/bà')   # counters 1 and 2 are free
    screenshot(page, 'kiosk-ticket-first-1920x1080')

    page.wait_for_timeout(1600)     # a double tap on "Lấy số" does not dismiss the number
    page.click('#screen-ticket [data-action=start]')
    expect(page.locator('#screen-start')).to_be_visible()
    expect(page.locator('.service', has_text='Chứng thực')).to_contain_text('1 người đang chờ')
    page.locator('.service', has_text='Chứng thực').click()
    take_ticket(page)
    expect(page.locator('#ticket-number')).to_have_text('A002')
    expect(page.locator('#ticket-ahead')).to_have_text('Trước ông/bà còn 1 người')
    expect(page.locator('#ticket-wait')).to_have_text('Sắp đến lượt ông/bà')   # counter 2 calls it now
    expect(page.locator('#ticket-print')).to_contain_text('xin ghi nhớ số của ông/bà: A002')  # no printer here
    assert page.locator('#appointment-button').count() == 1     # on the start screen, for bookings


@pytest.mark.browser
def test_priority_reason_reaches_the_ticket(demo, page_in):
    from playwright.sync_api import expect
    page = open_kiosk(page_in, demo)
    page.locator('.service', has_text='Hộ tịch').click()
    page.locator('.choice', has_text='Người khuyết tật').click()
    expect(page.locator('.choice[aria-checked=true]')).to_have_text('Người khuyết tật')
    screenshot(page, 'kiosk-options-1280x800')
    answer = take_ticket(page)
    expect(page.locator('#ticket-number')).to_have_text('B001')
    expect(page.locator('#ticket-priority')).to_have_text('Người khuyết tật')
    status, ticket = call_api(demo, 'GET', '/tickets/%d' % answer['id'], demo.token('desk'))
    assert status == 200
    assert ticket['priority'] is True and ticket['priority_reason'] == 'disabled'


@pytest.mark.browser
def test_cccd_scan_greets_by_name_and_keeps_nothing_else(demo, page_in):
    from playwright.sync_api import expect
    page = open_kiosk(page_in, demo)
    sent = []
    page.on('request', lambda r: sent.append(r.url + ' ' + (r.post_data or '')))
    page.on('websocket', lambda ws: ws.on('framesent', lambda frame: sent.append(str(frame))))

    scan_card(page, CARD)
    expect(page.locator('#screen-start [data-greeting]')).to_have_text('Xin chào bà Nguyễn Thị Lan')
    screenshot(page, 'kiosk-greeting-1280x800')
    page.locator('.service', has_text='Chứng thực').click()
    # Born in 1950: the elderly priority is chosen already, so two taps still give the ticket.
    expect(page.locator('.choice[aria-checked=true]')).to_have_text('Người cao tuổi')
    expect(page.locator('#elderly-note')).to_be_visible()
    answer = take_ticket(page)
    expect(page.locator('#ticket-number')).to_have_text('A001')

    status, ticket = call_api(demo, 'GET', '/tickets/%d' % answer['id'], demo.token('desk'))
    assert status == 200
    assert ticket['name'] == 'Nguyễn Thị Lan' and ticket['priority_reason'] == 'elderly'
    assert CARD_ID not in json.dumps(ticket) and '201234567' not in json.dumps(ticket)
    assert page.evaluate('localStorage.length + sessionStorage.length') == 0
    assert CARD_ID not in page.content() and 'Lê Lợi' not in page.content()
    assert not [line for line in sent if CARD_ID in line or '12031950' in line or 'L%C3%AA%20L' in line]


@pytest.mark.browser
def test_the_scanners_enter_presses_no_button(demo, page_in):
    """A real (trusted) key burst while "Lấy số" has the focus: a greeting, not a ticket."""
    from playwright.sync_api import expect
    page = open_kiosk(page_in, demo)
    posts = []   # the greeting is spoken through a POST of its words, which issues nothing
    page.on('request', lambda r: posts.append(r.url) if r.method == 'POST' and '/speech.wav' not in r.url else None)
    page.locator('.service', has_text='Tư pháp').click()
    page.focus('#issue')
    page.keyboard.type(YOUNG_MAN)
    page.keyboard.press('Enter')
    expect(page.locator('#screen-options [data-greeting]')).to_have_text('Xin chào ông Tran Van Binh')
    expect(page.locator('.choice[aria-checked=true]')).to_have_text('Không ưu tiên')     # 25 years old
    page.wait_for_timeout(300)
    assert posts == [] and page.locator('#screen-options').is_visible()
    assert page.evaluate('localStorage.length + sessionStorage.length') == 0


@pytest.mark.browser
def test_a_wrong_phone_number_is_refused_in_vietnamese(demo, page_in):
    from playwright.sync_api import expect
    page = open_kiosk(page_in, demo)
    page.locator('.service', has_text='Chứng thực').click()
    for digit in '090512':
        page.click('#screen-options .key[data-key="%s"]' % digit)
    expect(page.locator('#phone-display')).to_have_text('0905 12')
    page.click('#issue')
    error = page.locator('#options-error')
    expect(error).to_have_text('Số điện thoại phải gồm 10 chữ số và bắt đầu bằng số 0.')
    screenshot(page, 'kiosk-phone-error-1280x800')

    page.click('#screen-options .key[data-key="clear"]')
    for digit in '0000000000':     # ten digits, but no Vietnamese number: the server says so
        page.click('#screen-options .key[data-key="%s"]' % digit)
    page.click('#issue')
    expect(error).to_have_text('Số điện thoại không hợp lệ (dạng 0xxxxxxxxx hoặc +84xxxxxxxxx).')
    assert page.locator('#screen-options').is_visible()

    page.click('#screen-options .key[data-key="clear"]')
    for digit in '0905123456':
        page.click('#screen-options .key[data-key="%s"]' % digit)
    answer = take_ticket(page)
    expect(page.locator('#ticket-number')).to_have_text('A001')
    assert 'phone' not in answer   # a kiosk never gets a phone number back, not even the one typed on it
    status, ticket = call_api(demo, 'GET', '/tickets/%d' % answer['id'], demo.token('desk'))
    assert status == 200 and ticket['phone'] == '0905123456'


@pytest.mark.browser
def test_a_printer_that_is_off_is_said_plainly(live_server, page_in):
    from playwright.sync_api import expect
    server = live_server(demo=True, env={'LUOT_PRINTER': 'tcp://127.0.0.1:%d' % free_port()})
    page = open_kiosk(page_in, server, 1366, 768)
    page.locator('.service', has_text='Chứng thực').click()
    take_ticket(page)
    expect(page.locator('#ticket-number')).to_have_text('A001')
    # The spooler finds the printer off within seconds and tells the kiosks.
    expect(page.locator('#ticket-print')).to_have_text(
        'Máy in đang gặp sự cố — xin ghi nhớ số của ông/bà: A001', timeout=WAIT)
    expect(page.locator('#ticket-countdown')).to_contain_text(re.compile(r'\b[2-4]\d giây'))
    screenshot(page, 'kiosk-printer-off-1366x768')
    page.wait_for_timeout(1600)
    page.click('#screen-ticket [data-action=start]')
    expect(page.locator('#printer-notice')).to_contain_text('Máy in đang gặp sự cố')
    page.locator('.service', has_text='Chứng thực').click()
    answer = take_ticket(page)
    assert answer['printing']['status'] == 'offline'
    expect(page.locator('#ticket-print')).to_have_text('Máy in đang gặp sự cố — xin ghi nhớ số của ông/bà: A002')


@pytest.mark.browser
def test_paper_out_and_a_working_printer(live_server, page_in):
    from playwright.sync_api import expect
    with FakePrinter(status='paper_out') as printer:
        server = live_server(demo=True, env={'LUOT_PRINTER': printer.uri})
        page = open_kiosk(page_in, server)
        page.locator('.service', has_text='Chứng thực').click()
        take_ticket(page)
        expect(page.locator('#ticket-print')).to_have_text(
            'Máy in hết giấy — xin ghi nhớ số của ông/bà: A001', timeout=WAIT)
        screenshot(page, 'kiosk-paper-out-1280x800')
        printer.status = 'online'    # paper loaded: the queued ticket prints and the kiosk hears so
        expect(page.locator('#printer-notice')).to_be_hidden(timeout=WAIT * 2)
        page.wait_for_timeout(1600)
        page.click('#screen-ticket [data-action=start]')
        page.locator('.service', has_text='Hộ tịch').click()
        answer = take_ticket(page)
        assert answer['printing'] == {'queued': True, 'status': 'online', 'detail': ''}
        expect(page.locator('#ticket-print')).to_have_text('Vui lòng nhận phiếu in bên dưới')
        expect(page.locator('#ticket-countdown')).to_contain_text(re.compile(r'\b1?\d giây'))
        assert len(printer.wait_for_jobs(2, timeout=10)) == 2


@pytest.mark.browser
def test_every_screen_fits_without_scrollbars(demo, page_in):
    for width, height in KIOSK_SIZES:
        page = open_kiosk(page_in, demo, width, height)
        size = '%dx%d' % (width, height)
        kiosk_fits(page, 'start', size)
        page.locator('.service').first.click()
        kiosk_fits(page, 'options', size)
        take_ticket(page)
        page.locator('#ticket-number').wait_for(timeout=WAIT)
        kiosk_fits(page, 'ticket', size)


@pytest.mark.browser
def test_the_ticket_says_the_wait_as_a_range_on_both_kiosk_screens(demo, page_in):
    """Đất đai has one counter (4) and no history: 5 minutes a citizen, so with 3 or more ahead the call is
    clearly more than 10 minutes away, and the ticket says the forecast's range to plan by."""
    from playwright.sync_api import expect
    assert call_api(demo, 'PATCH', '/settings', demo.token('admin'), {'default_service_minutes': 5})[0] == 200
    for _ in range(3):
        assert call_api(demo, 'POST', '/tickets', demo.token('desk'), {'service': 'DD', 'print': False})[0] == 201
    for (width, height), ahead in (((1080, 1920), 3), ((1920, 1080), 4)):
        page = open_kiosk(page_in, demo, width, height)
        page.locator('.service', has_text='Đất đai').click()
        ticket = take_ticket(page)
        low, high = ticket['estimated_wait_low_min'], ticket['estimated_wait_high_min']
        assert ticket['ahead'] == ahead and 10 <= low < high and low % 5 == high % 5 == 0
        expect(page.locator('#ticket-ahead')).to_have_text('Trước ông/bà còn %d người' % ahead)
        expect(page.locator('#ticket-wait')).to_have_text('Thời gian chờ dự kiến: khoảng %d-%d phút' % (low, high))
        kiosk_fits(page, 'ticket-wait', '%dx%d' % (width, height))
    page.wait_for_timeout(1600)     # the ticket screen ignores a tap this soon (a double tap on "Lấy số")
    page.click('#screen-ticket [data-action=start]')
    page.click('.languages a[lang=en]')
    expect(page.locator('html')).to_have_attribute('lang', 'en')
    expect(page.locator('.service').first).to_be_enabled(timeout=WAIT)
    page.locator('.service[data-code=DD]').click()
    ticket = take_ticket(page)
    expect(page.locator('#ticket-ahead')).to_have_text('5 people ahead of you')
    expect(page.locator('#ticket-wait')).to_have_text('Estimated wait: about %d-%d minutes' % (
        ticket['estimated_wait_low_min'], ticket['estimated_wait_high_min']))
    screenshot(page, 'kiosk-ticket-wait-en-1920x1080')


@pytest.mark.browser
def test_a_lost_server_disables_the_buttons_until_it_is_back(live_server, page_in):
    from playwright.sync_api import expect
    server = live_server(demo=True)
    page = open_kiosk(page_in, server)
    server.stop()
    banner = page.locator('#offline')
    expect(banner).to_have_text('Mất kết nối máy chủ, đang kết nối lại...', timeout=WAIT)
    expect(page.locator('.service').first).to_be_disabled()
    screenshot(page, 'kiosk-offline-1280x800')
    live_server(demo=True, data_dir=server.data_dir, port=server.port)
    expect(banner).to_be_hidden(timeout=WAIT * 2)
    expect(page.locator('.service').first).to_be_enabled()
    page.locator('.service', has_text='Chứng thực').click()
    take_ticket(page)
    expect(page.locator('#ticket-number')).to_have_text('A001')


@pytest.mark.browser
def test_a_paused_service_is_shown_disabled(demo, page_in):
    from playwright.sync_api import expect
    page = open_kiosk(page_in, demo)
    status, _service = call_api(demo, 'PATCH', '/services/TP', demo.token('admin'), {'active': False})
    assert status == 200
    # Every queue_changed carries every line's state: the next ticket anywhere updates the kiosk.
    assert call_api(demo, 'POST', '/tickets', demo.token('desk'), {'service': 'CT', 'print': False})[0] == 201
    paused = page.locator('.service', has_text='Tư pháp')
    expect(paused).to_contain_text('Tạm ngừng')
    expect(paused).to_be_disabled()
    expect(page.locator('.service', has_text='Chứng thực')).to_contain_text('1 người đang chờ')
    page.reload()
    expect(page.locator('.service', has_text='Tư pháp')).to_be_disabled(timeout=WAIT)
    screenshot(page, 'kiosk-paused-1280x800')


@pytest.mark.browser
def test_language_toggle_keeps_the_kiosk(demo, page_in):
    from playwright.sync_api import expect
    page = open_kiosk(page_in, demo)
    page.click('.languages a[lang=en]')
    expect(page.locator('html')).to_have_attribute('lang', 'en')
    assert page.url == demo.url + '/kiosk'
    expect(page.locator('.service').first).to_be_enabled(timeout=WAIT)
    page.click('.languages a[lang=vi]')
    expect(page.locator('html')).to_have_attribute('lang', 'vi')


@pytest.mark.browser
def test_an_unknown_booking_code_is_said_in_vietnamese(demo, page_in):
    from playwright.sync_api import expect
    page = open_kiosk(page_in, demo)
    page.click('#appointment-button')
    for key in '2511':
        page.click('#screen-appointment .key[data-key="%s"]' % key)
    expect(page.locator('#code-display')).to_have_text('2511')
    page.click('#check-in')    # four characters are neither a code nor a phone number: nothing is sent
    expect(page.locator('#appointment-error')).to_contain_text('Mã lịch hẹn gồm 6 ký tự')
    page.click('#screen-appointment .key-word[data-key="clear"]')
    for key in '2345KM':
        page.click('#screen-appointment .key[data-key="%s"]' % key)
    page.click('#check-in')
    expect(page.locator('#appointment-error')).to_have_text('Không có lịch hẹn mã "2345KM".')
    screenshot(page, 'kiosk-appointment-1280x800')


# Without a browser: the page itself.

def test_the_kiosk_needs_pairing(client, office):
    answer = client.get('/kiosk')
    assert answer.status_code == 302 and '/login' in answer.headers['Location']


def test_the_page_lists_the_services_and_hides_the_top_bar(client, tokens, office):
    make_service('DD', 'Đất đai', 'C', active=False)
    page = paired(client, tokens)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'class="topbar"' not in html
    services = re.findall(r'data-code="(\w+)"\s+data-active="(\w+)"', html)
    assert services == [('CT', 'true'), ('DD', 'false'), ('HT', 'true')]
    assert 'Tạm ngừng' in html
    strings = json.loads(re.search(r'id="strings">(.*?)</script>', html, re.S).group(1))
    assert strings['ahead'] == 'Trước ông/bà còn {n} người'
    assert '/lang/en?next=/kiosk' in html and '/lang/vi?next=/kiosk' in html
    assert 'data-printer-status="no_printer"' in html


def test_the_appointment_button_is_always_there(client, tokens, office):
    html = paired(client, tokens).get_data(as_text=True)
    assert 'id="appointment-button"' in html and 'id="screen-appointment"' in html
    assert '/static/checkin.js' in html


def test_the_kiosk_knows_its_printer(app, client, tokens, office):
    app.config['PRINTER'] = 'tcp://127.0.0.1:9100'
    html = paired(client, tokens).get_data(as_text=True)
    assert 'data-printer="tcp://127.0.0.1:9100"' in html


def test_other_roles_are_refused_and_admin_is_let_in(client, tokens, office):
    assert client.get('/kiosk', headers=bearer(tokens['counter'])).status_code == 403
    assert client.get('/kiosk', headers=bearer(tokens['admin'])).status_code == 200


@pytest.mark.browser
def test_a_service_no_open_counter_serves_is_greyed_out_live(demo, page_in):
    """Đất đai has one counter (4): closed, its button says why and cannot be taken; opened, it comes back."""
    from playwright.sync_api import expect
    admin = demo.token('admin')
    page = open_kiosk(page_in, demo)
    land = page.locator('.service', has_text='Đất đai')
    expect(land).to_be_enabled()
    assert call_api(demo, 'PATCH', '/counters/4', admin, {'active': False})[0] == 200
    expect(land).to_contain_text('Chưa có quầy phục vụ', timeout=WAIT)
    expect(land).to_be_disabled()
    expect(land).to_have_class(re.compile(r'\bpaused\b'))
    expect(page.locator('.service', has_text='Chứng thực')).to_be_enabled()
    land.click(force=True)     # a tap on the grey button does nothing
    expect(page.locator('#screen-start')).to_be_visible()
    screenshot(page, 'kiosk-no-counter-1280x800')
    page.reload()              # the page itself says so before the socket connects
    expect(page.locator('.service', has_text='Chứng thực')).to_be_enabled(timeout=WAIT)
    expect(land).to_be_disabled()
    expect(land).to_contain_text('Chưa có quầy phục vụ')
    assert call_api(demo, 'PATCH', '/counters/4', admin, {'active': True})[0] == 200
    expect(land).to_be_enabled(timeout=WAIT)
    expect(land).to_contain_text('0 người đang chờ')
    land.click()
    assert take_ticket(page)['number'] == 'C001'


def test_the_page_greys_out_a_service_without_an_open_counter(client, tokens, office):
    make_service('LT', 'Lý lịch tư pháp', 'L')
    html = paired(client, tokens).get_data(as_text=True)
    served = dict(re.findall(r'data-code="(\w+)"[^>]*data-served="(\w+)"', html))
    assert served == {'CT': 'true', 'HT': 'true', 'LT': 'false'}
    assert 'Chưa có quầy phục vụ' in html
    strings = json.loads(re.search(r'id="strings">(.*?)</script>', html, re.S).group(1))
    assert strings['no_counter'] == 'Chưa có quầy phục vụ'
