"""The TV board: its page settings, and in a real browser: a call shows within a second and is spoken,
it fits three screen sizes, a chosen board shows only its lines, and it recovers by itself from a
network drop and from a server restart."""
import datetime
import json
import re
import time
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import bearer
from tests.helpers import api
from tests.pages import open_board, screenshot

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with the reason
    expect = None

SIZES = [(1920, 1080), (1366, 768), (1080, 1920)]
# Every box that must show its whole content (the scrolling notice is meant to overflow).
FITTED = '.board, #hero, .tile, .b-panel, .b-list li, .b-head'


def settle(page):
    """Two animation frames: the resize handler has laid the grids out again."""
    page.evaluate('() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))')


def clipped(page):
    """Boxes whose content overflows them, and whether the page itself would scroll."""
    return page.evaluate('''(selector) => {
        const root = document.documentElement;
        const bad = [...document.querySelectorAll(selector)]
            .filter(e => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1)
            .map(e => (e.id || e.className) + ' ' + e.textContent.trim().slice(0, 30));
        if (root.scrollHeight > innerHeight || root.scrollWidth > innerWidth) bad.push('page scrolls');
        return bad;
    }''', FITTED)


def board_config(client):
    html = client.get('/display').get_data(as_text=True)
    return json.loads(re.search(r'<script type="application/json" id="board-config">(.*?)</script>', html, re.S)[1])


def test_page_carries_the_volume_and_the_office_clock(client, tokens):
    client.get('/display?token=' + tokens['display'])
    client.patch('/api/v1/settings', json={'voice_volume': 40}, headers=bearer(tokens['admin']))
    config = board_config(client)
    assert config['volume'] == 40 and config['utc_offset_min'] == 7 * 60 and config['board'] is None
    assert config['speech_url'] == '/display/speech.wav' and config['chime_url'] == '/display/chime.wav'
    assert tokens['display'] not in client.get('/display').get_data(as_text=True)  # the cookie is enough


@pytest.mark.parametrize('board', ['99', 'abc', '18446744073709551616', '²'])
def test_unknown_board_is_a_404(client, tokens, board):
    client.get('/display?token=' + tokens['display'])
    assert client.get('/display', query_string={'board': board}).status_code == 404


@pytest.mark.browser
def test_call_is_shown_spoken_and_fits_every_screen(live_server, page_in):
    server = live_server(demo=True)
    kiosk, counter = server.token('kiosk'), server.token('counter')
    page = open_board(page_in, server)
    ticket = api(server, 'POST', '/tickets', kiosk, {'service': 'CT', 'print': False})
    with page.expect_request(lambda r: '/display/speech.wav' in r.url, timeout=5000) as speech:
        called = api(server, 'POST', '/counters/1/call-next', counter)
        expect(page.locator('#hero-number')).to_have_text(ticket['number'], timeout=1000)
    assert called['number'] == ticket['number']
    assert speech.value.method == 'POST' and '?' not in speech.value.url  # a callout's words stay out of URLs
    spoken = json.loads(speech.value.post_data)['text']
    assert spoken.startswith('Mời số A') and 'quầy số một' in spoken
    expect(page.locator('.tile.latest .t-number')).to_have_text(ticket['number'])
    expect(page.locator('#hero')).to_have_class(re.compile(r'\bflash\b'))
    for width, height in SIZES:
        page.set_viewport_size({'width': width, 'height': height})
        settle(page)
        number = page.locator('#hero-number').bounding_box()
        assert number['height'] >= 0.15 * height, (width, height, number)
        assert clipped(page) == [], (width, height)
        screenshot(page, 'board-%dx%d' % (width, height))


@pytest.mark.browser
def test_waiting_counts_date_and_clock(live_server, page_in):
    server = live_server(demo=True)
    page = open_board(page_in, server)
    line = page.locator('#lines li', has_text='Hộ tịch').locator('.l-count')
    expect(line).to_have_text('0')
    api(server, 'POST', '/tickets', server.token('kiosk'), {'service': 'HT', 'print': False})
    expect(line).to_have_text('1', timeout=2000)
    today = datetime.datetime.now(ZoneInfo('Asia/Ho_Chi_Minh')).strftime('%d/%m/%Y')
    expect(page.locator('#date')).to_have_text(re.compile(r'^(Chủ nhật|Thứ [^,]+), ' + re.escape(today) + '$'))
    expect(page.locator('#clock')).to_have_text(re.compile(r'^\d\d:\d\d:\d\d$'))
    expect(page.locator('#office')).to_have_text('Bộ phận một cửa UBND phường Hải Châu')
    expect(page.locator('#notice')).to_contain_text('Kính mời công dân')


@pytest.mark.browser
def test_a_chosen_board_shows_only_its_lines(live_server, page_in):
    server = live_server(demo=True)
    admin, kiosk, counter = server.token('admin'), server.token('kiosk'), server.token('counter')
    board = api(server, 'POST', '/boards', admin, {'name': 'Hộ tịch', 'services': ['HT'], 'counters': [3],
                                                   'notice': 'Quầy hộ tịch'})
    page = open_board(page_in, server, '&board=%d' % board['id'])
    expect(page.locator('.tile')).to_have_count(1)
    expect(page.locator('#lines li')).to_have_count(1)
    expect(page.locator('#notice')).to_have_text('Quầy hộ tịch')
    api(server, 'POST', '/tickets', kiosk, {'service': 'CT', 'print': False})
    ht = api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False})
    api(server, 'POST', '/counters/1/call-next', counter)
    api(server, 'POST', '/counters/3/call-next', counter)
    expect(page.locator('#hero-number')).to_have_text(ht['number'], timeout=2000)
    expect(page.locator('#recent li')).to_have_count(0)  # the CT call went to other boards only


@pytest.mark.browser
def test_board_recovers_from_a_server_restart(live_server, page_in):
    server = live_server(demo=True)
    kiosk, counter = server.token('kiosk'), server.token('counter')
    page = open_board(page_in, server)
    first = api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False})
    second = api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False})
    api(server, 'POST', '/counters/3/call-next', counter)
    expect(page.locator('#hero-number')).to_have_text(first['number'], timeout=2000)
    expect(page.locator('#offline')).to_be_hidden()

    server.stop()
    expect(page.locator('#offline')).to_be_visible(timeout=5000)
    restarted = live_server(data_dir=server.data_dir, port=server.port)
    started = time.monotonic()
    expect(page.locator('#offline')).to_be_hidden(timeout=5000)
    assert time.monotonic() - started < 5
    expect(page.locator('.tile', has_text='Quầy 3').locator('.t-number')).to_have_text(first['number'])

    api(restarted, 'POST', '/counters/3/call-next', counter)
    expect(page.locator('#hero-number')).to_have_text(second['number'], timeout=1000)
    expect(page.locator('#recent li').first).to_contain_text(first['number'])


@pytest.mark.browser
def test_board_catches_up_after_a_network_drop(live_server, page_in):
    server = live_server(demo=True)
    kiosk, counter = server.token('kiosk'), server.token('counter')
    page = open_board(page_in, server)
    page.context.set_offline(True)
    expect(page.locator('#offline')).to_be_visible(timeout=5000)
    ticket = api(server, 'POST', '/tickets', kiosk, {'service': 'DD', 'print': False})
    api(server, 'POST', '/counters/4/call-next', counter)  # happens while the board is cut off
    page.context.set_offline(False)
    expect(page.locator('#hero-number')).to_have_text(ticket['number'], timeout=5000)
    expect(page.locator('#offline')).to_be_hidden()


@pytest.mark.browser
def test_a_board_back_from_a_drop_announces_once_the_calls_it_missed(live_server, page_in):
    """Calls made while the board was cut off are said once, oldest first, when it is back; the call
    it had already shown is not said again, and a later snapshot repeats nothing."""
    server = live_server(demo=True)
    kiosk, counter = server.token('kiosk'), server.token('counter')
    page = open_board(page_in, server)
    spoken = []
    page.on('request', lambda r: '/display/speech.wav' in r.url and spoken.append(json.loads(r.post_data)['text']))
    seen = api(server, 'POST', '/tickets', kiosk, {'service': 'DD', 'print': False})
    missed = [api(server, 'POST', '/tickets', kiosk, {'service': 'DD', 'print': False}) for _ in range(2)]
    api(server, 'POST', '/counters/4/call-next', counter)
    expect(page.locator('#hero-number')).to_have_text(seen['number'], timeout=2000)
    wait = time.monotonic() + 10
    while len(spoken) < 1 and time.monotonic() < wait:
        page.wait_for_timeout(100)
    assert len(spoken) == 1

    page.context.set_offline(True)
    expect(page.locator('#offline')).to_be_visible(timeout=5000)
    for _ticket in missed:
        api(server, 'POST', '/counters/4/call-next', counter)
    page.context.set_offline(False)
    expect(page.locator('#hero-number')).to_have_text(missed[-1]['number'], timeout=5000)
    expect(page.locator('#hero')).to_have_class(re.compile(r'\bflash\b'))
    wait = time.monotonic() + 20
    while len(spoken) < 3 and time.monotonic() < wait:
        page.wait_for_timeout(100)
    page.evaluate("() => new Promise(r => setTimeout(r, 1500))")  # nothing more comes
    page.context.set_offline(True)   # a second blip with nothing missed repeats nothing
    expect(page.locator('#offline')).to_be_visible(timeout=5000)
    page.context.set_offline(False)
    expect(page.locator('#offline')).to_be_hidden(timeout=5000)
    page.wait_for_timeout(1500)
    assert len(spoken) == 3, spoken
    assert all('quầy số bốn' in text for text in spoken)
    assert len(set(spoken)) == 3  # the call shown before the drop is not said again
    assert [text.split(',')[1] for text in spoken] == [' một', ' hai', ' ba']  # D001, D002, D003 in order
