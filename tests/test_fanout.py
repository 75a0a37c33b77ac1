"""Fan-out to WebSocket clients (server/live/fanout.py), over real sockets: the emitting thread writes every
board's frame itself, each board gets its packets in order, and a board that stops reading holds up
no one and still gets everything, in order, once it reads again."""
import json
import socket
import threading
import time

import pytest
import socketio as socketio_client
from werkzeug.serving import make_server
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request, TextMessage

from server import extensions
from server.extensions import db
from server.live import events, fanout
from server.queueing import tickets
from tests.conftest import bearer
from tests.helpers import wait_for

NS = '/display'
pytestmark = pytest.mark.skipif(fanout.DONTWAIT is None,
                                reason='no MSG_DONTWAIT on this system: the stock writer threads are used')


@pytest.fixture
def served(publishing):
    """The app on a real socket, Werkzeug in a thread of this process (so the Outbox can be counted), its
    events sent by the publisher thread as in a served process."""
    app = publishing
    server = make_server('127.0.0.1', 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d' % server.server_port, server.server_port
    server.shutdown()
    thread.join(5)


@pytest.fixture
def counted(monkeypatch):
    """Record who wrote what: direct writes (and their thread), partial writes, the writer threads' sends."""
    seen = {'direct': [], 'partial': 0, 'writer': 0, 'outboxes': []}
    send_now, sent_by_writer = fanout.Outbox._send_now, fanout.Outbox.sent_by_writer
    init = fanout.Outbox.__init__

    def recording_init(self, *args):
        init(self, *args)
        seen['outboxes'].append(self)

    def counting_send_now(self, packet):
        rest = send_now(self, packet)
        seen['direct'].append(threading.current_thread().name)
        seen['partial'] += bool(rest)
        return rest

    def counting_writer(self, message):
        seen['writer'] += 1
        return sent_by_writer(self, message)
    monkeypatch.setattr(fanout.Outbox, '_send_now', counting_send_now)
    monkeypatch.setattr(fanout.Outbox, 'sent_by_writer', counting_writer)
    monkeypatch.setattr(fanout.Outbox, '__init__', recording_init)
    return seen


def board(url, token, calls):
    client = socketio_client.Client(reconnection=False)
    client.on('ticket_called', lambda data: calls.append(data['ticket']['number']), namespace=NS)
    client.connect(url, namespaces=[NS], transports=['websocket'], auth={'token': token}, wait_timeout=10)
    return client


def disconnect_all(clients):
    """In parallel: websocket-client waits up to 3 s for the answer to its close frame."""
    threads = [threading.Thread(target=client.disconnect) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)


def issue(client, tokens, count):
    for _ in range(count):
        assert client.post('/api/v1/tickets', json={'service': 'CT', 'print': False},
                           headers=bearer(tokens['kiosk'])).status_code == 201


def call(client, tokens):
    answer = client.post('/api/v1/counters/1/call-next', headers=bearer(tokens['counter']))
    assert answer.status_code == 200
    return answer.get_json()['number']


def test_every_board_gets_each_call_from_the_emitting_thread_in_order(served, counted, client, office, tokens):
    url, _port = served
    issue(client, tokens, 12)
    received = [[] for _ in range(6)]
    boards = [board(url, tokens['display'], calls) for calls in received]
    try:
        assert wait_for(lambda: counted['writer'] >= 6)  # each board's OPEN packet went through its writer
        writer_before = counted['writer']
        del counted['direct'][:]
        numbers = [call(client, tokens) for _ in range(12)]
        assert numbers == ['A%03d' % n for n in range(1, 13)]
        assert wait_for(lambda: all(len(calls) == 12 for calls in received)), [len(c) for c in received]
        assert all(calls == numbers for calls in received)
        # Written by the publisher thread itself, all of it: no board's writer thread was woken.
        assert counted['writer'] == writer_before
        assert len(counted['direct']) >= 12 * 6 and set(counted['direct']) == {'luot-events'}
        assert counted['partial'] == 0
    finally:
        disconnect_all(boards)


class StuckBoard:
    """A board on a raw socket with a tiny receive buffer that stops reading after its snapshot."""

    def __init__(self, port, token):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
        self.sock.settimeout(10)
        self.sock.connect(('127.0.0.1', port))
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.messages, self.partial = [], ''
        self.sock.sendall(self.ws.send(Request(host='127.0.0.1', target='/socket.io/?EIO=4&transport=websocket')))
        self.read_until(lambda: any(m.startswith('0{') for m in self.messages))  # Engine.IO OPEN
        self.send('40%s,%s' % (NS, json.dumps({'token': token})))
        self.read_until(lambda: any(m.startswith('42%s,["snapshot"' % NS) for m in self.messages))

    def send(self, text):
        self.sock.sendall(self.ws.send(TextMessage(data=text)))

    def read_until(self, condition, timeout=10.0):
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:
            data = self.sock.recv(65536)
            assert data, 'the server closed the connection'
            self.ws.receive_data(data)
            for event in self.ws.events():
                if isinstance(event, TextMessage):  # wsproto hands on a long message in parts
                    self.partial += event.data
                    if not event.message_finished:
                        continue
                    if self.partial == '2':  # Engine.IO ping
                        self.send('3')
                    self.messages.append(self.partial)
                    self.partial = ''
                else:
                    assert isinstance(event, AcceptConnection), event
        return condition()

    def drain(self, quiet=0.3):
        """Read until nothing more arrives for `quiet` seconds."""
        self.sock.settimeout(quiet)
        try:
            self.read_until(lambda: False, timeout=10)
        except TimeoutError:
            pass
        finally:
            self.sock.settimeout(10)

    def calls(self):
        prefix = '42%s,' % NS
        events = [json.loads(m[len(prefix):]) for m in self.messages if m.startswith(prefix)]
        return [event[1]['ticket']['number'] for event in events if event[0] == 'ticket_called']

    def close(self):
        self.sock.close()


def test_a_board_that_stops_reading_holds_up_no_one_and_gets_everything_later(served, counted, monkeypatch, app,
                                                                               client, office, tokens):
    url, port = served
    with app.app_context(), db.connection_context():
        for _ in range(200):
            tickets.issue_ticket('CT', source='kiosk')
    healthy = []
    good = board(url, tokens['display'], healthy)
    stuck = StuckBoard(port, tokens['display'])
    outbox = counted['outboxes'][-1]
    # A slow link: the server keeps only a few kilobytes for this board (the kernel would grow its
    # buffer to megabytes on loopback).
    outbox.wrapper.ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    # The stuck board's writer thread waits at a gate before each packet, so the test decides when
    # its queued packets go out.
    gate, writer_send = threading.Event(), fanout.Outbox.sent_by_writer

    def gated(self, message):
        if self is outbox:
            gate.wait(30)
        return writer_send(self, message)
    monkeypatch.setattr(fanout.Outbox, 'sent_by_writer', gated)
    try:
        numbers = []
        # Call until the stuck board's buffers are full and a write to it had to stop part way.
        while counted['partial'] == 0 and len(numbers) < 150:
            numbers.append(call(client, tokens))
            assert events.wait_until_published(app=app), 'the publisher thread is held up'
        assert counted['partial'], 'the stuck board took %d calls without filling its buffers' % len(numbers)
        started = time.monotonic()
        for _ in range(20):
            numbers.append(call(client, tokens))
        # The healthy board gets every call at once; the stuck one's packets wait in its own queue.
        assert wait_for(lambda: len(healthy) == len(numbers), timeout=5), (len(healthy), len(numbers))
        assert healthy == numbers and time.monotonic() - started < 5
        # The stuck board reads what the network holds: the calls up to the one cut short, in order.
        stuck.drain()
        assert numbers[:len(stuck.calls())] == stuck.calls() and len(stuck.calls()) < len(numbers)
        # Its buffers are empty now, but the rest of the cut frame is still queued: a new call must go
        # behind it, not straight onto the wire.
        for _ in range(5):
            numbers.append(call(client, tokens))
        events.wait_until_published(app=app)
        stuck.drain()
        assert numbers[:len(stuck.calls())] == stuck.calls()
        # The writer goes on while calls go on: every call arrives, whole and in order.
        gate.set()
        more = 30
        total = len(numbers) + more
        reader = threading.Thread(target=stuck.read_until, args=(lambda: len(stuck.calls()) >= total,))
        reader.start()
        for _ in range(more):
            numbers.append(call(client, tokens))
        reader.join(15)
        assert not reader.is_alive()
        assert stuck.calls() == numbers
        assert counted['writer'] > 0
    finally:
        gate.set()
        stuck.close()
        disconnect_all([good])


def test_a_connection_closing_under_a_send_never_stops_the_emit():
    """wsproto refuses to frame once the peer's close frame was read: the packet goes to the writer
    thread (which meets the closed connection and cleans up, as before), and put() returns normally,
    so an emit to every board goes on to the next one."""
    import queue as queue_module

    from engineio import packet as eio_packet
    from wsproto.utilities import LocalProtocolError

    class Closing:
        connected = True
        sock = socket.socket()

        class ws:
            @staticmethod
            def send(_event):
                raise LocalProtocolError('Event TextMessage cannot be sent in state CLOSED')

    class Wrapper:
        ws = Closing()

        def ready(self):
            return True
    try:
        inner = queue_module.Queue()
        outbox = fanout.Outbox(inner, Wrapper())
        outbox.put(eio_packet.Packet(eio_packet.MESSAGE, '2/display,["ticket_called",{}]'))
        assert outbox.backlog == 1 and inner.qsize() == 1
        queued = inner.get_nowait()
        assert queued.encode().data == '42/display,["ticket_called",{}]'
        assert outbox.writing.acquire(blocking=False)  # released again
    finally:
        Closing.sock.close()


def test_the_writers_wait_counts_packets_sent_directly():
    """Engine.IO's writer thread closes a socket whose queue stayed empty for ping_interval +
    ping_timeout. Packets written directly (pings included) never reach that queue, so the wait must
    count from the last packet put, whichever way it went, and end only after a real silence."""
    import queue as queue_module

    from engineio import packet as eio_packet

    a, b = socket.socketpair()
    try:
        class Wrapper:
            class ws:
                connected = True
                sock = a
                ws = WSConnection(ConnectionType.SERVER)

            def ready(self):
                return True
        outbox = fanout.Outbox(queue_module.Queue(), Wrapper())
        outbox._send_now = lambda packet: b''  # a direct write that went out whole
        waited = []

        def writer():
            try:
                waited.append(outbox.get(timeout=0.5))
            except queue_module.Empty:
                waited.append(time.monotonic())
        thread = threading.Thread(target=writer)
        thread.start()
        for _ in range(8):  # 1.2 s of pings, each sent directly, none through the queue
            time.sleep(0.15)
            outbox.put(eio_packet.Packet(eio_packet.PING))
        last_ping = time.monotonic()
        assert thread.is_alive() and waited == []
        assert inner_empty(outbox)
        thread.join(3)
        assert len(waited) == 1 and 0.45 <= waited[0] - last_ping < 1.0  # half a second of silence after the last ping
    finally:
        a.close()
        b.close()


def inner_empty(outbox):
    return outbox.inner.qsize() == 0 and outbox.backlog == 0


def test_a_library_that_changed_falls_back_to_the_stock_writers(app, monkeypatch, caplog):
    """Another version of a library whose internals the direct path uses: logged, stock path kept."""
    from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI

    from server.extensions import socketio
    eio = socketio.server.eio
    assert eio._async['websocket'] is fanout.DirectWebSocket  # this test environment has the pinned versions
    monkeypatch.setattr(eio, '_async', dict(eio._async, websocket=SimpleWebSocketWSGI))
    real_version = extensions.metadata.version
    monkeypatch.setattr(extensions.metadata, 'version',
                        lambda name: '4.99.0' if name == 'python-engineio' else real_version(name))
    with caplog.at_level('WARNING', logger='server.live.fanout'):
        assert fanout.install(socketio) is False
    assert eio._async['websocket'] is SimpleWebSocketWSGI
    assert 'python-engineio is 4.99.0' in caplog.text and 'stock writer threads' in caplog.text


@pytest.mark.parametrize('failure', [ConnectionResetError(104, 'Connection reset by peer'),
                                     'closed'])
def test_closing_a_board_that_vanished_raises_nothing_in_the_writer(failure):
    """The writer thread closes the WebSocket last; a peer already gone must not print a traceback."""
    from wsproto.utilities import LocalProtocolError

    class Gone:
        connected = True

        def close(self):
            if failure == 'closed':
                raise LocalProtocolError('Event CloseConnection cannot be sent in state CLOSED')
            raise failure
    wrapper = fanout.DirectWebSocket(lambda ws: [], None)
    wrapper.ws = Gone()
    wrapper.close()   # no exception
