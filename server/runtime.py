"""The one object an app owns for what has a thread or a cache: app.extensions['luot'].

create_app() makes it; only main() starts it, in the served process (run.py; each gunicorn worker). An app
that is never started (tests, one-off commands) runs no thread: its events are published at once, in the
request, after commit, and it prints and schedules nothing. No module keeps such state of its own: the
modules' functions reach the current app's runtime (current()), or are handed the app by their thread.
"""
import threading
import time

from flask import current_app, has_app_context


def current():
    """The current app's runtime, or None outside an app context (nothing is then cached)."""
    return current_app.extensions.get('luot') if has_app_context() else None


def of(app=None):
    """The runtime of `app`, else of the current app."""
    return (app or current_app).extensions['luot']


class Runtime:
    """The event publisher, the caches, the SMS gateway, the message-queue link, and in a served process
    the print spooler and the scheduler (with several workers, in the one elected: server/host/duties.py)."""

    def __init__(self, app, publisher, gateway):
        """`publisher` (server/live/publisher.py) and `gateway` (server/sms/messaging.py) come from create_app:
        this module imports no feature, so every feature may import it."""
        self.app = app
        self.caches = {}             # a cache's owner (a caches.Fresh, a module's name) -> its entries
        self.publisher = publisher
        self.gateway = gateway
        self.link = None             # the message queue's Link (server/live/relay.py), None without one
        self.spooler = None
        self.scheduler = None
        self.duty_lock = None
        self.stopping = threading.Event()
        self._aside = []             # threads a request started (server/live/connections.py: close())
        self._aside_lock = threading.Lock()

    def cache(self, owner, make):
        """The entries kept for `owner`, made by make() the first time."""
        entries = self.caches.get(owner)
        return entries if entries is not None else self.caches.setdefault(owner, make())

    def start(self):
        """Start the publisher thread; a served process's other threads are started by server/host/duties.py."""
        self.publisher.start()

    def stop(self, timeout=5.0):
        """End what start() and the requests started: a served process's exit, or a test's end."""
        self.stopping.set()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.spooler is not None:
            self.spooler.stop(timeout)
        published = self.publisher.wait_until_published(timeout)
        self.publisher.stop(timeout)
        closed = self.wait_aside(timeout)
        self.gateway.close()
        return published and closed

    def run_aside(self, target, args, name):
        """Run target(*args) on a thread of its own, which wait_aside() waits for."""
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        with self._aside_lock:
            self._aside[:] = [t for t in self._aside if t.is_alive()] + [thread]
        thread.start()

    def wait_aside(self, timeout=10.0):
        """Block until every thread run_aside() started has finished; False if one still runs."""
        deadline = time.monotonic() + timeout
        with self._aside_lock:
            threads = list(self._aside)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in threads)
