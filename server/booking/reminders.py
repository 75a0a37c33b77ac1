"""When a booking is reminded of its slot: the evening before and shortly before, as the office set it.

The reminders are rows in the SMS outbox like any message (sent once, after the quiet hours); their keys
name the slot, so a moved booking gets new ones (and withdraws the old ones: outbox.withdraw).
"""
import datetime

from server import settings
from server.booking.office_hours import slot_moment
from server.clock import local_naive, utc_from_local
from server.sms import messages, outbox


def reminder_times(slot_start, now_local):
    """When to remind of a slot (office wall clock): the evening before and N minutes before, as set."""
    times = []
    evening = settings.get('reminder_evening_time')
    if evening:
        hours, minutes = (int(part) for part in evening.split(':'))
        times.append(('evening', datetime.datetime.combine(slot_start.date() - datetime.timedelta(days=1),
                                                           datetime.time(hours, minutes))))
    before = int(settings.get('reminder_before_minutes'))
    if before:
        times.append(('before', slot_start - datetime.timedelta(minutes=before)))
    due = []
    for label, moment in times:
        moment = outbox.after_quiet_hours(moment)
        if now_local < moment < slot_start:
            due.append((label, moment))
    return due


def schedule(appointment, now):
    """Queue the reminders of a booking (keys name the slot, so a moved booking gets new ones)."""
    slot_start = slot_moment(appointment)
    for label, moment in reminder_times(slot_start, local_naive(now)):
        outbox.enqueue('remind:%s:%s:%s' % (appointment.code, slot_start.strftime('%Y%m%d%H%M'), label),
                       appointment.phone, messages.reminder(appointment), 'reminder', send_after=utc_from_local(moment),
                       expires_at=utc_from_local(slot_start), appointment=appointment, now=now)
