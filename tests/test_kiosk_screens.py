"""The kiosk left alone goes back to Vietnamese and its start screen; eight long field names fit on every
screen; closed and unserved fields are greyed live; the citizen is called "ông/bà" throughout."""
import json
import re
from pathlib import Path

import pytest

import printer.layout
from tests.conftest import make_service
from tests.helpers import api
from tests.pages import WAIT, open_kiosk, paired, screenshot, take_ticket

# Ward one-stop desks in Ho Chi Minh City list about eight fields, with long names (District 3 has eight).
EIGHT_FIELDS = [
    ('CT', 'Chứng thực - Hợp đồng, giao dịch', 'Chứng thực bản sao, chữ ký, hợp đồng, giao dịch về nhà đất'),
    ('HT', 'Hộ tịch - Khai sinh, kết hôn, khai tử', 'Khai sinh, kết hôn, khai tử, xác nhận tình trạng hôn nhân'),
    ('DD', 'Đất đai - Xây dựng - Môi trường', 'Giấy phép xây dựng, xác nhận nguồn gốc đất, vệ sinh môi trường'),
    ('CS', 'Lao động - Thương binh và Xã hội', 'Trợ cấp, bảo trợ xã hội, người có công với cách mạng'),
    ('TP', 'Tư pháp - Hòa giải - Trợ giúp pháp lý', 'Hòa giải ở cơ sở, xác nhận, trợ giúp pháp lý miễn phí'),
    ('KT', 'Kinh tế - Đăng ký hộ kinh doanh', 'Đăng ký, thay đổi, tạm ngừng hộ kinh doanh cá thể'),
    ('VH', 'Văn hóa - Thông tin - Thể thao - Du lịch', 'Quảng cáo, lễ hội, biển hiệu, câu lạc bộ thể thao'),
    ('YT', 'Y tế - Giáo dục - Dân số', 'Bảo hiểm y tế, cấp giấy xác nhận học sinh, kế hoạch hóa gia đình'),
]
SIZES = [(1920, 1080), (1366, 768), (1080, 1920)]
RESET = 3   # seconds (LUOT_KIOSK_RESET_SECONDS): short for the test, long enough to act before it
# Every tile and each of its parts shows all of its text inside the window, and the page does not scroll.
FIT_PROBLEMS = """() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollHeight > innerHeight || root.scrollWidth > innerWidth) problems.push('the page scrolls');
  for (const tile of document.querySelectorAll('.service')) {
    const box = tile.getBoundingClientRect();
    const name = tile.querySelector('.service-name').textContent;
    if (box.top < 0 || box.left < 0 || box.bottom > innerHeight + .5 || box.right > innerWidth + .5)
      problems.push(name + ': off screen');
    for (const part of [tile, ...tile.children]) {
      const rect = part.getBoundingClientRect();
      const tolerance = part === tile ? 0 : 1;    // a part's line boxes may round a pixel over it
      if (part.scrollWidth > part.clientWidth || part.scrollHeight > part.clientHeight + tolerance)
        problems.push(name + ': ' + part.className + ' clipped');
      if (rect.top < box.top - .5 || rect.bottom > box.bottom + .5 || rect.left < box.left - .5 ||
          rect.right > box.right + .5)
        problems.push(name + ': ' + part.className + ' overflows');
    }
  }
  return problems;
}"""


@pytest.fixture
def demo(live_server):
    return live_server(demo=True, env={'LUOT_KIOSK_RESET_SECONDS': str(RESET)})


def expect_start_in_vietnamese(page):
    from playwright.sync_api import expect
    expect(page.locator('html')).to_have_attribute('lang', 'vi', timeout=WAIT)
    expect(page.locator('#screen-start')).to_be_visible()
    expect(page.locator('.service').first).to_be_enabled()


def in_english(page):
    from playwright.sync_api import expect
    page.click('.languages a[lang=en]')
    expect(page.locator('html')).to_have_attribute('lang', 'en')
    expect(page.locator('.service').first).to_be_enabled(timeout=WAIT)


@pytest.mark.browser
def test_left_alone_the_kiosk_goes_back_to_vietnamese_and_the_start(demo, page_in):
    from playwright.sync_api import expect
    page = open_kiosk(page_in, demo)
    assert page.locator('#kiosk').get_attribute('data-reset-seconds') == str(RESET)
    in_english(page)       # someone chose English and walked away: nobody touches the start screen
    expect_start_in_vietnamese(page)

    in_english(page)       # a half-finished choice in English
    page.locator('.service').first.click()
    expect(page.locator('#screen-options')).to_be_visible()
    expect_start_in_vietnamese(page)

    in_english(page)       # a ticket taken in English: the next citizen gets Vietnamese
    page.locator('.service').first.click()
    take_ticket(page)
    expect(page.locator('#ticket-number')).to_have_text('A001')
    expect(page.locator('#ticket-label')).to_have_text('Your number')
    expect_start_in_vietnamese(page)

    page.locator('.service').first.click()     # in Vietnamese: after the ticket, the start screen again
    take_ticket(page)
    expect(page.locator('#ticket-label')).to_have_text('Số thứ tự của ông/bà')
    expect(page.locator('#ticket-ahead')).to_have_text('Trước ông/bà còn 1 người')
    expect(page.locator('#screen-start')).to_be_visible(timeout=WAIT)


def test_the_reset_is_thirty_seconds_unless_configured(app, client, tokens, office):
    html = paired(client, tokens).get_data(as_text=True)
    assert 'data-reset-seconds="30"' in html
    assert 'data-vietnamese="/lang/vi?next=/kiosk"' in html
    for configured, shown in (('5', '5'), ('nonsense', '30'), ('0', '1'), ('9999', '600')):
        app.config['KIOSK_RESET_SECONDS'] = configured
        assert 'data-reset-seconds="%s"' % shown in client.get('/kiosk').get_data(as_text=True)


def set_up_eight_fields(server):
    """The demo's five fields renamed long, and three more, each served by a counter."""
    admin = server.token('admin')
    for code, name, description in EIGHT_FIELDS[:5]:
        api(server, 'PATCH', '/services/' + code, admin, {'name': name, 'description': description})
    for prefix, (code, name, description) in zip('FGH', EIGHT_FIELDS[5:]):
        api(server, 'POST', '/services', admin, {'code': code, 'name': name, 'description': description,
                                                 'prefix': prefix})
    api(server, 'PATCH', '/counters/5', admin, {'services': ['CS', 'TP', 'KT', 'VH', 'YT']})


@pytest.mark.browser
def test_eight_long_field_names_fit_at_every_size(live_server, page_in):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    server = live_server(demo=True)
    set_up_eight_fields(server)
    page = open_kiosk(page_in, server, *SIZES[0])
    assert page.locator('.service').count() == 8
    for width, height in SIZES:
        page.set_viewport_size({'width': width, 'height': height})
        try:   # the kiosk lays its tiles out again on "resize"
            page.wait_for_function('(' + FIT_PROBLEMS + ')().length === 0', timeout=3000)
        except PlaywrightTimeout:
            pass   # the assertion below names what does not fit
        screenshot(page, 'kiosk-eight-fields-%dx%d' % (width, height))
        assert page.evaluate(FIT_PROBLEMS) == [], (width, height)
        # Fitting does not mean tiny: a field's name stays readable from a step away.
        smallest = page.evaluate("Math.min(...[...document.querySelectorAll('.service-name')]"
                                 ".map(n => parseFloat(getComputedStyle(n).fontSize)))")
        assert smallest >= 24, (width, height, smallest)


@pytest.mark.browser
def test_closed_and_unserved_fields_are_greyed_live(live_server, page_in):
    from playwright.sync_api import expect
    server = live_server(demo=True)
    admin = server.token('admin')
    page = open_kiosk(page_in, server, 1366, 768)
    justice, land = page.locator('.service[data-code=TP]'), page.locator('.service[data-code=DD]')
    api(server, 'PATCH', '/services/TP', admin, {'active': False})     # nothing else happens: the kiosk hears it
    api(server, 'PATCH', '/counters/4', admin, {'active': False})      # Đất đai's only counter
    for tile, words in ((justice, 'Tạm ngừng'), (land, 'Chưa có quầy phục vụ')):
        expect(tile).to_contain_text(words, timeout=WAIT)
        expect(tile).to_be_disabled()
        expect(tile).to_have_class(re.compile(r'\bpaused\b'))
    colours = page.evaluate("""['TP', 'DD', 'CT'].map(code => getComputedStyle(
        document.querySelector('.service[data-code=' + code + ']')).backgroundColor)""")
    assert colours[0] == colours[1] != colours[2], colours   # grey, unlike an open field
    screenshot(page, 'kiosk-closed-and-unserved-1366x768')
    api(server, 'PATCH', '/services/TP', admin, {'active': True})
    api(server, 'PATCH', '/counters/4', admin, {'active': True})
    expect(justice).to_be_enabled(timeout=WAIT)
    expect(land).to_be_enabled(timeout=WAIT)


def test_one_form_of_address_on_the_kiosk_and_its_ticket(client, tokens, office):
    make_service('DD', 'Đất đai', 'C')
    html = paired(client, tokens).get_data(as_text=True)
    strings = json.loads(re.search(r'id="strings">(.*?)</script>', html, re.S).group(1))
    ticket = Path(printer.layout.__file__).read_text(encoding='utf-8')    # the printed ticket's words
    shown = html + json.dumps(strings, ensure_ascii=False) + ticket
    for other in ('bạn', 'anh/chị', 'quý khách'):
        assert other not in shown.lower(), other
    assert 'ông/bà' in shown.lower()
    assert strings['ahead'] == 'Trước ông/bà còn {n} người'
    assert 'Người đi cùng trẻ dưới 6 tuổi' in html
