"""The message queue (Redis) that carries events between server processes, and its state for staff.

With `LUOT_MESSAGE_QUEUE` set, every event reaches boards through Redis, even boards of the process
that made it. If Redis stops, calls still work but no board hears of them: that is a state staff must
see, like a printer out of paper. Each process watches its own link (its listener and its last
publish), tells its own staff pages directly (not through the Redis that is down) when the link is
lost or back, and on its return sends its boards a fresh snapshot, so the calls made meanwhile appear
on them.

The seam: OfficeRedisManager is the only code that reaches into python-socketio's internals. It wraps
RedisManager._publish (a failed publish is the first sign of a lost link, at the moment of a call) and
replaces RedisManager._redis_listen_with_retries, a copy that reports the listener's state and retries
every RETRY_CAP_SECONDS at most: the library's back-off grows to 60 s, so after a Redis restart boards
could stay deaf for up to a minute (an outage of 40 s ends at its attempt of 63 s). python-socketio is
pinned exactly in setup.cfg (TESTED_WITH below); `manager_for` checks the installed version and the
internals it relies on, and when anything differs it logs why and returns the stock RedisManager, as
Flask-SocketIO would build it: events still cross processes, but staff see no link state and boards
get no snapshot when the link is back. The 2 s connect timeout is a public option, kept on both paths.
"""
import datetime
import inspect
import logging
import threading
import time

import socketio as python_socketio

from server.extensions import unpinned

log = logging.getLogger(__name__)
EVENT = 'message_queue_status'
RETRY_CAP_SECONDS = 5   # python-socketio's listener backs off up to 60 s; boards would stay deaf that long
# The exact version whose RedisManager internals OfficeRedisManager was read against (setup.cfg pins it).
TESTED_WITH = {'python-socketio': '5.18.1'}


class Link:
    """This process's view of the message queue: listening (subscribed) and able to publish."""

    def __init__(self):
        self._lock = threading.Lock()
        self.listening = None   # not known until the listener (started with the first client) tries
        self.publish_failed = False
        self.since = None
        self.detail = ''
        self.on_change = None   # called with the new state dict when `up` changes

    @property
    def up(self):
        return self.listening is not False and not self.publish_failed

    def state(self):
        with self._lock:
            return {'configured': True, 'up': self.up, 'since': self.since, 'detail': self.detail}

    def record(self, listening=None, published=None, detail=''):
        """Note what the listener or a publish found; call on_change when the link goes down or up."""
        with self._lock:
            was = self.up
            if listening is not None:
                self.listening = listening
            if published is not None:
                self.publish_failed = not published
            changed = self.up != was
            if changed or (not self.up and detail):
                self.detail = '' if self.up else detail[:200]
            if changed:
                self.since = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')
        if changed:
            (log.warning if self.up else log.error)('message queue %s%s', 'back' if self.up else 'lost',
                                                     (': ' + detail) if detail and not self.up else '')
            if self.on_change:
                try:
                    self.on_change(self.state())
                except Exception:  # telling staff must never break the listener
                    log.exception('could not report the message queue state')


class OfficeRedisManager(python_socketio.RedisManager):
    """python-socketio's Redis manager that reports its link and retries every few seconds at most."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.link = Link()

    def _publish(self, data):
        result = super()._publish(data)   # None once it gave up (it logs the reason)
        self.link.record(published=result is not None, detail='' if result is not None else 'publish failed')
        return result

    def _redis_listen_with_retries(self):
        """As the library's, but the link is reported and the wait between attempts is capped."""
        retry_sleep = 1
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                retry_sleep = 1
                self.link.record(listening=True, published=True)
                yield from self.pubsub.listen()
            except Exception as exc:
                self.link.record(listening=False, detail=str(exc))
                log.error('cannot receive from redis, retrying in %d s: %s', retry_sleep, exc)
                time.sleep(retry_sleep)
                retry_sleep = min(retry_sleep * 2, RETRY_CAP_SECONDS)


def _mismatch():
    """Why OfficeRedisManager cannot be used with the installed python-socketio, or None when it can."""
    unpinned_reason = unpinned(TESTED_WITH, 'the watched manager was checked against')
    if unpinned_reason:
        return unpinned_reason
    stock = python_socketio.RedisManager
    missing = [name for name in ('_publish', '_redis_connect', '_redis_listen_with_retries', '_listen')
               if not callable(getattr(stock, name, None))]
    if missing:
        return 'library internals changed (RedisManager.%s missing)' % ', RedisManager.'.join(missing)
    if list(inspect.signature(stock._publish).parameters) != ['self', 'data']:
        return 'library internals changed (RedisManager._publish takes %s)' % inspect.signature(stock._publish)
    # The overrides only see what the library still routes through them, and the copy calls what the
    # library's own listener called.
    routes = [(python_socketio.PubSubManager.emit, '_publish'), (stock._listen, '_redis_listen_with_retries'),
              (stock._redis_listen_with_retries, '_redis_connect'), (stock._redis_listen_with_retries, 'pubsub')]
    for function, name in routes:
        if name not in function.__code__.co_names:
            return 'library internals changed (%s no longer uses %s)' % (function.__qualname__, name)
    return None


def manager_for(url):
    """The Socket.IO client manager for a message queue URL, or None (none set, or not Redis)."""
    if not url or not url.startswith(('redis://', 'rediss://')):
        return None
    # A short connect timeout: a call publishes before it answers (server/live/events.py), so an
    # unreachable Redis must cost the counter two seconds, not the system's minutes-long default.
    options = {'channel': 'luot', 'redis_options': {'socket_connect_timeout': 2, 'socket_keepalive': True}}
    reason = _mismatch()
    if reason is not None:
        log.warning('message queue not watched (stock RedisManager: no link state for staff, retries up to '
                    '60 s apart): %s', reason)
        return python_socketio.RedisManager(url, **options)
    return OfficeRedisManager(url, **options)


def link_of(socketio):
    """The Link of this process's message queue, or None when there is none."""
    server = getattr(socketio, 'server', None)
    return getattr(getattr(server, 'manager', None), 'link', None)


def state(socketio):
    """{'configured', 'up', 'since', 'detail'} for staff pages and the console."""
    link = link_of(socketio)
    if link is None:
        return {'configured': False, 'up': True, 'since': None, 'detail': ''}
    return link.state()
