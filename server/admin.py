"""The admin console: server-rendered sections whose forms write through the JSON API (admin.js)."""
import datetime
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, g, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from . import reports, settings
from .api_admin import board_dict, service_dict
from .api_staff import PAPER_WIDTHS, printer_dict, staff_dict
from .auth import page
from .clock import day_month_year, office_day
from .errors import Invalid
from .models import STAFF_ROLES, TOKEN_ROLES, ApiToken, Board, Counter, Printer, Service, Staff, utcnow
from .queue import counter_dict, services_state

bp = Blueprint('admin', __name__)

SECTIONS = [
    ('admin.index', lazy_gettext('Tổng quan')),
    ('admin.services', lazy_gettext('Lĩnh vực')),
    ('admin.counters', lazy_gettext('Quầy')),
    ('admin.boards', lazy_gettext('Màn hình hiển thị')),
    ('admin.devices', lazy_gettext('Thiết bị và mã truy cập')),
    ('admin.printers', lazy_gettext('Máy in')),
    ('admin.staff', lazy_gettext('Tài khoản cán bộ')),
    ('admin.office_settings', lazy_gettext('Thiết lập')),
    ('admin.report', lazy_gettext('Báo cáo')),
]
ROLE_LABELS = {
    'admin': lazy_gettext('Quản trị'), 'desk': lazy_gettext('Lễ tân'), 'counter': lazy_gettext('Cán bộ quầy'),
    'hotline': lazy_gettext('Tổng đài'), 'kiosk': lazy_gettext('Máy lấy số (kiosk)'),
    'display': lazy_gettext('Màn hình hiển thị'),
}
PRINTER_STATUS = {
    'online': lazy_gettext('Sẵn sàng'), 'offline': lazy_gettext('Mất kết nối'),
    'paper_out': lazy_gettext('Hết giấy'), 'paper_near_end': lazy_gettext('Sắp hết giấy'),
    'cover_open': lazy_gettext('Nắp đang mở'), 'error': lazy_gettext('Lỗi'),
    'unknown': lazy_gettext('Chưa rõ'),
}
# The page a paired device opens; admin tokens are for scripts and are never paired into a browser.
PAIRING_PAGES = {'kiosk': '/kiosk', 'display': '/display', 'desk': '/desk', 'counter': '/counter',
                 'hotline': '/hotline'}


def js_strings():
    """The texts admin.js shows, in the user's language."""
    return {
        'offline': _('Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.'),
        'failed': _('Máy chủ báo lỗi (mã %(status)s).', status='{status}'),
        'saved': _('Đã lưu.'), 'copied': _('Đã chép.'),
        'confirm_revoke': _('Thu hồi mã này? Thiết bị đang dùng mã sẽ ngừng hoạt động ngay.'),
        'printer_status': {k: str(v) for k, v in PRINTER_STATUS.items()},
    }


@bp.context_processor
def admin_globals():
    return {'sections': SECTIONS, 'role_labels': ROLE_LABELS, 'printer_status': PRINTER_STATUS,
            'js_strings': js_strings, 'when': day_month_year, 'service_pairs': service_pairs,
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
                           office_name=settings.get('office_name'))


@bp.get('/admin/services')
@page()
def services():
    return render_template('admin/services.html', services=_service_choices())


@bp.get('/admin/counters')
@page()
def counters():
    rows = [counter_dict(c) for c in Counter.ordered()]
    return render_template('admin/counters.html', counters=rows, services=_service_choices(),
                           next_number=max([c['number'] for c in rows] + [0]) + 1)


def base_urls():
    """Addresses other devices can open: PUBLIC_URL, else this request's host, plus the LAN ones for localhost."""
    public = current_app.config.get('PUBLIC_URL')
    if public:
        return [public.rstrip('/')]
    here = request.host_url.rstrip('/')
    parts = urlsplit(here)
    urls = [here]
    if parts.hostname in ('127.0.0.1', 'localhost', '::1'):
        from .cli import lan_addresses
        port = ':%d' % parts.port if parts.port else ''
        urls += ['%s://%s%s' % (parts.scheme, address, port) for address in lan_addresses()
                 if not address.startswith('127.')]
    return urls


@bp.get('/admin/boards')
@page()
def boards():
    return render_template('admin/boards.html', boards=[board_dict(b) for b in Board.select().order_by(Board.id)],
                           services=_service_choices(), counters=[counter_dict(c) for c in Counter.ordered()],
                           base_url=base_urls()[0])


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
    return render_template('admin/devices.html', tokens=token_rows(), roles=TOKEN_ROLES,
                           printers=[printer_dict(p) for p in Printer.select().order_by(Printer.name)],
                           boards=[board_dict(b) for b in Board.select().order_by(Board.id)],
                           base_urls=base_urls(), pairing_pages=PAIRING_PAGES)


@bp.get('/admin/printers')
@page()
def printers():
    return render_template('admin/printers.html', widths=PAPER_WIDTHS,
                           printers=[printer_dict(p) for p in Printer.select().order_by(Printer.name)],
                           default_printer=current_app.config.get('PRINTER'))


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


def sample_ticket(now=None):
    """A ticket as the printer would get it, with the office's own texts, for the preview."""
    first = Service.ordered().where(Service.active == True).first()  # noqa: E712
    values = settings.all_settings()
    return {
        'office_name': values['office_name'], 'office_address': values['office_address'],
        'service_name': first.name if first else _('Chứng thực'), 'number': (first.prefix if first else 'A') + '025',
        'issued_at': day_month_year(now or utcnow()), 'ahead': 4, 'estimated_wait_min': 12,
        'name': 'Nguyễn Văn An', 'track_url': url_for('pages.track', track_id='xem-thu', _external=True),
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


@bp.get('/admin/reports')
@page()
def report():
    """Figures for today or a chosen range; bad dates are shown next to the form, with a 400."""
    today = office_day()
    shortcuts = {'today': today.strftime(reports.DATE_FORMAT),
                 'week': (today - datetime.timedelta(days=6)).strftime(reports.DATE_FORMAT),
                 'month': today.replace(day=1).strftime(reports.DATE_FORMAT)}
    try:
        first, last = reports.date_range(request.args)
    except Invalid as error:
        return render_template('admin/reports.html', report=None, error=error.message, typed=request.args,
                               shortcuts=shortcuts), 400
    typed = {'from': first.strftime(reports.DATE_FORMAT), 'to': last.strftime(reports.DATE_FORMAT)}
    return render_template('admin/reports.html', report=reports.figures(first, last), error=None, typed=typed,
                           shortcuts=shortcuts)


@bp.get('/admin/report.xlsx')
@page()
def report_xlsx():
    """The same report as an Excel workbook."""
    first, last = reports.date_range(request.args)
    data = reports.workbook(reports.figures(first, last), settings.get('office_name'))
    filename = 'bao-cao-%s_%s.xlsx' % (first.isoformat(), last.isoformat())
    return Response(data, mimetype='application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
                    headers={'Content-Disposition': 'attachment; filename="%s"' % filename})
