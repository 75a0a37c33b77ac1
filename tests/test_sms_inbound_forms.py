"""SMS as citizens really type them, through POST /api/v1/sms/inbound (issue #20, points 3 and 4): the shipped
catalogue books "khai sinh" as the service Hộ tịch with no set-up, an office's own procedures and short names
come first, a session alone books its first free slot, a weekday is checked against the date, and what cannot
be read is answered with the field's name and the syntax."""
import datetime
import re
from urllib.parse import urlencode

import pytest

from server.clock import utc_from_local
from server.extensions import db
from server.models import Appointment, Procedure, Service
from server.sms import inbound
from server.sms.parser import Candidate, Invalid
from server.sms.text import sms_parts
from tests.conftest import bearer, open_weekday

API = '/api/v1'
WEEKDAYS = ('thu 2', 'thu 3', 'thu 4', 'thu 5', 'thu 6', 'thu 7', 'chu nhat')


@pytest.fixture
def send(office, client, tokens):
    """Send an SMS as the gateway does: JSON with a bearer token, or Kannel's query parameters (form=True)."""
    def post(text, sender='0905123456', form=False):
        if form:
            query = urlencode({'token': tokens['gateway'], 'from': sender, 'text': text})
            return client.post(API + '/sms/inbound?' + query)
        return client.post(API + '/sms/inbound', json={'from': sender, 'text': text},
                           headers=bearer(tokens['gateway']))
    return post


def short(day):
    return day.strftime('%d/%m')


def booked():
    with db.connection_context():
        return [(a.service.code, a.procedure.name if a.procedure else None, a.name, a.date, a.start)
                for a in Appointment.select().order_by(Appointment.id)]


def test_khai_sinh_books_ho_tich_with_no_procedures_set_up_json(send):
    with db.connection_context():
        assert Procedure.select().count() == 0 and Service.by_code('HT').name == 'Hộ tịch'
    day = open_weekday(3)
    body = send('HG, Nguyen Van A, khai sinh, 8h, %s' % short(day)).get_json()
    appointment = body['appointment']
    assert appointment['service'] == 'HT' and appointment['date'] == day.isoformat()
    assert appointment['start'] == '08:00' and appointment['name'] == 'Nguyen Van A'
    assert appointment['code'] in body['reply'] and 'Ho tich' in body['reply']
    assert day.strftime('%d/%m/%Y') in body['reply']   # the date shown back in full
    assert booked() == [('HT', None, 'Nguyen Van A', day, '08:00')]


def test_khai_sinh_books_ho_tich_through_the_kannel_form(send):
    day = open_weekday(3)
    answer = send('HG, Nguyen Van A, khai sinh, 8h, %s' % short(day), form=True)
    assert answer.status_code == 200 and answer.mimetype == 'text/plain'
    assert booked() == [('HT', None, 'Nguyen Van A', day, '08:00')]
    with db.connection_context():
        assert Appointment.get().code in answer.get_data(as_text=True)


def test_the_issues_own_message_with_the_clock_set(app, office):
    """"HG, Nguyen Van A, khai sinh, 8h, 25/12" as written, a few days before a Christmas on a Wednesday."""
    before = utc_from_local(datetime.datetime(2030, 12, 20, 9, 0))
    with app.app_context(), db.connection_context():
        assert datetime.date(2030, 12, 25).weekday() == 2
        reply, appointment, _row = inbound.handle('0905123456', 'HG, Nguyen Van A, khai sinh, 8h, 25/12', now=before)
        assert (appointment.service.code, appointment.procedure, appointment.date, appointment.start) == \
            ('HT', None, datetime.date(2030, 12, 25), '08:00')
        assert 'Ho tich' in reply and '25/12/2030' in reply


def test_the_offices_own_procedure_and_short_names_come_first(send):
    with db.connection_context():
        Procedure.create(service=Service.by_code('HT'), name='Khai sinh cho trẻ em')
        Procedure.create(service=Service.by_code('CT'), aliases='sao y\nphô tô công chứng\n',
                         name='Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền cấp')
    day = open_weekday(3)
    texts = ['HG, Nguyen Van A, khai sinh, 8h, %s', 'HG, Nguyen Van B, sao y, 9h, %s',
             'HG. Nguyen Van C. chứng thực bản sao. 10h. %s',
             'HG, Nguyen Van D, ket hon, 14h, %s']   # a name only the catalogue knows: the service of its field
    for number, text in enumerate(texts):
        assert send(text % short(day), sender='091200000%d' % number).get_json()['appointment'], text
    names = [row[1] for row in booked()]
    assert names[0] == 'Khai sinh cho trẻ em' and names[1] == names[2] and names[1].startswith('Chứng thực bản sao')
    assert booked()[3][:2] == ('HT', None)


@pytest.mark.parametrize('template', [
    'HG.Nguyen Van A.Chung thuc.8h30.{d}.{m}.{y}', 'HG. Nguyen Van A. Chung thuc. 8.30. {d}.{m}.{y}',
    'HG.Nguyen Van A.Chung thuc.8.30.{d}.{m}', 'HG\nNguyen Van A\nchung thuc\n8 gio 30\nngay {d} thang {m}',
    'HG, Nguyen Van A, chung thuc, 8h30, {wd} {d}/{m}', 'HG Nguyen Van A chung thuc 8g30 {d}-{m}-{y}',
])
def test_full_stops_words_and_weekdays_book_the_slot_written(send, template):
    day = open_weekday(3)
    text = template.format(d=day.day, m=day.month, y=day.year, wd=WEEKDAYS[day.weekday()])
    appointment = send(text).get_json()['appointment']
    assert appointment and (appointment['date'], appointment['start']) == (day.isoformat(), '08:30')


def test_a_session_alone_books_its_first_free_slot(send, client, tokens):
    client.patch(API + '/services/CT', json={'slot_capacity': 1}, headers=bearer(tokens['admin']))
    day = open_weekday(3)
    for sender in ('0912000001', '0912000002'):
        send('HG, Tran Van B, chung thuc, chieu, %s' % short(day), sender=sender)
    send('HG, Tran Van C, chung thuc, buoi sang, %s' % short(day), sender='0912000003')
    # default hours: the afternoon opens at 13:30 and the morning at 07:30, slots of 30 minutes
    assert [row[4] for row in booked()] == ['13:30', '14:00', '07:30']


def test_a_move_to_a_session_takes_its_first_free_slot(send):
    day = open_weekday(3)
    code = send('HG, Tran Van B, chung thuc, 9h, %s' % short(day)).get_json()['appointment']['code']
    moved = send('DOI %s, buoi chieu, %s' % (code, short(day))).get_json()['appointment']
    assert (moved['code'], moved['date'], moved['start']) == (code, day.isoformat(), '13:30')


def test_a_session_on_a_closed_half_day_is_refused_with_free_slots(send):
    day = open_weekday(3)
    saturday = day + datetime.timedelta(days=5 - day.weekday())
    body = send('HG, Tran Van B, chung thuc, chieu, %s' % short(saturday)).get_json()
    assert body['appointment'] is None and 'Con cho' in body['reply']
    # the free slots offered instead carry their dates in full
    offered = body['reply'].split('Con cho: ')[1].split('.')[0].split(', ')
    assert offered and all(re.fullmatch(r'\d\d:\d\d \d\d/\d\d/\d{4}', slot) for slot in offered), offered


def test_tomorrow_in_words(app, office):
    day = open_weekday(3)
    evening_before = utc_from_local(datetime.datetime.combine(day - datetime.timedelta(days=1), datetime.time(19)))
    with app.app_context(), db.connection_context():
        reply, appointment, _row = inbound.handle('0905123456', 'HG Nguyen Van A chung thuc 9h mai',
                                                  now=evening_before)
        assert appointment is not None and (appointment.date, appointment.start) == (day, '09:00')
        assert appointment.code in reply


def test_a_weekday_not_the_dates_is_answered_not_guessed(send):
    day = open_weekday(3)
    wrong = (day.weekday() + 1) % 5
    body = send('HG, Nguyen Van A, chung thuc, 8h, %s %s' % (WEEKDAYS[wrong], short(day))).get_json()
    assert body['appointment'] is None and booked() == []
    assert body['reply'].startswith('Ngay %s la %s, khong phai %s.'
                                    % (day.strftime('%d/%m/%Y'), WEEKDAYS[day.weekday()], WEEKDAYS[wrong]))
    assert 'HG, ho ten, thu tuc, gio, ngay' in body['reply'] and sms_parts(body['reply']) == 1


@pytest.mark.parametrize('text, field, value', [
    ('HG, Nguyen Van A, xin giay phep xay dung, 8h, {day}', 'thu tuc', 'xin giay phep xay dung'),
    ('HG.Nguyen Van An.Chung thuc.toi nay.{day}', 'gio', 'toi nay'),
    ('HG, Nguyen Van A, chung thuc, 8h, thang sau', 'ngay', 'thang sau'),
    ('HG, Nguyen Van 3, chung thuc, 8h, {day}', 'ho ten', 'Nguyen Van 3'),
])
def test_unknown_words_get_the_field_and_the_syntax(send, text, field, value):
    body = send(text.format(day=short(open_weekday(3)))).get_json()
    assert body['appointment'] is None
    assert body['reply'].startswith('Sai %s "%s".' % (field, value))
    assert 'Cu phap dung: HG, ho ten, thu tuc, gio, ngay' in body['reply'] and body['reply'].isascii()


def test_long_suggestions_are_cut_short():
    long_name = 'Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú'
    suggestions = (Candidate(('service', 'HT'), long_name, 'HT'), Candidate(('service', 'CT'), 'Chứng thực', 'CT'))
    reply = inbound.invalid_reply(Invalid('HG', 'procedure', 'lien thong', suggestions))
    assert reply.endswith(' Goi y: Lien thong thu tuc hanh chinh ve dang..., Chung thuc.')
