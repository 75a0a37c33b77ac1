"""Printer transports by URI (the forms: addresses.py): open a python-escpos printer, send raw bytes.

escpos.printer guards its optional imports (pyusb, pyserial, pycups, win32print), so importing
it here is safe on Windows and Linux; the platform-only classes fail only when used.
"""
import socket
import time

from escpos import printer as escpos_printer
from escpos.exceptions import DeviceNotFoundError

from .addresses import PrinterAddress, parse_uri
from .lan import is_ip_literal, is_office_address, resolve

MAX_TIMEOUT = 2.0           # a request never waits on a printer; a worker not for long either
CHUNK_SIZE = 4096           # the timeout applies per chunk: a slow printer that keeps reading is fine
DRAIN_TIMEOUT = 0.5


class PrinterError(Exception):
    """A print or status failure: status is one of printer.status.STATUSES."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def office_address(host: str, port: int) -> str:
    """The address to connect to for a tcp:// printer: the host looked up now, refused (PrinterError)
    if it is not found or any of its addresses is outside the LAN (a name re-pointed since it was set)."""
    if is_ip_literal(host):
        return host
    found = resolve(host, port)
    if not found:
        raise PrinterError('offline', f'Không tìm thấy máy in tên {host} trong mạng')
    outside = [ip for ip in found if not is_office_address(ip)]
    if outside:
        raise PrinterError('error', f'Máy in {host} trỏ tới {outside[0]}, ngoài mạng nội bộ: không kết nối')
    return found[0]


def _build(address: PrinterAddress, timeout: float):
    scheme, target, options = address
    if scheme == 'tcp':
        return escpos_printer.Network(target, options['port'], timeout=timeout)
    if scheme == 'usb':
        endpoints = {key: options[key] for key in ('in_ep', 'out_ep') if key in options}
        return escpos_printer.Usb(options['vendor'], options['product'],
                                  timeout=int(timeout * 1000), **endpoints)
    if scheme == 'serial':
        return escpos_printer.Serial(target, baudrate=options['baudrate'], timeout=timeout)
    if scheme == 'file':
        return escpos_printer.File(target)
    if scheme == 'cups':
        return escpos_printer.CupsPrinter(target)
    if scheme == 'win32':
        return escpos_printer.Win32Raw(target)
    return escpos_printer.Dummy()


def open_printer(uri: str, timeout: float = MAX_TIMEOUT):
    """An opened python-escpos printer for the URI, or PrinterError (offline, error)."""
    address = parse_uri(uri)
    timeout = min(max(float(timeout), 0.05), MAX_TIMEOUT)
    try:
        printer = _build(address, timeout)
    except RuntimeError as error:   # python-escpos: the optional library is missing here
        raise PrinterError('error', f'Máy tính này không dùng được kiểu {address.scheme}://: {error}') from None
    try:
        if isinstance(printer, escpos_printer.Network):
            # Network.open() leaves the socket of a failed connect unclosed (a ResourceWarning
            # on every retry); create_connection closes it.
            printer.device = socket.create_connection((office_address(printer.host, printer.port),
                                                       printer.port), timeout)
        else:
            printer.open()
    except (DeviceNotFoundError, OSError) as error:
        raise PrinterError('offline', f'Không kết nối được máy in {uri}: {describe_error(error)}') from None
    return printer


_REASONS = (
    (ConnectionRefusedError, 'máy in từ chối kết nối (đang tắt hoặc sai cổng)'),
    (TimeoutError, 'quá thời gian chờ'),
    (ConnectionError, 'máy in ngắt kết nối'),
)


def describe_error(error: Exception) -> str:
    """A short Vietnamese reason for the staff, the library's own text otherwise."""
    for kind, reason in _REASONS:
        if isinstance(error, kind):
            return reason
    text = str(error).strip().splitlines()
    return text[-1] if text else type(error).__name__


def _drain(sock: socket.socket) -> None:
    """Half-close, then read until the printer closes: closing with unread replies (a printer
    answers any DLE EOT that happens to occur in raster data) resets the connection and can
    cut off the end of the ticket."""
    sock.shutdown(socket.SHUT_WR)
    sock.settimeout(DRAIN_TIMEOUT)
    deadline = time.monotonic() + DRAIN_TIMEOUT
    try:
        while time.monotonic() < deadline and sock.recv(256):
            pass
    except TimeoutError:
        pass        # a printer that keeps the connection open has still read everything


def close_quietly(printer) -> None:
    """Close a printer, ignoring errors: used after a failure has already been reported."""
    try:
        printer.close()
    except Exception:   # noqa: BLE001 - the failure that matters was raised before
        pass


def send(uri: str, data: bytes, timeout: float = MAX_TIMEOUT) -> None:
    """Open the printer, write the bytes, close; PrinterError(status, message) on failure."""
    printer = open_printer(uri, timeout)
    try:
        for start in range(0, len(data), CHUNK_SIZE):
            printer._raw(data[start:start + CHUNK_SIZE])
        if isinstance(printer, escpos_printer.Network):
            _drain(printer.device)
        printer.close()     # CUPS and win32 submit the job here
    except (DeviceNotFoundError, OSError) as error:
        close_quietly(printer)
        raise PrinterError('offline', f'Máy in {uri} ngừng nhận dữ liệu: {describe_error(error)}') from None
    except Exception as error:      # noqa: BLE001 - pywin32, pycups and pyusb have their own errors
        close_quietly(printer)
        raise PrinterError('error', f'Lỗi khi in tới {uri}: {describe_error(error)}') from None
