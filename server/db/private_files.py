"""The office's files are the server account's alone: citizens' data and the key that signs sessions.

On POSIX systems the data folder is created 0700 and the secret key and the SQLite files (the
database and its -wal and -shm, which SQLite creates with the database's own mode) 0600; files left
readable by others by an older version are tightened at start. Windows keeps its folder's ACLs.
"""
import os
from pathlib import Path

POSIX = os.name == 'posix'
SQLITE_COMPANIONS = ('', '-wal', '-shm', '-journal')


def private_folder(path):
    """The folder, created with its parents if missing; a folder created here is the owner's only."""
    Path(path).mkdir(parents=True, exist_ok=True, mode=0o700)


def tighten(path):
    """Make an existing file readable and writable by its owner only (nothing to do elsewhere)."""
    if not POSIX:
        return
    try:
        if os.stat(path).st_mode & 0o077:
            os.chmod(path, 0o600)
    except FileNotFoundError:
        pass


def create_private(path, text=''):
    """Create a new file holding `text`, 0600 from the first byte; FileExistsError if it exists."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_BINARY', 0), 0o600)
    with os.fdopen(descriptor, 'w', encoding='utf-8') as handle:
        handle.write(text)


def private_sqlite_file(path):
    """Before SQLite opens `path`: an empty database file made 0600 (so are the -wal and -shm SQLite
    makes beside it), or an existing database and its companions tightened."""
    if not path or path == ':memory:' or path.startswith('file:'):
        return
    try:
        create_private(path)
    except FileExistsError:
        pass
    except OSError:
        return      # a folder that does not exist: SQLite says so, as it always did
    for suffix in SQLITE_COMPANIONS:
        tighten(path + suffix)
