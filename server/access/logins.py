"""Logging in: password guessing is slowed down per account name and per address.

After FREE_FAILURES failed logins of one account name (ADDRESS_FREE_FAILURES from one address: a desk PC
may be shared), every further attempt must wait, FIRST_WAIT_SECONDS at first, doubling with each failure,
at most MAX_WAIT_SECONDS. A name that has no account is counted the same way and checked just as slowly
(auth.check_login), so neither the answers nor their timing tell who works here. The counts are rows of
the database (login_failure): a restart does not forget them, and every server process sees the same.
Failures are forgotten FORGET_AFTER the last one, and an account's on its next successful login.

An attempt is counted as a failure *before* its password is checked (and taken back if it was right), in
the transaction that looks at the count: a burst of guesses sent at once is held to the same pace.
"""
import datetime
import math
from dataclasses import dataclass

from server.auth import check_login
from server.db.database import supports_row_locks
from server.extensions import db
from server.models import LoginFailure, Staff, utcnow

FREE_FAILURES = 5
ADDRESS_FREE_FAILURES = 10
FIRST_WAIT_SECONDS = 5
MAX_WAIT_SECONDS = 15 * 60
FORGET_AFTER = datetime.timedelta(hours=1)


@dataclass
class Outcome:
    """What a login attempt came to: the staff member (None: refused) and how long to wait before the next
    attempt (0: no wait; when `throttled`, this attempt itself was refused unchecked)."""
    staff: Staff = None
    wait_seconds: int = 0
    throttled: bool = False


def wait_after(failures, free):
    """Seconds to wait after `failures` failures when `free` are let through without waiting."""
    if failures < free:
        return 0
    return min(MAX_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** min(failures - free, 20))


def _keys(username, address):
    return [('account:' + username.lower()[:50], FREE_FAILURES),
            ('address:' + (address or 'unknown')[:64], ADDRESS_FREE_FAILURES)]


def _locked_row(key, now):
    LoginFailure.insert(key=key, failures=0, last_failure_at=now).on_conflict_ignore().execute()
    query = LoginFailure.select().where(LoginFailure.key == key)
    return (query.for_update() if supports_row_locks() else query).get()


def _remaining(row, now):
    if row.locked_until is None or row.locked_until <= now:
        return 0
    return math.ceil((row.locked_until - now).total_seconds())


def reserve(keys, now):
    """Count this attempt as a failure of each (key, free failures), unless one of them must still wait: then
    (its seconds, 0); else (0, the wait a failure now brings). Pairing codes are paced the same way (pairing.py)."""
    with db.atomic():
        LoginFailure.delete().where(LoginFailure.last_failure_at < now - FORGET_AFTER).execute()
        rows = [(_locked_row(key, now), free) for key, free in keys]   # always account, then address
        wait = max(_remaining(row, now) for row, _free in rows)
        if wait:
            return wait, 0
        waits = []
        for row, free in rows:
            failures = (row.failures if now - row.last_failure_at < FORGET_AFTER else 0) + 1
            seconds = wait_after(failures, free)
            waits.append(seconds)
            (LoginFailure.update(failures=failures, last_failure_at=now,
                                 locked_until=now + datetime.timedelta(seconds=seconds) if seconds else None)
             .where(LoginFailure.id == row.id).execute())
        return 0, max(waits)


def take_back(keys):
    """The password was right: the account (first key) starts afresh, the address (second) has one failure fewer."""
    (account, _free), (address, _free2) = keys
    with db.atomic():
        LoginFailure.delete().where(LoginFailure.key == account).execute()
        (LoginFailure.update(failures=LoginFailure.failures - 1, locked_until=None)
         .where(LoginFailure.key == address, LoginFailure.failures > 0).execute())


def attempt(username, password, address, now=None):
    """Check a login from an address, at the pace allowed; an Outcome."""
    now = now or utcnow()
    keys = _keys(username, address)
    wait, wait_if_wrong = reserve(keys, now)
    if wait:
        return Outcome(wait_seconds=wait, throttled=True)
    staff = check_login(username, password)
    if staff is None:
        return Outcome(wait_seconds=wait_if_wrong)
    take_back(keys)
    return Outcome(staff=staff)


def check_own_password(staff, password, address, now=None):
    """A logged-in staff member retyping their password (to change it), at the same pace as logins."""
    outcome = attempt(staff.username, password, address, now)
    return outcome if outcome.staff is None or outcome.staff.id == staff.id else Outcome()
