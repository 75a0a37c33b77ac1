"""The rating question in Chromium (issue 20, point 2): on the citizen's phone page once the counter finishes the
ticket (live), and on the tablet paired to a counter, which gets each ticket its counter finishes live, takes
the rating and goes back to waiting; screenshots to look at."""
import re

import pytest

from tests.helpers import api, call_api, log_in_new_admin
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


def test_an_unanswered_question_comes_back_after_a_reload_and_goes_away_after_a_minute(live_server, page_in):
    server = live_server(demo=True)
    kiosk, counter = server.token('kiosk'), server.token('counter')
    page = open_tablet(page_in, server, 3, (1280, 800))
    first, second = (api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False}) for _ in range(2))
    api(server, 'POST', '/counters/3/call-next', counter)
    api(server, 'POST', '/tickets/%d/complete' % first['id'], counter)
    expect(page.locator('#ask-number')).to_have_text('Số ' + first['number'], timeout=WAIT)
    page.reload()                   # its link drops a moment: it asks about the same citizen when it is back
    expect(page.locator('#ask-number')).to_have_text('Số ' + first['number'], timeout=WAIT)
    expect(page.locator('#screen-ask')).to_be_visible()

    page.clock.install()            # the next citizen leaves without answering
    api(server, 'POST', '/counters/3/call-next', counter)
    api(server, 'POST', '/tickets/%d/complete' % second['id'], counter)
    expect(page.locator('#ask-number')).to_have_text('Số ' + second['number'], timeout=WAIT)
    page.clock.run_for(59_000)
    expect(page.locator('#screen-ask')).to_be_visible()
    page.clock.run_for(2_000)
    expect(page.locator('#screen-idle')).to_be_visible(timeout=WAIT)


def test_an_admin_pairs_a_tablet_for_a_counter_by_its_code(live_server, page_in):
    server = live_server(demo=True)
    admin = page_in(1920, 1080)
    log_in_new_admin(admin, server)
    admin.goto(server.url + '/admin/devices')
    device = page_in(1280, 800)
    device.goto(server.url + '/pair')
    expect(device.locator('#code')).to_have_attribute('data-code', re.compile(r'^[0-9]{6}$'), timeout=WAIT)
    code = device.locator('#code').get_attribute('data-code')

    admin.fill('#pair-device input[name=code]', code)
    admin.select_option('#pair-device select[name=role]', 'kiosk')
    use = admin.locator('#pair-device select[name=counter]')
    expect(use).to_be_visible()
    expect(use.locator('option')).to_have_count(1 + len(api(server, 'GET', '/counters', server.token('admin'))))
    expect(admin.locator('#pair-device select[name=printer_id]')).to_be_visible()   # a kiosk taking tickets
    use.select_option('3')
    expect(admin.locator('#pair-device select[name=printer_id]')).to_be_hidden()    # a tablet prints nothing
    admin.fill('#pair-device input[name=name]', 'Máy đánh giá quầy 3')
    screenshot(admin, 'rating-devices-1920x1080-pairing')
    admin.click('#pair-device button[type=submit]')
    expect(admin.locator('#device-list tr', has_text='Máy đánh giá quầy 3')).to_be_visible(timeout=WAIT)

    device.wait_for_url(server.url + '/rate?counter=3', timeout=WAIT)   # the /pair page asks every 2 s
    expect(device.locator('#screen-idle')).to_be_visible(timeout=WAIT)
    expect(device.locator('#offline')).to_be_hidden(timeout=WAIT)
    admin.reload()   # as the server counts it (the live update of the list is test_pairing_page's)
    expect(admin.locator('#device-list tr', has_text='Máy đánh giá quầy 3').locator('[data-link]')).to_have_text(
        'Đang kết nối', timeout=WAIT)
    kiosk, counter = server.token('kiosk'), server.token('counter')
    ticket = api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False})
    api(server, 'POST', '/counters/3/call-next', counter)
    api(server, 'POST', '/tickets/%d/complete' % ticket['id'], counter)
    expect(device.locator('#ask-number')).to_have_text('Số ' + ticket['number'], timeout=WAIT)
    admin.set_viewport_size({'width': 1366, 'height': 768})
    admin.select_option('#pair-device select[name=role]', 'kiosk')
    screenshot(admin, 'rating-devices-1366x768-pairing')
    device.goto(server.url + '/rate')                               # opened bare: choose the counter
    screenshot(device, 'rating-tablet-1280x800-choose')
    no_scrolling(device)
    device.locator('.tablet-choose a', has_text='Quầy 1').click()
    device.wait_for_url(server.url + '/rate?counter=1', timeout=WAIT)
    expect(device.locator('#screen-idle')).to_be_visible(timeout=WAIT)
