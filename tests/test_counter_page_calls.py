"""The counter page in Chromium (issue 19, point 6): a paused counter asks to resume before calling, one number
called by name, an absence undone within its seconds and taking effect after them, called back from today's
absent list, a transfer's note shown at the receiving counter, and closing the counter for the day."""
import re

import pytest

from tests.helpers import call_api, issue, log_in_page
from tests.pages import expect_page, screenshot

SIZES = ((1366, 768), (1920, 1080))


def open_counter(page, server, expect, number, username):
    log_in_page(page, server, '/counter?counter=%d' % number, username, server.password(username))
    expect(page.locator('#counter-name')).to_contain_text('Quầy %d' % number)
    expect(page.locator('#live')).to_have_class(re.compile(r'\bup\b'))


def shots(page, name):
    """The page now at both sizes."""
    for width, height in SIZES:
        page.set_viewport_size({'width': width, 'height': height})
        screenshot(page, '%s-%dx%d' % (name, width, height))
    page.set_viewport_size({'width': SIZES[0][0], 'height': SIZES[0][1]})


@pytest.mark.browser
def test_pause_call_by_number_undo_absence_and_call_back(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    desk = server.token('desk')
    page = page_in(*SIZES[0])
    open_counter(page, server, expect, 1, 'quay1')
    first, second, third = (issue(server, desk, 'CT', name=name) for name in ('Nguyễn Văn An', 'Phạm Thị Hoa', None))
    expect(page.locator('#lines [data-service=CT] .count')).to_have_text('3 người chờ')
    # Paused, a call asks first; staying paused calls nobody, resuming calls.
    page.keyboard.press('p')
    expect(page.locator('#counter-state')).to_have_text('Đang tạm dừng')
    page.keyboard.press('Space')
    resume = page.locator('#resume-dialog')
    expect(resume.locator('h2')).to_have_text('Quầy đang tạm dừng. Tiếp tục và gọi số tiếp?')
    shots(page, 'counter-resume-question')
    page.keyboard.press('Escape')
    expect(page.locator('#message')).to_have_text('Quầy vẫn tạm dừng: chưa gọi ai.')
    assert call_api(server, 'GET', '/tickets/%d' % first['id'], desk)[1]['status'] == 'waiting'
    page.keyboard.press('g')
    expect(resume).to_be_visible()
    page.keyboard.press('Enter')
    expect(page.locator('#cur-number')).to_have_text(first['number'])
    expect(page.locator('#counter-state')).to_have_text('Đang mở')
    # One number by name: S, type it as people say it, Enter.
    page.keyboard.press('s')
    expect(page.locator('#call-number-input')).to_be_focused()
    page.keyboard.type(third['number'].lower().replace('00', ''))
    page.keyboard.press('Enter')
    expect(page.locator('#cur-number')).to_have_text(third['number'])
    expect(page.locator('#message')).to_have_text('Đã gọi số %s' % third['number'])
    page.fill('#call-number-input', 'A999')
    page.click('button[data-action=call_number]')
    expect(page.locator('#message')).to_have_text('Hôm nay không có số A999.')
    # An absence waits a few seconds: undone, nothing is recorded.
    expect(page.locator('[data-action=no_show]')).to_be_enabled()   # the page is idle again
    page.keyboard.press('v')
    bar = page.locator('#undo-bar')
    expect(bar).to_contain_text('Số %s sẽ được ghi vắng mặt sau' % third['number'])
    page.keyboard.press('z')
    expect(bar).to_be_hidden()
    expect(page.locator('#message')).to_have_text('Đã hoàn tác: số %s chưa bị ghi vắng mặt.' % third['number'])
    page.wait_for_timeout(5500)   # past the window: still nothing sent
    assert call_api(server, 'GET', '/tickets/%d' % third['id'], desk)[1]['status'] == 'called'
    # Not undone, it takes effect when the seconds are up.
    page.click('[data-action=no_show]')
    expect(bar).to_be_visible()
    assert call_api(server, 'GET', '/tickets/%d' % third['id'], desk)[1]['status'] == 'called'
    shots(page, 'counter-undo-absence')
    expect(page.locator('#current-empty')).to_be_visible()
    expect(bar).to_be_hidden()
    assert call_api(server, 'GET', '/tickets/%d' % third['id'], desk)[1]['status'] == 'no_show'
    # Today's absent list: one tap calls the citizen back.
    absent = page.locator('#absent li[data-ticket="%d"]' % third['id'])
    expect(absent).to_contain_text(third['number'])
    expect(absent.locator('button')).to_have_text('Gọi lại')
    shots(page, 'counter-absent-list')
    absent.locator('button').click()
    expect(page.locator('#cur-number')).to_have_text(third['number'])
    expect(page.locator('#message')).to_have_text('Đã gọi lại số %s' % third['number'])
    expect(page.locator('#absent')).to_contain_text('Chưa có ai vắng mặt.')
    assert call_api(server, 'GET', '/tickets/%d' % second['id'], desk)[1]['status'] == 'waiting'


@pytest.mark.browser
def test_a_transfer_note_reaches_the_next_counter_and_closing_for_the_day(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    desk = server.token('desk')
    page = page_in(*SIZES[1])
    open_counter(page, server, expect, 1, 'quay1')
    ticket = issue(server, desk, 'CT', name='Lê Văn Cường')
    page.click('[data-action=next]')
    expect(page.locator('#cur-number')).to_have_text(ticket['number'])
    expect(page.locator('#cur-note')).to_be_hidden()
    page.keyboard.press('c')
    dialog = page.locator('#service-dialog')
    dialog.locator('#transfer-note').fill('Đã xem CCCD, cần bản sao giấy khai sinh')
    dialog.locator('#transfer-note').press('Enter')   # does not close the dialog without a line chosen
    expect(dialog).to_be_visible()
    dialog.locator('[data-service=HT]').click()
    expect(page.locator('#message')).to_have_text('Đã chuyển số %s sang Hộ tịch' % ticket['number'])
    other = page_in(*SIZES[0])
    open_counter(other, server, expect, 3, 'quay2')
    other.click('[data-action=next]')
    expect(other.locator('#cur-number')).to_have_text(ticket['number'])
    expect(other.locator('#cur-note')).to_have_text('Ghi chú khi chuyển: Đã xem CCCD, cần bản sao giấy khai sinh')
    shots(other, 'counter-transfer-note')
    # Closing counter 3 for the day with the citizen at it: first how they leave, then closed.
    other.click('[data-action=close]')
    close = other.locator('#close-dialog')
    expect(close.locator('#close-dialog-title')).to_have_text('Bạn đang phục vụ số %s' % ticket['number'])
    shots(other, 'counter-close-with-citizen')
    close.locator('[data-leave=hand_back]').click()
    expect(other.locator('#counter-state')).to_have_text('Đang đóng')
    expect(other.locator('#message')).to_have_text('Đã đóng quầy. Bấm "Mở quầy" khi làm việc tiếp.')
    expect(other.locator('#pause-label')).to_have_text('Mở quầy')
    back = call_api(server, 'GET', '/tickets/%d' % ticket['id'], desk)[1]
    assert (back['status'], back['service']) == ('waiting', 'HT')
    # Counter 1, with nobody at it, is asked once and closes.
    page.click('[data-action=close]')
    close = page.locator('#close-dialog')
    expect(close).to_contain_text('Đóng quầy hôm nay?')
    shots(page, 'counter-close-confirm')
    close.locator('button[value=cancel]').click()
    expect(page.locator('#counter-state')).to_have_text('Đang mở')
    page.click('[data-action=close]')
    close.locator('[data-leave=none]').click()
    expect(page.locator('#counter-state')).to_have_text('Đang đóng')
    counters = call_api(server, 'GET', '/counters', desk)[1]
    assert [c['active'] for c in counters if c['number'] in (1, 3)] == [False, False]
