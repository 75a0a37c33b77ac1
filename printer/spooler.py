"""The print spooler: jobs live in the PrintJob table, one worker thread per printer URI.

enqueue() only inserts a row and wakes a thread, so a request never waits on a printer.
Each printer's jobs print in order on its own worker, so a dead printer delays no other.
Failed tries stay queued with a backoff; a restart resumes them from the table.
"""
import contextlib
import datetime
import json
import logging
import threading
import time

from server.extensions import db
from server.models import Printer, PrintJob, utcnow

from .addresses import parse_uri, validate_uri
from .escpos_output import ticket_bytes
from .status import NO_ANSWER, PROBLEMS, READABLE_SCHEMES, query_status
from .transports import MAX_TIMEOUT, PrinterError, send

log = logging.getLogger(__name__)
IDLE_POLL = 5.0     # seconds: a printer's worker looks at its jobs at least this often
# With several server processes, the others only store their jobs (store_job); the spooler's watcher looks
# for new ones this often and wakes (or starts) their printer's worker: a kiosk served by another process
# prints within about this delay.
WATCH_POLL = 0.3


def _connected():
    """A connection for this thread, unless the caller (a request) already has one open."""
    return db.connection_context() if db.is_closed() else contextlib.nullcontext()


class _Worker(threading.Thread):
    """Prints one printer's jobs in order; sleeps on an Event so stop() and enqueue() wake it."""

    def __init__(self, spooler: 'Spooler', uri: str):
        super().__init__(daemon=True, name=f'printer {uri}')
        self.spooler, self.uri = spooler, uri
        self.wake_event, self.stop_event = threading.Event(), threading.Event()
        # Cleared when a printer takes connections but never answers DLE EOT, so each job
        # does not wait for an answer that will not come; a failure asks again.
        self.reads_status = parse_uri(uri).scheme in READABLE_SCHEMES

    def run(self):
        while not self.stop_event.is_set():
            self.wake_event.clear()     # before the step: a wake during it is not lost
            try:
                delay = self.spooler._step(self)
            except Exception:   # noqa: BLE001 - a worker must survive a bad row or a DB hiccup
                log.exception('Print worker for %s failed; retrying', self.uri)
                delay = IDLE_POLL
            if delay > 0:
                self.wake_event.wait(timeout=delay)


def store_job(uri: str, data: dict, ticket_id=None, paper_width_mm: int = 80) -> int:
    """Store a print job for whichever process runs the spooler; returns its PrintJob id."""
    uri = validate_uri(uri)
    payload = json.dumps(dict(data, paper_width_mm=int(paper_width_mm)), ensure_ascii=False)
    with _connected():
        with db.atomic():
            printer = Printer.select().where(Printer.uri.in_(Spooler._uri_forms(uri))).first()
            return PrintJob.create(printer=printer, printer_uri=uri, ticket=ticket_id, payload=payload).id


def _typed_uris():
    with _connected():
        return {row.uri for row in Printer.select(Printer.uri)}


class Spooler:
    """Queue tickets for printing and report printer status changes through on_status."""

    def __init__(self, on_status=None, connect_timeout: float = MAX_TIMEOUT, max_attempts: int = 10,
                 backoff=(1, 2, 5, 10, 30, 60)):
        self.on_status = on_status
        self.connect_timeout = min(connect_timeout, MAX_TIMEOUT)
        self.max_attempts = max_attempts
        self.backoff = tuple(backoff)
        self._workers = {}
        self._statuses = {}         # uri -> (status, detail, at)
        self._lock = threading.Lock()
        self._running = False
        self._stopping = threading.Event()
        self._watcher = None

    def start(self) -> None:
        """Start workers for every unfinished job; jobs cut off mid-print are printed again."""
        with _connected():
            with db.atomic():
                PrintJob.update(state='queued').where(PrintJob.state == 'printing').execute()
            uris = [job.printer_uri for job in PrintJob.select(PrintJob.printer_uri)
                    .where(PrintJob.state == 'queued').distinct()]
            newest = PrintJob.select(PrintJob.id).order_by(PrintJob.id.desc()).scalar() or 0
        self._running = True
        self._stopping.clear()
        for uri in uris:
            self._worker(uri)
        self._watcher = threading.Thread(target=self._watch, args=(newest,), name='print watcher', daemon=True)
        self._watcher.start()

    def _watch(self, seen: int) -> None:
        """Wake the worker of each printer that another process stored a job for (store_job)."""
        while not self._stopping.wait(WATCH_POLL):
            try:
                with _connected():
                    new = list(PrintJob.select(PrintJob.id, PrintJob.printer_uri)
                               .where(PrintJob.id > seen, PrintJob.state == 'queued').order_by(PrintJob.id))
            except Exception:   # noqa: BLE001 - a database hiccup: look again next time
                log.exception('Print watcher could not read the print jobs; retrying')
                continue
            for job in new:
                seen = max(seen, job.id)
                if self._running:
                    self._worker(job.printer_uri).wake_event.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop every worker and wait for them, at most `timeout` seconds in all."""
        self._running = False
        self._stopping.set()
        with self._lock:
            workers, self._workers = list(self._workers.values()), {}
        for worker in workers:
            worker.stop_event.set()
            worker.wake_event.set()
        deadline = time.monotonic() + timeout
        for thread in workers + ([self._watcher] if self._watcher else []):
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def enqueue(self, uri: str, data: dict, ticket_id=None, paper_width_mm: int = 80) -> int:
        """Store a print job and wake the printer's worker; returns the PrintJob id at once."""
        job_id = store_job(uri, data, ticket_id, paper_width_mm)
        if self._running:
            self._worker(validate_uri(uri)).wake_event.set()
        return job_id

    def status(self, uri: str) -> dict:
        """The last known status of a printer and how many of its jobs wait or failed."""
        uri = validate_uri(uri)
        status, detail, at = self._statuses.get(uri, ('unknown', '', None))
        with _connected():
            counts = {state: PrintJob.select().where(PrintJob.printer_uri == uri, PrintJob.state == state)
                      .count() for state in ('queued', 'failed')}
        return {'uri': uri, 'status': status, 'detail': detail,
                'at': at.isoformat() if at else None, **counts}

    def _worker(self, uri: str) -> _Worker:
        with self._lock:
            worker = self._workers.get(uri)
            if worker is None:
                worker = self._workers[uri] = _Worker(self, uri)
                worker.start()
            return worker

    @staticmethod
    def _uri_forms(uri: str) -> set:
        """The canonical URI and what the admin may have typed for it on a Printer row."""
        return {uri} | {form for form in _typed_uris() if _same_printer(form, uri)}

    def _step(self, worker: _Worker) -> float:
        """Try the printer's oldest queued job if it is due; return how long to sleep."""
        with _connected():
            job = (PrintJob.select().where(PrintJob.printer_uri == worker.uri, PrintJob.state == 'queued')
                   .order_by(PrintJob.id).first())
        if job is None:
            return IDLE_POLL
        wait = (job.next_attempt_at - utcnow()).total_seconds()
        if wait > 0:
            return min(wait, IDLE_POLL)
        self._attempt(worker, job)
        return 0

    def _attempt(self, worker: _Worker, job: PrintJob) -> None:
        if worker.reads_status:
            status, detail = self._query(worker)
            if status in PROBLEMS:      # paper out, cover open...: send nothing, keep it queued
                return self._failed(job, job.attempts + 1, detail)
        if not self._claim(job):
            return
        try:
            payload = json.loads(job.payload)
            data = ticket_bytes(payload, payload.get('paper_width_mm', 80))
        except Exception as error:  # noqa: BLE001 - a payload that cannot render never will
            log.exception('Print job %s cannot be rendered', job.id)
            return self._failed(job, self.max_attempts, f'Không dựng được phiếu: {error}')
        try:
            send(worker.uri, data, self.connect_timeout)
        except PrinterError as error:
            status, detail = self._query(worker) if parse_uri(worker.uri).scheme in READABLE_SCHEMES \
                else ('unknown', '')
            if status not in PROBLEMS:
                status, detail = error.status, error.message
            self._report(worker.uri, status, detail)
            return self._failed(job, job.attempts + 1, error.message)
        self._done(job)
        if not worker.reads_status:
            self._report(worker.uri, 'online', '')

    def _query(self, worker: _Worker) -> tuple:
        status, detail = query_status(worker.uri, self.connect_timeout)
        worker.reads_status = not (status == 'online' and detail == NO_ANSWER)
        self._report(worker.uri, status, detail)
        return status, detail

    @staticmethod
    def _claim(job: PrintJob) -> bool:
        """Mark the job printing unless someone else (another process) already took it."""
        with _connected():
            with db.atomic():
                return PrintJob.update(state='printing', attempts=PrintJob.attempts + 1).where(
                    PrintJob.id == job.id, PrintJob.state == 'queued').execute() == 1

    def _failed(self, job: PrintJob, attempts: int, error: str) -> None:
        """Queue the job again after a backoff, or give up after max_attempts."""
        delay = self.backoff[min(attempts, len(self.backoff)) - 1] if self.backoff else 0
        state = 'failed' if attempts >= self.max_attempts else 'queued'
        with _connected():
            with db.atomic():
                PrintJob.update(state=state, attempts=attempts, last_error=error[:255],
                                next_attempt_at=utcnow() + datetime.timedelta(seconds=delay)
                                ).where(PrintJob.id == job.id).execute()
        if state == 'failed':
            log.warning('Print job %s to %s failed after %s tries: %s', job.id, job.printer_uri,
                        attempts, error)

    @staticmethod
    def _done(job: PrintJob) -> None:
        with _connected():
            with db.atomic():
                PrintJob.update(state='done', printed_at=utcnow(), last_error='').where(
                    PrintJob.id == job.id).execute()

    def _report(self, uri: str, status: str, detail: str) -> None:
        """Remember the status, store it on the Printer rows, tell on_status when it changed."""
        previous = self._statuses.get(uri)
        now = utcnow()
        self._statuses[uri] = (status, detail, now)
        if previous is not None and previous[:2] == (status, detail):
            return
        with _connected():
            with db.atomic():
                Printer.update(status=status, status_detail=detail[:255], status_at=now).where(
                    Printer.uri.in_(self._uri_forms(uri))).execute()
        if self.on_status is not None and (previous is None or previous[0] != status):
            try:
                self.on_status(uri, status, detail)
            except Exception:   # noqa: BLE001 - a broken listener must not stop printing
                log.exception('on_status failed for %s', uri)


def _same_printer(typed: str, uri: str) -> bool:
    try:
        return validate_uri(typed) == uri
    except ValueError:
        return False
