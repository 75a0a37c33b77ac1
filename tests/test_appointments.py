"""Booking by the hotline API: slots, capacity, closed days, cancel, move, check-in, no-shows, the cap."""
import datetime
import threading

import pytest

from server import settings
from server.booking import appointments
from server.clock import local_naive, utc_from_local
from server.extensions import db
from server.models import Appointment, Holiday, OutboxMessage, Ticket
from tests.conftest import bearer, open_weekday
from tests.helpers import book_now

API = '/api/v1'


def open_day(days=2):
    return open_weekday(days)


def booking(service='CT', day=None, start='08:00', name='Nguyễn Văn An', phone='0905123456', **extra):
    return {'service': service, 'date': (day or open_day()).isoformat(), 'start': start, 'name': name,
            'phone': phone, 'source': 'hotline', **extra}


@pytest.fixture
def hotline(office, tokens):
    return bearer(tokens['hotline'])


def test_slots_follow_the_office_hours(client, hotline):
    answer = client.get(API + '/slots?service=CT&date=%s' % open_day(), headers=hotline)
    assert answer.status_code == 200
    slots = answer.get_json()
    # 07:30-11:30 and 13:30-17:00 in 30-minute slots: 8 + 7.
    assert [s['start'] for s in slots][:3] == ['07:30', '08:00', '08:30'] and len(slots) == 15
    assert slots[0] == {'start': '07:30', 'end': '08:00', 'capacity': 4, 'booked': 0, 'left': 4, 'past': False}
    sunday = open_day() + datetime.timedelta(days=(6 - open_day().weekday()))
    assert client.get(API + '/slots?service=CT&date=%s' % sunday, headers=hotline).get_json() == []


def test_book_answers_the_contract_and_queues_the_confirmation(client, hotline):
    answer = client.post(API + '/appointments', json=booking(), headers=hotline)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert {'code', 'service', 'date', 'start', 'name', 'phone', 'status', 'source'} <= set(body)
    assert body['status'] == 'booked' and body['start'] == '08:00' and body['end'] == '08:30'
    assert len(body['code']) == 6 and body['source'] == 'hotline'
    with db.connection_context():
        kinds = sorted(m.kind for m in OutboxMessage.select())
        text = OutboxMessage.get(OutboxMessage.kind == 'confirmation').text
    assert kinds == ['confirmation', 'reminder', 'reminder']
    assert body['code'] in text and 'Chung thuc' in text and text.isascii() and len(text) <= 160
    slots = client.get(API + '/slots?service=CT&date=%s' % body['date'], headers=hotline).get_json()
    assert [s['booked'] for s in slots if s['start'] == '08:00'] == [1]


def test_a_time_inside_a_slot_books_that_slot(client, hotline):
    body = client.post(API + '/appointments', json=booking(start='08:10'), headers=hotline).get_json()
    assert (body['start'], body['end']) == ('08:00', '08:30')


def test_full_slot_is_refused_with_the_nearest_free_slots(client, hotline, tokens):
    client.patch(API + '/services/CT', json={'slot_capacity': 2}, headers=bearer(tokens['admin']))
    for phone in ('0905000001', '0905000002'):
        assert client.post(API + '/appointments', json=booking(phone=phone), headers=hotline).status_code == 201
    answer = client.post(API + '/appointments', json=booking(phone='0905000003'), headers=hotline)
    assert answer.status_code == 409
    error = answer.get_json()['error']
    assert error['code'] == 'slot_full' and 'kín chỗ' in error['message']


@pytest.mark.parametrize('change, code', [
    ({'start': '12:00'}, 'outside_hours'),
    ({'start': '06:00'}, 'outside_hours'),
    ({'date': '2020-01-01'}, 'date_out_of_range'),
    ({'service': 'XX'}, 'unknown_service'),
])
def test_bookings_outside_the_calendar_are_refused(client, hotline, change, code):
    answer = client.post(API + '/appointments', json={**booking(), **change}, headers=hotline)
    assert answer.get_json()['error']['code'] == code
    assert answer.status_code in (404, 409)


def test_a_holiday_is_closed(client, hotline, tokens):
    day = open_day(3)
    assert client.post(API + '/holidays', json={'date': day.isoformat(), 'name': 'Ngày lễ thử'},
                       headers=bearer(tokens['admin'])).status_code == 201
    answer = client.post(API + '/appointments', json=booking(day=day), headers=hotline)
    assert answer.status_code == 409 and answer.get_json()['error']['code'] == 'office_closed'
    assert 'Ngày lễ thử' in answer.get_json()['error']['message']
    assert client.get(API + '/slots?service=CT&date=%s' % day, headers=hotline).get_json() == []


@pytest.mark.parametrize('change, code', [
    ({'date': '25/11/2026'}, 'invalid_date'), ({'start': '8h30'}, 'invalid_time'),
    ({'phone': '12345'}, 'invalid_phone'), ({'name': 'x' * 101}, 'too_long'), ({'name': ''}, 'missing_field'),
    ({'source': 'fax'}, 'invalid_source'), ({'procedure': 99999}, 'unknown_procedure'),
])
def test_bad_fields_are_400s_in_vietnamese(client, hotline, change, code):
    answer = client.post(API + '/appointments', json={**booking(), **change}, headers=hotline)
    assert answer.get_json()['error']['code'] == code and answer.status_code in (400, 404)


def test_one_phone_cannot_flood_bookings(client, hotline):
    for start in ('07:30', '08:00', '08:30'):
        assert client.post(API + '/appointments', json=booking(start=start), headers=hotline).status_code == 201
    again = client.post(API + '/appointments', json=booking(start='08:00'), headers=hotline)
    assert again.get_json()['error']['code'] == 'already_booked'
    fourth = client.post(API + '/appointments', json=booking(start='09:00'), headers=hotline)
    assert fourth.get_json()['error']['code'] == 'too_many_bookings'


def test_cancel_and_move(client, hotline):
    code = client.post(API + '/appointments', json=booking(), headers=hotline).get_json()['code']
    moved = client.post(API + '/appointments/%s/move' % code.lower(), json={'date': open_day(4).isoformat(),
                                                                            'start': '14:00'}, headers=hotline)
    assert moved.status_code == 200 and moved.get_json()['start'] == '14:00'
    with db.connection_context():
        reminders = list(OutboxMessage.select().where(OutboxMessage.kind == 'reminder'))
        assert sorted(r.state for r in reminders) == ['cancelled', 'cancelled', 'pending', 'pending']
    cancelled = client.post(API + '/appointments/%s/cancel' % code, headers=hotline)
    assert cancelled.get_json()['status'] == 'cancelled'
    again = client.post(API + '/appointments/%s/cancel' % code, headers=hotline)
    assert again.status_code == 409 and again.get_json()['error']['code'] == 'invalid_state'
    assert client.post(API + '/appointments/ZZZZZZ/cancel', headers=hotline).status_code == 404
    by_phone = client.get(API + '/appointments?phone=0905123456', headers=hotline).get_json()
    assert [a['code'] for a in by_phone] == [code]


def test_two_operators_never_overbook_the_last_place(app, office, tokens):
    with db.connection_context():
        from server.models import Service
        Service.update(slot_capacity=1).where(Service.code == 'CT').execute()
    outcomes = []

    def operator(phone):
        client = app.test_client()
        answer = client.post(API + '/appointments', json=booking(phone=phone), headers=bearer(tokens['hotline']))
        outcomes.append(answer.status_code)
    threads = [threading.Thread(target=operator, args=('09050000%02d' % i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == [201] + [409] * 7
    with db.connection_context():
        assert Appointment.select().count() == 1


def at(moment_local):
    return utc_from_local(moment_local)


def test_check_in_issues_a_priority_ticket_within_the_window(app, office):
    slot = datetime.datetime.combine(open_day(), datetime.time(9, 0))
    code = book_now(app, slot)
    with app.app_context(), db.connection_context():
        with pytest.raises(appointments.Conflict) as early:
            appointments.check_in(code, now=at(slot - datetime.timedelta(minutes=31)))
        assert early.value.code == 'too_early' and '08:30' in str(early.value.message)
        ticket = appointments.check_in(code.lower(), now=at(slot - datetime.timedelta(minutes=10)))
        assert ticket.priority and ticket.priority_reason == 'appointment' and ticket.source == 'appointment'
        assert ticket.name == 'Trần Thị Bích' and ticket.number == 'A001'
        assert Appointment.get(Appointment.code == code).status == 'checked_in'
        with pytest.raises(appointments.Conflict) as twice:
            appointments.check_in(code, now=at(slot))
        assert twice.value.code == 'already_checked_in' and 'A001' in str(twice.value.message)


def test_check_in_by_phone_and_too_late(app, office):
    slot = datetime.datetime.combine(open_day(), datetime.time(10, 0))
    book_now(app, slot, phone='0912345678')
    with app.app_context(), db.connection_context():
        with pytest.raises(appointments.Conflict) as late:
            appointments.check_in('0912345678', now=at(slot + datetime.timedelta(minutes=16)))
        assert late.value.code == 'too_late'
        ticket = appointments.check_in('0912 345 678', now=at(slot + datetime.timedelta(minutes=5)))
        assert ticket.phone == '0912345678'


def test_check_in_api_for_kiosk(client, office, tokens):
    settings_body = {'checkin_early_minutes': 240, 'checkin_late_minutes': 240}
    client.patch(API + '/settings', json=settings_body, headers=bearer(tokens['admin']))
    unknown = client.post(API + '/appointments/ABCDEF/check-in', headers=bearer(tokens['kiosk']))
    assert unknown.status_code == 404 and unknown.get_json()['error']['code'] == 'unknown_appointment'
    refused = client.post(API + '/appointments/ABCDEF/check-in', headers=bearer(tokens['hotline']))
    assert refused.status_code == 403
    bad = client.post(API + '/appointments/ABCDEF/check-in', json={'print': 'yes'}, headers=bearer(tokens['kiosk']))
    assert bad.status_code == 400 and bad.get_json()['error']['code'] == 'invalid_type'


def test_unchecked_bookings_become_no_shows_after_the_grace(app, office):
    slot = datetime.datetime.combine(open_day(), datetime.time(9, 0))
    code = book_now(app, slot)
    with app.app_context(), db.connection_context():
        assert appointments.sweep_no_shows(now=at(slot + datetime.timedelta(minutes=44))) == 0
        assert appointments.sweep_no_shows(now=at(slot + datetime.timedelta(minutes=46))) == 1
        appointment = Appointment.get(Appointment.code == code)
        assert appointment.status == 'no_show'
        assert {m.state for m in appointment.messages if m.kind == 'reminder'} <= {'cancelled', 'sent', 'skipped'}


def test_admission_cap_turns_walk_ins_away_but_not_priority(client, office, tokens):
    admin, kiosk = bearer(tokens['admin']), bearer(tokens['kiosk'])
    client.patch(API + '/settings', json={'admission_cap': 2, 'hotline_phone': '1900 1234'}, headers=admin)
    for _ in range(2):
        assert client.post(API + '/tickets', json={'service': 'CT', 'print': False}, headers=kiosk).status_code == 201
    full = client.post(API + '/tickets', json={'service': 'CT', 'print': False}, headers=kiosk)
    assert full.status_code == 409
    error = full.get_json()['error']
    assert error['code'] == 'office_full' and '1900 1234' in error['message'] and 'lịch hẹn' in error['message']
    english = client.post(API + '/tickets', json={'service': 'CT', 'print': False},
                          headers=bearer(tokens['kiosk'], **{'Accept-Language': 'en'}))
    assert 'appointment' in english.get_json()['error']['message']
    priority = client.post(API + '/tickets', json={'service': 'CT', 'priority_reason': 'elderly', 'print': False},
                           headers=kiosk)
    assert priority.status_code == 201
    assert client.post(API + '/tickets', json={'service': 'CT'}, headers=bearer(tokens['desk'])).status_code == 201
    # Someone served frees a place.
    client.post(API + '/counters/1/call-next', headers=bearer(tokens['counter']))
    client.post(API + '/counters/1/call-next', headers=bearer(tokens['counter']))
    with db.connection_context():
        Ticket.update(status='done').where(Ticket.status == 'called').execute()
        present = Ticket.select().where(Ticket.status == 'waiting').count()
    assert present == 2
    client.patch(API + '/settings', json={'admission_cap': 3}, headers=admin)
    assert client.post(API + '/tickets', json={'service': 'CT', 'print': False}, headers=kiosk).status_code == 201


def test_holidays_and_hours_api(client, tokens):
    admin, hotline = bearer(tokens['admin']), bearer(tokens['hotline'])
    hours = client.get(API + '/office-hours', headers=hotline).get_json()
    assert hours[0]['sessions']['morning'] == {'start': '07:30', 'end': '11:30'} and hours[6]['sessions'] == {}
    week = [{'weekday': d, 'sessions': {'morning': {'start': '08:00', 'end': '11:00'}}} for d in range(6)]
    assert client.put(API + '/office-hours', json=week, headers=admin).status_code == 200
    assert client.get(API + '/office-hours', headers=hotline).get_json()[0]['sessions'] == {
        'morning': {'start': '08:00', 'end': '11:00'}}
    bad = client.put(API + '/office-hours', json=[{'weekday': 0, 'sessions': {'morning': {
        'start': '11:00', 'end': '08:00'}}}], headers=admin)
    assert bad.status_code == 400 and 'Thứ Hai' in bad.get_json()['error']['message']
    assert client.post(API + '/holidays', json={'date': '2027-01-01', 'name': 'Tết Dương lịch'},
                       headers=admin).status_code == 201
    assert client.post(API + '/holidays', json={'date': '2027-01-01', 'name': 'x'}, headers=admin).status_code == 409
    assert client.get(API + '/holidays?year=2027', headers=hotline).get_json() == [
        {'date': '2027-01-01', 'name': 'Tết Dương lịch'}]
    assert client.delete(API + '/holidays/2027-01-01', headers=admin).status_code == 200
    assert client.delete(API + '/holidays/2027-01-01', headers=admin).status_code == 404


def test_public_holidays_seed_once(app):
    from server.host.jobs import seed_calendar
    seed_calendar(app)
    with db.connection_context():
        count = Holiday.select().count()
        year = local_naive().year
        assert Holiday.select().where(Holiday.day == datetime.date(year, 9, 2)).exists()
        assert count >= 16
        Holiday.delete().where(Holiday.day == datetime.date(year, 9, 2)).execute()
    seed_calendar(app)   # the admin's deletion stands
    with db.connection_context():
        assert Holiday.select().count() == count - 1
        assert settings.get('holidays_seeded') == [year, year + 1]


def test_a_checked_in_booking_is_served_before_earlier_walk_ins(app, office):
    from server.queueing import tickets
    slot = datetime.datetime.combine(open_day(), datetime.time(9, 0))
    code = book_now(app, slot)
    with app.app_context(), db.connection_context():
        walk_ins = [tickets.issue_ticket('CT', now=at(slot - datetime.timedelta(minutes=20 - i))) for i in range(3)]
        ticket = appointments.check_in(code, now=at(slot - datetime.timedelta(minutes=5)))
        called = tickets.call_next(1, now=at(slot))
        assert called.id == ticket.id and called.number == 'A004'
        assert tickets.call_next(1, now=at(slot)).id == walk_ins[0].id
