"""A holiday over booked days: refused with the bookings listed, or added with them cancelled and each citizen
told once; reminders withdrawn for good; the console's confirmation in a browser."""
import datetime
import logging

import pytest

from server import caches
from server.api.openapi import spec
from server.booking import appointments, office_hours
from server.extensions import db
from server.models import Appointment, AuditEvent, Holiday, OutboxMessage, Service
from server.sms import outbox
from server.sms.text import outgoing_text, sms_parts
from tests.conftest import bearer, open_weekday
from tests.contract import Contract
from tests.fake_gateway import RecordingGateway
from tests.helpers import api, local, log_in_page

API = '/api/v1'
AN, BINH = '0905123456', '0912345678'


def book(client, token, day, start, phone, service='CT', name='Nguyễn Văn An'):
    answer = client.post(API + '/appointments', headers=token, json={
        'service': service, 'date': day.isoformat(), 'start': start, 'name': name, 'phone': phone,
        'source': 'hotline'})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()['code']


@pytest.fixture
def booked(client, office, tokens):
    """Three open bookings on a working day (two of one citizen), one cancelled there, one on another day."""
    hotline, day = bearer(tokens['hotline']), open_weekday(3)
    other_day = day + datetime.timedelta(days=1)
    while other_day.weekday() >= 5:
        other_day += datetime.timedelta(days=1)
    codes = {'an_morning': book(client, hotline, day, '08:00', AN),
             'an_afternoon': book(client, hotline, day, '14:00', AN, service='HT'),
             'binh': book(client, hotline, day, '09:30', BINH, name='Trần Thị Bình'),
             'cancelled': book(client, hotline, day, '10:00', '0987654321', name='Lê Văn Cường'),
             'other_day': book(client, hotline, other_day, '08:00', BINH, name='Trần Thị Bình')}
    assert client.post(API + '/appointments/%s/cancel' % codes['cancelled'], headers=hotline).status_code == 200
    return day, codes


def states():
    with db.connection_context():
        return ({a.code: a.status for a in Appointment.select()},
                sorted((m.key, m.kind, m.state) for m in OutboxMessage.select()))


def server_log(caplog):
    """What the server itself logged (its loggers only: peewee's debug lines carry the query parameters)."""
    return '\n'.join(record.getMessage() for record in caplog.records if record.name.startswith('server'))


def add_holiday(client, tokens, day, **extra):
    return client.post(API + '/holidays', headers=bearer(tokens['admin']),
                       json={'date': day.isoformat(), 'name': 'Nghỉ bù Quốc khánh', **extra})


def test_a_day_with_bookings_is_refused_with_the_bookings_listed(app, client, tokens, booked, caplog):
    caplog.set_level(logging.DEBUG, logger='server')
    day, codes = booked
    before = states()
    answer = add_holiday(client, tokens, day)
    assert answer.status_code == 409
    error = Contract(spec(app)).check('POST', '/holidays', answer)['error']
    assert error['code'] == 'has_bookings'
    assert day.strftime('%d/%m/%Y') in error['message'] and '3 lịch hẹn' in error['message']
    assert [b['code'] for b in error['bookings']] == [codes['an_morning'], codes['binh'], codes['an_afternoon']]
    assert error['bookings'][0] == {'code': codes['an_morning'], 'service': 'CT', 'service_name': 'Chứng thực',
                                    'date': day.isoformat(), 'start': '08:00', 'end': '08:30',
                                    'name': 'Nguyễn Văn An'}
    assert AN not in answer.get_data(as_text=True)
    english = client.post(API + '/holidays', headers=bearer(tokens['admin'], **{'Accept-Language': 'en'}),
                          json={'date': day.isoformat(), 'name': 'x'})
    assert 'still has 3 open booking' in english.get_json()['error']['message']
    # Nothing changed: no holiday, the bookings and their messages as they were, the day still bookable.
    assert states() == before
    with db.connection_context():
        assert not Holiday.select().exists()
        assert not AuditEvent.select().where(AuditEvent.action == 'holiday_added').exists()
    slots = client.get(API + '/slots?service=CT&date=%s' % day, headers=bearer(tokens['hotline'])).get_json()
    assert slots and [s['booked'] for s in slots if s['start'] == '08:00'] == [1]
    explicit_no = add_holiday(client, tokens, day, cancel_bookings=False)
    assert explicit_no.status_code == 409 and states() == before
    assert AN not in server_log(caplog) and BINH not in server_log(caplog)


def test_cancel_bookings_cancels_withdraws_and_tells_each_citizen_once(app, client, tokens, booked, caplog):
    caplog.set_level(logging.DEBUG, logger='server')
    day, codes = booked
    answer = add_holiday(client, tokens, day, cancel_bookings=True)
    assert answer.status_code == 201, answer.get_json()
    body = Contract(spec(app)).check('POST', '/holidays', answer)
    assert body == {'date': day.isoformat(), 'name': 'Nghỉ bù Quốc khánh',
                    'cancelled': [codes['an_morning'], codes['binh'], codes['an_afternoon']]}
    statuses, _messages = states()
    assert {statuses[codes[k]] for k in ('an_morning', 'an_afternoon', 'binh')} == {'cancelled'}
    assert statuses[codes['other_day']] == 'booked'
    with db.connection_context():
        for key in ('an_morning', 'an_afternoon', 'binh'):
            reminders = OutboxMessage.select().join(Appointment).where(
                Appointment.code == codes[key], OutboxMessage.kind == 'reminder')
            assert reminders.count() >= 1 and {m.state for m in reminders} == {'cancelled'}, key
        other = OutboxMessage.select().join(Appointment).where(Appointment.code == codes['other_day'],
                                                               OutboxMessage.kind == 'reminder')
        assert other.count() >= 1 and {m.state for m in other} == {'pending'}
        told = list(OutboxMessage.select().where(OutboxMessage.key.startswith('closed:')))
        assert Holiday.get(Holiday.day == day).name == 'Nghỉ bù Quốc khánh'
        audit = [a.detail for a in AuditEvent.select().where(AuditEvent.action == 'appointment_cancelled')]
    assert sorted(m.phone for m in told) == [AN, BINH] and {m.kind for m in told} == {'cancellation'}
    to_an = next(m for m in told if m.phone == AN)
    assert codes['an_morning'] in to_an.text and codes['an_afternoon'] in to_an.text
    assert day.strftime('%d/%m/%Y') in to_an.text and 'nghi' in to_an.text and 'huy' in to_an.text
    for message in told:
        assert message.text.isascii() and sms_parts(message.text) == 1, message.text
    assert sum('office_closed' in detail for detail in audit) == 3
    assert client.get(API + '/slots?service=CT&date=%s' % day, headers=bearer(tokens['hotline'])).get_json() == []

    # Sending: the two cancellation texts go once, the withdrawn reminders never do (up to the last slot).
    gateway = RecordingGateway()
    with app.app_context(), db.connection_context():
        moment = max(m.send_after for m in told)
        for later in (moment, moment + datetime.timedelta(minutes=1), local(day, 7, 45), local(day, 13, 45)):
            while outbox.deliver_due(gateway, now=later):
                pass
    closing = sorted(phone for phone, _text, reference in gateway.sent if reference.startswith('closed:'))
    assert closing == [AN, BINH]
    assert not [reference for _phone, _text, reference in gateway.sent if reference.startswith('remind:')]

    # A retry changes and sends nothing more: the day is a holiday now.
    before = states()
    again = add_holiday(client, tokens, day, cancel_bookings=True)
    assert again.status_code == 409 and again.get_json()['error']['code'] == 'duplicate_holiday'
    assert client.delete(API + '/holidays/%s' % day, headers=bearer(tokens['admin'])).status_code == 200
    readded = add_holiday(client, tokens, day, cancel_bookings=True)
    assert readded.status_code == 201 and readded.get_json()['cancelled'] == []
    assert states() == before
    sent_before = len(gateway.sent)
    with app.app_context(), db.connection_context():
        outbox.deliver_due(gateway, now=local(day, 13, 50))
    assert len(gateway.sent) == sent_before
    assert AN not in server_log(caplog) and BINH not in server_log(caplog)


def test_the_closing_text_is_queued_once_for_the_same_bookings(app, office):
    day = open_weekday(3)
    with app.app_context(), db.connection_context():
        first = appointments.book('CT', day, datetime.time(8, 0), 'Nguyễn Văn An', AN)
        second = appointments.book('HT', day, datetime.time(9, 0), 'Nguyễn Văn An', AN)
        holiday = Holiday(day=day, name='Nghỉ')
        from server.booking.holidays import cancel_for_closure
        for _attempt in range(2):   # the same closing handled twice (two processes at once)
            with db.atomic():
                cancel_for_closure([second, first], holiday, 'test', local(day - datetime.timedelta(days=2), 10))
        told = list(OutboxMessage.select().where(OutboxMessage.kind == 'cancellation'))
    assert len(told) == 1 and told[0].appointment_id == first.id
    assert told[0].text.index(first.code) < told[0].text.index(second.code)   # in slot order


def test_the_closing_text_always_fits_one_sms(app, office):
    from server.sms import messages
    day = open_weekday(3)
    with app.app_context(), db.connection_context():
        Service.update(name='Đăng ký, chứng thực và cấp bản sao trích lục hộ tịch cho công dân ' * 2).where(
            Service.code == 'CT').execute()
        caches.forget_all()
        long_one = appointments.book('CT', day, datetime.time(8, 0), 'Nguyễn Văn An', AN)
        many = [appointments.book('HT', day, datetime.time(8, 0) if n == 0 else datetime.time(9 + n, 0),
                                  'Trần Thị Bình', BINH) for n in range(3)]
        texts = [messages.office_closed([long_one], 'Nghỉ bù ' * 12),
                 messages.office_closed(many, 'Tết'),
                 messages.office_closed(many[:1], 'Tết')]
    assert all(sms_parts(outgoing_text(text)) == 1 for text in texts), texts
    assert 'Tết' in texts[2] and 'Hộ tịch' in texts[2] and many[0].start in texts[2]
    assert all(a.code in texts[1] for a in many)


def test_a_withdrawn_reminder_can_never_be_sent(app, office):
    """The worker read a reminder while it was pending; the booking is cancelled before it gets to it."""
    day = open_weekday(3)
    gateway = RecordingGateway()
    with app.app_context(), db.connection_context():
        booking = appointments.book('CT', day, datetime.time(9, 0), 'Nguyễn Văn An', AN,
                                    now=local(day - datetime.timedelta(days=2), 10))
        read_by_worker = OutboxMessage.select().where(OutboxMessage.kind == 'reminder').order_by(
            OutboxMessage.send_after.desc()).first()
        appointments.cancel(booking.code, notify=False)
        assert outbox.send_one(gateway, read_by_worker, now=local(day, 9, 5)) is None   # past its expiry
        assert OutboxMessage.get_by_id(read_by_worker.id).state == 'cancelled'
        assert outbox.resend(read_by_worker.id) is False
        # A reminder that failed before the booking was cancelled is not sent again either.
        failed = OutboxMessage.select().where(OutboxMessage.kind == 'reminder',
                                              OutboxMessage.id != read_by_worker.id).first()
        OutboxMessage.update(state='failed').where(OutboxMessage.id == failed.id).execute()
        assert outbox.resend(failed.id) is False
        outbox.deliver_due(gateway, now=local(day, 8, 30))
    assert [reference for _phone, _text, reference in gateway.sent if reference.startswith('remind:')] == []


def test_public_holidays_are_not_seeded_over_bookings(app, office, caplog):
    national_day = datetime.date(2031, 9, 2)
    with app.app_context(), db.connection_context():
        Appointment.create(code='K7M2QX', service=Service.by_code('CT'), date=national_day, start='08:00',
                           end='08:30', name='Nguyễn Văn An', phone=AN)
        added = office_hours.seed_holidays([2031])
        assert added >= 10
        assert not Holiday.select().where(Holiday.day == national_day).exists()
        assert Holiday.select().where(Holiday.day == datetime.date(2031, 1, 1)).exists()
    assert '2031-09-02' in server_log(caplog) and AN not in server_log(caplog)


@pytest.mark.browser
def test_the_console_asks_before_cancelling_bookings(live_server, page_in):
    from playwright.sync_api import expect

    server = live_server(demo=True)
    hotline, admin = server.token('hotline'), server.token('admin')
    day = open_weekday(3)
    booked = [api(server, 'POST', '/appointments', hotline, {
        'service': 'CT', 'date': day.isoformat(), 'start': start, 'name': name, 'phone': phone, 'source': 'hotline'})
        for start, name, phone in (('08:00', 'Nguyễn Văn An', AN), ('09:30', 'Trần Thị Bình', BINH))]
    page = page_in(1920, 1080)
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    log_in_page(page, server, '/admin', 'admin', server.password('admin'))
    page.goto(server.url + '/admin/calendar')
    form = page.locator('#add-holiday')

    def ask():
        form.locator('[name="date"]').fill(day.strftime('%d/%m/%Y'))
        form.locator('[name="name"]').fill('Nghỉ đột xuất')
        form.locator('button[type="submit"]').click()

    ask()
    dialog = page.locator('#holiday-bookings')
    expect(dialog).to_be_visible(timeout=10000)
    rows = dialog.locator('tbody tr')
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(booked[0]['code'])
    expect(rows.nth(0)).to_contain_text('Nguyễn Văn An')
    expect(rows.nth(0)).to_contain_text(day.strftime('%d/%m/%Y'))
    expect(rows.nth(0)).to_contain_text('08:00–08:30')
    expect(rows.nth(1)).to_contain_text(booked[1]['code'])
    expect(dialog).not_to_contain_text(AN)
    dialog.get_by_role('button', name='Không thêm ngày nghỉ').click()
    expect(dialog).to_be_hidden()
    holidays = api(server, 'GET', '/holidays?year=%d' % day.year, admin)
    assert day.isoformat() not in [h['date'] for h in holidays]
    assert [api(server, 'GET', '/appointments/' + b['code'], hotline)['status'] for b in booked] == \
        ['booked', 'booked']

    ask()
    expect(dialog).to_be_visible(timeout=10000)
    with page.expect_navigation(timeout=10000):
        dialog.get_by_role('button', name='Hủy các lịch hẹn và thêm ngày nghỉ').click()
    expect(page.locator('#notice')).to_have_text(
        'Đã thêm ngày nghỉ và hủy 2 lịch hẹn; công dân được nhắn tin báo.', timeout=10000)
    expect(page.locator('#holidays tr[data-date="%s"]' % day.isoformat())).to_contain_text('Nghỉ đột xuất')
    assert [api(server, 'GET', '/appointments/' + b['code'], hotline)['status'] for b in booked] == \
        ['cancelled', 'cancelled']
    outbox_rows = api(server, 'GET', '/sms/outbox', admin)
    told = [m for m in outbox_rows if m['kind'] == 'cancellation']
    assert len(told) == 2 and all(m['state'] in ('pending', 'sent') for m in told)
    assert not [m for m in outbox_rows if m['kind'] == 'reminder' and m['state'] not in ('cancelled',)]
    assert errors == []
