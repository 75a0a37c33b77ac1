"""A printer's address as a clerk fills it in (a kind of connection and its fields), to and from its URI."""
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from printer.addresses import PrinterURIError, checked_uri, parse_uri
from printer.lan import HOST_NAME
from server.errors import Invalid

# The kind of connection -> the URI scheme the spooler knows.
SCHEMES = {'network': 'tcp', 'usb': 'usb', 'serial': 'serial', 'windows': 'win32', 'cups': 'cups', 'port': 'file',
           'none': 'dummy'}
KINDS = tuple(SCHEMES)
FIELDS = {'network': ('host', 'port'), 'usb': ('vendor', 'product'), 'serial': ('device', 'baudrate'),
          'windows': ('printer',), 'cups': ('queue',), 'port': ('device',), 'none': ()}
LABELS = {
    'kind': lazy_gettext('Kiểu kết nối'), 'host': lazy_gettext('Địa chỉ IP của máy in'),
    'port': lazy_gettext('Cổng mạng'), 'vendor': lazy_gettext('Mã hãng (VID)'),
    'product': lazy_gettext('Mã sản phẩm (PID)'), 'device': lazy_gettext('Cổng kết nối'),
    'baudrate': lazy_gettext('Tốc độ truyền (baud)'), 'printer': lazy_gettext('Tên máy in trong Windows'),
    'queue': lazy_gettext('Tên hàng đợi in'),
}
_HEX = re.compile(r'^(?:0x)?[0-9a-fA-F]{1,4}$')


def _field(connection, key):
    value = connection.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid(_('Hãy điền "%(field)s".', field=LABELS[key]), 'missing_field')
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise Invalid(_('"%(field)s" không hợp lệ.', field=LABELS[key]), 'invalid_type')
    value = str(value).strip()
    if len(value) > 120:
        raise Invalid(_('"%(field)s" dài quá %(max)d ký tự.', field=LABELS[key], max=120), 'too_long')
    return value


def _number(connection, key, low, high, default):
    value = connection.get(key)
    if value is None or value == '':
        return default
    text = str(value).strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise Invalid(_('"%(field)s" phải là số từ %(low)s đến %(high)s.', field=LABELS[key], low=low, high=high),
                      'out_of_range')
    return int(text)


def _hex(connection, key):
    value = _field(connection, key)
    if not _HEX.match(value) or not int(value[2:] if value.lower().startswith('0x') else value, 16):
        raise Invalid(_('"%(field)s" là 4 ký tự 0-9, a-f (xem nhãn máy in hoặc Trình quản lý thiết bị), ví dụ 0416.',
                        field=LABELS[key]), 'invalid_usb_id')
    return int(value[2:] if value.lower().startswith('0x') else value, 16)


def _typed_uri(kind, connection):
    """The URI for the fields of one kind (not yet checked by printer/addresses.py)."""
    if kind == 'network':
        host = _field(connection, 'host')
        if not HOST_NAME.match(host):
            raise Invalid(_('"%(field)s" chỉ gồm số, chữ, dấu chấm và gạch ngang, ví dụ 192.168.1.50.',
                            field=LABELS['host']), 'invalid_host')
        return 'tcp://%s:%d' % (host, _number(connection, 'port', 1, 65535, 9100))
    if kind == 'usb':
        return 'usb://%04x:%04x' % (_hex(connection, 'vendor'), _hex(connection, 'product'))
    if kind == 'serial':
        device = _field(connection, 'device')
        return 'serial://%s?baudrate=%d' % (device, _number(connection, 'baudrate', 300, 921600, 9600))
    if kind in ('windows', 'cups'):
        return '%s://%s' % (SCHEMES[kind], _field(connection, FIELDS[kind][0]))
    if kind == 'port':
        return 'file://' + _field(connection, 'device')
    return 'dummy://'


def uri_of(connection):
    """The checked URI of a connection the console sent ({"kind": "network", "host": ..., "port": ...}); refusals
    name the field in words and never show the URI."""
    if not isinstance(connection, dict) or connection.get('kind') not in KINDS:
        raise Invalid(_('Hãy chọn "%(field)s".', field=LABELS['kind']), 'invalid_kind')
    kind = connection['kind']
    uri = _typed_uri(kind, connection)
    try:
        return checked_uri(uri)
    except PrinterURIError as error:
        if kind == 'network':       # the host is outside the LAN, or its name points outside it
            reason = str(error).rpartition(' (')[2].rstrip(')')
            raise Invalid(_('Không dùng được máy in này: %(reason)s.', reason=reason), 'invalid_printer_uri')
        examples = {'serial': 'COM3, /dev/ttyUSB0', 'port': '/dev/usb/lp0, LPT1', 'cups': 'may-in-kiosk',
                    'windows': 'EPSON TM-T82'}
        field = LABELS['device' if kind in ('serial', 'port') else FIELDS[kind][0]]
        raise Invalid(_('"%(field)s" không hợp lệ, ví dụ: %(examples)s.', field=field, examples=examples[kind]),
                      'invalid_printer_uri')


def connection_of(uri):
    """The console's fields for a stored URI: {"kind": ..., field: value}; kind "" when it cannot be read."""
    try:
        scheme, target, options = parse_uri(uri)
    except PrinterURIError:
        return {'kind': ''}
    kind = {scheme_: kind_ for kind_, scheme_ in SCHEMES.items()}[scheme]
    if kind == 'network':
        return {'kind': kind, 'host': target, 'port': options['port']}
    if kind == 'usb':
        return {'kind': kind, 'vendor': '%04x' % options['vendor'], 'product': '%04x' % options['product']}
    if kind == 'serial':
        return {'kind': kind, 'device': target, 'baudrate': options['baudrate']}
    return {'kind': kind, **({FIELDS[kind][0]: target} if FIELDS[kind] else {})}


def address_words(uri):
    """Where the printer is, in words a clerk reads ("Máy in mạng 192.168.1.50, cổng 9100")."""
    connection = connection_of(uri)
    kind = connection['kind']
    if kind == 'network':
        return _('Máy in mạng %(host)s, cổng %(port)s', host=connection['host'], port=connection['port'])
    if kind == 'usb':
        return _('Máy in USB (mã %(vendor)s:%(product)s)', vendor=connection['vendor'], product=connection['product'])
    if kind == 'serial':
        return _('Cổng %(device)s, tốc độ %(baudrate)s', device=connection['device'], baudrate=connection['baudrate'])
    if kind == 'windows':
        return _('Máy in "%(name)s" của Windows', name=connection['printer'])
    if kind == 'cups':
        return _('Hàng đợi in "%(name)s"', name=connection['queue'])
    if kind == 'port':
        return _('Cổng máy in %(device)s', device=connection['device'])
    if kind == 'none':
        return _('Không in thật (chạy thử)')
    return _('Địa chỉ không đọc được: hãy sửa lại')
