"""Procedures through the API: a service named after a standard field gets the catalogue's procedures, the list
goes out and back in as CSV or XLSX (all or nothing, refusals naming the row), and each has a public guide page."""
import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from server.booking import catalogue
from tests.conftest import bearer

API = '/api/v1'


def admin_of(tokens):
    return bearer(tokens['admin'])


def procedures_of(client, tokens, code):
    rows = client.get(API + '/procedures', headers=bearer(tokens['hotline'])).get_json()
    return [row for row in rows if row['service'] == code]


def test_a_service_named_after_a_field_gets_its_procedures_with_short_names(client, office, tokens):
    made = client.post(API + '/services', headers=admin_of(tokens),
                       json={'code': 'LD', 'name': 'LĐ-TB&XH', 'prefix': 'L'})
    assert made.status_code == 201
    rows = procedures_of(client, tokens, 'LD')
    entries = catalogue.entries_of('lao-dong-thuong-binh-va-xa-hoi')
    assert [row['name'] for row in rows] == [entry.name for entry in entries]
    funeral = next(row for row in rows if row['catalogue_key'] == 'ld-mai-tang')
    assert 'mai táng phí' in funeral['aliases'] and funeral['guide'].endswith('/thu-tuc/%d' % funeral['id'])
    # editable and removable as any other
    changed = client.patch(API + '/procedures/%d' % funeral['id'], headers=admin_of(tokens),
                           json={'name': 'Hỗ trợ mai táng phí', 'aliases': 'mai táng; ma chay',
                                 'guide_url': 'https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh.html'})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()['aliases'] == ['mai táng', 'ma chay']
    assert changed.get_json()['guide'].startswith('https://dichvucong.gov.vn/')
    assert client.delete(API + '/procedures/%d' % rows[0]['id'], headers=admin_of(tokens)).status_code == 200
    assert len(procedures_of(client, tokens, 'LD')) == len(entries) - 1


def test_a_service_with_another_name_gets_none(client, office, tokens):
    assert client.post(API + '/services', headers=admin_of(tokens),
                       json={'code': 'KD', 'name': 'Đăng ký kinh doanh', 'prefix': 'K'}).status_code == 201
    assert procedures_of(client, tokens, 'KD') == []


@pytest.mark.parametrize('body, code', [({'guide_url': 'javascript:alert(1)'}, 'invalid_url'),
                                        ({'guide_url': 'dichvucong.gov.vn'}, 'invalid_url'),
                                        ({'aliases': 5}, 'invalid_type'),
                                        ({'aliases': ['x' * 101]}, 'too_long')])
def test_bad_short_names_and_links_are_refused_in_vietnamese(client, office, tokens, body, code):
    answer = client.post(API + '/procedures', headers=admin_of(tokens),
                         json=dict(body, service='HT', name='Đăng ký khai sinh'))
    assert answer.status_code == 400 and answer.get_json()['error']['code'] == code
    assert answer.get_json()['error']['message'][0].isupper()


def ward_rows(count=133):
    """A ward's list: the catalogue's names in their fields, then numbered ones to make up the count."""
    rows = []
    for index in range(count):
        code = 'HT' if index % 2 else 'CT'
        rows.append([code, 'Thủ tục số %03d của phường' % index, 'thu tuc %d; tt %d' % (index, index),
                     'https://example.org/tt/%d' % index if index % 3 == 0 else ''])
    return rows


HEADER = ['Lĩnh vực', 'Tên thủ tục', 'Tên gọi ngắn', 'Đường dẫn hướng dẫn']


def csv_file(rows, header=HEADER, delimiter=','):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return ('\ufeff' + out.getvalue()).encode('utf-8')


def xlsx_file(rows, header=HEADER):
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bomb():
    """A small zip that unpacks to 25 MB, dressed as a workbook."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as archive:
        archive.writestr('xl/sharedStrings.xml', b'0' * (25 * 1024 * 1024))
    return out.getvalue()


def upload(client, tokens, data):
    return client.post(API + '/procedures/import', headers=admin_of(tokens), data=data,
                       content_type='application/octet-stream')


def test_a_wards_133_procedures_go_in_by_csv_and_come_back_out_as_both_files(client, office, tokens):
    answer = upload(client, tokens, csv_file(ward_rows()))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {'rows': 133, 'added': 133, 'updated': 0}
    exported = client.get(API + '/procedures.csv', headers=admin_of(tokens))
    assert exported.mimetype == 'text/csv' and exported.data.startswith('\ufeff'.encode('utf-8'))
    table = list(csv.reader(io.StringIO(exported.data.decode('utf-8-sig'))))
    assert table[0] == HEADER and len(table) == 134
    assert ['HT', 'Thủ tục số 001 của phường', 'thu tuc 1; tt 1', ''] in table
    assert ['CT', 'Thủ tục số 000 của phường', 'thu tuc 0; tt 0', 'https://example.org/tt/0'] in table
    workbook = client.get(API + '/procedures.xlsx', headers=admin_of(tokens)).data
    sheet_rows = [list(row) for row in load_workbook(io.BytesIO(workbook)).active.iter_rows(values_only=True)]
    assert sheet_rows[0] == HEADER and len(sheet_rows) == 134
    assert ['HT', 'Thủ tục số 001 của phường', 'thu tuc 1; tt 1', None] in sheet_rows
    assert upload(client, tokens, workbook).get_json() == {'rows': 133, 'added': 0, 'updated': 133}
    # the file taken back in updates by name: nothing doubles
    again = upload(client, tokens, exported.data)
    assert again.get_json() == {'rows': 133, 'added': 0, 'updated': 133}
    assert len(client.get(API + '/procedures', headers=admin_of(tokens)).get_json()) == 133


def test_an_xlsx_list_updates_by_name_and_adds_the_new_ones(client, office, tokens):
    assert upload(client, tokens, csv_file(ward_rows(10))).status_code == 200
    rows = ward_rows(12)
    rows[1] = ['Hộ tịch', 'THỦ TỤC SỐ 001 CỦA PHƯỜNG', 'một; hai', 'https://example.org/moi']
    answer = upload(client, tokens, xlsx_file(rows))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {'rows': 12, 'added': 2, 'updated': 10}
    changed = next(p for p in procedures_of(client, tokens, 'HT') if p['name'] == 'THỦ TỤC SỐ 001 CỦA PHƯỜNG')
    assert changed['aliases'] == ['một', 'hai'] and changed['guide_url'] == 'https://example.org/moi'
    # a multipart upload (curl -F file=@...) works too, and a semicolon-separated CSV (Excel in Vietnamese)
    answer = client.post(API + '/procedures/import', headers=admin_of(tokens), content_type='multipart/form-data',
                         data={'file': (io.BytesIO(csv_file(rows, delimiter=';')), 'thu-tuc.csv')})
    assert answer.status_code == 200 and answer.get_json()['updated'] == 12


def with_row(index, row, count=133):
    rows = ward_rows(count)
    rows[index] = row
    return rows


@pytest.mark.parametrize('data, code, words', [
    (csv_file(ward_rows(3), header=['Lĩnh vực', 'Tên']), 'unknown_column', ['Dòng 1', '“Tên”']),
    (csv_file(ward_rows(3), header=['Tên thủ tục', 'Tên gọi ngắn']), 'missing_column', ['Lĩnh vực']),
    (csv_file(with_row(40, ['XX', 'Đăng ký khai sinh', '', ''])), 'unknown_service', ['Dòng 42', 'Lĩnh vực', 'XX']),
    (csv_file(with_row(7, ['HT', '', 'khai sinh', ''])), 'missing_field', ['Dòng 9', 'Tên thủ tục']),
    (csv_file(with_row(5, ['HT', '=HYPERLINK("http://x")', '', ''])), 'formula_cell', ['Dòng 7', 'Tên thủ tục']),
    (xlsx_file(with_row(3, ['HT', '=1+1', '', ''])), 'formula_cell', ['Dòng 5', 'B']),
    (csv_file(with_row(9, ['HT', 'Khai sinh', '', 'ftp://x'])), 'invalid_url', ['Dòng 11', 'Đường dẫn hướng dẫn']),
    (csv_file(ward_rows(4) + [['HT', 'Thủ tục số 001 của phường', '', '']]), 'duplicate_procedure',
     ['Dòng 6', 'dòng 3']),
    (b'\x89PNG\r\n\x1a\n\0\0\0\rIHDR', 'invalid_file', ['CSV']),
    (b'PK\x03\x04 not really a workbook', 'invalid_file', ['Excel']),
    (b'Linh vuc,Ten thu tuc\nHT,Kh\xe0i sinh\n', 'invalid_encoding', ['UTF-8']),
    (csv_file(ward_rows(3)) + b'#' * (600 * 1024), 'file_too_large', ['512 KB']),
    (b'', 'missing_file', ['tệp']),
    (bomb(), 'file_too_large', ['KB']),
])
def test_a_bad_file_is_refused_whole_naming_the_row(client, office, tokens, data, code, words):
    answer = upload(client, tokens, data)
    assert answer.status_code == 400, answer.get_json()
    error = answer.get_json()['error']
    assert error['code'] == code
    assert all(word in error['message'] for word in words), error['message']
    assert client.get(API + '/procedures', headers=admin_of(tokens)).get_json() == []   # nothing taken


def test_the_files_and_the_import_are_for_admins(client, office, tokens):
    for role in ('hotline', 'desk', 'counter', 'kiosk'):
        assert client.get(API + '/procedures.csv', headers=bearer(tokens[role])).status_code == 403
        assert upload(client, {'admin': tokens[role]}, csv_file(ward_rows(2))).status_code == 403


def test_an_exported_formula_like_name_stays_text_and_comes_back(client, office, tokens):
    made = client.post(API + '/procedures', headers=admin_of(tokens), json={'service': 'HT', 'name': '+Khai sinh'})
    assert made.status_code == 201
    data = client.get(API + '/procedures.csv', headers=admin_of(tokens)).data.decode('utf-8-sig')
    assert "'+Khai sinh" in data
    book = load_workbook(io.BytesIO(client.get(API + '/procedures.xlsx', headers=admin_of(tokens)).data))
    cell = book.active['B2']
    assert cell.value == '+Khai sinh' and cell.data_type == 's'
    assert upload(client, tokens, data.encode('utf-8')).get_json() == {'rows': 1, 'added': 0, 'updated': 1}


def test_the_public_guide_page_needs_no_login(client, office, tokens):
    client.put(API + '/office-hours', headers=admin_of(tokens), json=[
        {'weekday': 0, 'sessions': {'morning': {'start': '07:30', 'end': '11:30'},
                                    'afternoon': {'start': '13:30', 'end': '17:00'}}}])
    assert client.patch(API + '/settings', headers=admin_of(tokens),
                        json={'office_name': 'UBND phường Hải Châu'}).status_code == 200
    made = client.post(API + '/procedures', headers=admin_of(tokens),
                       json={'service': 'HT', 'name': 'Đăng ký khai sinh', 'aliases': ['khai sinh']}).get_json()
    page = client.get('/thu-tuc/%d' % made['id'])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for words in ('Đăng ký khai sinh', 'Hộ tịch', 'UBND phường Hải Châu', '07:30–11:30, 13:30–17:00', 'khai sinh'):
        assert words in html, words
    client.patch(API + '/procedures/%d' % made['id'], headers=admin_of(tokens),
                 json={'guide_url': 'https://example.org/khai-sinh'})
    assert 'href="https://example.org/khai-sinh"' in client.get('/thu-tuc/%d' % made['id']).get_data(as_text=True)
    client.patch(API + '/procedures/%d' % made['id'], headers=admin_of(tokens), json={'active': False})
    assert client.get('/thu-tuc/%d' % made['id']).status_code == 404
    assert client.get('/thu-tuc/99999').status_code == 404


def test_the_guide_link_follows_the_public_url(app, client, office, tokens):
    app.config['PUBLIC_URL'] = 'https://luot.haichau.example/'
    made = client.post(API + '/procedures', headers=admin_of(tokens), json={'service': 'HT', 'name': 'Khai tử'})
    assert made.get_json()['guide'] == 'https://luot.haichau.example/thu-tuc/%d' % made.get_json()['id']


def test_an_existing_service_takes_the_catalogue_procedures_it_lacks(client, office, tokens):
    admin = admin_of(tokens)
    client.post(API + '/procedures', headers=admin, json={'service': 'HT', 'name': 'ĐĂNG KÝ KHAI SINH'})
    answer = client.post(API + '/procedures/catalogue', headers=admin, json={'service': 'HT'})
    assert answer.status_code == 201
    entries = catalogue.entries_of('ho-tich')
    assert answer.get_json()['added'] == len(entries) - 1     # its own khai sinh is kept, not doubled
    names = [row['name'] for row in procedures_of(client, tokens, 'HT')]
    assert names[0] == 'ĐĂNG KÝ KHAI SINH' and len(names) == len(entries)
    again = client.post(API + '/procedures/catalogue', headers=admin, json={'service': 'HT'})
    assert again.get_json()['added'] == 0
    # a service that covers another field, or two, names the field
    land = client.post(API + '/procedures/catalogue', headers=admin, json={'service': 'CT', 'field': 'dat-dai'})
    assert land.get_json()['added'] == len(catalogue.entries_of('dat-dai'))
    for body in ({'service': 'CT', 'field': 'khong-co'},):
        refused = client.post(API + '/procedures/catalogue', headers=admin, json=body)
        assert refused.status_code == 400 and refused.get_json()['error']['code'] == 'unknown_field'
    client.post(API + '/services', headers=admin, json={'code': 'KD', 'name': 'Kinh doanh', 'prefix': 'K'})
    refused = client.post(API + '/procedures/catalogue', headers=admin, json={'service': 'KD'})
    assert refused.status_code == 400 and 'Kinh doanh' in refused.get_json()['error']['message']


def test_a_title_above_the_header_is_skipped(client, office, tokens):
    """A list copied from the portal often begins with its title; the header row is found below it."""
    data = csv_file(ward_rows(3), header=['DANH MỤC THỦ TỤC HÀNH CHÍNH CẤP PHƯỜNG'])
    data = data.replace(b'\r\n', b'\r\n,,,\r\n' + ','.join(HEADER).encode('utf-8') + b'\r\n', 1)
    answer = upload(client, tokens, data)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()['added'] == 3
