"""Which process runs the background duties (the print spooler and the scheduled jobs).

With one serving process that process runs them. With several gunicorn workers (`--workers N`, for
PostgreSQL + Redis) exactly one should: two spoolers would both poll the same printers (a network
printer takes one connection at a time), and a worker starting up would mark the other's SMS in
flight as uncertain. The worker holding an exclusive lock on DATA_DIR/background.lock runs them;
the others try again every few seconds, so when that worker dies (the kernel drops its lock) another
takes over and gunicorn's replacement worker simply waits its turn.
"""
import logging
import os
import threading

log = logging.getLogger(__name__)
RETRY_SECONDS = 5.0


class DutyLock:
    """An exclusive, non-blocking lock on a file, held for the life of the process (POSIX flock)."""

    def __init__(self, path):
        self.path = path
        self.handle = None

    def acquire(self):
        import fcntl
        if self.handle is not None:
            return True
        handle = open(self.path, 'a+b')  # noqa: SIM115 — held open while the lock is held
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self.handle = handle
        return True


def run_when_elected(path, start, stop_event, retry=RETRY_SECONDS):
    """Call start() now if this process gets the lock at `path`, else from a thread once it does."""
    lock = DutyLock(path)
    if lock.acquire():
        _start(start)
        return lock
    log.info('background duties run in another worker; pid %d waits its turn', os.getpid())

    def wait_for_turn():
        while not stop_event.wait(retry):
            if lock.acquire():
                _start(start)
                return
    threading.Thread(target=wait_for_turn, name='luot-duties', daemon=True).start()
    return lock


def _start(start):
    log.info('background duties (print spooler, scheduled jobs) run in worker pid %d', os.getpid())
    start()


def start_process(runtime):
    """The threads of a served process (main() calls this in each): the app's publisher, and the duties here,
    or in the elected worker when several serve (DUTY_LOCK)."""
    runtime.start()
    lock = runtime.app.config.get('DUTY_LOCK')
    if not lock:
        start_duties(runtime)
    else:
        runtime.duty_lock = run_when_elected(lock, lambda: start_duties(runtime), runtime.stopping)


def start_duties(runtime):
    """The print spooler and the scheduled jobs of this process, each unless the config turns it off."""
    app = runtime.app
    if app.config.get('PRINTING', True):
        from printer.spooler import Spooler
        from server.queueing import printing
        runtime.spooler = Spooler(on_status=printing.on_printer_status(app))
        runtime.spooler.start()
    if app.config['SCHEDULER']:
        from server.host import jobs
        runtime.scheduler = jobs.schedule(app)
