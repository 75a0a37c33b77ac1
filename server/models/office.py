"""The queue: services, counters, the tickets and their numbers, the audit trail, print jobs."""
import secrets

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn

from server.models.accounts import ApiToken, Printer, Staff
from server.models.base import BaseModel, utcnow

STATUSES = ('waiting', 'called', 'serving', 'done', 'no_show', 'cancelled')
ACTIVE_STATUSES = ('called', 'serving')
PRIORITY_REASONS = ('elderly', 'disabled', 'pregnant', 'child', 'appointment', 'other')


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

    @classmethod
    def missing_numbers(cls, numbers):
        """Those of `numbers` no counter has, in the order given."""
        known = {c.number for c in cls.select(cls.number).where(cls.number.in_(numbers))} if numbers else set()
        return [n for n in numbers if n not in known]

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
    transfer_note = CharField(max_length=200, null=True)   # for the counter that calls it after a transfer

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
