"""The hotline operator's booking page, and a day's bookings to print or to export for Excel."""
import io

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _

from server import settings
from server.auth import page
from server.booking import appointments
from server.clock import DAY_FORMAT, office_day
from server.errors import Invalid
from server.labels import APPOINTMENT_STATUS, label, weekday_name, weekday_names
from server.models import Service
from server.pages.counter import session_strings
from server.spreadsheets import append_row
from server.validation import parse_day

bp = Blueprint('hotline', __name__)
XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'


def page_strings():
    """Interface text the page's script needs, in the page's language."""
    return {
        'weekdays': weekday_names(),
        'left_n': _('còn %(n)s chỗ', n='{n}'), 'full': _('Hết chỗ'), 'closed': _('Không làm việc'),
        'past': _('Đã qua'), 'no_slots': _('Ngày này không còn khung giờ nào.'),
        'choose_phone': _('Hãy nhập số điện thoại người gọi.'), 'choose_service': _('Hãy chọn lĩnh vực.'),
        'choose_day': _('Hãy chọn ngày hẹn.'), 'choose_slot': _('Hãy chọn khung giờ.'),
        'choose_name': _('Hãy nhập họ tên người gọi.'),
        'no_bookings': _('Số này chưa có lịch hẹn nào.'), 'bookings_n': _('%(n)s lịch hẹn gần nhất.', n='{n}'),
        'type_phone': _('Nhập số điện thoại để xem các lịch hẹn trước.'),
        'move': _('Dời lịch'), 'cancel': _('Hủy'),
        'confirm_cancel': _('Hủy lịch hẹn %(code)s (%(when)s)? Người gọi sẽ nhận tin nhắn báo hủy.',
                            code='{code}', when='{when}'),
        'cancelled': _('Đã hủy lịch hẹn %(code)s.', code='{code}'),
        'moving': _('Dời lịch hẹn %(code)s của %(name)s (đang hẹn %(when)s): chọn ngày và giờ mới.',
                    code='{code}', name='{name}', when='{when}'),
        'moved': _('Đã dời lịch hẹn %(code)s.', code='{code}'),
        'booked': _('Đã đặt lịch hẹn %(code)s.', code='{code}'),
        'confirm_book': _('Xác nhận đặt lịch'), 'confirm_move': _('Xác nhận dời lịch'),
        'title_booked': _('Đã đặt lịch'), 'title_moved': _('Đã dời lịch'),
        'not_bookable': _('không nhận đặt lịch'),
        **session_strings(),
    }


@bp.get('/hotline')
@page('hotline')
def index():
    """Book, move and cancel appointments for callers, fast: phone, service, day, slot, name, Enter."""
    services = Service.ordered()
    return render_template('hotline/index.html', strings=page_strings(), services=services,
                           today=office_day(), day_format=DAY_FORMAT)


def _requested_day(value):
    """A ?date= as YYYY-MM-DD (what a date field sends) or dd/mm/yyyy (what people type); today if absent."""
    if not (value or '').strip():
        return office_day()
    return parse_day(value, 'date', iso=True, typed=True)


def _day_and_service():
    """The day and the optional ?service= of a day list."""
    day = _requested_day(request.args.get('date'))
    code = request.args.get('service') or ''
    service = Service.by_code(code) if code else None
    if code and service is None:
        raise Invalid(_('Không có lĩnh vực "%(code)s".', code=code[:16]), 'unknown_service')
    return day, service


@bp.get('/hotline/day')
@page('hotline')
def day_list():
    """A day's bookings laid out for A4 paper."""
    day, service = _day_and_service()
    rows = appointments.day_list(day, service)
    day_text = '%s, %s' % (weekday_name(day), day.strftime(DAY_FORMAT))
    return render_template('hotline/day.html', day=day, service=service, rows=rows, day_text=day_text,
                           title=day_title(day), office_name=settings.get('office_name'),
                           status_labels=APPOINTMENT_STATUS)


@bp.get('/hotline/day.xlsx')
@page('hotline')
def day_xlsx():
    """The same day's bookings as an Excel workbook."""
    day, service = _day_and_service()
    data = day_workbook(day, service, appointments.day_list(day, service))
    filename = 'lich-hen-%s%s.xlsx' % (day.isoformat(), '-' + service.code if service else '')
    return Response(data, mimetype=XLSX, headers={'Content-Disposition': 'attachment; filename="%s"' % filename})


def day_title(day):
    """'Lịch hẹn Thứ Tư, 25/11/2026'."""
    return _('Lịch hẹn %(weekday)s, %(day)s', weekday=weekday_name(day), day=day.strftime(DAY_FORMAT))


def day_workbook(day, service, rows):
    """One sheet: a heading, then one row per booking in slot order; dates are real dates shown dd/mm/yyyy."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    book = Workbook()
    sheet = book.active
    sheet.title = day.strftime('%d-%m-%Y')
    append_row(sheet, [day_title(day) + (' · ' + service.name if service else '')])
    append_row(sheet, [settings.get('office_name') or ''])
    sheet.append([_('STT'), _('Ngày'), _('Giờ'), _('Mã hẹn'), _('Họ tên'), _('Điện thoại'), _('Lĩnh vực'),
                  _('Thủ tục'), _('Trạng thái'), _('Ghi chú')])
    for number, row in enumerate(rows, 1):
        append_row(sheet, [number, row.date, '%s–%s' % (row.start, row.end), row.code, row.name, row.phone,
                           row.service.name, row.procedure.name if row.procedure_id else '',
                           label(APPOINTMENT_STATUS, row.status), row.note])
        sheet.cell(row=sheet.max_row, column=2).number_format = 'dd/mm/yyyy'
        sheet.cell(row=sheet.max_row, column=6).number_format = '@'
    for cell in sheet[1] + sheet[3]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = 'A4'
    for column, width in zip('ABCDEFGHIJ', (6, 12, 13, 10, 30, 14, 24, 30, 12, 30)):
        sheet.column_dimensions[column].width = width
    sheet.print_options.gridLines = True
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = 'landscape'
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
