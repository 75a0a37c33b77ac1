"""Whose each open Socket.IO connection is, so that ending someone's access closes their connections at once.

A device token revoked, a staff account deactivated, a logout or a password change (server/access/sessions.py)
must not leave a board, kiosk or staff page listening. Each connection of a token or a staff session is
recorded here (a row per connection, in the database every server process shares) when it connects and
forgotten when it goes. Closing looks the rows up and asks Socket.IO to disconnect each one: with a message
queue, python-socketio's manager publishes the disconnect of a connection held by another process to that
process (server.disconnect -> PubSubManager.can_disconnect), so one call reaches every process.
"""
import logging

from server import runtime
from server.extensions import db, socketio
from server.models import ApiToken, SocketConnection, Staff

log = logging.getLogger(__name__)


def record(sid, namespace, token_id=None, staff_id=None, epoch=None):
    """Note that a connection is the token's or the staff session's (of that epoch); False, with nothing kept,
    if their access ended meanwhile (a revocation that committed before this row would not have seen it)."""
    with db.atomic():
        SocketConnection.insert(sid=sid, namespace=namespace, token_id=token_id, staff_id=staff_id).execute()
    if token_id is not None:
        allowed = ApiToken.select().where(ApiToken.id == token_id, ApiToken.revoked == False).exists()  # noqa: E712
    else:
        allowed = Staff.select().where(Staff.id == staff_id, Staff.active == True,  # noqa: E712
                                       Staff.session_epoch == epoch).exists()
    if not allowed:
        forget(sid, namespace)
    return allowed


def forget(sid, namespace):
    """The connection is gone (its disconnect handler, in whichever thread: a connection may be open or not);
    the id of the token it was of, if any (the console's device list notes when a device left)."""
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        with db.atomic():
            token_id = token_of(sid, namespace)
            SocketConnection.delete().where(SocketConnection.sid == sid,
                                            SocketConnection.namespace == namespace).execute()
        return token_id
    finally:
        if opened:
            db.close()


def token_of(sid, namespace):
    """The id of the token whose connection this is, or None (a staff session's, or unknown)."""
    row = (SocketConnection.select(SocketConnection.token_id)
           .where(SocketConnection.sid == sid, SocketConnection.namespace == namespace).first())
    return row.token_id if row else None


def forget_all():
    """Drop every record (at the start of the one process serving an office: none of them is open)."""
    with db.connection_context(), db.atomic():
        SocketConnection.delete().execute()


def close(token_id=None, staff_id=None):
    """After the commit that ended a token's or a staff member's access: disconnect their connections.

    The work runs on a thread of its own (held by the app's runtime): called from a commit hook, it must not
    write inside the request's transaction, and the disconnect handlers it triggers (in this process) write
    themselves."""
    runtime.of().run_aside(_close, (token_id, staff_id), 'luot-close-connections')


def wait_until_closed(timeout=10.0, app=None):
    """Block until every close() of the app (else the current app) has finished (tests, and a clean exit)."""
    return runtime.of(app).wait_aside(timeout)


def _close(token_id, staff_id):
    try:
        with db.connection_context():
            query = SocketConnection.select()
            query = query.where(SocketConnection.token_id == token_id) if token_id is not None else \
                query.where(SocketConnection.staff_id == staff_id)
            rows = list(query)
            if rows:   # first, so that rows left by a process that stopped without saying goodbye go too
                with db.atomic():
                    SocketConnection.delete().where(SocketConnection.id.in_([r.id for r in rows])).execute()
            for row in rows:
                # Here or, through the message queue, in the process that holds it; an unknown sid is a no-op.
                socketio.server.disconnect(row.sid, namespace=row.namespace)
        if rows:
            log.info('closed %d connection(s) of %s', len(rows),
                     'token %s' % token_id if token_id is not None else 'staff %s' % staff_id)
    except Exception:   # the access is already refused everywhere; only the open connections would stay
        log.exception('could not close the connections of token %s / staff %s', token_id, staff_id)
