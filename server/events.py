"""The only place that emits Socket.IO events; called after commit, never inside a transaction."""
import logging

from . import settings
from .extensions import socketio
from .models import Board
from .queue import counter_dict, services_state, ticket_dict

log = logging.getLogger(__name__)
NAMESPACE = '/display'
ALL_ROOM = 'board:all'
STAFF_ROOM = 'staff'


def board_room(board_id):
    return 'board:%s' % board_id


def rooms_for(service_code=None, counter_number=None):
    """The rooms of every board that shows this line or counter (None: every board)."""
    rooms = [ALL_ROOM, STAFF_ROOM]
    for board in Board.select():
        if service_code is None or board.shows(service_code, counter_number):
            rooms.append(board_room(board.id))
    return rooms


def _emit(event, payload, rooms):
    try:
        socketio.emit(event, payload, namespace=NAMESPACE, to=rooms)
    except Exception:  # a broadcast failure must never undo or fail the committed change
        log.exception('could not emit %s', event)


def announcement_for(ticket, counter):
    """The callout for a call: the text shown and the words spoken."""
    from display.voice import announcement
    name = ticket.name if settings.get('announce_names') else None
    return announcement(ticket.number, counter.number, name=name, mode=settings.get('number_reading'))


TRACK_NAMESPACE = '/track'


def ticket_changed(ticket):
    """Tell the citizen's phone page (room of its track id) that its ticket changed."""
    try:
        socketio.emit('ticket_changed', {'status': ticket.status}, namespace=TRACK_NAMESPACE,
                      to='ticket:' + ticket.track_id)
    except Exception:
        log.exception('could not emit ticket_changed')


def line_changed(service_codes):
    """Tell phone pages of these lines that the people ahead may have changed."""
    for code in service_codes or []:
        try:
            socketio.emit('line_changed', {'service': code}, namespace=TRACK_NAMESPACE, to='line:' + code)
        except Exception:
            log.exception('could not emit line_changed')


def ticket_called(ticket, counter, recall=False):
    """A counter called (or called again) a ticket."""
    ticket_changed(ticket)
    payload = {'ticket': ticket_dict(ticket, private=False),
               'counter': {'number': counter.number, 'name': counter.name},
               'recall': bool(recall),
               'announcement': dict(announcement_for(ticket, counter),
                                    repeat=int(settings.get('voice_repeat')) + (1 if recall else 0))}
    _emit('ticket_called', payload, rooms_for(ticket.service.code, counter.number))


def queue_changed(service_codes=None):
    """A waiting line grew or shrank; boards get every line's count and filter themselves."""
    _emit('queue_changed', {'services': services_state(), 'changed': service_codes},
          rooms_for(None))
    line_changed(service_codes)


def counter_changed(counter):
    """A counter's current ticket or state changed (completed, no-show, paused)."""
    if counter is None:
        return
    _emit('counter_changed', {'counter': counter_dict(counter, private=False)},
          rooms_for(None, counter.number))


def printer_status(printer_uri, status, detail=''):
    """A printer went online, offline or ran out of paper: staff pages and kiosks show it."""
    _emit('printer_status', {'printer': printer_uri, 'status': status, 'detail': detail},
          [STAFF_ROOM, 'kiosk'])
