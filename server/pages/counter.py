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


def session_strings():
    """What api.js says on a staff page when the network or the login fails, in the page's language."""
    return {
        'network_error': _('Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.'),
        'session_expired': _('Phiên đăng nhập đã hết hạn. Hãy tải lại trang và đăng nhập.'),
    }


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
        **session_strings(),
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


def staff_context(page_strings):
    """What every staff page template gets: its strings with the shared ones, printer states and today's date."""
    common = common_strings()
    return {'common': common, 'strings': {**common, **page_strings}, 'printers': printer_states(),
            'today': as_local(utcnow()).strftime('%d/%m/%Y')}


def counter_strings():
    """Interface text the counter page's script needs, besides the staff pages' common ones."""
    return {
        'queue_empty': _('Không còn ai chờ'),
        'queue_empty_kept': _('Không còn ai chờ: số %(number)s vẫn ở quầy, chưa ghi vắng mặt.', number='{number}'),
        'no_show_next': _('Số %(absent)s vắng mặt; đã gọi số %(number)s', absent='{absent}', number='{number}'),
        'called': _('Đã gọi số %(number)s', number='{number}'),
        'recalled': _('Đã gọi lại số %(number)s', number='{number}'),
        'started': _('Bắt đầu phục vụ số %(number)s', number='{number}'),
        'no_show': _('Số %(number)s vắng mặt', number='{number}'),
        'completed': _('Đã hoàn thành số %(number)s', number='{number}'),
        'transferred': _('Đã chuyển số %(number)s sang %(service)s', number='{number}', service='{service}'),
        'paused': _('Quầy đang tạm dừng: không ai được gọi đến quầy này.'),
        'resumed': _('Quầy đã mở lại.'),
        'opened': _('Đã mở quầy: có thể gọi số.'),
        'pause': _('Tạm dừng'), 'resume': _('Tiếp tục'), 'open_counter': _('Mở quầy'),
        'state_open': _('Đang mở'), 'state_paused': _('Đang tạm dừng'), 'state_closed': _('Đang đóng'),
        'unknown_counter': _('Không có quầy số %(number)s. Hãy chọn quầy.', number='{number}'),
        'counter_title': _('Quầy %(number)s', number='{number}'),
        'waiting_n': _('%(n)s người chờ', n='{n}'),
        'calls_n': _('%(n)s lần', n='{n}'),
        'serving_now': _('Đang phục vụ số %(number)s', number='{number}'),
        'idle': _('Chưa gọi ai'),
        'nobody_waiting': _('Không có ai chờ'),
        'no_services': _('Quầy này chưa được giao lĩnh vực nào.'),
        'no_counters': _('Chưa có quầy nào. Quản trị viên cần tạo quầy trước.'),
        'not_given': '—',   # an empty field shows as a dash, as in every table
        **call_strings(),
    }


def call_strings():
    """The counter page's texts for a paused counter, a number called by name, undoing an absence and the
    absent list."""
    return {
        'resume_next': _('Quầy đang tạm dừng. Tiếp tục và gọi số tiếp?'),
        'resume_number': _('Quầy đang tạm dừng. Tiếp tục và gọi số %(number)s?', number='{number}'),
        'still_paused': _('Quầy vẫn tạm dừng: chưa gọi ai.'),
        'no_show_soon': _('Số %(number)s sẽ được ghi vắng mặt sau %(seconds)s giây.', number='{number}',
                          seconds='{seconds}'),
        'no_show_next_soon': _('Số %(number)s sẽ được ghi vắng mặt và gọi số tiếp sau %(seconds)s giây.',
                               number='{number}', seconds='{seconds}'),
        'undone': _('Đã hoàn tác: số %(number)s chưa bị ghi vắng mặt.', number='{number}'),
        'type_number': _('Hãy nhập số cần gọi, ví dụ A025.'),
        'called_back': _('Đã gọi lại số %(number)s', number='{number}'),
        'call_back': _('Gọi lại'),
        'return_passed': _('Quá hạn xếp lại'),
        'absent_at': _('vắng lúc %(time)s', time='{time}'),
        'no_absent': _('Chưa có ai vắng mặt.'),
        'closed_for_day': _('Đã đóng quầy. Bấm "Mở quầy" khi làm việc tiếp.'),
    }


@bp.get('/counter')
@page('counter')
def index():
    """The counter page: pick a counter, then call and serve citizens."""
    return render_template('counter/index.html', transfer_note=True, **staff_context(counter_strings()))
