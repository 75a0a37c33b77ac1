"""Printer status by DLE EOT n (real-time status transmission, Epson ESC/POS reference).

Only tcp, usb and serial can read an answer back; cups, win32, file and dummy report "unknown".
"""
from escpos.exceptions import DeviceNotFoundError

from .addresses import PrinterURIError, parse_uri
from .transports import MAX_TIMEOUT, PrinterError, close_quietly, describe_error, open_printer

STATUSES = ('online', 'offline', 'paper_out', 'paper_near_end', 'cover_open', 'error', 'unknown')
PROBLEMS = ('offline', 'paper_out', 'cover_open', 'error')     # nothing is sent in these states
READABLE_SCHEMES = ('tcp', 'usb', 'serial')
DLE_EOT = b'\x10\x04'
ANSWER_TIMEOUT = 0.5    # printers answer real-time commands within milliseconds, even when busy
NO_ANSWER = 'không trả lời trạng thái'

# Bits of the answers (each byte has bits 1 and 4 set, 0 and 7 clear: 0x12 under mask 0x93).
OFFLINE = 0x08              # n=1: printer is off-line
COVER_OPEN = 0x04           # n=2: cover is open
STOPPED_PAPER_END = 0x20    # n=2: printing stopped by paper end
ERROR = 0x40                # n=2: an error occurred
PAPER_NEAR_END = 0x0C       # n=4: roll paper near-end sensor, bits 2 and 3
PAPER_END = 0x60            # n=4: roll paper end sensor, bits 5 and 6


def _is_status_byte(value) -> bool:
    return value is not None and value & 0x93 == 0x12


def parse_status(printer_byte, cause_byte=None, paper_byte=None) -> tuple:
    """(status, Vietnamese detail) from the answers to DLE EOT 1, 2 and 4 (None: no answer)."""
    if not _is_status_byte(printer_byte):
        return 'unknown', 'trả lời trạng thái không đúng chuẩn'
    cause = cause_byte if _is_status_byte(cause_byte) else 0
    paper = paper_byte if _is_status_byte(paper_byte) else 0
    if cause & COVER_OPEN:
        return 'cover_open', 'Nắp máy in đang mở'
    if paper & PAPER_END or cause & STOPPED_PAPER_END:
        return 'paper_out', 'Máy in hết giấy'
    if cause & ERROR:
        return 'error', 'Máy in báo lỗi (dao cắt hoặc đầu in)'
    if printer_byte & OFFLINE:
        return 'offline', 'Máy in đang ở chế độ ngoại tuyến'
    if paper & PAPER_NEAR_END:
        return 'paper_near_end', 'Giấy sắp hết'
    return 'online', ''


def _is_timeout(error: OSError) -> bool:
    if isinstance(error, TimeoutError):
        return True
    try:    # pyusb is optional: imported only when a usb:// printer is asked
        from usb.core import USBTimeoutError
    except ImportError:
        return False
    return isinstance(error, USBTimeoutError)


def _ask(printer, n: int, closed_on_empty: bool):
    """The answer byte to DLE EOT n, or None when the printer does not answer in time."""
    printer._raw(DLE_EOT + bytes((n,)))
    try:
        data = printer._read()
    except OSError as error:
        if _is_timeout(error):
            return None
        raise
    if not data:
        if closed_on_empty:
            raise ConnectionResetError('máy in đóng kết nối')
        return None             # pyserial returns nothing when its timeout passes
    return data[-1]             # a late answer to an earlier query may come first


def _read_status(printer, scheme: str) -> tuple:
    if scheme == 'tcp':
        printer.device.settimeout(ANSWER_TIMEOUT)
    first = _ask(printer, 1, closed_on_empty=scheme == 'tcp')
    if first is None:
        # It took the connection but does not speak DLE EOT: printing may still work.
        return 'online', NO_ANSWER
    cause = _ask(printer, 2, closed_on_empty=scheme == 'tcp')
    paper = _ask(printer, 4, closed_on_empty=scheme == 'tcp')
    return parse_status(first, cause, paper)


def query_status(uri: str, timeout: float = MAX_TIMEOUT) -> tuple:
    """(status, detail) of the printer at uri; "unknown" where the transport cannot read back."""
    try:
        scheme = parse_uri(uri).scheme
    except PrinterURIError as error:
        return 'error', str(error)
    if scheme not in READABLE_SCHEMES:
        return 'unknown', 'kiểu kết nối này không đọc được trạng thái'
    try:
        printer = open_printer(uri, timeout)
    except PrinterError as error:
        return error.status, error.message
    try:
        return _read_status(printer, scheme)
    except (DeviceNotFoundError, OSError) as error:
        return 'offline', f'Mất kết nối với máy in: {describe_error(error)}'
    finally:
        close_quietly(printer)
