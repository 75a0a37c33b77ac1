"""Short-lived in-process copies of rows read on every request: device tokens, services, boards.

An entry lives FRESH_SECONDS at most, so a change made by another process (or straight in the
database) shows within that time. A change made through this process clears every cache as soon as
it commits: each change that makes a cached row stale (a service, counter, board, token, printer or
holiday) calls forget_all() after commit itself, and so does events.office_changed.

The entries live in the current app's runtime (server/runtime.py), so each app starts with none; a module
holds only a Fresh, which names them. Without an app context nothing is kept: every read loads.
"""
import time

from server import runtime

FRESH_SECONDS = 1.0


class _Entries:
    """One cache's values of one app, and how many times they were cleared."""

    def __init__(self):
        self.values = {}
        self.generation = 0


class Fresh:
    """A dict whose entries expire, kept per app; a miss calls the loader, and None (not found) is never kept."""
    __slots__ = ('seconds',)

    def __init__(self, seconds=FRESH_SECONDS):
        self.seconds = seconds

    def _entries(self):
        app_runtime = runtime.current()
        return app_runtime.cache(self, _Entries) if app_runtime is not None else None

    def get(self, key, load):
        entries = self._entries()
        if entries is None:
            return load()
        entry = entries.values.get(key)
        now = time.monotonic()
        if entry is not None and entry[1] > now:
            return entry[0]
        generation = entries.generation
        value = load()
        # A value read while a change committed may be the old one: keep it only if no clear came between.
        if value is not None and generation == entries.generation:
            entries.values[key] = (value, now + self.seconds)
        return value

    def clear(self):
        entries = self._entries()
        if entries is not None:
            entries.generation += 1
            entries.values.clear()


def forget_all():
    """Drop every cached row of the current app (after an office change)."""
    app_runtime = runtime.current()
    for entries in list(app_runtime.caches.values()) if app_runtime is not None else ():
        if isinstance(entries, _Entries):
            entries.generation += 1
            entries.values.clear()
