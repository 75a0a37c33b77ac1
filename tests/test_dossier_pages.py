"""Citizens look a file (hồ sơ) up by its receipt's code: the public page /tra-cuu (phone and desktop) and the
kiosk's "Tra cứu hồ sơ" screen with its on-screen keyboard; plain Vietnamese answers, no name or phone."""
import datetime

import pytest

from tests.helpers import call_api
from tests.pages import expect_page, kiosk_fits, open_kiosk, screenshot

RECEIVED = '000.00.20.H57-231205-0001'
READY = 'HS-2026-0153'


def dmy(day):
    return day.strftime('%d/%m/%Y')


def two_files(server):
    """A file received (promised in 5 days) and one ready, both named and with a phone; the promised date."""
    due = datetime.date.today() + datetime.timedelta(days=5)
    token = server.token('desk')
    status, _made = call_api(server, 'POST', '/dossiers', token, {
        'code': RECEIVED, 'name': 'Nguyễn Thị Hoa', 'phone': '0905123456', 'service': 'HT', 'status': 'processing',
        'due_on': due.isoformat()})
    assert status == 201
    status, ready = call_api(server, 'POST', '/dossiers', token, {'code': READY, 'name': 'Lê Văn Tám',
                                                                  'phone': '0912345678', 'service': 'CT'})
    assert status == 201
    return due, datetime.date.fromisoformat(ready['pickup_by'])


def look_up(page, typed):
    page.locator('#code').fill(typed)
    page.locator('.l-button').click()


def no_personal_data(page):
    text = page.content()
    for secret in ('Nguyễn Thị Hoa', 'Lê Văn Tám', '0905123456', '0912345678', '0905 123 456'):
        assert secret not in text


@pytest.mark.browser
@pytest.mark.parametrize('size', [(375, 667), (1366, 768)])
def test_the_public_page_answers_in_plain_words(live_server, page_in, size):
    expect = expect_page()
    server = live_server(demo=True)
    due, pickup_by = two_files(server)
    page = page_in(*size)
    page.goto(server.url + '/')
    page.locator('a[href="/tra-cuu"]').click()
    expect(page.locator('h1')).to_have_text('Tra cứu hồ sơ')
    look_up(page, '00000 20h57 2312050001')             # typed loosely
    expect(page.locator('#message')).to_have_text('Đang giải quyết, hẹn trả kết quả ngày %s.' % dmy(due))
    expect(page.locator('#answer')).to_have_attribute('data-status', 'processing')
    expect(page.locator('.l-code')).to_have_text(RECEIVED)
    expect(page.locator('.l-facts')).to_contain_text('Hộ tịch')
    no_personal_data(page)
    width = '%dx%d' % size
    screenshot(page, 'lookup-processing-' + width, full_page=True)
    assert page.evaluate('document.documentElement.scrollWidth <= innerWidth')
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('#message')).fontSize)") >= 20

    look_up(page, READY.lower())
    expect(page.locator('#message')).to_have_text(
        'Đã có kết quả, mời ông/bà đến nhận trước ngày %s. Xin mang theo CCCD và mã nhận kết quả trong tin nhắn.'
        % dmy(pickup_by))
    expect(page.locator('#answer')).to_have_attribute('data-status', 'ready')
    no_personal_data(page)
    screenshot(page, 'lookup-ready-' + width, full_page=True)

    look_up(page, 'HS-1999-0001')
    expect(page.locator('#refusal')).to_have_text(
        'Không tìm thấy hồ sơ HS-1999-0001. Xin kiểm tra lại mã trên giấy biên nhận.')
    expect(page.locator('#answer')).to_have_count(0)
    screenshot(page, 'lookup-unknown-' + width, full_page=True)
    assert page.evaluate('document.documentElement.scrollWidth <= innerWidth')

    page.locator('.topbar a[href*="/lang/en"]').click()         # the language switch keeps the page and the code
    expect(page.locator('html')).to_have_attribute('lang', 'en')
    expect(page.locator('#code')).to_have_value('HS-1999-0001')


@pytest.mark.browser
@pytest.mark.parametrize('size', [(1080, 1920), (1920, 1080)])
def test_the_kiosk_looks_a_file_up_and_goes_back_by_itself(live_server, page_in, size):
    expect = expect_page()
    server = live_server(demo=True, env={'LUOT_KIOSK_RESET_SECONDS': '6'})
    due, _pickup_by = two_files(server)
    page = open_kiosk(page_in, server, *size)
    width = '%dx%d' % size
    page.locator('#lookup-button').click()
    expect(page.locator('#screen-lookup')).to_be_visible()
    page.locator('#lookup-go').click()
    expect(page.locator('#lookup-error')).to_have_text('Xin nhập mã hồ sơ trên giấy biên nhận.')
    for key in '000.00.20.H57-231205-0001':
        page.locator('#screen-lookup [data-key="%s"]' % key).click()
    expect(page.locator('#lookup-display')).to_have_text(RECEIVED)
    kiosk_fits(page, 'lookup', width)
    page.locator('#lookup-go').click()
    expect(page.locator('#screen-lookup-answer')).to_be_visible()
    expect(page.locator('#screen-lookup-answer')).to_have_attribute('data-status', 'processing')
    expect(page.locator('#lookup-message')).to_have_text('Đang giải quyết, hẹn trả kết quả ngày %s.' % dmy(due))
    expect(page.locator('#lookup-service')).to_have_text('Hộ tịch')
    no_personal_data(page)
    kiosk_fits(page, 'lookup-answer', width)
    # Left alone, the kiosk goes back to its start screen for the next citizen.
    expect(page.locator('#screen-start')).to_be_visible(timeout=9000)

    page.locator('#lookup-button').click()
    for key in ['H', 'S', '1', '9', '9', '9']:
        page.locator('#screen-lookup [data-key="%s"]' % key).click()
    page.locator('#screen-lookup [data-key="back"]').click()
    expect(page.locator('#lookup-display')).to_have_text('HS199')
    page.locator('#lookup-go').click()
    expect(page.locator('#lookup-error')).to_have_text('Không tìm thấy hồ sơ HS199. Xin kiểm tra lại mã trên giấy biên nhận.')
    expect(page.locator('#screen-lookup')).to_be_visible()
    kiosk_fits(page, 'lookup-unknown', width)
