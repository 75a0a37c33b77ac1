"""All peewee models; queries about one model live on that model."""
import datetime
import hashlib
import json
import secrets

from peewee import (BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField,
                    fn)

from server.extensions import db

STATUSES = ('waiting', 'called', 'serving', 'done', 'no_show', 'cancelled')
ACTIVE_STATUSES = ('called', 'serving')
PRIORITY_REASONS = ('elderly', 'disabled', 'pregnant', 'child', 'appointment', 'other')
STAFF_ROLES = ('admin', 'desk', 'counter', 'hotline')
TOKEN_ROLES = STAFF_ROLES + ('kiosk', 'display', 'gateway')  # gateway: the SMS gateway's webhooks only


def utcnow():
    """The current time as naive UTC, the way every timestamp is stored."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Service(BaseModel):
    code = CharField(max_length=16, unique=True)
    name = CharField(max_length=100)
    prefix = CharField(max_length=2)
    description = CharField(max_length=200, default='')
    active = BooleanField(default=True)
    sort_order = IntegerField(default=0)
    bookable = BooleanField(default=True)         # takes appointments (hotline, SMS)
    slot_minutes = IntegerField(default=30)       # length of an appointment slot
    slot_capacity = IntegerField(default=4)       # appointments per slot

    @classmethod
    def ordered(cls):
        return cls.select().order_by(cls.sort_order, cls.code)

    @classmethod
    def by_code(cls, code):
        return cls.get_or_none(cls.code == code)

    @classmethod
    def using_prefix(cls, prefix, but=None):
        """A service (other than the one with id `but`) numbered with this prefix, in any case, or None."""
        query = cls.select().where(fn.UPPER(cls.prefix) == prefix.upper())
        if but is not None:
            query = query.where(cls.id != but)
        return query.order_by(cls.code).first()

    @classmethod
    def shared_prefixes(cls):
        """[(prefix, [services])] for each prefix several services number with: refused now, but a database
        made by an older version may hold such services (their tickets share numbers like A001)."""
        groups = {}
        for service in cls.ordered():
            groups.setdefault(service.prefix.upper(), []).append(service)
        return [(prefix, services) for prefix, services in sorted(groups.items()) if len(services) > 1]


class Counter(BaseModel):
    number = IntegerField(unique=True)
    name = CharField(max_length=100)
    active = BooleanField(default=True)
    paused = BooleanField(default=False)
    priority_streak = IntegerField(default=0)

    @classmethod
    def ordered(cls):
        return cls.select().order_by(cls.number)

    @property
    def services(self):
        return list(Service.select().join(CounterService).where(CounterService.counter == self)
                    .order_by(Service.sort_order, Service.code))

    def current_ticket(self):
        return (Ticket.select().where(Ticket.counter == self, Ticket.status.in_(ACTIVE_STATUSES))
                .order_by(Ticket.called_at.desc()).first())


class CounterService(BaseModel):
    counter = ForeignKeyField(Counter, backref='service_links', on_delete='CASCADE')
    service = ForeignKeyField(Service, backref='counter_links', on_delete='CASCADE')

    class Meta:
        indexes = ((('counter', 'service'), True),)


class Staff(BaseModel):
    username = CharField(max_length=50, unique=True)
    full_name = CharField(max_length=100, default='')
    password_hash = CharField(max_length=255)
    role = CharField(max_length=16)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    # Raised on logout, a password change and deactivation: a session made under another epoch is over.
    session_epoch = IntegerField(default=0)
    must_change_password = BooleanField(default=False)   # a generated or admin-set password


class LoginFailure(BaseModel):
    """Failed logins of one account name or one address, kept here so every process (and a restart) sees them."""
    key = CharField(max_length=100, unique=True)   # "account:<name>" or "address:<ip>"
    failures = IntegerField(default=0)
    last_failure_at = DateTimeField(default=utcnow)
    locked_until = DateTimeField(null=True)


class SocketConnection(BaseModel):
    """An open Socket.IO connection and whose it is, so that revoking access closes it in any process."""
    sid = CharField(max_length=64)
    namespace = CharField(max_length=32)
    staff_id = IntegerField(null=True, index=True)
    token_id = IntegerField(null=True, index=True)
    connected_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('sid', 'namespace'), True),)


class Printer(BaseModel):
    name = CharField(max_length=100, unique=True)
    uri = CharField(max_length=255)
    paper_width = IntegerField(default=80)      # millimetres: 58 or 80
    status = CharField(max_length=16, default='unknown')
    status_detail = CharField(max_length=255, default='')
    status_at = DateTimeField(null=True)


class ApiToken(BaseModel):
    name = CharField(max_length=100)
    role = CharField(max_length=16)
    token_hash = CharField(max_length=64, unique=True)
    hint = CharField(max_length=8)
    printer = ForeignKeyField(Printer, null=True, on_delete='SET NULL')
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
    revoked = BooleanField(default=False)

    @staticmethod
    def digest(raw):
        return hashlib.sha256(raw.encode('utf-8')).hexdigest()

    @classmethod
    def issue(cls, role, name, printer=None):
        """Create a token and return (token row, the raw secret shown once)."""
        raw = secrets.token_urlsafe(32)
        row = cls.create(name=name, role=role, token_hash=cls.digest(raw), hint=raw[:6],
                         printer=printer)
        return row, raw

    @classmethod
    def lookup(cls, raw):
        if not raw or len(raw) > 200:
            return None
        return cls.get_or_none((cls.token_hash == cls.digest(raw)) & (cls.revoked == False))  # noqa: E712


class Board(BaseModel):
    name = CharField(max_length=100)
    service_codes = TextField(default='[]')     # JSON list; empty: every service
    counter_numbers = TextField(default='[]')   # JSON list; empty: every counter
    notice = TextField(default='')

    @property
    def services_shown(self):
        return json.loads(self.service_codes or '[]')

    @property
    def counters_shown(self):
        return json.loads(self.counter_numbers or '[]')

    def shows(self, service_code, counter_number=None):
        """Whether an event about this service or counter concerns the board."""
        services, counters = self.services_shown, self.counters_shown
        if not services and not counters:
            return True
        return service_code in services or (counter_number is not None and counter_number in counters)


class Setting(BaseModel):
    key = CharField(max_length=64, primary_key=True)
    value = TextField()


class DailySequence(BaseModel):
    service = ForeignKeyField(Service, on_delete='CASCADE')
    day = DateField()
    last_number = IntegerField(default=0)

    class Meta:
        indexes = ((('service', 'day'), True),)


class Ticket(BaseModel):
    service = ForeignKeyField(Service, backref='tickets')           # the line it waits in now
    origin = ForeignKeyField(Service, backref='issued_tickets', index=False)  # the line that numbered it
    day = DateField(index=True)
    sequence = IntegerField()
    number = CharField(max_length=8)
    status = CharField(max_length=16, default='waiting')
    priority = BooleanField(default=False)
    priority_reason = CharField(max_length=16, null=True)
    name = CharField(max_length=100, null=True)
    phone = CharField(max_length=16, null=True)
    source = CharField(max_length=16, default='kiosk')
    track_id = CharField(max_length=32, unique=True, default=lambda: secrets.token_urlsafe(16))
    issued_at = DateTimeField(default=utcnow)
    queued_at = DateTimeField(default=utcnow)
    called_at = DateTimeField(null=True)
    serving_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    counter = ForeignKeyField(Counter, null=True, backref='tickets', on_delete='SET NULL', index=False)
    staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
    call_count = IntegerField(default=0)
    issued_by = ForeignKeyField(ApiToken, null=True, on_delete='SET NULL')

    class Meta:
        # Each index is written by every ticket: none that another one starts with (origin, counter and
        # status each have one through these). A line's waiting tickets of a day are one range of the
        # second, which holds all a count needs (schema version 6).
        indexes = ((('origin', 'day', 'sequence'), True),
                   (('status', 'service', 'day', 'queued_at'), False),
                   (('counter', 'status'), False))


class AuditEvent(BaseModel):
    at = DateTimeField(default=utcnow, index=True)
    ticket = ForeignKeyField(Ticket, null=True, backref='audit', on_delete='CASCADE')
    action = CharField(max_length=32)
    actor = CharField(max_length=100, default='')
    from_status = CharField(max_length=16, null=True)
    to_status = CharField(max_length=16, null=True)
    counter_number = IntegerField(null=True)
    detail = TextField(default='{}')


class PrintJob(BaseModel):
    printer = ForeignKeyField(Printer, null=True, on_delete='CASCADE')
    printer_uri = CharField(max_length=255)
    ticket = ForeignKeyField(Ticket, null=True, on_delete='CASCADE')
    payload = TextField(default='{}')           # JSON: what the layout needs, frozen at issue time
    state = CharField(max_length=16, default='queued', index=True)  # queued, printing, done, failed
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=utcnow)
    last_error = CharField(max_length=255, default='')
    created_at = DateTimeField(default=utcnow)
    printed_at = DateTimeField(null=True)


class Procedure(BaseModel):
    """An administrative procedure (thủ tục) of a service, as citizens name it in an SMS."""
    service = ForeignKeyField(Service, backref='procedures', on_delete='CASCADE')
    name = CharField(max_length=200)
    active = BooleanField(default=True)


class OpeningHours(BaseModel):
    """One session (morning or afternoon) of one weekday (0 = Monday) when the office receives citizens."""
    weekday = IntegerField()
    session = CharField(max_length=16)   # morning, afternoon
    start = CharField(max_length=5)      # HH:MM, office time
    end = CharField(max_length=5)

    class Meta:
        indexes = ((('weekday', 'session'), True),)


class Holiday(BaseModel):
    day = DateField(unique=True)
    name = CharField(max_length=100)


APPOINTMENT_STATUSES = ('booked', 'checked_in', 'cancelled', 'no_show')
APPOINTMENT_SOURCES = ('hotline', 'sms', 'desk', 'api')


class Appointment(BaseModel):
    code = CharField(max_length=8, unique=True)
    service = ForeignKeyField(Service, backref='appointments')
    procedure = ForeignKeyField(Procedure, null=True, on_delete='SET NULL')
    date = DateField()
    start = CharField(max_length=5)      # HH:MM, office time
    end = CharField(max_length=5)
    name = CharField(max_length=100)
    phone = CharField(max_length=16)
    status = CharField(max_length=16, default='booked')
    source = CharField(max_length=16, default='hotline')
    note = CharField(max_length=200, default='')
    created_by = CharField(max_length=100, default='')
    created_at = DateTimeField(default=utcnow)
    changed_at = DateTimeField(default=utcnow)
    checked_in_at = DateTimeField(null=True)
    ticket = ForeignKeyField(Ticket, null=True, on_delete='SET NULL')

    class Meta:
        indexes = ((('service', 'date', 'start'), False), (('phone', 'date'), False))

    @classmethod
    def taken(cls, service, day, start=None):
        """Appointments that hold a place in a slot (every status but cancelled)."""
        query = cls.select().where(cls.service == service, cls.date == day, cls.status != 'cancelled')
        return query.where(cls.start == start) if start is not None else query


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


DOSSIER_STATUSES = ('ready', 'collected')


class Dossier(BaseModel):
    """A file (hồ sơ) whose result is ready for the citizen to collect by a deadline."""
    code = CharField(max_length=32, unique=True)
    name = CharField(max_length=100)
    phone = CharField(max_length=16, null=True)
    service = ForeignKeyField(Service, null=True, on_delete='SET NULL')
    status = CharField(max_length=16, default='ready')
    ready_at = DateTimeField(default=utcnow)
    pickup_by = DateField()
    collected_at = DateTimeField(null=True)
    created_by = CharField(max_length=100, default='')


class SchemaVersion(BaseModel):
    version = IntegerField()


MODELS = [Service, Counter, CounterService, Staff, Printer, ApiToken, Board, Setting,
          DailySequence, Ticket, AuditEvent, PrintJob, Procedure, OpeningHours, Holiday, Appointment,
          OutboxMessage, InboundMessage, Dossier, LoginFailure, SocketConnection, SchemaVersion]
