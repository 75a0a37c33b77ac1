"""Who is asking: staff sessions, device cookies and bearer tokens, and the role checks."""
import datetime
import functools
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode, urlparse

from flask import current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from server import caches
from server.access import sessions
from server.errors import Forbidden, Unauthorized
from server.extensions import csrf, db
from server.models import ApiToken, Staff, utcnow

DEVICE_COOKIE = 'luot_device'
DEVICE_COOKIE_AGE = 5 * 365 * 24 * 3600


@dataclass
class Principal:
    role: str
    name: str
    staff: Staff = None
    token: ApiToken = None

    def allowed(self, roles):
        return self.role == 'admin' or self.role in roles

    @property
    def actor(self):
        return ('staff:' if self.staff else 'token:') + self.name


def hash_password(password):
    return generate_password_hash(password)


_dummy_hash = []


def check_login(username, password):
    """The active staff account with these credentials, or None; as slow for a name that has no account,
    so that the time of an answer does not tell who works here."""
    staff = Staff.get_or_none((Staff.username == username) & (Staff.active == True))  # noqa: E712
    if staff is None:
        if not _dummy_hash:
            _dummy_hash.append(hash_password(secrets.token_urlsafe(16)))
        check_password_hash(_dummy_hash[0], password)
        return None
    return staff if check_password_hash(staff.password_hash, password) else None


# Every kiosk and board request presents its token; hashing and selecting it each time was a fifth of
# a ticket's cost. A revoked token stops at once in this process (caches.py) and within a second elsewhere.
_tokens = caches.Fresh()


def lookup_token(raw):
    """The unrevoked token row of a raw secret, or None."""
    if not isinstance(raw, str) or not raw or len(raw) > 200:
        return None
    return _tokens.get(ApiToken.digest(raw), lambda: ApiToken.lookup(raw))


def _token_principal(raw):
    token = lookup_token(raw)
    if token is None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        token.last_used_at = now  # the cached copy too, so the next requests do not write again
        with db.atomic():
            ApiToken.update(last_used_at=now).where(ApiToken.id == token.id).execute()
    return Principal(role=token.role, name=token.name, token=token)


def session_staff():
    """The active staff account of the session's login, or None (none, idle too long or ended: sessions.py)."""
    return sessions.current_staff()


def load_principal():
    """Before each request: set g.principal from the bearer header, the session or the device cookie."""
    g.principal, g.bearer = None, False
    header = request.headers.get('Authorization', '')
    if header[:7].lower() == 'bearer ':
        g.bearer = True
        g.principal = _token_principal(header[7:].strip())
        return
    staff = session_staff()
    if staff:
        sessions.touch()
        g.principal = Principal(role=staff.role, name=staff.username, staff=staff)
        return
    session.pop('staff_id', None)
    if request.cookies.get(DEVICE_COOKIE):
        g.principal = _token_principal(request.cookies[DEVICE_COOKIE])


# POSTs that change nothing: the device cookie is SameSite=Lax, so another site cannot send it anyway.
CSRF_FREE = ('display.speech',)


def protect_forms():
    """CSRF on every state change made with cookies; bearer-token calls carry no ambient authority."""
    if request.method not in ('POST', 'PUT', 'PATCH', 'DELETE') or g.get('bearer') or request.endpoint in CSRF_FREE:
        return
    if g.get('principal') is None and request.path.startswith('/api/'):
        return  # nothing ambient to abuse; the view answers 401
    csrf.protect()


def requires(*roles):
    """An API view for these roles (admin always allowed): 401 for anonymous, 403 for others."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = g.get('principal')
            if principal is None:
                raise Unauthorized(_('Cần mã truy cập (Authorization: Bearer ...) hoặc đăng nhập.'))
            if roles and not principal.allowed(roles):
                raise Forbidden(_('Vai trò "%(role)s" không được phép thực hiện thao tác này.',
                                  role=principal.role))
            return view(*args, **kwargs)
        wrapper.required_roles = roles or ('*',)
        wrapper.answers_json = True
        return wrapper
    return decorate


def gateway_only(view):
    """An API view for the SMS gateway's token alone: Bearer header or a `token` parameter (Kannel).

    Cookies are never enough: a link on another site opened in an admin's browser would carry the
    session and book in the admin's name. An admin token is refused too: the gateway has its own."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        principal = g.principal if g.get('bearer') else _token_principal(request.values.get('token'))
        if principal is None:
            raise Unauthorized(_('Cần mã truy cập của cổng SMS (Authorization: Bearer ... hoặc tham số token); '
                                 'phiên đăng nhập và cookie của trình duyệt không được chấp nhận.'))
        if principal.role != 'gateway':
            raise Forbidden(_('Chỉ mã truy cập vai trò "gateway" (cổng SMS) được gọi địa chỉ này, '
                              'không phải vai trò "%(role)s".', role=principal.role))
        g.principal = principal
        return view(*args, **kwargs)
    wrapper.required_roles = ('gateway',)
    wrapper.admin_refused = True
    wrapper.answers_json = True
    return wrapper


def page(*roles):
    """A page for these roles: pairs a device from ?token=, else sends strangers to the login page."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            raw = request.args.get('token')
            if raw:
                return _pair_device(raw)
            principal = g.get('principal')
            if principal is None:
                return redirect(url_for('pages.login', next=request.full_path.rstrip('?')))
            if not principal.allowed(roles):
                raise Forbidden(_('Tài khoản "%(name)s" không được phép mở trang này.', name=principal.name))
            return view(*args, **kwargs)
        wrapper.required_roles = roles
        return wrapper
    return decorate


def _pair_device(raw):
    """Keep a device token in a long-lived cookie and reload the page without it."""
    if lookup_token(raw) is None:
        raise Unauthorized(_('Mã thiết bị không hợp lệ hoặc đã bị thu hồi.'))
    query = {k: v for k, v in request.args.items() if k != 'token'}
    target = request.path + ('?' + urlencode(query) if query else '')
    return keep_device(redirect(target), raw)


def keep_device(response, raw):
    """The response, setting the long-lived device cookie (?token= here, a code on /pair: server/pages/pairing.py)."""
    response.set_cookie(DEVICE_COOKIE, raw, max_age=DEVICE_COOKIE_AGE, httponly=True, samesite='Lax',
                        secure=current_app.config['SESSION_COOKIE_SECURE'])
    return response


# Kiosks, boards and anyone without a login see names only masked and never a phone number.
PERSONAL_DATA_ROLES = ('admin', 'desk', 'counter', 'hotline')


def sees_personal_data(principal=None):
    """Whether the caller (default: this request's) may read citizens' full names and phone numbers."""
    principal = principal if principal is not None else g.get('principal')
    return principal is not None and principal.role in PERSONAL_DATA_ROLES


def safe_next(target):
    """Only local paths are followed after login."""
    if not target:
        return None
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith('/') or target.startswith('//'):
        return None
    return target
