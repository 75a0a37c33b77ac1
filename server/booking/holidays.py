"""Holidays: closing the office for a day, and what that does to the bookings already made for it.

A day with open bookings is not closed silently: the admin is shown the bookings (409 has_bookings) and
closes it only by asking for them to be cancelled. Their reminders are then withdrawn and each citizen
gets one SMS, whose outbox key names the day and the citizen's bookings, so it is never queued twice.
"""
import logging

from flask_babel import gettext as _
from peewee import IntegrityError

from server import caches
from server.audit import audit
from server.booking.appointments import OPEN
from server.booking.office_hours import slot_moment
from server.clock import local_naive, utc_from_local
from server.errors import Conflict
from server.extensions import db
from server.models import Appointment, Holiday, utcnow
from server.sms import messages, outbox

log = logging.getLogger(__name__)


class HasBookings(Conflict):
    """The day has open bookings; the answer lists them so that the admin can confirm their cancellation."""

    def __init__(self, day, bookings):
        super().__init__(_('Ngày %(day)s còn %(count)s lịch hẹn chưa đến. Để vẫn nghỉ, hãy hủy các lịch hẹn đó '
                           '(gửi kèm "cancel_bookings": true); công dân sẽ được nhắn tin báo.',
                           day=day.strftime('%d/%m/%Y'), count=len(bookings)), 'has_bookings')
        self.details = {'bookings': [booking_dict(a) for a in bookings]}


def booking_dict(appointment):
    """A booking in the way of a holiday, as the admin sees it (no phone number)."""
    return {'code': appointment.code, 'service': appointment.service.code,
            'service_name': appointment.service.name, 'date': appointment.date.isoformat(),
            'start': appointment.start, 'end': appointment.end, 'name': appointment.name}


def open_bookings(day):
    """The bookings of a day still open: booked, and not yet cancelled, checked in or missed."""
    return list(Appointment.select().where(Appointment.date == day, Appointment.status.in_(OPEN))
                .order_by(Appointment.start, Appointment.service, Appointment.created_at))


def add(day, name, actor='', cancel_bookings=False, now=None):
    """Close the office on `day`; returns (holiday, the bookings cancelled). Open bookings refuse it with
    HasBookings unless `cancel_bookings`, which cancels them and tells each citizen once."""
    now = now or utcnow()
    duplicate = Conflict(_('Ngày %(day)s đã là ngày nghỉ.', day=day.strftime('%d/%m/%Y')), 'duplicate_holiday')
    try:
        with db.atomic():
            if Holiday.select().where(Holiday.day == day).exists():
                raise duplicate
            bookings = open_bookings(day)
            if bookings and not cancel_bookings:
                raise HasBookings(day, bookings)
            holiday = Holiday.create(day=day, name=name)
            audit(None, 'holiday_added', actor, date=day.isoformat(), name=name,
                  cancelled=[a.code for a in bookings])
            db.after_commit(caches.forget_all)   # the calendar's copy (office_hours) knows no such day
            cancel_for_closure(bookings, holiday, actor, now)
    except IntegrityError:   # another request added the same day at the same moment
        raise duplicate from None
    if bookings:
        log.info('holiday %s added: %d bookings cancelled, their citizens told by SMS', day, len(bookings))
    return holiday, bookings


def cancel_for_closure(bookings, holiday, actor, now):
    """Cancel the bookings of a day the office closes, withdraw their reminders and queue one SMS per
    citizen (inside the caller's transaction)."""
    for appointment in bookings:
        appointment.status, appointment.changed_at = 'cancelled', now
        appointment.save()
        outbox.withdraw(appointment)
        audit(None, 'appointment_cancelled', actor, code=appointment.code, reason='office_closed')
    by_phone = {}
    for appointment in bookings:
        by_phone.setdefault(appointment.phone, []).append(appointment)
    # Told now, but not in the night; useless once their slot has begun.
    send_after = utc_from_local(outbox.after_quiet_hours(local_naive(now)))
    for phone, theirs in by_phone.items():
        theirs.sort(key=slot_moment)
        key = 'closed:%s:%s' % (holiday.day.isoformat(), ','.join(sorted(a.code for a in theirs)))
        outbox.enqueue(key, phone, messages.office_closed(theirs, holiday.name), 'cancellation',
                       send_after=send_after, expires_at=utc_from_local(slot_moment(theirs[0])),
                       appointment=theirs[0], now=now)
