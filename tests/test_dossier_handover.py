"""A file's result is handed over against the pickup code the "result ready" SMS carries: a wrong code changes
nothing, several are paced per file, and a citizen without the SMS is served after a CCCD check, audited."""
import datetime
import json
import logging
import re

from server import settings
from server.clock import local_naive
from server.extensions import db
from server.models import AuditEvent, Dossier, LoginFailure, OutboxMessage
from server.sms.text import outgoing_text, sms_parts
from tests.conftest import bearer, make_staff
from tests.contract import Contract
from tests.helpers import log_in_client

API = '/api/v1'
NAME, PHONE = 'Lê Văn Tám', '0905123456'


def ready(client, token, code='HS-1', phone=PHONE):
    answer = client.post(API + '/dossiers', headers=bearer(token), json={'code': code, 'name': NAME, 'phone': phone,
                                                                         'service': 'CT'})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()


def collect(client, token, code='HS-1', **body):
    return client.post(API + '/dossiers/%s/collected' % code, headers=bearer(token), json=body)


def stored(app, code='HS-1'):
    with app.app_context(), db.connection_context():
        return Dossier.get(Dossier.code == code)


def audits(app, action='dossier_collected'):
    with app.app_context(), db.connection_context():
        return [json.loads(e.detail) for e in AuditEvent.select().where(AuditEvent.action == action)]


def test_the_sms_carries_the_pickup_code_in_one_message(app, client, office, tokens):
    ready(client, tokens['desk'])
    secret = stored(app).pickup_code
    assert re.fullmatch(r'\d{6}', secret)
    with app.app_context(), db.connection_context():
        [message] = OutboxMessage.select().where(OutboxMessage.kind == 'result_ready')
    assert message.text.endswith('Ma nhan ket qua: %s.' % secret) and 'HS-1' in message.text   # sent unaccented
    assert sms_parts(outgoing_text(message.text)) == 1
    # A long office name and the longest file code still go as one SMS, with the code.
    with app.app_context(), db.connection_context():
        settings.put('office_name', 'Bộ phận tiếp nhận và trả kết quả Ủy ban nhân dân phường Hải Châu 1, quận Hải Châu')
    long_code = '000.00.20.H57-231205-0001-ABCDEF'
    ready(client, tokens['desk'], code=long_code)
    with app.app_context(), db.connection_context():
        text = OutboxMessage.get(OutboxMessage.key == 'ready:' + long_code).text
    assert long_code in text and stored(app, long_code).pickup_code in text
    assert sms_parts(outgoing_text(text)) == 1


def test_right_code_hands_over_and_wrong_code_changes_nothing(app, client, office, tokens, caplog):
    caplog.set_level(logging.INFO)
    made = ready(client, tokens['desk'])
    assert 'pickup_code' not in made
    secret = stored(app).pickup_code
    missing = collect(client, tokens['desk'])
    assert missing.status_code == 400 and missing.get_json()['error']['code'] == 'pickup_code_required'
    assert 'đối chiếu CCCD' in missing.get_json()['error']['message']
    malformed = collect(client, tokens['desk'], pickup_code='12ab')
    assert malformed.status_code == 400 and malformed.get_json()['error']['message'] == 'Mã nhận kết quả gồm 6 chữ số.'
    wrong = collect(client, tokens['desk'], pickup_code='%06d' % ((int(secret) + 1) % 10 ** 6))
    assert wrong.status_code == 400
    assert wrong.get_json()['error'] == {'code': 'wrong_pickup_code', 'message': 'Mã nhận kết quả không đúng.'}
    assert stored(app).status == 'ready' and audits(app) == []
    right = collect(client, tokens['counter'], pickup_code=secret[:3] + ' ' + secret[3:])   # as read out
    assert right.status_code == 200 and right.get_json()['status'] == 'collected'
    Contract(client.get(API + '/openapi.json').get_json()).check('POST', '/dossiers/{code}/collected', right)
    assert stored(app).pickup_code is None                      # no longer needed, no longer kept
    assert audits(app) == [{'code': 'HS-1', 'how': 'pickup_code'}]
    again = collect(client, tokens['desk'], pickup_code=secret)
    assert again.status_code == 409
    assert secret not in caplog.text and secret not in json.dumps(
        client.get(API + '/dossiers', headers=bearer(tokens['desk'])).get_json())


def test_repeated_wrong_codes_lock_the_file_and_a_cccd_check_still_serves(app, client, office, tokens):
    ready(client, tokens['desk'])
    secret = stored(app).pickup_code
    wrong = '%06d' % ((int(secret) + 7) % 10 ** 6)
    answers = [collect(client, tokens['desk'], pickup_code=wrong) for _ in range(5)]
    assert [a.status_code for a in answers] == [400] * 5
    assert answers[-1].get_json()['error']['message'] == 'Mã nhận kết quả không đúng. Vui lòng thử lại sau 5 giây.'
    locked = collect(client, tokens['counter'], pickup_code=secret)   # even the right code, from another desk
    assert locked.status_code == 429 and locked.get_json()['error']['code'] == 'too_many_attempts'
    assert 'đối chiếu CCCD' in locked.get_json()['error']['message']
    assert stored(app).status == 'ready'
    refused = collect(client, tokens['desk'], checked_id=True)
    assert refused.status_code == 400 and refused.get_json()['error']['code'] == 'missing_field'
    assert collect(client, tokens['desk'], checked_id=True, reason='friend').status_code == 400
    checked = collect(client, tokens['desk'], checked_id=True, reason='lost_message')
    assert checked.status_code == 200 and checked.get_json()['status'] == 'collected'
    assert audits(app) == [{'code': 'HS-1', 'how': 'checked_id', 'check': 'Đối chiếu CCCD', 'reason': 'lost_message'}]


def test_the_lock_passes(app, client, office, tokens):
    ready(client, tokens['desk'])
    secret = stored(app).pickup_code
    for _ in range(5):
        collect(client, tokens['desk'], pickup_code='%06d' % ((int(secret) + 3) % 10 ** 6))
    assert collect(client, tokens['desk'], pickup_code=secret).status_code == 429
    with app.app_context(), db.connection_context():     # as if the wait went by
        LoginFailure.update(locked_until=datetime.datetime(2020, 1, 1)).execute()
    assert collect(client, tokens['desk'], pickup_code=secret).status_code == 200


def test_a_file_without_a_phone_shows_staff_its_code_once(app, client, office, tokens):
    answer = client.post(API + '/dossiers', headers=bearer(tokens['desk']), json={'code': 'HS-2', 'name': NAME})
    assert answer.status_code == 201
    made = answer.get_json()
    assert re.fullmatch(r'\d{6}', made['pickup_code']) and made['pickup_code'] == stored(app, 'HS-2').pickup_code
    Contract(client.get(API + '/openapi.json').get_json()).check('POST', '/dossiers', answer)
    listed = client.get(API + '/dossiers?status=ready', headers=bearer(tokens['desk'])).get_json()
    assert [d['code'] for d in listed] == ['HS-2'] and 'pickup_code' not in listed[0]
    with app.app_context(), db.connection_context():
        assert OutboxMessage.select().count() == 0
    assert collect(client, tokens['desk'], code='HS-2', pickup_code=made['pickup_code']).status_code == 200


def test_receiving_then_ready(app, client, office, tokens):
    desk = bearer(tokens['desk'])
    due = (local_naive().date() + datetime.timedelta(days=7)).strftime('%d/%m/%Y')
    received = client.post(API + '/dossiers', headers=desk, json={
        'code': 'HS-3', 'name': NAME, 'phone': PHONE, 'status': 'processing', 'due_on': due})
    assert received.status_code == 201, received.get_data(as_text=True)
    contract = Contract(client.get(API + '/openapi.json').get_json())
    contract.check('POST', '/dossiers', received)
    assert received.get_json()['status'] == 'processing' and stored(app, 'HS-3').received_at is not None
    with app.app_context(), db.connection_context():
        assert OutboxMessage.select().count() == 0      # nothing to tell yet
    assert [d['code'] for d in client.get(API + '/dossiers?status=processing', headers=desk).get_json()] == ['HS-3']
    early = collect(client, tokens['desk'], code='HS-3')
    assert early.status_code == 409 and early.get_json()['error']['code'] == 'not_ready'
    twice = client.post(API + '/dossiers', headers=desk, json={'code': 'HS-3', 'name': NAME})
    assert twice.status_code == 409 and twice.get_json()['error']['code'] == 'dossier_processing'
    made = client.post(API + '/dossiers/hs-3/ready', headers=desk)
    assert made.status_code == 200 and made.get_json()['status'] == 'ready'
    contract.check('POST', '/dossiers/{code}/ready', made)
    assert client.post(API + '/dossiers/HS-3/ready', headers=desk).status_code == 409
    with app.app_context(), db.connection_context():
        assert OutboxMessage.select().where(OutboxMessage.kind == 'result_ready').count() == 1
    assert audits(app, 'dossier_received') == [{'code': 'HS-3', 'due_on': datetime.datetime.strptime(
        due, '%d/%m/%Y').date().isoformat()}]


def test_bad_receipts_are_refused_in_vietnamese(client, office, tokens):
    desk = bearer(tokens['desk'])
    for due_on, code in ((None, 'missing_field'), ('2020-01-01', 'invalid_due_on'), ('31/02/2027', None),
                         ('2999-01-01', 'invalid_due_on')):
        answer = client.post(API + '/dossiers', headers=desk, json={'code': 'HS-4', 'name': NAME,
                                                                    'status': 'processing', 'due_on': due_on})
        assert answer.status_code == 400, due_on
        if code:
            assert answer.get_json()['error']['code'] == code
    odd = client.post(API + '/dossiers', headers=desk, json={'code': 'HS-4', 'name': NAME, 'status': 'lost'})
    assert odd.status_code == 400 and odd.get_json()['error']['code'] == 'invalid_choice'
    assert client.post(API + '/dossiers/HS-4/ready', headers=desk).status_code == 404


def test_a_file_ready_before_pickup_codes_is_handed_over_as_before(app, client, office, tokens):
    with app.app_context(), db.connection_context():
        Dossier.create(code='HS-OLD', name=NAME, pickup_by=local_naive().date())   # schema 9: no code
    answer = client.post(API + '/dossiers/HS-OLD/collected', headers=bearer(tokens['desk']))
    assert answer.status_code == 200 and answer.get_json()['status'] == 'collected'
    assert audits(app) == [{'code': 'HS-OLD', 'how': 'no_code'}]


def test_devices_may_not_hand_over(client, office, tokens):
    ready(client, tokens['desk'])
    for role in ('kiosk', 'display', 'hotline'):
        assert collect(client, tokens[role], checked_id=True, reason='no_phone').status_code == 403


def test_staff_screens_list_the_sms_without_its_pickup_code(app, client, office, tokens):
    ready(client, tokens['desk'])
    secret = stored(app).pickup_code
    [listed] = [m for m in client.get(API + '/sms/outbox', headers=bearer(tokens['admin'])).get_json()
                if m['kind'] == 'result_ready']
    assert listed['text'].endswith('Ma nhan ket qua: ******.') and secret not in listed['text']
    make_staff('quantri', 'admin')
    log_in_client(client, 'quantri')
    page = client.get('/admin/sms')
    assert page.status_code == 200 and 'HS-1' in page.get_data(as_text=True)
    with app.app_context(), db.connection_context():
        assert secret in OutboxMessage.get(OutboxMessage.kind == 'result_ready').text   # what is sent keeps it
    assert secret not in page.get_data(as_text=True)
