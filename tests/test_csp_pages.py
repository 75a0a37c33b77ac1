"""Every page in Chromium under the Content-Security-Policy: served with it, and nothing it blocks.

The page_in fixture fails any browser test whose pages break the policy (tests/conftest.py); this test
walks every page the server has (the routes of the app, so a page added later is walked too), as the
role that uses it, and checks that the collector itself sees a violation when there is one.
"""
import time

import pytest

from server import create_app
from server.extensions import db
from tests.conftest import csp_violations
from tests.helpers import call_api, log_in_new_admin
from tests.pages import expect_page, open_board, open_kiosk, take_ticket

NOT_PAGES = ('.xlsx', '.csv', '.png', '.wav', '.json')
DEVICE_PAGES = {'/kiosk': 'kiosk', '/display': 'display'}
PASSWORD = 'kiem-tra-csp-1'


def page_paths(data_dir):
    """Every GET route without arguments that answers HTML (files, the API, devices' pages left out)."""
    app = create_app({'DATA_DIR': str(data_dir), 'SCHEDULER': False, 'PRINTING': False, 'TESTING': True})
    db.obj.close_all()
    rules = [rule for rule in app.url_map.iter_rules() if 'GET' in rule.methods and not rule.arguments]
    return sorted(rule.rule for rule in rules if not rule.rule.startswith(('/api/', '/socket.io'))
                  and not rule.rule.endswith(NOT_PAGES) and rule.rule not in DEVICE_PAGES)


def wait_in_page(page, expression, timeout=15.0):
    """Poll an expression in the page (wait_for_function evaluates strings, which the policy forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, 'not true within %s s: %s' % (timeout, expression)
        page.wait_for_timeout(100)


def policy_of(response):
    assert response is not None and response.ok, response
    policy = response.headers.get('content-security-policy', '')
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    return policy


@pytest.mark.browser
@pytest.mark.slow
def test_every_page_keeps_to_the_policy(live_server, page_in, tmp_path):
    server = live_server(demo=True)
    admin = server.token('admin')
    status, ticket = call_api(server, 'POST', '/tickets', admin, {'service': 'CT', 'print': False})
    assert status == 201
    paths = page_paths(tmp_path / 'routes')
    assert {'/', '/login', '/admin', '/counter', '/desk', '/hotline', '/hotline/day'} <= set(paths)

    staff = page_in(1366, 800)
    for path in ('/', '/login', ticket['track_url'][len(server.url):]):
        policy_of(staff.goto(server.url + path))
    log_in_new_admin(staff, server, PASSWORD)
    for path in paths:
        if path in ('/login',):
            continue
        policy_of(staff.goto(server.url + path))
        staff.wait_for_load_state('load')
    # The day list's print button works from its script file (it was an onclick attribute).
    policy_of(staff.goto(server.url + '/hotline/day'))
    staff.evaluate('window.print = () => { window.printed = true; }')
    staff.click('[data-print]')
    assert staff.evaluate('window.printed') is True

    expect = expect_page()
    kiosk = open_kiosk(page_in, server)
    policy_of(kiosk.reload())
    expect(kiosk.locator('.service').first).to_be_enabled()
    kiosk.locator('.service', has_text='Chứng thực').click()
    assert take_ticket(kiosk)['number']
    expect(kiosk.locator('#ticket-number')).to_be_visible()

    board = open_board(page_in, server)
    board.add_init_script(RECORD_PLAYBACK)
    policy_of(board.reload())
    expect(board.locator('.tile').first).to_be_visible()
    status, called = call_api(server, 'POST', '/counters/1/call-next', admin)
    assert status == 200
    expect(board.locator('#hero-number')).to_have_text(called['number'], timeout=15000)
    # The board speaks the call from a blob: URL: media-src 'self' blob: lets it play.
    wait_in_page(board, 'window.__played.some((src) => src.startsWith("blob:"))')
    assert not [src for src in board.evaluate('window.__played') if src.startswith('failed')]


RECORD_PLAYBACK = """window.__played = [];
const originalPlay = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  const playing = originalPlay.call(this);
  const src = this.currentSrc || this.src;
  playing.then(() => window.__played.push(src), (error) => window.__played.push('failed ' + error.name + ' ' + src));
  return playing;
};"""


@pytest.mark.browser
def test_the_collector_sees_what_the_policy_blocks(live_server, browser):
    """So that an empty list means a page broke nothing, not that nothing was watched."""
    server = live_server()
    context = browser.new_context()
    try:
        found = csp_violations(context)
        page = context.new_page()
        policy_of(page.goto(server.url + '/login'))
        page.evaluate("""document.body.insertAdjacentHTML('beforeend',
            '<p style="color: red">x</p><img src="/static/none.png" onerror="window.ran = true">')""")
        deadline = time.monotonic() + 10
        while len(found) < 2 and time.monotonic() < deadline:
            page.wait_for_timeout(100)      # Playwright hands over console events while it is called
        assert page.evaluate('window.ran') is None
        assert any('style-src' in text for text in found) and any('script-src' in text for text in found)
    finally:
        context.close()
