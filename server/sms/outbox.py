"""The SMS outbox: every message is a row first, then sent exactly once by the worker.

Enqueueing is idempotent (a unique key per message). Sending claims a row (pending -> sending) and
commits before it talks to the gateway, then marks it sent. A crash between those two leaves the row
in "sending": at the next start it becomes "uncertain" and is shown to staff instead of being sent
again (a delivery report that names it still marks it delivered). Temporary failures are retried with
backoff; reminders wait out the quiet hours.
"""
import datetime
import logging

from server import settings
from server.clock import local_naive, utc_from_local
from server.extensions import db
from server.models import Appointment, OutboxMessage, utcnow
from server.sms.text import is_gsm7, outgoing_text
from server.validation import mask_phone

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH = 20
QUIET_START, QUIET_END = datetime.time(21, 0), datetime.time(7, 0)
# Messages that answer the citizen's own action go at once; the others respect the quiet hours.
QUIET_KINDS = ('reminder', 'result_ready', 'turn_near')


def enqueue(key, phone, text, kind, send_after=None, expires_at=None, appointment=None, now=None):
    """Add a message unless one with this key exists (inside the caller's transaction)."""
    now = now or utcnow()
    with_diacritics = bool(settings.get('sms_diacritics'))
    body = outgoing_text(text, with_diacritics=with_diacritics)
    if OutboxMessage.select().where(OutboxMessage.key == key[:100]).exists():
        return False
    # The unique key still guards a race with another process.
    (OutboxMessage.insert(key=key[:100], kind=kind, phone=phone, text=body, unicode=not is_gsm7(body),
                          send_after=send_after or now, next_attempt_at=send_after or now, expires_at=expires_at,
                          appointment=appointment, created_at=now).on_conflict_ignore().execute())
    return True


def in_quiet_hours(local_moment):
    moment = local_moment.time()
    return moment >= QUIET_START or moment < QUIET_END


def after_quiet_hours(local_moment):
    """The same moment, or 07:00 the morning after if it falls in the quiet hours."""
    if not in_quiet_hours(local_moment):
        return local_moment
    day = local_moment.date() + (datetime.timedelta(days=1) if local_moment.time() >= QUIET_START
                                 else datetime.timedelta())
    return datetime.datetime.combine(day, QUIET_END)


def withdraw(appointment):
    """Cancel the booking's messages not yet sent (reminders of a cancelled or moved booking)."""
    return (OutboxMessage.update(state='cancelled')
            .where(OutboxMessage.appointment == appointment, OutboxMessage.state == 'pending',
                   OutboxMessage.kind == 'reminder').execute())


def recover_interrupted(now=None):
    """At start: messages caught mid-send by a crash are marked uncertain, never sent twice."""
    with db.atomic():
        count = (OutboxMessage.update(state='uncertain', last_error='interrupted while sending')
                 .where(OutboxMessage.state == 'sending').execute())
    if count:
        log.warning('%d SMS were being sent when the server stopped: marked uncertain for staff to check', count)
    return count


def _claim(message, now):
    """pending -> sending in its own transaction; False if another worker took it."""
    with db.atomic():
        return (OutboxMessage.update(state='sending', attempts=OutboxMessage.attempts + 1, next_attempt_at=now)
                .where(OutboxMessage.id == message.id, OutboxMessage.state == 'pending').execute()) == 1


def _finish(message, **fields):
    with db.atomic():
        OutboxMessage.update(**fields).where(OutboxMessage.id == message.id).execute()


def _postponed(message, now):
    """Skip an expired message or hold a quiet one until morning; True if it is not to go now."""
    if message.expires_at is not None and now >= message.expires_at:
        # Only from pending: a reminder withdrawn since it was read stays cancelled (a skipped one may be resent).
        with db.atomic():
            (OutboxMessage.update(state='skipped', last_error='too late to be useful')
             .where(OutboxMessage.id == message.id, OutboxMessage.state == 'pending').execute())
        return True
    if message.kind in QUIET_KINDS and in_quiet_hours(local_naive(now)):
        morning = utc_from_local(after_quiet_hours(local_naive(now)))
        _finish(message, send_after=morning, next_attempt_at=morning)
        return True
    return False


def send_one(transport, message, now):
    """Send one due message through the transport; returns its new state."""
    from server.sms.transports import SmsSendError
    if _postponed(message, now) or not _claim(message, now):
        return None
    attempts = message.attempts + 1
    try:
        message_id = transport.send(message.phone, message.text, unicode=message.unicode, reference=message.key)
    except SmsSendError as error:
        retry = error.temporary and attempts < MAX_ATTEMPTS
        delay = datetime.timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))
        state = 'pending' if retry else 'failed'
        _finish(message, state=state, last_error=str(error)[:255], next_attempt_at=now + delay)
        log.warning('SMS to %s %s: %s', mask_phone(message.phone), 'will retry' if retry else 'failed', error)
        return state
    _finish(message, state='sent', sent_at=now, message_id=str(message_id)[:100] if message_id else None,
            last_error='')
    log.info('SMS %s sent to %s', message.kind, mask_phone(message.phone))
    return 'sent'


def deliver_due(transport, now=None):
    """Send what is due now; returns {state: count}."""
    now = now or utcnow()
    due = list(OutboxMessage.select()
               .where(OutboxMessage.state == 'pending', OutboxMessage.send_after <= now,
                      OutboxMessage.next_attempt_at <= now)
               .order_by(OutboxMessage.send_after, OutboxMessage.id).limit(BATCH))
    outcome = {}
    for message in due:
        state = send_one(transport, message, now)
        if state:
            outcome[state] = outcome.get(state, 0) + 1
    return outcome


# A delivery report moves only a message handed to the gateway, and only once: a replay changes nothing.
REPORTABLE = ('sent', 'uncertain')
AFTER_SENDING = REPORTABLE + ('delivered', 'failed')


def find_sent(reference):
    """The message that was sent under this gateway id, or None (never one still to send).

    The id is the one the transport returned when the gateway took the message (for Kannel, which
    answers none, the reference our dlr-url carries). An uncertain message, whose send was cut short
    before its id was kept, can only be named by that reference: its key."""
    return (OutboxMessage.select()
            .where(((OutboxMessage.message_id == reference) & OutboxMessage.state.in_(AFTER_SENDING))
                   | ((OutboxMessage.key == reference) & (OutboxMessage.state == 'uncertain')
                      & OutboxMessage.message_id.is_null()))
            .first())


def record_delivery(reference, delivered, detail='', now=None):
    """A delivery report: a sent (or uncertain) message becomes delivered or failed.

    Returns (matched, changed): whether a sent message has this gateway id, and whether this report
    moved it. A replayed report, a late one after another, or one for a message never sent changes nothing."""
    now = now or utcnow()
    with db.atomic():
        message = find_sent(reference)
        if message is None:
            return False, False
        fields = ({'state': 'delivered', 'delivered_at': now, 'last_error': ''} if delivered
                  else {'state': 'failed', 'last_error': (detail or 'not delivered')[:255]})
        if message.message_id is None:   # an uncertain message: now the id it went under is known
            fields['message_id'] = reference
        changed = (OutboxMessage.update(**fields)
                   .where(OutboxMessage.id == message.id, OutboxMessage.state.in_(REPORTABLE)).execute()) == 1
    return True, changed


def resend(message_id, now=None):
    """Staff chose to send a failed or uncertain message again (never a reminder of a booking no longer open)."""
    now = now or utcnow()
    closed = Appointment.select(Appointment.id).where(Appointment.status != 'booked')
    with db.atomic():
        return (OutboxMessage.update(state='pending', next_attempt_at=now, send_after=now, attempts=0)
                .where(OutboxMessage.id == message_id,
                       OutboxMessage.state.in_(('failed', 'uncertain', 'skipped')),
                       ~((OutboxMessage.kind == 'reminder') & OutboxMessage.appointment.in_(closed)))
                .execute()) == 1
