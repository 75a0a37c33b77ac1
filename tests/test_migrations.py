"""An office that upgrades keeps its data: an old schema is migrated in place."""
import datetime
import os
import sqlite3
import threading
import time

from server import create_app
from server.auth import hash_password
from server.db.database import CHECKPOINT_SECONDS
from server.db.migrations import SCHEMA_VERSION
from server.extensions import db
from server.models import (ApiToken, Appointment, Counter, CounterService, Dossier, LoginFailure, Media, MediaBoard,
                           PairingRequest, Procedure, Rating, SchemaVersion, Service, SocketConnection, Staff, Ticket)
from server.queueing import tickets


def make_version_1_database(path, tmp_path):
    """Build today's schema, then take it back to version 1 (before counters could pause)."""
    app = create_app({'DATA_DIR': str(tmp_path / 'seed'), 'DATABASE_URL': 'sqlite:///' + str(path),
                      'SCHEDULER': False, 'PRINTING': False})
    with db.connection_context():
        service = Service.create(code='CT', name='Chứng thực', prefix='A')
        CounterService.create(counter=Counter.create(number=1, name='Quầy 1'), service=service)
        with app.app_context():
            tickets.issue_ticket(service.code)
        # Versions before 7 printed fixed demo passwords.
        Staff.create(username='admin', role='admin', password_hash=hash_password('luot-admin'))
        Staff.create(username='quay1', role='counter', password_hash=hash_password('mat-khau-rieng'))
    db.obj.close_all()
    with sqlite3.connect(path) as conn:
        for column in ('session_epoch', 'must_change_password'):
            conn.execute('ALTER TABLE staff DROP COLUMN ' + column)
        conn.execute('ALTER TABLE api_token DROP COLUMN sound')
        for table in ('login_failure', 'socket_connection', 'pairing_request'):
            conn.execute('DROP TABLE ' + table)
        conn.execute('ALTER TABLE counter DROP COLUMN paused')
        conn.execute('ALTER TABLE ticket DROP COLUMN transfer_note')
        conn.execute('ALTER TABLE counter DROP COLUMN priority_streak')
        for column in ('bookable', 'slot_minutes', 'slot_capacity'):
            conn.execute('ALTER TABLE service DROP COLUMN ' + column)
        for table in ('appointment', 'outbox_message', 'inbound_message', 'dossier', 'procedure', 'opening_hours',
                      'holiday'):
            conn.execute('DROP TABLE ' + table)
        conn.execute('DROP INDEX ticket_counter_id_status')
        # The ticket indexes of versions 1 to 5.
        conn.execute('DROP INDEX ticket_status_service_id_day_queued_at')
        conn.execute('CREATE INDEX ticket_status_service_id_queued_at ON ticket (status, service_id, queued_at)')
        for column in ('status', 'origin_id', 'counter_id'):
            conn.execute('CREATE INDEX ticket_%s ON ticket (%s)' % (column, column))
        conn.execute('UPDATE schema_version SET version = 1')


def ticket_indexes():
    return {row[0]: row[1] for row in db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                                     "AND tbl_name = 'ticket' AND sql IS NOT NULL")}


def test_upgrade_keeps_data_and_adds_columns(tmp_path):
    create_app({'DATA_DIR': str(tmp_path / 'fresh'), 'SCHEDULER': False, 'PRINTING': False})
    with db.connection_context():
        fresh_indexes = ticket_indexes()
    db.obj.close_all()
    path = tmp_path / 'old.db'
    make_version_1_database(path, tmp_path)
    with sqlite3.connect(path) as conn:
        assert 'paused' not in [row[1] for row in conn.execute('PRAGMA table_info(counter)')]
    create_app({'DATA_DIR': str(tmp_path / 'new'), 'DATABASE_URL': 'sqlite:///' + str(path),
                'SCHEDULER': False, 'PRINTING': False})
    with db.connection_context():
        assert SchemaVersion.get().version == SCHEMA_VERSION
        counter = Counter.get(Counter.number == 1)
        assert counter.name == 'Quầy 1' and counter.paused is False and counter.priority_streak == 0
        assert [t.number for t in Ticket.select()] == ['A001']
        service = Service.get(Service.code == 'CT')
        assert service.bookable is True and service.slot_minutes == 30 and service.slot_capacity == 4
        assert Appointment.select().count() == 0   # the tables of version 4 exist
        # Versions 5 and 6: the ticket table has exactly the indexes of a new database.
        assert ticket_indexes() == fresh_indexes
        assert 'ticket_counter_id_status' in fresh_indexes and 'ticket_status' not in fresh_indexes
        # Version 7: session epochs, and demo accounts still on a fixed password must change it.
        staff = {s.username: s for s in Staff.select()}
        assert staff['admin'].must_change_password is True and staff['quay1'].must_change_password is False
        assert staff['admin'].session_epoch == staff['quay1'].session_epoch == 0
        assert LoginFailure.select().count() == SocketConnection.select().count() == 0   # the new tables exist
        # Version 8: devices' sound state, and the pairing codes' table.
        assert {t.sound for t in ApiToken.select()} <= {'unknown'} and PairingRequest.select().count() == 0
    db.obj.close_all()
    # Starting again is a no-op.
    create_app({'DATA_DIR': str(tmp_path / 'new'), 'DATABASE_URL': 'sqlite:///' + str(path),
                'SCHEDULER': False, 'PRINTING': False})
    with db.connection_context():
        assert Ticket.select().count() == 1
    db.obj.close_all()


def test_sqlite_runs_in_wal_mode(app):
    with db.connection_context():
        assert db.execute_sql('PRAGMA journal_mode').fetchone()[0] == 'wal'


def test_the_write_ahead_log_is_checkpointed_by_its_own_thread(app, office):
    """Commits only append to the log: copying it back into the database file (two fsyncs) is the
    checkpointer thread's job, not that of whichever commit fills the log."""
    path = db.obj.database
    with db.connection_context():
        assert db.execute_sql('PRAGMA wal_autocheckpoint').fetchone()[0] == 10000
        with app.app_context():
            tickets.issue_ticket('CT')
    time.sleep(CHECKPOINT_SECONDS * 3)   # the thread has caught up with the office's set-up
    before = os.stat(path).st_mtime_ns
    with db.connection_context(), app.app_context():
        for _ in range(100):   # some 2,000 pages: SQLite's own threshold is 1,000
            tickets.issue_ticket('CT')
    deadline = time.monotonic() + 5
    while os.stat(path).st_mtime_ns == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert os.stat(path).st_mtime_ns != before, 'nothing copied the log back into the database file'
    assert any(thread.name == 'luot-checkpoint' for thread in threading.enumerate())


def test_version_9_gets_procedure_details_files_in_progress_and_the_new_tables(tmp_path):
    """Version 10: a procedure keeps its row and gains short names and a guide link; a file marked ready
    keeps its dates and may now be recorded before its result (no ready time, no deadline yet)."""
    path = tmp_path / 'v9.db'
    create_app({'DATA_DIR': str(tmp_path / 'seed'), 'DATABASE_URL': 'sqlite:///' + str(path),
                'SCHEDULER': False, 'PRINTING': False})
    with db.connection_context():
        service = Service.create(code='HT', name='Hộ tịch', prefix='B')
        Procedure.create(service=service, name='Đăng ký khai sinh')
        Dossier.create(code='HS-001', name='Nguyễn Văn A', service=service, pickup_by=datetime.date(2026, 12, 10))
    db.obj.close_all()
    with sqlite3.connect(path) as conn:
        for column in ('aliases', 'guide_url', 'catalogue_key', 'sort_order'):
            conn.execute('ALTER TABLE procedure DROP COLUMN ' + column)
        conn.execute('DROP TABLE dossier')   # version 9's dossier: ready_at and pickup_by NOT NULL
        conn.execute('CREATE TABLE dossier (id INTEGER NOT NULL PRIMARY KEY, code VARCHAR(32) NOT NULL, '
                     'name VARCHAR(100) NOT NULL, phone VARCHAR(16), service_id INTEGER, status VARCHAR(16) NOT NULL, '
                     'ready_at DATETIME NOT NULL, pickup_by DATE NOT NULL, collected_at DATETIME, '
                     'created_by VARCHAR(100) NOT NULL, FOREIGN KEY (service_id) REFERENCES service (id) '
                     'ON DELETE SET NULL)')
        conn.execute('CREATE UNIQUE INDEX dossier_code ON dossier (code)')
        conn.execute("INSERT INTO dossier VALUES (1, 'HS-001', 'Nguyễn Văn A', NULL, 1, 'ready', "
                     "'2026-12-06 02:00:00', '2026-12-10', NULL, 'letan')")
        for table in ('rating', 'media_board', 'media'):
            conn.execute('DROP TABLE ' + table)
        conn.execute('UPDATE schema_version SET version = 9')
    create_app({'DATA_DIR': str(tmp_path / 'new'), 'DATABASE_URL': 'sqlite:///' + str(path),
                'SCHEDULER': False, 'PRINTING': False})
    with db.connection_context():
        assert SchemaVersion.get().version == SCHEMA_VERSION == 10
        procedure = Procedure.get()
        assert (procedure.name, procedure.aliases, procedure.guide_url, procedure.catalogue_key) == (
            'Đăng ký khai sinh', '', '', None)
        ready = Dossier.get(Dossier.code == 'HS-001')
        assert (ready.status, ready.pickup_by, ready.created_by) == ('ready', datetime.date(2026, 12, 10), 'letan')
        assert ready.pickup_code is None and ready.received_at is None
        Dossier.create(code='HS-002', name='Trần Thị B', status='processing', ready_at=None, pickup_by=None,
                       due_on=datetime.date(2026, 12, 12))
        assert Dossier.get(Dossier.code == 'HS-002').ready_at is None
        assert Rating.select().count() == Media.select().count() == MediaBoard.select().count() == 0
    db.obj.close_all()
