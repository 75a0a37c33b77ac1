"""The front desk page."""
from flask import Blueprint, g, render_template
from flask_babel import gettext as _

from server import labels
from server.auth import page
from server.pages.counter import staff_context
from server.pages.wait_words import wait_strings
from server.queueing import printing

bp = Blueprint('desk', __name__)


def desk_strings():
    """Interface text the desk page's script needs, besides the staff pages' common ones."""
    return {
        'issued': _('Đã cấp số %(number)s', number='{number}'),
        'ahead': _('Trước công dân còn %(n)s người.', n='{n}'),
        'nobody_ahead': _('Không ai đứng trước.'),
        'first': _('Không ai đứng trước: sắp được gọi.'),
        'wait': {**wait_strings(), 'wait_due': _('Sắp được gọi.')},
        'print_not_requested': _('Không in phiếu: hãy ghi số cho công dân.'),
        'print_no_printer': _('Chưa cấu hình máy in: hãy ghi số cho công dân.'),
        'print_sent': _('Đã gửi lệnh in.'),
        'print_queued': _('Đã gửi lệnh in (máy in: %(state)s).', state='{state}'),
        'print_problem': _('Phiếu đang chờ in vì máy in %(state)s.', state='{state}'),
        'print_failed': _('Không gửi được lệnh in.'),
        'reprinted': _('Đã gửi lệnh in lại phiếu %(number)s.', number='{number}'),
        'not_reprinted': _('Chưa in lại được phiếu %(number)s.', number='{number}'),
        'cancelled': _('Đã hủy phiếu %(number)s.', number='{number}'),
        'returned': _('Đã xếp số %(number)s vào lại hàng chờ.', number='{number}'),
        'transferred': _('Đã chuyển số %(number)s sang %(service)s', number='{number}', service='{service}'),
        'confirm_cancel': _('Hủy phiếu %(number)s? Công dân sẽ phải lấy số mới.', number='{number}'),
        'choose_service': _('Hãy chọn lĩnh vực.'),
        'found_n': _('Tìm thấy %(n)s phiếu.', n='{n}'),
        'shown_n': _('Hiện %(shown)s trong %(n)s phiếu; hãy tìm cụ thể hơn.', shown='{shown}', n='{n}'),
        'none_found': _('Không tìm thấy phiếu nào hôm nay.'),
        'reprint': _('In lại'), 'cancel': _('Hủy'), 'return': _('Xếp lại hàng'), 'transfer': _('Chuyển'),
        'service_closed': _('tạm ngừng'),
        'waiting_n': _('%(n)s người chờ', n='{n}'),
        'nobody_waiting': _('Không có ai chờ'),
        'counter_title': _('Quầy %(number)s', number='{number}'),
        'state_idle': _('Đang trống'), 'state_paused': _('Đang tạm dừng'), 'state_closed': _('Đang đóng'),
        'at_counter': _('quầy %(n)s', n='{n}'),
        'not_given': '—',   # an empty field shows as a dash, as in every table
        'dossier_ready': _('Đã báo hồ sơ %(code)s có kết quả, hạn nhận %(date)s.', code='{code}', date='{date}'),
        'dossier_sms': _('Tin nhắn báo đã được xếp gửi.'),
        'dossier_received': _('Đã tiếp nhận hồ sơ %(code)s, hẹn trả ngày %(date)s.', code='{code}', date='{date}'),
        'pickup_shown': _('Công dân không có số điện thoại: mã nhận kết quả của hồ sơ %(code)s là %(pickup)s. Hãy '
                          'báo hoặc ghi mã này cho công dân; khi trả có thể đối chiếu CCCD.', code='{code}',
                          pickup='{pickup}'),
        'due_required': _('Hãy nhập ngày hẹn trả (dd/mm/yyyy) để tiếp nhận hồ sơ.'),
        'dossier_collected': _('Đã trả kết quả hồ sơ %(code)s.', code='{code}'),
        'handover': _('Trả kết quả'), 'make_ready': _('Có kết quả'), 'overdue': _('Quá hạn'), 'late': _('Quá hẹn'),
        'dossiers_n': _('(%(n)s hồ sơ, %(late)s quá hạn)', n='{n}', late='{late}'),
        'processing_n': _('(%(n)s hồ sơ, %(late)s quá hẹn)', n='{n}', late='{late}'),
    }


@bp.get('/desk')
@page('desk')
def index():
    """The front desk: issue tickets for citizens, find, reprint, cancel and move them, watch the lines."""
    # Without a printer for this desk "In phiếu" starts unticked, and says why.
    return render_template('desk/index.html', has_printer=printing.printer_for(g.principal) is not None,
                           handover_reasons=labels.texts(labels.HANDOVER_REASON), **staff_context(desk_strings()))
