"""The only place that emits Socket.IO events; called after commit, never inside a transaction.

The public functions only queue the work: one publisher thread per process builds the payloads and
emits, so a request never waits for the fan-out to every board. Queue changes wait FOLD_SECONDS before
they go out, so that bursts (a busy kiosk morning) are folded into one `queue_changed` with the latest
counts, and so that a call's `ticket_called`, which citizens wait for, reaches every board before the
same call's count update competes with it for the server's threads (bench/README.md has the figures).
"""
import logging
import queue
import threading
import time

from flask import current_app

from server import caches, settings
from server.extensions import db, socketio
from server.live import relay
from server.models import Board
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


_work = queue.Queue()
_start_lock = threading.Lock()
_dirty_lock = threading.Lock()
_dirty = {'pending': False, 'codes': set(), 'all': False}
_publisher = []
FOLD_SECONDS = 0.05


def _publish(function, *args, app=None):
    """Queue an emission for the publisher thread, with the current app to run it in.

    With a message queue (several processes) an event from a request is published before the request
    answers instead: a call made after this one's answer, perhaps on another process, then reaches
    Redis after it, and every process hands Redis's order on to its boards. (The fan-out to the boards
    happens on each process's message-queue listener anyway.)"""
    if app is None and current_app.config.get('MESSAGE_QUEUE'):
        _guarded(function, args)
        return
    app = app or current_app._get_current_object()
    with _start_lock:
        if not _publisher or not _publisher[0].is_alive():
            _publisher[:] = [threading.Thread(target=_run, name='luot-events', daemon=True)]
            _publisher[0].start()
    _work.put((app, function, args))


def _guarded(function, args, app=None):
    """Run an emission, in `app`'s context with a connection of its own if given; log any failure."""
    try:
        if app is None:
            function(*args)
        else:
            with app.app_context(), db.connection_context():
                function(*args)
    except Exception:  # a broadcast failure must never undo or fail the committed change
        log.exception('could not publish %s', getattr(function, '__name__', function))


def _run():
    while True:
        app, function, args = _work.get()
        try:
            _guarded(function, args, app)
        finally:
            _work.task_done()


def _busy():
    return _work.unfinished_tasks or _dirty['pending']


def wait_until_published(timeout=5.0):
    """Block until every queued emission, folded queue changes included, has gone out (tests, and a
    clean shutdown)."""
    deadline = time.monotonic() + timeout
    while _busy() and time.monotonic() < deadline:
        time.sleep(0.002)
    return not _busy()


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


def _ticket_changed(ticket):
    """Tell the citizen's phone page (room of its track id) that its ticket changed."""
    try:
        socketio.emit('ticket_changed', {'status': ticket.status}, namespace=TRACK_NAMESPACE,
                      to='ticket:' + ticket.track_id)
    except Exception:
        log.exception('could not emit ticket_changed')


def _line_changed(service_codes):
    """Tell phone pages of these lines that the people ahead may have changed."""
    for code in service_codes or []:
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


def queue_changed(service_codes=None):
    """A waiting line grew or shrank; boards get every line's count and filter themselves."""
    with _dirty_lock:
        if service_codes is None:
            _dirty['all'] = True
        else:
            _dirty['codes'].update(service_codes)
        first = not _dirty['pending']
        _dirty['pending'] = True
    if first:
        timer = threading.Timer(FOLD_SECONDS, _publish, (_queue_changed,),
                                {'app': current_app._get_current_object()})
        timer.daemon = True
        timer.start()


def _queue_changed():
    with _dirty_lock:
        codes = None if _dirty['all'] else sorted(_dirty['codes'])
        _dirty.update(pending=False, codes=set(), all=False)
    _emit('queue_changed', {'services': services_state(), 'changed': codes}, rooms_for(None) + [KIOSK_ROOM])
    _line_changed(codes if codes is not None else [s['code'] for s in services_state()])


def office_changed():
    """Services, boards or settings changed: every board gets a fresh snapshot of its own."""
    caches.forget_all()
    _publish(_office_changed)


def _office_changed(local=False):
    from server.queueing.lines import snapshot
    _emit('snapshot', snapshot(None), [ALL_ROOM, STAFF_ROOM, KIOSK_ROOM], local)
    for board in Board.select():
        _emit('snapshot', snapshot(board), [board_room(board.id)], local)


def watch_message_queue(app):
    """With a message queue, tell staff when this process loses or regains it (server/live/relay.py)."""
    link = relay.link_of(socketio)
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
    """A counter's current ticket or state changed (completed, no-show, paused)."""
    if counter is not None:
        _publish(_counter_changed, counter)


def printer_status(printer_uri, status, detail=''):
    """A printer went online, offline or ran out of paper: staff pages and kiosks show it."""
    _publish(_printer_status, printer_uri, status, detail)


def dossiers_changed():
    """A result was marked ready or handed over: desks reload their list (staff only; no names sent)."""
    _publish(_emit, 'dossiers_changed', {}, [STAFF_ROOM])


def _counter_changed(counter):
    _emit('counter_changed', {'counter': counter_dict(counter, private=False)},
          rooms_for(None, counter.number))


def _printer_status(printer_uri, status, detail=''):
    """A printer went online, offline or ran out of paper: staff pages and kiosks show it."""
    _emit('printer_status', {'printer': printer_uri, 'status': status, 'detail': detail},
          [STAFF_ROOM, KIOSK_ROOM])
