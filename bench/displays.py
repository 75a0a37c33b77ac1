"""Display boards for bench_server.py: Socket.IO clients on /display, spread over worker processes.

Two hundred python-socketio clients in one process share one GIL: parsing 400 messages a call there
took the whole core the bench got, so the last boards got each call seconds late and the bench
measured its own queue instead of the server. `DisplayFleet` starts N worker processes (the 'spawn'
context: a fresh interpreter, nothing inherited from the bench's threads), each holding its share of
the boards, and collects their receipt times over a pipe.

The client of a worker (`client`): 'async' (default, `displays_async.py`: python-socketio's
AsyncClient, every board of the worker on one asyncio loop), 'threaded' (python-socketio's threaded
Client, handlers run in each board's reading thread) or 'stock' (the threaded Client unchanged).

The clock: a receipt is timestamped in the worker process and the call's send time is taken in the
main process, so both use `time.monotonic_ns()`. On Linux that is `clock_gettime(CLOCK_MONOTONIC)`,
one clock for every process of the machine (`time.perf_counter()` happens to be the same clock on
Linux but is documented as process-wide only). Latency = receive time minus send time, in ns.

Protocol (main -> worker, worker -> main), one tuple per message:
    worker: ('ready', {'boards': [...], 'connect_seconds': s, 'threads': n})  after connecting
    main:   ('collect', (ticket ids, wait seconds))  ->  worker: ('receipts', {'boards': [...], ...})
    main:   ('drop', None)        (async boards only)  the boards' WebSockets are closed under them
    main:   ('close', None)                          ->  worker: ('closed', seconds), then it exits
A worker that hears nothing for `idle_limit` seconds, or loses the pipe, closes its boards and exits;
the main process joins every worker with a bounded wait and terminates (then kills) any left.
"""
import math
import multiprocessing
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import wait as wait_for_pipes

CLOCK = 'time.monotonic_ns() (CLOCK_MONOTONIC, shared by all processes)'


def now_ns():
    return time.monotonic_ns()


def display_client_class(stock):
    """python-socketio's Client; unless `stock`, one that runs event handlers in its reading thread.

    The stock threading client starts a new thread for every message it receives; with many clients
    in one process that bench-side cost would be counted as server latency. Real display boards are
    separate browsers, so by default the handlers run directly in each client's read loop (the
    handlers here only take a timestamp).
    """
    import engineio
    import socketio

    if stock:
        return socketio.Client

    class DirectEngineIO(engineio.Client):
        def _trigger_event(self, event, *args, **kwargs):
            if event == 'message':
                kwargs['run_async'] = False
            return super()._trigger_event(event, *args, **kwargs)

    class DirectClient(socketio.Client):
        def _engineio_client_class(self):
            return DirectEngineIO

    return DirectClient


class Receipts:
    """What a board records, whichever client it runs: the first ticket_called per ticket (timestamped
    as it is read), duplicates, event counts, a disconnect, an error; and the state sent back."""

    def __init__(self, index, snapshot):
        self.index = index
        self.connected = False
        self.snapshot = snapshot    # a threading.Event or an asyncio.Event: set when the snapshot came
        self.received = {}          # ticket id -> now_ns() at the first ticket_called for it
        self.duplicates = 0
        self.events = {}
        self.disconnected = None
        self.disconnects = 0
        self.connects = 0
        self.gaps = []              # [disconnect ns, reconnect ns or None] per drop
        self.error = None

    def record_call(self, data, now):
        try:
            ticket_id = data['ticket']['id']
        except (TypeError, KeyError):
            self.error = 'ticket_called without ticket.id: %r' % (data,)
            return
        if ticket_id in self.received:
            self.duplicates += 1
        else:
            self.received[ticket_id] = now
        self.count('ticket_called')

    def count(self, event):
        self.events[event] = self.events.get(event, 0) + 1

    def record_connect(self):
        """The namespace connected: the first time, or again after a drop (a reconnecting client)."""
        self.connects += 1
        if self.gaps and self.gaps[-1][1] is None:
            self.gaps[-1][1] = now_ns()

    def record_disconnect(self):
        now = now_ns()
        if self.disconnected is None:
            self.disconnected = now
        self.disconnects += 1
        self.gaps.append([now, None])

    def state(self, receipts=False):
        """What the main process needs to know about this board (picklable)."""
        out = {'index': self.index, 'connected': self.connected, 'snapshot': self.snapshot.is_set(),
               'error': self.error}
        if receipts:
            out.update({'received': dict(self.received), 'duplicates': self.duplicates,
                        'events': dict(self.events), 'disconnected': self.disconnected is not None,
                        'disconnects': self.disconnects, 'reconnects': max(0, self.connects - 1),
                        'gaps': [list(gap) for gap in self.gaps]})
        return out


class Display(Receipts):
    """One display board: a threaded Socket.IO client on /display that timestamps every ticket_called.

    With `reconnect` it reconnects after a drop as a board's browser does (python-socketio's default
    delays: about 1 s, then doubling), and gets a new snapshot; the calls made meanwhile are missed."""

    def __init__(self, index, client_class, reconnect=False):
        super().__init__(index, threading.Event())
        self.sio = client_class(reconnection=reconnect, handle_sigint=False)
        self.sio.on('connect', self.record_connect, namespace='/display')
        self.sio.on('snapshot', lambda _data: self.snapshot.set(), namespace='/display')
        self.sio.on('ticket_called', lambda data: self.record_call(data, now_ns()), namespace='/display')
        self.sio.on('disconnect', lambda *_reason: self.record_disconnect(), namespace='/display')
        self.sio.on('*', lambda event, *_args: self.count(event), namespace='/display')

    def connect(self, url, token, timeout):
        try:
            self.sio.connect(url, transports=['websocket'], namespaces=['/display'], auth={'token': token},
                             wait=True, wait_timeout=timeout)
        except Exception as exc:  # noqa: BLE001 — counted and reported
            self.error = '%s: %s' % (type(exc).__name__, exc)
            return False
        self.connected = True
        return True

    def close(self):
        try:
            self.sio.disconnect()
        except Exception:  # noqa: BLE001
            pass


# --------------------------------------------------------------------------------------------
# Worker process side
# --------------------------------------------------------------------------------------------

def connect_all(displays, url, token, parallel, time_limit):
    """Connect the boards, a few at a time (the Werkzeug server listens with a backlog of 128)."""
    started = time.monotonic()
    deadline = started + time_limit

    def connect(display):
        if time.monotonic() > deadline:
            display.error = 'not tried: connect phase over its time limit'
            return False
        return display.connect(url, token, timeout=10)

    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix='bench-connect') as pool:
        list(pool.map(connect, displays))
    connect_seconds = time.monotonic() - started
    snapshot_deadline = time.monotonic() + 30
    for display in displays:
        if display.connected:
            display.snapshot.wait(max(0.0, snapshot_deadline - time.monotonic()))
    return connect_seconds


def collect(displays, ticket_ids, wait_seconds):
    """Wait (bounded) until every connected board has every ticket, then report all boards."""
    deadline = time.monotonic() + wait_seconds
    live = [d for d in displays if d.connected]
    while time.monotonic() < deadline:
        if all(all(t in d.received for t in ticket_ids) for d in live):
            break
        time.sleep(0.02)
    return {'boards': [d.state(receipts=True) for d in displays], 'threads': threading.active_count()}


def close_all(displays):
    """Disconnect every board. websocket-client waits up to 3 s for the answer to its close frame,
    which the simple-websocket server never sends, so many are closed at once."""
    started = time.monotonic()
    live = [d for d in displays if d.connected]
    if live:
        with ThreadPoolExecutor(max_workers=min(len(live), 100), thread_name_prefix='bench-close') as pool:
            list(pool.map(lambda d: d.close(), live))
    return time.monotonic() - started


CLIENTS = ('async', 'threaded', 'stock')


def worker_main(conn, url, token, indices, client, parallel, time_limit, idle_limit, reconnect=False):
    """Entry point of a display worker process: connect its boards, then answer the main process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # on Ctrl-C the main process ends the workers
    if client == 'async':
        import displays_async
        displays_async.worker_main(conn, url, token, indices, parallel, time_limit, idle_limit, reconnect)
        return
    displays = []
    try:
        client_class = display_client_class(client == 'stock')
        displays = [Display(i, client_class, reconnect) for i in indices]
        seconds = connect_all(displays, url, token, parallel, time_limit)
        conn.send(('ready', {'boards': [d.state() for d in displays], 'connect_seconds': seconds,
                             'threads': threading.active_count()}))
        while conn.poll(idle_limit):
            command, arg = conn.recv()
            if command == 'collect':
                conn.send(('receipts', collect(displays, *arg)))
            elif command == 'close':
                break
    except (EOFError, OSError):
        pass                                        # the main process is gone: close and exit
    finally:
        seconds = close_all(displays)
        try:
            conn.send(('closed', seconds))
        except (OSError, ValueError):
            pass
        conn.close()


# --------------------------------------------------------------------------------------------
# Main process side
# --------------------------------------------------------------------------------------------

class DisplayFleet:
    """`count` display boards held by `procs` worker processes. Use as a context manager.

    With `reconnect` the boards reconnect after a drop (each drop is counted in its state)."""

    def __init__(self, url, token, count, procs, client='async', parallel=8, time_limit=180.0,
                 idle_limit=600.0, reconnect=False):
        if client not in CLIENTS:
            raise ValueError('client must be one of %s' % ', '.join(CLIENTS))
        self.count = count
        self.procs = max(1, min(procs, count))
        self.args = (url, token, client, max(1, math.ceil(parallel / self.procs)), time_limit, idle_limit)
        self.reconnect = reconnect
        self.time_limit = time_limit
        self.workers = []               # (process, pipe, board indices)
        self.exit_codes = []

    def __enter__(self):
        ctx = multiprocessing.get_context('spawn')
        url, token, client, parallel, time_limit, idle_limit = self.args
        try:
            for n in range(self.procs):
                indices = list(range(n, self.count, self.procs))
                mine, theirs = ctx.Pipe()
                proc = ctx.Process(target=worker_main, name='bench-displays-%d' % n, daemon=True,
                                   args=(theirs, url, token, indices, client, parallel, time_limit, idle_limit,
                                         self.reconnect))
                try:
                    proc.start()
                except BaseException:
                    mine.close()
                    raise
                finally:
                    theirs.close()
                self.workers.append((proc, mine, indices))
        except BaseException:
            self.close(timeout=5)
            raise
        return self

    def __exit__(self, *_exc):
        self.close()

    @property
    def pids(self):
        return [proc.pid for proc, _pipe, _indices in self.workers if proc.pid]

    def _gather(self, kind, timeout):
        """The `kind` answer of every worker within `timeout` seconds: {worker number: payload}."""
        deadline = time.monotonic() + timeout
        pending = {pipe: n for n, (_proc, pipe, _indices) in enumerate(self.workers) if not pipe.closed}
        answers = {}
        while pending and time.monotonic() < deadline:
            for pipe in wait_for_pipes(list(pending), max(0.0, deadline - time.monotonic())):
                try:
                    got, payload = pipe.recv()
                except (EOFError, OSError):
                    pending.pop(pipe)       # the worker ended: its boards are reported as failed
                    continue
                if got == kind:
                    answers[pending.pop(pipe)] = payload
        return answers

    def _boards(self, answers, why):
        """One state per board, in index order; boards of a silent worker carry `why` as error."""
        boards = [None] * self.count
        for n, (proc, _pipe, indices) in enumerate(self.workers):
            states = (answers.get(n) or {}).get('boards')
            if states is None:
                code = proc.exitcode
                error = why if code is None else '%s (worker exit code %s)' % (why, code)
                states = [{'index': i, 'connected': False, 'snapshot': False, 'error': error, 'received': {},
                           'duplicates': 0, 'events': {}, 'disconnected': False, 'disconnects': 0,
                           'reconnects': 0, 'gaps': []} for i in indices]
            for state in states:
                boards[state['index']] = state
        return boards

    def wait_connected(self):
        """Boards after connecting, the longest connect time of a worker and the workers' threads."""
        answers = self._gather('ready', self.time_limit + 30 + 60)
        seconds = max([a['connect_seconds'] for a in answers.values()] or [0.0])
        threads = sum(a['threads'] for a in answers.values())
        return self._boards(answers, 'worker process did not report its boards'), seconds, threads

    def collect(self, ticket_ids, wait_seconds=10.0):
        """Every board's receipts, after waiting (bounded) for the last events to arrive."""
        for _proc, pipe, _indices in self.workers:
            self._send(pipe, ('collect', (list(ticket_ids), wait_seconds)))
        answers = self._gather('receipts', wait_seconds + 30)
        return self._boards(answers, 'worker process did not report its receipts')

    def drop(self):
        """Close every async board's WebSocket under it (a network blip); boards that may reconnect do."""
        for _proc, pipe, _indices in self.workers:
            self._send(pipe, ('drop', None))

    @staticmethod
    def _send(pipe, message):
        try:
            pipe.send(message)
        except (OSError, ValueError):
            pass

    def close(self, timeout=20.0):
        """Ask every worker to close its boards and exit; terminate, then kill, any that do not."""
        if not self.workers:
            return 0.0
        started = time.monotonic()
        for _proc, pipe, _indices in self.workers:
            self._send(pipe, ('close', None))
        closed = self._gather('closed', timeout)
        for proc, pipe, _indices in self.workers:
            proc.join(max(0.5, started + timeout + 5 - time.monotonic()))
            for stop in (proc.terminate, proc.kill):
                if proc.is_alive():
                    stop()
                    proc.join(5)
            pipe.close()
            self.exit_codes.append(proc.exitcode)
        self.workers = []
        return max(closed.values() or [time.monotonic() - started])
