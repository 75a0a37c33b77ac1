"""Socket.IO fan-out without waking a thread per client.

In Flask-SocketIO's threading mode every WebSocket has a writer thread: an emit to 200 boards puts the
packet on 200 queues and wakes 200 threads, which then take turns on the GIL to frame and send it.
On two cores that took about 30 ms from the first board to the last and starved the request that made
the call (bench/README.md). Here the emitting thread writes the frame itself, without blocking: the
kernel takes a few hundred bytes at once from a healthy connection. Only when it cannot (a slow or
dead board whose buffer is full) does the rest go to that socket's writer thread as before, and that
socket's later packets follow it through the queue until it has drained, so each client still gets
its packets in order and a stuck board never holds up the others.

The hook is python-engineio's choice of WebSocket class for its threading driver: ours is its own
(simple-websocket) wrapper plus an outbox that stands in for the socket's queue. It is only used where
sends can be made non-blocking per call (MSG_DONTWAIT: Linux and the BSDs, not Windows) and only for
clients that connect over WebSocket from the start (all of ours do); anything else keeps the stock path.

The heartbeat. Engine.IO's writer thread waits on the socket's queue for `ping_interval + ping_timeout`
and reads a wait that long with no packet as a dead client, closing the connection. Its pings, like
every other packet, are `put` on that queue, so here they too are written directly, and the writer
would see an empty queue for 20 s and drop every board exactly 20 s after it connected (issue 16).
So the Outbox keeps the queue's meaning whole: every packet of a socket, pings included, goes through
`put` in order, and the writer's timed wait counts from the last packet put, whichever way it went.

The seam: this module is the only place that reaches into python-engineio, simple-websocket and wsproto
internals. Those three are pinned exactly in setup.cfg (TESTED_WITH below); at start-up `install`
checks the installed versions and the internals it uses, and when anything differs it logs why and
leaves the stock path in place. tests/test_soak.py holds real boards connected for several heartbeats.
"""
import logging
import queue
import socket
import threading
import time

from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI
from wsproto.events import BytesMessage, TextMessage
from wsproto.utilities import LocalProtocolError

from server.extensions import unpinned

log = logging.getLogger(__name__)
DONTWAIT = getattr(socket, 'MSG_DONTWAIT', None)
# The exact versions whose internals this module was read against (setup.cfg pins the same).
TESTED_WITH = {'python-engineio': '4.15.1', 'simple-websocket': '1.1.0', 'wsproto': '1.3.2'}


class _Queued:
    """A packet that went through the queue: the writer's send of it lowers the backlog."""
    __slots__ = ('packet', 'raw')

    def __init__(self, packet=None, raw=None):
        self.packet, self.raw = packet, raw

    def encode(self, *args, **kwargs):
        return _Frame(self.raw) if self.raw is not None else _Message(self.packet.encode(*args, **kwargs))


class _Message:
    __slots__ = ('data',)

    def __init__(self, data):
        self.data = data


class _Frame(_Message):
    """The unsent end of a frame that a non-blocking send could only partly write."""


class Outbox:
    """Stands in for an Engine.IO socket's packet queue once its WebSocket is open."""

    def __init__(self, inner, wrapper):
        self.inner = inner
        self.wrapper = wrapper
        self.state = threading.Lock()   # the backlog and the order of packets
        self.writing = threading.Lock()  # one writer on the connection at a time
        self.backlog = 0                 # packets queued for the writer thread and not yet sent
        self.last_put = time.monotonic()  # the last packet handed to this socket, whichever way it went

    def adopt(self):
        """Take over the packets already queued (the Engine.IO OPEN packet) so they count as backlog."""
        with self.state:
            waiting = []
            while True:
                try:
                    waiting.append(self.inner.get_nowait())
                except queue.Empty:
                    break
                self.inner.task_done()
            for packet in waiting:
                self._enqueue(packet)

    def _enqueue(self, packet=None, raw=None):
        if packet is None and raw is None:
            self.inner.put(None)
            return
        self.backlog += 1
        self.inner.put(_Queued(packet, raw))

    def put(self, packet, *args, **kwargs):
        if packet is None:
            self.inner.put(None)
            return
        self.last_put = time.monotonic()
        with self.state:
            if self.backlog or not self.wrapper.ready() or not self.writing.acquire(blocking=False):
                self._enqueue(packet)
                return
            try:
                rest = self._send_now(packet)
            except Exception:  # closing under us (wsproto refuses to frame): the writer thread meets it
                rest = None     # as before; an emit to every board must never stop at one of them
                self._enqueue(packet)
            finally:
                self.writing.release()
            if rest:
                self._enqueue(raw=rest)

    def _send_now(self, packet):
        """Frame and write without blocking; returns the bytes still to send (b'' when all went)."""
        ws = self.wrapper.ws
        data = packet.encode()
        event = BytesMessage(data=data) if isinstance(data, bytes) else TextMessage(data=str(data))
        frame = ws.ws.send(event)
        try:
            sent = ws.sock.send(frame, DONTWAIT)
        except BlockingIOError:
            sent = 0
        except OSError:
            sent = 0  # the writer thread's blocking send meets the same error and closes the socket
        return frame[sent:]

    def sent_by_writer(self, message):
        """The writer thread's send of a queued packet (called by the wrapper)."""
        try:
            with self.writing:
                if isinstance(message, _Frame):
                    self.wrapper.ws.sock.sendall(message.data)
                else:
                    SimpleWebSocketWSGI.send(self.wrapper, message.data)
        finally:
            with self.state:
                self.backlog -= 1

    def get(self, block=True, timeout=None):
        """The writer thread's wait. Engine.IO closes the socket when a timed wait ends with no packet;
        a packet written directly is a packet too, so the wait counts from the last one put."""
        if not block or timeout is None:
            return self.inner.get(block, timeout)
        started = time.monotonic()
        while True:
            remaining = max(started, self.last_put) + timeout - time.monotonic()
            if remaining <= 0:
                raise queue.Empty
            try:
                return self.inner.get(timeout=remaining)
            except queue.Empty:
                continue

    # The rest of queue.Queue's interface, as engineio uses it.
    def get_nowait(self):
        return self.inner.get_nowait()

    def task_done(self):
        self.inner.task_done()

    def join(self):
        self.inner.join()

    def qsize(self):
        return self.inner.qsize()

    def empty(self):
        return self.inner.empty()


class DirectWebSocket(SimpleWebSocketWSGI):
    """simple-websocket's wrapper for engineio, with the socket's queue replaced by an Outbox."""

    outbox = None

    def __call__(self, environ, start_response):
        # Before the handshake and before engineio's handler starts the writer thread, so the packets
        # already queued (the OPEN packet) go out first, through the writer.
        eio_socket = getattr(self.app, '__self__', None)
        if eio_socket is not None and not eio_socket.connected and hasattr(eio_socket, 'queue'):
            self.outbox = Outbox(eio_socket.queue, self)
            eio_socket.queue = self.outbox
            self.outbox.adopt()
        return super().__call__(environ, start_response)

    def ready(self):
        """Open, and in blocking mode: a socket with a timeout would wait in a non-blocking send."""
        ws = getattr(self, 'ws', None)
        return ws is not None and ws.connected and ws.sock.gettimeout() is None

    def send(self, message):
        if isinstance(message, _Message):
            return self.outbox.sent_by_writer(message)
        return super().send(message)

    def close(self):
        """The writer thread's last act. A board that vanished (reset, or its close frame read meanwhile)
        makes the close frame fail; it is gone either way, so that is no error to print."""
        try:
            super().close()
        except (OSError, LocalProtocolError):
            pass


def _mismatch(eio):
    """Why the direct path cannot be used with this server and these libraries, or None when it can."""
    if DONTWAIT is None:
        return 'this system has no non-blocking send flag (MSG_DONTWAIT)'
    if eio is None or getattr(eio, 'async_mode', None) != 'threading':
        return 'the server is not in threading mode'
    unpinned_reason = unpinned(TESTED_WITH, 'the direct path was checked against')
    if unpinned_reason:
        return unpinned_reason
    if eio._async.get('websocket') is not SimpleWebSocketWSGI:
        return 'engineio websocket driver is %r, not simple-websocket' % (eio._async.get('websocket'),)
    from engineio.socket import Socket
    from simple_websocket import Server
    needed = [(Socket, '_websocket_handler'), (Socket, 'poll'), (Socket, 'send'), (Server, 'send'),
              (SimpleWebSocketWSGI, 'send'), (SimpleWebSocketWSGI, '__call__')]
    missing = ['%s.%s' % (owner.__name__, name) for owner, name in needed if not callable(getattr(owner, name, None))]
    if missing:
        return 'library internals changed (%s)' % ', '.join(missing)
    return None


def install(socketio_ext):
    """Use DirectWebSocket for this Flask-SocketIO server's WebSockets where the system and the installed
    libraries allow it; otherwise log why and keep the stock writer threads."""
    eio = getattr(getattr(socketio_ext, 'server', None), 'eio', None)
    reason = _mismatch(eio)
    if reason is not None:
        log.warning('direct Socket.IO fan-out not used, stock writer threads instead: %s', reason)
        return False
    eio._async = dict(eio._async, websocket=DirectWebSocket)
    return True
