"""The only place that emits Socket.IO events; called after commit, never inside a transaction.

The public functions hand the work to the app's publisher (server/live/publisher.py, held by the app's
runtime): in a served process its thread builds the payloads and emits, so a request never waits for the
fan-out to every board, and queue changes are folded over publisher.FOLD_SECONDS into one `queue_changed` with the
latest counts; an app that was never started (tests) emits at once, in the request, after commit.
"""
import collections
import logging

from flask import current_app

from server import caches, runtime, settings
from server.extensions import socketio
from server.live import devices, relay
from server.models import Board, Counter, CounterService, Service
from server.queueing import forecast
from server.queueing.lines import counter_dict, services_state, ticket_dict

log = logging.getLogger(__name__)
NAMESPACE = '/display'
ALL_ROOM = 'board:all'
STAFF_ROOM = 'staff'
KIOSK_ROOM = 'kiosk'


def board_room(board_id):
    return 'board:%s' % board_id


_boards = caches.Fresh()


def rooms_for(service_code=None, counter_number=None):
    """The rooms of every board that shows this line or counter (None: every board)."""
    rooms = [ALL_ROOM, STAFF_ROOM]
    for board in _boards.get('all', lambda: list(Board.select())):
        if service_code is None or board.shows(service_code, counter_number):
            rooms.append(board_room(board.id))
    return rooms


def _publish(function, *args, app=None):
    """Hand an emission to the app's publisher: `app` from a thread of its own, else the current app's."""
    target = app or current_app._get_current_object()
    runtime.of(target).publisher.publish(function, args, in_caller=app is None)


def wait_until_published(timeout=5.0, app=None):
    """Block until every queued emission of the app (else the current app), folded queue changes included,
    has gone out (tests, and a clean shutdown)."""
    return runtime.of(app).publisher.wait_until_published(timeout)


def _emit(event, payload, rooms, local=False):
    """Emit to rooms; `local`: only to this process's clients, not through the message queue."""
    try:
        socketio.emit(event, payload, namespace=NAMESPACE, to=rooms, ignore_queue=local)
    except Exception:  # a broadcast failure must never undo or fail the committed change
        log.exception('could not emit %s', event)


def announcement_for(ticket, counter):
    """The callout for a call: the text shown and the words spoken."""
    from display.voice import announcement
    name = ticket.name if settings.get('announce_names') else None
    return announcement(ticket.number, counter.number, name=name, mode=settings.get('number_reading'))


TRACK_NAMESPACE = '/track'


def _to_phone(ticket):
    """Tell the citizen's phone page (room of its track id) that its ticket changed: it reads it again."""
    try:
        socketio.emit('ticket_changed', {'status': ticket.status}, namespace=TRACK_NAMESPACE,
                      to='ticket:' + ticket.track_id)
    except Exception:
        log.exception('could not emit ticket_changed')


def _ticket_changed(ticket):
    """Tell the citizen's phone page (room of its track id) that its ticket changed."""
    _to_phone(ticket)
    if ticket.status == 'done' and ticket.counter_id:
        # The rating tablet of the counter that finished it asks the citizen there (number and track id only).
        _emit('rating_asked', rating_payload(ticket), [rating_room(ticket.counter_id)])


def rating_room(counter_id):
    """The room of the rating tablets of one counter (by the counter's id)."""
    return 'rating:%s' % counter_id


def rating_payload(ticket):
    """What a counter's tablet is told of a ticket: its number and track id, never a name or phone."""
    return {'ticket': {'number': ticket.number, 'track_id': ticket.track_id}}


def rating_recorded(ticket):
    """A citizen rated a ticket: its phone page shows the thanks and the counter's tablet stops asking."""
    _publish(_rating_recorded, ticket)


def _rating_recorded(ticket):
    _to_phone(ticket)
    if ticket.counter_id:
        _emit('rating_recorded', rating_payload(ticket), [rating_room(ticket.counter_id)])


def linked_lines(codes):
    """The lines whose wait forecast a change in `codes` may move: those, and every line that shares an open
    counter with one of them, and so on (a call at a counter serving lines A and B changes when B's citizens are
    called, and so the load on B's other counters and their lines)."""
    served = collections.defaultdict(set)   # counter -> its lines
    for counter_id, code in (CounterService.select(CounterService.counter, Service.code).join(Service)
                             .switch(CounterService).join(Counter)
                             .where(Counter.active == True).tuples()):  # noqa: E712
        served[counter_id].add(code)
    found, grew = set(codes), True
    while grew:
        grew = False
        for lines in served.values():
            if lines & found and not lines <= found:
                found |= lines
                grew = True
    return sorted(found)


def _line_changed(codes):
    """Tell the phone pages of these lines (None: every line) and of the lines linked to them by a counter that
    their citizens' place or wait may have changed: each reads its one ticket again."""
    for code in ([s['code'] for s in services_state()] if codes is None else linked_lines(codes)):
        try:
            socketio.emit('line_changed', {'service': code}, namespace=TRACK_NAMESPACE, to='line:' + code)
        except Exception:
            log.exception('could not emit line_changed')


def _ticket_called(ticket, counter, recall=False):
    """A counter called (or called again) a ticket."""
    _ticket_changed(ticket)
    payload = {'ticket': ticket_dict(ticket, private=False),
               'counter': {'number': counter.number, 'name': counter.name},
               'recall': bool(recall),
               'announcement': dict(announcement_for(ticket, counter),
                                    repeat=int(settings.get('voice_repeat')) + (1 if recall else 0))}
    _emit('ticket_called', payload, rooms_for(ticket.service.code, counter.number))


def queue_changed(service_codes=None, joined=False):
    """A waiting line grew or shrank; boards get every line's count and filter themselves, phone pages of the
    lines whose forecast it moves read their ticket again. `joined`: only a citizen without priority joined
    (the wait forecast adds them without a replay)."""
    if not joined:
        forecast.forget()
    publisher = runtime.of().publisher
    publisher.fold(_queue_changed, service_codes)
    publisher.fold(_line_changed, service_codes)


def _queue_changed(codes):
    """The changed lines (None: all) since the last fold went out."""
    _emit('queue_changed', {'services': services_state(), 'changed': codes}, rooms_for(None) + [KIOSK_ROOM])


def office_changed():
    """Services, boards or settings changed: every board gets a fresh snapshot of its own."""
    caches.forget_all()
    _publish(_office_changed)


def _office_changed(local=False):
    from server.queueing.lines import snapshot
    _emit('snapshot', snapshot(None), [ALL_ROOM, STAFF_ROOM, KIOSK_ROOM], local)
    for board in Board.select():
        _emit('snapshot', snapshot(board), [board_room(board.id)], local)


def media_changed(board_ids=None):
    """Board media were added, changed or removed: each board concerned (None: every board, and the one
    showing every line) gets the list it now plays."""
    _publish(_media_changed, board_ids)


def _media_changed(board_ids):
    from server.media.items import board_media
    if board_ids is None:
        _emit('media_changed', {'media': board_media(None)}, [ALL_ROOM])
    for board in Board.select():
        if board_ids is None or board.id in board_ids:
            _emit('media_changed', {'media': board_media(board)}, [board_room(board.id)])


def watch_message_queue(app):
    """With a message queue, tell staff when this process loses or regains it (server/live/relay.py)."""
    link = runtime.of(app).link
    if link is not None:
        link.on_change = lambda state: _message_queue_changed(app, state)


def _message_queue_changed(app, state):
    """Straight to this process's staff pages, since the queue may be what is down; once it is back,
    this process's boards get a fresh snapshot with the calls they may have missed."""
    _emit(relay.EVENT, state, [STAFF_ROOM], local=True)
    if state['up']:
        _publish(_office_changed, True, app=app)


def ticket_changed(ticket):
    """Tell the citizen's phone page (room of its track id) that its ticket changed."""
    _publish(_ticket_changed, ticket)


def ticket_called(ticket, counter, recall=False):
    """A counter called (or called again) a ticket."""
    _publish(_ticket_called, ticket, counter, recall)


def counter_changed(counter):
    """A counter's current ticket or state changed (completed, no-show, paused): boards show it, and the phone
    pages of its lines (and the lines linked to them) read their ticket again, since when it calls next moved."""
    forecast.forget()
    if counter is not None:
        _publish(_counter_changed, counter)
        runtime.of().publisher.fold(_line_changed, [service.code for service in counter.services])


def printer_status(printer_uri, status, detail=''):
    """A printer went online, offline or ran out of paper: staff pages and kiosks show it."""
    _publish(_printer_status, printer_uri, status, detail)


def dossiers_changed():
    """A result was marked ready or handed over: desks reload their list (staff only; no names sent)."""
    _publish(_emit, 'dossiers_changed', {}, [STAFF_ROOM])


def _counter_rooms(counter):
    """The rooms of every board with a tile for this counter or showing a line it serves (its calls show
    there, and the big panel lets a call go when the counter finishes that citizen)."""
    codes = [service.code for service in counter.services]
    rooms = [ALL_ROOM, STAFF_ROOM]
    for board in _boards.get('all', lambda: list(Board.select())):
        if not board.counters_shown or board.shows(None, counter.number) or any(map(board.shows, codes)):
            rooms.append(board_room(board.id))
    return rooms


def _counter_changed(counter):
    _emit('counter_changed', {'counter': counter_dict(counter, private=False)}, _counter_rooms(counter))


def _printer_status(printer_uri, status, detail=''):
    """A printer went online, offline or ran out of paper: staff pages and kiosks show it."""
    _emit('printer_status', {'printer': printer_uri, 'status': status, 'detail': detail},
          [STAFF_ROOM, KIOSK_ROOM])


def device_changed(token_id):
    """A board or kiosk connected, left, was paired or reported its sound: the console's device list shows it."""
    _publish(_device_changed, token_id)


def _device_changed(token_id):
    row = devices.device_of(token_id)
    if row is not None:
        _emit('device_changed', {'device': row}, [STAFF_ROOM])
