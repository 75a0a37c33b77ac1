"""The board's counters and big panel: each tile names the fields its counter serves, never cut off (10
counters, up to 8 fields, at 1920x1080 and 1366x768), and the "Mời số" panel lets a call go when its
counter finishes that citizen, on a board of every line and on one chosen by lines."""
import pytest

from tests.helpers import api
from tests.pages import WAIT, open_board, screenshot
from tests.test_board_page import clipped, settle

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with the reason
    expect = None

# Besides the demo's five, as a large ward's one-stop desk has them (eight in all).
MORE_FIELDS = [('LD', 'Lao động - Thương binh và Xã hội', 'F'), ('TN', 'Tài nguyên và Môi trường', 'G'),
               ('VH', 'Văn hóa - Thông tin', 'H')]
MORE_COUNTERS = [(6, ['LD']), (7, ['TN', 'DD']), (8, ['VH', 'TP', 'CS']), (9, ['HT', 'CT']),
                 (10, ['CT', 'HT', 'DD', 'CS', 'TP', 'LD', 'TN', 'VH'])]


def fields_problems(page):
    """Tiles whose fields are missing, cut off, or outside their tile."""
    return page.evaluate('''() => [...document.querySelectorAll('.tile')].flatMap((tile) => {
        const fields = tile.querySelector('.t-fields');
        const label = tile.querySelector('.t-label').textContent;
        if (!fields || !fields.textContent.trim()) return [label + ': no fields'];
        const box = fields.getBoundingClientRect(), outer = tile.getBoundingClientRect();
        const bad = [];
        if (fields.scrollHeight > fields.clientHeight + 1 || fields.scrollWidth > fields.clientWidth + 1)
            bad.push(label + ': cut off ' + fields.textContent);
        if (box.top < outer.top || box.bottom > outer.bottom || box.left < outer.left || box.right > outer.right)
            bad.push(label + ': outside its tile');
        if (parseFloat(getComputedStyle(fields).fontSize) < 10) bad.push(label + ': unreadable');
        return bad;
    })''')


@pytest.mark.browser
def test_each_tile_names_its_fields_without_clipping(live_server, page_in):
    server = live_server(demo=True)
    admin = server.token('admin')
    for code, name, prefix in MORE_FIELDS:
        api(server, 'POST', '/services', admin, {'code': code, 'name': name, 'prefix': prefix})
    for number, codes in MORE_COUNTERS:
        api(server, 'POST', '/counters', admin, {'number': number, 'name': 'Quầy %d' % number, 'services': codes})
    page = open_board(page_in, server)
    expect(page.locator('.tile')).to_have_count(10, timeout=WAIT)
    tile = page.locator('.tile', has_text='Quầy 2').locator('.t-fields')
    expect(tile).to_have_text('Chứng thực · Tư pháp')
    for width, height in [(1920, 1080), (1366, 768)]:
        page.set_viewport_size({'width': width, 'height': height})
        settle(page)
        assert fields_problems(page) == [], (width, height)
        assert clipped(page) == [], (width, height)
        screenshot(page, 'board-tiles-%dx%d' % (width, height))
        texts = page.locator('.t-fields').all_text_contents()
        assert texts[2] == 'Hộ tịch' and 'Lao động' in texts[5], texts   # the few fit as they are named
        assert 'Chứng thực' in texts[1] or texts[1] == 'A · E', texts


@pytest.mark.browser
def test_the_big_panel_clears_when_the_counter_finishes_the_citizen(live_server, page_in):
    server = live_server(demo=True)
    kiosk, counter, admin = server.token('kiosk'), server.token('counter'), server.token('admin')
    chosen = api(server, 'POST', '/boards', admin, {'name': 'Hộ tịch', 'services': ['HT']})
    every = open_board(page_in, server)
    by_lines = open_board(page_in, server, '&board=%d' % chosen['id'])
    ticket = api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False})
    api(server, 'POST', '/counters/3/call-next', counter)
    for page in (every, by_lines):
        expect(page.locator('#hero-number')).to_have_text(ticket['number'], timeout=2000)
        expect(page.locator('#hero-counter')).to_have_text('Đến quầy số 3')
    api(server, 'POST', '/tickets/%d/start' % ticket['id'], counter, {'counter': 3})   # the citizen is there
    every.wait_for_timeout(500)
    expect(every.locator('#hero-number')).to_have_text(ticket['number'])

    api(server, 'POST', '/tickets/%d/complete' % ticket['id'], counter, {'counter': 3})
    for page in (every, by_lines):
        expect(page.locator('#hero-number')).to_have_text('—', timeout=2000)
        expect(page.locator('#hero-counter')).to_have_text('Vui lòng chờ gọi số')
        expect(page.locator('#recent li').first).to_contain_text(ticket['number'])   # still listed as called
        expect(page.locator('.tile', has_text='Quầy 3').locator('.t-number')).to_have_text('—')
    screenshot(every, 'board-cleared-1920x1080')

    # The next call fills it again; an absence clears it too.
    second = api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False})
    api(server, 'POST', '/counters/3/call-next', counter)
    expect(every.locator('#hero-number')).to_have_text(second['number'], timeout=2000)
    api(server, 'POST', '/tickets/%d/no-show' % second['id'], counter, {'counter': 3})
    expect(every.locator('#hero-number')).to_have_text('—', timeout=2000)
