"""The /display Socket.IO namespace: authenticate, join the board's room, send a snapshot."""
import logging

from flask import request
from flask_socketio import Namespace, emit, join_room

from server.auth import DEVICE_COOKIE, PERSONAL_DATA_ROLES, lookup_token, session_staff
from server.extensions import db, socketio
from server.live import connections, devices, events, relay
from server.live.events import ALL_ROOM, KIOSK_ROOM, STAFF_ROOM, board_room
from server.models import Counter
from server.queueing import ratings
from server.queueing.lines import board_for, snapshot

log = logging.getLogger(__name__)
RATING_ROLES = ('kiosk', 'admin')   # the tablet at a counter is paired as a kiosk (no role of its own)


def _role(auth):
    """The role of whoever connects, and its token's id for a device: a token in auth or the device cookie, or a
    staff session (not one that must change its password first). The connection is recorded as theirs: revoking
    the token or ending the staff member's sessions closes it (server/live/connections.py)."""
    raw = auth.get('token') if isinstance(auth, dict) else None
    raw = raw or request.cookies.get(DEVICE_COOKIE)
    token = lookup_token(raw)
    if token is not None:
        allowed = connections.record(request.sid, request.namespace, token_id=token.id)
        return (token.role, token.id) if allowed else (None, None)
    staff = session_staff()
    if staff is None or staff.must_change_password:
        return None, None
    allowed = connections.record(request.sid, request.namespace, staff_id=staff.id, epoch=staff.session_epoch)
    return (staff.role if allowed else None), None


def _device_seen(token_id, sound=None):
    """A board's or kiosk's connection came, went or told its sound: the console's device list follows."""
    if token_id is None:
        return
    opened = db.is_closed()   # open already when a revocation's closing thread disconnects this one
    if opened:
        db.connect()
    try:
        devices.seen(token_id, sound)
        events.device_changed(token_id)
    finally:
        if opened:
            db.close()


def _join_rating(role, token_id, number):
    """A counter's rating tablet (a kiosk device, or an admin trying it): only that counter's room, where
    the numbers and track ids of the tickets it finishes come (server/live/events.py), no snapshot."""
    counter = None
    if isinstance(number, int) and not isinstance(number, bool) and 1 <= number <= 999:
        counter = Counter.get_or_none(Counter.number == number)
    if role not in RATING_ROLES or counter is None:
        connections.forget(request.sid, request.namespace)
        raise ConnectionRefusedError('unknown_counter' if counter is None else 'unauthorized')
    join_room(events.rating_room(counter.id))
    waiting = ratings.waiting_at(counter.id)
    if waiting is not None:   # finished a moment ago (this tablet was reconnecting): ask now, to it alone
        emit('rating_asked', events.rating_payload(waiting), to=request.sid, ignore_queue=True)
    if role in devices.DEVICE_ROLES:
        _device_seen(token_id)


class DisplayNamespace(Namespace):
    """Boards, kiosks and staff pages listen here; only server/live/events.py emits into it."""

    def on_connect(self, auth=None):
        with db.connection_context():
            role, token_id = _role(auth)
            if role is None:
                raise ConnectionRefusedError('unauthorized')
            if isinstance(auth, dict) and 'rating_counter' in auth:
                return _join_rating(role, token_id, auth['rating_counter'])
            wanted = (auth or {}).get('board') if isinstance(auth, dict) else None
            wanted = wanted or request.args.get('board')
            board = board_for(wanted)
            if wanted not in (None, '', 'all') and board is None:
                connections.forget(request.sid, request.namespace)
                raise ConnectionRefusedError('unknown_board')
            if role == 'kiosk':
                # Not a board's room: a kiosk gets the lines and printer states, never the calls, whose
                # callout carries the citizen's name when the office announces names.
                join_room(KIOSK_ROOM)
            else:
                join_room(board_room(board.id) if board else ALL_ROOM)
            if role in PERSONAL_DATA_ROLES:
                join_room(STAFF_ROOM)
                link = relay.state(socketio)
                if link['configured']:   # straight to this page: the queue may be what is down
                    emit(relay.EVENT, link, to=request.sid, ignore_queue=True)
            emit('snapshot', snapshot(board), ignore_queue=True)   # for this client only: no need of Redis
            if role in devices.DEVICE_ROLES:
                _device_seen(token_id)

    def on_snapshot(self, data=None):
        """A client may ask again, e.g. after its screen woke up."""
        with db.connection_context():
            board = board_for((data or {}).get('board') if isinstance(data, dict) else None)
            emit('snapshot', snapshot(board), ignore_queue=True)

    def on_sound_state(self, data=None):
        """A board or kiosk tells whether its browser may play sound ({"sound": "on"} or "off")."""
        sound = data.get('sound') if isinstance(data, dict) else None
        if sound not in ('on', 'off'):
            return
        with db.connection_context():
            token_id = connections.token_of(request.sid, request.namespace)
        _device_seen(token_id, sound)

    def on_disconnect(self, reason=None):
        _device_seen(connections.forget(request.sid, request.namespace))


class TrackNamespace(Namespace):
    """The citizen's phone page: no login, the unguessable track id is the key to one ticket's rooms."""

    def on_connect(self, auth=None):
        from server.models import Ticket
        track_id = auth.get('track') if isinstance(auth, dict) else None
        if not isinstance(track_id, str) or not 10 <= len(track_id) <= 32:
            raise ConnectionRefusedError('unknown_ticket')
        with db.connection_context():
            ticket = Ticket.get_or_none(Ticket.track_id == track_id)
            if ticket is None:
                raise ConnectionRefusedError('unknown_ticket')
            join_room('ticket:' + track_id)
            join_room('line:' + ticket.service.code)
