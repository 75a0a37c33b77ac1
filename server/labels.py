"""What codes are called on screen (statuses, weekdays, roles, states): one translated set for every page."""
from flask_babel import lazy_gettext

# Monday first, as date.weekday() counts.
WEEKDAYS = (lazy_gettext('Thứ Hai'), lazy_gettext('Thứ Ba'), lazy_gettext('Thứ Tư'), lazy_gettext('Thứ Năm'),
            lazy_gettext('Thứ Sáu'), lazy_gettext('Thứ Bảy'), lazy_gettext('Chủ nhật'))

TICKET_STATUS = {
    'waiting': lazy_gettext('đang chờ'), 'called': lazy_gettext('đã gọi'),
    'serving': lazy_gettext('đang phục vụ'), 'done': lazy_gettext('đã xong'),
    'no_show': lazy_gettext('vắng mặt'), 'cancelled': lazy_gettext('đã hủy'),
}
APPOINTMENT_STATUS = {
    'booked': lazy_gettext('đã đặt'), 'checked_in': lazy_gettext('đã đến'),
    'cancelled': lazy_gettext('đã hủy'), 'no_show': lazy_gettext('không đến'),
}
PRIORITY_REASON = {
    'elderly': lazy_gettext('Người cao tuổi'), 'disabled': lazy_gettext('Người khuyết tật'),
    'pregnant': lazy_gettext('Phụ nữ mang thai'), 'child': lazy_gettext('Người đi cùng trẻ nhỏ'),
    'appointment': lazy_gettext('Có lịch hẹn'), 'other': lazy_gettext('Ưu tiên khác'),
}
# Lower case: they are read inside sentences ("Máy in sảnh: hết giấy"); a badge capitalises them.
PRINTER_STATE = {
    'online': lazy_gettext('sẵn sàng'), 'offline': lazy_gettext('mất kết nối'),
    'paper_out': lazy_gettext('hết giấy'), 'paper_near_end': lazy_gettext('sắp hết giấy'),
    'cover_open': lazy_gettext('nắp máy in đang mở'), 'error': lazy_gettext('báo lỗi'),
    'unknown': lazy_gettext('chưa rõ trạng thái'),
}
ROLE = {
    'admin': lazy_gettext('Quản trị'), 'desk': lazy_gettext('Lễ tân'), 'counter': lazy_gettext('Cán bộ quầy'),
    'hotline': lazy_gettext('Tổng đài'), 'kiosk': lazy_gettext('Máy lấy số (kiosk)'),
    'display': lazy_gettext('Màn hình hiển thị'), 'gateway': lazy_gettext('Cổng SMS (gateway)'),
}
OUTBOX_STATE = {
    'pending': lazy_gettext('Chờ gửi'), 'sending': lazy_gettext('Đang gửi'), 'sent': lazy_gettext('Đã gửi'),
    'delivered': lazy_gettext('Đã đến máy'), 'failed': lazy_gettext('Lỗi'), 'skipped': lazy_gettext('Bỏ qua'),
    'cancelled': lazy_gettext('Đã hủy'), 'uncertain': lazy_gettext('Chưa rõ đã gửi chưa'),
}
SMS_KIND = {
    'confirmation': lazy_gettext('Xác nhận lịch hẹn'), 'cancellation': lazy_gettext('Hủy lịch hẹn'),
    'reminder': lazy_gettext('Nhắc lịch hẹn'), 'reply': lazy_gettext('Trả lời tin đến'),
    'turn_near': lazy_gettext('Sắp đến lượt'), 'result_ready': lazy_gettext('Có kết quả'),
}
SMS_OUTCOME = {
    'booked': lazy_gettext('Đã đặt lịch'), 'cancelled': lazy_gettext('Đã hủy lịch'),
    'moved': lazy_gettext('Đã đổi lịch'), 'told': lazy_gettext('Đã trả lời tra cứu'),
    'help': lazy_gettext('Đã gửi hướng dẫn'), 'ignored': lazy_gettext('Bỏ qua'),
    'flood': lazy_gettext('Bỏ qua: gửi quá nhiều'),
}


def label(labels, code):
    """The label of `code` in the request's language; the code itself when it has none."""
    return str(labels.get(code, code))


def texts(labels, capitalised=False):
    """{code: label} as plain strings in the request's language (capitalised: for a badge on its own)."""
    plain = {code: str(text) for code, text in labels.items()}
    return {code: text[:1].upper() + text[1:] for code, text in plain.items()} if capitalised else plain


def weekday_names():
    """The seven weekday names in the request's language, Monday first."""
    return [str(name) for name in WEEKDAYS]


def weekday_name(day):
    """The weekday of a date, in the request's language."""
    return str(WEEKDAYS[day.weekday()])
