"""Printer addresses (URIs): the forms Lượt accepts, their canonical form, and the LAN check of a typed one.

usb://VID:PID (hex, ?in_ep=&out_ep=), tcp://HOST[:PORT], serial:///dev/ttyUSB0?baudrate=9600
or serial://COM3?baudrate=9600, file:///dev/usb/lp0, cups://QUEUE, win32://PRINTER NAME, dummy://.
A URI names a printer and nothing else: file:// only a printer port (/dev/usb/lp*, /dev/lp*, /dev/tty*,
COM*, LPT*), never a file the server could overwrite; tcp:// only a printer on the office's LAN (lan.py).
"""
import ipaddress
import re
import urllib.parse
from typing import NamedTuple

from .lan import HOST_NAME, OUTSIDE_LAN, is_ip_literal, is_office_address, resolve_within

SCHEMES = ('usb', 'tcp', 'serial', 'file', 'cups', 'win32', 'dummy')
DEFAULT_TCP_PORT = 9100
_USB_IDS = re.compile(r'^(?:0x)?([0-9a-fA-F]{1,4}):(?:0x)?([0-9a-fA-F]{1,4})$')
_PRINTER_DEVICES = re.compile(r'^(?:/dev/usb/lp\d+|/dev/lp\d+|/dev/tty[A-Za-z]*\d+)$')
_WINDOWS_PORTS = re.compile(r'^(?:COM|LPT)\d+$', re.IGNORECASE)
RESOLVE_TIMEOUT = 2.0       # a person waits this long at most for a printer name to be looked up


class PrinterURIError(ValueError):
    """A printer address that cannot be used; the message is shown to the admin."""


class PrinterAddress(NamedTuple):
    scheme: str
    target: str                 # host, device path, queue or printer name
    options: dict               # port, baudrate, vendor/product ids, endpoints


def _invalid(uri: str, reason: str) -> PrinterURIError:
    return PrinterURIError(f'Địa chỉ máy in không hợp lệ: {uri} ({reason})')


def _query(uri: str, query: str, allowed: tuple) -> dict:
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise _invalid(uri, 'tham số sai dạng') from None
    for key, _ in pairs:
        if key not in allowed:
            raise _invalid(uri, f'tham số không hỗ trợ: {key}')
    return dict(pairs)


def _parse_tcp(uri: str, rest: str) -> PrinterAddress:
    parts = urllib.parse.urlsplit('tcp://' + rest)
    if parts.path not in ('', '/') or parts.query or parts.fragment:
        raise _invalid(uri, 'chỉ ghi máy và cổng, ví dụ tcp://192.168.1.50:9100')
    host = parts.hostname or ''
    try:
        port = parts.port or DEFAULT_TCP_PORT
    except ValueError:
        raise _invalid(uri, 'cổng phải là số từ 1 đến 65535') from None
    try:
        is_ipv6 = ipaddress.ip_address(host).version == 6
    except ValueError:
        is_ipv6 = False
        if not HOST_NAME.match(host):
            raise _invalid(uri, 'thiếu hoặc sai tên máy/địa chỉ IP') from None
    if is_ipv6:     # python-escpos's Network opens IPv4 sockets only
        raise _invalid(uri, 'chỉ hỗ trợ địa chỉ IPv4 hoặc tên máy')
    if is_ip_literal(host) and not is_office_address(host):
        raise _invalid(uri, OUTSIDE_LAN)
    return PrinterAddress('tcp', host, {'port': port})


def _parse_usb(uri: str, rest: str) -> PrinterAddress:
    ids, _, query = rest.partition('?')
    match = _USB_IDS.match(ids.strip('/'))
    if not match or not int(match.group(1), 16) or not int(match.group(2), 16):
        raise _invalid(uri, 'mã USB phải có dạng VID:PID hệ 16, ví dụ usb://0416:5011')
    options = {'vendor': int(match.group(1), 16), 'product': int(match.group(2), 16)}
    for key, value in _query(uri, query, ('in_ep', 'out_ep')).items():
        try:
            options[key] = int(value, 16)
        except ValueError:
            raise _invalid(uri, f'{key} phải là số hệ 16, ví dụ 0x81') from None
    return PrinterAddress('usb', f"{options['vendor']:04x}:{options['product']:04x}", options)


def _device_path(uri: str, rest: str, example: str) -> tuple:
    """(device, query) from scheme:///dev/x?... or scheme://COM3?... (Windows names)."""
    parts = urllib.parse.urlsplit('x://' + rest)
    if parts.netloc and parts.path:
        raise _invalid(uri, f'dùng ba dấu /, ví dụ {example}')
    device = urllib.parse.unquote(parts.netloc or parts.path)
    if re.match(r'^/[A-Za-z]:[/\\]', device):       # file:///C:/... on Windows
        device = device[1:]
    if not device or device == '/' or parts.fragment:
        raise _invalid(uri, f'thiếu đường dẫn thiết bị, ví dụ {example}')
    return device, parts.query


def _parse_serial(uri: str, rest: str) -> PrinterAddress:
    device, query = _device_path(uri, rest, 'serial:///dev/ttyUSB0?baudrate=9600')
    value = _query(uri, query, ('baudrate',)).get('baudrate', '9600')
    if not value.isdigit() or not 300 <= int(value) <= 921600:
        raise _invalid(uri, 'tốc độ baud phải là số nguyên, ví dụ 9600 hoặc 115200')
    return PrinterAddress('serial', device, {'baudrate': int(value)})


def _parse_named(uri: str, scheme: str, rest: str) -> PrinterAddress:
    name = urllib.parse.unquote(rest).strip()
    if scheme == 'file':
        device, query = _device_path(uri, rest, 'file:///dev/usb/lp0')
        _query(uri, query, ())
        if not (_PRINTER_DEVICES.match(device) or _WINDOWS_PORTS.match(device)):
            raise _invalid(uri, 'file:// chỉ dùng cho cổng máy in: /dev/usb/lp0, /dev/lp0, /dev/ttyUSB0, '
                                'COM3 hoặc LPT1')
        return PrinterAddress('file', device, {})
    if scheme == 'dummy':
        return PrinterAddress('dummy', name, {})
    if not name:
        raise _invalid(uri, f'thiếu tên {"hàng đợi CUPS" if scheme == "cups" else "máy in Windows"}')
    if scheme == 'cups' and re.search(r'[\s/#?]', name):
        raise _invalid(uri, 'tên hàng đợi CUPS không chứa dấu cách, /, # hoặc ?')
    return PrinterAddress(scheme, name, {})


def parse_uri(uri: str) -> PrinterAddress:
    """Split a printer URI into scheme, target and options, or raise PrinterURIError."""
    text = (uri or '').strip()
    scheme, separator, rest = text.partition('://')
    scheme = scheme.lower()
    if not separator:
        raise _invalid(text, 'thiếu kiểu kết nối, ví dụ tcp://192.168.1.50:9100')
    if scheme not in SCHEMES:
        raise _invalid(text, f'không hỗ trợ kiểu "{scheme}", dùng một trong: {", ".join(SCHEMES)}')
    if scheme == 'tcp':
        return _parse_tcp(text, rest)
    if scheme == 'usb':
        return _parse_usb(text, rest)
    if scheme == 'serial':
        return _parse_serial(text, rest)
    return _parse_named(text, scheme, rest)


def format_uri(address: PrinterAddress) -> str:
    """The canonical URI of a parsed address, so one printer has one spooler worker."""
    scheme, target, options = address
    if scheme == 'tcp':
        return f"tcp://{target}:{options['port']}"
    if scheme == 'usb':
        endpoints = {key: f'0x{options[key]:02x}' for key in ('in_ep', 'out_ep') if key in options}
        return f'usb://{target}' + (f'?{urllib.parse.urlencode(endpoints)}' if endpoints else '')
    if scheme in ('serial', 'file'):
        # /dev/ttyUSB0 gives three slashes; C:/... gets its leading slash back; COM3 stays a name.
        drive = '/' if re.match(r'^[A-Za-z]:[/\\]', target) else ''
        query = f"?baudrate={options['baudrate']}" if scheme == 'serial' else ''
        return f"{scheme}://{drive}{urllib.parse.quote(target, safe='/:')}{query}"
    return f'{scheme}://{target}'


def validate_uri(uri: str) -> str:
    """The canonical form of a printer URI, or PrinterURIError with a Vietnamese message."""
    return format_uri(parse_uri(uri))


def checked_uri(uri: str, timeout: float = RESOLVE_TIMEOUT) -> str:
    """validate_uri for a URI a person typed (console, API, LUOT_PRINTER): a tcp:// host name is also
    looked up, and refused if it resolves outside the LAN. A name not found now (DNS down, printer off)
    is accepted: every connection checks it again (office_address)."""
    canonical = validate_uri(uri)
    scheme, host, options = parse_uri(canonical)
    if scheme == 'tcp' and not is_ip_literal(host):
        outside = [ip for ip in resolve_within(host, options['port'], timeout) if not is_office_address(ip)]
        if outside:
            raise _invalid(canonical, f'tên máy {host} trỏ tới {outside[0]}; {OUTSIDE_LAN}')
    return canonical
