"""An SMS from a citizen: read it, act on it (book, cancel, move, tell), and compose the reply."""
import datetime
import logging
import threading

from server import labels, settings
from server.booking import appointments
from server.clock import local_naive
from server.errors import QueueError
from server.extensions import db
from server.models import InboundMessage, Procedure, utcnow
from server.sms import messages, outbox
from server.sms.bookable import catalogue_candidates, own_candidates, session_start
from server.sms.parser import SYNTAX, Book, Cancel, Invalid, Move, Query, parse_message
from server.sms.text import outgoing_text, strip_diacritics
from server.sms.transports.base import national_phone
from server.validation import mask_phone

log = logging.getLogger(__name__)

COMMAND_WORDS = {Book: 'HG', Cancel: 'HUY', Move: 'DOI', Query: 'KT'}   # as recorded and in the syntax help
FIELD_NAMES = {'name': 'ho ten', 'office': 'ten co quan', 'procedure': 'thu tuc', 'time': 'gio',
               'date': 'ngay', 'weekday': 'thu', 'code': 'ma hen', 'format': 'cu phap'}
WEEKDAY_NAMES = ('thu 2', 'thu 3', 'thu 4', 'thu 5', 'thu 6', 'thu 7', 'chu nhat')
SUGGESTION_LENGTH = 40   # catalogue names run long ("Chứng thực bản sao từ bản chính giấy tờ, văn bản do ...")
# One SMS (at most 160 characters): the booking syntax with an example, then the other commands.
HELP = '%s. Huy: HUY ma hen. Doi: DOI ma hen, gio, ngay. Xem: KT ma hen' % SYNTAX['HG']


def sender_number(raw):
    """A sender as the gateway gave it (+84905..., 84905..., 0905...) in the national form when Vietnamese."""
    compact = ''.join(ch for ch in raw if ch.isdigit() or ch == '+')[:20]
    # A number starting 84 without its '+' is international: no Vietnamese national number starts so.
    return national_phone(compact, international=compact.startswith('84'))[:20] or raw[:20]


def office_names():
    name = settings.get('office_name') or ''
    names = [name] if name else []
    for prefix in ('Bộ phận một cửa ', 'UBND ', 'Ủy ban nhân dân '):
        names += [n[len(prefix):] for n in list(names) if n.startswith(prefix)]
    return names


def _flood(phone, now):
    """Why a message is dropped unread: 'phone' (that phone's hourly limit is used up), 'office' (the office
    answered its hourly cap of messages), or None. The counts are of stored messages: dropped ones are not."""
    recent = InboundMessage.select().where(InboundMessage.received_at > now - datetime.timedelta(hours=1))
    if recent.where(InboundMessage.phone == phone).count() >= int(settings.get('sms_max_per_hour')):
        return 'phone'
    if recent.where(InboundMessage.reply != '').count() >= int(settings.get('sms_replies_per_hour')):
        return 'office'
    return None


# Messages dropped since start, by reason. A flood must not fill the log either: one line for the first
# drop of a reason, then one every LOG_EVERY, with the count and never a full phone number.
_dropped = {'phone': 0, 'office': 0}
_dropped_lock = threading.Lock()
LOG_EVERY = 100
DROP_REASONS = {'phone': 'over the limit of one phone (sms_max_per_hour)',
                'office': "over the office's replies an hour (sms_replies_per_hour)"}


def _drop(reason, phone):
    with _dropped_lock:
        _dropped[reason] += 1
        count = _dropped[reason]
    if count == 1 or count % LOG_EVERY == 0:
        log.warning('SMS from %s dropped, neither stored nor answered: %s (%d so far since start)',
                    mask_phone(phone), DROP_REASONS[reason], count)


def dropped():
    """How many inbound messages were dropped as floods since start, by reason."""
    with _dropped_lock:
        return dict(_dropped)


def _helped_recently(phone, now):
    since = now - datetime.timedelta(days=1)
    return (InboundMessage.select().where(InboundMessage.phone == phone, InboundMessage.outcome == 'help',
                                          InboundMessage.received_at > since).exists())


def _refusal(error, command):
    """The reply for a refused action, with the nearest free slots when there are some."""
    text = strip_diacritics(str(error.message))
    alternatives = getattr(error, 'alternatives', None)
    if alternatives:
        text += ' Con cho: %s.' % messages.slot_list(alternatives)
    if command in ('HG', 'DOI'):
        text += ' Cu phap: %s' % SYNTAX[command]
    return text


def _act(command, phone, now):
    """Carry out a parsed command; returns (outcome, reply, appointment or None)."""
    if isinstance(command, Book):
        kind, value = command.procedure.key
        procedure = Procedure.get_or_none(Procedure.id == value) if kind == 'procedure' else None
        code = command.procedure.service_code
        start = command.start or session_start(code, command.date, command.session, now)
        booked = appointments.book(code, command.date, start, command.name, phone, 'sms', 'sms',
                                   procedure=procedure, now=now, confirm=False)
        return 'booked', messages.confirmation(booked), booked
    if isinstance(command, Cancel):
        appointment = appointments.cancel(_own(command.code, phone).code, 'sms', now, notify=False)
        return 'cancelled', messages.cancelled(appointment), appointment
    if isinstance(command, Move):
        appointment = _own(command.code, phone)
        start = command.start or session_start(appointment.service.code, command.date, command.session, now)
        appointment = appointments.move(appointment.code, command.date, start, 'sms', now, confirm=False)
        return 'moved', messages.moved(appointment), appointment
    appointment = _own(command.code, phone)
    label = strip_diacritics(labels.label(labels.APPOINTMENT_STATUS, appointment.status))
    return 'told', messages.status(appointment, label), appointment


def _own(code, phone):
    """A booking the sender may act on: only the phone that booked it."""
    appointment = appointments.find(code)
    if appointment.phone != phone:
        raise QueueError('Ma hen %s khong thuoc so dien thoai nay.' % appointment.code, 'not_yours', 403)
    return appointment


def handle(phone, text, now=None):
    """Handle one inbound SMS; returns (reply or None, appointment or None, the InboundMessage row or None).

    The reply (the confirmation, the refusal or the help text) is the caller's to send: queued in the
    outbox, or answered to a gateway that sends it back itself. None: send nothing (help already sent
    today, or a flood: then the message is neither stored nor acted on, and the row is None)."""
    now = now or utcnow()
    text = (text or '')[:1000]
    reason = _flood(phone, now)
    if reason:
        _drop(reason, phone)
        return None, None, None
    with db.atomic():
        row = InboundMessage.create(phone=phone, text=text, received_at=now)
    command = parse_message(text, candidates=own_candidates(), fallback=catalogue_candidates(),
                            today=local_naive(now).date(), office_names=office_names())
    if isinstance(command, Invalid):
        return _record(row, command.command, 'invalid_' + command.field, invalid_reply(command)), None, row
    word = COMMAND_WORDS.get(type(command))
    if word is None:
        if _helped_recently(phone, now):
            return _record(row, '', 'ignored', None), None, row
        return _record(row, '', 'help', HELP), None, row
    try:
        outcome, reply, appointment = _act(command, phone, now)
    except QueueError as error:
        return _record(row, word, error.code, _refusal(error, word)), None, row
    return _record(row, word, outcome, reply), appointment, row


def invalid_reply(command):
    """Which field is wrong, as typed, and the syntax; the weekday said against the date's own."""
    if command.field == 'weekday':
        reply = 'Ngay %s la %s, khong phai %s.' % (command.day.strftime('%d/%m/%Y'),
                                                   WEEKDAY_NAMES[command.day.weekday()], WEEKDAY_NAMES[command.weekday])
    else:
        reply = 'Sai %s "%s".' % (FIELD_NAMES.get(command.field, command.field), strip_diacritics(command.value)[:40])
    reply += ' Cu phap dung: %s' % SYNTAX[command.command]
    if command.suggestions:
        reply += ' Goi y: %s.' % ', '.join(_cut(strip_diacritics(s.label)) for s in command.suggestions)
    return reply


def _cut(label):
    return label if len(label) <= SUGGESTION_LENGTH else label[:SUGGESTION_LENGTH].rsplit(' ', 1)[0] + '...'


def queue_reply(row, reply, now=None):
    """Send a reply back through the outbox, keyed by the message it answers so it is queued once."""
    if reply:
        with db.atomic():
            outbox.enqueue('reply:%d' % row.id, row.phone, reply, 'reply', now=now)


def _record(row, command, outcome, reply):
    if reply:
        reply = outgoing_text(reply, with_diacritics=bool(settings.get('sms_diacritics')))
    with db.atomic():
        InboundMessage.update(command=command[:16], outcome=outcome[:32], reply=reply or '').where(
            InboundMessage.id == row.id).execute()
    return reply
