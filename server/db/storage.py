"""The office's database on disk: the lock a serving office holds, finding a damaged file.

A serving office holds a shared lock on DATA_DIR/luot.lock for as long as it runs (gunicorn's workers
inherit it); `run.py restore` takes it exclusively, so it never swaps the database under a running server
and no server starts in the middle of a restore. The kernel drops the lock when the process dies.
"""
import logging
import os
import sqlite3
from pathlib import Path
from urllib.request import pathname2url

log = logging.getLogger(__name__)
LOCK_NAME = 'luot.lock'


class RecordsError(Exception):
    """A refusal of the command line (backup, restore, a damaged database): shown as it is, exit code 2."""


def sqlite_file(config):
    """The path of the office's SQLite file, or None when it keeps its data in PostgreSQL."""
    url = config['DATABASE_URL']
    if not url.startswith('sqlite:'):
        return None
    return Path(url[len('sqlite:///'):] if url.startswith('sqlite:///') else url[len('sqlite:'):])


def connect_existing(path, read_only=False):
    """A plain sqlite3 connection to a file that must already exist (never creates an empty one)."""
    mode = 'ro' if read_only else 'rw'
    return sqlite3.connect('file:%s?mode=%s' % (pathname2url(str(Path(path).resolve())), mode), uri=True,
                           timeout=30)


class OfficeLock:
    """A non-blocking lock on DATA_DIR/luot.lock: shared by serving processes, exclusive for a restore."""

    def __init__(self, data_dir):
        self.path = Path(data_dir) / LOCK_NAME
        self.handle = None

    def acquire(self, exclusive=False):
        # Held open while the lock is held; empty, but the owner's only like every file of the office.
        handle = os.fdopen(os.open(str(self.path), os.O_RDWR | os.O_CREAT | getattr(os, 'O_BINARY', 0), 0o600), 'r+b')
        try:
            if os.name == 'nt':
                import msvcrt  # Windows has no shared locks: a server and a restore exclude each other all the same
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl
                fcntl.flock(handle.fileno(), (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self.handle = handle
        return True

    def release(self):
        if self.handle is not None:
            self.handle.close()     # closing the file drops the lock
            self.handle = None


_held = []


def hold_office(data_dir):
    """Mark the office in DATA_DIR as in use for the life of this process (refused during a restore)."""
    lock = OfficeLock(data_dir)
    if not lock.acquire(exclusive=False):
        raise RecordsError('một bản sao lưu đang được khôi phục vào %s; chờ xong rồi chạy lại / a backup is being '
                           'restored into %s; start again once it is done' % (data_dir, data_dir))
    _held.append(lock)
    return lock


def damage(path):
    """None when SQLite's quick_check finds the database file sound, else what it found (one line)."""
    try:
        connection = connect_existing(path)
        try:
            rows = [row[0] for row in connection.execute('PRAGMA quick_check').fetchall()]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:    # "file is not a database", "database disk image is malformed"
        return str(error)
    return None if rows == ['ok'] else '; '.join(rows[:3])
