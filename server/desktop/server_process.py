"""The server as a child process of the window: started, stopped, and watched over HTTP on this PC.

A child process (rather than a thread) so that stopping is clean, gunicorn serves on Linux as it does from
the command line, and a crash of the server does not take the window with it. The window reads the office's
state from GET /api/v1/overview with an admin token it made for itself, kept in a private file of the data
folder (made again if someone revoked it).
"""
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

from server.db.private_files import create_private, tighten

log = logging.getLogger(__name__)
TOKEN_NAME = 'desktop-token'
LOG_NAME = 'desktop-server.log'
TOKEN_LABEL = 'Cửa sổ máy chủ (máy tính văn phòng)'
STOP_ON_EOF = 'LUOT_STOP_ON_EOF'
NO_WINDOW = getattr(subprocess, 'CREATE_NO_WINDOW', 0) | getattr(subprocess, 'CREATE_NEW_PROCESS_GROUP', 0)


def command_line(*arguments, python=None):
    """This program's command line with the arguments: the packaged executable, or Python running run.py (from
    a source folder, whatever the current folder) or the installed `server` package."""
    if getattr(sys, 'frozen', False):
        return [sys.executable, *arguments]
    run_py = Path(__file__).resolve().parents[2] / 'run.py'
    program = [str(run_py)] if run_py.is_file() else ['-c', 'from server import main; main()']
    return [python or sys.executable, *program, *arguments]


class ServerProcess:
    """`run.py --host H --port P --data-dir D` as a child, and what it answers."""

    def __init__(self, host, port, data_dir, stop_by_eof=None):
        self.host, self.port, self.data_dir = host, port, Path(data_dir)
        # Windows: a window without a console cannot send Ctrl+Break to its child's, so the child is asked
        # to stop by closing its stdin (stop_when_stdin_closes); elsewhere SIGTERM, as from the command line.
        self.stop_by_eof = os.name == 'nt' if stop_by_eof is None else stop_by_eof
        self.process = None
        self.wanted = False     # the clerk wants it serving: a child that ended on its own has failed
        self.ready = False
        self.overview = None
        self.lock = threading.Lock()

    @property
    def local_url(self):
        """The address this PC reaches its own server at."""
        host = '127.0.0.1' if self.host in ('0.0.0.0', '::', '') else self.host
        return 'http://%s:%d' % ('[%s]' % host if ':' in host else host, self.port)

    def state(self):
        """'running', 'starting', 'stopping', 'stopped' or 'failed'."""
        with self.lock:
            alive = self.process is not None and self.process.poll() is None
            if alive:
                return 'running' if self.wanted and self.ready else ('starting' if self.wanted else 'stopping')
            return 'failed' if self.wanted else 'stopped'

    def start(self):
        """Start serving (nothing to do while a child serves)."""
        with self.lock:
            if self.process is not None and self.process.poll() is None:
                self.wanted = True
                return
            self.wanted, self.ready, self.overview = True, False, None
            arguments = command_line('--host', self.host, '--port', str(self.port), '--data-dir', str(self.data_dir))
            env = dict(os.environ, **({STOP_ON_EOF: '1'} if self.stop_by_eof else {}))
            with _private_log(self.data_dir / LOG_NAME) as output:
                self.process = subprocess.Popen(arguments, stdin=subprocess.PIPE if self.stop_by_eof else
                                                subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                                env=env, creationflags=NO_WINDOW)
            log.info('server started (pid %d) on %s', self.process.pid, self.local_url)

    def stop(self, timeout=20):
        """Stop serving: SIGTERM, or stdin closed on Windows, so the server finishes cleanly; killed if it hangs."""
        with self.lock:
            self.wanted = False
            process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            if self.stop_by_eof:
                process.stdin.close()
            else:
                process.send_signal(signal.SIGTERM)
            process.wait(timeout=timeout)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait(timeout=5)
        self.ready = False

    def last_words(self, lines=3):
        """The end of the server's log, to say why it stopped."""
        try:
            text = (self.data_dir / LOG_NAME).read_text(encoding='utf-8', errors='replace')
        except OSError:
            return ''
        return '\n'.join(line for line in text.splitlines()[-lines:] if line.strip())

    def poll(self):
        """Once: is the server ready (its OpenAPI document answers), and what does the office look like."""
        if self.state() not in ('starting', 'running'):
            return
        ready = _status(self.local_url + '/api/v1/openapi.json') == 200
        self.ready = ready
        self.overview = self._read_overview() if ready else None

    def _read_overview(self):
        token = self.token()
        if token is None:
            return None
        request = urllib.request.Request(self.local_url + '/api/v1/overview',
                                         headers={'Authorization': 'Bearer ' + token})
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return json.loads(answer.read().decode())
        except urllib.error.HTTPError as error:
            if error.code == 401:   # revoked in the console: make a new one next time
                (self.data_dir / TOKEN_NAME).unlink(missing_ok=True)
            return None
        except (OSError, ValueError):
            return None

    def token(self):
        """The window's own admin token, made once with `token create` and kept in a private file."""
        path = self.data_dir / TOKEN_NAME
        if not path.exists():
            made = subprocess.run(command_line('token', 'create', '--role', 'admin', '--name', TOKEN_LABEL,
                                               '--data-dir', str(self.data_dir)),
                                  capture_output=True, text=True, timeout=120, creationflags=NO_WINDOW)
            if made.returncode != 0 or not made.stdout.strip():
                log.warning('could not make the window its token: %s', made.stderr.strip()[-300:])
                return None
            create_private(str(path), made.stdout.strip().splitlines()[-1])
        return path.read_text(encoding='utf-8').strip() or None

    def watch(self, stopped, every=1.5):
        """Poll until the `stopped` event is set (run on a thread of its own: the window never waits on HTTP)."""
        while not stopped.is_set():
            try:
                self.poll()
            except Exception:   # noqa: BLE001 — the watcher must outlive any one bad answer
                log.exception('watching the server failed')
            stopped.wait(0.3 if self.state() == 'starting' else every)


def stop_when_stdin_closes():
    """In the server child of a window that stops it by closing stdin: then stop as Ctrl+C would."""
    import _thread

    def watch():
        try:
            while sys.stdin.buffer.read(1024):
                pass
        except (AttributeError, OSError, ValueError):     # no stdin at all: nothing to watch
            return
        _thread.interrupt_main()
    threading.Thread(target=watch, name='stop-on-eof', daemon=True).start()


def _private_log(path):
    """The server's log, appended to; the owner's only (it may name the office's devices)."""
    tighten(str(path))
    return os.fdopen(os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, 'O_BINARY', 0), 0o600),
                     'ab')


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None
