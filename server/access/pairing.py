"""Pairing a new TV or kiosk by a six-digit code: its /pair page shows the code, an admin types it in the console.

The code alone grants nothing: the page that asked for it holds a secret (a cookie of its own) whose hash is
kept with the code, and only that page receives the device token once an admin has typed the code
(POST /api/v1/devices/pair). The token row is made then with a secret nobody knows; the page's next check gives
it a fresh secret, which becomes its device cookie exactly as ?token= pairing does (server/auth.py), so no
device secret is ever stored or shown. Codes are short: typing wrong ones is slowed down per admin and per
address as password guesses are (server/access/logins.py).
"""
import datetime
import math
import secrets

from flask_babel import gettext as _
from peewee import IntegrityError

from server.access import logins
from server.audit import audit
from server.errors import Conflict, NotFound, QueueError
from server.extensions import db
from server.models import ApiToken, PairingRequest, utcnow

CODE_MINUTES = 5              # a code shown on a screen for longer would be read by too many people
KEPT = datetime.timedelta(hours=1)   # an expired code is still recognised (to say so), a paired one awaits its page
PENDING_PER_ADDRESS = 20      # codes waiting at once from one address: a page renews its own, it never piles up
PAIRED_ROLES = ('kiosk', 'display')
PAGES = {'kiosk': '/kiosk', 'display': '/display'}
RATING_PAGE = '/rate?counter=%d'   # a tablet at a counter asking citizens to rate it: paired as a kiosk
FREE_FAILURES, ADDRESS_FREE_FAILURES = 5, 10


class TooManyAttempts(QueueError):
    status, code = 429, 'too_many_attempts'


def _digest(secret):
    return ApiToken.digest(secret)


def _new_code():
    return '%06d' % (100000 + secrets.randbelow(900000))   # no leading zero to drop when typed into a number field


def _with_fresh_code(write):
    """Run write(code) with new codes until one is not taken (a unique index decides, across processes)."""
    for _attempt in range(20):
        try:
            with db.atomic():
                return write(_new_code())
        except IntegrityError:
            continue
    raise QueueError(_('Không tạo được mã ghép nối, xin thử lại.'), 'no_free_code', 503)


def _start(address, now):
    """A new request from a /pair page: its secret and its row."""
    with db.atomic():
        PairingRequest.delete().where(PairingRequest.created_at < now - KEPT).execute()
        waiting = PairingRequest.select().where(PairingRequest.address == address, PairingRequest.expires_at > now,
                                                PairingRequest.token_id.is_null()).count()
    if waiting >= PENDING_PER_ADDRESS:
        raise TooManyAttempts(_('Quá nhiều mã ghép nối đang chờ từ máy này. Xin thử lại sau.'), 'too_many_codes')
    secret = secrets.token_urlsafe(32)
    row = _with_fresh_code(lambda code: PairingRequest.create(
        code=code, secret_hash=_digest(secret), address=address, created_at=now,
        expires_at=now + datetime.timedelta(minutes=CODE_MINUTES)))
    return secret, row


def _renew(row, now):
    """The page's code ran out unused: the same page gets another."""
    def write(code):
        PairingRequest.update(code=code, created_at=now, expires_at=now + datetime.timedelta(minutes=CODE_MINUTES)
                              ).where(PairingRequest.id == row.id).execute()
        return PairingRequest.get_by_id(row.id)
    return _with_fresh_code(write)


def _claim(row):
    """Give the paired token a fresh secret for the page that asked (once); None if it was revoked meanwhile."""
    raw = secrets.token_urlsafe(32)
    with db.atomic():
        if PairingRequest.delete().where(PairingRequest.id == row.id).execute() != 1:
            return None   # another check of the same page claimed it
        changed = (ApiToken.update(token_hash=ApiToken.digest(raw), hint=raw[:6])
                   .where(ApiToken.id == row.token_id, ApiToken.revoked == False, ApiToken.hint == '')  # noqa: E712
                   .execute())
    return raw if changed else None


def check(secret, address, now=None):
    """What a /pair page learns: (its secret, its state, the device token's secret once it is paired, else None).
    A page without a request (or whose token was revoked before it came) starts one; an expired code is renewed."""
    now = now or utcnow()
    row = PairingRequest.get_or_none(PairingRequest.secret_hash == _digest(secret)) if secret else None
    if row is not None and row.token_id is not None:
        raw = _claim(row)
        if raw:
            return secret, {'paired': True, 'next': row.next_page}, raw
        row = None
    if row is None:
        secret, row = _start(address, now)
    elif row.expires_at <= now:
        row = _renew(row, now)
    seconds = max(1, math.ceil((row.expires_at - now).total_seconds()))
    return secret, {'paired': False, 'code': row.code, 'expires_in': seconds}, None


def typed_code(value):
    """The six digits of a code as people type it ("482 913"), or None."""
    digits = ''.join(value.split()) if isinstance(value, str) else ''
    return digits if len(digits) == 6 and digits.isascii() and digits.isdigit() else None


def _keys(actor, address):
    return [('pairing:' + actor[:80], FREE_FAILURES), ('pairing-address:' + (address or 'unknown')[:64],
                                                       ADDRESS_FREE_FAILURES)]


def _waiting_row(code, now):
    """The request showing this code, or a refusal (each counted by the caller as a failed attempt)."""
    row = PairingRequest.get_or_none(PairingRequest.code == code)
    if row is None or row.created_at < now - KEPT:
        raise NotFound(_('Không có thiết bị nào đang hiện mã %(code)s. Xem lại mã trên màn hình của thiết bị.',
                         code=code), 'unknown_code')
    if row.token_id is not None:
        raise Conflict(_('Mã %(code)s đã được dùng để ghép nối một thiết bị.', code=code), 'code_used')
    if row.expires_at <= now:
        raise NotFound(_('Mã %(code)s đã hết hạn. Thiết bị đã hiện mã mới: hãy nhập mã mới.', code=code),
                       'code_expired')
    return row


def pair(code, role, name, actor, address, printer=None, board=None, counter=None, now=None):
    """Give the device showing `code` a token of `role` named `name` (a kiosk's printer, a board's board; a kiosk
    given a counter is that counter's rating tablet); the token and the page it opens.
    Unknown, expired and used codes are refused and counted: after a few, each attempt must wait."""
    now = now or utcnow()
    keys = _keys(actor, address)
    wait, _wait_if_wrong = logins.reserve(keys, now)
    if wait:
        raise TooManyAttempts(_('Nhập sai mã nhiều lần. Vui lòng thử lại sau %(n)s giây.', n=wait))
    row = _waiting_row(code, now)
    page = PAGES[role] + ('?board=%d' % board.id if role == 'display' and board is not None else '')
    if role == 'kiosk' and counter is not None:
        page = RATING_PAGE % counter.number
    with db.atomic():
        token = ApiToken.create(name=name, role=role, token_hash=_digest(secrets.token_urlsafe(32)), hint='',
                                printer=printer if role == 'kiosk' and counter is None else None)
        taken = (PairingRequest.update(token_id=token.id, next_page=page)
                 .where(PairingRequest.id == row.id, PairingRequest.token_id.is_null()).execute())
        if taken != 1:   # another admin typed it at the same moment: the token is rolled back
            raise Conflict(_('Mã %(code)s đã được dùng để ghép nối một thiết bị.', code=code), 'code_used')
        audit(None, 'device_paired', actor, id=token.id, role=role, name=name, page=page)
    logins.take_back(keys)
    return token, page
