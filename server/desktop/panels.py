"""What the window says about the office, as plain text from GET /api/v1/overview (no Tk here).

Names of boards, kiosks and printers only: the overview carries no citizen's name or phone number.
"""
from server.desktop.texts import PRINTER_STATE

STATES = {   # state -> (words, colour): colours a clerk tells apart at a glance
    'running': ('Đang phục vụ', '#1b7f3b'),
    'starting': ('Đang khởi động…', '#b26a00'),
    'stopping': ('Đang dừng…', '#b26a00'),
    'stopped': ('Đã dừng', '#5f6368'),
    'failed': ('Máy chủ đã dừng bất ngờ', '#c5221f'),
}
TROUBLE = ('offline', 'paper_out', 'cover_open', 'error')
TODAY = (('issued', 'Đã lấy số'), ('waiting', 'Đang chờ'), ('serving', 'Đang phục vụ tại quầy'),
         ('served', 'Đã xong'), ('no_show', 'Vắng mặt'))


def device_lines(overview, words):
    """'Màn hình: 2/3 đang kết nối (TV sảnh, TV tầng 2)', the same for kiosks, then the staff pages open."""
    if overview is None:
        return ['—']
    lines = []
    for role, title in (('display', 'Màn hình'), ('kiosk', 'Máy lấy số')):
        devices = [d for d in overview['devices'] if d['role'] == role]
        online = [d['name'] for d in devices if d['connected']]
        line = '%s: %d/%d %s' % (words(title), len(online), len(devices), words('đang kết nối'))
        lines.append(line + (' (%s)' % ', '.join(online[:4]) + ('…' if len(online) > 4 else '') if online else ''))
    lines.append('%s: %d %s' % (words('Quầy và cán bộ'), overview['counters_connected'], words('đang kết nối')))
    return lines


def printer_lines(overview, words):
    """[(text, colour)]: each printer and its last known state, red when it needs someone (offline, out of
    paper, cover open, an error); the default printer (LUOT_PRINTER) when one is set."""
    if overview is None:
        return [('—', None)]
    lines = [('%s: %s' % (p['name'], words(PRINTER_STATE.get(p['status'], 'chưa rõ trạng thái'))),
              '#c5221f' if p['status'] in TROUBLE else None) for p in overview['printers']]
    if overview['default_printer']:
        lines.append((words('máy in mặc định'), None))
    return lines or [(words('chưa có'), None)]


def sms_line(overview, words):
    """The gateway's state in words, with the messages still waiting to go."""
    if overview is None:
        return '—', None
    sms = overview['sms']
    if sms['scheme'] in (None, 'log'):
        return words('chưa cài đặt (chỉ ghi nhật ký)'), '#5f6368'
    if sms['ok']:
        text = '%s (%s)' % (words('hoạt động'), sms['scheme'])
    else:
        text = '%s: %s' % (words('Lỗi'), sms['reason'] or sms['scheme'])
    if sms['pending']:
        text += ' · %d %s' % (sms['pending'], words('tin chờ gửi'))
    return text, '#1b7f3b' if sms['ok'] else '#c5221f'


def today_figures(overview, words):
    """[(label, number)] of today's tickets; '—' while the server does not answer."""
    today = overview['today'] if overview else {}
    return [(words(label), str(today[key]) if key in today else '—') for key, label in TODAY]


def page_urls(base):
    """The pages the window's buttons open on this PC."""
    return {'console': base + '/admin', 'board': base + '/display', 'kiosk': base + '/kiosk'}
