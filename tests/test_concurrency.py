"""No ticket is ever numbered twice or called by two counters, under concurrency, on SQLite and PostgreSQL."""
import collections
import threading

import pytest

from server import create_app
from server.errors import QueueError
from server.extensions import db
from server.models import AuditEvent, Ticket
from server.queueing import tickets
from tests.conftest import make_counter, make_service, need
from tests.helpers import drop_postgres_tables, postgres_available, postgres_url

# The shared PostgreSQL test database or Redis: with several pytest-xdist workers one runs them all.
pytestmark = pytest.mark.services

THREADS = 12
TICKETS = 240
COUNTERS = 6


@pytest.fixture(params=['sqlite', 'postgres'])
def busy_app(request, tmp_path):
    config = {'DATA_DIR': str(tmp_path / 'data'), 'SCHEDULER': False, 'PRINTING': False, 'TESTING': True}
    if request.param == 'postgres':
        need(postgres_available(), 'PostgreSQL is not reachable at %s' % postgres_url())
        drop_postgres_tables()
        config['DATABASE_URL'] = postgres_url()
    app = create_app(config)
    make_service('CT', 'Chứng thực', 'A')
    for number in range(1, COUNTERS + 1):
        make_counter(number, ['CT'])
    yield app
    app.extensions['luot'].stop(30)
    db.obj.close_all()


def run_threads(target, count=THREADS):
    errors = []

    def guarded(index):
        try:
            target(index)
        except Exception as error:  # collected and re-raised in the test thread
            errors.append(error)
    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), 'a worker thread hung'
    assert not errors, errors[:3]


def test_concurrent_issue_never_numbers_twice(busy_app):
    def issue_many(_index):
        with busy_app.app_context(), db.connection_context():
            for _ in range(TICKETS // THREADS):
                tickets.issue_ticket('CT')
    run_threads(issue_many)
    with busy_app.app_context(), db.connection_context():
        numbers = [t.number for t in Ticket.select()]
    assert len(numbers) == TICKETS
    assert sorted(numbers) == ['A%03d' % n for n in range(1, TICKETS + 1)]


def test_hammered_call_next_calls_each_ticket_once(busy_app):
    with busy_app.app_context(), db.connection_context():
        for _ in range(TICKETS):
            tickets.issue_ticket('CT')
    calls = collections.Counter()
    lock = threading.Lock()

    def hammer(index):
        counter = index % COUNTERS + 1
        with busy_app.app_context(), db.connection_context():
            for _ in range(TICKETS):   # bounded: more attempts than tickets
                try:
                    ticket = tickets.call_next(counter, actor='thread %d' % index)
                except QueueError as error:
                    assert error.code == 'queue_empty'
                    return
                with lock:
                    calls[ticket.id] += 1
    run_threads(hammer)
    assert len(calls) == TICKETS and set(calls.values()) == {1}
    with busy_app.app_context(), db.connection_context():
        called_events = collections.Counter(e.ticket_id for e in AuditEvent.select().where(AuditEvent.action == 'called'))
        active = list(Ticket.select().where(Ticket.status.in_(('called', 'serving'))))
        assert Ticket.select().where(Ticket.status == 'waiting').count() == 0
    assert set(called_events.values()) == {1}
    # At most one current ticket per counter, however the threads interleaved.
    per_counter = collections.Counter(t.counter_id for t in active)
    assert all(n == 1 for n in per_counter.values())
