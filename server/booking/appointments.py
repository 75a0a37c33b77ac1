"""Appointments: booking a slot, cancelling, moving, checking in, and the no-show sweep."""
import datetime
import logging
import secrets

from flask_babel import gettext as _
from peewee import IntegrityError

from server import settings
from server.audit import audit
from server.booking import reminders
from server.booking.office_hours import (clock, free_slots_near, holiday_name, parse_clock, sessions_on, slot_moment,
                                         slot_starts)
from server.clock import local_naive
from server.db.database import supports_row_locks
from server.errors import Conflict, NotFound
from server.extensions import db
from server.labels import APPOINTMENT_STATUS, label
from server.models import Appointment, Service, Ticket, utcnow
from server.queueing import tickets
from server.sms import messages, outbox
from server.sms.parser import CODE_ALPHABET, CODE_LENGTH, normalise_code
from server.validation import mask_phone, phone_number

log = logging.getLogger(__name__)
OPEN = ('booked',)


class SlotUnavailable(Conflict):
    """The slot cannot be booked; `alternatives` are the nearest free slots (naive office datetimes)."""

    def __init__(self, message, code, alternatives=()):
        super().__init__(message, code)
        self.alternatives = list(alternatives)


def appointment_dict(appointment):
    return {'code': appointment.code, 'service': appointment.service.code,
            'service_name': appointment.service.name,
            'procedure': appointment.procedure.name if appointment.procedure_id else None,
            'date': appointment.date.isoformat(), 'start': appointment.start, 'end': appointment.end,
            'name': appointment.name, 'phone': appointment.phone, 'status': appointment.status,
            'status_label': label(APPOINTMENT_STATUS, appointment.status),
            'source': appointment.source, 'note': appointment.note,
            'ticket': appointment.ticket.number if appointment.ticket_id else None}


def find(code):
    """The appointment with this code (any case, spaces ignored), or a 404."""
    normal = normalise_code(code) if isinstance(code, str) else None
    row = Appointment.get_or_none(Appointment.code == normal) if normal else None
    if row is None:
        raise NotFound(_('Không có lịch hẹn mã "%(code)s".', code=str(code)[:16]), 'unknown_appointment')
    return row


def bookable_service(code):
    service = tickets.open_service(code)
    if not service.bookable:
        raise Conflict(_('Lĩnh vực "%(name)s" không nhận đặt lịch hẹn.', name=service.name), 'not_bookable')
    return service


def _alternatives(service, day, start, now):
    return free_slots_near(service, day, start, local_naive(now))


def _slot_for(service, day, start, now):
    """The (start, end) of the slot holding `start` on `day`, or SlotUnavailable saying why not."""
    today = local_naive(now).date()
    ahead = int(settings.get('booking_days_ahead'))
    if day < today or day > today + datetime.timedelta(days=ahead):
        raise SlotUnavailable(_('Chỉ nhận đặt lịch từ hôm nay đến %(days)s ngày tới.', days=ahead),
                              'date_out_of_range', _alternatives(service, max(day, today), start, now))
    holiday = holiday_name(day)
    if holiday or not sessions_on(day):
        reason = _('ngày nghỉ lễ: %(name)s', name=holiday) if holiday else _('ngày không làm việc')
        raise SlotUnavailable(_('Ngày %(day)s bộ phận một cửa không làm việc (%(reason)s).',
                                day=day.strftime('%d/%m/%Y'), reason=reason),
                              'office_closed', _alternatives(service, day, start, now))
    for slot_start, slot_end in slot_starts(service, day):
        if slot_start <= start < slot_end:
            if datetime.datetime.combine(day, slot_start) <= local_naive(now):
                raise SlotUnavailable(_('Khung giờ %(start)s đã qua.', start=clock(slot_start)), 'slot_past',
                                      _alternatives(service, day, start, now))
            return slot_start, slot_end
    raise SlotUnavailable(_('Giờ %(start)s ngoài giờ làm việc ngày %(day)s.', start=clock(start),
                            day=day.strftime('%d/%m/%Y')), 'outside_hours', _alternatives(service, day, start, now))


def _check_room(service, day, slot_start, phone, now, moving=None):
    """Refuse a full slot, a phone already booked there, or a phone over its booking limit."""
    if supports_row_locks():   # PostgreSQL: two operators booking the last place queue on the service row
        Service.select().where(Service.id == service.id).for_update().get()
    taken = Appointment.taken(service, day, clock(slot_start))
    if moving is not None:
        taken = taken.where(Appointment.id != moving.id)
    if taken.where(Appointment.phone == phone).exists():
        raise Conflict(_('Số điện thoại này đã có lịch hẹn trong khung giờ đó.'), 'already_booked')
    if taken.count() >= service.slot_capacity:
        raise SlotUnavailable(_('Khung giờ %(start)s ngày %(day)s đã kín chỗ.', start=clock(slot_start),
                                day=day.strftime('%d/%m/%Y')), 'slot_full',
                              _alternatives(service, day, slot_start, now))
    if moving is None:
        open_ones = Appointment.select().where(Appointment.phone == phone, Appointment.status.in_(OPEN),
                                               Appointment.date >= local_naive(now).date()).count()
        limit = int(settings.get('max_bookings_per_phone'))
        if open_ones >= limit:
            raise Conflict(_('Số điện thoại này đã có %(count)s lịch hẹn chưa đến; hãy hủy bớt trước khi đặt thêm.',
                             count=open_ones), 'too_many_bookings')


def book(service_code, day, start, name, phone, source='hotline', actor='', procedure=None, note='', now=None,
         confirm=True):
    """Book a place in the slot holding `start` (a time) on `day`; queues the confirmation SMS if `confirm`."""
    now = now or utcnow()
    service = bookable_service(service_code)
    for _attempt in range(5):
        try:
            with db.atomic():
                slot_start, slot_end = _slot_for(service, day, start, now)
                _check_room(service, day, slot_start, phone, now)
                appointment = Appointment.create(
                    code=''.join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)), service=service,
                    procedure=procedure, date=day, start=clock(slot_start), end=clock(slot_end), name=name,
                    phone=phone, source=source, note=note or '', created_by=actor or '', created_at=now,
                    changed_at=now)
                audit(None, 'appointment_booked', actor, code=appointment.code, service=service.code,
                      date=day.isoformat(), start=appointment.start, source=source)
                if confirm:
                    outbox.enqueue('confirm:%s' % appointment.code, phone, messages.confirmation(appointment),
                                   'confirmation', appointment=appointment, now=now)
                reminders.schedule(appointment, now)
            log.info('booked %s %s %s for %s', appointment.code, service.code, appointment.start, mask_phone(phone))
            return appointment
        except IntegrityError:   # two bookings drew the same random code: draw again
            continue
    raise Conflict(_('Không tạo được mã hẹn, vui lòng thử lại.'), 'code_collision')


def _open_appointment(code):
    appointment = find(code)
    if appointment.status not in OPEN:
        raise Conflict(_('Lịch hẹn %(code)s đang ở trạng thái "%(status)s".', code=appointment.code,
                         status=label(APPOINTMENT_STATUS, appointment.status)), 'invalid_state')
    return appointment


def cancel(code, actor='', now=None, notify=True):
    """Cancel a booking; its reminders are withdrawn and the citizen told."""
    now = now or utcnow()
    with db.atomic():
        appointment = _open_appointment(code)
        appointment.status, appointment.changed_at = 'cancelled', now
        appointment.save()
        outbox.withdraw(appointment)
        audit(None, 'appointment_cancelled', actor, code=appointment.code)
        if notify:
            outbox.enqueue('cancel:%s' % appointment.code, appointment.phone, messages.cancelled(appointment),
                           'cancellation', appointment=appointment, now=now)
    return appointment


def move(code, day, start, actor='', now=None, confirm=True):
    """Move a booking to another slot of its service; new confirmation and reminders."""
    now = now or utcnow()
    with db.atomic():
        appointment = _open_appointment(code)
        slot_start, slot_end = _slot_for(appointment.service, day, start, now)
        _check_room(appointment.service, day, slot_start, appointment.phone, now, moving=appointment)
        outbox.withdraw(appointment)
        appointment.date, appointment.start, appointment.end = day, clock(slot_start), clock(slot_end)
        appointment.changed_at = now
        appointment.save()
        audit(None, 'appointment_moved', actor, code=appointment.code, date=day.isoformat(),
              start=appointment.start)
        if confirm:
            outbox.enqueue('moved:%s:%s:%s' % (appointment.code, day.isoformat(), appointment.start),
                           appointment.phone, messages.moved(appointment), 'confirmation',
                           appointment=appointment, now=now)
        reminders.schedule(appointment, now)
    return appointment


def _for_check_in(code_or_phone, now):
    """The booking a kiosk entry means: a code, or today's open booking of a phone number."""
    text = (code_or_phone or '').strip()
    if text[:1] in '0+' and text:
        phone = phone_number(text)
        found = (Appointment.select().where(Appointment.phone == phone, Appointment.date == local_naive(now).date())
                 .order_by(Appointment.status != 'booked', Appointment.start).first())
        if found is None:
            raise NotFound(_('Không có lịch hẹn hôm nay cho số điện thoại này.'), 'unknown_appointment')
        return found
    return find(text)


def check_in(code_or_phone, actor='', now=None, on_commit=None):
    """The citizen has come: issue a ticket with appointment priority, within the check-in window."""
    now = now or utcnow()
    here = local_naive(now)
    appointment = _for_check_in(code_or_phone, now)
    if appointment.status == 'checked_in' and appointment.ticket_id:
        raise Conflict(_('Lịch hẹn %(code)s đã lấy số %(number)s.', code=appointment.code,
                         number=appointment.ticket.number), 'already_checked_in')
    if appointment.status != 'booked':
        raise Conflict(_('Lịch hẹn %(code)s đang ở trạng thái "%(status)s".', code=appointment.code,
                         status=label(APPOINTMENT_STATUS, appointment.status)), 'invalid_state')
    begins = slot_moment(appointment)
    early = datetime.timedelta(minutes=int(settings.get('checkin_early_minutes')))
    late = datetime.timedelta(minutes=int(settings.get('checkin_late_minutes')))
    if appointment.date != here.date():
        raise Conflict(_('Lịch hẹn %(code)s là ngày %(day)s, không phải hôm nay.', code=appointment.code,
                         day=appointment.date.strftime('%d/%m/%Y')), 'wrong_day')
    if here < begins - early:
        raise Conflict(_('Lịch hẹn lúc %(start)s; mời quay lại từ %(from)s.', start=appointment.start,
                         **{'from': clock(begins - early)}), 'too_early')
    if here > begins + late:
        raise Conflict(_('Đã quá giờ hẹn %(start)s hơn %(minutes)s phút; mời lấy số thường.',
                         start=appointment.start, minutes=int(late.total_seconds() // 60)), 'too_late')
    with db.atomic():
        ticket = tickets.issue_ticket(appointment.service.code, True, 'appointment', appointment.name,
                                      appointment.phone, 'appointment', actor, now=now, on_commit=on_commit)
        claimed = (Appointment.update(status='checked_in', checked_in_at=now, changed_at=now, ticket=ticket)
                   .where(Appointment.id == appointment.id, Appointment.status == 'booked').execute())
        if claimed != 1:   # checked in twice at once: the second one rolls its ticket back
            raise Conflict(_('Lịch hẹn %(code)s vừa được lấy số.', code=appointment.code), 'already_checked_in')
        outbox.withdraw(appointment)
    return ticket


def sweep_no_shows(now=None):
    """Bookings not checked in by the end of their slot plus the grace period become no-shows."""
    now = now or utcnow()
    here = local_naive(now)
    grace = datetime.timedelta(minutes=int(settings.get('appointment_grace_minutes')))
    swept = 0
    with db.atomic():
        candidates = Appointment.select().where(Appointment.status == 'booked', Appointment.date <= here.date())
        for appointment in candidates:
            ends = datetime.datetime.combine(appointment.date, parse_clock(appointment.end))
            if ends + grace < here:
                appointment.status, appointment.changed_at = 'no_show', now
                appointment.save()
                outbox.withdraw(appointment)
                audit(None, 'appointment_no_show', 'system', code=appointment.code)
                swept += 1
    return swept


def for_phone(phone, limit=20):
    """A caller's bookings, newest first."""
    return list(Appointment.select().where(Appointment.phone == phone)
                .order_by(Appointment.date.desc(), Appointment.start.desc()).limit(limit))


def day_list(day, service=None):
    """A day's bookings in slot order (the list printed or exported for the counters)."""
    query = Appointment.select().where(Appointment.date == day)
    if service is not None:
        query = query.where(Appointment.service == service)
    return list(query.order_by(Appointment.start, Appointment.service, Appointment.created_at))


def checked_in_ticket(appointment):
    return Ticket.get_by_id(appointment.ticket_id) if appointment.ticket_id else None
