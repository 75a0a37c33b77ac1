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
# A file (hồ sơ) as the citizen and the desk read it.
DOSSIER_STATUS = {
    'processing': lazy_gettext('Đang giải quyết'), 'ready': lazy_gettext('Đã có kết quả'),
    'collected': lazy_gettext('Đã trả kết quả'),
}
# Why a result was handed over on a checked CCCD (Đối chiếu CCCD) instead of the SMS's pickup code.
HANDOVER_REASON = {
    'no_phone': lazy_gettext('Công dân không có điện thoại'),
    'lost_message': lazy_gettext('Mất hoặc không nhận được tin nhắn'),
    'authorised': lazy_gettext('Người được ủy quyền nhận thay'), 'other': lazy_gettext('Lý do khác'),
}
# Worded for the citizen who chooses one on the kiosk; the desk and the counters show the same words.
PRIORITY_REASON = {
    'elderly': lazy_gettext('Người cao tuổi'), 'disabled': lazy_gettext('Người khuyết tật'),
    'pregnant': lazy_gettext('Phụ nữ mang thai'), 'child': lazy_gettext('Người đi cùng trẻ dưới 6 tuổi'),
    'appointment': lazy_gettext('Có lịch hẹn'), 'other': lazy_gettext('Ưu tiên khác'),
}
# A citizen's satisfaction with a served ticket (Rating.score): the words the phone and the counter's tablet
# offer, best first, and the reports show.
RATING_SCORE = {
    4: lazy_gettext('Rất hài lòng'), 3: lazy_gettext('Hài lòng'), 2: lazy_gettext('Bình thường'),
    1: lazy_gettext('Không hài lòng'),
}
# Lower case: they are read inside sentences ("Máy in sảnh: hết giấy"); a badge capitalises them.
PRINTER_STATE = {
    'online': lazy_gettext('sẵn sàng'), 'offline': lazy_gettext('mất kết nối'),
    'paper_out': lazy_gettext('hết giấy'), 'paper_near_end': lazy_gettext('sắp hết giấy'),
    'cover_open': lazy_gettext('nắp máy in đang mở'), 'error': lazy_gettext('báo lỗi'),
    'unknown': lazy_gettext('chưa rõ trạng thái'),
}
PRINTER_KIND = {
    'network': lazy_gettext('Máy in mạng (dây LAN)'), 'usb': lazy_gettext('Máy in cổng USB'),
    'serial': lazy_gettext('Máy in cổng COM'),
    'windows': lazy_gettext('Máy in cài trong Windows'), 'cups': lazy_gettext('Máy in cài trong Linux (CUPS)'),
    'port': lazy_gettext('Cổng máy in LPT hoặc lp0'), 'none': lazy_gettext('Không in thật (chạy thử)'),
}
SMS_GATEWAY_KIND = {
    'log': lazy_gettext('Không gửi (chỉ ghi lại)'), 'kannel': lazy_gettext('Kannel'),
    'gsm': lazy_gettext('Modem GSM (USB 3G/4G)'), 'smpp': lazy_gettext('Trung tâm SMPP của nhà mạng'),
}
ROLE = {
    'admin': lazy_gettext('Quản trị'), 'desk': lazy_gettext('Tiếp nhận'), 'counter': lazy_gettext('Cán bộ quầy'),
    'hotline': lazy_gettext('Tổng đài'), 'kiosk': lazy_gettext('Máy lấy số (kiosk)'),
    'display': lazy_gettext('Màn hình hiển thị'), 'gateway': lazy_gettext('Cổng SMS (gateway)'),
}
# A board's or kiosk's link and sound, as the console's device list shows them (server/live/devices.py).
DEVICE_LINK = {
    'connected': lazy_gettext('Đang kết nối'), 'offline': lazy_gettext('Không kết nối'),
    'waiting': lazy_gettext('Chờ thiết bị nhận'),
}
SOUND_STATE = {
    'on': lazy_gettext('Phát được tiếng'), 'off': lazy_gettext('Trình duyệt chặn tiếng'),
    'unknown': lazy_gettext('Chưa rõ'),
}
OUTBOX_STATE = {
    'pending': lazy_gettext('Chờ gửi'), 'sending': lazy_gettext('Đang gửi'), 'sent': lazy_gettext('Đã gửi'),
    'delivered': lazy_gettext('Đã nhận'), 'failed': lazy_gettext('Lỗi'), 'skipped': lazy_gettext('Bỏ qua'),
    'cancelled': lazy_gettext('Đã hủy'), 'uncertain': lazy_gettext('Chưa rõ đã gửi chưa'),
}
SMS_KIND = {
    'confirmation': lazy_gettext('Xác nhận lịch hẹn'), 'cancellation': lazy_gettext('Hủy lịch hẹn'),
    'reminder': lazy_gettext('Nhắc lịch hẹn'), 'reply': lazy_gettext('Trả lời tin đến'),
    'turn_near': lazy_gettext('Sắp đến lượt'), 'result_ready': lazy_gettext('Có kết quả'),
    'test': lazy_gettext('Tin thử'),
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
# What a field of a form or of the API is called in a refusal ("Thiếu trường bắt buộc "Tên""): never its key.
FIELD_LABELS = {
    'code': lazy_gettext('Mã'), 'name': lazy_gettext('Tên'), 'prefix': lazy_gettext('Ký hiệu'),
    'description': lazy_gettext('Mô tả'), 'active': lazy_gettext('Trạng thái'),
    'sort_order': lazy_gettext('Thứ tự hiển thị'), 'bookable': lazy_gettext('Nhận đặt lịch'),
    'slot_minutes': lazy_gettext('Mỗi khung giờ (phút)'), 'slot_capacity': lazy_gettext('Số chỗ mỗi khung'),
    'number': lazy_gettext('Số quầy'), 'paused': lazy_gettext('Tạm dừng'),
    'services': lazy_gettext('Lĩnh vực'), 'service': lazy_gettext('Lĩnh vực'), 'counters': lazy_gettext('Quầy'),
    'counter': lazy_gettext('Quầy'), 'notice': lazy_gettext('Thông báo riêng (chạy chữ)'),
    'uri': lazy_gettext('Địa chỉ máy in'), 'paper_width': lazy_gettext('Khổ giấy'),
    'role': lazy_gettext('Vai trò'), 'printer_id': lazy_gettext('Máy in'), 'board': lazy_gettext('Màn hình'),
    'username': lazy_gettext('Tên đăng nhập'), 'full_name': lazy_gettext('Họ và tên'),
    'password': lazy_gettext('Mật khẩu'), 'date': lazy_gettext('Ngày'), 'from': lazy_gettext('Từ ngày'),
    'to': lazy_gettext('Đến ngày'), 'start': lazy_gettext('Giờ bắt đầu'), 'end': lazy_gettext('Giờ kết thúc'),
    'phone': lazy_gettext('Số điện thoại'), 'procedure': lazy_gettext('Thủ tục'), 'note': lazy_gettext('Ghi chú'),
    'source': lazy_gettext('Nguồn đặt lịch'), 'text': lazy_gettext('Nội dung tin nhắn'),
    'priority': lazy_gettext('Ưu tiên'), 'priority_reason': lazy_gettext('Lý do ưu tiên'),
    'print': lazy_gettext('In phiếu'), 'score': lazy_gettext('Điểm đánh giá'), 'comment': lazy_gettext('Góp ý'),
    'track_id': lazy_gettext('Mã phiếu'),
    'limit': lazy_gettext('Số dòng tối đa'), 'finish_current': lazy_gettext('Kết thúc người đang phục vụ'),
    'cancel_bookings': lazy_gettext('Hủy các lịch hẹn'), 'weekday': lazy_gettext('Thứ'),
    'sessions': lazy_gettext('Buổi làm việc'),
    'aliases': lazy_gettext('Tên gọi ngắn'), 'guide_url': lazy_gettext('Đường dẫn hướng dẫn'),
    'due_on': lazy_gettext('Ngày hẹn trả'), 'pickup_code': lazy_gettext('Mã nhận kết quả'),
    'checked_id': lazy_gettext('Đã đối chiếu CCCD'), 'reason': lazy_gettext('Lý do'),
    'title': lazy_gettext('Tiêu đề'), 'seconds': lazy_gettext('Thời gian hiện ảnh (giây)'),
    'boards': lazy_gettext('Màn hình'), 'file': lazy_gettext('Tệp'),
    # The office's settings, named as the console's Thiết lập section names them.
    'office_name': lazy_gettext('Tên đơn vị'), 'office_address': lazy_gettext('Địa chỉ'),
    'ticket_footer': lazy_gettext('Dòng chân phiếu'),
    'ticket_footer_qr_url': lazy_gettext('Mã QR ở chân phiếu (đường dẫn)'),
    'board_notice': lazy_gettext('Thông báo chung (chạy chữ)'),
    'priority_max_in_row': lazy_gettext('Số phiếu ưu tiên gọi liên tiếp tối đa'),
    'no_show_return_minutes': lazy_gettext('Thời gian được xếp lại hàng khi vắng mặt (phút)'),
    'default_service_minutes': lazy_gettext('Thời gian phục vụ ước tính ban đầu (phút/người)'),
    'day_end_grace_minutes': lazy_gettext('Đóng hàng chờ sau giờ làm việc (phút)'),
    'announce_names': lazy_gettext('Đọc tên công dân khi gọi (nếu có)'),
    'number_reading': lazy_gettext('Cách đọc số'), 'voice_repeat': lazy_gettext('Số lần đọc mỗi lần gọi'),
    'voice_volume': lazy_gettext('Âm lượng (0-100)'),
    'session_idle_hours': lazy_gettext('Tự đăng xuất sau khi không dùng (giờ)'),
    'booking_days_ahead': lazy_gettext('Được đặt trước tối đa (ngày)'),
    'max_bookings_per_phone': lazy_gettext('Số lịch hẹn chưa đến của một số điện thoại'),
    'checkin_early_minutes': lazy_gettext('Được lấy số sớm trước giờ hẹn (phút)'),
    'checkin_late_minutes': lazy_gettext('Được lấy số muộn sau giờ hẹn (phút)'),
    'appointment_grace_minutes': lazy_gettext('Coi là vắng hẹn sau khi hết khung giờ (phút)'),
    'admission_cap': lazy_gettext('Số người tối đa trong khu vực một cửa'),
    'hotline_phone': lazy_gettext('Số tổng đài đặt lịch'), 'sms_shortcode': lazy_gettext('Số nhận tin nhắn đặt lịch'),
    'sms_diacritics': lazy_gettext('Gửi tin nhắn có dấu tiếng Việt'),
    'reminder_evening_time': lazy_gettext('Giờ nhắc lịch tối hôm trước'),
    'reminder_before_minutes': lazy_gettext('Nhắc trước giờ hẹn (phút)'),
    'turn_near_minutes': lazy_gettext('Báo "sắp đến lượt" trước (phút)'),
    'pickup_days': lazy_gettext('Thời hạn nhận kết quả (ngày)'),
    'sms_max_per_hour': lazy_gettext('Số tin nhắn đến tối đa mỗi giờ của một số điện thoại'),
    'personal_data_days': lazy_gettext('Thời hạn lưu họ tên, số điện thoại và tin nhắn (ngày)'),
    'backup_keep': lazy_gettext('Số bản sao lưu hằng đêm được giữ'),
    'sms_replies_per_hour': lazy_gettext('Số tin trả lời tối đa mỗi giờ của cả bộ phận'),
}


def field_label(field):
    """What a field is called in the request's language; a field without a label keeps its key."""
    return str(FIELD_LABELS.get(field, field))
