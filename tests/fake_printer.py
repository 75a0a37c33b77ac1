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
        self.connections = []           # one Connection per accepted connection, in order
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
        connection = Connection()
        with self._changed:
            self.connections.append(connection)
            self._changed.notify_all()
        mode = self.mode
        try:
            if mode == 'drop':      # abortive close: the client sees a reset
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            elif mode == 'silent':
                self._stop.wait()
            else:
                self._read(client, connection.data, mode)
        finally:
            _close(client)
            with self._changed:
                connection.finished = True
                self._changed.notify_all()

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

    def jobs(self, finished=True):
        """The bytes of each connection that was more than status queries, in order."""
        with self._changed:
            records = [bytes(c.data) for c in self.connections if c.finished or not finished]
        return [record for record in records if record and not _only_queries(record)]

    def status_queries(self):
        """How many connections only asked for status."""
        with self._changed:
            return sum(1 for c in self.connections if c.data and _only_queries(bytes(c.data)))

    def wait_for_jobs(self, count, timeout=5.0):
        """Wait until `count` jobs were received completely (or the timeout); return them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.jobs()) < count and time.monotonic() < deadline:
                self._changed.wait(timeout=min(0.05, max(0.0, deadline - time.monotonic())))
            return self.jobs()

    def wait_for_connections(self, count, timeout=5.0):
        """Wait until `count` connections were accepted; return whether they were."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.connections) < count and time.monotonic() < deadline:
                self._changed.wait(timeout=min(0.05, max(0.0, deadline - time.monotonic())))
            return len(self.connections) >= count


class Connection:
    """What one client connection sent; finished once either side closed it."""

    def __init__(self):
        self.data = bytearray()
        self.finished = False


def _only_queries(record):
    return len(record) % 3 == 0 and all(record[i:i + 2] == DLE_EOT for i in range(0, len(record), 3))


def _close(sock):
    try:
        sock.close()
    except OSError:
        pass


# Reading back what a printer received.

def parse_escpos(data):
    """The ESC/POS commands our tickets use, in order: (name, argument) pairs.

    Raises AssertionError on any byte it does not understand, so stray output is caught.
    """
    commands, at = [], 0
    while at < len(data):
        head = data[at:at + 3]
        if head[:2] == b'\x1b@':
            commands.append(('init', None))
            at += 2
        elif head[:2] in (b'\x1ba', b'\x1bd'):
            commands.append(('align' if head[1:2] == b'a' else 'feed', head[2]))
            at += 3
        elif head == b'\x1dv0':
            width_bytes, height = struct.unpack('<HH', data[at + 4:at + 8])
            end = at + 8 + width_bytes * height
            assert end <= len(data), 'truncated raster image'
            commands.append(('raster', (width_bytes * 8, height, data[at + 8:end])))
            at = end
        elif head == b'\x1d(k':
            size = struct.unpack('<H', data[at + 3:at + 5])[0]
            body = data[at + 5:at + 5 + size]
            commands.append(('qr', (body[1], body[3:] if body[1] in (80, 81) else body[2:])))
            at += 5 + size
        elif head[:2] == b'\x1dV':
            commands.append(('cut', head[2]))
            at += 3
        else:
            raise AssertionError(f'unknown ESC/POS bytes at {at}: {data[at:at + 8]!r}')
    return commands


def raster_image(commands):
    """The GS v 0 bands of a job pasted below each other, as a mode "1" PIL image."""
    from PIL import Image
    bands = []
    for name, argument in commands:
        if name == 'raster':
            width, height, bits = argument
            # ESC/POS: a set bit is a printed (black) dot; PIL mode "1": a set bit is white.
            bands.append(Image.frombytes('1', (width, height), bytes(255 - b for b in bits)))
    image = Image.new('1', (bands[0].width, sum(band.height for band in bands)), 1)
    y = 0
    for band in bands:
        image.paste(band, (0, y))
        y += band.height
    return image


def find_qr(image, content, error='m'):
    """Where the QR symbol of `content` (as segno makes it) sits in the image, or None.

    Looks for its top-left finder pattern (a run of exactly 7 dark modules) at every whole
    scale and compares the whole symbol with segno's, pixel for pixel.
    """
    import segno
    from PIL import Image
    rows = list(segno.make_qr(content, error=error).matrix_iter(scale=1, border=0))
    modules = len(rows)
    symbol = Image.frombytes('L', (modules, modules), bytes(0 if dark else 255 for row in rows
                                                            for dark in row))
    gray = image.convert('L')
    pixels, width = gray.tobytes(), image.width
    for scale in range(1, 13):
        side = modules * scale
        expected = symbol.resize((side, side), Image.Resampling.NEAREST).tobytes()
        run = b'\xff' + b'\x00' * (7 * scale) + b'\xff'
        for y in range(image.height - side + 1):
            row = b'\xff' + pixels[y * width:(y + 1) * width] + b'\xff'
            x = row.find(run)
            while x != -1:
                if x + side <= width and gray.crop((x, y, x + side, y + side)).tobytes() == expected:
                    return x, y, scale
                x = row.find(run, x + 1)
    return None
