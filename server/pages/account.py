"""A staff member's own account: changing the password, which comes first after a generated one.

A password someone else chose (the demo's generated ones, or one an admin set for a colleague through the
console or the API) must be replaced at the first login: until then every page leads here and the JSON API
refuses the session (403 password_change_required). Bearer tokens are not sessions and are not affected.
"""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from server.access import logins, sessions
from server.api.staff import MIN_PASSWORD
from server.audit import audit
from server.auth import hash_password, page, safe_next
from server.errors import Forbidden
from server.extensions import db
from server.models import STAFF_ROLES, Staff

bp = Blueprint('account', __name__)

# What a session that must change its password may still reach.
OPEN_BEFORE_CHANGE = ('account.password', 'pages.login', 'pages.logout', 'pages.language', 'static')


def password_change_first():
    """Before each request: a session whose password must change goes to the change page (pages) or is
    refused (JSON); None lets the request through."""
    principal = g.get('principal')
    if principal is None or principal.staff is None or not principal.staff.must_change_password:
        return None
    if request.endpoint in OPEN_BEFORE_CHANGE:
        return None
    if request.path.startswith('/api/'):
        raise Forbidden(_('Bạn cần đổi mật khẩu trước khi tiếp tục (trang /password).'), 'password_change_required')
    return redirect(url_for('account.password', next=safe_next(request.full_path.rstrip('?'))))


def _problem(current, new, repeated):
    """Why these passwords cannot be taken (a message), or None."""
    if not current:
        return _('Hãy nhập mật khẩu hiện tại.')
    if len(new) < MIN_PASSWORD:
        return _('Mật khẩu phải có ít nhất %(min)d ký tự.', min=MIN_PASSWORD)
    if new != repeated:
        return _('Hai lần nhập mật khẩu mới không giống nhau.')
    if new == current:
        return _('Mật khẩu mới phải khác mật khẩu hiện tại.')
    return None


@bp.route('/password', methods=['GET', 'POST'])
@page(*STAFF_ROLES)
def password():
    """Change one's own password; every other session of this person ends."""
    staff = g.principal.staff
    target = safe_next(request.values.get('next'))
    if staff is None:   # a token: it has no password of its own
        return redirect(url_for('pages.login', next=url_for('account.password')))
    forced = staff.must_change_password
    if request.method == 'GET':
        return render_template('password.html', forced=forced, next=target, min_length=MIN_PASSWORD)
    current = request.form.get('current') or ''
    new, repeated = request.form.get('new') or '', request.form.get('repeat') or ''
    problem = _problem(current, new, repeated) if len(new) <= 200 else _('Mật khẩu dài quá 200 ký tự.')
    status = 400
    if problem is None:
        outcome = logins.check_own_password(staff, current, request.remote_addr)
        if outcome.staff is None:
            problem = _('Mật khẩu hiện tại không đúng.')
            if outcome.wait_seconds:
                problem = _('Đăng nhập sai nhiều lần. Vui lòng thử lại sau %(n)s giây.', n=outcome.wait_seconds)
                status = 429 if outcome.throttled else 400
    if problem is not None:
        flash(problem, 'error')
        return render_template('password.html', forced=forced, next=target, min_length=MIN_PASSWORD), status
    with db.atomic():
        Staff.update(password_hash=hash_password(new), must_change_password=False).where(Staff.id == staff.id).execute()
        epoch = sessions.end_everywhere(staff.id)
        audit(None, 'password_changed', g.principal.actor, username=staff.username)
    sessions.keep(epoch)
    flash(_('Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.'), 'info')
    return redirect(target or url_for('pages.index'))
