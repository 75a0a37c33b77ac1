"""The window's words: Vietnamese first, English second.

The window is not a request, so Flask-Babel's gettext (which needs an app context and a request's
language) does not fit; its few words are kept here, each with its English, and the clerk switches.
"""

ENGLISH = {
    'Lượt: máy chủ một cửa': 'Lượt: one-stop desk server',
    'Đang phục vụ': 'Serving',
    'Đang khởi động…': 'Starting…',
    'Đang dừng…': 'Stopping…',
    'Đã dừng': 'Stopped',
    'Máy chủ đã dừng bất ngờ': 'The server stopped unexpectedly',
    'Các màn hình, máy lấy số và quầy chỉ chạy khi máy chủ đang phục vụ.':
        'Boards, kiosks and counters work only while the server is serving.',
    'Địa chỉ trong mạng nội bộ': 'Addresses on the office network',
    'Quét mã bằng điện thoại hoặc gõ địa chỉ vào trình duyệt của máy khác.':
        'Scan with a phone or type the address into another computer\'s browser.',
    'Sao chép': 'Copy',
    'Đã sao chép': 'Copied',
    'Thiết bị đang kết nối': 'Devices connected',
    'Màn hình': 'Boards',
    'Máy lấy số': 'Kiosks',
    'Quầy và cán bộ': 'Counters and staff',
    'Máy in': 'Printers',
    'Cổng SMS': 'SMS gateway',
    'Hôm nay': 'Today',
    'Đã lấy số': 'Issued',
    'Đang chờ': 'Waiting',
    'Đang phục vụ tại quầy': 'At a counter',
    'Đã xong': 'Served',
    'Vắng mặt': 'Absent',
    'Mở trang quản trị': 'Open the console',
    'Mở bảng hiển thị': 'Open the board',
    'Mở máy lấy số': 'Open the kiosk',
    'Khởi động': 'Start',
    'Dừng': 'Stop',
    'Khởi động cùng máy tính': 'Start with the computer',
    'English': 'Tiếng Việt',
    'chưa có': 'none yet',
    'không có': 'none',
    'chưa cài đặt (chỉ ghi nhật ký)': 'not set up (log only)',
    'hoạt động': 'working',
    'Lỗi': 'Error',
    'tin chờ gửi': 'waiting to be sent',
    'máy in mặc định': 'default printer',
    'đang kết nối': 'connected',
    'sẵn sàng': 'ready', 'mất kết nối': 'offline', 'hết giấy': 'out of paper', 'sắp hết giấy': 'paper low',
    'nắp máy in đang mở': 'cover open', 'báo lỗi': 'error', 'chưa rõ trạng thái': 'state unknown',
    'Đóng cửa sổ': 'Close the window',
    'Dừng phục vụ hay vẫn phục vụ (chạy nền)?': 'Stop serving, or keep serving in the background?',
    'Nếu dừng, các màn hình, máy lấy số và quầy sẽ ngừng hoạt động.':
        'If you stop, the boards, kiosks and counters go dark.',
    'Dừng phục vụ': 'Stop serving',
    'Vẫn phục vụ (chạy nền)': 'Keep serving (background)',
    'Hủy': 'Cancel',
    'Không ghi được mục khởi động cùng máy tính': 'Could not change starting with the computer',
    'Thư mục dữ liệu': 'Data folder',
}

PRINTER_STATES = ('sẵn sàng', 'mất kết nối', 'hết giấy', 'sắp hết giấy', 'nắp máy in đang mở', 'báo lỗi',
                  'chưa rõ trạng thái')
PRINTER_STATE = dict(zip(('online', 'offline', 'paper_out', 'paper_near_end', 'cover_open', 'error', 'unknown'),
                         PRINTER_STATES))


class Words:
    """`words('Dừng')` in the language chosen; Vietnamese unless the clerk picked English."""

    def __init__(self, language='vi'):
        self.language = language

    def __call__(self, vietnamese):
        return ENGLISH.get(vietnamese, vietnamese) if self.language == 'en' else vietnamese

    def switch(self):
        """Vietnamese <-> English."""
        self.language = 'en' if self.language == 'vi' else 'vi'
