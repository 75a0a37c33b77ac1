"""Boards stay connected for hours: 20 python-socketio boards and a board page in Chromium, on a real
server process, through several Engine.IO heartbeats (ping every 10 s, timeout 10 s) while a counter
calls every few seconds. Not one disconnect, and every call on every board, in order.

Before the fix in server/live/fanout.py every one of these clients was dropped exactly 20 s after it
connected (the writer thread saw no packet on its queue for ping_interval + ping_timeout)."""
import os
import re
import threading
import time

import pytest
import socketio as socketio_client

from tests.conftest import need
from tests.helpers import api, wait_for

NS = '/display'
SOAK_SECONDS = float(os.environ.get('LUOT_SOAK_SECONDS', '80'))
CALL_EVERY = 3.0
BOARDS = 20

# Counts the page's WebSockets and the calls that arrive on them, whatever the page does with them.
WATCH_SOCKETS = '''(() => {
  window.__sockets = {opened: 0, closed: 0, calls: []};
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    window.__sockets.opened += 1;
    ws.addEventListener('close', () => { window.__sockets.closed += 1; });
    ws.addEventListener('message', (event) => {
      const found = typeof event.data === 'string' && event.data.match(/"ticket_called".*?"number":\\s*"([^"]+)"/);
      if (found) window.__sockets.calls.push(found[1]);
    });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();'''


class Board:
    """A python-socketio board that counts its connects, disconnects and the calls it was told of."""

    def __init__(self, url, token):
        self.connects, self.disconnects, self.calls = 0, 0, []
        self.lock = threading.Lock()
        self.client = socketio_client.Client(reconnection=True, reconnection_delay=0.5)
        self.client.on('connect', self._connected, namespace=NS)
        self.client.on('disconnect', self._disconnected, namespace=NS)
        self.client.on('ticket_called', self._called, namespace=NS)
        self.client.connect(url, namespaces=[NS], transports=['websocket'], auth={'token': token},
                            wait_timeout=20)

    def _connected(self):
        with self.lock:
            self.connects += 1

    def _disconnected(self, *reason):
        with self.lock:
            self.disconnects += 1

    def _called(self, data):
        with self.lock:
            self.calls.append(data['ticket']['number'])


@pytest.mark.slow
@pytest.mark.browser
def test_boards_stay_connected_through_many_heartbeats_and_get_every_call(live_server, page_in):
    need(SOAK_SECONDS >= 75 or not os.environ.get('LUOT_CI'), 'the soak must last at least 75 s in CI')
    server = live_server(demo=True)
    kiosk, counter, display = server.token('kiosk'), server.token('counter'), server.token('display')
    page = page_in(1280, 720)
    page.add_init_script(WATCH_SOCKETS)
    page.goto(server.url + '/display?token=' + display)
    page.wait_for_selector('.tile', timeout=10000)  # the snapshot arrived
    boards = [Board(server.url, display) for _ in range(BOARDS)]
    made = []
    started = time.monotonic()
    try:
        while time.monotonic() - started < SOAK_SECONDS:
            api(server, 'POST', '/tickets', kiosk, {'service': 'CT', 'print': False})
            made.append(api(server, 'POST', '/counters/1/call-next', counter)['number'])
            time.sleep(CALL_EVERY)
        assert wait_for(lambda: all(len(b.calls) >= len(made) for b in boards), timeout=10)
        page_calls = lambda: page.evaluate('() => window.__sockets.calls')  # noqa: E731
        assert wait_for(lambda: len(page_calls()) >= len(made), timeout=10)
        lasted = time.monotonic() - started
        sockets = page.evaluate('() => window.__sockets')
        shown = page.locator('#hero-number').text_content()
        links = [(b.connects, b.disconnects) for b in boards]
    finally:
        for board in boards:
            board.client.disconnect()
    assert lasted >= SOAK_SECONDS and len(made) >= SOAK_SECONDS // (CALL_EVERY + 1)
    assert links == [(1, 0)] * BOARDS
    assert [b.calls for b in boards] == [made] * BOARDS
    assert (sockets['opened'], sockets['closed']) == (1, 0), sockets
    assert sockets['calls'] == made
    assert shown == made[-1] and re.fullmatch(r'A\d{3}', shown)
