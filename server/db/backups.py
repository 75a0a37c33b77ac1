"""Backups of the office's records: a consistent copy while the server serves, the nightly one, and restore.

SQLite: the online backup API copies the database in one step under one read transaction, so the copy is
the database as it stood at one instant (every ticket acknowledged before it began is in it), while
kiosks keep issuing (in WAL mode readers never block the writer). PostgreSQL: pg_dump, where installed.
Copies go to DATA_DIR/backups/luot-YYYYMMDD-HHMMSS.db (.dump for PostgreSQL), readable by the owner only;
the nightly job keeps the newest `backup_keep`.
"""
import datetime
import logging
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

from server.db.storage import OfficeLock, RecordsError, connect_existing, damage, sqlite_file

log = logging.getLogger(__name__)
FOLDER = 'backups'
NAME = re.compile(r'^luot-\d{8}-\d{6}\.(db|dump)$')
START_AGE = datetime.timedelta(hours=20)   # at start, a backup younger than this is enough (the PC was on last night)
OFFICE_TABLES = {'schema_version', 'service', 'ticket', 'daily_sequence', 'setting'}


def backup_folder(data_dir):
    return Path(data_dir) / FOLDER


def backups(data_dir):
    """The office's own backups (the nightly ones and `run.py backup` without --to), newest first."""
    folder = backup_folder(data_dir)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if NAME.match(p.name)), key=lambda p: p.name, reverse=True)


def newest_backup(data_dir):
    found = backups(data_dir)
    return found[0] if found else None


def _stamp(config, now=None):
    moment = now or datetime.datetime.now(datetime.timezone.utc)
    return moment.astimezone(ZoneInfo(config['TIMEZONE'])).strftime('%Y%m%d-%H%M%S')


def _private_file(path):
    """Create `path` empty and readable by the owner only, before anything is written into it."""
    os.close(os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))


def backup(config, to=None, now=None):
    """Write a consistent copy of the office's data to `to` (default: the backup folder); its path."""
    sqlite = sqlite_file(config)
    suffix = '.db' if sqlite else '.dump'
    if to is None:
        folder = backup_folder(config['DATA_DIR'])
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = folder / ('luot-%s%s' % (_stamp(config, now), suffix))
    else:
        target = Path(to).resolve()
        if target.is_dir():
            raise RecordsError('%s là một thư mục; hãy ghi tên tệp / %s is a folder: give a file name' % (to, to))
    partial = target.with_name(target.name + '.part')     # never a half-written file under a backup's name
    try:
        if sqlite:
            _copy_sqlite(sqlite, partial)
        else:
            _pg_dump(config['DATABASE_URL'], partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    log.info('backup written to %s', target)
    return target


def _copy_sqlite(source, target):
    if not source.exists():
        raise RecordsError('không có cơ sở dữ liệu ở %s / there is no database at %s' % (source, source))
    _private_file(target)
    try:
        origin = connect_existing(source)
    except sqlite3.Error as error:
        raise RecordsError('không mở được %s / cannot open %s: %s' % (source, source, error)) from None
    try:
        copy = sqlite3.connect(str(target))
        try:
            origin.backup(copy)                            # one step: one snapshot of the whole database
            copy.execute('PRAGMA journal_mode=DELETE')     # one self-contained file, no -wal beside it
            if copy.execute('PRAGMA quick_check').fetchone()[0] != 'ok':
                raise RecordsError('bản sao của %s bị lỗi: cơ sở dữ liệu có thể đã hỏng / the copy of %s fails '
                                   'its check: the database may be damaged' % (source, source))
        finally:
            copy.close()
    except sqlite3.Error as error:   # a full disk, a damaged source
        raise RecordsError('không sao lưu được / the backup failed: %s' % error) from None
    finally:
        origin.close()
    with open(target, 'rb+') as written:
        os.fsync(written.fileno())


def _pg_dump(url, target):
    program = shutil.which('pg_dump')
    if program is None:
        raise RecordsError('cơ sở dữ liệu là PostgreSQL nhưng máy này không có pg_dump: hãy cài gói postgresql-client '
                           '(cùng phiên bản với máy chủ) / the database is PostgreSQL but pg_dump is not installed '
                           'here: install postgresql-client (the server\'s version)')
    _private_file(target)
    done = subprocess.run([program, '--format=custom', '--no-owner', '--file', str(target), '--dbname', url],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RecordsError('pg_dump không sao lưu được / pg_dump failed: %s' % done.stderr.strip()[-500:])


def prune(data_dir, keep):
    """Delete the office's backups beyond the newest `keep`; the deleted paths."""
    removed = backups(data_dir)[max(1, int(keep)):]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def nightly(config, keep, at_start=False, now=None):
    """The nightly backup, then pruning; at start only when the newest is older than START_AGE (an office
    PC that is off at night is backed up when it starts). The new backup's path, or None."""
    newest = newest_backup(config['DATA_DIR'])
    if at_start and newest is not None:
        age = datetime.datetime.now().timestamp() - newest.stat().st_mtime
        if age < START_AGE.total_seconds():
            return None
    path = backup(config, now=now)
    prune(config['DATA_DIR'], keep)
    return path


def check_backup(path):
    """The schema version of a Lượt backup file; RecordsError for anything else (or a damaged copy)."""
    from server.db.migrations import SCHEMA_VERSION
    path = Path(path)
    if not path.is_file():
        raise RecordsError('không có tệp %s / no such file: %s' % (path, path))
    refusal = '%s không phải bản sao lưu của Lượt / %s is not a Lượt backup' % (path, path)
    try:
        connection = connect_existing(path, read_only=True)
        try:
            if connection.execute('PRAGMA quick_check').fetchone()[0] != 'ok':
                raise RecordsError('%s bị hỏng (quick_check) / %s is damaged (quick_check)' % (path, path))
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            row = connection.execute('SELECT max(version) FROM schema_version').fetchone() \
                if OFFICE_TABLES <= tables else None
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        raise RecordsError(refusal) from None
    if row is None or row[0] is None:
        raise RecordsError(refusal)
    if row[0] > SCHEMA_VERSION:
        raise RecordsError('%s do phiên bản Lượt mới hơn tạo ra (lược đồ %d); hãy cập nhật Lượt trước / %s was made '
                           'by a newer Lượt (schema %d): update Lượt first' % (path, row[0], path, row[0]))
    return row[0]


def restore(config, file, now=None):
    """Put a backup in place as the office's database; returns (its path, where the old database went or
    None). Refused while a server serves the office (it holds the office lock)."""
    target = sqlite_file(config)
    if target is None:
        raise RecordsError('cơ sở dữ liệu là PostgreSQL: khôi phục bằng pg_restore --clean --if-exists --no-owner '
                           '--dbname <LUOT_DATABASE_URL> <tệp>, khi máy chủ Lượt đã dừng / the database is '
                           'PostgreSQL: restore with pg_restore --clean --if-exists --no-owner --dbname '
                           '<LUOT_DATABASE_URL> <file> while the Lượt server is stopped')
    source = Path(file).resolve()
    check_backup(source)
    lock = OfficeLock(config['DATA_DIR'])
    if not lock.acquire(exclusive=True):
        raise RecordsError('máy chủ Lượt đang chạy với thư mục %s: hãy dừng nó trước khi khôi phục / a Lượt server '
                           'is serving %s: stop it before restoring' % (config['DATA_DIR'], config['DATA_DIR']))
    try:
        partial = target.with_name(target.name + '.restoring')
        _private_file(partial)
        shutil.copyfile(source, partial)
        with open(partial, 'rb+') as written:
            os.fsync(written.fileno())
        kept = _set_aside(config, target, now)
        os.replace(partial, target)
    finally:
        lock.release()
    log.info('restored %s into %s', source, target)
    return target, kept


def _set_aside(config, target, now):
    """Move the database being replaced (with its write-ahead log, which may hold its latest changes) into
    the backup folder under a name pruning never touches."""
    if not target.exists():
        return None
    folder = backup_folder(config['DATA_DIR'])
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    kept = folder / ('luot-before-restore-%s.db' % _stamp(config, now))
    os.replace(target, kept)
    for suffix in ('-wal', '-shm'):
        companion = target.with_name(target.name + suffix)
        if companion.exists():
            if suffix == '-wal':
                os.replace(companion, kept.with_name(kept.name + suffix))
            else:
                companion.unlink()
    return kept


def check_database(config):
    """At start: a damaged database file stops the server with a message naming the newest backup."""
    path = sqlite_file(config)
    if path is None or not path.exists():
        return
    found = damage(path)
    if found is None:
        return
    newest = newest_backup(config['DATA_DIR'])
    if newest is None:
        advice = ('chưa có bản sao lưu nào trong %s / no backup found in %s'
                  % (Path(config['DATA_DIR']) / 'backups', Path(config['DATA_DIR']) / 'backups'))
    else:
        advice = ('bản sao lưu mới nhất / newest backup: %s\n  python run.py restore %s --data-dir %s'
                  % (newest, newest, config['DATA_DIR']))
    raise RecordsError('cơ sở dữ liệu bị hỏng / the database is damaged: %s (%s)\n  %s' % (path, found, advice))
