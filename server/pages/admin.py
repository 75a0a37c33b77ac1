"""The admin console: server-rendered sections whose forms write through the JSON API (admin.js)."""
import datetime
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, g, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from display import launch_lines
from server import labels, settings
from server.api.devices import PAPER_WIDTHS, board_dict, printer_dict
from server.api.office import service_dict
from server.api.office_calendar import hours_dict
from server.api.printer_addresses import address_words
from server.api.staff import staff_dict
from server.auth import page
from server.clock import day_month_year, office_day
from server.errors import Invalid
from server.extensions import socketio
from server.host.addresses import base_url, external_url, lan_addresses
from server.live import relay
from server.live.devices import console_rows
from server.models import (OUTBOX_STATES, STAFF_ROLES, TOKEN_ROLES, ApiToken, Board, Counter, Holiday, InboundMessage,
                           OutboxMessage, Printer, Service, Staff, utcnow)
from server.queueing import reports
from server.queueing.lines import counter_dict, services_state
from server.sms.messages import shown_text
from server.validation import mask_phone

bp = Blueprint('admin', __name__)

SECTIONS = [
    ('admin.index', lazy_gettext('Tổng quan')),
    ('admin.services', lazy_gettext('Lĩnh vực')),
    ('admin.calendar', lazy_gettext('Lịch làm việc')),
    ('admin.procedure_list', lazy_gettext('Thủ tục')),
    ('admin.counters', lazy_gettext('Quầy')),
    ('admin.boards', lazy_gettext('Màn hình hiển thị')),
    ('admin.media', lazy_gettext('Trình chiếu')),
    ('admin.devices', lazy_gettext('Thiết bị và mã truy cập')),
    ('admin.printers', lazy_gettext('Máy in')),
    ('admin.staff', lazy_gettext('Tài khoản cán bộ')),
    ('admin.sms', lazy_gettext('Tin nhắn SMS')),
    ('admin.office_settings', lazy_gettext('Thiết lập')),
    ('admin.records', lazy_gettext('Dữ liệu cá nhân và sao lưu')),
    ('admin.report', lazy_gettext('Báo cáo')),
]
RESENDABLE = ('failed', 'uncertain', 'skipped')
LOOPBACK = ('127.0.0.1', 'localhost', '::1')
# The page a paired device opens; admin tokens are for scripts and are never paired into a browser.
PAIRING_PAGES = {'kiosk': '/kiosk', 'display': '/display', 'desk': '/desk', 'counter': '/counter',
                 'hotline': '/hotline'}


def js_strings():
    """The texts admin.js shows, in the user's language (base.html hands them to strings.js)."""
    return {
        'network_error': _('Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.'),
        'session_expired': _('Phiên đăng nhập đã hết hạn. Hãy tải lại trang và đăng nhập.'),
        'http_failed': _('Máy chủ báo lỗi (mã %(status)s).', status='{status}'),
        'saved': _('Đã lưu.'), 'copied': _('Đã chép.'),
        'confirm_revoke': _('Thu hồi mã này? Thiết bị đang dùng mã sẽ ngừng hoạt động ngay.'),
        'confirm_holiday': _('Bỏ ngày nghỉ này? Ngày đó sẽ theo giờ làm việc thường của thứ trong tuần.'),
        'session_half': _('%(day)s: hãy nhập đủ giờ bắt đầu và giờ kết thúc của buổi, hoặc để trống cả hai.',
                          day='{day}'),
        'printer_status': labels.texts(labels.PRINTER_STATE, capitalised=True),
        'device_link': labels.texts(labels.DEVICE_LINK), 'sound_state': labels.texts(labels.SOUND_STATE),
        # A form's own checks (forms.js), naming the field as its label does.
        'field_missing': _('Hãy nhập "%(field)s".', field='{field}'),
        'field_range': _('"%(field)s" phải từ %(min)s đến %(max)s.', field='{field}', min='{min}', max='{max}'),
        'field_min': _('"%(field)s" phải từ %(min)s trở lên.', field='{field}', min='{min}'),
        'field_max': _('"%(field)s" không được quá %(max)s.', field='{field}', max='{max}'),
        'field_short': _('"%(field)s" cần ít nhất %(min)s ký tự.', field='{field}', min='{min}'),
        'field_format': _('"%(field)s" chưa đúng dạng: hãy nhập theo dạng %(format)s.', field='{field}',
                          format='{format}'),
        'field_invalid': _('"%(field)s" chưa hợp lệ.', field='{field}'),
        # Copying the set-up to another office (office_file.js).
        'office_file_missing': _('Hãy chọn tệp thiết lập (.json).'),
        'office_file_not_json': _('Tệp "%(name)s" không phải tệp thiết lập của Lượt (không đọc được JSON).',
                                  name='{name}'),
        'office_confirm_import': _('Nhập thiết lập từ tệp "%(name)s"? Lĩnh vực, thủ tục, quầy, màn hình, giờ làm '
                                   'việc, ngày nghỉ và thiết lập của đơn vị này sẽ được thay bằng của tệp; những gì '
                                   'đã có phiếu hoặc lịch hẹn được đóng chứ không xóa.', name='{name}'),
        'office_imported': _('Đã nhập thiết lập. Tải lại trang để xem.'),
    }


@bp.context_processor
def admin_globals():
    return {'sections': SECTIONS, 'role_labels': labels.ROLE, 'weekday_names': labels.weekday_names(),
            'printer_status': labels.texts(labels.PRINTER_STATE, capitalised=True),
            'strings': js_strings(), 'when': day_month_year, 'service_pairs': service_pairs,
            'minutes': minutes, 'counter_pairs': lambda counters: [(c['number'], c['name']) for c in counters]}


def minutes(value):
    """A mean in minutes as people here write it (12,5), or a dash when there is none."""
    return '—' if value is None else format_decimal(value, format='#,##0.0')


def service_pairs(services):
    """(code, label) choices for checkboxes of services."""
    return [(s['code'], '%s (%s)' % (s['name'], s['code'])) for s in services]


def _service_choices():
    return [service_dict(s) for s in Service.ordered()]


@bp.get('/admin')
@page()
def index():
    """Today at a glance: the figures so far, the waiting lines and the printers that need a hand."""
    today = office_day()
    problems = [printer_dict(p) for p in Printer.select().where(Printer.status.not_in(('online', 'unknown')))]
    return render_template('admin/index.html', today=reports.figures(today, today), lines=services_state(),
                           counters=[counter_dict(c) for c in Counter.ordered()], problems=problems,
                           message_queue=relay.state(socketio), office_name=settings.get('office_name'),
                           shared_prefixes=Service.shared_prefixes())


@bp.get('/admin/services')
@page()
def services():
    return render_template('admin/services.html', services=_service_choices(),
                           shared_prefixes=Service.shared_prefixes())


@bp.get('/admin/calendar')
@page()
def calendar():
    """The week's hours, this and next year's holidays, and each service's booking settings."""
    year = office_day().year
    holidays = Holiday.select().where(Holiday.day.between(datetime.date(year, 1, 1), datetime.date(year + 1, 12, 31)))
    return render_template('admin/calendar.html', week=hours_dict(), services=_service_choices(),
                           holidays=holidays.order_by(Holiday.day), years=(year, year + 1))


@bp.get('/admin/counters')
@page()
def counters():
    rows = [counter_dict(c) for c in Counter.ordered()]
    return render_template('admin/counters.html', counters=rows, services=_service_choices(),
                           next_number=max([c['number'] for c in rows] + [0]) + 1)


def base_urls():
    """Addresses other devices can open: PUBLIC_URL, else the one this request came to (never a forged Host
    header: addresses.base_url), plus the LAN ones for localhost."""
    public = current_app.config.get('PUBLIC_URL')
    if public:
        return [public.rstrip('/')]
    here = base_url()
    parts = urlsplit(here)
    urls = [here]
    if parts.hostname in LOOPBACK:
        port = ':%d' % parts.port if parts.port else ''
        urls += ['%s://%s%s' % (parts.scheme, address, port) for address in lan_addresses()
                 if not address.startswith('127.')]
    return urls


@bp.get('/admin/boards')
@page()
def boards():
    urls = base_urls()
    # The TVs need the address they can reach: a LAN one when the console is open on the server itself.
    reachable = next((url for url in urls if urlsplit(url).hostname not in LOOPBACK), urls[0])
    return render_template('admin/boards.html', boards=[board_dict(b) for b in Board.ordered()],
                           services=_service_choices(), counters=[counter_dict(c) for c in Counter.ordered()],
                           base_url=urls[0], launch=launch_lines(reachable + '/display'))


def token_rows():
    """Every token for the list: never the secret, only its first characters."""
    rows = []
    for token in ApiToken.select().order_by(ApiToken.revoked, ApiToken.id.desc()):
        rows.append({'id': token.id, 'name': token.name, 'role': token.role, 'hint': token.hint + '…',
                     'revoked': token.revoked, 'printer': token.printer.name if token.printer_id else None,
                     'created_at': day_month_year(token.created_at),
                     'last_used_at': day_month_year(token.last_used_at)})
    return rows


@bp.get('/admin/devices')
@page()
def devices():
    return render_template('admin/devices.html', tokens=token_rows(), roles=TOKEN_ROLES, devices=console_rows(),
                           printers=[printer_dict(p) for p in Printer.select().order_by(Printer.name)],
                           boards=[board_dict(b) for b in Board.ordered()], counters=list(Counter.ordered()),
                           base_urls=base_urls(), pairing_pages=PAIRING_PAGES)


@bp.get('/admin/printers')
@page()
def printers():
    uri = current_app.config.get('PRINTER')
    return render_template('admin/printers.html', widths=PAPER_WIDTHS, kinds=labels.PRINTER_KIND,
                           printers=[dict(printer_dict(p), seen_at=day_month_year(p.status_at))
                                     for p in Printer.select().order_by(Printer.name)],
                           default_printer={'uri': uri, 'address': address_words(uri)} if uri else None)


@bp.get('/admin/staff')
@page()
def staff():
    me = g.principal.staff.id if g.principal.staff else None
    accounts = [dict(staff_dict(s), created=day_month_year(s.created_at)[:10])
                for s in Staff.select().order_by(Staff.username)]
    return render_template('admin/staff.html', accounts=accounts, roles=STAFF_ROLES, me=me)


@bp.get('/admin/settings')
@page()
def office_settings():
    from display.numbers import spoken_ticket_number
    examples = {mode: spoken_ticket_number('A025', mode) for mode in ('number', 'digits')}
    return render_template('admin/settings.html', values=settings.all_settings(), examples=examples,
                           limits=settings.LIMITS)


def outbox_rows(state=None):
    """The latest 200 outgoing messages (of one state), newest first, for the SMS page."""
    query = OutboxMessage.select().order_by(OutboxMessage.id.desc())
    if state:
        query = query.where(OutboxMessage.state == state)
    return [{'id': m.id, 'kind': m.kind, 'phone': mask_phone(m.phone), 'text': shown_text(m), 'state': m.state,
             'attempts': m.attempts, 'last_error': m.last_error, 'send_after': day_month_year(m.send_after),
             'sent_at': day_month_year(m.sent_at), 'appointment': m.appointment.code if m.appointment_id else None}
            for m in query.limit(200)]


@bp.get('/admin/sms')
@page()
def sms():
    """The SMS gateway's state, the messages going out (with a resend for failed ones) and those that came in."""
    from server.api.sms_gateway import gateway_dict
    from server.sms.messaging import gateway_state
    state = request.args.get('state') or None
    if state not in OUTBOX_STATES:
        state = None
    inbox = [{'phone': mask_phone(r.phone), 'text': r.text, 'received_at': day_month_year(r.received_at),
              'command': r.command, 'outcome': r.outcome, 'reply': r.reply}
             for r in InboundMessage.select().order_by(InboundMessage.id.desc()).limit(200)]
    app = current_app._get_current_object()
    return render_template('admin/sms.html', gateway=gateway_state(app), setup=gateway_dict(app),
                           gateway_kinds=labels.SMS_GATEWAY_KIND,
                           outbox=outbox_rows(state), inbox=inbox, state=state, states=labels.OUTBOX_STATE,
                           kinds=labels.SMS_KIND, outcomes=labels.SMS_OUTCOME, resendable=RESENDABLE)


def sample_ticket(now=None):
    """A ticket as the printer would get it, with the office's own texts, for the preview."""
    first = Service.ordered().where(Service.active == True).first()  # noqa: E712
    values = settings.all_settings()
    return {
        'office_name': values['office_name'], 'office_address': values['office_address'],
        'service_name': first.name if first else _('Chứng thực'), 'number': (first.prefix if first else 'A') + '025',
        'issued_at': day_month_year(now or utcnow()), 'ahead': 4, 'estimated_wait_min': 12,
        'estimated_wait_low_min': 10, 'estimated_wait_high_min': 15,
        'name': 'Nguyễn Văn An', 'track_url': external_url(url_for('pages.track', track_id='xem-thu')),
        'footer_text': values['ticket_footer'], 'footer_qr_url': values['ticket_footer_qr_url'],
    }


@bp.get('/admin/ticket-preview.png')
@page()
def ticket_preview():
    """The sample ticket rendered exactly as the layout prints it, at 58 or 80 mm."""
    from printer.layout import preview_png
    width = request.args.get('width', '80')
    if width not in ('58', '80'):
        raise Invalid(_('Khổ giấy phải là 58 hoặc 80 (mm).'), 'invalid_paper_width')
    png = preview_png(sample_ticket(), int(width))
    return Response(png, mimetype='image/png', headers={'Cache-Control': 'no-store'})
