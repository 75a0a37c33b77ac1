"""Server-rendered pages: home, login, language, and the citizen's live ticket page."""
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from server import labels, settings
from server.access import logins, sessions
from server.auth import safe_next
from server.db.personal_data import retention_notice
from server.extensions import db
from server.models import Ticket
from server.pages import rating
from server.pages.wait_words import wait_strings, wait_text
from server.queueing import ratings, tickets
from server.queueing.lines import ticket_dict

bp = Blueprint('pages', __name__)


@bp.get('/')
def index():
    return render_template('index.html', office_name=settings.get('office_name'))


@bp.route('/login', methods=['GET', 'POST'])
def login():
    target = safe_next(request.values.get('next'))
    if request.method == 'POST':
        username = (request.form.get('username') or '').strip()[:50]
        password = request.form.get('password') or ''
        if not username or not password:   # the form has no browser checks (novalidate): they speak English
            flash(_('Hãy nhập tên đăng nhập.') if not username else _('Hãy nhập mật khẩu.'), 'error')
            return render_template('login.html', next=target, username=username), 400
        outcome = logins.attempt(username, password, request.remote_addr)
        if outcome.staff:
            sessions.begin(outcome.staff)
            if outcome.staff.must_change_password:   # a generated or admin-set password: theirs first
                return redirect(url_for('account.password', next=target))
            return redirect(target or url_for('pages.index'))
        if not outcome.throttled:
            flash(_('Sai tên đăng nhập hoặc mật khẩu.'), 'error')
        if outcome.wait_seconds:
            flash(_('Đăng nhập sai nhiều lần. Vui lòng thử lại sau %(n)s giây.', n=outcome.wait_seconds), 'error')
        status = 429 if outcome.throttled else 401
        return render_template('login.html', next=target, username=username), status
    return render_template('login.html', next=target, username='')


@bp.post('/logout')
def logout():
    """Log out, leaving the counter this browser worked at (tickets.leave_counter)."""
    # The counter page asks first whether its current citizen was served, absent or goes back to the line,
    # and does it, then posts its counter here. Any other logout (another page of the same browser, an old
    # tab) leaves the counter this session last acted at just the same: a citizen still called or served
    # there goes back to the line at their place (the server cannot know whether they were served; this
    # neither counts them nor loses them) and the counter is paused, so it is not left open with nobody.
    # A session that merely expires sends no request, so the server cannot act at that moment; sessions
    # end after the session_idle_hours setting unused, and the midnight close cancels the tickets of
    # earlier days that were left open.
    principal = g.get('principal')
    if principal is not None and principal.staff is not None and principal.allowed(('counter',)):
        numbers = {session.get('counter'), request.form.get('counter', type=int)}
        for number in sorted(n for n in numbers if isinstance(n, int) and 1 <= n <= 999):
            tickets.leave_counter(number, principal.staff, principal.actor)
    if principal is not None and principal.staff is not None:
        with db.atomic():   # every session of this person ends, on every browser (server/access/sessions.py)
            sessions.end_everywhere(principal.staff.id)
    session.clear()
    return redirect(url_for('pages.login'))


@bp.get('/lang/<code>')
def language(code):
    """Switch the interface language (kept in a cookie); no state on the server changes."""
    if code not in ('vi', 'en'):
        abort(404)
    response = redirect(safe_next(request.args.get('next')) or url_for('pages.index'))
    response.set_cookie('lang', code, max_age=365 * 24 * 3600, samesite='Lax',
                        secure=current_app.config['SESSION_COOKIE_SECURE'])
    return response


@bp.get('/t/<track_id>')
def track(track_id):
    """The page behind the ticket's QR code: no login, an unguessable id, live over /track."""
    ticket = Ticket.get_or_none(Ticket.track_id == track_id[:32])
    if ticket is None:
        abort(404)
    strings = {
        'status': labels.texts(labels.TICKET_STATUS),
        'called': _('Mời ông/bà đến quầy số %(n)s', n='{n}'),
        'serving': _('Ông/bà đang được phục vụ tại quầy số %(n)s', n='{n}'),
        'ahead': _('Trước ông/bà còn %(n)s người', n='{n}'),
        'ahead_none': _('Không có ai đứng trước ông/bà'),
        'wait': wait_strings(),
        'next': _('Sắp đến lượt ông/bà, xin chú ý màn hình và loa gọi số.'),
        'done': _('Cảm ơn ông/bà đã đến làm thủ tục.'),
        'no_show': _('Ông/bà đã không có mặt khi được gọi. Xin liên hệ quầy hướng dẫn.'),
        'cancelled': _('Số thứ tự này đã bị hủy.'),
        'issued': _('Lấy số lúc %(t)s', t='{t}'),
        'live': _('Trang tự cập nhật, không cần tải lại.'),
        'offline': _('Mất kết nối, đang kết nối lại…'),
        **rating.rating_strings(),
    }
    shown = tracked(ticket)
    return render_template('track.html', ticket=shown, track_id=ticket.track_id, strings=strings,
                           wait=wait_text(shown, strings['wait']),
                           scores=rating.scores(), office_name=settings.get('office_name'),
                           privacy=retention_notice())


def tracked(ticket):
    """The ticket as the phone page shows it (masked name, no phone) and whether it may be rated now."""
    return dict(ticket_dict(ticket, private=False), rating=ratings.rating_state(ticket))


@bp.get('/t/<track_id>.json')
def track_json(track_id):
    """The ticket behind a track id as the phone page shows it (masked name, no phone)."""
    ticket = Ticket.get_or_none(Ticket.track_id == track_id[:32])
    if ticket is None:
        return {'error': {'code': 'not_found', 'message': _('Không tìm thấy số thứ tự này.')}}, 404
    # Each fetch follows an event: a cached answer would show the old state.
    return tracked(ticket), 200, {'Cache-Control': 'no-store'}
