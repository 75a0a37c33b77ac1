"""A file (hồ sơ) looked up by its receipt's code, without a login: status, dates and a sentence for the citizen,
never a name, a phone or the pickup code; codes matched forgivingly but whole; a flood from one address is 429."""
import datetime
import json
from urllib.parse import quote

from server.clock import local_naive
from server.extensions import db
from server.models import Dossier
from tests.conftest import bearer
from tests.contract import Contract

API = '/api/v1'
CODE = '000.00.20.H57-231205-0001'
NAME, PHONE = 'Nguyễn Thị Hoa', '0905123456'
PUBLIC_KEYS = {'code', 'service', 'service_name', 'status', 'status_label', 'due_on', 'ready_at', 'pickup_by',
               'overdue', 'collected_at', 'message'}


def today():
    return local_naive().date()


def dmy(day):
    return day.strftime('%d/%m/%Y')


def receive(client, token, code=CODE, phone=PHONE, days=5):
    answer = client.post(API + '/dossiers', headers=bearer(token), json={
        'code': code, 'name': NAME, 'phone': phone, 'service': 'HT', 'status': 'processing',
        'due_on': (today() + datetime.timedelta(days=days)).isoformat()})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()


def status(client, code, address='10.0.0.7', **headers):
    return client.get(API + '/dossiers/%s/status' % quote(code), environ_base={'REMOTE_ADDR': address}, headers=headers)


def pickup_code(app, code=CODE):
    with app.app_context(), db.connection_context():
        return Dossier.get(Dossier.code == code).pickup_code


def assert_private(app, answer, code=CODE):
    text = json.dumps(answer, ensure_ascii=False)
    assert set(answer) == PUBLIC_KEYS
    secret = pickup_code(app, code)
    assert NAME not in text and PHONE not in text and PHONE[1:] not in text
    assert secret is None or secret not in text.replace(code, '')


def test_a_received_file_tells_its_promised_date(app, client, office, tokens):
    made = receive(client, tokens['desk'])
    assert made['status'] == 'processing' and made['ready_at'] is None and made['pickup_by'] is None
    assert made['due_on'] == (today() + datetime.timedelta(days=5)).isoformat() and 'pickup_code' not in made
    answer = status(client, CODE)
    assert answer.status_code == 200 and answer.headers['Cache-Control'] == 'no-store'
    body = answer.get_json()
    assert_private(app, body)
    assert body['code'] == CODE and body['service'] == 'HT' and body['service_name'] == 'Hộ tịch'
    assert body['status'] == 'processing' and body['status_label'] == 'Đang giải quyết'
    assert body['message'] == 'Đang giải quyết, hẹn trả kết quả ngày %s.' % dmy(today() + datetime.timedelta(days=5))
    Contract(client.get(API + '/openapi.json').get_json()).check('GET', '/dossiers/{code}/status', answer)


def test_ready_overdue_and_collected_files_say_so(app, client, office, tokens):
    receive(client, tokens['desk'])
    made = client.post(API + '/dossiers/%s/ready' % CODE, headers=bearer(tokens['desk']))
    assert made.status_code == 200 and made.get_json()['status'] == 'ready'
    assert 'pickup_code' not in made.get_json()           # the SMS carries it: staff are not shown it
    body = status(client, CODE).get_json()
    assert_private(app, body)
    pickup_by = today() + datetime.timedelta(days=3)
    assert body['status'] == 'ready' and body['pickup_by'] == pickup_by.isoformat() and body['overdue'] is False
    assert body['message'] == ('Đã có kết quả, mời ông/bà đến nhận trước ngày %s. Xin mang theo CCCD và mã nhận '
                               'kết quả trong tin nhắn.' % dmy(pickup_by))
    with app.app_context(), db.connection_context():
        Dossier.update(pickup_by=datetime.date(2026, 1, 2)).where(Dossier.code == CODE).execute()
    body = status(client, CODE).get_json()
    assert body['overdue'] is True and body['message'].startswith('Đã có kết quả nhưng đã quá hạn nhận (ngày 02/01/2026)')
    handed = client.post(API + '/dossiers/%s/collected' % CODE, headers=bearer(tokens['desk']),
                         json={'pickup_code': pickup_code(app)})
    assert handed.status_code == 200, handed.get_data(as_text=True)
    body = status(client, CODE).get_json()
    assert_private(app, body)
    assert body['status'] == 'collected' and body['status_label'] == 'Đã trả kết quả'
    assert body['message'] == 'Đã trả kết quả ngày %s.' % dmy(today()) and body['collected_at']


def test_a_file_late_on_its_promise_says_so(app, client, office, tokens):
    receive(client, tokens['desk'])
    with app.app_context(), db.connection_context():
        Dossier.update(due_on=datetime.date(2026, 1, 5)).where(Dossier.code == CODE).execute()
    assert status(client, CODE).get_json()['message'] == ('Đang giải quyết, đã quá ngày hẹn trả 05/01/2026. Xin '
                                                         'ông/bà liên hệ bộ phận một cửa.')


def test_codes_are_matched_forgivingly_but_whole(app, client, office, tokens):
    receive(client, tokens['desk'])
    receive(client, tokens['desk'], code='HS-2026-0153', phone=None)
    for typed in ('000.00.20.h57-231205-0001', ' 000.00.20.H57 - 231205 - 0001 ', '00000 20h57 2312050001'):
        answer = status(client, typed)
        assert answer.status_code == 200, typed
        assert answer.get_json()['code'] == CODE
    assert status(client, 'hs20260153').get_json()['code'] == 'HS-2026-0153'
    for typed in ('231205-0001', '000.00.20.H57-231205-000', '000.00.20.H57-231205-00011', 'HS-2026', 'x' * 60):
        answer = status(client, typed)
        assert answer.status_code == 404, typed
        assert answer.get_json()['error']['code'] == 'unknown_dossier'
    missing = status(client, 'HS-9999').get_json()['error']['message']
    assert missing == 'Không tìm thấy hồ sơ HS-9999. Xin kiểm tra lại mã trên giấy biên nhận.'
    # A code that would be the same file to a citizen is refused when made.
    twin = client.post(API + '/dossiers', headers=bearer(tokens['desk']), json={
        'code': 'hs.2026.0153', 'name': NAME, 'status': 'processing', 'due_on': today().isoformat()})
    assert twin.status_code == 409 and twin.get_json()['error'] == {
        'code': 'duplicate_dossier', 'message': 'Hồ sơ HS-2026-0153 đã được tiếp nhận.'}


def test_nobody_needs_a_token_and_no_role_sees_more(app, client, office, tokens):
    receive(client, tokens['desk'])
    assert client.post(API + '/dossiers/%s/ready' % CODE, headers=bearer(tokens['desk'])).status_code == 200
    for role in ('kiosk', 'display', 'desk', 'admin', None):
        headers = bearer(tokens[role]) if role else {}
        answer = client.get(API + '/dossiers/%s/status' % CODE, headers=headers)
        assert answer.status_code == 200, role
        assert_private(app, answer.get_json())


def test_a_flood_from_one_address_is_refused(app, client, office, tokens):
    receive(client, tokens['desk'])
    for n in range(30):
        assert status(client, 'HS-%d' % n).status_code == 404
    refused = status(client, CODE)
    assert refused.status_code == 429
    error = refused.get_json()['error']
    assert error['code'] == 'too_many_requests' and error['message'].startswith('Tra cứu quá nhiều lần. Vui lòng thử lại sau')
    assert status(client, CODE, address='10.0.0.8').status_code == 200      # another address is not held up
    with app.app_context(), db.connection_context():     # a minute later the address may look up again
        from server.booking import dossier_lookup
        from server.models import utcnow
        later = utcnow() + datetime.timedelta(seconds=61)
        assert dossier_lookup.look_up(CODE, '10.0.0.7', now=later)['code'] == CODE


def test_the_public_page_answers_refuses_and_slows_a_flood(app, client, office, tokens):
    receive(client, tokens['desk'])
    empty = client.get('/tra-cuu', environ_base={'REMOTE_ADDR': '10.0.0.9'})
    assert empty.status_code == 200 and 'Mã hồ sơ trên giấy biên nhận' in empty.get_data(as_text=True)
    found = client.get('/tra-cuu?code=000.00.20.h57-231205-0001', environ_base={'REMOTE_ADDR': '10.0.0.9'})
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and 'Đang giải quyết, hẹn trả kết quả ngày' in page
    assert NAME not in page and PHONE not in page and found.headers['Cache-Control'] == 'no-store'
    unknown = client.get('/tra-cuu?code=HS-404', environ_base={'REMOTE_ADDR': '10.0.0.9'})
    assert unknown.status_code == 404 and 'Không tìm thấy hồ sơ HS-404.' in unknown.get_data(as_text=True)
    for n in range(28):   # the page and the API count together, per address
        status(client, 'HS-%d' % n, address='10.0.0.9')
    flooded = client.get('/tra-cuu?code=000.00.20.H57-231205-0001', environ_base={'REMOTE_ADDR': '10.0.0.9'})
    assert flooded.status_code == 429 and 'Tra cứu quá nhiều lần.' in flooded.get_data(as_text=True)
    assert 'id="code"' in flooded.get_data(as_text=True)                        # the form stays


def test_the_retention_purge_keeps_files_in_progress_and_clears_old_ones(app, client, office, tokens):
    from server.db import personal_data
    from server.models import utcnow
    receive(client, tokens['desk'])
    with app.app_context(), db.connection_context():
        old = utcnow() - datetime.timedelta(days=400)
        Dossier.update(received_at=old, due_on=old.date()).execute()     # processing for more than a year
        Dossier.create(code='HS-OLD', name=NAME, phone=PHONE, status='collected', ready_at=old,
                       pickup_by=old.date(), collected_at=old)
        assert personal_data.purge()['dossiers'] == 1
        erased, kept = Dossier.get(Dossier.code == 'HS-OLD'), Dossier.get(Dossier.code == CODE)
        assert (erased.name, erased.phone) == ('', None) and (kept.name, kept.phone) == (NAME, PHONE)
