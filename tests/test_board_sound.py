"""The board's voice: a browser that refuses sound without a gesture gets a one-time instruction (the calls
keep showing meanwhile), a key press turns the voice on and says the waiting call; a browser started with
autoplay allowed never shows it; the console gives the launch lines with the office's address."""
import html
import json
import re
import time

import pytest

from tests.conftest import CHROMIUM, bearer, csp_violations
from tests.helpers import api
from tests.pages import WAIT, screenshot
from tests.test_board_page import settle

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with the reason
    expect = None

# Chromium's own desktop default (a fresh profile): sound only after the page was clicked or typed on.
STRICT = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
          '--autoplay-policy=document-user-activation-required']


def spoken_texts(page):
    """The words the page asks the server to speak, as it asks."""
    spoken = []
    page.on('request', lambda r: '/display/speech.wav' in r.url and r.method == 'POST'
            and spoken.append(json.loads(r.post_data)['text']))
    return spoken


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


def prompt_problems(page):
    """What is wrong with the instruction's layout: clipped text, outside the window, over the big panel."""
    return page.evaluate('''() => {
        const box = document.getElementById('sound');
        const bad = [...box.querySelectorAll('*')].concat([box])
            .filter(e => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1)
            .map(e => e.className || e.id);
        const r = box.getBoundingClientRect();
        if (r.bottom > innerHeight || r.right > innerWidth || r.left < 0) bad.push('outside the window');
        if (document.getElementById('hero').getBoundingClientRect().bottom > r.top) bad.push('covers the call');
        return bad;
    }''')


@pytest.mark.browser
def test_a_board_the_browser_keeps_silent_asks_once_for_a_key(live_server, browser):
    server = live_server(demo=True)
    kiosk, counter = server.token('kiosk'), server.token('counter')
    strict = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=STRICT)
    try:
        context = strict.new_context(viewport={'width': 1920, 'height': 1080}, locale='vi-VN')
        violations = csp_violations(context)
        page = context.new_page()
        spoken = spoken_texts(page)
        page.goto(server.url + '/display?token=' + server.token('display'))
        expect(page.locator('body')).to_have_attribute('data-sound', 'blocked', timeout=WAIT)
        prompt = page.locator('#sound')
        expect(prompt).to_be_visible()
        expect(prompt.locator('h2')).to_have_text('Bật giọng đọc số')
        expect(prompt).to_contain_text('Bấm một phím bất kỳ hoặc nhấp chuột một lần')
        expect(prompt).to_contain_text('Trình duyệt chỉ cho phát âm thanh sau khi có người bấm')

        # Locked: the call still shows and flashes; only its voice waits.
        ticket = api(server, 'POST', '/tickets', kiosk, {'service': 'CT', 'print': False})
        api(server, 'POST', '/counters/1/call-next', counter)
        expect(page.locator('#hero-number')).to_have_text(ticket['number'], timeout=2000)
        expect(page.locator('#hero')).to_have_class(re.compile(r'\bflash\b'))
        for width, height in [(1920, 1080), (1366, 768), (1080, 1920)]:
            page.set_viewport_size({'width': width, 'height': height})
            settle(page)
            assert prompt_problems(page) == [], (width, height)
            # Read across a hall: the heading and the one thing to do are big on every screen.
            heading, action = (prompt.locator(s).bounding_box() for s in ('h2', '.b-sound-do'))
            assert heading['height'] >= 0.05 * min(width, height), (width, height, heading)
            assert action['height'] >= 0.025 * min(width, height), (width, height, action)
            screenshot(page, 'board-sound-%dx%d' % (width, height))
        assert spoken == []

        page.set_viewport_size({'width': 1920, 'height': 1080})
        page.keyboard.press('Space')
        expect(prompt).to_be_hidden()
        expect(page.locator('body')).to_have_attribute('data-sound', 'on')
        assert wait_for(lambda: spoken), 'the call that waited was not said once sound was on'
        assert spoken[0].startswith('Mời số A') and 'quầy số một' in spoken[0]

        page.reload()   # the same browser session: not asked again
        expect(page.locator('.tile').first).to_be_visible(timeout=WAIT)
        expect(page.locator('body')).to_have_attribute('data-sound', re.compile('^(on|blocked)$'), timeout=WAIT)
        expect(page.locator('#sound:not(.small)')).to_be_hidden()
        assert violations == []
    finally:
        strict.close()


@pytest.mark.browser
def test_a_board_started_with_autoplay_allowed_never_asks(live_server, page_in):
    """The tests' browser is started as the console says (--autoplay-policy=no-user-gesture-required)."""
    server = live_server(demo=True)
    page = page_in(1366, 768)
    spoken = spoken_texts(page)
    page.goto(server.url + '/display?token=' + server.token('display'))
    expect(page.locator('body')).to_have_attribute('data-sound', 'on', timeout=WAIT)
    ticket = api(server, 'POST', '/tickets', server.token('kiosk'), {'service': 'HT', 'print': False})
    api(server, 'POST', '/counters/3/call-next', server.token('counter'))
    expect(page.locator('#hero-number')).to_have_text(ticket['number'], timeout=2000)
    assert wait_for(lambda: spoken)
    expect(page.locator('#sound')).to_be_hidden()


def test_the_instruction_follows_the_board_language(client, tokens):
    client.get('/display?token=' + tokens['display'])
    assert 'Bật giọng đọc số' in client.get('/display').get_data(as_text=True)
    client.set_cookie('lang', 'en')
    text = client.get('/display').get_data(as_text=True)
    assert 'Turn on the voice' in text and 'Press any key or click once' in text


def test_the_console_gives_the_launch_lines_with_the_office_address(client, tokens, monkeypatch):
    """Opened on the server itself (localhost), the console names the address the TVs can reach."""
    monkeypatch.setattr('server.pages.admin.lan_addresses', lambda: ['127.0.1.1', '192.168.1.10'])
    page = client.get('/admin/boards', headers=bearer(tokens['admin'])).get_data(as_text=True)
    lines = re.findall(r'<textarea id="launch-\d+" rows="2" readonly>([^<]+)</textarea>', page)
    autoplay = '--autoplay-policy=no-user-gesture-required'
    assert len(lines) == 3 and all('--kiosk' in line and autoplay in line for line in lines), lines
    assert all(html.unescape(line).count('http://192.168.1.10/display') == 1 for line in lines)
    edge, chrome, linux = map(html.unescape, lines)
    assert edge.startswith('"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --kiosk ')
    assert '--edge-kiosk-type=fullscreen' in edge and chrome.endswith(' http://192.168.1.10/display')
    assert linux.startswith('chromium --kiosk ') and 'localhost' not in page.split('id="board-launch"')[1]
