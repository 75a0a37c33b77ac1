"""SMS in through /api/v1/sms/inbound: booking, cancel, move, status, wrong fields, help once, floods."""
import datetime
import logging
from urllib.parse import urlencode

import pytest

from server.extensions import db
from server.models import Appointment, InboundMessage, OutboxMessage, Procedure, Service, utcnow
from server.sms import inbound
from tests.conftest import bearer, open_weekday

API = '/api/v1'


def open_day(days=3):
    return open_weekday(days)


@pytest.fixture
def gateway(office, client, tokens):
    with db.connection_context():
        Procedure.create(service=Service.by_code('HT'), name='Đăng ký khai sinh')

    def send(text, sender='0905123456', form=False):
        if form:   # the way Kannel's get-url calls: token, from and text in the query
            query = urlencode({'token': tokens['gateway'], 'from': sender, 'text': text})
            return client.post(API + '/sms/inbound?' + query)
        return client.post(API + '/sms/inbound', json={'from': sender, 'text': text}, headers=bearer(tokens['gateway']))
    return send


def when(day):
    return day.strftime('%d/%m/%Y')


def test_booking_by_sms_json_queues_the_reply(gateway):
    day = open_day()
    answer = gateway('HG, Nguyen Van An, chung thuc, 8h30, %s' % when(day))
    assert answer.status_code == 200
    body = answer.get_json()
    appointment = body['appointment']
    assert appointment['service'] == 'CT' and appointment['start'] == '08:30' and appointment['source'] == 'sms'
    assert appointment['date'] == day.isoformat() and appointment['name'] == 'Nguyen Van An'
    assert appointment['code'] in body['reply'] and body['reply'].isascii()
    with db.connection_context():
        replies = [m.text for m in OutboxMessage.select().where(OutboxMessage.kind == 'reply')]
        assert replies == [body['reply']]
        assert OutboxMessage.select().where(OutboxMessage.kind == 'confirmation').count() == 0
        assert OutboxMessage.select().where(OutboxMessage.kind == 'reminder').count() == 2


def test_kannel_form_variant_answers_plain_text_and_queues_nothing(gateway):
    answer = gateway('hg nguyễn thị bích đăng ký khai sinh 14h %s' % when(open_day()), form=True)
    assert answer.status_code == 200 and answer.mimetype == 'text/plain'
    text = answer.get_data(as_text=True)
    with db.connection_context():
        appointment = Appointment.get()
        assert appointment.service.code == 'HT' and appointment.procedure.name == 'Đăng ký khai sinh'
        assert appointment.name == 'Nguyễn Thị Bích' and appointment.start == '14:00'
        assert appointment.code in text
        assert OutboxMessage.select().where(OutboxMessage.kind == 'reply').count() == 0


def test_a_wrong_field_is_named_with_the_syntax(gateway):
    body = gateway('HG, Nguyen Van An, chung thuc, 25h, %s' % when(open_day())).get_json()
    assert body['appointment'] is None
    assert 'gio' in body['reply'] and '25h' in body['reply'] and 'HG, ho ten, thu tuc, gio, ngay' in body['reply']


def test_a_full_slot_offers_the_nearest_free_ones(gateway, client, tokens):
    client.patch(API + '/services/CT', json={'slot_capacity': 1}, headers=bearer(tokens['admin']))
    day = open_day()
    assert gateway('HG, Tran Van Binh, chung thuc, 8h30, %s' % when(day), sender='0912000001').get_json()['appointment']
    body = gateway('HG, Le Thi Cuc, chung thuc, 8h30, %s' % when(day), sender='0912000002').get_json()
    assert body['appointment'] is None
    assert 'kin cho' in body['reply'] and '08:00 %s' % day.strftime('%d/%m') in body['reply']
    assert '09:00 %s' % day.strftime('%d/%m') in body['reply']


def test_a_closed_day_gets_free_slots_too(gateway):
    sunday = open_day() + datetime.timedelta(days=6 - open_day().weekday())
    body = gateway('HG, Tran Van Binh, chung thuc, 9h, %s' % when(sunday)).get_json()
    assert body['appointment'] is None and 'khong lam viec' in body['reply'] and 'Con cho' in body['reply']


def test_cancel_move_and_status_only_from_the_booking_phone(gateway):
    day = open_day()
    code = gateway('HG, Nguyen Van An, chung thuc, 8h30, %s' % when(day)).get_json()['appointment']['code']
    status = gateway('KT %s' % code.lower()).get_json()
    assert code in status['reply'] and 'da dat' in status['reply']
    stranger = gateway('HUY %s' % code, sender='0912999999').get_json()
    assert stranger['appointment'] is None and 'khong thuoc' in stranger['reply']
    moved = gateway('ĐỔI %s, 15h, %s' % (code, when(day))).get_json()
    assert moved['appointment']['start'] == '15:00' and 'Da doi' in moved['reply']
    cancelled = gateway('huy %s' % code).get_json()
    assert cancelled['appointment']['status'] == 'cancelled' and 'Da huy' in cancelled['reply']
    unknown = gateway('KT ABCDEF').get_json()
    assert unknown['appointment'] is None and 'ABCDEF' in unknown['reply']


def test_anything_else_gets_the_help_once(gateway):
    first = gateway('xin chao').get_json()
    assert 'HG, ho ten' in first['reply'] and 'HUY' in first['reply']
    assert gateway('alo alo').get_json()['reply'] == ''
    assert 'HG' in gateway('xin chao', sender='0912000003').get_json()['reply']


def test_a_flood_from_one_phone_is_neither_answered_nor_stored(gateway, caplog):
    caplog.set_level(logging.WARNING, logger='server.sms.inbound')
    replies = [gateway('KT ABCDEF').get_json()['reply'] for _ in range(12)]
    assert all(replies[:10]) and replies[10:] == ['', '']
    assert gateway('KT ABCDEF', form=True).get_data(as_text=True) == ''   # nothing for Kannel to send back
    assert gateway('KT ABCDEF', sender='0912000004').get_json()['reply']   # another phone is answered
    with db.connection_context():
        assert InboundMessage.select().where(InboundMessage.phone == '0905123456').count() == 10
        assert OutboxMessage.select().where(OutboxMessage.phone == '0905123456').count() == 10
    dropped = [r.getMessage() for r in caplog.records if 'dropped' in r.getMessage()]
    assert dropped and all('090****456' in line and '0905123456' not in line for line in dropped)


def test_the_office_stops_answering_at_its_hourly_cap(gateway, app, client, tokens):
    assert client.patch(API + '/settings', json={'sms_replies_per_hour': 3},
                        headers=bearer(tokens['admin'])).status_code == 200
    phones = ['09120000%02d' % n for n in range(5)]
    replies = [gateway('KT ABCDEF', sender=phone).get_json()['reply'] for phone in phones]
    assert all(replies[:3]) and replies[3:] == ['', '']
    with app.app_context(), db.connection_context():
        assert sorted(r.phone for r in InboundMessage.select()) == phones[:3]
        assert OutboxMessage.select().count() == 3
        # An hour later the office answers again.
        later = utcnow() + datetime.timedelta(hours=1, minutes=1)
        reply, _appointment, row = inbound.handle('0912000009', 'KT ABCDEF', now=later)
        assert reply and row is not None


def test_senders_in_international_form_are_one_phone(gateway):
    gateway('HG, Nguyen Van An, chung thuc, 8h30, %s' % when(open_day()), sender='+84905123456')
    with db.connection_context():
        assert Appointment.get().phone == '0905123456'


@pytest.mark.parametrize('body, code', [
    ({'text': 'HG'}, 'invalid_phone'), ({'from': '0905123456'}, 'missing_field'),
    ({'from': 5, 'text': 'x'}, 'invalid_phone'), ({'from': '0905123456', 'text': 7}, 'missing_field'),
])
def test_bad_gateway_input_is_a_400(client, tokens, body, code):
    answer = client.post(API + '/sms/inbound', json=body, headers=bearer(tokens['gateway']))
    assert answer.status_code == 400 and answer.get_json()['error']['code'] == code


def test_the_gateway_token_is_required(client, tokens):
    assert client.post(API + '/sms/inbound?from=0905123456&text=KT').status_code == 401
    assert client.post(API + '/sms/inbound?token=wrong&from=0905123456&text=KT').status_code == 401
    for role in ('kiosk', 'admin'):   # the gateway has a role of its own: not even an admin token
        query = urlencode({'token': tokens[role], 'from': '0905123456', 'text': 'KT'})
        assert client.post(API + '/sms/inbound?' + query).status_code == 403
        answer = client.post(API + '/sms/inbound', json={'from': '0905123456', 'text': 'KT'},
                             headers=bearer(tokens[role]))
        assert answer.status_code == 403 and 'gateway' in answer.get_json()['error']['message']
        query = urlencode({'token': tokens[role], 'ref': 'reply:1', 'status': 1})
        assert client.get(API + '/sms/delivery?' + query).status_code == 403
    with db.connection_context():
        assert InboundMessage.select().count() == 0


def test_the_fixed_replies_fit_one_sms():
    from server.sms.inbound import HELP
    from server.sms.text import sms_parts
    assert sms_parts(HELP) == 1 and HELP.isascii()
