"""A counter's page: staff call, recall, transfer and finish."""
import logging

from flask import Blueprint, current_app, render_template
from flask_babel import gettext as _

from server import labels
from server.auth import page
from server.clock import as_local
from server.models import Printer, utcnow

log = logging.getLogger(__name__)
bp = Blueprint('counter', __name__)
PRINTER_PROBLEMS = ('offline', 'paper_out', 'cover_open', 'error')


def common_strings():
    """Interface text both staff pages' scripts need, in the page's language."""
    return {
        'status': labels.texts(labels.TICKET_STATUS),
        'priority': labels.texts(labels.PRIORITY_REASON),
        'printer_state': labels.texts(labels.PRINTER_STATE),
        'printer_problems': list(PRINTER_PROBLEMS),
        'printer': _('Máy in'),
        'default_printer': _('Máy in chung'),
        'live': _('Trực tuyến'),
        'offline': _('Mất kết nối máy chủ — đang thử lại…'),
        'relay_down': _('Mất kết nối Redis: một số bảng hiển thị có thể không nhận được lượt gọi — đang thử lại…'),
        'network_error': _('Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.'),
        'session_expired': _('Phiên đăng nhập đã hết hạn. Hãy tải lại trang và đăng nhập.'),
        'close': _('Đóng'),
    }


def printer_states():
    """The office printers' names and last known states, so a reloaded page shows them before any event."""
    states = {}
    for printer in Printer.select():
        states[printer.uri] = {'printer': printer.uri, 'name': printer.name,
                               'status': printer.status, 'detail': printer.status_detail}
    default = current_app.config.get('PRINTER')
    spool = current_app.extensions['luot'].spooler
    if default and spool is not None:
        try:
            state = spool.status(default)
        except Exception:  # a bad LUOT_PRINTER is a printer state shown elsewhere, never a broken page
            log.exception('could not read the state of %s', default)
            state = {'uri': default, 'status': 'unknown', 'detail': ''}
        states.setdefault(state['uri'], {'printer': state['uri'], 'name': _('Máy in chung'),
                                         'status': state['status'], 'detail': state.get('detail', '')})
    return list(states.values())  # unknown ones too: their names label later printer_status events


def staff_context():
    """What every staff page template gets: shared strings, printer states and today's date."""
    return {'common': common_strings(), 'printers': printer_states(),
            'today': as_local(utcnow()).strftime('%d/%m/%Y')}


@bp.get('/counter')
@page('counter')
def index():
    """The counter page: pick a counter, then call and serve citizens."""
    return render_template('counter/index.html', **staff_context())
