"""The console's Máy in and Tin nhắn SMS sections in Chromium, as a clerk uses them, at 1920x1080 and 1366x768:
a printer added by where it is plugged in, its test ticket printed on a fake network printer and its state
shown live; the SMS gateway set as a form, its password kept unseen, a test SMS sent and a failure explained."""
import pytest

from tests.fake_kannel import FakeKannel
from tests.fake_printer import FakePrinter
from tests.helpers import api, log_in_new_admin
from tests.pages import expect_page, screenshot

# What a clerk reads: the page without its small technical values.
READABLE_TEXT = """() => {
  const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('.tech, dialog:not([open])').forEach((node) => node.remove());
  return main.innerText;
}"""


def readable(page):
    return page.evaluate(READABLE_TEXT)


@pytest.mark.browser
def test_a_clerk_sets_up_a_printer_and_the_sms_gateway(live_server, page_in):
    expect = expect_page()
    server = live_server()
    page = page_in(1920, 1080)
    log_in_new_admin(page, server)
    with FakePrinter() as fake:
        page.goto(server.url + '/admin/printers')
        form = page.locator('#add-printer')
        form.locator('[name=name]').fill('Máy in sảnh')
        form.locator('[name=kind]').select_option('usb')
        expect(form.locator('[name=vendor]')).to_be_visible()
        expect(form.locator('[name=host]')).to_be_hidden()
        form.locator('[name=kind]').select_option('network')
        form.locator('[name=host]').fill('127.0.0.1')
        form.locator('[name=port]').fill(str(fake.port))
        form.locator('button[type=submit]').click()
        row = page.locator('#printers tr[data-printer-id]')
        expect(row).to_contain_text('Máy in mạng 127.0.0.1, cổng %d' % fake.port)
        expect(row.locator('[data-status]')).to_have_text('Chưa rõ trạng thái')
        page.wait_for_load_state()   # the reloaded page's scripts have run: its buttons answer
        expect(page.locator('#notice')).to_have_text('Đã lưu.')   # the save's notice, shown before the test's
        row.get_by_role('button', name='In thử').click()
        expect(page.locator('#notice')).to_have_text('Đã gửi phiếu in thử tới Máy in sảnh. Tình trạng máy in hiện ngay trong bảng.')
        assert len(fake.wait_for_jobs(1, timeout=10)) == 1
        expect(row.locator('[data-status]')).to_have_text('Sẵn sàng')      # live: the page was not reloaded
        # ... at the office's time, whatever the browser's time zone (UTC here; the office is UTC+7).
        [printer] = api(server, 'GET', '/printers', server.token('admin'))
        day, time = printer['status_at'].split('T')
        expect(row.locator('[data-status-at]')).to_have_text('/'.join(reversed(day.split('-'))) + ' ' + time[:5])
        words = readable(page)
        assert 'tcp://' not in words and 'LUOT_PRINTER' not in words
        screenshot(page, 'console-printers-1920x1080', full_page=True)

        row.get_by_role('button', name='Sửa').click()
        dialog = page.locator('#edit-printer')
        expect(dialog.locator('[name=host]')).to_have_value('127.0.0.1')
        expect(dialog.locator('[name=vendor]')).to_be_hidden()
        dialog.locator('[name=kind]').select_option('usb')
        dialog.locator('[name=vendor]').fill('zz')
        dialog.locator('[name=product]').fill('5011')
        dialog.locator('button[type=submit]').click()
        expect(dialog.locator('.form-error')).to_contain_text('Mã hãng (VID)')
        page.set_viewport_size({'width': 1366, 'height': 768})
        screenshot(page, 'console-printer-edit-1366x768')
        dialog.get_by_role('button', name='Hủy').click()
        screenshot(page, 'console-printers-1366x768', full_page=True)

    page.set_viewport_size({'width': 1920, 'height': 1080})
    with FakeKannel() as kannel:
        page.goto(server.url + '/admin/sms')
        gateway = page.locator('#sms-gateway')
        gateway.locator('[name=kind]').select_option('kannel')
        kannel_fields = gateway.locator('[data-for-kind=kannel]')
        kannel_fields.locator('[name=url]').fill(kannel.url)
        kannel_fields.locator('[name=username]').fill('luot')
        kannel_fields.locator('[name=password]').fill('mat-khau-kannel')
        kannel_fields.locator('[name=sender]').fill('8188')
        gateway.locator('button[type=submit]').click()
        expect(page.locator('#notice')).to_have_text('Đã lưu.')
        expect(page.locator('#gateway')).to_contain_text('Kannel')
        expect(kannel_fields.locator('[name=password]')).to_have_attribute('placeholder', 'đã lưu')
        assert 'mat-khau-kannel' not in page.content()
        test = page.locator('#sms-test')
        result = test.locator('[data-test-result]')
        test.locator('[name=phone]').fill('0905123456')
        test.locator('button[type=submit]').click()
        expect(result).to_have_text('Đã gửi tin thử tới 0905123456. Hãy xem điện thoại đã nhận được chưa.')
        assert [(sent['to'], sent['password'], sent['from']) for sent in kannel.sent] == \
            [('0905123456', 'mat-khau-kannel', '8188')]
        screenshot(page, 'console-sms-1920x1080', full_page=True)
    test.locator('button[type=submit]').click()         # Kannel is down now: a state shown, not a crash
    expect(result).to_contain_text('Chưa gửi được tin thử. Không kết nối được cổng SMS')
    page.set_viewport_size({'width': 1366, 'height': 768})
    result.scroll_into_view_if_needed()
    screenshot(page, 'console-sms-1366x768')
