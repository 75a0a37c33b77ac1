"""A fake network ESC/POS printer for the tests: a TCP server on 127.0.0.1 in a thread.

It records every byte of every connection, answers DLE EOT n on connections that only ask
for status (a real printer answers inside a job too, but our jobs never ask), and has modes:
normal, slow (reads with a delay), silent (accepts, never reads nor answers),
drop (resets each connection at once) and off (not listening: connection refused).
"""
import socket
import struct
import threading
import time

DLE_EOT = b'\x10\x04'
# Answers to DLE EOT 1, 2 and 4 (Epson ESC/POS: bits 1 and 4 always set).
STATUS_BYTES = {
    'online': {1: 0x12, 2: 0x12, 4: 0x12},
    'paper_near_end': {1: 0x12, 2: 0x12, 4: 0x12 | 0x0C},
    'paper_out': {1: 0x12 | 0x08, 2: 0x12 | 0x20, 4: 0x12 | 0x60},
    'cover_open': {1: 0x12 | 0x08, 2: 0x12 | 0x04, 4: 0x12},
    'error': {1: 0x12 | 0x08, 2: 0x12 | 0x40, 4: 0x12},
}
MODES = ('normal', 'slow', 'silent', 'drop', 'off')


class FakePrinter:
    """Context manager: `with FakePrinter() as printer: send(printer.uri, ...)`."""

    def __init__(self, status='online', mode='normal', slow_delay=0.01):
        self.status = status            # a key of STATUS_BYTES or a dict {n: byte}
        self.mode = mode
        self.slow_delay = slow_delay
        self.connections = []           # one bytearray per accepted connection
        self.port = None
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._listener = None
        self._threads = []
        self._clients = []

    @property
    def uri(self):
        return f'tcp://127.0.0.1:{self.port}'

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        if self.mode != 'off':
            self._listen()
        elif self.port is None:     # reserve a port number that refuses connections
            probe = socket.socket()
            probe.bind(('127.0.0.1', 0))
            self.port = probe.getsockname()[1]
            probe.close()
        thread = threading.Thread(target=self._accept_loop, daemon=True, name='fake-printer')
        thread.start()
        self._threads.append(thread)

    def set_mode(self, mode):
        """Switch mode; "off" closes the listening socket, leaving it reopens the same port."""
        assert mode in MODES, mode
        self.mode = mode
        if mode == 'off' and self._listener is not None:
            self._listener.close()
            self._listener = None
        elif mode != 'off' and self._listener is None:
            self._listen()

    def stop(self):
        self._stop.set()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        for client in list(self._clients):
            _close(client)
        for thread in self._threads:
            thread.join(timeout=2)

    def _listen(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(('127.0.0.1', self.port or 0))
        listener.listen(16)
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._listener = listener

    def _accept_loop(self):
        while not self._stop.is_set():
            listener = self._listener
            if listener is None:
                time.sleep(0.02)
                continue
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            self._clients.append(client)
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, client):
        with self._changed:
            record = bytearray()
            self.connections.append(record)
            self._changed.notify_all()
        mode = self.mode
        try:
            if mode == 'drop':      # abortive close: the client sees a reset
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            elif mode == 'silent':
                self._stop.wait()
            else:
                self._read(client, record, mode)
        finally:
            _close(client)

    def _read(self, client, record, mode):
        client.settimeout(0.05)
        asked = 0               # bytes of record that were status queries already answered
        while not self._stop.is_set():
            try:
                chunk = client.recv(1024 if mode == 'slow' else 65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            with self._changed:
                record.extend(chunk)
                self._changed.notify_all()
            asked = self._answer(client, record, asked)
            if mode == 'slow':
                time.sleep(self.slow_delay)

    def _answer(self, client, record, asked):
        """Answer whole DLE EOT n queries while the connection has sent nothing else."""
        if asked < 0:
            return asked
        while len(record) - asked >= 3 and record[asked:asked + 2] == DLE_EOT:
            client.sendall(bytes((self._status_bytes()[record[asked + 2]],)))
            asked += 3
        pending = record[asked:]
        if pending and not DLE_EOT.startswith(bytes(pending[:2])):
            return -1           # a print job: stop answering
        return asked

    def _status_bytes(self):
        status = self.status
        return STATUS_BYTES[status] if isinstance(status, str) else status

    # What the tests look at.

    def jobs(self):
        """The bytes of each connection that was more than status queries, in order."""
        with self._changed:
            records = [bytes(record) for record in self.connections]
        return [record for record in records if record and not _only_queries(record)]

    def wait_for_jobs(self, count, timeout=5.0, size=None):
        """Wait until `count` jobs arrived (each at least `size` bytes); return the jobs."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                jobs = self.jobs()
                done = [job for job in jobs if size is None or len(job) >= size]
                if len(done) >= count or time.monotonic() >= deadline:
                    return jobs
                self._changed.wait(timeout=min(0.05, max(0.0, deadline - time.monotonic())))


def _only_queries(record):
    return len(record) % 3 == 0 and all(record[i:i + 2] == DLE_EOT for i in range(0, len(record), 3))


def _close(sock):
    try:
        sock.close()
    except OSError:
        pass
