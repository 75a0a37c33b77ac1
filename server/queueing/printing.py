"""Glue between the queue and the print spooler: which printer, what goes on the ticket."""
import logging

from flask import current_app
from flask_babel import gettext as _

from server import settings
from server.clock import day_month_year
from server.errors import QueueError
from server.live import events
from server.models import Printer, utcnow
from server.queueing.lines import ticket_dict

log = logging.getLogger(__name__)


def spooler():
    """The app's running print spooler, or None (not started, or another worker runs it)."""
    return current_app.extensions['luot'].spooler


def print_queue():
    """Where this process queues print jobs: its own spooler; with several server processes (DUTY_LOCK) and
    the spooler in another one, the jobs table, which that spooler watches (printer.spooler.store_job); None
    when printing is off."""
    queue = spooler()
    if queue is not None:
        return queue.enqueue
    if current_app.config.get('PRINTING', True) and current_app.config.get('DUTY_LOCK'):
        from printer.spooler import store_job
        return store_job
    return None


def printer_for(principal):
    """The printer of a kiosk or desk: its own from the admin console, else LUOT_PRINTER, else None."""
    token = principal.token if principal else None
    if token is not None and token.printer_id:
        return {'uri': token.printer.uri, 'paper_width': token.printer.paper_width,
                'printer_id': token.printer_id, 'error': _stored_uri_error(token.printer.uri)}
    uri = current_app.config.get('PRINTER')
    if not uri:
        return None
    return {'uri': uri, 'paper_width': 80, 'printer_id': None,
            'error': current_app.config.get('PRINTER_ERROR')}


def _stored_uri_error(uri):
    """Why a printer saved before URIs were checked this strictly cannot be used (None: it can)."""
    from printer.addresses import PrinterURIError, validate_uri
    try:
        validate_uri(uri)
    except PrinterURIError as error:
        return str(error)
    return None


def check_default_printer(app):
    """At start: a bad LUOT_PRINTER is reported clearly and kept as an error state, not a crash."""
    from printer.addresses import PrinterURIError, checked_uri
    uri = app.config.get('PRINTER')
    app.config['PRINTER_ERROR'] = None
    if uri:
        try:
            app.config['PRINTER'] = checked_uri(uri)
        except PrinterURIError as error:
            app.config['PRINTER_ERROR'] = str(error)
            log.error('LUOT_PRINTER: %s; tickets are issued without printing until it is corrected', error)


def ticket_payload(ticket):
    """What the printed ticket says, frozen when it is issued."""
    data = ticket_dict(ticket)
    return {
        'office_name': settings.get('office_name'), 'office_address': settings.get('office_address'),
        'service_name': ticket.service.name, 'number': ticket.number,
        'issued_at': day_month_year(ticket.issued_at), 'ahead': data['ahead'],
        'estimated_wait_min': data['estimated_wait_min'], 'estimated_wait_low_min': data['estimated_wait_low_min'],
        'estimated_wait_high_min': data['estimated_wait_high_min'], 'name': ticket.name,
        'track_url': data['track_url'], 'footer_text': settings.get('ticket_footer'),
        'footer_qr_url': settings.get('ticket_footer_qr_url'),
    }


def test_payload(printer, now=None):
    """The test ticket of a printer: the office's header and footer around a number that is no one's."""
    return {
        'office_name': settings.get('office_name'), 'office_address': settings.get('office_address'),
        'service_name': 'In thử: %s' % printer.name, 'number': '000', 'issued_at': day_month_year(now or utcnow()),
        'footer_text': 'Phiếu in thử. Chữ rõ, phiếu cắt gọn là máy in đã sẵn sàng.',
    }


def print_test(printer):
    """Queue a test ticket for a Printer row and return the job's id; a 409 when it cannot be queued."""
    error = _stored_uri_error(printer.uri)
    if error:
        raise QueueError(error, 'invalid_printer_uri', 409)
    enqueue = print_queue()
    if enqueue is None:   # printing is turned off
        raise QueueError(_('Máy chủ này không chạy phần in phiếu nên chưa in thử được. Hãy thử lại sau ít phút.'),
                         'printing_off', 409)
    return enqueue(printer.uri, test_payload(printer), paper_width_mm=printer.paper_width)


def print_after_commit(printer):
    """A callback for issue_ticket that queues the ticket on the printer (None: no printing)."""
    if printer is None or printer.get('error'):
        return None
    queue = print_queue()

    def enqueue(ticket):
        if queue is None:
            log.warning('printing is off; ticket %s not printed', ticket.number)
            return
        try:
            queue(printer['uri'], ticket_payload(ticket), ticket_id=ticket.id, paper_width_mm=printer['paper_width'])
        except Exception:  # the ticket is issued; a print failure is a printer state, not an error
            log.exception('could not queue ticket %s for printing', ticket.number)
    return enqueue


def print_state(printer, wanted):
    """What the kiosk should tell the citizen about the paper ticket."""
    if not wanted:
        return {'queued': False, 'status': 'not_requested'}
    if printer is None:
        return {'queued': False, 'status': 'no_printer'}
    if printer.get('error'):
        return {'queued': False, 'status': 'error', 'detail': printer['error']}
    queue = spooler()
    try:
        state = queue.status(printer['uri']) if queue else _stored_status(printer['uri'])
    except Exception as error:  # a printer problem is a state to show, never a failed request
        log.warning('printer status of %s: %s', printer['uri'], error)
        state = {'status': 'error', 'detail': str(error)}
    return {'queued': print_queue() is not None, 'status': state.get('status', 'unknown'),
            'detail': state.get('detail', '')}


def _stored_status(uri):
    """A printer's last state as the spooler of another server process stored it (unknown if none)."""
    row = Printer.get_or_none(Printer.uri == uri)
    return {'status': row.status, 'detail': row.status_detail} if row else {'status': 'unknown'}


def on_printer_status(app):
    """A spooler callback that pushes printer state changes to staff pages and kiosks."""
    def changed(uri, status, detail=''):
        with app.app_context():
            events.printer_status(uri, status, detail)
    return changed
