"""The publisher of one app's events (server/live/events.py builds them): a thread in a served process.

A started publisher runs emissions on its own thread, so a request never waits for the fan-out to every
board, and folds the queue changes of FOLD_SECONDS into one (a busy kiosk morning sends one count update,
and a call's `ticket_called`, which citizens wait for, reaches every board before the same call's count
update competes with it for the server's threads; bench/README.md has the figures). A publisher that was
never started (tests, one-off commands) runs each emission at once, in the caller's thread, after commit.
"""
import contextlib
import logging
import queue
import threading
import time

from flask import current_app, has_app_context

from server.extensions import db

log = logging.getLogger(__name__)
FOLD_SECONDS = 0.05
_WAKE, _STOP = object(), object()   # queue markers: look at the fold's deadline again; end the thread


def _connected():
    """A connection for the emission, unless its caller (a request) already has one open."""
    return db.connection_context() if db.is_closed() else contextlib.nullcontext()


class Publisher:
    """One app's emissions: queued for its thread once started, else run at once."""

    def __init__(self, app, fold_seconds=FOLD_SECONDS):
        self.app = app
        self.fold_seconds = fold_seconds
        self._work = queue.Queue()
        self._lock = threading.Lock()
        self._thread = None
        self._folds = {}             # function -> the lines changed (None: every line), while a window is open
        self._deadline = None        # when the open window's folds go out
        self._flushing = False

    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive()

    def start(self):
        """Start the thread (a served process: server/runtime.py)."""
        with self._lock:
            if not self.running:
                self._thread = threading.Thread(target=self._run, name='luot-events', daemon=True)
                self._thread.start()

    def stop(self, timeout=5.0):
        """Publish what is queued (within `timeout`), then end the thread."""
        self.wait_until_published(timeout)
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._work.put(_STOP)
            thread.join(max(0.1, timeout))

    def publish(self, function, args, in_caller=False):
        """Run function(*args) on the thread; at once if it is not running. `in_caller`: the caller is in
        this app's context (a request), where with a message queue (several processes) the event is
        published before the request answers: a call made after this one's answer, perhaps on another
        process, then reaches Redis after it, and every process hands Redis's order on to its boards."""
        if not self.running or (in_caller and self.app.config.get('MESSAGE_QUEUE')):
            self._run_now(function, args, in_caller)
        else:
            self._work.put((function, args))

    def fold(self, function, codes):
        """Queue function(codes) once per fold window, with every line changed in it (None: all); each
        function folds on its own, and all go out together when the window closes, in the order they came."""
        with self._lock:
            first = not self._folds
            if first:
                self._deadline = time.monotonic() + self.fold_seconds
            if codes is None or self._folds.get(function, ()) is None:
                self._folds[function] = None
            else:
                self._folds.setdefault(function, set()).update(codes)
        if not self.running:
            self._flush(in_caller=True)
        elif first:
            self._work.put(_WAKE)   # the thread may be waiting with no deadline

    def busy(self):
        return bool(self._work.unfinished_tasks) or bool(self._folds) or self._flushing

    def wait_until_published(self, timeout=5.0):
        """Block until every queued emission, folded queue changes included, has gone out."""
        deadline = time.monotonic() + timeout
        while self.busy() and time.monotonic() < deadline:
            time.sleep(0.002)
        return not self.busy()

    def _flush(self, in_caller=False):
        with self._lock:
            folds, self._folds = self._folds, {}
            self._flushing = bool(folds)
        try:
            for function, codes in folds.items():
                self._run_now(function, (None if codes is None else sorted(codes),), in_caller)
        finally:
            self._flushing = False

    def _run_now(self, function, args, in_caller):
        """Run an emission with this app's context and a connection; log any failure."""
        same_app = in_caller and has_app_context() and current_app._get_current_object() is self.app
        try:
            with (contextlib.nullcontext() if same_app else self.app.app_context()), _connected():
                function(*args)
        except Exception:  # a broadcast failure must never undo or fail the committed change
            log.exception('could not publish %s', getattr(function, '__name__', function))

    def _run(self):
        while True:
            with self._lock:
                deadline = self._deadline if self._folds else None
            try:
                item = self._work.get(timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                item = None
            if item is _STOP:
                self._work.task_done()
                return
            if item is not None:     # queued before the fold fell due, so it goes first
                try:
                    if item is not _WAKE:
                        self._run_now(*item, in_caller=False)
                finally:
                    self._work.task_done()
            if deadline is not None and time.monotonic() >= deadline:
                self._flush()
