"""The console's reports page in Chromium: choosing a range, the SVG charts and their bars, the A4 print styles."""
import datetime

import pytest

from tests.helpers import api, issue, log_in_page
from tests.pages import expect_page, screenshot


def busy_morning(server):
    """Three tickets of the first service a counter serves: one served, one absent, one waiting."""
    admin, kiosk, counter = server.token('admin'), server.token('kiosk'), server.token('counter')
    desk = next(c for c in api(server, 'GET', '/counters', admin) if c['services'])
    made = [issue(server, kiosk, desk['services'][0]) for _ in range(3)]
    first = api(server, 'POST', '/counters/%d/call-next' % desk['number'], counter)
    api(server, 'POST', '/tickets/%d/complete' % first['id'], counter)
    second = api(server, 'POST', '/counters/%d/call-next' % desk['number'], counter)
    api(server, 'POST', '/tickets/%d/no-show' % second['id'], counter)
    return admin, made


@pytest.mark.browser
def test_the_reports_page_draws_its_charts_and_prints_on_a4(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    admin, _made = busy_morning(server)
    page = page_in(1920, 1080)
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    log_in_page(page, server, '/admin/reports', 'admin', server.password('admin'))
    today = api(server, 'GET', '/reports', admin)
    day = datetime.date.fromisoformat(today['from'])
    expect(page.locator('#report-period')).to_have_text('Ngày ' + day.strftime('%d/%m/%Y'))
    expect(page.locator('.card-figure .figure').first).to_have_text('3')

    # The charts: one bar per service and series, one column per hour shown and period, one bar per score.
    services = len(today['services'])
    assert services >= 2
    expect(page.locator('#chart-services svg rect.bar')).to_have_count(3 * services)
    expect(page.locator('#chart-counters svg rect.bar')).to_have_count(3 * len(today['counters']))
    busy = [row['hour'] for row in today['hours'] + today['previous']['hours'] if row['arrivals']]
    shown_hours = max(busy + [16]) - min(busy + [7]) + 1
    expect(page.locator('#chart-hours svg rect.bar')).to_have_count(2 * shown_hours)
    expect(page.locator('#chart-hours svg rect.bar[data-series="arrivals"][data-value="3"]')).to_have_count(1)
    expect(page.locator('#chart-satisfaction svg rect.bar')).to_have_count(8)
    served = page.locator('#chart-services rect.bar[data-series="served"][data-value="1"]')
    expect(served).to_have_count(1)
    assert float(served.get_attribute('width')) > 0
    screenshot(page, 'reports-today-1920x1080', full_page=True)

    # Presets and a typed range keep dd/mm/yyyy and say which period they compare with.
    page.get_by_role('link', name='Tuần này', exact=True).click()
    monday = day - datetime.timedelta(days=day.weekday())
    sunday = monday + datetime.timedelta(days=6)
    expect(page.locator('#report-period')).to_have_text('Từ %s đến %s' % (monday.strftime('%d/%m/%Y'),
                                                                          sunday.strftime('%d/%m/%Y')))
    expect(page.locator('input[name="from"]')).to_have_value(monday.strftime('%d/%m/%Y'))
    page.fill('input[name="from"]', '01/%s' % day.strftime('%m/%Y'))
    page.fill('input[name="to"]', day.strftime('%d/%m/%Y'))
    page.get_by_role('button', name='Xem báo cáo').click()
    expect(page.locator('#report-period')).to_contain_text('Từ 01/%s' % day.strftime('%m/%Y'))
    expect(page.locator('#report-previous')).to_contain_text('So với kỳ trước')
    expect(page.locator('a[href*="report.xlsx?from=01"]')).to_have_count(1)
    expect(page.locator('a[href*="report.csv?from=01"]')).to_have_count(1)
    expect(page.get_by_role('button', name='In báo cáo')).to_be_visible()

    # The print stylesheet: an A4 page rule, and in print the console's navigation and the form are gone.
    page_rules = page.evaluate('''() => [...document.styleSheets].flatMap(sheet => [...sheet.cssRules])
        .filter(rule => rule instanceof CSSPageRule).map(rule => rule.style.getPropertyValue('size'))''')
    assert len(page_rules) == 1 and page_rules[0].lower().startswith('a4'), page_rules   # Chromium writes 'a4'
    page.set_viewport_size({'width': 794, 'height': 1123})      # an A4 page at 96 dpi
    page.emulate_media(media='print')
    expect(page.locator('.admin-nav')).to_be_hidden()
    expect(page.locator('.topbar')).to_be_hidden()
    expect(page.locator('form.report-range')).to_be_hidden()
    expect(page.locator('#chart-hours svg')).to_be_visible()
    assert page.evaluate('() => document.documentElement.scrollWidth') <= 794, 'wider than an A4 page'
    screenshot(page, 'reports-print-a4', full_page=True)
    page.emulate_media(media='screen')

    page.set_viewport_size({'width': 1366, 'height': 768})
    page.goto(server.url + '/admin/reports')
    expect(page.locator('#chart-hours svg rect.bar')).to_have_count(2 * shown_hours)
    fits = page.evaluate('() => document.documentElement.scrollWidth <= window.innerWidth')
    assert fits, 'the page scrolls sideways at 1366 px'
    screenshot(page, 'reports-today-1366x768', full_page=True)
    assert errors == []
