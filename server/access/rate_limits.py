"""Flood limits for what anyone may ask without a login (the file status look-up): so many a minute per address.

Counted in the login_failure table under their own keys ("lookup:<address>"), as logins and pairing codes are
(logins.py): every server process and a restart see the same counts. A row counts the requests of the
minute that began at its `last_failure_at`; past that minute it starts again.
"""
import datetime
import math

from flask_babel import gettext as _

from server.db.database import supports_row_locks
from server.errors import QueueError
from server.extensions import db
from server.models import LoginFailure, utcnow

WINDOW = datetime.timedelta(minutes=1)


class TooManyRequests(QueueError):
    status, code = 429, 'too_many_requests'


def _row(key, now):
    LoginFailure.insert(key=key, failures=0, last_failure_at=now).on_conflict_ignore().execute()
    query = LoginFailure.select().where(LoginFailure.key == key)
    return (query.for_update() if supports_row_locks() else query).get()


def spend(kind, address, per_minute, now=None):
    """Count one request of `kind` from `address`; a 429 (saying how long to wait) past `per_minute`."""
    now = now or utcnow()
    key = '%s:%s' % (kind, (address or 'unknown')[:64])
    with db.atomic():
        row = _row(key, now)
        if now - row.last_failure_at >= WINDOW or now < row.last_failure_at:
            LoginFailure.update(failures=1, last_failure_at=now, locked_until=None).where(
                LoginFailure.id == row.id).execute()
            return
        if row.failures >= per_minute:
            wait = max(1, math.ceil((row.last_failure_at + WINDOW - now).total_seconds()))
            raise TooManyRequests(_('Tra cứu quá nhiều lần. Vui lòng thử lại sau %(n)s giây.', n=wait))
        LoginFailure.update(failures=LoginFailure.failures + 1).where(LoginFailure.id == row.id).execute()
