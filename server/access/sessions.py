"""Staff sessions: begun at login, over when left idle too long or when the staff member's epoch moves on.

The session cookie (signed, kept by the browser) holds the staff id, the staff row's session epoch at
login and the last time it was used. Logging out, changing a password and deactivating an account raise
the epoch in the database, which ends every session of that person on every browser and in every server
process at once, and close their open Socket.IO connections (server/live/connections.py).
"""
import time

from flask import session

from server import settings
from server.extensions import db
from server.live import connections
from server.models import Staff

TOUCH_SECONDS = 60   # the last use is written back at most this often, not into every answer's cookie


def begin(staff, now=None):
    """Log this browser in as `staff` (a fresh session: nothing of an earlier one is kept)."""
    session.clear()
    session['staff_id'] = staff.id
    session['epoch'] = staff.session_epoch
    session['seen'] = int(now or time.time())
    session.permanent = True


def idle_limit_seconds():
    """The session_idle_hours setting in seconds (a damaged value falls back to the default)."""
    try:
        hours = int(settings.get('session_idle_hours'))
    except (TypeError, ValueError):
        hours = settings.DEFAULTS['session_idle_hours']
    low, high = settings.LIMITS['session_idle_hours']
    return min(max(hours, low), high) * 3600


def current_staff(now=None):
    """The active staff member logged in by this session, or None: no login, idle too long, or ended."""
    staff_id, seen = session.get('staff_id'), session.get('seen')
    if not staff_id or not isinstance(seen, int):
        return None
    if (now or time.time()) - seen > idle_limit_seconds():
        return None
    staff = Staff.get_or_none((Staff.id == staff_id) & (Staff.active == True))  # noqa: E712
    if staff is None or staff.session_epoch != session.get('epoch'):
        return None
    return staff


def touch(now=None):
    """Note that the session was used now (called for each request of a valid session)."""
    now = int(now or time.time())
    if now - session.get('seen', 0) >= TOUCH_SECONDS:
        session['seen'] = now


def end_everywhere(staff_id):
    """Inside the caller's transaction: end every session of this staff member, and after the commit close
    their open connections. Returns the new epoch (a session that should go on takes it: keep())."""
    Staff.update(session_epoch=Staff.session_epoch + 1).where(Staff.id == staff_id).execute()
    db.after_commit(lambda: connections.close(staff_id=staff_id))
    return Staff.select(Staff.session_epoch).where(Staff.id == staff_id).scalar()


def keep(epoch):
    """Let this browser's session go on under the staff member's new epoch (after its own password change)."""
    session['epoch'] = epoch
