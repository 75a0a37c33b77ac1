"""SMS messages: the outbox (each sent exactly once) and the messages received."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from server.models.base import BaseModel, utcnow
from server.models.booking import Appointment

OUTBOX_STATES = ('pending', 'sending', 'sent', 'delivered', 'failed', 'skipped', 'cancelled', 'uncertain')


class OutboxMessage(BaseModel):
    """An SMS to send, exactly once: the key makes enqueueing idempotent, the state makes sending so."""
    key = CharField(max_length=100, unique=True)
    kind = CharField(max_length=24)
    phone = CharField(max_length=20)
    text = TextField()
    unicode = BooleanField(default=False)
    state = CharField(max_length=16, default='pending', index=True)
    send_after = DateTimeField(default=utcnow)
    expires_at = DateTimeField(null=True)        # not worth sending after this (a reminder after the slot)
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=utcnow)
    last_error = CharField(max_length=255, default='')
    message_id = CharField(max_length=100, null=True, index=True)
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)
    delivered_at = DateTimeField(null=True)
    appointment = ForeignKeyField(Appointment, null=True, backref='messages', on_delete='SET NULL')


class InboundMessage(BaseModel):
    """An SMS a citizen sent, with what it did: the flood limit and the admin console read these."""
    phone = CharField(max_length=20, index=True)
    text = TextField()
    received_at = DateTimeField(default=utcnow, index=True)
    command = CharField(max_length=16, default='')
    outcome = CharField(max_length=32, default='')
    reply = TextField(default='')
