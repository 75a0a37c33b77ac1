"""Server-rendered pages: home, login, language, and the citizen's live ticket page."""
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from . import settings
from .auth import check_login, safe_next
from .models import Ticket
from .queue import ticket_dict

bp = Blueprint('pages', __name__)


@bp.get('/')
def index():
    return render_template('index.html', office_name=settings.get('office_name'))


@bp.route('/login', methods=['GET', 'POST'])
def login():
    target = safe_next(request.values.get('next'))
    if request.method == 'POST':
        username = (request.form.get('username') or '').strip()[:50]
        staff = check_login(username, request.form.get('password') or '')
        if staff:
            session.clear()
            session['staff_id'] = staff.id
            session.permanent = True
            return redirect(target or url_for('pages.index'))
        flash(_('Sai tên đăng nhập hoặc mật khẩu.'), 'error')
        return render_template('login.html', next=target, username=username), 401
    return render_template('login.html', next=target, username='')


@bp.post('/logout')
def logout():
    session.clear()
    return redirect(url_for('pages.login'))


@bp.get('/lang/<code>')
def language(code):
    """Switch the interface language (kept in a cookie); no state on the server changes."""
    if code not in ('vi', 'en'):
        abort(404)
    response = redirect(safe_next(request.args.get('next')) or url_for('pages.index'))
    response.set_cookie('lang', code, max_age=365 * 24 * 3600, samesite='Lax')
    return response


@bp.get('/t/<track_id>')
def track(track_id):
    """The page behind the ticket's QR code: no login, an unguessable id."""
    ticket = Ticket.get_or_none(Ticket.track_id == track_id[:32])
    if ticket is None:
        abort(404)
    data = ticket_dict(ticket, private=False)
    return render_template('track.html', ticket=data, track_id=track_id,
                           office_name=settings.get('office_name'))


@bp.get('/t/<track_id>.json')
def track_json(track_id):
    ticket = Ticket.get_or_none(Ticket.track_id == track_id[:32])
    if ticket is None:
        abort(404)
    return ticket_dict(ticket, private=False)


