"""The SMS gateway as the console sets it (a Setting row), unless the environment fixes it (LUOT_SMS, config.py).

The form's fields become the transport URI of server/sms/transports; passwords and the PIN are kept but never
sent back to a page: an empty one in a change keeps the stored value.
"""
import re
import urllib.parse

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from printer.lan import HOST_NAME
from server import settings
from server.errors import Invalid

KEY = 'sms_gateway'              # an internal Setting row: not in the office's settings, export or GET /settings
KINDS = ('log', 'kannel', 'gsm', 'smpp')
FIELDS = {'log': (), 'kannel': ('url', 'username', 'password', 'sender'), 'gsm': ('device', 'pin'),
          'smpp': ('host', 'port', 'system_id', 'password', 'sender')}
REQUIRED = {'kannel': ('url', 'username', 'password'), 'gsm': ('device',), 'smpp': ('host', 'system_id', 'password')}
SECRETS = ('password', 'pin')
LABELS = {
    'kind': lazy_gettext('Loại cổng SMS'), 'url': lazy_gettext('Địa chỉ gửi tin của Kannel'),
    'username': lazy_gettext('Tên đăng nhập'), 'password': lazy_gettext('Mật khẩu'),
    'sender': lazy_gettext('Số hoặc tên gửi đi'), 'device': lazy_gettext('Cổng của modem'),
    'pin': lazy_gettext('Mã PIN của SIM'), 'host': lazy_gettext('Địa chỉ máy chủ tin nhắn'),
    'port': lazy_gettext('Cổng'), 'system_id': lazy_gettext('Tên tài khoản (system id)'),
    'phone': lazy_gettext('Số điện thoại nhận tin thử'),
}
_SENDER = re.compile(r'^[0-9A-Za-z+ ]{1,16}$')
_DEVICE = re.compile(r'^(?:COM\d{1,3}|/dev/[A-Za-z0-9_./-]{1,60})$', re.IGNORECASE)


def stored():
    """The console's gateway: {"kind": ..., field: value}; {"kind": "log"} until one is saved."""
    return dict(settings.get(KEY) or {'kind': 'log'})


def environment_uri(app):
    """The URI the environment fixes (LUOT_SMS, config.py, the app's config), or None."""
    return app.config.get('SMS') or None


def current_uri(app):
    """The URI the gateway uses now: the environment's, else the console's."""
    return environment_uri(app) or uri_of(stored())


def uri_of(config):
    """The transport URI of a gateway's fields."""
    kind, quote = config.get('kind'), lambda value: urllib.parse.quote(str(value or ''), safe='')
    if kind == 'kannel':
        parts = urllib.parse.urlsplit(config['url'])
        netloc = '%s:%s@%s' % (quote(config['username']), quote(config['password']), parts.netloc)
        query = urllib.parse.parse_qsl(parts.query) + ([('from', config['sender'])] if config.get('sender') else [])
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc, query=urllib.parse.urlencode(query)))
    if kind == 'gsm':
        return 'gsm://%s%s' % (config['device'], '?pin=' + quote(config['pin']) if config.get('pin') else '')
    if kind == 'smpp':
        source = '?source=' + quote(config['sender']) if config.get('sender') else ''
        return 'smpp://%s:%s@%s:%d%s' % (quote(config['system_id']), quote(config['password']), config['host'],
                                          config.get('port') or 2775, source)
    return 'log://'


def config_of(uri):
    """The form's fields for a URI (the environment's, shown read-only), secrets left out."""
    parts = urllib.parse.urlsplit(uri or 'log://')
    scheme, options = parts.scheme.lower(), dict(urllib.parse.parse_qsl(parts.query))
    try:
        host = parts.hostname or ''
        port = parts.port
    except ValueError:
        host, port = '', None
    if scheme in ('http', 'https'):
        address = '%s://%s%s%s' % (scheme, host, ':%d' % port if port else '', parts.path)
        return {'kind': 'kannel', 'url': address, 'username': urllib.parse.unquote(parts.username or ''),
                'sender': options.get('from', ''), 'password_saved': parts.password is not None}
    if scheme == 'gsm':
        return {'kind': 'gsm', 'device': uri[6:].partition('?')[0], 'pin_saved': 'pin' in options}
    if scheme == 'smpp':
        return {'kind': 'smpp', 'host': host, 'port': port or 2775, 'sender': options.get('source', ''),
                'system_id': urllib.parse.unquote(parts.username or ''), 'password_saved': bool(parts.password)}
    return {'kind': 'log'}


def public(config):
    """The fields a page may see: the secrets replaced by whether one is saved."""
    shown = {key: value for key, value in config.items() if key not in SECRETS}
    shown.update({key + '_saved': bool(config.get(key)) for key in SECRETS if key in FIELDS.get(config['kind'], ())})
    return shown


def _value(body, key, required):
    value = body.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(_('Hãy điền "%(field)s".', field=LABELS[key]), 'missing_field')
        return ''
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise Invalid(_('"%(field)s" không hợp lệ.', field=LABELS[key]), 'invalid_type')
    value = str(value) if key in SECRETS else str(value).strip()
    if len(value) > 200 or any(ord(ch) < 32 for ch in value):
        raise Invalid(_('"%(field)s" không hợp lệ.', field=LABELS[key]), 'invalid_text')
    return value


def _check(config):
    """Refuse values the transport could not use, naming the field."""
    kind = config['kind']
    url = urllib.parse.urlsplit(config.get('url', ''))
    problems = [
        ('url', kind == 'kannel' and (url.scheme not in ('http', 'https') or not url.hostname or '@' in url.netloc),
         _('"%(field)s" phải có dạng http://địa-chỉ:13013/cgi-bin/sendsms.', field=LABELS['url'])),
        ('sender', config.get('sender') and not _SENDER.match(config['sender']),
         _('"%(field)s" chỉ gồm chữ không dấu và số, tối đa 16 ký tự.', field=LABELS['sender'])),
        ('device', kind == 'gsm' and not _DEVICE.match(config.get('device', '')),
         _('"%(field)s" có dạng COM3 (Windows) hoặc /dev/ttyUSB0 (Linux).', field=LABELS['device'])),
        ('pin', config.get('pin') and not re.fullmatch(r'\d{4,8}', config['pin']),
         _('"%(field)s" gồm 4 đến 8 chữ số.', field=LABELS['pin'])),
        ('host', kind == 'smpp' and not HOST_NAME.match(config.get('host', '')),
         _('"%(field)s" chỉ gồm số, chữ, dấu chấm và gạch ngang, ví dụ 10.0.0.2.', field=LABELS['host'])),
    ]
    for _key, wrong, message in problems:
        if wrong:
            raise Invalid(message, 'invalid_field')


def checked(body, previous):
    """The gateway a change asks for, checked; a secret left empty keeps the one saved for the same kind."""
    kind = body.get('kind')
    if kind not in KINDS:
        raise Invalid(_('Hãy chọn "%(field)s".', field=LABELS['kind']), 'invalid_kind')
    config = {'kind': kind}
    for key in FIELDS[kind]:
        keep = key in SECRETS and previous.get('kind') == kind and previous.get(key)
        config[key] = _value(body, key, key in REQUIRED.get(kind, ()) and not keep) or (previous[key] if keep else '')
    if kind == 'smpp':
        port = str(body.get('port') or 2775).strip()
        if not port.isdigit() or not 1 <= int(port) <= 65535:
            raise Invalid(_('"%(field)s" phải là số từ 1 đến 65535.', field=LABELS['port']), 'out_of_range')
        config['port'] = int(port)
    _check(config)
    from server.sms.transports import open_transport
    try:
        open_transport(uri_of(config)).close()      # opens no port or connection: only the URI is checked
    except ValueError as error:
        raise Invalid(_('Cấu hình cổng SMS chưa đúng: %(reason)s', reason=str(error)), 'invalid_sms_gateway')
    return config


# The transports' reasons (short English details) as a clerk reads them; the detail is shown small beside.
REASONS = (
    (r'SMSC refused', lazy_gettext('Trung tâm tin nhắn của nhà mạng từ chối tin.')),
    (r'unreachable|cannot bind|broken|modem port|stopped answering|timed out|connection refused',
     lazy_gettext('Không kết nối được cổng SMS (máy chủ tin nhắn hoặc modem không trả lời).')),
    (r'gateway answered 4\d\d', lazy_gettext('Cổng SMS từ chối tin: kiểm tra tên đăng nhập, mật khẩu và số gửi đi.')),
    (r'gateway answered', lazy_gettext('Cổng SMS đang lỗi, chưa nhận tin.')),
    (r'not a usable phone number', lazy_gettext('Số điện thoại không gửi tin được.')),
    (r'SIM card PIN', lazy_gettext('Mã PIN của SIM sai hoặc còn thiếu.')),
    (r'SIM card asks', lazy_gettext('SIM đang bị khóa: hãy mở khóa SIM bằng điện thoại trước.')),
    (r'bad SMS transport URI', lazy_gettext('Cấu hình cổng SMS chưa đúng.')),
)


def reason_in_words(detail):
    """Why a message failed, in the user's language, from the transport's detail."""
    for pattern, words in REASONS:
        if re.search(pattern, detail or '', re.IGNORECASE):
            return str(words)
    return _('Cổng SMS báo lỗi.')
