"""A realistic demo ward office for `python run.py --demo`."""
import secrets

from server import settings
from server.auth import hash_password
from server.booking import catalogue, procedures
from server.extensions import db
from server.models import ApiToken, Board, Counter, CounterService, Service, Staff

SERVICES = [
    ('CT', 'Chứng thực', 'A', 'Chứng thực bản sao, chữ ký, hợp đồng'),
    ('HT', 'Hộ tịch', 'B', 'Khai sinh, kết hôn, khai tử, xác nhận tình trạng hôn nhân'),
    ('DD', 'Đất đai - Xây dựng', 'C', 'Giấy phép xây dựng, xác nhận nguồn gốc đất'),
    ('CS', 'Chính sách xã hội', 'D', 'Trợ cấp, bảo trợ xã hội, người có công'),
    ('TP', 'Tư pháp', 'E', 'Hòa giải, xác nhận, trợ giúp pháp lý'),
]
COUNTERS = [
    (1, 'Quầy 1 - Chứng thực', ['CT']),
    (2, 'Quầy 2 - Chứng thực, Tư pháp', ['CT', 'TP']),
    (3, 'Quầy 3 - Hộ tịch', ['HT']),
    (4, 'Quầy 4 - Đất đai - Xây dựng', ['DD']),
    (5, 'Quầy 5 - Chính sách xã hội', ['CS', 'TP']),
]
# The procedures citizens name in an SMS booking ("HG, ..., khai sinh, 8h30, 25/11") come from the shipped
# catalogue (server/booking/catalogue.py): each service named after a standard field gets that field's; the
# combined land and construction desk takes both fields'.
COMBINED_FIELDS = {'DD': ('dat-dai', 'xay-dung')}
STAFF = [
    ('admin', 'Quản trị viên', 'admin'),
    ('letan', 'Nguyễn Thị Hoa (tiếp nhận)', 'desk'),
    ('quay1', 'Trần Văn Bình', 'counter'),
    ('quay2', 'Lê Thị Mai', 'counter'),
    ('tongdai', 'Phạm Minh Tuấn (tổng đài)', 'hotline'),
]


def generated_password():
    """A random password to type once (no look-alike characters), to be changed at the first login."""
    alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'
    return '-'.join(''.join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


def load_demo():
    """Fill an empty database with the demo office; return the logins and device tokens to print."""
    with db.atomic():
        if not Service.select().exists():
            for order, (code, name, prefix, description) in enumerate(SERVICES):
                Service.create(code=code, name=name, prefix=prefix, description=description, sort_order=order)
            for number, name, codes in COUNTERS:
                counter = Counter.create(number=number, name=name)
                for code in codes:
                    CounterService.create(counter=counter, service=Service.by_code(code))
            for code, *_rest in SERVICES:
                service = Service.by_code(code)
                if code in COMBINED_FIELDS:
                    for field in COMBINED_FIELDS[code]:
                        procedures.add_entries(service, catalogue.entries_of(field))
                else:
                    procedures.add_from_catalogue(service)
            Board.create(name='Màn hình sảnh chính')
            settings.put('hotline_phone', '0236 3822 111')
            settings.put('sms_shortcode', '8188')
            settings.put('office_name', 'Bộ phận một cửa UBND phường Hải Châu')
            settings.put('office_address', '270 Trần Phú, phường Hải Châu, TP Đà Nẵng')
            settings.put('ticket_footer', 'Đường dây nóng: 0236 3822 111')
            settings.put('board_notice', 'Kính mời công dân ngồi chờ và theo dõi số thứ tự trên màn hình. '
                                         'Đặt lịch hẹn qua tổng đài 0236 3822 111.')
        # Each account made now gets a random password, printed once and never stored in clear; an account
        # from an earlier start keeps the password its owner set (None: nothing to print).
        logins = []
        for username, full_name, role in STAFF:
            password = None
            if not Staff.select().where(Staff.username == username).exists():
                password = generated_password()
                Staff.create(username=username, full_name=full_name, role=role, must_change_password=True,
                             password_hash=hash_password(password))
            logins.append((username, role, password))
        # Device tokens are stored hashed, so fresh ones are made (and the old demo ones revoked) each start.
        ApiToken.update(revoked=True).where(ApiToken.name.startswith('demo ')).execute()
        _kiosk, kiosk_token = ApiToken.issue('kiosk', 'demo kiosk')
        _display, display_token = ApiToken.issue('display', 'demo display')
        _gateway, gateway_token = ApiToken.issue('gateway', 'demo gateway')
    return {'staff': logins, 'kiosk': kiosk_token, 'display': display_token, 'gateway': gateway_token}


def print_logins(logins):
    print('Văn phòng mẫu / demo office — tài khoản / logins (mật khẩu chỉ hiện một lần, phải đổi khi đăng nhập '
          'lần đầu / passwords are shown once and must be changed at the first login):')
    for username, role, password in logins['staff']:
        print('  %-8s %-8s mật khẩu/password: %s' % (
            username, role, password or '(giữ mật khẩu đã đặt / unchanged)'))
    print('  kiosk:   /kiosk?token=%s' % logins['kiosk'])
    print('  display: /display?token=%s' % logins['display'])
    # The SMS gateway's own token (its webhooks take no other): Kannel's get-url, see README.
    print('  SMS (Kannel get-url): /api/v1/sms/inbound?token=%s&from=%%p&text=%%a' % logins['gateway'])
