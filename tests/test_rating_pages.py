"""The rating question in Chromium (issue 20, point 2): on the citizen's phone page once the counter finishes the
ticket (live), and on the tablet paired to a counter, which gets each ticket its counter finishes live, takes
the rating and goes back to waiting; screenshots to look at."""
import re

import pytest

from tests.helpers import api, call_api
from tests.pages import WAIT, screenshot

expect = pytest.importorskip('playwright.sync_api').expect
pytestmark = pytest.mark.browser


def track_id(ticket):
    return ticket['track_url'].rsplit('/t/', 1)[1]


def no_scrolling(page):
    sizes = page.evaluate('[document.documentElement.scrollHeight, innerHeight, '
                          'document.documentElement.scrollWidth, innerWidth]')
    assert sizes[0] <= sizes[1] and sizes[2] <= sizes[3], sizes


def test_the_phone_asks_once_served_live_and_thanks_after(live_server, page_in):
    server = live_server(demo=True)
    kiosk, counter = server.token('kiosk'), server.token('counter')
    mine = api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False, 'name': 'Nguyễn Văn An'})
    page = page_in(360, 740)
    page.goto(mine['track_url'])
    expect(page.locator('#live')).to_have_text('Trang tự cập nhật, không cần tải lại.', timeout=WAIT)
    expect(page.locator('#rating-ask')).to_be_hidden()
    called = api(server, 'POST', '/counters/3/call-next', counter)
    assert called['id'] == mine['id']
    expect(page.locator('#status')).to_have_text(re.compile('đã gọi', re.I), timeout=WAIT)
    expect(page.locator('#rating-ask')).to_be_hidden()            # called, not yet served: no question

    api(server, 'POST', '/tickets/%d/complete' % mine['id'], counter)
    expect(page.locator('#rating-ask')).to_be_visible(timeout=WAIT)   # live, without a reload
    expect(page.locator('#rating-thanks')).to_be_hidden()
    expect(page.locator('.r-score')).to_have_count(4)
    expect(page.locator('.r-score .r-label')).to_have_text(['Rất hài lòng', 'Hài lòng', 'Bình thường',
                                                            'Không hài lòng'])
    page.locator('#rating-ask').scroll_into_view_if_needed()
    screenshot(page, 'rating-phone-360x740-question')
    for other_size in ((1366, 768), (1920, 1080)):   # opened on a computer
        page.set_viewport_size({'width': other_size[0], 'height': other_size[1]})
        screenshot(page, 'rating-phone-%dx%d-question' % other_size)
    page.set_viewport_size({'width': 360, 'height': 740})
    assert page.evaluate('document.documentElement.scrollWidth <= innerWidth')

    page.click('.r-send')                                          # nothing chosen yet: it says so
    expect(page.locator('.r-message')).to_have_text('Xin chọn một mức đánh giá ở trên.')
    page.click('.r-score-3')
    expect(page.locator('.r-score-3')).to_have_attribute('aria-pressed', 'true')
    page.fill('textarea[name="comment"]', 'Cán bộ hướng dẫn rõ ràng')
    screenshot(page, 'rating-phone-360x740-chosen')
    with page.expect_response(lambda r: r.url.endswith('/api/v1/ratings'), timeout=WAIT) as answer:
        page.click('.r-send')
    assert answer.value.status == 201
    expect(page.locator('#rating-thanks')).to_have_text('Cảm ơn ông/bà đã đánh giá', timeout=WAIT)
    expect(page.locator('#rating-ask')).to_be_hidden()
    screenshot(page, 'rating-phone-360x740-thanks')

    page.reload()                                                   # never asked again
    expect(page.locator('#rating-thanks')).to_be_visible(timeout=WAIT)
    expect(page.locator('#rating-ask')).to_be_hidden()
    status, again = call_api(server, 'POST', '/ratings', kiosk, {'track_id': track_id(mine), 'score': 1})
    assert status == 409 and again['error']['code'] == 'already_rated'


def open_tablet(page_in, server, counter, size):
    page = page_in(*size)
    page.goto(server.url + '/rate?counter=%d&token=%s' % (counter, server.token('kiosk', 'tablet %d' % counter)))
    expect(page.locator('#screen-idle')).to_be_visible(timeout=WAIT)
    assert page.url == server.url + '/rate?counter=%d' % counter
    expect(page.locator('#offline')).to_be_hidden(timeout=WAIT)
    return page


@pytest.mark.parametrize('size', [(1280, 800), (800, 1280)])
def test_the_tablet_asks_for_each_ticket_its_counter_finishes(live_server, page_in, size):
    server = live_server(demo=True)
    kiosk, counter = server.token('kiosk'), server.token('counter')
    page = open_tablet(page_in, server, 3, size)
    other = open_tablet(page_in, server, 1, size)                   # another counter's tablet stays idle
    shape = '%dx%d' % size
    screenshot(page, 'rating-tablet-%s-idle' % shape)
    no_scrolling(page)

    first = api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False, 'name': 'Trần Thị Bình',
                                                    'phone': '0905123456'})
    second = api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False})
    api(server, 'POST', '/counters/3/call-next', counter)
    expect(page.locator('#screen-idle')).to_be_visible()           # called, not finished
    api(server, 'POST', '/tickets/%d/complete' % first['id'], counter)
    expect(page.locator('#screen-ask')).to_be_visible(timeout=WAIT)
    expect(page.locator('#ask-number')).to_have_text('Số ' + first['number'])
    html = page.content()
    assert 'Trần' not in html and '0905123456' not in html          # number and track id only
    screenshot(page, 'rating-tablet-%s-question' % shape)
    no_scrolling(page)
    if size == (1280, 800):   # a bigger screen at a counter too: the same one screen, no scrolling
        for other_size in ((1920, 1080), (1366, 768)):
            page.set_viewport_size({'width': other_size[0], 'height': other_size[1]})
            screenshot(page, 'rating-tablet-%dx%d-question' % other_size)
            no_scrolling(page)
        page.set_viewport_size({'width': size[0], 'height': size[1]})
    expect(other.locator('#screen-idle')).to_be_visible()

    page.click('.r-score-4')
    page.fill('textarea[name="comment"]', 'Nhanh gọn')
    with page.expect_response(lambda r: r.url.endswith('/api/v1/ratings'), timeout=WAIT) as answer:
        page.click('.r-send')
    assert answer.value.status == 201
    assert answer.value.request.post_data_json == {'track_id': track_id(first), 'score': 4, 'comment': 'Nhanh gọn',
                                                   'source': 'tablet'}
    expect(page.locator('#screen-thanks')).to_be_visible(timeout=WAIT)
    expect(page.locator('#thanks-text')).to_have_text('Cảm ơn ông/bà đã đánh giá')
    screenshot(page, 'rating-tablet-%s-thanks' % shape)
    expect(page.locator('#screen-idle')).to_be_visible(timeout=WAIT)   # back to waiting after a few seconds

    # The phone was first this time: the tablet stops asking, and a second rating is refused.
    api(server, 'POST', '/counters/3/call-next', counter)
    api(server, 'POST', '/tickets/%d/complete' % second['id'], counter)
    expect(page.locator('#ask-number')).to_have_text('Số ' + second['number'], timeout=WAIT)
    assert call_api(server, 'POST', '/ratings', kiosk, {'track_id': track_id(second), 'score': 2})[0] == 201
    expect(page.locator('#screen-thanks')).to_be_visible(timeout=WAIT)
    expect(page.locator('#screen-idle')).to_be_visible(timeout=WAIT)
    expect(other.locator('#screen-idle')).to_be_visible()


def test_an_unanswered_question_goes_away_and_a_late_answer_is_refused_kindly(live_server, page_in):
    server = live_server(demo=True, env={})
    kiosk, counter = server.token('kiosk'), server.token('counter')
    page = open_tablet(page_in, server, 3, (1280, 800))
    page.clock.install()
    ticket = api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False})
    api(server, 'POST', '/counters/3/call-next', counter)
    api(server, 'POST', '/tickets/%d/complete' % ticket['id'], counter)
    expect(page.locator('#screen-ask')).to_be_visible(timeout=WAIT)
    page.clock.run_for(59_000)
    expect(page.locator('#screen-ask')).to_be_visible()
    page.clock.run_for(2_000)
    expect(page.locator('#screen-idle')).to_be_visible(timeout=WAIT)
