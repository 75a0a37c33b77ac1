"""A message queue (Redis) that stops and comes back: staff are told, calls go on, boards catch up.

Each test runs a Redis server of its own on a free port, so that it can stop and restart it without
touching the machine's shared one.
"""
import threading
import time

import pytest
import socketio as socketio_client

from tests.helpers import api, call_api, log_in_page

# The shared PostgreSQL test database or Redis: with several pytest-xdist workers one runs them all.
pytestmark = pytest.mark.services

NS = '/display'


class Listener:
    """A Socket.IO client of /display that records every event it gets, in order."""

    def __init__(self, url, token):
        self.events, self.lock = [], threading.Lock()
        self.client = socketio_client.Client(reconnection=False)
        self.client.on('*', self._record, namespace=NS)
        self.client.connect(url, namespaces=[NS], auth={'token': token}, transports=['websocket'], wait_timeout=10)

    def _record(self, event, data=None):
        with self.lock:
            self.events.append((event, data))

    def of(self, name):
        with self.lock:
            return [data for event, data in self.events if event == name]

    def wait_for(self, name, test=lambda data: True, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [data for data in self.of(name) if test(data)]
            if found:
                return found[-1]
            time.sleep(0.05)
        raise AssertionError('no %s event matching within %.0f s; got %r' % (name, timeout, self.events[-5:]))

    def close(self):
        self.client.disconnect()


@pytest.mark.slow
def test_staff_are_told_when_redis_stops_and_boards_catch_up_when_it_is_back(live_server, private_redis, tmp_path):
    env = {'LUOT_MESSAGE_QUEUE': private_redis.url}
    data = tmp_path / 'shared'
    first = live_server(env=env, data_dir=data)
    second = live_server(env=env, data_dir=data)
    admin, display_token = first.token('admin'), first.token('display')
    assert call_api(first, 'POST', '/services', admin, {'code': 'CT', 'name': 'Chứng thực', 'prefix': 'A'})[0] == 201
    assert call_api(first, 'POST', '/counters', admin, {'number': 3, 'name': 'Quầy 3', 'services': ['CT']})[0] == 201
    staff = Listener(first.url, admin)          # the counter's own process
    board = Listener(second.url, display_token)  # a board held by the other process
    try:
        up = staff.wait_for('message_queue_status', lambda s: s['up'])
        assert up['configured'] is True
        board.wait_for('snapshot')

        private_redis.stop()
        down = staff.wait_for('message_queue_status', lambda s: not s['up'])
        assert down['since'] and down['detail']
        # Issuing and calling go on at once while Redis is down.
        assert call_api(first, 'POST', '/tickets', admin, {'service': 'CT', 'print': False})[0] == 201
        started = time.monotonic()
        status, called = call_api(first, 'POST', '/counters/3/call-next', admin)
        assert status == 200 and called['number'] == 'A001'
        assert time.monotonic() - started < 5
        snapshots_before = len(board.of('snapshot'))
        time.sleep(1)
        assert board.of('ticket_called') == []   # the other process's board could not hear of it

        private_redis.start()
        staff.wait_for('message_queue_status', lambda s: s['up'] and s['since'] != down['since'])
        # The board's own process sends it a fresh snapshot once its link is back: the call is on it.
        caught_up = board.wait_for('snapshot', lambda s: s['recent'] and s['recent'][0]['ticket']['number'] == 'A001')
        assert len(board.of('snapshot')) > snapshots_before
        assert caught_up['counters'][0]['current']['number'] == 'A001'
        # And events flow again across the processes.
        api(first, 'POST', '/tickets', admin, {'service': 'CT', 'print': False})
        assert call_api(first, 'POST', '/counters/3/call-next', admin)[0] == 200
        assert board.wait_for('ticket_called')['ticket']['number'] == 'A002'
    finally:
        staff.close()
        board.close()
    assert 'message queue lost' in first.log_text() and 'message queue back' in first.log_text()


@pytest.mark.slow
def test_no_message_queue_no_status_event(live_server):
    """One process without Redis: staff pages get no message-queue state at all (nothing to watch)."""
    server = live_server()
    staff = Listener(server.url, server.token('admin'))
    try:
        staff.wait_for('snapshot')
        time.sleep(0.5)
        assert staff.of('message_queue_status') == []
    finally:
        staff.close()


@pytest.mark.browser
@pytest.mark.slow
def test_counter_page_and_console_show_a_lost_message_queue(live_server, private_redis, page_in):
    from playwright.sync_api import expect
    server = live_server(demo=True, env={'LUOT_MESSAGE_QUEUE': private_redis.url})
    page = page_in(1280, 800)
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    log_in_page(page, server, '/admin', 'admin', server.password('admin'))
    expect(page.locator('#message-queue-down')).to_have_count(0)
    page.goto(server.url + '/counter')
    live = page.locator('#live')
    expect(live).to_have_class('live up', timeout=15000)

    private_redis.stop()
    expect(live).to_have_text('Mất kết nối Redis: một số bảng hiển thị có thể không nhận được lượt gọi — đang thử lại…',
                              timeout=15000)
    expect(live).to_have_class('live down')
    console = page_in(1280, 800)
    log_in_page(console, server, '/admin', 'admin', server.password('admin'))
    expect(console.locator('#message-queue-down')).to_contain_text('Mất kết nối Redis')

    private_redis.start()
    expect(live).to_have_class('live up', timeout=20000)
    expect(live).to_have_text('Trực tuyến')
    console.reload()
    expect(console.locator('#message-queue-down')).to_have_count(0)
    assert errors == []
