"""The message queue's seam (server/live/relay.py): the watched Redis manager with the pinned python-socketio,
the stock RedisManager, logged, when the library changed; both carry events between processes."""
import threading
import time

import pytest
import socketio as python_socketio
from werkzeug.serving import make_server

from server import extensions
from server.extensions import socketio
from server.live import relay
from tests.conftest import ROOT, free_port
from tests.helpers import pinned

NS = '/display'


def test_setup_cfg_and_constraints_pin_the_version_the_seam_was_read_against():
    requires, constraints = (ROOT / 'setup.cfg').read_text(), (ROOT / 'constraints.txt').read_text()
    for name, version in relay.TESTED_WITH.items():
        assert pinned(requires, name) == version and pinned(constraints, name) == version


def test_the_pinned_library_gets_the_watched_manager_with_a_short_connect_timeout():
    assert relay._mismatch() is None
    manager = relay.manager_for('redis://127.0.0.1:6379/0')
    assert isinstance(manager, relay.OfficeRedisManager) and manager.channel == 'luot'
    assert manager.redis_options == {'socket_connect_timeout': 2, 'socket_keepalive': True}
    assert relay.manager_for(None) is None and relay.manager_for('amqp://127.0.0.1//') is None


def test_the_listener_reports_a_lost_link_and_retries_every_few_seconds_at_most(monkeypatch):
    """Nothing listens on the port: the link is down with the reason, and the waits stop growing at 5 s."""
    manager = relay.manager_for('redis://127.0.0.1:%d/0' % free_port())
    changes, waits = [], []
    manager.link.on_change = changes.append

    class Enough(BaseException):
        pass

    # relay.time is the time module: other threads (an earlier test's app winding down) sleep through it too,
    # and must neither be counted nor stopped.
    listener, real_sleep = threading.current_thread(), time.sleep

    def sleep(seconds):
        if threading.current_thread() is not listener:
            return real_sleep(seconds)
        waits.append(seconds)
        if len(waits) >= 6:
            raise Enough()
    monkeypatch.setattr(relay.time, 'sleep', sleep)
    with pytest.raises(Enough):
        next(manager._redis_listen_with_retries())
    assert waits == [1, 2, 4, 5, 5, 5]   # python-socketio's own: 1, 2, 4, 8, 16, 32, then 60
    assert [change['up'] for change in changes] == [False]
    state = manager.link.state()
    assert state['configured'] and not state['up'] and state['since'] and 'connect' in state['detail'].lower()


def test_a_failed_publish_marks_the_link_down():
    manager = relay.manager_for('redis://127.0.0.1:%d/0' % free_port())
    assert manager._publish({'method': 'emit'}) is None   # the library gave up (and logged it)
    assert manager.link.state()['up'] is False and manager.link.state()['detail'] == 'publish failed'


def other_version(monkeypatch):
    real = extensions.metadata.version
    monkeypatch.setattr(extensions.metadata, 'version', lambda name: '5.99.0' if name == 'python-socketio' else real(name))


def test_another_python_socketio_gets_the_stock_manager_logged(monkeypatch, caplog):
    other_version(monkeypatch)
    with caplog.at_level('WARNING', logger='server.live.relay'):
        manager = relay.manager_for('redis://127.0.0.1:6379/0')
    assert type(manager) is python_socketio.RedisManager and manager.channel == 'luot'
    assert manager.redis_options['socket_connect_timeout'] == 2   # a public option: kept on the stock path
    assert 'python-socketio is 5.99.0' in caplog.text and 'stock RedisManager' in caplog.text


@pytest.mark.parametrize('change, reason', [
    (lambda m: m.delattr(python_socketio.RedisManager, '_redis_connect'), 'RedisManager._redis_connect missing'),
    (lambda m: m.setattr(python_socketio.RedisManager, '_listen', lambda self: iter(())),
     'no longer uses _redis_listen_with_retries'),
    (lambda m: m.setattr(python_socketio.RedisManager, '_publish', lambda self, data, retries=2: None),
     '_publish takes'),
])
def test_changed_internals_get_the_stock_manager_logged(monkeypatch, caplog, change, reason):
    change(monkeypatch)
    with caplog.at_level('WARNING', logger='server.live.relay'):
        manager = relay.manager_for('redis://127.0.0.1:6379/0')
    assert type(manager) is python_socketio.RedisManager
    assert reason in caplog.text


@pytest.fixture
def app_config(app_config, private_redis, monkeypatch):
    """An app on a Redis of the test's own, started as if python-socketio were another version."""
    other_version(monkeypatch)
    return dict(app_config, MESSAGE_QUEUE=private_redis.url)


@pytest.mark.services
def test_the_stock_manager_still_carries_events_from_other_processes(app, tokens, private_redis):
    """The Flask-SocketIO test client refuses a message queue: a real board on the app served in a thread."""
    assert type(socketio.server.manager) is python_socketio.RedisManager
    assert relay.link_of(socketio) is None and relay.state(socketio)['configured'] is False
    server = make_server('127.0.0.1', 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    got = []
    board = python_socketio.Client(reconnection=False)
    board.on('ticket_called', got.append, namespace=NS)
    other_process = python_socketio.RedisManager(private_redis.url, channel='luot', write_only=True)
    try:
        board.connect('http://127.0.0.1:%d' % server.server_port, namespaces=[NS], transports=['websocket'],
                      auth={'token': tokens['display']}, wait_timeout=10)
        deadline = time.monotonic() + 15
        while not got and time.monotonic() < deadline:   # published until the listener has subscribed
            other_process.emit('ticket_called', {'ticket': {'number': 'A001'}}, namespace=NS, room='board:all')
            time.sleep(0.2)
        assert got and got[0] == {'ticket': {'number': 'A001'}}
    finally:
        board.disconnect()
        server.shutdown()
