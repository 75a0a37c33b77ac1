"""A new TV and a new kiosk paired from the console by the code their /pair page shows (Chromium), and the
console's device list following them live."""
import re

from tests.helpers import log_in_new_admin
from tests.pages import WAIT, expect_page, screenshot

CARD = '079203004567||Tran Van Binh|05092001|Nam|5 Tran Phu, Hai Chau|15082021'   # ASCII: typed for real


def shown_code(page):
    """The six digits a /pair page shows, once it has one."""
    expect_page()(page.locator('#code')).to_have_attribute('data-code', re.compile(r'^[0-9]{6}$'))
    code = page.locator('#code').get_attribute('data-code')
    assert page.locator('#code').inner_text() == code[:3] + ' ' + code[3:]
    return code


def fits(page, name):
    """No scrollbar, and a code big enough to read across a room; a screenshot to look at."""
    screenshot(page, name)
    sizes = page.evaluate('[document.documentElement.scrollWidth, innerWidth, '
                          'document.documentElement.scrollHeight, innerHeight]')
    assert sizes[0] <= sizes[1] and sizes[2] <= sizes[3], (name, sizes)
    box = page.locator('#code').bounding_box()
    assert box['height'] >= 0.12 * min(sizes[1], sizes[3]) and box['x'] >= 0, (name, box)


def pair_in_console(admin, code, role, name):
    """Type the code in the console's form; the list (reloaded) has the device."""
    admin.fill('#pair-device input[name=code]', code)
    admin.select_option('#pair-device select[name=role]', role)
    # Only the choice that applies to that kind of device shows: a board's lines, or a kiosk's printer.
    shown = {'display': 'board', 'kiosk': 'printer_id'}
    for kind, field in shown.items():
        expect_page()(admin.locator('#pair-device select[name=%s]' % field)).to_be_visible(visible=kind == role)
    admin.fill('#pair-device input[name=name]', name)
    admin.click('#pair-device button[type=submit]')
    row = admin.locator('#device-list tr', has_text=name)
    expect_page()(row).to_be_visible()
    return row


def test_a_tv_and_a_kiosk_are_paired_by_their_code_from_the_console(live_server, page_in):
    expect = expect_page()
    server = live_server()
    admin = page_in(1920, 1080)
    log_in_new_admin(admin, server)
    admin.goto(server.url + '/admin/devices')

    tv = page_in(1366, 768)
    tv.goto(server.url + '/pair')
    code = shown_code(tv)
    fits(tv, 'pair-1366x768')
    tv.set_viewport_size({'width': 1920, 'height': 1080})
    fits(tv, 'pair-1920x1080')
    row = pair_in_console(admin, code, 'display', 'TV sảnh')
    tv.wait_for_url(server.url + '/display', timeout=WAIT)   # the page asks every 2 s
    expect(row.locator('[data-link]')).to_have_text('Đang kết nối')
    # The test browser allows autoplay: the board says it can play sound.
    expect(row.locator('[data-sound]')).to_have_text('Phát được tiếng')

    kiosk = page_in(1080, 1920)
    kiosk.goto(server.url + '/pair')
    code = shown_code(kiosk)
    fits(kiosk, 'pair-1080x1920')
    row = pair_in_console(admin, code, 'kiosk', 'Kiosk sảnh')
    kiosk.wait_for_url(server.url + '/kiosk', timeout=WAIT)
    expect(row.locator('[data-link]')).to_have_text('Đang kết nối')
    expect(row.locator('[data-sound]')).to_have_text('Chưa rõ')   # a kiosk speaks only to greet
    kiosk.keyboard.type(CARD)   # a CCCD scanner types the card's QR text: the kiosk greets by name, aloud
    kiosk.keyboard.press('Enter')
    expect(kiosk.locator('#screen-start [data-greeting]')).to_have_text('Xin chào ông Tran Van Binh')
    expect(row.locator('[data-sound]')).to_have_text('Phát được tiếng')
    screenshot(admin, 'devices-1920x1080', full_page=True)

    tv.close()   # the TV is switched off: the console sees it go
    tv_row = admin.locator('#device-list tr', has_text='TV sảnh')
    expect(tv_row.locator('[data-link]')).to_have_text('Không kết nối')
    admin.set_viewport_size({'width': 1366, 'height': 768})
    screenshot(admin, 'devices-1366x768', full_page=True)
    sizes = admin.evaluate('[document.documentElement.scrollWidth, innerWidth]')
    assert sizes[0] <= sizes[1], sizes
