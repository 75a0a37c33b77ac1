"""A district sets up ten wards alike (issue 20, point 7): one office's set-up exported as one file (services,
procedures, counters, boards, hours, holidays, settings; never staff, passwords, tokens, printers, the SMS gateway
or citizens) and put in place in another office, all or nothing, with refusals that name the section and the row."""
import datetime
import json

import pytest

from server.extensions import db
from server.models import Appointment, Procedure, Service
from tests.conftest import bearer, make_staff, open_weekday
from tests.helpers import issue

API = '/api/v1'


def send(client, token, method, path, body=None, **headers):
    answer = client.open(API + path, method=method, json=body, headers=bearer(token, **headers))
    return answer.status_code, answer.get_json()


def exported(client, token, **args):
    status, document = send(client, token, 'GET', '/office-export' + ('?' + '&'.join(
        '%s=%s' % item for item in args.items()) if args else ''))
    assert status == 200
    return document


def same_set_up(first, second):
    """Two exports describe the same office (the moment they were made aside)."""
    return {k: v for k, v in first.items() if k != 'exported_at'} == \
        {k: v for k, v in second.items() if k != 'exported_at'}


@pytest.fixture
def model_ward(office, client, tokens):
    """The office a district sets up first: procedures, a board, hours, a holiday, settings."""
    admin = tokens['admin']
    with db.connection_context():
        Procedure.create(service=Service.by_code('HT'), name='Đăng ký khai sinh', aliases='khai sinh\nlàm giấy khai sinh',
                         guide_url='https://example.org/khai-sinh', sort_order=1)
        Procedure.create(service=Service.by_code('CT'), name='Chứng thực bản sao từ bản chính')
    assert send(client, admin, 'POST', '/boards', {'name': 'Màn hình sảnh', 'services': ['HT'],
                                                  'counters': [2, 3], 'notice': 'Giữ trật tự'})[0] == 201
    week = [{'weekday': d, 'sessions': {'morning': {'start': '07:30', 'end': '11:30'}}} for d in range(5)]
    assert send(client, admin, 'PUT', '/office-hours', week)[0] == 200
    assert send(client, admin, 'POST', '/holidays', {'date': '2027-01-02', 'name': 'Nghỉ bù'})[0] == 201
    assert send(client, admin, 'PATCH', '/settings', {'office_name': 'UBND phường Mẫu', 'pickup_days': 5,
                                                      'priority_max_in_row': 3})[0] == 200
    return exported(client, admin)


def test_the_export_holds_the_set_up_and_nothing_private(model_ward, client, tokens):
    document = model_ward
    assert (document['format'], document['version']) == ('luot-office-setup', 1)
    assert [(s['code'], s['name'], s['prefix']) for s in document['services']] == [
        ('CT', 'Chứng thực', 'A'), ('HT', 'Hộ tịch', 'B')]
    birth = next(p for p in document['procedures'] if p['name'] == 'Đăng ký khai sinh')
    assert birth == {'service': 'HT', 'name': 'Đăng ký khai sinh', 'aliases': ['khai sinh', 'làm giấy khai sinh'],
                     'guide_url': 'https://example.org/khai-sinh', 'active': True, 'sort_order': 1}
    assert document['counters'] == [{'number': 1, 'name': 'Quầy 1', 'active': True, 'services': ['CT']},
                                    {'number': 2, 'name': 'Quầy 2', 'active': True, 'services': ['CT', 'HT']},
                                    {'number': 3, 'name': 'Quầy 3', 'active': True, 'services': ['HT']}]
    assert document['boards'] == [{'name': 'Màn hình sảnh', 'services': ['HT'], 'counters': [2, 3],
                                   'notice': 'Giữ trật tự'}]
    assert document['hours'][0]['sessions'] == {'morning': {'start': '07:30', 'end': '11:30'}}
    assert document['hours'][6]['sessions'] == {}
    assert {'date': '2027-01-02', 'name': 'Nghỉ bù'} in document['holidays']
    assert document['settings']['office_name'] == 'UBND phường Mẫu' and document['settings']['pickup_days'] == 5
    # No staff, tokens, printers, gateway or citizens: not a key, not a value.
    make_staff('quay9', 'counter')
    issue(client, tokens['kiosk'], name='Nguyễn Văn Bình', phone='0905123456')
    text = json.dumps(exported(client, tokens['admin']), ensure_ascii=False)
    for secret in list(tokens.values()) + ['quay9', 'password', 'token', 'Nguyễn Văn Bình', '0905123456', 'printer',
                                           'sms_gateway']:
        assert secret not in text
    # For another ward: the office's own name and address stay out.
    other = exported(client, tokens['admin'], identity='false')
    assert 'office_name' not in other['settings'] and other['settings']['pickup_days'] == 5


def test_another_ward_gets_the_same_set_up(model_ward, client, tokens):
    """An office emptied by a bare document, then given the model ward's: the same set-up, exported again."""
    admin = tokens['admin']
    bare = {'format': 'luot-office-setup', 'version': 1, 'services': [], 'procedures': [], 'counters': [],
            'boards': [], 'holidays': []}
    status, answer = send(client, admin, 'POST', '/office-import', bare)
    assert status == 200, answer
    assert answer['imported']['services'] == {'created': 0, 'updated': 0, 'removed': 2, 'closed': 0}
    with db.connection_context():
        assert Service.select().count() == Procedure.select().count() == 0
    status, answer = send(client, admin, 'POST', '/office-import', model_ward)
    assert status == 200, answer
    assert same_set_up(exported(client, admin), model_ward)
    # Importing again changes nothing.
    assert send(client, admin, 'POST', '/office-import', model_ward)[0] == 200
    assert same_set_up(exported(client, admin), model_ward)


def test_what_has_a_history_is_closed_not_removed(model_ward, client, tokens):
    admin = tokens['admin']
    assert send(client, admin, 'POST', '/services', {'code': 'DD', 'name': 'Đất đai', 'prefix': 'C'})[0] == 201
    assert send(client, admin, 'POST', '/counters', {'number': 4, 'services': ['DD']})[0] == 201
    issue(client, tokens['kiosk'], service='DD')
    assert send(client, tokens['counter'], 'POST', '/counters/4/call-next')[0] == 200
    assert send(client, admin, 'PATCH', '/services/CT', {'name': 'Chứng thực (đổi tên)'})[0] == 200
    status, answer = send(client, admin, 'POST', '/office-import', model_ward)
    assert status == 200, answer
    assert answer['imported']['services'] == {'created': 0, 'updated': 2, 'removed': 0, 'closed': 1}
    after = exported(client, admin)
    assert [(s['code'], s['name'], s['active']) for s in after['services']] == [
        ('CT', 'Chứng thực', True), ('DD', 'Đất đai', False), ('HT', 'Hộ tịch', True)]
    assert after['counters'][-1]['number'] == 4 and after['counters'][-1]['active'] is False


def test_a_refusal_names_the_row_and_changes_nothing(model_ward, client, tokens):
    admin = tokens['admin']
    broken = json.loads(json.dumps(model_ward))
    broken['settings']['pickup_days'] = 7
    broken['services'].append({'code': 'XD', 'name': 'Xây dựng', 'prefix': 'x1'})
    status, answer = send(client, admin, 'POST', '/office-import', broken)
    assert status == 400 and answer['error']['code'] == 'invalid_prefix'
    assert answer['error']['message'].startswith('phần "services", dòng 3 (XD): Ký hiệu phải là 1-2 chữ cái')
    assert (answer['error']['section'], answer['error']['row']) == ('services', 3)
    assert same_set_up(exported(client, admin), model_ward)   # not even the settings before it

    broken = json.loads(json.dumps(model_ward))
    broken['counters'][0]['services'] = ['KHONGCO']
    status, answer = send(client, admin, 'POST', '/office-import', broken, **{'Accept-Language': 'en'})
    assert status == 404 and answer['error']['code'] == 'unknown_service'
    assert answer['error']['message'].startswith('section "counters", row 1 (1): ')

    for document, code in (({'format': 'other'}, 'invalid_format'),
                           (dict(model_ward, staff=[]), 'invalid_format'),
                           (dict(model_ward, services='CT'), 'invalid_type'),
                           (dict(model_ward, settings={'no_such': 1}), 'unknown_setting'),
                           (dict(model_ward, settings={'pickup_days': 'ba'}), 'invalid_type'),
                           (dict(model_ward, hours=[{'weekday': 9, 'sessions': {}}]), 'out_of_range'),
                           (dict(model_ward, holidays=[{'date': '31/02/2027', 'name': 'x'}]), 'invalid_date')):
        status, answer = send(client, admin, 'POST', '/office-import', document)
        assert (status, answer['error']['code']) == (400, code), (document, answer)
    duplicate = dict(model_ward, services=model_ward['services'] * 2)
    assert send(client, admin, 'POST', '/office-import', duplicate)[1]['error']['code'] == 'duplicate_service'
    swapped = json.loads(json.dumps(model_ward))
    swapped['services'][1]['prefix'] = 'A'
    status, answer = send(client, admin, 'POST', '/office-import', swapped)
    assert (status, answer['error']['code']) == (409, 'duplicate_prefix')
    assert same_set_up(exported(client, admin), model_ward)


def test_a_new_day_off_with_bookings_is_refused(model_ward, client, tokens):
    day = open_weekday(days=3)
    with db.connection_context():
        Appointment.create(code='HG1234', service=Service.by_code('HT'), date=day, start='08:00', end='08:30',
                           name='Trần Văn C', phone='0905000111')
    document = dict(model_ward, holidays=model_ward['holidays'] + [{'date': day.isoformat(), 'name': 'Nghỉ'}])
    status, answer = send(client, tokens['admin'], 'POST', '/office-import', document)
    assert status == 409 and answer['error']['code'] == 'has_bookings'
    assert answer['error']['message'].startswith('phần "holidays" (%s)' % day.strftime('%d/%m/%Y'))
    assert isinstance(datetime.date.fromisoformat(model_ward['holidays'][0]['date']), datetime.date)


def test_only_an_admin_exports_and_imports(model_ward, client, tokens):
    for role in ('desk', 'counter', 'hotline', 'kiosk', 'display', 'gateway'):
        assert send(client, tokens[role], 'GET', '/office-export')[0] == 403
        assert send(client, tokens[role], 'POST', '/office-import', model_ward)[0] == 403
    assert client.get(API + '/office-export').status_code == 401
    download = client.get(API + '/office-export?download=1', headers=bearer(tokens['admin']))
    assert download.status_code == 200 and 'attachment; filename="luot-thiet-lap-' in \
        download.headers['Content-Disposition']
    assert json.loads(download.data)['services'] == model_ward['services']


@pytest.mark.browser
def test_the_console_downloads_the_file_and_imports_it_after_asking(live_server, page_in, tmp_path):
    """A district's clerk: the model ward's file downloaded from Thiết lập, then imported into another office."""
    from tests.helpers import api, log_in_new_admin
    from tests.pages import WAIT, expect_page, screenshot
    model = live_server(demo=True)
    page = page_in(1366, 768)
    log_in_new_admin(page, model)
    page.goto(model.url + '/admin/settings')
    with page.expect_download(timeout=WAIT) as download:
        page.get_by_role('button', name='Tải tệp thiết lập').click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    document = json.loads(saved.read_text(encoding='utf-8'))
    assert document['format'] == 'luot-office-setup' and len(document['services']) >= 3
    assert 'office_name' not in document['settings']   # the box "Kèm tên, địa chỉ..." was left unticked

    ward = live_server()
    other = page_in(1366, 768)
    log_in_new_admin(other, ward)
    other.goto(ward.url + '/admin/settings')
    other.locator('#office-import input[type=file]').set_input_files(str(saved))
    expect_page()(other.locator('#office-import [data-file-name]')).to_have_text(saved.name)
    other.get_by_role('button', name='Nhập thiết lập').click()
    dialog = other.locator('#confirm-dialog')
    expect = expect_page()
    expect(dialog).to_contain_text('Nhập thiết lập từ tệp "%s"?' % saved.name)
    screenshot(other, 'office-import-confirm-1366')
    dialog.get_by_role('button', name='Đồng ý').click()
    expect(other.locator('#office-import-done')).to_have_text('Đã nhập thiết lập. Tải lại trang để xem.')
    screenshot(other, 'office-import-done-1366')
    token = ward.token('admin')
    assert [s['code'] for s in api(ward, 'GET', '/services', token)] == [s['code'] for s in document['services']]
    # A file that is not one: said in words, nothing sent.
    bad = tmp_path / 'ghi-chu.json'
    bad.write_text('không phải JSON', encoding='utf-8')
    other.locator('#office-import input[type=file]').set_input_files(str(bad))
    other.get_by_role('button', name='Nhập thiết lập').click()
    expect(other.locator('#office-import-error')).to_have_text(
        'Tệp "ghi-chu.json" không phải tệp thiết lập của Lượt (không đọc được JSON).')


def test_media_shown_on_a_board_the_file_lacks_are_paused_not_shown_everywhere(model_ward, client, tokens):
    """A board the document lacks is removed; what played on it alone would otherwise play on every board."""
    from server.models import Board, Media, MediaBoard
    admin = tokens['admin']
    assert send(client, admin, 'POST', '/boards', {'name': 'Màn hình tầng 2'})[0] == 201
    with db.connection_context():
        upstairs, lobby = Board.named('Màn hình tầng 2'), Board.named('Màn hình sảnh')
        alone = Media.create(title='Chỉ tầng 2', kind='image', filename='a.png', content_type='image/png', size=1)
        shared = Media.create(title='Cả hai', kind='image', filename='b.png', content_type='image/png', size=1)
        MediaBoard.create(media=alone, board=upstairs)
        MediaBoard.create(media=shared, board=upstairs)
        MediaBoard.create(media=shared, board=lobby)
    status, answer = send(client, admin, 'POST', '/office-import', model_ward)
    assert status == 200 and answer['imported']['boards'] == {'rows': 1, 'removed': 1}
    with db.connection_context():
        assert Board.named('Màn hình tầng 2') is None
        assert (Media.get_by_id(alone.id).active, Media.get_by_id(shared.id).active) == (False, True)
        assert [p.board_id for p in MediaBoard.select().where(MediaBoard.media == shared)] == [lobby.id]
