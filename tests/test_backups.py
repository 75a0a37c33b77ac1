"""The office's records survive (issue 17, point 11): `run.py backup` while kiosks issue, `run.py restore` into a
new folder and the numbering goes on, a folder in use or a file that is no backup is refused, the nightly
backups keep `backup_keep`, a damaged database is found at start, and a full disk is a clear 503 that loses
nothing acknowledged and heals by itself."""
import os
import random
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from server.db import backups
from server.extensions import db
from server.host import jobs
from tests.conftest import ROOT, bearer, free_port, need
from tests.helpers import call_api, postgres_available, postgres_url, wait_for
from tests.pages import WAIT, open_kiosk, take_ticket

# The shared PostgreSQL test database or Redis: with several pytest-xdist workers one runs them all.
pytestmark = pytest.mark.services


def run_py(*args, env=None, timeout=120):
    return subprocess.run([sys.executable, str(ROOT / 'run.py'), *map(str, args)], cwd=str(ROOT), capture_output=True,
                          text=True, timeout=timeout, env=env)


def set_up_office(server):
    """One service, one counter, and the tokens: (admin, kiosk)."""
    admin, kiosk = server.token('admin'), server.token('kiosk')
    assert call_api(server, 'POST', '/services', admin, {'code': 'CT', 'name': 'Chứng thực', 'prefix': 'A'})[0] == 201
    assert call_api(server, 'POST', '/counters', admin, {'number': 1, 'name': 'Quầy 1', 'services': ['CT']})[0] == 201
    assert call_api(server, 'PATCH', '/settings', admin, {'admission_cap': 0})[0] == 200    # no cap on the waiting area
    return admin, kiosk


def try_issue(server, kiosk):
    """(status, answer) of a kiosk's ticket: a refusal is an answer too."""
    return call_api(server, 'POST', '/tickets', kiosk, {'service': 'CT', 'print': False})


def sequence(ticket):
    return int(ticket['number'][1:])


@pytest.mark.slow
def test_backup_while_kiosks_issue_then_restore_elsewhere_and_numbering_goes_on(live_server, tmp_path):
    server = live_server()
    admin, kiosk = set_up_office(server)
    acknowledged, failures, stop = [], [], threading.Event()

    def kiosk_loop():
        while not stop.is_set():
            status, answer = try_issue(server, kiosk)
            if status == 201:
                acknowledged.append((time.monotonic(), answer))    # the 201 is in hand: acknowledged
            else:
                failures.append((status, answer))
    kiosks = [threading.Thread(target=kiosk_loop) for _ in range(4)]
    for thread in kiosks:
        thread.start()
    try:
        assert wait_for(lambda: len(acknowledged) >= 40, timeout=60)
        started = time.monotonic()
        out = run_py('backup', '--data-dir', server.data_dir)
        ended = time.monotonic()
        count = len(acknowledged)
        assert wait_for(lambda: len(acknowledged) >= count + 20, timeout=60)   # still serving after it
    finally:
        stop.set()
        for thread in kiosks:
            thread.join(timeout=60)
    assert out.returncode == 0 and failures == [], (out.stderr, failures[:3])
    copy = Path(out.stdout.strip().splitlines()[-1])
    assert copy.parent == server.data_dir / 'backups' and copy.name.startswith('luot-') and copy.suffix == '.db'
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    before = [ticket for at, ticket in acknowledged if at < started]
    during = [ticket for at, ticket in acknowledged if started <= at <= ended]
    assert len(before) >= 40 and during, 'the kiosks were served while the backup ran'

    office = tmp_path / 'restored'
    restored = run_py('restore', copy, '--data-dir', office)
    assert restored.returncode == 0, restored.stderr
    again = live_server(data_dir=office)
    present = []
    for _at, ticket in acknowledged:
        status, answer = call_api(again, 'GET', '/tickets/%d' % ticket['id'], admin)   # the tokens came along
        if status == 200:
            assert answer['number'] == ticket['number']
            present.append(sequence(ticket))
        else:
            assert status == 404
    assert {sequence(t) for t in before} <= set(present), 'a ticket acknowledged before the backup is missing'
    assert sorted(present) == list(range(1, len(present) + 1))      # one instant: no gap
    status, following = try_issue(again, kiosk)
    assert status == 201 and sequence(following) == len(present) + 1


def test_restore_refuses_a_folder_in_use_and_files_that_are_no_backup(live_server, tmp_path):
    server = live_server()
    admin, kiosk = set_up_office(server)
    first = try_issue(server, kiosk)[1]
    copy = Path(run_py('backup', '--data-dir', server.data_dir, '--to', tmp_path / 'copy.db').stdout.split()[-1])
    assert copy == tmp_path / 'copy.db' and copy.exists()
    second = try_issue(server, kiosk)[1]

    assert stat.S_IMODE((server.data_dir / 'luot.lock').stat().st_mode) == 0o600    # the server's, held
    refused = run_py('restore', copy, '--data-dir', server.data_dir)
    assert refused.returncode == 2 and 'đang chạy' in refused.stderr and 'is serving' in refused.stderr
    assert 'Traceback' not in refused.stderr
    assert call_api(server, 'GET', '/tickets/%d' % second['id'], admin)[0] == 200   # untouched, still serving

    junk = tmp_path / 'notes.db'
    junk.write_text('không phải cơ sở dữ liệu')
    empty = tmp_path / 'empty.db'
    sqlite3.connect(str(empty)).execute('CREATE TABLE other (x)').connection.close()
    damaged = tmp_path / 'damaged.db'
    shutil.copyfile(copy, damaged)
    with open(damaged, 'r+b') as handle:     # every page but the first overwritten
        handle.seek(4096)
        handle.write(random.Random(7).randbytes(damaged.stat().st_size - 4096))
    for bad, says in ((junk, 'không phải bản sao lưu'), (empty, 'không phải bản sao lưu'),
                      (damaged, 'không phải bản sao lưu|bị hỏng'), (tmp_path / 'missing.db', 'không có tệp')):
        out = run_py('restore', bad, '--data-dir', tmp_path / 'elsewhere')
        assert out.returncode == 2 and any(s in out.stderr for s in says.split('|')), (bad, out.stderr)
        assert 'Traceback' not in out.stderr

    assert server.stop() == 0
    done = run_py('restore', copy, '--data-dir', server.data_dir)      # stopped: now it may
    assert done.returncode == 0, done.stderr
    kept = list((server.data_dir / 'backups').glob('luot-before-restore-*.db'))
    assert len(kept) == 1 and kept[0].name in done.stdout
    again = live_server(data_dir=server.data_dir)
    assert call_api(again, 'GET', '/tickets/%d' % first['id'], admin)[0] == 200
    assert call_api(again, 'GET', '/tickets/%d' % second['id'], admin)[0] == 404     # after the copy: not in it
    # the database set aside still holds it (its write-ahead log moved with it)
    connection = sqlite3.connect(str(kept[0]))
    assert connection.execute('SELECT count(*) FROM ticket WHERE id = ?', (second['id'],)).fetchone() == (1,)
    connection.close()


def test_nightly_backups_keep_the_newest_and_skip_at_start_after_a_recent_one(app, office):
    import datetime
    config = app.config
    moments = [datetime.datetime(2026, 6, d, 17, 30, tzinfo=datetime.timezone.utc) for d in range(1, 6)]
    made = [backups.nightly(config, keep=3, now=moment) for moment in moments]
    names = [p.name for p in backups.backups(config['DATA_DIR'])]
    assert names == ['luot-20260606-003000.db', 'luot-20260605-003000.db', 'luot-20260604-003000.db']
    assert not made[0].exists() and made[-1].exists()
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in backups.backups(config['DATA_DIR']))
    assert stat.S_IMODE(backups.backup_folder(config['DATA_DIR']).stat().st_mode) == 0o700
    assert backups.nightly(config, keep=3, at_start=True) is None        # one was made minutes ago
    for path in backups.backups(config['DATA_DIR']):
        os.utime(path, (time.time() - 86400, time.time() - 86400))     # a PC that was off last night
    assert backups.nightly(config, keep=3, at_start=True) is not None
    assert len(backups.backups(config['DATA_DIR'])) == 3


def test_the_nightly_job_purges_then_backs_up_with_the_setting(app, client, office, tokens):
    client.patch('/api/v1/settings', json={'backup_keep': 2}, headers=bearer(tokens['admin']))
    client.post('/api/v1/tickets', json={'service': 'CT', 'print': False}, headers=bearer(tokens['kiosk']))
    folder = backups.backup_folder(app.config['DATA_DIR'])
    folder.mkdir(mode=0o700)
    for name in ('luot-20200101-003000.db', 'luot-20200102-003000.db', 'luot-20200103-003000.db', 'notes.txt'):
        (folder / name).write_text('old')
    jobs.nightly_records(app)
    kept = backups.backups(app.config['DATA_DIR'])
    assert len(kept) == 2 and kept[1].name == 'luot-20200103-003000.db' and (folder / 'notes.txt').exists()
    connection = sqlite3.connect(str(kept[0]))
    assert connection.execute('SELECT count(*) FROM ticket').fetchone() == (1,)
    connection.close()


def damage_pages(path):
    """Overwrite every page after the first with noise (the header still says SQLite)."""
    with open(path, 'r+b') as handle:
        handle.seek(4096)
        handle.write(random.Random(11).randbytes(path.stat().st_size - 4096))


def test_a_damaged_database_stops_the_start_and_names_the_newest_backup(tmp_path):
    office = tmp_path / 'office'
    assert run_py('token', 'create', '--role', 'admin', '--name', 'x', '--data-dir', office).returncode == 0
    older = run_py('backup', '--data-dir', office).stdout.split()[-1]
    time.sleep(1.1)      # the backups' names have one-second steps
    newest = run_py('backup', '--data-dir', office).stdout.split()[-1]
    assert older != newest
    database = office / 'luot.db'
    connection = sqlite3.connect(str(database))
    connection.execute('PRAGMA wal_checkpoint(TRUNCATE)')
    connection.close()        # the last connection: the write-ahead log is folded in and removed
    assert database.stat().st_size > 4096 * 4 and not Path(str(database) + '-wal').exists()
    damage_pages(database)
    out = run_py('--data-dir', office, '--host', '127.0.0.1', '--port', free_port(), timeout=60)
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert 'bị hỏng' in out.stderr and 'damaged' in out.stderr and newest in out.stderr and older not in out.stderr
    assert 'python run.py restore %s --data-dir' % newest in out.stderr and 'Traceback' not in out.stderr
    assert 'Lượt đang chạy' not in out.stdout


def test_a_damaged_database_without_backups_says_so(tmp_path):
    office = tmp_path / 'office'
    office.mkdir()
    (office / 'luot.db').write_bytes(b'SQLite format 3\x00' + bytes(4080) + b'\xff' * 8192)
    out = run_py('--data-dir', office, '--host', '127.0.0.1', '--port', free_port(), timeout=60)
    assert out.returncode == 2 and 'bị hỏng' in out.stderr and 'chưa có bản sao lưu' in out.stderr, out.stderr


def test_postgres_without_pg_dump_is_said_plainly(tmp_path):
    env = dict(os.environ, LUOT_DATABASE_URL='postgresql://nobody@127.0.0.1:1/none', PATH=str(tmp_path))
    out = run_py('backup', '--data-dir', tmp_path / 'office', env=env)
    assert out.returncode == 2 and 'pg_dump' in out.stderr and 'postgresql-client' in out.stderr
    assert 'Traceback' not in out.stderr and out.stdout == ''


@pytest.mark.postgres
def test_postgres_is_backed_up_with_pg_dump(tmp_path):
    need(postgres_available(), 'PostgreSQL is not reachable at %s' % postgres_url())
    need(shutil.which('pg_dump') is not None, 'pg_dump is not installed')
    env = dict(os.environ, LUOT_DATABASE_URL=postgres_url())
    out = run_py('backup', '--data-dir', tmp_path / 'office', env=env)
    assert out.returncode == 0, out.stderr
    dump = Path(out.stdout.split()[-1])
    assert dump.suffix == '.dump' and dump.read_bytes()[:5] == b'PGDMP'
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    refused = run_py('restore', dump, '--data-dir', tmp_path / 'office', env=env)
    assert refused.returncode == 2 and 'pg_restore' in refused.stderr


# A full disk --------------------------------------------------------------------------------------------
# SQLite answers SQLITE_FULL when a write needs a page the disk (or the connection's max_page_count) cannot
# give. A file size limit (RLIMIT_FSIZE) is no stand-in: SQLite retries the short write, gets EFBIG and says
# "disk I/O error" instead. So the pool's connections are given a max_page_count a few pages above the
# database's size: a real SQLITE_FULL, through the whole request, while the rest of the server runs as ever.

def limit_database(monkeypatch, pages=None):
    """From now on the pool's connections may grow the database by `pages` pages (None: no limit)."""
    pragmas = [p for p in db.obj._pragmas if p[0] != 'max_page_count']
    if pages is not None:
        with db.connection_context():
            size = db.execute_sql('PRAGMA page_count').fetchone()[0]
        pragmas.append(('max_page_count', size + pages))
    db.obj.close_all()      # the idle connections go; new ones are opened with the pragmas
    monkeypatch.setattr(db.obj, '_pragmas', pragmas)


def test_a_full_disk_is_a_clear_503_loses_nothing_acknowledged_and_heals_by_itself(app, client, office, tokens,
                                                                                   monkeypatch):
    kiosk = bearer(tokens['kiosk'])
    client.patch('/api/v1/settings', json={'admission_cap': 0}, headers=bearer(tokens['admin']))

    def issue_here(**headers):
        answer = client.post('/api/v1/tickets', json={'service': 'CT', 'print': False, 'name': 'Nguyễn Văn An'},
                             headers=dict(kiosk, **headers))
        return answer.status_code, answer.get_json()
    acknowledged = [issue_here()[1] for _ in range(3)]
    limit_database(monkeypatch, pages=4)
    refusal = None
    for _ in range(2000):
        status, answer = issue_here()
        if status != 201:
            refusal = (status, answer)
            break
        acknowledged.append(answer)
    assert refusal is not None, 'the disk never filled up'
    assert refusal[0] == 503 and refusal[1]['error']['code'] == 'disk_full', refusal
    message = refusal[1]['error']['message']
    assert 'hết chỗ lưu dữ liệu' in message and 'thử lại sau ít phút' in message and 'không bị mất' in message
    from server.api.openapi import spec
    assert '503' in spec()['paths']['/api/v1/tickets']['post']['responses']      # documented
    status, english = issue_here(**{'Accept-Language': 'en'})
    assert status == 503 and 'run out of storage space' in english['error']['message']   # still full, never a 500
    queue = client.get('/api/v1/queue', headers=kiosk).get_json()
    assert queue['services'][0]['waiting'] == len(acknowledged)      # reading goes on

    limit_database(monkeypatch, None)        # room again; the server itself was not touched
    status, following = issue_here()
    assert status == 201 and sequence(following) == sequence(acknowledged[-1]) + 1   # no number lost or skipped
    acknowledged.append(following)
    db.obj.close_all()
    path = app.config['DATABASE_URL'][len('sqlite:///'):]
    connection = sqlite3.connect(path)       # what a restart would read from the file
    stored = dict(connection.execute('SELECT id, number FROM ticket').fetchall())
    issued = connection.execute("SELECT count(*) FROM audit_event WHERE action = 'issued'").fetchone()[0]
    connection.close()
    assert stored == {t['id']: t['number'] for t in acknowledged} and issued == len(acknowledged)


def serving_pid(server):
    """The process that runs the app: gunicorn's worker (the child of run.py), or run.py itself."""
    children = Path('/proc/%d/task/%d/children' % (server.process.pid, server.process.pid))
    found = children.read_text().split() if children.exists() else []
    return int(found[0]) if found else server.process.pid


@pytest.mark.slow
def test_a_database_that_cannot_grow_in_a_live_server_is_a_503_at_commit_and_heals(live_server):
    """The other way a disk refuses a write: in WAL mode the write-ahead log grows at COMMIT, and SQLite ends a
    transaction whose commit fails by itself. A file size limit on the serving process (its database may not
    grow) makes exactly that happen in a real server: a clear 503, nothing acknowledged lost, healed by itself."""
    import resource
    need(sys.platform.startswith('linux') and hasattr(resource, 'prlimit'), 'needs Linux (prlimit)')
    server = live_server()
    admin, kiosk = set_up_office(server)
    acknowledged = [try_issue(server, kiosk)[1] for _ in range(3)]
    worker = serving_pid(server)
    largest = max(f.stat().st_size for f in server.data_dir.glob('luot.db*'))
    resource.prlimit(worker, resource.RLIMIT_FSIZE, (largest + 16 * 4096, resource.RLIM_INFINITY))
    try:
        refusal = None
        for _ in range(5000):
            status, answer = try_issue(server, kiosk)
            if status != 201:
                refusal = (status, answer)
                break
            acknowledged.append(answer)
        assert refusal is not None, 'the database never stopped growing'
        assert refusal[0] == 503 and refusal[1]['error']['code'] == 'storage_error', refusal
        assert 'không ghi được dữ liệu' in refusal[1]['error']['message']
        status, queue = call_api(server, 'GET', '/queue', admin)
        assert status == 200 and queue['services'][0]['waiting'] == len(acknowledged)
    finally:
        resource.prlimit(worker, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    status, following = try_issue(server, kiosk)
    assert status == 201 and sequence(following) == sequence(acknowledged[-1]) + 1
    acknowledged.append(following)
    assert 'unexpected error' not in server.log_text()      # refused plainly, not as a crash
    assert server.stop() == 0
    again = live_server(data_dir=server.data_dir)
    for ticket in acknowledged:
        status, answer = call_api(again, 'GET', '/tickets/%d' % ticket['id'], admin)
        assert status == 200 and answer['number'] == ticket['number']
    assert call_api(again, 'GET', '/queue', admin)[1]['services'][0]['waiting'] == len(acknowledged)


@pytest.mark.browser
@pytest.mark.slow
def test_the_kiosk_says_so_in_vietnamese_when_the_disk_refuses_and_issues_again_after(live_server, page_in):
    import resource

    from playwright.sync_api import expect

    need(sys.platform.startswith('linux') and hasattr(resource, 'prlimit'), 'needs Linux (prlimit)')
    server = live_server()
    _admin, kiosk = set_up_office(server)
    page = open_kiosk(page_in, server)          # paired before the disk fills
    last = try_issue(server, kiosk)[1]
    worker = serving_pid(server)
    largest = max(f.stat().st_size for f in server.data_dir.glob('luot.db*'))
    resource.prlimit(worker, resource.RLIMIT_FSIZE, (largest + 16 * 4096, resource.RLIM_INFINITY))
    try:
        # Until the refusals last: a checkpoint that still fits may empty the write-ahead log once more.
        refusals = 0
        for _ in range(5000):
            status, answer = try_issue(server, kiosk)
            if status == 201:
                last, refusals = answer, 0
                continue
            assert status == 503, answer
            refusals += 1
            if refusals == 20:
                break
            time.sleep(0.05)
        assert refusals == 20
        page.locator('.service', has_text='Chứng thực').click()
        refused = take_ticket(page)
        assert refused['error']['code'] == 'storage_error'
        expect(page.locator('#options-error')).to_contain_text('không ghi được dữ liệu', timeout=WAIT)
        expect(page.locator('#screen-options')).to_be_visible()        # the citizen can simply try again
    finally:
        resource.prlimit(worker, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    ticket = take_ticket(page)
    expect(page.locator('#ticket-number')).to_have_text(ticket['number'], timeout=WAIT)
    assert sequence(ticket) == sequence(last) + 1
