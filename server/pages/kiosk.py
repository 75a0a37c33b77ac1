"""The touch kiosk page (a kiosk device): service buttons, a ticket in three taps, the CCCD greeting."""
from flask import Blueprint, current_app, g, render_template, url_for
from flask_babel import gettext as _

from server import labels, settings
from server.api.office import service_dict
from server.auth import page
from server.db.personal_data import retention_notice
from server.models import Service
from server.pages.wait_words import wait_strings
from server.queueing import printing
from server.queueing.lines import served_lines
from server.sms.parser import CODE_ALPHABET

bp = Blueprint('kiosk', __name__)
SPEECH_RULE = '/display/speech.wav'
# The booking-code keyboard: every digit (a phone number works too), then the letters a code may hold.
CODE_KEYS = '1234567890' + ''.join(c for c in CODE_ALPHABET if c.isalpha())
# A receipt's file code ("000.00.20.H57-231205-0001"): every digit and letter, the dot and the dash.
LOOKUP_KEYS = '1234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ.-'
# The reasons a citizen may choose on the kiosk, in this order; their words are the desk's too (labels.py).
PRIORITY_CHOICES = ('elderly', 'disabled', 'pregnant', 'child')
RESET_SECONDS = 30   # back to Vietnamese and the start screen after a ticket or when left alone this long


def reset_seconds():
    """KIOSK_RESET_SECONDS from the config (LUOT_KIOSK_RESET_SECONDS), 1 to 600; 30 when unset or unreadable."""
    try:
        seconds = int(current_app.config.get('KIOSK_RESET_SECONDS') or RESET_SECONDS)
    except (TypeError, ValueError):
        return RESET_SECONDS
    return min(max(seconds, 1), 600)


def priority_choices():
    """(reason, words) for the kiosk's priority buttons, "no priority" first."""
    return [('', _('Không ưu tiên'))] + [(code, labels.label(labels.PRIORITY_REASON, code))
                                         for code in PRIORITY_CHOICES]


def kiosk_services():
    """Every service in the office's order, as GET /api/v1/services lists them, and whether an open counter
    serves it (as the /display snapshot says)."""
    served = served_lines()
    return [dict(service_dict(s), served=s.id in served) for s in Service.ordered()]


def kiosk_printer():
    """This kiosk's printer: its canonical URI (to match printer_status events) and last known state."""
    printer = printing.printer_for(g.principal)
    if printer is None:
        return {'uri': None, 'status': 'no_printer', 'detail': ''}
    # URIs are canonical already (checked at start and in the console); a bad one is an error state.
    state = printing.print_state(printer, True)
    return {'uri': printer['uri'], 'status': state.get('status', 'unknown'), 'detail': state.get('detail', '')}


def speech_url():
    """The greeting voice's address when the display feature serves one, else None."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule == SPEECH_RULE:
            return url_for(rule.endpoint)
    return None


def kiosk_strings():
    """The texts kiosk.js shows; {name}, {n} and {number} are filled in by the script."""
    return {
        'waiting': _('{n} người đang chờ'),
        'paused': _('Tạm ngừng'),
        'no_counter': _('Chưa có quầy phục vụ'),
        'hello_mr': _('Xin chào ông {name}'),
        'hello_ms': _('Xin chào bà {name}'),
        'hello': _('Xin chào {name}'),
        'phone_invalid': _('Số điện thoại phải gồm 10 chữ số và bắt đầu bằng số 0.'),
        'code_invalid': _('Mã lịch hẹn gồm 6 ký tự (chữ và số), hoặc nhập số điện thoại 10 chữ số đã dùng khi đặt lịch.'),
        'appointment': _('Có lịch hẹn: được ưu tiên gọi'),
        'network_error': _('Không gửi được yêu cầu tới máy chủ. Xin thử lại hoặc hỏi cán bộ hướng dẫn.'),
        'ahead': _('Trước ông/bà còn %(n)s người', n='{n}'),
        'ahead_none': _('Không có ai đứng trước ông/bà'),
        'take_paper': _('Vui lòng nhận phiếu in bên dưới'),
        'printer_trouble': _('Máy in đang gặp sự cố — xin ghi nhớ số của ông/bà: {number}'),
        'paper_out': _('Máy in hết giấy — xin ghi nhớ số của ông/bà: {number}'),
        'no_printer': _('Máy lấy số này không in phiếu — xin ghi nhớ số của ông/bà: {number}'),
        'notice_trouble': _('Máy in đang gặp sự cố. Ông/bà vẫn lấy số được, xin ghi nhớ số hiện trên màn hình.'),
        'notice_paper_out': _('Máy in hết giấy. Ông/bà vẫn lấy số được, xin ghi nhớ số hiện trên màn hình.'),
        'notice_no_printer': _('Máy lấy số này không in phiếu: xin ghi nhớ số hiện trên màn hình.'),
        'countdown': _('Tự quay lại sau {n} giây'),
        'lookup_empty': _('Xin nhập mã hồ sơ trên giấy biên nhận.'),
        'wait': wait_strings(),
    }


@bp.get('/kiosk')
@page('kiosk')
def index():
    """The kiosk's single page; kiosk.js switches its screens and listens on /display."""
    return render_template('kiosk/index.html', services=kiosk_services(), printer=kiosk_printer(),
                           strings=kiosk_strings(), speech_url=speech_url(),
                           office_name=settings.get('office_name'), code_keys=CODE_KEYS, lookup_keys=LOOKUP_KEYS,
                           privacy=retention_notice(), reset_seconds=reset_seconds(),
                           priorities=priority_choices())
