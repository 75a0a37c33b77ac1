"""Procedures in the pages: the kiosk finds a service by a procedure's name, the console imports a list and
prints an A4 sheet of QR codes per service (Chromium, with screenshots to look at)."""
import re

import pytest
import segno

from server.booking import catalogue
from tests.conftest import bearer
from tests.helpers import api, embedded_json, log_in_new_admin
from tests.pages import WAIT, expect_page, kiosk_fits, open_kiosk, paired, screenshot, take_ticket

API = '/api/v1'


def type_letters(page, text):
    for key in text:
        page.click('#screen-procedures .key[data-key="%s"]' % ('space' if key == ' ' else key))


def test_the_kiosk_knows_the_catalogue_names_with_no_set_up(client, office, tokens):
    """The office fixture's Hộ tịch has no procedures of its own: the catalogue's names still find it."""
    index = embedded_json(paired(client, tokens).get_data(as_text=True), 'procedure-index')
    birth = next(entry for entry in index if entry['name'] == 'Đăng ký khai sinh')
    assert birth['code'] == 'HT' and 'khai sinh' in birth['terms']
    assert {entry['code'] for entry in index} == {'CT', 'HT'}
    # the office's own procedure comes first and is not doubled by the catalogue's of the same name
    client.post(API + '/procedures', headers=bearer(tokens['admin']),
                json={'service': 'HT', 'name': 'đăng ký KHAI SINH', 'aliases': ['làm giấy khai sinh']})
    index = embedded_json(client.get('/kiosk').get_data(as_text=True), 'procedure-index')
    assert index[0]['name'] == 'đăng ký KHAI SINH'
    assert [entry['name'].casefold() for entry in index].count('đăng ký khai sinh') == 1
    # a procedure taken from the catalogue and renamed is not found twice
    client.post(API + '/services', headers=bearer(tokens['admin']),
                json={'code': 'VH', 'name': 'Văn hóa', 'prefix': 'V'})
    festival = next(p for p in client.get(API + '/procedures', headers=bearer(tokens['admin'])).get_json()
                    if p['catalogue_key'] == 'vh-dang-ky-le-hoi')
    client.patch(API + '/procedures/%d' % festival['id'], headers=bearer(tokens['admin']),
                 json={'name': 'Đăng ký tổ chức lễ hội'})
    names = [entry['name'] for entry in embedded_json(client.get('/kiosk').get_data(as_text=True), 'procedure-index')
             if entry['code'] == 'VH']
    assert 'Đăng ký tổ chức lễ hội' in names and 'Thủ tục đăng ký tổ chức lễ hội cấp xã' not in names
    assert len(names) == len(catalogue.entries_of('van-hoa'))


@pytest.mark.browser
@pytest.mark.parametrize('size', [(1080, 1920), (1920, 1080)])
def test_typing_khai_sinh_on_the_kiosk_takes_a_ticket_for_ho_tich(live_server, page_in, size):
    expect = expect_page()
    server = live_server(demo=True)
    page = open_kiosk(page_in, server, *size)
    name = '%dx%d' % size
    page.click('#procedures-button')
    expect(page.locator('#procedure-note')).to_contain_text('KHAI SINH')
    type_letters(page, 'KHAI SINH')
    first = page.locator('#procedure-hits .procedure-hit').first
    expect(first).to_contain_text('Đăng ký khai sinh')
    expect(first).to_contain_text('Hộ tịch')
    kiosk_fits(page, 'procedures', name)
    # with the marks, as a keyboard would type them, the same is found
    codes = page.evaluate("async () => (await import('/static/kiosk_procedures.js')).search('Khai Sinh')"
                          ".map(e => e.code + ':' + e.name)")
    assert codes[0] == 'HT:Đăng ký khai sinh'
    assert page.evaluate("async () => (await import('/static/kiosk_procedures.js')).search('ĐẤT ĐAI')"
                         ".every(e => e.code === 'DD')")
    first.click()
    expect(page.locator('#options-service')).to_have_text('Hộ tịch')
    ticket = take_ticket(page)
    assert ticket['service'] == 'HT'
    page.click('#screen-ticket [data-action=start]', timeout=WAIT)


@pytest.mark.browser
def test_nothing_found_says_so_and_back_leads_to_the_start(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    page = open_kiosk(page_in, server, 1366, 768)
    page.click('#procedures-button')
    type_letters(page, 'XQZ')
    expect(page.locator('#procedure-note')).to_contain_text('Không tìm thấy')
    assert page.locator('#procedure-hits li').count() == 0
    page.click('#screen-procedures .key[data-key="clear"]')
    type_letters(page, 'SAO Y')
    expect(page.locator('#procedure-hits .procedure-hit').first).to_contain_text('Chứng thực')
    kiosk_fits(page, 'procedures-sao-y', '1366x768')
    page.click('#screen-procedures [data-action=start]')
    expect(page.locator('#screen-start')).to_be_visible()


def test_the_qr_sheet_holds_each_active_procedures_code(app, client, office, tokens):
    admin = bearer(tokens['admin'])
    app.config['PUBLIC_URL'] = 'http://192.168.1.10:5000'
    made = [client.post(API + '/procedures', headers=admin, json={'service': 'HT', 'name': name}).get_json()
            for name in ('Đăng ký khai sinh', 'Đăng ký khai tử', 'Đăng ký kết hôn')]
    client.patch(API + '/procedures/%d' % made[1]['id'], headers=admin, json={'active': False})
    client.patch(API + '/procedures/%d' % made[2]['id'], headers=admin,
                 json={'guide_url': 'https://dichvucong.gov.vn/ket-hon'})
    html = client.get('/admin/procedures/sheet?service=HT', headers=admin).get_data(as_text=True)
    assert html.count('<svg') == 2 and 'Đăng ký khai tử' not in html
    for link in ('http://192.168.1.10:5000/thu-tuc/%d' % made[0]['id'], 'https://dichvucong.gov.vn/ket-hon'):
        expected = segno.make_qr(link, error='m').svg_inline(scale=1, border=2, omitsize=True, svgclass='qr',
                                                             lineclass=None)
        assert expected in html, link
    assert client.get('/admin/procedures/sheet?service=XX', headers=admin).status_code == 404
    # Without a service: every open service's sheet, one after the other (each starts a printed page).
    client.post(API + '/procedures', headers=admin, json={'service': 'CT', 'name': 'Chứng thực chữ ký'})
    every = client.get('/admin/procedures/sheet', headers=admin).get_data(as_text=True)
    assert every.count('<article class="qr-sheet"') == 2 and every.count('<svg') == 3
    assert every.index('Thủ tục lĩnh vực Chứng thực') < every.index('Thủ tục lĩnh vực Hộ tịch')
    assert client.get('/admin/procedures/sheet?service=HT', headers=bearer(tokens['hotline'])).status_code == 403


@pytest.mark.browser
def test_the_console_imports_a_list_and_prints_an_a4_sheet(live_server, page_in, tmp_path):
    expect = expect_page()
    server = live_server(demo=True)
    page = page_in(1920, 1080)
    log_in_new_admin(page, server)
    page.goto(server.url + '/admin/services')
    form = page.locator('#add-service')
    form.locator('[name="code"]').fill('VH')
    form.locator('[name="name"]').fill('VĂN HOÁ')     # another case and the other place for the mark
    form.locator('[name="prefix"]').fill('V')
    form.locator('button[type="submit"]').click()
    expect(page.locator('#notice')).to_have_text('Đã lưu.')
    page.goto(server.url + '/admin/procedures')
    expect(page.locator('#procedures-VH tbody tr')).to_have_count(len(catalogue.entries_of('van-hoa')))
    expect(page.locator('#procedures-HT')).to_contain_text('Đăng ký khai sinh')
    expect(page.locator('#procedures-HT')).to_contain_text('khai sinh; làm giấy khai sinh')
    screenshot(page, 'admin-procedures-1920x1080', full_page=False)
    listing = tmp_path / 'thu-tuc.csv'
    listing.write_text('Lĩnh vực,Tên thủ tục,Tên gọi ngắn,Đường dẫn hướng dẫn\n'
                       'HT,Đăng ký khai sinh,khai sinh; giấy khai sinh,https://dichvucong.gov.vn/ks\n'
                       'TP,Tư vấn pháp luật miễn phí,tư vấn,\n', encoding='utf-8')
    page.set_input_files('#import-procedures input[type=file]', str(listing))
    page.click('#import-procedures button[type=submit]')
    expect(page.locator('#notice')).to_contain_text('thêm 1, cập nhật 1')
    expect(page.locator('#procedures-TP')).to_contain_text('Tư vấn pháp luật miễn phí')
    bad = tmp_path / 'sai.csv'
    bad.write_text('Lĩnh vực,Tên thủ tục\nHT,Khai sinh\nZZ,Khai tử\n', encoding='utf-8')
    page.set_input_files('#import-procedures input[type=file]', str(bad))
    expect(page.locator('#import-procedures [data-file-name]')).to_have_text('sai.csv')   # not "Choose File"
    page.click('#import-procedures button[type=submit]')
    expect(page.locator('#import-procedures .form-error')).to_contain_text('Dòng 3, cột “Lĩnh vực”')
    marriage = page.locator('#procedures-HT tr').filter(has=page.get_by_text('Đăng ký kết hôn', exact=True))
    marriage.locator('button[data-edit]').click()
    dialog = page.locator('#edit-procedure')
    dialog.locator('[name="aliases"]').fill('kết hôn; cưới')
    dialog.locator('button[type="submit"]').click()
    expect(marriage).to_contain_text('kết hôn; cưới')
    form = page.locator('#catalogue-procedures')
    form.locator('[name="service"]').select_option('CS')
    form.locator('[name="field"]').select_option('van-hoa')
    form.locator('button[type="submit"]').click()
    culture = len(catalogue.entries_of('van-hoa'))
    expect(page.locator('#notice')).to_have_text('Đã thêm %d thủ tục từ danh mục.' % culture)
    expect(page.locator('#procedures-CS')).to_contain_text('Xét tặng danh hiệu Gia đình văn hóa hằng năm')
    page.set_viewport_size({'width': 1366, 'height': 768})
    screenshot(page, 'admin-procedures-1366x768', full_page=False)
    guide = page.locator('#procedures-TP a', has_text='Trang của bộ phận').first
    with page.expect_popup() as opened:
        guide.click()
    public = opened.value
    expect(public.locator('#guide h1')).to_be_visible()
    public.set_viewport_size({'width': 390, 'height': 844})   # the phone that scanned the code
    screenshot(public, 'guide-page-390x844', full_page=True)

    page.goto(server.url + '/admin/procedures/sheet?service=HT')
    count = len(procedures_of(server, 'HT'))
    expect(page.locator('svg.qr')).to_have_count(count)
    screenshot(page, 'procedures-sheet-screen')
    page.emulate_media(media='print')
    assert page.locator('.sheet-tools').is_hidden() and page.locator('.topbar').is_hidden()
    width = page.evaluate("document.querySelector('.qr-card svg').getBoundingClientRect().width")
    assert 120 < width < 160    # 38 mm at 96 px per inch: a code a phone reads from a step away
    screenshot(page, 'procedures-sheet-print', full_page=True)
    pdf = page.pdf(format='A4', print_background=True)
    pages = len(re.findall(rb'/Type\s*/Page[^s]', pdf))
    assert pages == -(-count // 12), (pages, count)    # three across, four down


def procedures_of(server, code):
    return [p for p in api(server, 'GET', '/procedures', server.token('admin')) if p['service'] == code and p['active']]
