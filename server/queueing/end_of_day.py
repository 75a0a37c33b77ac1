"""The end of the office day: citizens still waiting or called are closed as not served, and counters close.

An office day ends twice: at its closing time (the end of its last opening session plus the
`day_end_grace_minutes` setting; midnight on a day the office is closed) and at the midnight after it.
Each time, the day's tickets still waiting or called become `cancelled` with the audit action
"not served (end of day)", and every open counter that is not serving anyone closes (active false), so
the next day starts with every counter closed until its staff open it and the reports count right.

A counter still serving someone at closing time is left open with its citizen: staff may still be
with them, and closing a counter that is serving is refused to staff too (counter_busy). Staff finish
that ticket themselves; the counter then closes at midnight, and if the ticket is still open at
midnight, close_previous_days cancels it and closes its counter.

The database says what is due: the last end handled is stored in the same transaction as the closing
itself, so the job (every minute, and once at start) runs a missed end once after a restart and never
repeats one; a counter reopened in the evening stays open until midnight.
"""
import datetime
import json
import logging

from flask_babel import lazy_gettext

from server import caches, settings
from server.audit import audit
from server.booking import office_hours
from server.clock import local_naive, office_day
from server.extensions import db
from server.live import events
from server.models import ACTIVE_STATUSES, Counter, Setting, Ticket, utcnow
from server.queueing import tickets

log = logging.getLogger(__name__)

NOT_SERVED = 'not_served_end_of_day'   # the audit action of a ticket closed by the end of the day
# What staff read for these audit actions (the tickets' own status stays `cancelled`, as the API fixes it).
ACTION_LABELS = {NOT_SERVED: lazy_gettext('Không được phục vụ (hết giờ)'),
                 'counters_closed': lazy_gettext('Đóng quầy khi hết giờ')}
MARKER = 'day_end_handled'             # internal setting: the office wall-clock moment of the last end handled


def closing_time(day):
    """When office day `day` closes (office wall clock): its last session's end plus the grace, at most midnight;
    midnight on a day without opening hours."""
    midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    sessions = office_hours.sessions_on(day)
    if not sessions:
        return midnight
    grace = datetime.timedelta(minutes=int(settings.get('day_end_grace_minutes')))
    return min(datetime.datetime.combine(day, max(end for _start, end in sessions)) + grace, midnight)


def last_end(now):
    """(office day, moment) of the latest end of an office day (closing time or the midnight after) passed at `now`."""
    here = local_naive(now)
    today = here.date()
    yesterday = today - datetime.timedelta(days=1)
    ends = [(moment, day) for day in (yesterday, today)
            for moment in (closing_time(day), datetime.datetime.combine(day + datetime.timedelta(days=1),
                                                                        datetime.time()))
            if moment <= here]
    moment, day = max(ends)   # yesterday's midnight has always passed
    return day, moment


def end_day_if_due(now=None):
    """Handle the latest end of an office day unless it was handled; returns (tickets closed, counters closed)
    or None when nothing was due. The first run ever only records where to start from."""
    now = now or utcnow()
    day, moment = last_end(now)
    if _handled_up_to() >= moment:   # most minutes: nothing due, and no write transaction taken
        return None
    with db.atomic():
        handled = _handled_up_to(None)
        if handled is not None and handled >= moment:
            return None
        # A new office, or one just upgraded: nothing of the days before is ours to close.
        done = end_day(day, now) if handled is not None else None
        settings.put(MARKER, moment.isoformat(timespec='minutes'))
    if done:
        log.info('office day %s ended: %d tickets not served, %d counters closed', day, *done)
    return done


def _handled_up_to(missing=datetime.datetime.min):
    row = Setting.get_or_none(Setting.key == MARKER)
    return datetime.datetime.fromisoformat(json.loads(row.value)) if row else missing


def end_day(day, now):
    """Close office day `day`: its waiting and called tickets and the open counters serving nobody
    (inside the caller's transaction); returns (tickets closed, counters closed)."""
    left = list(Ticket.select().where(Ticket.day == day, Ticket.status.in_(('waiting', 'called'))))
    touched = {}
    for ticket in left:
        previous, counter = ticket.status, ticket.counter if ticket.counter_id else None
        ticket.status, ticket.finished_at = 'cancelled', now
        ticket.save()
        audit(ticket, NOT_SERVED, 'system', previous, counter, reason='end_of_day')
        if counter is not None:
            touched[counter.id] = counter
    busy = Ticket.select(Ticket.counter).where(Ticket.status.in_(ACTIVE_STATUSES), Ticket.counter.is_null(False))
    closing = list(Counter.select().where(Counter.active == True, Counter.id.not_in(busy)))  # noqa: E712
    if closing:
        (Counter.update(active=False, paused=False, priority_streak=0)
         .where(Counter.id.in_([c.id for c in closing])).execute())
        audit(None, 'counters_closed', 'system', date=day.isoformat(), counters=[c.number for c in closing],
              reason='end_of_day')
        db.after_commit(caches.forget_all)   # the lines those counters served may now have no open counter
    for counter in closing:
        counter.active, counter.paused, counter.priority_streak = False, False, 0
        touched[counter.id] = counter
    if left:
        codes = sorted({tickets.service_by_id(t.service_id).code for t in left})
        db.after_commit(lambda: events.queue_changed(codes))
    for counter in touched.values():
        db.after_commit(lambda counter=counter: events.counter_changed(counter))
    return len(left), len(closing)


def close_previous_days(now=None):
    """At the office's midnight: tickets left open from earlier days are cancelled, and the counters that
    still held one of them (left open at the end of the day because they were serving) are closed."""
    now = now or utcnow()
    with db.atomic():
        stale = list(Ticket.select().where(Ticket.day < office_day(now),
                                           Ticket.status.in_(('waiting',) + ACTIVE_STATUSES)))
        for ticket in stale:
            previous = ticket.status
            ticket.status, ticket.finished_at = 'cancelled', now
            ticket.save()
            audit(ticket, 'day_closed', 'system', previous)
        held = {ticket.counter_id for ticket in stale if ticket.counter_id}
        busy = Ticket.select(Ticket.counter).where(Ticket.status.in_(ACTIVE_STATUSES), Ticket.counter.is_null(False))
        closing = list(Counter.select().where(Counter.id.in_(list(held)), Counter.active == True,  # noqa: E712
                                              Counter.id.not_in(busy))) if held else []
        for counter in closing:
            counter.active, counter.paused, counter.priority_streak = False, False, 0
            counter.save()
            db.after_commit(lambda counter=counter: events.counter_changed(counter))
        if closing:
            audit(None, 'counters_closed', 'system', counters=[c.number for c in closing], reason='day_closed')
            db.after_commit(caches.forget_all)   # the lines those counters served may now have no open counter
    if stale:
        db.after_commit(lambda: events.queue_changed(None))
    return len(stale)
