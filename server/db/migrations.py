"""The schema's versions: a new database is created at the latest, an older one migrated in place."""
import logging

from peewee import CharField, IntegerField
from playhouse.migrate import SchemaMigrator, migrate
from werkzeug.security import check_password_hash

from server.db.database import supports_row_locks
from server.extensions import db
from server.models import MODELS, ApiToken, Counter, Dossier, Procedure, SchemaVersion, Service, Staff

log = logging.getLogger(__name__)


def _add_counter_paused(migrator):
    """Version 2: counters can be paused (Tạm dừng) without being deactivated."""
    migrate(migrator.add_column('counter', 'paused', Counter.paused))


def _add_counter_priority_streak(migrator):
    """Version 3: the count of priority tickets a counter called in a row."""
    migrate(migrator.add_column('counter', 'priority_streak',
                                IntegerField(default=0)))


def _add_service_booking(migrator):
    """Version 4: services take appointments in slots (the appointment tables are created below)."""
    migrate(migrator.add_column('service', 'bookable', Service.bookable),
            migrator.add_column('service', 'slot_minutes', Service.slot_minutes),
            migrator.add_column('service', 'slot_capacity', Service.slot_capacity))


def _index_tickets_by_counter(_migrator):
    """Version 5: a counter's current tickets are found by an index, not among all it called today."""
    db.execute_sql('CREATE INDEX IF NOT EXISTS "ticket_counter_id_status" ON "ticket" ("counter_id", "status")')


def _index_lines_by_day(_migrator):
    """Version 6: a line's waiting tickets of a day are counted in one index alone (people ahead, the
    boards' counts), and three indexes that others start with are dropped: fewer pages per ticket."""
    db.execute_sql('CREATE INDEX IF NOT EXISTS "ticket_status_service_id_day_queued_at" '
                   'ON "ticket" ("status", "service_id", "day", "queued_at")')
    for name in ('ticket_status_service_id_queued_at', 'ticket_status', 'ticket_origin_id', 'ticket_counter_id'):
        db.execute_sql('DROP INDEX IF EXISTS "%s"' % name)


def _add_staff_sessions(migrator):
    """Version 7: a session epoch per staff member (logging out ends every session) and the flag of a
    password that must be changed at the next login; failed logins and open sockets get tables (below).
    Demo accounts still using the fixed passwords that versions before 7 printed must change them."""
    migrate(migrator.add_column('staff', 'session_epoch', Staff.session_epoch),
            migrator.add_column('staff', 'must_change_password', Staff.must_change_password))
    # Only the columns of version 7: later versions may add others that do not exist yet at this step.
    demo = (Staff.select(Staff.id, Staff.username, Staff.password_hash)
            .where(Staff.username.in_(list(_FIXED_DEMO_PASSWORDS))))
    for staff in demo:
        if check_password_hash(staff.password_hash, _FIXED_DEMO_PASSWORDS[staff.username]):
            Staff.update(must_change_password=True).where(Staff.id == staff.id).execute()


_FIXED_DEMO_PASSWORDS = {'admin': 'luot-admin', 'letan': 'luot-letan', 'quay1': 'luot-quay', 'quay2': 'luot-quay',
                         'tongdai': 'luot-tongdai'}


def _add_device_pairing(migrator):
    """Version 8: boards and kiosks report whether they can play sound; the pairing codes get a table (below)."""
    migrate(migrator.add_column('api_token', 'sound', ApiToken.sound))


def _add_transfer_note(migrator):
    """Version 9: a transferred ticket carries staff's note to the counter that calls it next."""
    migrate(migrator.add_column('ticket', 'transfer_note', CharField(max_length=200, null=True)))


def _add_office_information(migrator):
    """Version 10: procedures carry short names, a guide link and their catalogue entry; files (hồ sơ) can be
    received before their result is ready and carry a pickup code; ratings and board media get tables (below)."""
    # A database older than version 4 has neither table yet: both are created whole afterwards.
    if db.table_exists('procedure'):
        migrate(migrator.add_column('procedure', 'aliases', Procedure.aliases),
                migrator.add_column('procedure', 'guide_url', Procedure.guide_url),
                migrator.add_column('procedure', 'catalogue_key', Procedure.catalogue_key),
                migrator.add_column('procedure', 'sort_order', Procedure.sort_order))
    if db.table_exists('dossier'):
        migrate(migrator.add_column('dossier', 'received_at', Dossier.received_at),
                migrator.add_column('dossier', 'due_on', Dossier.due_on),
                migrator.add_column('dossier', 'pickup_code', Dossier.pickup_code),
                migrator.drop_not_null('dossier', 'ready_at'),
                migrator.drop_not_null('dossier', 'pickup_by'))


# Each entry brings a database from version N-1 to N; never edit one that has shipped.
MIGRATIONS = {
    2: _add_counter_paused,
    3: _add_counter_priority_streak,
    4: _add_service_booking,
    5: _index_tickets_by_counter,
    6: _index_lines_by_day,
    7: _add_staff_sessions,
    8: _add_device_pairing,
    9: _add_transfer_note,
    10: _add_office_information,
}
SCHEMA_VERSION = max(MIGRATIONS)


def current_version():
    if not db.table_exists(SchemaVersion._meta.table_name):
        return None
    row = SchemaVersion.select().first()
    return row.version if row else None


def upgrade_schema():
    """Create a new database at the latest version, or migrate an older one in place."""
    with db.connection_context():
        version = current_version()
        if version is None:
            with db.atomic():
                db.create_tables(MODELS, safe=True)
                SchemaVersion.delete().execute()
                SchemaVersion.create(version=SCHEMA_VERSION)
            return SCHEMA_VERSION
        migrator = SchemaMigrator.from_database(db.obj)
        sqlite = not supports_row_locks()
        if sqlite:   # SQLite rebuilds a table to change a column: references to it must not block that
            db.execute_sql('PRAGMA foreign_keys = OFF')
        try:
            for target in sorted(v for v in MIGRATIONS if v > version):
                log.info('migrating the database to schema version %d', target)
                with db.atomic():
                    MIGRATIONS[target](migrator)
                    SchemaVersion.update(version=target).execute()
        finally:
            if sqlite:
                db.execute_sql('PRAGMA foreign_keys = ON')
        # Tables added in later versions are created here; creating is idempotent.
        db.create_tables(MODELS, safe=True)
        return max(version, SCHEMA_VERSION)
