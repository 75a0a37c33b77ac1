"""One window per data folder: a lock, and a loopback socket the first window listens on.

A second launch finds the lock held, asks the first window (through the socket) to come forward and
exits, so two servers never serve one office. The socket's port and a secret are kept in a file of
the data folder that only its owner can read: another account on the PC cannot drive the window.
The same socket takes the buttons' commands and "status" (the tests drive the window so).
"""
import json
import logging
import secrets
import socket
import threading
from pathlib import Path

from server.db.private_files import create_private, private_folder
from server.db.storage import OfficeLock

log = logging.getLogger(__name__)
LOCK_NAME = 'desktop.lock'
CONTROL_NAME = 'desktop-control.json'
COMMANDS = ('show', 'hide', 'start', 'stop', 'status', 'quit', 'autostart-on', 'autostart-off', 'close')


class Instance:
    """The lock of the first window of a data folder, and its control socket."""

    def __init__(self, data_dir):
        self.data_dir = Path(data_dir)
        self.lock = OfficeLock(self.data_dir)
        self.lock.path = self.data_dir / LOCK_NAME   # the office's own lock stays the server's
        self.listener = None
        self.secret = secrets.token_hex(16)

    def acquire(self):
        """True when this is the first window of the folder (then it holds the lock until release())."""
        private_folder(self.data_dir)
        return self.lock.acquire(exclusive=True)

    def listen(self, handle):
        """Answer commands on a loopback port from now on: handle(command) -> a dict, sent back as JSON."""
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(4)
        control = self.data_dir / CONTROL_NAME
        control.unlink(missing_ok=True)
        create_private(str(control), json.dumps({'port': self.listener.getsockname()[1], 'secret': self.secret}))
        threading.Thread(target=self._accept, args=(handle,), name='desktop-control', daemon=True).start()

    def _accept(self, handle):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:     # closed by release()
                return
            with connection:
                connection.settimeout(5)
                try:
                    _answer(connection, self.secret, handle)
                except (OSError, ValueError) as error:
                    log.warning('control connection dropped: %s', error)

    def release(self):
        """Stop listening, forget the control file, drop the lock."""
        if self.listener is not None:
            self.listener.close()
            self.listener = None
            (self.data_dir / CONTROL_NAME).unlink(missing_ok=True)
        self.lock.release()


def _answer(connection, secret, handle):
    request = json.loads(_read_line(connection))
    if not secrets.compare_digest(str(request.get('secret', '')), secret):
        reply = {'ok': False, 'error': 'wrong secret'}
    elif request.get('command') not in COMMANDS:
        reply = {'ok': False, 'error': 'unknown command'}
    else:
        reply = dict(handle(request['command']), ok=True)
    connection.sendall(json.dumps(reply).encode() + b'\n')


def _read_line(connection):
    data = b''
    while not data.endswith(b'\n') and len(data) < 4096:
        chunk = connection.recv(1024)
        if not chunk:
            break
        data += chunk
    return data.decode()


def send(data_dir, command, timeout=10):
    """Send a command to the window holding data_dir: its answer (a dict), or None when no window answers."""
    try:
        control = json.loads((Path(data_dir) / CONTROL_NAME).read_text(encoding='utf-8'))
        with socket.create_connection(('127.0.0.1', int(control['port'])), timeout=timeout) as connection:
            connection.sendall(json.dumps({'secret': control['secret'], 'command': command}).encode() + b'\n')
            return json.loads(_read_line(connection))
    except (OSError, ValueError, KeyError):
        return None


def bring_forward(data_dir, attempts=20):
    """A second launch: ask the first window to come forward (it may still be opening its socket)."""
    import time
    for _attempt in range(attempts):
        if send(data_dir, 'show') is not None:
            return True
        time.sleep(0.25)
    return False
