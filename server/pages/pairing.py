"""The page a new TV or kiosk opens to be paired by a six-digit code instead of a token URL (server/access/pairing.py)."""
from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _

from server import settings
from server.access import pairing
from server.auth import keep_device

bp = Blueprint('pairing', __name__)
PAIR_COOKIE = 'luot_pair'   # the page's own secret: only the browser that shows a code can take its token


def pair_strings():
    """The texts pair.js shows."""
    return {
        'expires': _('Mã này dùng được thêm %(time)s, sau đó tự đổi mã mới.', time='{time}'),
        'paired': _('Đã ghép nối. Đang mở trang của thiết bị…'),
        'network_error': _('Không kết nối được máy chủ. Đang thử lại…'),
    }


@bp.get('/pair')
def pair():
    """A new device's page: its code comes from /pair/check, which it asks every few seconds."""
    return render_template('pairing/pair.html', strings=pair_strings(), office_name=settings.get('office_name'))


@bp.post('/pair/check')
def check():
    """This browser's code (a new one when it had none or it expired), or, once an admin typed it, the device
    cookie and the page to open."""
    secret, state, raw = pairing.check(request.cookies.get(PAIR_COOKIE), request.remote_addr or '')
    response = jsonify(state)
    response.headers['Cache-Control'] = 'no-store'
    if raw:
        response.delete_cookie(PAIR_COOKIE)
        return keep_device(response, raw)
    response.set_cookie(PAIR_COOKIE, secret, max_age=int(pairing.KEPT.total_seconds()), httponly=True,
                        samesite='Strict', secure=current_app.config['SESSION_COOKIE_SECURE'])
    return response


check.answers_json = True   # its refusals (too many codes, a stale form token) are JSON for pair.js
