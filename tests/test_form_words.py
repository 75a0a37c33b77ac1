"""Forms that speak a ward office's words (issue 19, points 4 and 9), through the JSON API: refusals name
fields as the console labels them (never their keys), times are typed 24-hour, duplicates are refused, and
what was added by mistake can be removed while nothing refers to it."""
import pytest

from server import labels
from server.extensions import db
from server.models import Appointment, Board, CounterService, Procedure, Service, Ticket
from tests.conftest import bearer, make_staff, open_weekday
from tests.helpers import issue

API = '/api/v1'
ENGLISH = {'Accept-Language': 'en'}


def refusal(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()['error']
    assert error['code'] == code, error
    return error['message']


# Field names in refusals ---------------------------------------------------------------------------

@pytest.mark.parametrize('method, path, body, status, code, key, vietnamese, english', [
    ('post', '/services', {'code': 'KD', 'prefix': 'K'}, 400, 'missing_field', 'name', '"Tên"', '"Name"'),
    ('post', '/services', {'code': 'KD', 'name': 'Kinh doanh'}, 400, 'missing_field', 'prefix', '"Ký hiệu"',
     '"Prefix"'),
    ('post', '/counters', {'number': 5000}, 400, 'out_of_range', 'number', '"Số quầy" phải từ 1 đến 999',
     '"Counter number" must be from 1 to 999'),
    ('patch', '/settings', {'voice_volume': 300}, 400, 'out_of_range', 'voice_volume', '"Âm lượng (0-100)"',
     '"Volume (0-100)"'),
    ('patch', '/settings', {'voice_repeat': 'two'}, 400, 'invalid_type', 'voice_repeat',
     '"Số lần đọc mỗi lần gọi"', 'Times each call is read'),
    ('post', '/boards', {'name': 'x' * 101}, 400, 'too_long', 'name', '"Tên" dài quá 100', '"Name"'),
    ('post', '/staff', {'username': 'hoa', 'role': 'desk'}, 400, 'missing_field', 'password', '"Mật khẩu"',
     '"Password"'),
    ('post', '/holidays', {'date': '31/02/2026', 'name': 'Nghỉ'}, 400, 'invalid_date', 'date', '(Ngày)',
     '(Date)'),
    ('post', '/appointments', {'service': 'CT'}, 400, 'missing_field', 'date', '"Ngày"', '"Date"'),
])
def test_a_refusal_names_the_field_as_the_console_does(client, office, tokens, method, path, body, status, code,
                                                       key, vietnamese, english):
    admin = bearer(tokens['admin'])
    for headers, expected in ((admin, vietnamese), (dict(admin, **ENGLISH), english)):
        message = refusal(getattr(client, method)(API + path, json=body, headers=headers), status, code)
        assert expected in message and '"%s"' % key not in message and '(%s)' % key not in message, message


def test_office_hours_refuse_a_bad_time_by_its_name(client, office, tokens):
    week = [{'weekday': 0, 'sessions': {'morning': {'start': '25:00', 'end': '11:30'}}}]
    message = refusal(client.put(API + '/office-hours', json=week, headers=bearer(tokens['admin'])), 400,
                      'invalid_time')
    assert '"25:00" (Giờ bắt đầu)' in message and 'HH:MM' in message and 'start' not in message


def test_every_field_has_an_english_name(app):
    names = {}
    for language in ('vi', 'en'):
        with app.test_request_context('/api/v1/services', headers={'Accept-Language': language}):
            names[language] = {key: labels.field_label(key) for key in labels.FIELD_LABELS}
    assert [key for key in labels.FIELD_LABELS if names['en'][key] == names['vi'][key]] == []


def test_the_report_page_names_its_dates(client, tokens):
    html = client.get('/admin/reports?from=hôm qua', headers=bearer(tokens['admin'])).get_data(as_text=True)
    assert '(Từ ngày)' in html and '(from)' not in html


# Times typed 24-hour, days as people write them -----------------------------------------------------

def test_times_are_typed_as_people_write_them(client, office, tokens):
    admin = bearer(tokens['admin'])
    week = [{'weekday': 0, 'sessions': {'morning': {'start': '7:30', 'end': '11h30'},
                                         'afternoon': {'start': '13.30', 'end': '17:00'}}}]
    answer = client.put(API + '/office-hours', json=week, headers=admin).get_json()
    assert answer[0]['sessions'] == {'morning': {'start': '07:30', 'end': '11:30'},
                                     'afternoon': {'start': '13:30', 'end': '17:00'}}
    settings = client.patch(API + '/settings', json={'reminder_evening_time': '19h05'}, headers=admin).get_json()
    assert settings['reminder_evening_time'] == '19:05'
    assert client.patch(API + '/settings', json={'reminder_evening_time': ''}, headers=admin).status_code == 200
    message = refusal(client.patch(API + '/settings', json={'reminder_evening_time': '7 PM'}, headers=admin), 400,
                      'invalid_time')
    assert 'Giờ nhắc lịch tối hôm trước' in message
    holiday = client.post(API + '/holidays', json={'date': '2/9/2027', 'name': 'Quốc khánh'}, headers=admin)
    assert holiday.status_code == 201 and holiday.get_json()['date'] == '2027-09-02'


# Duplicates --------------------------------------------------------------------------------------

def test_two_boards_cannot_share_a_name(client, office, tokens):
    admin = bearer(tokens['admin'])
    first = client.post(API + '/boards', json={'name': 'Màn hình Đông'}, headers=admin).get_json()
    other = client.post(API + '/boards', json={'name': 'Sảnh'}, headers=admin).get_json()
    message = refusal(client.post(API + '/boards', json={'name': ' MÀN HÌNH ĐÔNG '}, headers=admin), 409,
                      'duplicate_board')
    assert 'Màn hình Đông' in message
    english = client.post(API + '/boards', json={'name': 'màn hình đông'}, headers=dict(admin, **ENGLISH))
    assert 'already' in refusal(english, 409, 'duplicate_board')
    refusal(client.patch(API + '/boards/%d' % other['id'], json={'name': 'màn hình đông'}, headers=admin), 409,
            'duplicate_board')
    renamed = client.patch(API + '/boards/%d' % first['id'], json={'name': 'Màn hình đông'}, headers=admin)
    assert renamed.status_code == 200 and renamed.get_json()['name'] == 'Màn hình đông'   # its own name


def test_a_service_cannot_have_two_procedures_of_one_name(client, office, tokens):
    admin = bearer(tokens['admin'])
    add = lambda service, name: client.post(API + '/procedures', json={'service': service, 'name': name},  # noqa: E731
                                            headers=admin)
    first = add('CT', 'Chứng thực bản sao').get_json()
    message = refusal(add('CT', 'chứng thực BẢN SAO'), 409, 'duplicate_procedure')
    assert 'Chứng thực' in message and 'Chứng thực bản sao' in message
    assert add('HT', 'Chứng thực bản sao').status_code == 201    # another service may use the words
    second = add('CT', 'Chứng thực chữ ký').get_json()
    refusal(client.patch(API + '/procedures/%d' % second['id'], json={'name': 'Chứng thực bản sao'},
                         headers=admin), 409, 'duplicate_procedure')
    assert client.patch(API + '/procedures/%d' % first['id'], json={'name': 'Chứng thực bản sao'},
                        headers=admin).status_code == 200


# Removing what was added by mistake ----------------------------------------------------------------

def test_an_unused_service_counter_and_board_can_be_removed(app, client, office, tokens):
    admin = bearer(tokens['admin'])
    client.post(API + '/services', json={'code': 'KD', 'name': 'Kinh doanh', 'prefix': 'K'}, headers=admin)
    client.post(API + '/counters', json={'number': 7, 'services': ['KD', 'CT']}, headers=admin)
    client.post(API + '/procedures', json={'service': 'KD', 'name': 'Đăng ký hộ kinh doanh'}, headers=admin)
    board = client.post(API + '/boards', json={'name': 'Sảnh', 'services': ['CT', 'KD'], 'counters': [1, 7]},
                        headers=admin).get_json()
    assert client.delete(API + '/services/KD', headers=admin).get_json() == {'code': 'KD', 'deleted': True}
    assert client.delete(API + '/counters/7', headers=admin).get_json() == {'number': 7, 'deleted': True}
    assert client.get(API + '/boards', headers=admin).get_json()[0]['services'] == ['CT']
    assert client.get(API + '/boards', headers=admin).get_json()[0]['counters'] == [1]
    with app.app_context(), db.connection_context():
        assert not Procedure.select().where(Procedure.name == 'Đăng ký hộ kinh doanh').exists()
        assert CounterService.select().count() == 4     # the office's own links are left
    refusal(client.delete(API + '/services/KD', headers=admin), 404, 'unknown_service')
    refusal(client.delete(API + '/counters/7', headers=admin), 404, 'unknown_counter')
    assert client.delete(API + '/boards/%d' % board['id'], headers=admin).status_code == 200
    refusal(client.delete(API + '/boards/%d' % board['id'], headers=admin), 404, 'unknown_board')
    with app.app_context(), db.connection_context():
        assert Board.select().count() == 0


def test_what_has_a_history_is_kept_and_the_refusal_says_what_to_do(app, client, office, tokens):
    admin = bearer(tokens['admin'])
    issue(client, tokens['kiosk'], 'CT')
    client.post(API + '/counters/1/call-next', headers=bearer(tokens['counter']))
    message = refusal(client.delete(API + '/services/CT', headers=admin), 409, 'service_in_use')
    assert 'Chứng thực' in message and '"Đóng"' in message
    assert 'Close' in refusal(client.delete(API + '/services/CT', headers=dict(admin, **ENGLISH)), 409,
                              'service_in_use')
    message = refusal(client.delete(API + '/counters/1', headers=admin), 409, 'counter_in_use')
    assert 'Quầy số 1' in message and '"Đóng"' in message
    assert client.get(API + '/services', headers=admin).get_json()[0]['code'] == 'CT'   # nothing removed


def test_a_booked_procedure_and_a_working_account_are_kept(app, client, office, tokens):
    admin = bearer(tokens['admin'])
    procedure = client.post(API + '/procedures', json={'service': 'HT', 'name': 'Khai sinh'},
                            headers=admin).get_json()
    unused = client.post(API + '/procedures', json={'service': 'HT', 'name': 'Khai tử'}, headers=admin).get_json()
    with app.app_context(), db.connection_context():
        Appointment.create(code='AB12', service=Service.by_code('HT'), procedure=procedure['id'], date=open_weekday(),
                           start='08:00', end='08:30', name='Nguyễn Văn An', phone='0905123456')
    message = refusal(client.delete(API + '/procedures/%d' % procedure['id'], headers=admin), 409,
                      'procedure_in_use')
    assert 'Khai sinh' in message and '"Ngừng"' in message
    assert client.delete(API + '/procedures/%d' % unused['id'], headers=admin).status_code == 200

    worker, newcomer = make_staff('quay1', 'counter'), make_staff('nham', 'desk')
    ticket = issue(client, tokens['kiosk'], 'CT')
    with app.app_context(), db.connection_context():
        Ticket.update(staff=worker.id).where(Ticket.id == ticket['id']).execute()   # quay1 served it
    message = refusal(client.delete(API + '/staff/%d' % worker.id, headers=admin), 409, 'staff_in_use')
    assert 'quay1' in message and 'Cho phép đăng nhập' in message
    assert client.delete(API + '/staff/%d' % newcomer.id, headers=admin).get_json() == {'id': newcomer.id,
                                                                                       'deleted': True}
    refusal(client.delete(API + '/staff/%d' % newcomer.id, headers=admin), 404, 'unknown_staff')
