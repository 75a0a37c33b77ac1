"""Configuration: safe LAN defaults, then DATA_DIR/config.py, then LUOT_* variables, then the caller's dict."""
import os
import secrets
from pathlib import Path

from server.db.private_files import create_private, private_folder, tighten

DEFAULTS = {
    'DATA_DIR': 'instance',
    'DATABASE_URL': None,          # None: SQLite file luot.db in DATA_DIR
    'MESSAGE_QUEUE': None,         # redis://... when several processes serve one office
    'SECRET_KEY': None,            # None: generated once and kept in DATA_DIR/secret_key
    'TIMEZONE': 'Asia/Ho_Chi_Minh',
    'PRINTER': None,               # default printer URI for kiosks and desks without their own
    'SMS': None,                   # set (LUOT_SMS, config.py): fixed; None: the console's gateway, else log://
    'PUBLIC_URL': None,            # base of track_url; None: the address the request came to
    'KIOSK_RESET_SECONDS': 30,     # kiosks go back to Vietnamese and the start screen after this long
    'SCHEDULER': True,             # run the background jobs (daily reset, sweeps)
    'MAX_CONTENT_LENGTH': 1024 * 1024,
    'SESSION_COOKIE_HTTPONLY': True,
    'SESSION_COOKIE_SAMESITE': 'Lax',
    'TLS': False,                  # run.py --certfile/--keyfile: HTTPS, and cookies marked Secure
    'WTF_CSRF_CHECK_DEFAULT': False,  # checked in a before_request hook: bearer tokens are exempt
    'WTF_CSRF_TIME_LIMIT': None,
    # Over HTTPS Flask-WTF would also demand a same-site Referer, which Referrer-Policy: no-referrer
    # (server/access/security.py) never lets a browser send: the token and SameSite cookies guard the forms.
    'WTF_CSRF_SSL_STRICT': False,
    'BABEL_DEFAULT_LOCALE': 'vi',
    'BABEL_DEFAULT_TIMEZONE': 'Asia/Ho_Chi_Minh',
    'JSON_SORT_KEYS': False,
}

ENVIRONMENT = ('DATABASE_URL', 'MESSAGE_QUEUE', 'SECRET_KEY', 'TIMEZONE', 'PRINTER', 'SMS',
               'PUBLIC_URL', 'DATA_DIR', 'KIOSK_RESET_SECONDS')


def load_config(app, overrides=None):
    """Fill app.config in the documented order and return it."""
    overrides = dict(overrides or {})
    app.config.update(DEFAULTS)
    data_dir = Path(overrides.get('DATA_DIR') or os.environ.get('LUOT_DATA_DIR') or 'instance')
    private_folder(data_dir)
    app.config.from_pyfile(str((data_dir / 'config.py').resolve()), silent=True)
    for key in ENVIRONMENT:
        value = os.environ.get('LUOT_' + key)
        if value:
            app.config[key] = value
    app.config.update(overrides)
    app.config['DATA_DIR'] = str(data_dir.resolve())
    app.config['BABEL_DEFAULT_TIMEZONE'] = app.config['TIMEZONE']
    if not app.config['DATABASE_URL']:
        app.config['DATABASE_URL'] = 'sqlite:///' + (data_dir / 'luot.db').resolve().as_posix()
    if not app.config['SECRET_KEY']:
        app.config['SECRET_KEY'] = _stored_secret(data_dir / 'secret_key')
    return app.config


def _stored_secret(path):
    """Read the secret key kept in the data directory, creating it (owner-only) on first start."""
    key = secrets.token_hex(32)
    try:
        create_private(path, key)
    except FileExistsError:
        tighten(path)
        return path.read_text(encoding='ascii').strip()
    return key
