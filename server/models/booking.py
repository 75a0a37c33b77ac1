"""The calendar and appointments: procedures, opening hours, holidays, bookings, results to collect."""
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from server.models.accounts import Board, Staff
from server.models.base import BaseModel, utcnow
from server.models.office import Counter, Service, Ticket


class Procedure(BaseModel):
    """An administrative procedure (thủ tục) of a service, as citizens name it in an SMS."""
    service = ForeignKeyField(Service, backref='procedures', on_delete='CASCADE')
    name = CharField(max_length=200)
    active = BooleanField(default=True)
    aliases = TextField(default='')               # short names citizens use, one per line (khai sinh)
    guide_url = CharField(max_length=500, default='')   # the procedure's guide (printed as a QR code)
    catalogue_key = CharField(max_length=64, null=True)  # the shipped catalogue's entry it came from
    sort_order = IntegerField(default=0)


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


DOSSIER_STATUSES = ('processing', 'ready', 'collected')


class Dossier(BaseModel):
    """A file (hồ sơ) whose result is ready for the citizen to collect by a deadline."""
    code = CharField(max_length=32, unique=True)
    name = CharField(max_length=100)
    phone = CharField(max_length=16, null=True)
    service = ForeignKeyField(Service, null=True, on_delete='SET NULL')
    status = CharField(max_length=16, default='ready')
    ready_at = DateTimeField(default=utcnow, null=True)   # None while processing
    pickup_by = DateField(null=True)                      # None while processing
    collected_at = DateTimeField(null=True)
    created_by = CharField(max_length=100, default='')
    received_at = DateTimeField(null=True)                # when the desk took the file in (if it did)
    due_on = DateField(null=True)                         # the promised result date (giấy hẹn)
    pickup_code = CharField(max_length=8, null=True)      # sent in the "result ready" SMS, checked at handover


RATING_SCORES = (1, 2, 3, 4)   # 4 Rất hài lòng, 3 Hài lòng, 2 Bình thường, 1 Không hài lòng


class Rating(BaseModel):
    """A citizen's satisfaction with a served ticket (đánh giá mức độ hài lòng): one per ticket."""
    ticket = ForeignKeyField(Ticket, unique=True, on_delete='CASCADE')
    score = IntegerField()
    comment = CharField(max_length=500, default='')
    source = CharField(max_length=16, default='phone')     # phone (the track page), tablet (at the counter)
    service = ForeignKeyField(Service, null=True, on_delete='SET NULL')
    counter = ForeignKeyField(Counter, null=True, on_delete='SET NULL')
    staff = ForeignKeyField(Staff, null=True, on_delete='SET NULL')
    created_at = DateTimeField(default=utcnow, index=True)


MEDIA_KINDS = ('image', 'video')


class Media(BaseModel):
    """An image or short video uploaded in the console, played between calls on the boards chosen."""
    title = CharField(max_length=100)
    kind = CharField(max_length=8)                  # image, video
    filename = CharField(max_length=64, unique=True)  # stored under the data folder's media/
    content_type = CharField(max_length=64)
    size = IntegerField()
    seconds = IntegerField(default=10)              # how long an image stays (a video plays to its end)
    active = BooleanField(default=True)
    sort_order = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)
    created_by = CharField(max_length=100, default='')


class MediaBoard(BaseModel):
    """A board that shows a media item."""
    media = ForeignKeyField(Media, backref='placements', on_delete='CASCADE')
    board = ForeignKeyField(Board, backref='media', on_delete='CASCADE')

    class Meta:
        indexes = ((('media', 'board'), True),)
