"""Staff accounts, failed logins, devices (tokens, printers, boards) and their live connections."""
import hashlib
import json
import secrets

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from server.models.base import BaseModel, utcnow

STAFF_ROLES = ('admin', 'desk', 'counter', 'hotline')
TOKEN_ROLES = STAFF_ROLES + ('kiosk', 'display', 'gateway')  # gateway: the SMS gateway's webhooks only


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
    # What a board or kiosk last said of its sound: 'on', 'off' (the browser blocks it until a click), 'unknown'.
    sound = CharField(max_length=8, default='unknown')

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


class PairingRequest(BaseModel):
    """A new device's /pair page showing a code until an admin types it (server/access/pairing.py)."""
    code = CharField(max_length=6, unique=True)
    secret_hash = CharField(max_length=64, unique=True)   # of the page's own cookie: the code alone claims nothing
    address = CharField(max_length=64, default='')
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    token_id = IntegerField(null=True)                    # set once paired: the token the page will receive
    next_page = CharField(max_length=64, default='')      # where the paired device goes (/kiosk, /display?board=2)


class Board(BaseModel):
    name = CharField(max_length=100)
    service_codes = TextField(default='[]')     # JSON list; empty: every service
    counter_numbers = TextField(default='[]')   # JSON list; empty: every counter
    notice = TextField(default='')

    @classmethod
    def ordered(cls):
        return cls.select().order_by(cls.id)

    @classmethod
    def named(cls, name, but=None):
        """The board called `name` (whatever its case), other than board `but`, or None."""
        # In Python: SQLite's LOWER() leaves Vietnamese capitals (Đ, Ư...) as they are; an office has a few boards.
        return next((board for board in cls.select() if board.id != but and board.name.casefold() == name.casefold()),
                    None)

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
