"""The spooler: order, isolation of dead printers, retries, paper out, fast enqueue, restart."""
import functools
import json
import statistics
import time

import pytest

from printer.escpos_output import ticket_bytes
from printer.spooler import Spooler
from server.db.database import open_database
from server.extensions import db
from server.models import MODELS, Printer, PrintJob
from tests.fake_printer import FakePrinter
from tests.helpers import wait_for

wait_until = functools.partial(wait_for, timeout=5.0)   # a printer answers within a few seconds or not at all

FAST = dict(connect_timeout=0.5, backoff=(0.1, 0.2, 0.3))


def ticket(number):
    return {'office_name': 'UBND phường Bến Nghé', 'service_name': 'Hộ tịch', 'number': number,
            'issued_at': '23/11/2025 09:15', 'ahead': 1, 'estimated_wait_min': 3,
            'track_url': f'http://192.168.1.10:5000/t/{number}'}


def job(job_id):
    with db.connection_context():
        return PrintJob.get_by_id(job_id)


@pytest.fixture
def database(tmp_path):
    previous = db.obj
    database = open_database(f"sqlite:///{tmp_path / 'luot.db'}")
    db.initialize(database)
    with db.connection_context():
        db.create_tables(MODELS)
    yield database
    database.close_all()
    db.initialize(previous)


@pytest.fixture
def spoolers(database):
    """Make spoolers that are all stopped after the test."""
    made = []

    def make(**options):
        spooler = Spooler(**{**FAST, **options})
        made.append(spooler)
        return spooler
    yield make
    for spooler in made:
        spooler.stop(timeout=3)


class StatusLog:
    """An on_status callback that remembers what it was told."""

    def __init__(self):
        self.calls = []

    def __call__(self, uri, status, detail):
        self.calls.append((uri, status, detail))

    def statuses(self, uri):
        return [status for called, status, _ in self.calls if called == uri]


def test_jobs_print_in_order(spoolers):
    with FakePrinter() as fake:
        spooler = spoolers()
        spooler.start()
        numbers = [f'A{n:03d}' for n in range(1, 6)]
        ids = [spooler.enqueue(fake.uri, ticket(number)) for number in numbers]
        jobs = fake.wait_for_jobs(5, timeout=10)
        assert jobs == [ticket_bytes(ticket(number), 80) for number in numbers]
        assert wait_until(lambda: all(job(i).state == 'done' for i in ids))
        assert all(job(i).printed_at is not None for i in ids)


def test_paper_width_and_payload_are_frozen_in_the_job(spoolers):
    with FakePrinter() as fake:
        spooler = spoolers()
        job_id = spooler.enqueue(fake.uri, ticket('B007'), paper_width_mm=58)
        assert json.loads(job(job_id).payload)['number'] == 'B007'
        spooler.start()
        [printed] = fake.wait_for_jobs(1)
        assert printed == ticket_bytes(ticket('B007'), 58)


@pytest.mark.parametrize('dead_mode', ['off', 'silent'])
def test_dead_printer_does_not_delay_another(spoolers, dead_mode):
    with FakePrinter(mode=dead_mode) as dead, FakePrinter() as alive:
        spooler = spoolers()
        spooler.start()
        spooler.enqueue(dead.uri, ticket('A001'))
        spooler.enqueue(dead.uri, ticket('A002'))
        started = time.monotonic()
        spooler.enqueue(alive.uri, ticket('C001'))
        assert alive.wait_for_jobs(1, timeout=1.0) == [ticket_bytes(ticket('C001'), 80)]
        assert time.monotonic() - started < 1.0
        assert dead.jobs() == []


def test_offline_job_is_retried_and_prints_when_the_printer_returns(spoolers):
    log = StatusLog()
    with FakePrinter(mode='off') as fake:
        spooler = spoolers(on_status=log)
        spooler.start()
        job_id = spooler.enqueue(fake.uri, ticket('A010'))
        assert wait_until(lambda: job(job_id).attempts >= 2)
        assert job(job_id).state == 'queued'
        assert 'từ chối kết nối' in job(job_id).last_error
        assert log.statuses(fake.uri)[0] == 'offline'
        fake.set_mode('normal')
        assert fake.wait_for_jobs(1, timeout=5) == [ticket_bytes(ticket('A010'), 80)]
        assert wait_until(lambda: job(job_id).state == 'done')
        assert wait_until(lambda: log.statuses(fake.uri)[-1] == 'online')


def test_paper_out_keeps_the_job_queued_and_reports_it(spoolers, database):
    log = StatusLog()
    with FakePrinter(status='paper_out') as fake:
        with db.connection_context():
            Printer.create(name='Kiosk sảnh', uri=fake.uri, paper_width=80)
        spooler = spoolers(on_status=log)
        spooler.start()
        job_id = spooler.enqueue(fake.uri, ticket('A011'))
        assert wait_until(lambda: job(job_id).attempts >= 2)
        assert fake.jobs() == [] and fake.status_queries() >= 2    # asked, never sent
        assert job(job_id).state == 'queued'
        assert log.statuses(fake.uri) == ['paper_out']              # told once, not per retry
        with db.connection_context():
            row = Printer.get(Printer.uri == fake.uri)
        assert (row.status, row.status_detail) == ('paper_out', 'Máy in hết giấy')
        assert spooler.status(fake.uri)['status'] == 'paper_out'
        fake.status = 'online'
        assert fake.wait_for_jobs(1, timeout=5) == [ticket_bytes(ticket('A011'), 80)]
        assert wait_until(lambda: log.statuses(fake.uri) == ['paper_out', 'online'])


def test_enqueue_is_fast_even_when_the_printer_is_dead(spoolers):
    with FakePrinter(mode='silent') as fake:
        spooler = spoolers()
        spooler.start()
        durations = []
        for n in range(30):
            started = time.perf_counter()
            spooler.enqueue(fake.uri, ticket(f'A{n:03d}'))
            durations.append(time.perf_counter() - started)
        # The printer takes connect_timeout (0.5 s) to fail: an enqueue that waited for it would take that
        # long. Below it with a margin for a loaded machine (a 50 ms bound failed once at a load of 13).
        assert statistics.median(durations) < 0.010
        assert max(durations) < FAST['connect_timeout'] / 2


def test_job_fails_after_max_attempts(spoolers):
    log = StatusLog()
    with FakePrinter(mode='off') as fake:
        spooler = spoolers(on_status=log, max_attempts=3, backoff=(0.05,))
        spooler.start()
        job_id = spooler.enqueue(fake.uri, ticket('A012'))
        assert wait_until(lambda: job(job_id).state == 'failed')
        assert job(job_id).attempts == 3
        assert spooler.status(fake.uri)['failed'] == 1


def test_unprintable_payload_fails_at_once(spoolers):
    with FakePrinter() as fake:
        spooler = spoolers()
        spooler.start()
        job_id = spooler.enqueue(fake.uri, ticket('A013'), paper_width_mm=76)
        assert wait_until(lambda: job(job_id).state == 'failed')
        assert 'Khổ giấy' in job(job_id).last_error
        assert fake.jobs() == []


def test_restart_resumes_queued_and_interrupted_jobs(spoolers):
    with FakePrinter(mode='off') as fake:
        first = spoolers()
        first.start()
        queued = first.enqueue(fake.uri, ticket('A020'))
        interrupted = first.enqueue(fake.uri, ticket('A021'))
        assert wait_until(lambda: job(queued).attempts >= 1)
        first.stop()
        with db.connection_context():   # as if the process died while printing it
            PrintJob.update(state='printing').where(PrintJob.id == interrupted).execute()
        fake.set_mode('normal')
        second = spoolers()
        second.start()
        jobs = fake.wait_for_jobs(2, timeout=5)
        assert jobs == [ticket_bytes(ticket('A020'), 80), ticket_bytes(ticket('A021'), 80)]
        assert wait_until(lambda: job(interrupted).state == 'done')


def test_stop_is_prompt(spoolers):
    with FakePrinter() as fake:
        spooler = spoolers()
        spooler.start()
        spooler.enqueue(fake.uri, ticket('A030'))
        fake.wait_for_jobs(1)
        started = time.monotonic()
        spooler.stop()
        assert time.monotonic() - started < 0.5


def test_bad_uri_is_refused_before_anything_is_stored(spoolers):
    spooler = spoolers()
    with pytest.raises(ValueError, match='Địa chỉ máy in không hợp lệ'):
        spooler.enqueue('lpt1', ticket('A040'))
    with db.connection_context():
        assert PrintJob.select().count() == 0


def test_enqueue_from_after_commit_keeps_the_callers_connection(spoolers):
    # As server/queueing/tickets.py does: the job is queued once the ticket's transaction committed.
    spooler = spoolers()
    queued = []
    db.connect()
    try:
        with db.atomic():
            db.after_commit(lambda: queued.append(spooler.enqueue('dummy://', ticket('A050'))))
        assert not db.is_closed()       # the request's connection is still usable
        assert PrintJob.get_by_id(queued[0]).state == 'queued'
    finally:
        db.close()


def test_rolled_back_ticket_queues_nothing(spoolers):
    spooler = spoolers()
    with db.connection_context():
        with pytest.raises(RuntimeError):
            with db.atomic():
                db.after_commit(lambda: spooler.enqueue('dummy://', ticket('A051')))
                raise RuntimeError('the ticket was not issued')
        assert PrintJob.select().count() == 0


def test_dummy_printer_jobs_are_done_and_online(spoolers):
    log = StatusLog()
    spooler = spoolers(on_status=log)
    spooler.start()
    job_id = spooler.enqueue('dummy://', ticket('A052'))
    assert wait_until(lambda: job(job_id).state == 'done')
    assert wait_until(lambda: log.statuses('dummy://') == ['online'])
    assert spooler.status('dummy://')['status'] == 'online'


def test_a_job_another_process_stored_prints_within_a_second(spoolers):
    """With several server processes only one runs the spooler; the others store their jobs (store_job) and
    the spooler's watcher finds them: for a printer it already serves and for one it has never seen."""
    from printer.spooler import WATCH_POLL, store_job
    with FakePrinter() as known, FakePrinter() as unseen:
        spooler = spoolers()
        spooler.start()
        spooler.enqueue(known.uri, ticket('A060'))
        known.wait_for_jobs(1)
        time.sleep(WATCH_POLL * 2)    # the worker of `known` now sleeps its IDLE_POLL (5 s) out
        started = time.monotonic()
        stored = [store_job(known.uri, ticket('A061')), store_job(unseen.uri, ticket('A062'))]
        assert known.wait_for_jobs(2, timeout=5)[1] == ticket_bytes(ticket('A061'), 80)
        assert unseen.wait_for_jobs(1, timeout=5) == [ticket_bytes(ticket('A062'), 80)]
        assert time.monotonic() - started < 1.5
        assert wait_until(lambda: [job(i).state for i in stored] == ['done', 'done'])
