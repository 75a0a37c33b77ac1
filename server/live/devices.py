"""The office's boards and kiosks as the console lists them: connected now, last seen, sound and printer.

"Connected" is an open Socket.IO connection of the device's token (server/live/connections.py records each);
"last seen" the token's last use, which a connection, its end and every request note; "sound" what the board's
or kiosk's browser last reported (server/live/events.py tells the console of each change).
"""
from peewee import fn

from server.clock import day_month_year, iso
from server.extensions import db
from server.models import ApiToken, SocketConnection, utcnow

DEVICE_ROLES = ('kiosk', 'display')
SOUNDS = ('on', 'off', 'unknown')


def _connections(token_ids):
    """Open connections per token id."""
    if not token_ids:
        return {}
    query = (SocketConnection.select(SocketConnection.token_id, fn.COUNT(SocketConnection.id))
             .where(SocketConnection.token_id.in_(token_ids)).group_by(SocketConnection.token_id))
    return dict(query.tuples())


def device_dict(token, connections=None):
    """A device for the API: its token's id, name and role, whether it is connected now, when it was last seen
    and whether it can play sound; `waiting`: paired in the console, its /pair page has not taken it yet."""
    if connections is None:
        connections = _connections([token.id]).get(token.id, 0)
    return {'id': token.id, 'name': token.name, 'role': token.role, 'connected': connections > 0,
            'waiting': token.hint == '', 'last_seen': iso(token.last_used_at),
            'sound': token.sound if token.sound in SOUNDS else 'unknown', 'printer_id': token.printer_id}


def console_row(token, connections=None):
    """A device as the console's list shows it: the API's fields, the time as people read it, its printer."""
    printer = token.printer if token.printer_id else None
    return dict(device_dict(token, connections), seen=day_month_year(token.last_used_at),
                printer=printer.name if printer else None, printer_status=printer.status if printer else None)


def console_rows():
    """Every board and kiosk that holds a token (not revoked), boards first, by name."""
    tokens = list(ApiToken.select().where(ApiToken.role.in_(DEVICE_ROLES), ApiToken.revoked == False)  # noqa: E712
                  .order_by(ApiToken.role.desc(), ApiToken.name))
    counts = _connections([t.id for t in tokens])
    return [console_row(t, counts.get(t.id, 0)) for t in tokens]


def device_of(token_id):
    """The console row of one device token, or None (revoked, or not a device)."""
    token = ApiToken.get_or_none(ApiToken.id == token_id, ApiToken.role.in_(DEVICE_ROLES),
                                 ApiToken.revoked == False)  # noqa: E712
    return console_row(token) if token else None


def seen(token_id, sound=None):
    """A device connected, left or reported its sound: note the moment (and its sound, 'on' or 'off')."""
    fields = {ApiToken.last_used_at: utcnow()}
    if sound in SOUNDS:
        fields[ApiToken.sound] = sound
    with db.atomic():
        ApiToken.update(fields).where(ApiToken.id == token_id).execute()
