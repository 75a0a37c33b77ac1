"""The queue rules: issuing, calling, recalling, finishing and moving tickets."""
import datetime
import logging

from flask_babel import gettext as _

from server import caches, settings
from server.audit import audit
from server.clock import office_day
from server.db.database import supports_row_locks
from server.errors import Conflict, Invalid, NotFound, must_exist
from server.extensions import db
from server.labels import TICKET_STATUS, field_label, label
from server.live import events
from server.models import ACTIVE_STATUSES, Service, Ticket, utcnow
from server.queueing import statements
from server.queueing.lines import served_lines
from server.validation import mask_phone

log = logging.getLogger(__name__)


_services = caches.Fresh()


def open_service(code):
    service = _services.get(code, lambda: Service.by_code(code)) if isinstance(code, str) else None
    if service is None:
        raise NotFound(_('Không có lĩnh vực "%(code)s".', code=code), 'unknown_service')
    if not service.active:
        raise Conflict(_('Lĩnh vực "%(name)s" đang tạm ngừng nhận hồ sơ.', name=service.name), 'service_closed')
    return service


def find_counter(number, lock=False):
    """The counter with this number, or a 404; `lock` keeps its row locked until commit (PostgreSQL)."""
    return must_exist(statements.counter_by_number(number, lock),
                      _('Không có quầy số %(number)s.', number=number), 'unknown_counter')


def find_ticket(ticket_id):
    return must_exist(Ticket.get_or_none(Ticket.id == ticket_id),
                      _('Không có phiếu số %(id)s.', id=ticket_id),
                      'unknown_ticket')


def served_service(code):
    """An open service that at least one open counter serves: nobody would ever call a ticket of another."""
    service = open_service(code)
    # The copy may be a second old, and another process may have opened a counter meanwhile: a refusal
    # (rare) reads the counters again first.
    if service.id not in served_lines() and service.id not in served_lines(fresh=True):
        raise Conflict(_('Chưa có quầy nào đang mở phục vụ lĩnh vực "%(name)s". Xin hỏi cán bộ hướng dẫn.',
                         name=service.name), 'no_counter')
    return service


def issue_ticket(service_code, priority=False, priority_reason=None, name=None, phone=None,
                 source='kiosk', actor='', now=None, on_commit=None):
    """Give a citizen the next number of a service for today."""
    now = now or utcnow()
    service = served_service(service_code)
    if priority and not priority_reason:
        priority_reason = 'other'
    day = office_day(now)
    ticket = Ticket(service=service, origin=service, day=day, priority=bool(priority),
                    priority_reason=priority_reason if priority else None, name=name, phone=phone,
                    source=source, issued_at=now, queued_at=now)
    with db.atomic():  # only the statements inside: other writers wait for this transaction
        ticket.sequence = statements.next_number(service.id, day)
        ticket.number = '%s%03d' % (service.prefix, ticket.sequence)
        statements.insert(ticket)
        audit(ticket, 'issued', actor, priority_reason=ticket.priority_reason, source=source)
        db.after_commit(lambda: events.queue_changed([service.code], joined=not ticket.priority))
        if on_commit:
            db.after_commit(lambda: on_commit(ticket))
    log.info('issued %s (%s)%s', ticket.number, service.code,
             ' phone %s' % mask_phone(phone) if phone else '')
    return ticket


def _candidates(counter, day, streak_full):
    # Priority tickets go first, but never more than the configured number in a row while others wait.
    return statements.next_in_line(counter.id, day, priority_first=not streak_full)


# How call-next may finish the counter's current citizen: the status given, and the audit action.
FINISHES = {'done': 'completed', 'no_show': 'no_show'}


def finish_current(counter, actor, now, status='done'):
    """Finish whoever the counter has called or is serving, as `status` ('done' or 'no_show')."""
    for ticket in statements.active_at_counter(counter.id):
        previous = ticket.status
        statements.finish(ticket, now, status)
        audit(ticket, FINISHES[status], actor, previous, counter)
        db.after_commit(lambda ticket=ticket: events.ticket_changed(ticket))


def service_by_id(service_id):
    """A service as read at most a second ago (names and codes for answers and boards)."""
    return _services.get(('id', service_id), lambda: Service.get_by_id(service_id))


def counter_for_calls(counter_number, resume=False):
    """The counter about to call, read (and locked on PostgreSQL) inside the caller's transaction: a closed
    one is a 409 counter_closed, a paused one a 409 counter_paused unless staff chose to `resume` it."""
    # Read inside the transaction: locked on PostgreSQL, and SQLite's IMMEDIATE lock already serialises.
    counter = find_counter(counter_number, lock=supports_row_locks())
    if not counter.active:
        raise Conflict(_('Quầy số %(number)s đang đóng.', number=counter.number), 'counter_closed')
    if counter.paused and not resume:
        raise Conflict(_('Quầy số %(number)s đang tạm dừng: hãy tiếp tục quầy trước khi gọi số.',
                         number=counter.number), 'counter_paused')
    return counter


def record_call(counter, called, actor, **detail):
    """What every call writes besides the ticket: the counter's priority streak, resumed if it was paused,
    the audit row and, after commit, the announcement and the line's new count."""
    resumed = counter.paused
    counter.priority_streak = counter.priority_streak + 1 if called.priority else 0
    counter.paused = False
    statements.save_counter_call(counter)
    if resumed:
        audit(None, 'counter_changed', actor, number=counter.number, fields=['paused'], reason='call')
        db.after_commit(lambda: events.counter_changed(counter))
    audit(called, 'called', actor, 'waiting', counter, **detail)
    db.after_commit(lambda: events.ticket_called(called, counter, recall=False))
    db.after_commit(lambda: events.queue_changed([called.service.code]))


def call_next(counter_number, staff=None, actor='', now=None, finish_as='done', resume=False):
    """Call the next citizen of the counter's services, finishing its current one as `finish_as`
    ('done' or 'no_show') in the same transaction; with nobody to call, nothing changes (409 queue_empty).
    A paused counter calls nobody (409 counter_paused) unless `resume`: then it opens again and calls."""
    if finish_as not in FINISHES:
        raise Invalid(_('Trường "%(field)s" phải là một trong: %(values)s.', field=field_label('finish_current'),
                        values=', '.join(FINISHES)), 'invalid_choice')
    now = now or utcnow()
    called = None
    with db.atomic():
        counter = counter_for_calls(counter_number, resume)
        finish_current(counter, actor, now, finish_as)
        max_in_row = int(settings.get('priority_max_in_row'))
        for candidate in _candidates(counter, office_day(now), counter.priority_streak >= max_in_row):
            # A conditional update: of two counters racing for one ticket exactly one changes a row.
            if statements.claim(candidate, counter.id, staff.id if staff else None, now) == 1:
                called = statements.ticket_by_id(candidate)
                called.counter, called.service = counter, service_by_id(called.service_id)
                break
        if called is None:
            # Raised inside the transaction, so the finish above is rolled back with its audit rows and
            # events: a citizen who may never have come is not counted served when the line is empty.
            raise Conflict(_('Không còn ai chờ ở quầy số %(number)s.', number=counter_number), 'queue_empty')
        record_call(counter, called, actor)
    return called


def _transition(ticket_id, allowed, action, actor, now, counter_number=None, audited=None, **changes):
    """Change a ticket in one of the `allowed` statuses; given `counter_number`, only one at that counter.
    `audited`: more facts for the audit row."""
    with db.atomic():
        counter = find_counter(counter_number) if counter_number is not None else None
        ticket = find_ticket(ticket_id)
        if ticket.status not in allowed:
            raise Conflict(_('Phiếu %(number)s đang ở trạng thái "%(status)s", không thể thực hiện thao tác này.',
                             number=ticket.number, status=label(TICKET_STATUS, ticket.status)), 'invalid_state')
        if counter is not None and ticket.counter_id != counter.id:
            raise Conflict(_('Phiếu %(number)s không ở quầy số %(counter)s.', number=ticket.number,
                             counter=counter.number), 'wrong_counter')
        previous, at = ticket.status, ticket.counter   # audited at the counter it was at
        for field, value in changes.items():
            setattr(ticket, field, value(ticket) if callable(value) else value)
        ticket.save()
        audit(ticket, action, actor, previous, at, at=now, **(audited or {}))
        db.after_commit(lambda: events.ticket_changed(ticket))
    return ticket, previous


def recall(ticket_id, actor='', now=None, counter_number=None):
    """Announce a called ticket again."""
    ticket, _previous = _transition(ticket_id, ACTIVE_STATUSES, 'recalled', actor, now, counter_number,
                                    call_count=lambda t: t.call_count + 1)
    db.after_commit(lambda: events.ticket_called(ticket, ticket.counter, recall=True))
    return ticket


def start_serving(ticket_id, actor='', now=None, counter_number=None):
    """The citizen has come to the counter."""
    ticket, _previous = _transition(ticket_id, ('called',), 'serving', actor, now, counter_number, status='serving',
                                    serving_at=now or utcnow())
    db.after_commit(lambda: events.counter_changed(ticket.counter))
    return ticket


def complete(ticket_id, actor='', now=None, counter_number=None):
    """The counter has finished with the citizen."""
    ticket, _previous = _transition(ticket_id, ACTIVE_STATUSES, 'completed', actor, now, counter_number,
                                    status='done', finished_at=now or utcnow())
    db.after_commit(lambda: events.counter_changed(ticket.counter))
    return ticket


def no_show(ticket_id, actor='', now=None, counter_number=None):
    """The citizen did not come when called."""
    ticket, _previous = _transition(ticket_id, ACTIVE_STATUSES, 'no_show', actor, now, counter_number,
                                    status='no_show', finished_at=now or utcnow())
    db.after_commit(lambda: events.counter_changed(ticket.counter))
    return ticket


def hand_back(ticket_id, actor='', now=None, counter_number=None):
    """Give a called or served citizen back to the line at their old place (queued_at is kept): the counter
    stops serving them without counting them served or absent (staff leaving the counter)."""
    old_counter = find_ticket(ticket_id).counter
    ticket, _previous = _transition(ticket_id, ACTIVE_STATUSES, 'handed_back', actor, now, counter_number,
                                    status='waiting', counter=None, called_at=None, serving_at=None)
    db.after_commit(lambda: events.queue_changed([ticket.service.code]))
    db.after_commit(lambda: events.counter_changed(old_counter))
    return ticket


def leave_counter(counter_number, staff=None, actor='', now=None):
    """Staff log out of a counter: its current citizens go back to the line at their place and the counter
    is paused (no calls, out of the wait estimates) until its staff resume it. Left alone when
    someone else called there after this staff member (they work at it now). The tickets handed back."""
    now = now or utcnow()
    with db.atomic():
        counter = statements.counter_by_number(counter_number, supports_row_locks())
        if counter is None:
            return []
        latest = (Ticket.select(Ticket.staff).where(Ticket.counter == counter.id, Ticket.day == office_day(now),
                                                    Ticket.called_at.is_null(False))
                  .order_by(Ticket.called_at.desc()).first())
        if staff is not None and latest is not None and latest.staff_id not in (None, staff.id):
            return []
        handed = [hand_back(ticket.id, actor, now, counter.number)
                  for ticket in statements.active_at_counter(counter.id)]
        if counter.active and not counter.paused:
            counter.paused = True
            statements.save_counter_call(counter)   # writes the streak (unchanged) and paused
            audit(None, 'counter_changed', actor, number=counter.number, fields=['paused'], reason='logout')
            db.after_commit(lambda: events.counter_changed(counter))
    return handed


def return_to_line(ticket_id, actor='', now=None, counter_number=None):
    """Put a no-show back in line at their old place, within the configured window."""
    now = now or utcnow()
    window = datetime.timedelta(minutes=int(settings.get('no_show_return_minutes')))
    ticket = find_ticket(ticket_id)
    if ticket.status == 'no_show' and (ticket.finished_at is None or now - ticket.finished_at > window):
        raise Conflict(_('Đã quá %(minutes)s phút kể từ khi vắng mặt; hãy lấy số mới.',
                         minutes=int(window.total_seconds() // 60)), 'return_window_passed')
    if ticket.day != office_day(now):
        raise Conflict(_('Phiếu của ngày khác không thể xếp lại hàng.'), 'return_window_passed')
    ticket, _previous = _transition(ticket_id, ('no_show',), 'returned', actor, now, counter_number,
                                    status='waiting', counter=None, called_at=None, finished_at=None)
    db.after_commit(lambda: events.queue_changed([ticket.service.code]))
    return ticket


def transfer(ticket_id, service_code, actor='', now=None, counter_number=None, note=None):
    """Send a ticket to another service's line, keeping its place by issue time; `note` is for the counter
    that calls it there (a later transfer replaces it)."""
    target = served_service(service_code)   # a line nobody serves would strand the citizen
    old = find_ticket(ticket_id)
    if old.service_id == target.id and old.status == 'waiting':
        raise Invalid(_('Phiếu đã ở lĩnh vực "%(name)s".', name=target.name), 'same_service')
    old_code, old_counter = old.service.code, old.counter
    # The reports count a transfer against the line it left (from_service).
    ticket, _previous = _transition(ticket_id, ('waiting',) + ACTIVE_STATUSES, 'transferred', actor, now,
                                    counter_number, audited={'from_service': old_code, 'to_service': target.code},
                                    status='waiting', service=target, counter=None,
                                    called_at=None, serving_at=None, transfer_note=note or None)
    db.after_commit(lambda: events.queue_changed(sorted({old_code, target.code})))
    if old_counter:
        db.after_commit(lambda: events.counter_changed(old_counter))
    return ticket


def cancel(ticket_id, actor='', now=None, counter_number=None):
    """Withdraw a ticket that has not been served."""
    ticket, _previous = _transition(ticket_id, ('waiting', 'called'), 'cancelled', actor, now, counter_number,
                                    status='cancelled', finished_at=now or utcnow())
    db.after_commit(lambda: events.queue_changed([ticket.service.code]))
    return ticket
