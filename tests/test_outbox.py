"""The SMS outbox with an injected clock: reminders at the right time, quiet hours, retries, exactly once."""
import datetime

import pytest

from server import settings
from server.booking import appointments
from server.extensions import db
from server.models import OutboxMessage
from server.sms import messaging, outbox
from server.sms.transports import SmsSendError
from tests.fake_gateway import Crash, RecordingGateway
from tests.helpers import local

MONDAY = datetime.date(2030, 3, 4)   # a working Monday, far from any holiday in the test database


@pytest.fixture
def gateway(office):
    with office.app_context(), db.connection_context():
        yield RecordingGateway()


def book(start=datetime.time(9, 0), day=MONDAY, booked_at=None):
    return appointments.book('CT', day, start, 'Lê Văn Cường', '0905123456',
                             now=booked_at or local(day - datetime.timedelta(days=5), 10))


def sends_at(gateway, moment):
    before = len(gateway.sent)
    outbox.deliver_due(gateway, now=moment)
    return [kind_of(reference) for _phone, _text, reference in gateway.sent[before:]]


def kind_of(reference):
    return reference.split(':')[0] + (':' + reference.rsplit(':', 1)[1] if reference.startswith('remind') else '')


def test_confirmation_then_both_reminders_each_exactly_once(gateway):
    appointment = book()
    sunday = MONDAY - datetime.timedelta(days=1)
    assert sends_at(gateway, local(sunday - datetime.timedelta(days=4), 10)) == ['confirm']
    assert sends_at(gateway, local(sunday, 18, 59)) == []
    assert sends_at(gateway, local(sunday, 19, 0)) == ['remind:evening']
    assert sends_at(gateway, local(sunday, 19, 1)) == []
    assert sends_at(gateway, local(MONDAY, 7, 59)) == []
    assert sends_at(gateway, local(MONDAY, 8, 0)) == ['remind:before']
    assert sends_at(gateway, local(MONDAY, 8, 30)) == []
    texts = [text for _p, text, _r in gateway.sent]
    assert all(appointment.code in text and text.isascii() and len(text) <= 160 for text in texts)
    assert 'Nhac lich hen' in texts[1] and '09:00 04/03/2030' in texts[1]


def test_a_reminder_that_would_fall_in_quiet_hours_comes_at_seven(gateway):
    book(start=datetime.time(7, 30))
    due = {m.key.rsplit(':', 1)[1]: m.send_after for m in OutboxMessage.select().where(OutboxMessage.kind == 'reminder')}
    assert due['before'] == local(MONDAY, 7, 0)   # 06:30 is in the quiet hours


def test_the_worker_holds_quiet_messages_until_morning(gateway):
    with db.atomic():
        outbox.enqueue('ready:HS1', '0905123456', 'Ho so HS1 da co ket qua.', 'result_ready',
                       now=local(MONDAY, 20, 50))
        outbox.enqueue('reply:1', '0905123456', 'Da dat lich.', 'reply', now=local(MONDAY, 20, 50))
    assert sends_at(gateway, local(MONDAY, 21, 30)) == ['reply']
    assert sends_at(gateway, local(MONDAY + datetime.timedelta(days=1), 6, 59)) == []
    assert sends_at(gateway, local(MONDAY + datetime.timedelta(days=1), 7, 0)) == ['ready']


def test_a_late_reminder_is_skipped_not_sent(gateway):
    book()
    outbox.deliver_due(gateway, now=local(MONDAY, 9, 1))   # the server was off until after the slot began
    states = {m.key.rsplit(':', 1)[1]: m.state for m in OutboxMessage.select().where(OutboxMessage.kind == 'reminder')}
    assert states == {'evening': 'skipped', 'before': 'skipped'}


def test_enqueue_is_idempotent(gateway):
    with db.atomic():
        assert outbox.enqueue('reply:7', '0905123456', 'Xin chao', 'reply')
        assert not outbox.enqueue('reply:7', '0905123456', 'Xin chao', 'reply')
    assert OutboxMessage.select().count() == 1


def test_temporary_failures_retry_with_backoff_then_give_up(gateway):
    with db.atomic():
        outbox.enqueue('reply:1', '0905123456', 'Xin chao', 'reply', now=local(MONDAY, 9))
    gateway.fail = [SmsSendError('gateway down', temporary=True)] * 2
    assert sends_at(gateway, local(MONDAY, 9)) == []
    message = OutboxMessage.get()
    assert message.state == 'pending' and message.attempts == 1 and 'gateway down' in message.last_error
    assert sends_at(gateway, local(MONDAY, 9, 0) + datetime.timedelta(seconds=29)) == []
    assert sends_at(gateway, local(MONDAY, 9, 0) + datetime.timedelta(seconds=30)) == []   # second failure
    assert OutboxMessage.get().next_attempt_at == local(MONDAY, 9) + datetime.timedelta(seconds=90)
    assert sends_at(gateway, local(MONDAY, 9, 2)) == ['reply']
    assert OutboxMessage.get().state == 'sent'
    with db.atomic():
        outbox.enqueue('reply:2', '0905123456', 'Xin chao', 'reply', now=local(MONDAY, 9))
    gateway.fail = [SmsSendError('number barred', temporary=False)]
    outbox.deliver_due(gateway, now=local(MONDAY, 9, 3))
    assert OutboxMessage.get(OutboxMessage.key == 'reply:2').state == 'failed'


@pytest.mark.parametrize('when', ['after', 'before'])
def test_a_crash_while_sending_never_sends_twice(gateway, when):
    """The process dies after the gateway took the message (or just before): the restart does not send again."""
    book()
    gateway.crash = when
    with pytest.raises(Crash):
        outbox.deliver_due(gateway, now=local(MONDAY - datetime.timedelta(days=4), 10))
    assert OutboxMessage.get(OutboxMessage.kind == 'confirmation').state == 'sending'
    gateway.crash = None
    assert outbox.recover_interrupted() == 1      # what the next start does
    for moment in (local(MONDAY - datetime.timedelta(days=4), 10, 5), local(MONDAY, 8)):
        outbox.deliver_due(gateway, now=moment)
    confirmations = [r for _p, _t, r in gateway.sent if r.startswith('confirm')]
    assert len(confirmations) == (1 if when == 'after' else 0)
    confirmation = OutboxMessage.get(OutboxMessage.kind == 'confirmation')
    assert confirmation.state == 'uncertain'
    assert sorted(kind_of(r) for _p, _t, r in gateway.sent if r.startswith('remind')) == [
        'remind:before', 'remind:evening']
    # Staff who know it did not arrive send it again, once.
    assert outbox.resend(confirmation.id, now=local(MONDAY, 8, 1))
    outbox.deliver_due(gateway, now=local(MONDAY, 8, 1))
    outbox.deliver_due(gateway, now=local(MONDAY, 8, 2))
    assert len([r for _p, _t, r in gateway.sent if r.startswith('confirm')]) == (2 if when == 'after' else 1)


def test_delivery_reports_mark_messages(gateway):
    with db.atomic():
        outbox.enqueue('reply:9', '0905123456', 'Xin chao', 'reply', now=local(MONDAY, 9))
    assert outbox.record_delivery('reply:9', True) == (False, False)        # not sent: nothing to report on
    outbox.deliver_due(gateway, now=local(MONDAY, 9))
    sent_as = OutboxMessage.get().message_id                                  # what the transport returned
    assert sent_as == 'log:reply:9'
    assert outbox.record_delivery('reply:9', True) == (False, False)        # our key is not the gateway's id
    assert outbox.record_delivery(sent_as, True, now=local(MONDAY, 9, 1)) == (True, True)
    assert OutboxMessage.get().state == 'delivered'
    assert outbox.record_delivery(sent_as, False, 'expired', now=local(MONDAY, 9, 2)) == (True, False)
    message = OutboxMessage.get()
    assert (message.state, message.delivered_at, message.last_error) == ('delivered', local(MONDAY, 9, 1), '')
    assert outbox.record_delivery('nothing', True) == (False, False)


def test_diacritics_are_kept_when_the_office_chooses(gateway):
    with db.atomic():
        settings.put('sms_diacritics', True)
        outbox.enqueue('reply:1', '0905123456', 'Đã đặt lịch hẹn', 'reply')
    message = OutboxMessage.get()
    assert message.text == 'Đã đặt lịch hẹn' and message.unicode


def test_turn_near_is_sent_once_per_ticket_when_the_forecast_call_is_near(gateway, office):
    """CT is called at counters 1 and 2, each citizen 6 minutes (the setting, no history): the first two are
    called now, the next two forecast in 6 minutes, the fifth and sixth in 12."""
    from server.queueing import tickets
    with db.atomic():
        settings.put('turn_near_minutes', 5)
    now = local(MONDAY, 9)
    issued = [tickets.issue_ticket('CT', phone='090512345%d' % n if n else None, now=now) for n in range(6)]
    tickets.call_next(1, now=now)
    tickets.call_next(2, now=now)
    # The third and fourth: 6 minutes give or take 2 (1.8 spreads early is within 5); the fifth and sixth: 12 +- 3.
    assert messaging.notify_turn_near(now=now) == 2
    assert messaging.notify_turn_near(now=now) == 0          # once per ticket
    later = now + datetime.timedelta(minutes=5)
    assert messaging.notify_turn_near(now=later) == 2        # the fifth and sixth: 7.5 minutes +- 3 now
    keys = sorted(m.key for m in OutboxMessage.select())
    assert keys == sorted('turn_near:%d' % t.id for t in issued[2:])
    assert issued[0].phone is None
    text = OutboxMessage.get(OutboxMessage.key == 'turn_near:%d' % issued[5].id).text
    assert 'A006' in text and 'phut' in text
    with db.atomic():
        settings.put('turn_near_minutes', 0)
    tickets.issue_ticket('CT', phone='0912345678', now=later)
    assert messaging.notify_turn_near(now=later) == 0       # 0: never
