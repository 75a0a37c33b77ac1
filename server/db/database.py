"""Opening the database named by a URL: SQLite tuned for one office PC, or PostgreSQL; both pooled.
The schema's versions are in server/db/migrations.py."""
import logging
import os
import sqlite3
import threading
import time
from urllib.parse import urlparse
from urllib.request import pathname2url

from playhouse.db_url import parse as parse_url
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

from server.db.private_files import private_sqlite_file
from server.extensions import db

log = logging.getLogger(__name__)

SQLITE_PRAGMAS = {
    'journal_mode': 'wal',        # readers never block the writer
    'synchronous': 'normal',      # safe with WAL, much faster than full
    'foreign_keys': 1,
    'busy_timeout': 10000,
    'cache_size': -16000,
    # Checkpoints are the checkpointer thread's job (below); SQLite itself only steps in if the
    # write-ahead log ever grows past 10,000 pages (40 MB), say if that thread were stuck.
    'wal_autocheckpoint': 10000,
}
CHECKPOINT_SECONDS = 0.2


class RetiringPool:
    """A connection pool whose close_all() never pulls a connection from under a thread using it.

    peewee's close_all() closes the connections in use too. A thread that is running a query on one
    then reads freed memory: the sqlite3 module crashes the whole process (a segmentation fault,
    seen when a background thread sent the boards a snapshot while the pool was reset). Here close_all()
    closes the idle connections and the caller's own, and retires the others: each is closed when its
    thread hands it back (peewee's check-in hook, `_can_reuse`), so every later query gets a new one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._retiring = set()

    def close_all(self):
        self.close()
        with self._pool_lock:
            self.close_idle()
            self._retiring.update(self._in_use)
            self._pool_available.notify_all()

    def _can_reuse(self, conn):
        key = self.conn_key(conn)
        if key in self._retiring:
            self._retiring.discard(key)
            return False
        return super()._can_reuse(conn)


class OfficePostgresqlDatabase(RetiringPool, PooledPostgresqlDatabase):
    """PostgreSQL, pooled, with the safe close_all() above."""


class OfficeSqliteDatabase(RetiringPool, PooledSqliteDatabase):
    """SQLite whose write transactions queue on a lock in this process.

    SQLite lets one writer in at a time; its busy handler makes the others sleep and retry, which
    under a burst starves some of them for seconds. Waiting on a lock here first is fair and prompt;
    the busy timeout still covers writers in other processes.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._write_lock = threading.Lock()
        self._holder = threading.local()

    def _connect(self):
        connection = super()._connect()
        _Checkpointer.start()
        return connection

    def checkpoint(self, connection):
        """Copy the write-ahead log back into the database file on the checkpointer's own connection,
        without waiting for anyone (PASSIVE); nothing to do while the log has not changed."""
        try:
            changed = os.stat(self.database + '-wal').st_mtime_ns
        except OSError:  # no log (yet)
            return
        if changed != getattr(self, '_checkpointed', None):
            connection.execute('PRAGMA wal_checkpoint(PASSIVE)')
            self._checkpointed = changed

    def checkpoint_connection(self):
        """A connection of the checkpointer's own, kept open (the pool may be closed under it at any
        time; and the last connection to close a database checkpoints it with an exclusive lock)."""
        uri = 'file:%s?mode=rw' % pathname2url(os.path.abspath(self.database))
        return sqlite3.connect(uri, uri=True, timeout=0, check_same_thread=False)

    def begin(self, lock_type=None):
        self._write_lock.acquire()
        self._holder.held = True
        try:
            super().begin(lock_type)
        except BaseException:
            self._release()
            raise

    def _release(self):
        if getattr(self._holder, 'held', False):
            self._holder.held = False
            self._write_lock.release()

    def commit(self):
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self):
        try:
            connection = self._state.conn
            # A full disk (SQLITE_FULL) or an I/O error ends the transaction inside SQLite itself; a ROLLBACK
            # then fails ("no transaction is active") and would hide the error that says what happened.
            if connection is None or connection.in_transaction:
                super().rollback()
        finally:
            self._release()


class _Checkpointer:
    """Checkpoints the office's SQLite database five times a second, in a thread of its own.

    Left to itself, SQLite checkpoints inside whichever commit takes the write-ahead log past 1,000
    pages: two fsyncs while that writer holds the write lock. Measured here, 2 % of the commits of a
    ticket took 5-16 ms instead of 0.1 ms, and every kiosk queued behind them waited as long (with this
    thread: 0.2 %, p99 of a commit 0.2-0.4 ms instead of 5-6 ms). Here the commits only append to the
    log; this thread copies it back (the I/O releases the GIL) and the log starts over once no reader
    needs it. A ticket writes some 20 pages, so even 700 tickets a second stay well under the 10,000
    pages at which SQLite would step in."""
    _lock = threading.Lock()
    _thread = None

    @classmethod
    def start(cls):
        with cls._lock:
            if cls._thread is None or not cls._thread.is_alive():
                cls._thread = threading.Thread(target=cls._run, name='luot-checkpoint', daemon=True)
                cls._thread.start()

    @staticmethod
    def _run():
        connection, path = None, None
        while True:
            time.sleep(CHECKPOINT_SECONDS)
            database = db.obj
            wanted = database.database if isinstance(database, OfficeSqliteDatabase) else None
            if wanted in (None, ':memory:', ''):
                wanted = None
            try:
                if wanted != path and connection is not None:
                    connection.close()   # the office's database was swapped (tests build many)
                    connection = None
                path = wanted
                if path is not None:
                    connection = connection or database.checkpoint_connection()
                    database.checkpoint(connection)
            except sqlite3.Error as error:  # busy, or the file went away; the next round retries
                log.debug('checkpoint skipped: %s', error)
                if connection is not None:
                    connection.close()
                connection = None


# Every request thread holds a connection while it runs. A busy city-centre office has more requests in
# flight than the pool has connections: the extra ones wait for a free connection (peewee's default is
# to raise at once, which answered 500s and lost board events); past the wait, errors.py answers 503.
POOL_SIZE = 64
POOL_WAIT_SECONDS = 10


def open_database(url):
    """Return an unconnected peewee database for a sqlite:/// or postgresql:// URL."""
    parsed = urlparse(url)
    if parsed.scheme == 'sqlite':
        path = url[len('sqlite:///'):] if url.startswith('sqlite:///') else parsed.path
        private_sqlite_file(path)
        # IMMEDIATE: a write transaction takes the lock at BEGIN, so two writers never
        # deadlock upgrading a read lock (SQLite would answer "database is locked" at once).
        return OfficeSqliteDatabase(path or ':memory:', pragmas=SQLITE_PRAGMAS, lock_type='IMMEDIATE',
                                    max_connections=POOL_SIZE, timeout=POOL_WAIT_SECONDS, stale_timeout=300,
                                    check_same_thread=False)
    if parsed.scheme in ('postgres', 'postgresql'):
        options = parse_url(url)
        if not options.get('database'):
            raise ValueError('LUOT_DATABASE_URL: %r names no database (postgresql://user@host/name)' % url)
        return OfficePostgresqlDatabase(max_connections=POOL_SIZE, timeout=POOL_WAIT_SECONDS, stale_timeout=300,
                                        **options)
    raise ValueError('LUOT_DATABASE_URL: unsupported database %r (use sqlite:/// or postgresql://)'
                     % parsed.scheme)


def supports_row_locks():
    """Whether SELECT ... FOR UPDATE is available (PostgreSQL); SQLite serialises writers instead."""
    return bool(getattr(db.obj, 'for_update', False))
