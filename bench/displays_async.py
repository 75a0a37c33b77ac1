"""The boards of one display worker as python-socketio `AsyncClient`s on one asyncio loop.

The threaded `socketio.Client` gives every board a reading thread of its own, and websocket-client
parses frames in Python: 50 boards in a process then cost the bench about a quarter of a core per
worker, on the same two cores as the server, and the GIL hands-off between 50 threads added their
own queue. Real boards are browsers on other PCs. Here all the boards of a worker share one event
loop and aiohttp's websocket reader (its frame parser is compiled), so a message costs the bench a
fraction of that and the figure says more about the server.

The worker talks to the main process exactly like `displays.worker_main` (same messages, same
board states), so `DisplayFleet` does not care which client a worker runs.
"""
import asyncio
import gc
import threading
import time

from displays import Receipts, now_ns

NAMESPACE = '/display'


class AsyncDisplay(Receipts):
    """One board: an AsyncClient on /display that timestamps every ticket_called as it is read
    (with `reconnect`, one that reconnects after a drop, as a board's browser does)."""

    def __init__(self, index, reconnect=False):
        import socketio
        super().__init__(index, asyncio.Event())
        self.sio = socketio.AsyncClient(reconnection=reconnect, handle_sigint=False)

        async def on_connect():
            self.record_connect()

        async def on_called(data):
            self.record_call(data, now_ns())

        async def on_snapshot(_data):
            self.snapshot.set()

        async def on_disconnect(*_reason):
            self.record_disconnect()

        async def on_other(event, *_args):
            self.count(event)

        for event, handler in (('connect', on_connect), ('snapshot', on_snapshot), ('ticket_called', on_called),
                               ('disconnect', on_disconnect), ('*', on_other)):
            self.sio.on(event, handler, namespace=NAMESPACE)

    async def connect(self, url, token, timeout):
        try:
            await self.sio.connect(url, transports=['websocket'], namespaces=[NAMESPACE],
                                   auth={'token': token}, wait=True, wait_timeout=timeout)
        except Exception as exc:  # noqa: BLE001 — counted and reported
            self.error = '%s: %s' % (type(exc).__name__, exc)
            return False
        self.connected = True
        return True

    async def close(self):
        try:
            await asyncio.wait_for(self.sio.disconnect(), 5)
        except Exception:  # noqa: BLE001
            pass

    async def drop(self):
        """Close the WebSocket under the client, as a network blip would: the client sees its
        transport fail, and reconnects if it may."""
        websocket = getattr(self.sio.eio, 'ws', None)
        if websocket is not None:
            try:
                await asyncio.wait_for(websocket.close(), 5)
            except Exception:  # noqa: BLE001
                pass


async def _connect_all(displays, url, token, parallel, time_limit):
    started = time.monotonic()
    deadline = started + time_limit
    gate = asyncio.Semaphore(max(1, parallel))

    async def connect(display):
        async with gate:
            if time.monotonic() > deadline:
                display.error = 'not tried: connect phase over its time limit'
                return
            await display.connect(url, token, timeout=10)

    await asyncio.gather(*(connect(d) for d in displays))
    seconds = time.monotonic() - started
    waiting = [d.snapshot.wait() for d in displays if d.connected]
    if waiting:
        await asyncio.wait([asyncio.ensure_future(w) for w in waiting], timeout=30)
    return seconds


async def _collect(displays, ticket_ids, wait_seconds):
    deadline = time.monotonic() + wait_seconds
    live = [d for d in displays if d.connected]
    while time.monotonic() < deadline:
        if all(all(t in d.received for t in ticket_ids) for d in live):
            break
        await asyncio.sleep(0.02)
    return {'boards': [d.state(receipts=True) for d in displays], 'threads': threading.active_count()}


async def _close_all(displays):
    started = time.monotonic()
    await asyncio.gather(*(d.close() for d in displays if d.connected))
    return time.monotonic() - started


def _next_command(conn, idle_limit):
    """The main process's next (command, arg), or None after `idle_limit` seconds of silence."""
    return conn.recv() if conn.poll(idle_limit) else None


async def worker(conn, url, token, indices, parallel, time_limit, idle_limit, reconnect=False):
    loop = asyncio.get_running_loop()
    displays = []
    try:
        displays = [AsyncDisplay(i, reconnect) for i in indices]
        seconds = await _connect_all(displays, url, token, parallel, time_limit)
        # The boards' own objects stay out of the collector's full passes, which otherwise stop this
        # process for 50-100 ms at random during the calls and charge the server with it.
        gc.collect()
        gc.freeze()
        conn.send(('ready', {'boards': [d.state() for d in displays], 'connect_seconds': seconds,
                             'threads': threading.active_count()}))
        while True:
            message = await loop.run_in_executor(None, _next_command, conn, idle_limit)
            if message is None or message[0] == 'close':
                break
            if message[0] == 'collect':
                conn.send(('receipts', await _collect(displays, *message[1])))
            elif message[0] == 'drop':
                await asyncio.gather(*(d.drop() for d in displays if d.connected))
    except (EOFError, OSError):
        pass                                        # the main process is gone: close and exit
    finally:
        seconds = await _close_all(displays)
        try:
            conn.send(('closed', seconds))
        except (OSError, ValueError):
            pass
        conn.close()


def worker_main(conn, url, token, indices, parallel, time_limit, idle_limit, reconnect=False):
    asyncio.run(worker(conn, url, token, indices, parallel, time_limit, idle_limit, reconnect))
