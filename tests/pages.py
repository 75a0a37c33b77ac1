"""Plain helpers shared by the browser tests (Chromium through Playwright): waits, screenshots, kiosks, boards."""
import os
from pathlib import Path

WAIT = 10_000   # ms: every browser wait is bounded
KIOSK_SIZES = [(1920, 1080), (1366, 768), (1080, 1920), (1280, 800)]


def expect_page():
    """Playwright's expect, waiting up to 10 s."""
    from playwright.sync_api import expect
    expect.set_options(timeout=WAIT)
    return expect


def screenshot(page, name, attempts=3, **options):
    """Keep a screenshot `name`.png where LUOT_SHOTS points, for people to look at (none when it is unset).
    Chromium sometimes refuses one under load, so try again."""
    from playwright.sync_api import Error as PlaywrightError
    folder = os.environ.get('LUOT_SHOTS')
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for attempt in range(attempts):
        try:
            page.screenshot(path=str(Path(folder) / (name + '.png')), **options)
            return
        except PlaywrightError:
            if attempt == attempts - 1:
                raise
            page.wait_for_timeout(500)


def paired(client, tokens):
    """Pair a Flask test client as a kiosk; the kiosk page it then gets."""
    answer = client.get('/kiosk?token=' + tokens['kiosk'])
    assert answer.status_code == 302 and answer.headers['Location'].endswith('/kiosk')
    return client.get('/kiosk')


def open_kiosk(page_in, server, width=1280, height=800):
    """Pair a fresh browser as a kiosk and wait until it is connected (the buttons come alive)."""
    from playwright.sync_api import expect
    page = page_in(width, height)
    page.goto(server.url + '/kiosk?token=' + server.token('kiosk'))
    expect(page.locator('.service').first).to_be_enabled(timeout=WAIT)
    assert page.url == server.url + '/kiosk'    # the token left the address bar
    return page


def take_ticket(page):
    """Tap "Lấy số" on a kiosk and return the API's answer to it."""
    with page.expect_response(lambda r: r.url.endswith('/api/v1/tickets') and r.request.method == 'POST',
                              timeout=WAIT) as answer:
        page.click('#issue')
    return answer.value.json()


def kiosk_fits(page, screen, size):
    """No scrollbar, and every button of the kiosk's screen inside the window; a screenshot to look at."""
    screenshot(page, 'kiosk-%s-%s' % (screen, size))
    scroll = page.evaluate('[document.documentElement.scrollHeight, innerHeight, '
                           'document.documentElement.scrollWidth, innerWidth]')
    assert scroll[0] <= scroll[1] and scroll[2] <= scroll[3], (screen, size, scroll)
    lowest = page.evaluate("Math.max(...[...document.querySelectorAll('.screen:not([hidden]) button')]"
                           ".map(b => b.getBoundingClientRect().bottom))")
    assert lowest <= scroll[1], (screen, size, lowest)


def open_board(page_in, server, query='', size=(1920, 1080)):
    """A browser paired as a TV board, once its first snapshot shows."""
    from playwright.sync_api import expect
    page = page_in(*size)
    page.goto(server.url + '/display?token=' + server.token('display') + query)
    expect(page.locator('.tile').first).to_be_visible(timeout=5000)
    return page
