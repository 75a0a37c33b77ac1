"""The console's forms in a browser whose own language is English (issue 19, point 4): days and times still
read dd/mm/yyyy and 24-hour, no English validation bubble, the page's own Vietnamese messages, a stale
"Đã lưu." gone when an error shows, and closing a counter asks first, in the page."""
import pytest

from tests.conftest import csp_violations
from tests.helpers import log_in_page
from tests.pages import WAIT, expect_page, screenshot

SIZES = [(1920, 1080), (1366, 768)]


@pytest.fixture
def english_browser_page(browser):
    """A page of a browser set to American English (dates mm/dd/yyyy, times AM/PM in its own pickers)."""
    context = browser.new_context(viewport={'width': 1920, 'height': 1080}, locale='en-US')
    violations = csp_violations(context)
    yield context.new_page()
    context.close()
    assert violations == [], 'the Content-Security-Policy blocked something'


def own_messages_only(page, form):
    """The form's checks are the page's: novalidate, so the browser shows no bubble of its own."""
    assert form.evaluate('form => form.noValidate') is True
    assert page.evaluate('document.querySelectorAll("form:not([novalidate])").length') == 0


@pytest.mark.browser
def test_console_forms_in_an_english_browser(live_server, english_browser_page):
    expect = expect_page()
    server = live_server(demo=True)
    page = english_browser_page
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    log_in_page(page, server, '/admin/calendar', 'admin', server.password('admin'))
    year = int(page.evaluate('new Date().getFullYear()'))

    monday = page.locator('tr[data-weekday="0"]')
    afternoon_end = monday.locator('input[data-session="afternoon"][data-edge="end"]')
    assert afternoon_end.evaluate('input => input.type') == 'text'      # no AM/PM picker
    expect(afternoon_end).to_have_value('17:00')
    form = page.locator('#add-holiday')
    day = form.locator('[name="date"]')
    assert day.evaluate('input => input.type') == 'text'                # no mm/dd picker
    expect(day).to_have_attribute('placeholder', 'dd/mm/yyyy')
    own_messages_only(page, form)

    form.locator('button[type="submit"]').click()                        # nothing typed
    expect(form.locator('.form-error')).to_have_text('Hãy nhập "Ngày".')
    day.fill('11/20/%d' % year)                                          # as an American would type it
    form.locator('[name="name"]').fill('Ngày Nhà giáo')
    form.locator('button[type="submit"]').click()
    expect(form.locator('.form-error')).to_contain_text('"11/20/%d" (Ngày) không hợp lệ' % year)
    day.fill('20/11/%d' % year)
    with page.expect_navigation(timeout=WAIT):
        form.locator('button[type="submit"]').click()
    expect(page.locator('#notice')).to_have_text('Đã lưu.')
    expect(page.locator('#holidays tr[data-date="%d-11-20"]' % year)).to_contain_text('20/11/%d' % year)
    form.locator('[name="date"]').fill('20/11/%d' % year)
    form.locator('[name="name"]').fill('Trùng')
    form.locator('button[type="submit"]').click()
    expect(form.locator('.form-error')).to_have_text('Ngày 20/11/%d đã là ngày nghỉ.' % year)
    expect(page.locator('#notice')).to_be_hidden()                       # no "Đã lưu." beside the error

    afternoon_end.fill('5:00 PM')
    page.locator('#week-hours button[type="submit"]').click()
    expect(page.locator('#week-hours .form-error')).to_contain_text('chưa đúng dạng')
    expect(page.locator('#week-hours .form-error')).to_contain_text('24 giờ')
    screenshot(page, 'console-forms-calendar-en-US-1920x1080', full_page=True)

    page.goto(server.url + '/admin/settings')
    form = page.locator('#settings')
    own_messages_only(page, form)
    reminder = form.locator('[name="reminder_evening_time"]')
    assert reminder.evaluate('input => input.type') == 'text'
    expect(reminder).to_have_value('19:00')
    volume = form.locator('[name="voice_volume"]')
    volume.fill('300')
    form.locator('button[type="submit"]').click()
    expect(form.locator('.form-error')).to_have_text('"Âm lượng (0-100)" phải từ 0 đến 100.')
    volume.evaluate('input => input.removeAttribute("max")')            # past the page's check: the server's
    form.locator('button[type="submit"]').click()
    expect(form.locator('.form-error')).to_contain_text('"Âm lượng (0-100)" phải từ 0 đến 100')
    expect(form.locator('.form-error')).not_to_contain_text('voice_volume')
    volume.fill('90')
    form.locator('button[type="submit"]').click()
    expect(page.locator('#notice')).to_have_text('Đã lưu.')
    expect(form.locator('.form-error')).to_have_text('')                 # the old error went with the save

    page.goto(server.url + '/admin/reports?from=01/%02d/%d&to=02/%02d/%d' % (1, year, 1, year))
    expect(page.locator('input[name="from"]')).to_have_value('01/01/%d' % year)

    for width, height in SIZES:
        page.set_viewport_size({'width': width, 'height': height})
        page.goto(server.url + '/admin/counters')
        row = page.locator('tr[data-number="5"]')
        row.get_by_role('button', name='Đóng', exact=True).click()
        dialog = page.locator('#confirm-dialog')
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text('Đóng quầy số 5')
        screenshot(page, 'console-forms-close-counter-%dx%d' % (width, height))
        dialog.get_by_role('button', name='Không', exact=True).click()
        expect(dialog).to_be_hidden()
        expect(row).to_contain_text('Đang mở')                           # "Không": nothing changed
        page.goto(server.url + '/admin/calendar')
        screenshot(page, 'console-forms-calendar-%dx%d' % (width, height))
    page.goto(server.url + '/admin/counters')
    row = page.locator('tr[data-number="5"]')
    row.get_by_role('button', name='Đóng', exact=True).click()
    with page.expect_navigation(timeout=WAIT):
        page.locator('#confirm-dialog').get_by_role('button', name='Đồng ý').click()
    expect(row).to_contain_text('Đã đóng')
    assert errors == []
