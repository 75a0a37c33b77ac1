"""The SMS gateway of this process: opening the transport, the send-and-receive round, turn-near notices."""
import datetime
import logging
import secrets
import threading

from peewee import fn

from server import runtime, settings
from server.clock import office_day
from server.extensions import db
from server.models import OutboxMessage, Ticket, utcnow
from server.queueing import forecast
from server.sms import gateway_settings, messages, outbox

log = logging.getLogger(__name__)


class Gateway:
    """An app's SMS gateway: its transport for LUOT_SMS, opened once, and what went wrong (server/runtime.py)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.transport, self.uri, self.error, self.last_error = None, None, None, None

    def transport_for(self, uri):
        """The transport for `uri`, opened once; None (with the reason kept) if the URI is bad."""
        from server.sms.transports import open_transport
        with self._lock:
            if self.transport is not None and self.uri == uri:
                return self.transport
            if self.transport is not None:   # the console changed the gateway: free the old port or link first
                self._close_transport()
            self.last_error = None
            try:
                self.transport, self.error = open_transport(uri), None
            except (ValueError, OSError) as error:
                self.transport, self.error = None, str(error)
                log.error('LUOT_SMS cannot be used: %s', error)
            self.uri = uri
            return self.transport

    def close(self):
        """Close the transport (at shutdown, or when a test is done with it)."""
        with self._lock:
            self._close_transport()
            self.uri, self.error, self.last_error = None, None, None

    def _close_transport(self):
        if self.transport is not None:
            try:
                self.transport.close()
            except Exception:  # noqa: BLE001
                log.exception('closing the SMS transport')
        self.transport = None


def transport_for(app):
    """The app's transport for LUOT_SMS or else the console's gateway, opened once and again when the console
    changes it; None (with the reason kept) if the URI is bad."""
    return runtime.of(app).gateway.transport_for(gateway_settings.current_uri(app))


def gateway_state(app):
    """What staff see: the transport's scheme, whether it works, the last error and the outbox's backlog."""
    transport, gateway = transport_for(app), runtime.of(app).gateway
    counts = {row.state: row.n for row in OutboxMessage.select(
        OutboxMessage.state, fn.COUNT(OutboxMessage.id).alias('n')).group_by(OutboxMessage.state)}
    return {'scheme': transport.scheme if transport else None, 'ok': transport is not None and not gateway.last_error,
            'error': gateway.error or gateway.last_error, 'counts': counts}


def send_test(app, phone, now=None):
    """A test SMS to `phone` through the outbox, sent now: {"state": "sent" or "failed", "reason", "detail"}.
    A failure is an answer (the gateway's reason in words), never an exception; a test is not retried later."""
    now = now or utcnow()
    key = 'test:%s' % secrets.token_hex(8)
    text = 'Tin nhắn thử của %s: cổng SMS đã gửi được tin.' % (settings.get('office_name') or 'Lượt')
    with db.atomic():   # due later (and soon stale) for the sending job: this request sends it, and only it
        outbox.enqueue(key, phone, text[:150], 'test', send_after=now + datetime.timedelta(minutes=5),
                       expires_at=now + datetime.timedelta(minutes=10), now=now)
    message = OutboxMessage.get(OutboxMessage.key == key)
    transport = transport_for(app)
    detail = runtime.of(app).gateway.error if transport is None else None
    if transport is not None:
        try:
            outbox.send_one(transport, message, now)
        except Exception as error:  # noqa: BLE001 — a broken gateway is a result to show, not a 500
            log.exception('test SMS failed')
            detail = str(error)[:200] or error.__class__.__name__
    with db.atomic():
        (OutboxMessage.update(state='failed', last_error=(detail or OutboxMessage.last_error))
         .where(OutboxMessage.id == message.id, OutboxMessage.state.in_(('pending', 'sending'))).execute())
    message = OutboxMessage.get_by_id(message.id)
    failed = message.state == 'failed'
    return {'id': message.id, 'state': message.state, 'detail': message.last_error if failed else '',
            'reason': gateway_settings.reason_in_words(message.last_error) if failed else ''}


def receive(transport, now=None):
    """Handle what a polling transport (modem, SMPP) received: replies queued, delivery reports recorded."""
    from server.sms import inbound
    incoming, reports = transport.poll()
    for message in incoming:
        phone = inbound.sender_number(message.phone)
        reply, _appointment, row = inbound.handle(phone, message.text, now)
        inbound.queue_reply(row, reply, now)
    for report in reports:
        outbox.record_delivery(report.message_id, report.delivered, report.detail, now)
    return len(incoming), len(reports)


def sms_round(app, now=None):
    """One round of the SMS job: receive, then send what is due. Errors are kept for staff, never raised."""
    transport = transport_for(app)
    if transport is None:
        return None
    try:
        if transport.receives:
            receive(transport, now)
        result = outbox.deliver_due(transport, now)
        runtime.of(app).gateway.last_error = None
        return result
    except Exception as error:  # noqa: BLE001 — a gateway fault must not stop the scheduler
        runtime.of(app).gateway.last_error = str(error)[:200]
        log.exception('SMS round failed')
        return None


def notify_turn_near(now=None):
    """Tell citizens who left a phone number that their turn is near, once per ticket: when the forecast
    (server/queueing/forecast.py) says the call could come within `turn_near_minutes`."""
    minutes = int(settings.get('turn_near_minutes'))
    if not minutes:
        return 0
    now = now or utcnow()
    waiting = list(Ticket.select().where(Ticket.day == office_day(now), Ticket.status == 'waiting',
                                         Ticket.phone.is_null(False)))
    if not waiting:
        return 0
    told = {key for (key,) in OutboxMessage.select(OutboxMessage.key).where(   # those told already today
        OutboxMessage.kind == 'turn_near', OutboxMessage.created_at >= now - datetime.timedelta(days=1)).tuples()}
    waiting = [t for t in waiting if 'turn_near:%d' % t.id not in told]
    if not waiting:
        return 0
    calls = forecast.current(now)
    sent = 0
    for ticket in waiting:
        if ticket.id not in calls.calls:   # issued since: the next round sees it
            continue
        if forecast.due_soon(calls, ticket.id, minutes, now):
            expected = forecast.wait_range(calls.minutes(ticket.id, now), calls.calls[ticket.id].spread)
            with db.atomic():
                sent += outbox.enqueue('turn_near:%d' % ticket.id, ticket.phone,
                                       messages.turn_near(ticket, *expected), 'turn_near', now=now)
    return sent


def forget(app=None):
    """Close the app's (else the current app's) transport (at shutdown, or when a test is done with it)."""
    runtime.of(app).gateway.close()
