"""The app's runtime (server/runtime.py) holds every thread and cache: create_app starts no thread, an app
that was not started publishes in the request, and the modules that used to keep such state keep none."""
import collections
import importlib
import inspect
import json
import logging
import queue
import threading
import types

from server import create_app
from server.extensions import db, socketio
from server.host.duties import start_process
from server.models import PrintJob
from tests.conftest import bearer
from tests.helpers import wait_for

# The modules whose threads, queues and caches moved into the runtime, and the runtime's own.
CONVERTED = ('server.runtime', 'server.caches', 'server.settings', 'server.queueing.lines', 'server.sms.messaging',
             'server.host.jobs', 'server.host.duties', 'server.live.events', 'server.live.publisher',
             'server.live.connections', 'server.live.relay', 'server.extensions', 'printer.spooler')
STATEFUL = (dict, list, set, bytearray, collections.deque, queue.Queue, threading.Thread, threading.Event,
            threading.Condition, threading.Semaphore, type(threading.Lock()), type(threading.RLock()))
# The database's checkpointer follows the office's SQLite file from its first connection: a database concern
# (server/db/database.py), not the app's.
DATABASE_THREADS = {'luot-checkpoint'}


def new_threads(before):
    return {t.name for t in threading.enumerate() if t not in before and t.is_alive()} - DATABASE_THREADS


def test_create_app_starts_no_thread_and_start_stop_bring_them_and_end_them(tmp_path):
    before = set(threading.enumerate())
    app = create_app({'DATA_DIR': str(tmp_path / 'data'), 'SCHEDULER': False, 'PRINTING': True, 'TESTING': True})
    runtime = app.extensions['luot']

    def printed():
        with db.connection_context():
            return PrintJob.get_by_id(1).state == 'done'
    try:
        assert new_threads(before) == set()
        assert runtime.spooler is None and not runtime.publisher.running
        with db.connection_context(), db.atomic():   # a ticket left queued by an earlier run
            PrintJob.create(printer_uri='dummy://', payload=json.dumps(
                {'office_name': 'UBND phường', 'service_name': 'Hộ tịch', 'number': 'B001', 'issued_at': '23/11/2025',
                 'ahead': 0, 'estimated_wait_min': 3, 'track_url': 'http://127.0.0.1/t/B001'}))
        start_process(runtime)     # what main() does in each serving process
        assert {'luot-events', 'printer dummy://'} <= new_threads(before)
        assert wait_for(printed)
    finally:
        assert runtime.stop()
        db.obj.close_all()
    assert wait_for(lambda: new_threads(before) == set(), timeout=5), new_threads(before)


def test_an_app_that_was_not_started_publishes_in_the_request(app, client, office, tokens, display, monkeypatch):
    from server.live import events
    emitted = []
    original = events._emit
    monkeypatch.setattr(events, '_emit', lambda event, *rest: (emitted.append((event, threading.current_thread())),
                                                                original(event, *rest)))
    display.get_received('/display')
    before = set(threading.enumerate())
    answer = client.post('/api/v1/tickets', json={'service': 'CT', 'print': False}, headers=bearer(tokens['kiosk']))
    assert answer.status_code == 201
    # Already emitted when the answer came, by the thread that made the request: no publisher, no timer.
    assert [event for event, _thread in emitted] == ['queue_changed']
    assert emitted[0][1] is threading.current_thread()
    assert not app.extensions['luot'].publisher.running and new_threads(before) == set()
    changed = [e['args'][0] for e in display.get_received('/display') if e['name'] == 'queue_changed']
    assert [s['waiting'] for s in changed[0]['services'] if s['code'] == 'CT'] == [1]


def test_each_app_has_its_own_caches(tmp_path, monkeypatch):
    """Two apps on one office: a setting cached by the first stays its own (the second reads the database),
    and building the second clears nothing of the first's."""
    from server import settings
    from server.models import Setting
    monkeypatch.setattr(settings, 'FRESH_SECONDS', 60.0)
    config = {'DATA_DIR': str(tmp_path / 'data'), 'SCHEDULER': False, 'PRINTING': False, 'TESTING': True}
    first = create_app(config)
    try:
        with first.app_context(), db.connection_context():
            assert settings.get('office_name') == settings.DEFAULTS['office_name']
            # Straight in the database, as another process would: the first app keeps its copy for now.
            Setting.create(key='office_name', value=json.dumps('Phường Một'))
        second = create_app(config)
        assert second.extensions['luot'] is not first.extensions['luot']
        with second.app_context(), db.connection_context():
            assert settings.get('office_name') == 'Phường Một'
        with first.app_context(), db.connection_context():
            assert settings.get('office_name') == settings.DEFAULTS['office_name']
            settings.forget()
            assert settings.get('office_name') == 'Phường Một'
        with db.connection_context():   # no app: nothing is kept, the database is read
            assert settings.get('office_name') == 'Phường Một'
    finally:
        db.obj.close_all()


def stateful_globals(module):
    """(name, why) of what a module keeps that could change: mutable values, and class-level ones."""
    found = []
    for name, value in vars(module).items():
        if name.startswith('__') or isinstance(value, (types.ModuleType, types.FunctionType, logging.Logger)):
            continue
        if isinstance(value, type):
            if value.__module__ == module.__name__:
                found += [('%s.%s' % (name, attribute), type(held).__name__)
                          for attribute, held in vars(value).items() if isinstance(held, STATEFUL)]
            continue
        if isinstance(value, STATEFUL) and not (name.isupper() and isinstance(value, (dict, list, set))):
            found.append((name, type(value).__name__))
        if type(value).__module__.startswith(('server', 'printer')):   # one of ours: what does it hold?
            held = getattr(value, '__dict__', {})
            found += [('%s.%s' % (name, key), type(item).__name__) for key, item in held.items()
                      if isinstance(item, STATEFUL)]
    return found


def test_no_converted_module_keeps_state_of_its_own():
    """Upper-case dicts and lists are the modules' constants (defaults, limits); anything else that can change,
    a thread, a queue or a lock at module or class level, or a `global` rebinding, is state the runtime holds."""
    for name in CONVERTED:
        module = importlib.import_module(name)
        assert stateful_globals(module) == [], name
        assert 'global ' not in inspect.getsource(module), name


def test_the_scan_finds_state_where_there_is_some():
    """The check above is not vacuous: it finds what the modules used to keep."""
    module = types.ModuleType('server.example')

    class Holder:
        seen = []
    Holder.__module__ = module.__name__
    module.__dict__.update(_work=queue.Queue(), _dirty={'pending': False}, _lock=threading.Lock(),
                           DEFAULTS={'a': 1}, Holder=Holder, socketio=socketio)
    assert sorted(name for name, _why in stateful_globals(module)) == ['Holder.seen', '_dirty', '_lock', '_work']
