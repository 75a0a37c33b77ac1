"""Short-lived in-process copies of rows read on every request: device tokens, services, boards.

An entry lives FRESH_SECONDS at most, so a change made by another process (or straight in the
database) shows within that time. A change made through this process clears every cache as soon as
it commits: office changes are audited without a ticket and boards announce themselves with
events.office_changed, and both call forget_all() after commit.
"""
import time

FRESH_SECONDS = 1.0
_caches = []


class Fresh:
    """A dict whose entries expire; a miss calls the loader, and None (not found) is never kept."""

    def __init__(self, seconds=FRESH_SECONDS):
        self.seconds = seconds
        self._values = {}
        self._generation = 0
        _caches.append(self)

    def get(self, key, load):
        entry = self._values.get(key)
        now = time.monotonic()
        if entry is not None and entry[1] > now:
            return entry[0]
        generation = self._generation
        value = load()
        # A value read while a change committed may be the old one: keep it only if no clear came between.
        if value is not None and generation == self._generation:
            self._values[key] = (value, now + self.seconds)
        return value

    def clear(self):
        self._generation += 1
        self._values.clear()


def forget_all():
    """Drop every cached row (after an office change, or when another database is opened)."""
    for cache in _caches:
        cache.clear()
