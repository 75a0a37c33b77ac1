"""The precompiled statements' seam (server/queueing/statements.py): checked against the models and peewee's
own INSERT at first use; with another peewee or a changed model, logged and the plain peewee queries run.
The queue's rules hold the same on both paths, on SQLite and PostgreSQL."""
import pytest
from peewee import PostgresqlDatabase, SqliteDatabase

from server import extensions
from server.clock import office_day
from server.extensions import db
from server.models import AuditEvent, Counter, Service, Ticket, utcnow
from server.queueing import statements, tickets
from tests.conftest import ROOT, need
from tests.helpers import drop_postgres_tables, pinned, postgres_available, postgres_url


def test_setup_cfg_and_constraints_pin_the_peewee_the_texts_were_checked_against():
    requires, constraints = (ROOT / 'setup.cfg').read_text(), (ROOT / 'constraints.txt').read_text()
    for name, version in statements.TESTED_WITH.items():
        assert pinned(requires, name) == version and pinned(constraints, name) == version


@pytest.mark.parametrize('database', [SqliteDatabase(':memory:'), PostgresqlDatabase('unused')])
def test_the_texts_match_the_models_in_both_dialects(database):
    assert statements.mismatch(database) is None   # no connection needed: names and peewee's own SQL


@pytest.mark.parametrize('change, reason', [
    (lambda m: m.setattr(Ticket.queued_at, 'column_name', 'queued'), 'statement next_in_line_ASC names queued_at'),
    (lambda m: m.setattr(Counter._meta, 'table_name', 'counters'), 'statement counter names counter'),
    (lambda m: m.setattr(statements, '_insert_text', lambda model, names, p: 'INSERT INTO "%s" ("id") VALUES (%s)' % (
        model._meta.table_name, p)), 'INSERT into Ticket differs from peewee'),
])
def test_a_model_that_no_longer_matches_the_texts_is_caught(monkeypatch, change, reason):
    change(monkeypatch)
    assert reason in statements.mismatch(SqliteDatabase(':memory:'))


@pytest.fixture(params=['sqlite', pytest.param('postgres', marks=pytest.mark.services)])
def app_config(request, app_config):
    if request.param == 'postgres':
        need(postgres_available(), 'PostgreSQL is not reachable at %s' % postgres_url())
        drop_postgres_tables()
        return dict(app_config, DATABASE_URL=postgres_url())
    return app_config


@pytest.fixture(params=['precompiled', 'plain'])
def path(request, monkeypatch):
    """Which statements run: the precompiled texts, or the plain queries because peewee is another version."""
    monkeypatch.setattr(statements, '_usable', {})
    if request.param == 'plain':
        real = extensions.metadata.version
        monkeypatch.setattr(extensions.metadata, 'version', lambda name: '4.99.0' if name == 'peewee' else real(name))
    return request.param


def test_the_queue_rules_hold_on_both_paths(app, office, path, caplog):
    with caplog.at_level('WARNING', logger='server.queueing.statements'), app.app_context(), db.connection_context():
        a1, a2, a3 = (tickets.issue_ticket('CT', priority=priority) for priority in (False, True, False))
        b1 = tickets.issue_ticket('HT')
        assert [t.number for t in (a1, a2, a3, b1)] == ['A001', 'A002', 'A003', 'B001']
        by_code = {Service.get_by_id(service_id).code: count
                   for service_id, count in statements.count_waiting_by_service(office_day(utcnow())).items()}
        assert by_code == {'CT': 3, 'HT': 1}
        second = Counter.get(Counter.number == 2)
        assert statements.next_in_line(second.id, a1.day, priority_first=True) == [a2.id, a1.id, a3.id, b1.id]
        assert statements.next_in_line(second.id, a1.day, priority_first=False, limit=2) == [a1.id, a3.id]

        assert tickets.call_next(1).number == 'A002'
        assert statements.counter_by_number(1).priority_streak == 1
        assert tickets.call_next(1).number == 'A001'   # A002 finished in the same transaction
        assert statements.counter_by_number(1, lock=tickets.supports_row_locks()).priority_streak == 0
        assert statements.counter_by_number(9) is None
        assert [t.number for t in statements.active_at_counter(Counter.get(Counter.number == 1).id)] == ['A001']
        assert statements.claim(a1.id, second.id, None, utcnow()) == 0   # already called by counter 1
        done = statements.ticket_by_id(a2.id)
        assert done.status == 'done' and done.finished_at is not None and done.call_count == 1
        assert statements.ticket_by_id(10 ** 6) is None
        assert AuditEvent.select().where(AuditEvent.action == 'issued').count() == 4
    kind = type(db.obj)
    if path == 'plain':
        assert statements._usable == {kind: False}
        assert 'plain peewee queries instead: peewee is 4.99.0' in caplog.text
    else:
        assert statements._usable == {kind: True} and 'plain peewee' not in caplog.text
