"""A counter's calls besides call-next: one waiting number called by name, and today's absent citizens."""
import datetime
import re

from flask_babel import gettext as _
from peewee import JOIN

from server import settings
from server.clock import iso, office_day
from server.errors import Conflict, Invalid, NotFound
from server.extensions import db
from server.labels import TICKET_STATUS, label
from server.models import ACTIVE_STATUSES, Counter, Service, Ticket, utcnow
from server.queueing import statements, tickets

# What staff type: the prefix (one or two letters) and the digits, "a25" and "A 025" as "A025".
TYPED_NUMBER = re.compile(r'([A-Za-z]{1,2})\s*-?\s*([0-9]{1,4})')
ABSENT_LISTED = 100


def ticket_number(value):
    """The ticket number staff typed, as the ticket shows it ("a25" is "A025"); else a 400."""
    match = TYPED_NUMBER.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        raise Invalid(_('Hãy nhập số thứ tự như trên phiếu, ví dụ A025.'), 'invalid_number')
    return '%s%03d' % (match.group(1).upper(), int(match.group(2)))


def _today_with_number(number, counter, day):
    """Today's ticket with this number; with several (an older office with a shared prefix), the one this
    counter may call."""
    found = list(Ticket.select().where(Ticket.day == day, Ticket.number == number).order_by(Ticket.id))
    if not found:
        raise NotFound(_('Hôm nay không có số %(number)s.', number=number), 'unknown_ticket')
    serves = {service.id for service in counter.services}
    return next((t for t in found if t.status == 'waiting' and t.service_id in serves), found[0])


def _refuse_unless_callable(ticket, counter):
    """A 409 naming why this counter cannot call the ticket now."""
    if ticket.status in ACTIVE_STATUSES and ticket.counter_id == counter.id:
        raise Conflict(_('Số %(number)s đang ở quầy này.', number=ticket.number), 'already_at_counter')
    if ticket.status in ACTIVE_STATUSES:
        other = Counter.get_by_id(ticket.counter_id).number if ticket.counter_id else '?'
        raise Conflict(_('Số %(number)s đang được phục vụ ở quầy số %(counter)s.', number=ticket.number,
                         counter=other), 'at_other_counter')
    if ticket.status != 'waiting':
        raise Conflict(_('Số %(number)s không còn chờ (%(status)s).', number=ticket.number,
                         status=label(TICKET_STATUS, ticket.status)), 'not_waiting')
    if ticket.service_id not in {service.id for service in counter.services}:
        raise Conflict(_('Số %(number)s chờ ở lĩnh vực "%(service)s", quầy số %(counter)s không phục vụ lĩnh vực '
                         'này.', number=ticket.number, service=ticket.service.name, counter=counter.number),
                       'wrong_service')


def call_number(counter_number, number, staff=None, actor='', now=None, finish_as='done', resume=False):
    """Call one waiting ticket by its number to this counter, finishing its current citizen as call-next
    does, in one transaction; the same announcement, events and audit as call-next."""
    if finish_as not in tickets.FINISHES:
        raise Invalid(_('Cách kết thúc người đang ở quầy phải là một trong: %(values)s.',
                        values=', '.join(tickets.FINISHES)), 'invalid_choice')
    number, now = ticket_number(number), now or utcnow()
    with db.atomic():
        counter = tickets.counter_for_calls(counter_number, resume)
        ticket = _today_with_number(number, counter, office_day(now))
        _refuse_unless_callable(ticket, counter)
        tickets.finish_current(counter, actor, now, finish_as)
        # The same conditional update as call-next: another counter may have called it a moment ago.
        if statements.claim(ticket.id, counter.id, staff.id if staff else None, now) != 1:
            raise Conflict(_('Số %(number)s vừa được quầy khác gọi.', number=number), 'at_other_counter')
        called = statements.ticket_by_id(ticket.id)
        called.counter, called.service = counter, tickets.service_by_id(called.service_id)
        tickets.record_call(counter, called, actor, by_number=True)
    return called


def absent_today(counter, now=None):
    """Today's no-shows of the counter's lines, latest first, and until when each may go back in line
    (tickets.return_to_line): what the counter page lists to call back."""
    now = now or utcnow()
    window = datetime.timedelta(minutes=int(settings.get('no_show_return_minutes')))
    services = [service.id for service in counter.services]
    if not services:
        return []
    rows = (Ticket.select(Ticket, Service, Counter).join(Service).switch(Ticket)
            .join(Counter, JOIN.LEFT_OUTER, on=(Ticket.counter == Counter.id))
            .where(Ticket.status == 'no_show', Ticket.day == office_day(now), Ticket.service.in_(services))
            .order_by(Ticket.finished_at.desc(), Ticket.id.desc()).limit(ABSENT_LISTED))
    return [{'id': t.id, 'number': t.number, 'service': t.service.code, 'service_name': t.service.name,
             'name': t.name, 'finished_at': iso(t.finished_at),
             'counter': t.counter.number if t.counter_id else None,
             'return_until': iso(t.finished_at + window) if t.finished_at else None,
             'returnable': t.finished_at is not None and now - t.finished_at <= window}
            for t in rows]
