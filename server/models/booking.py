"""The calendar and appointments: procedures, opening hours, holidays, bookings, results to collect."""
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from server.models.base import BaseModel, utcnow
from server.models.office import Service, Ticket


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
