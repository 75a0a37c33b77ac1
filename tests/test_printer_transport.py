"""Printer URIs, ESC/POS bytes read back from a fake network printer, status, dead printers."""
import sys
import time

import pytest

from printer.addresses import PrinterURIError, validate_uri
from printer.escpos_output import ticket_bytes
from printer.layout import render_ticket
from printer.status import NO_ANSWER, parse_status, query_status
from printer.transports import PrinterError, open_printer, send
from tests.fake_printer import FakePrinter, find_qr, parse_escpos, raster_image

TICKET = {
    'office_name': 'UBND phường Bến Nghé', 'office_address': '29 Lê Duẩn, Quận 1',
    'service_name': 'Đất đai - Xây dựng', 'number': 'A025', 'issued_at': '23/11/2025 09:15',
    'ahead': 3, 'estimated_wait_min': 12, 'name': 'Trần Thị Bích',
    'track_url': 'http://192.168.1.10:5000/t/Xk3Jd9s0aPq1LmN2bV7cWw',
    'footer_text': 'Đường dây nóng: 028 3823 4567',
    'footer_qr_url': 'http://192.168.1.10:5000/huong-dan',
}


@pytest.mark.parametrize('uri, canonical', [
    ('tcp://192.168.1.50', 'tcp://192.168.1.50:9100'),
    ('TCP://printer-1.local:9101/', 'tcp://printer-1.local:9101'),
    ('usb://0416:5011', 'usb://0416:5011'),
    ('usb://0x04B8:0x0E15?out_ep=0x03', 'usb://04b8:0e15?out_ep=0x03'),
    ('serial:///dev/ttyUSB0?baudrate=9600', 'serial:///dev/ttyUSB0?baudrate=9600'),
    ('serial:///dev/ttyS0', 'serial:///dev/ttyS0?baudrate=9600'),
    ('serial://COM3?baudrate=115200', 'serial://COM3?baudrate=115200'),
    ('file:///dev/usb/lp0', 'file:///dev/usb/lp0'),
    ('file://LPT1', 'file://LPT1'),
    ('cups://Xprinter_XP80', 'cups://Xprinter_XP80'),
    ('win32://XP-80C (copy 1)', 'win32://XP-80C (copy 1)'),
    ('dummy://', 'dummy://'),
])
def test_valid_uris_have_one_canonical_form(uri, canonical):
    assert validate_uri(uri) == canonical
    assert validate_uri(canonical) == canonical


@pytest.mark.parametrize('uri, reason', [
    ('192.168.1.50', 'thiếu kiểu kết nối'),
    ('', 'thiếu kiểu kết nối'),
    ('ipp://printer/queue', 'không hỗ trợ kiểu "ipp"'),
    ('tcp://', 'tên máy/địa chỉ IP'),
    ('tcp://printer:70000', 'cổng phải là số'),
    ('tcp://printer:abc', 'cổng phải là số'),
    ('tcp://bad_host!:9100', 'tên máy/địa chỉ IP'),
    ('tcp://printer:9100/queue', 'chỉ ghi máy và cổng'),
    ('tcp://[::1]:9100', 'IPv4'),
    ('usb://0416', 'VID:PID'),
    ('usb://zzzz:5011', 'VID:PID'),
    ('usb://0416:5011?out_ep=xyz', 'out_ep phải là số hệ 16'),
    ('usb://0416:5011?speed=1', 'tham số không hỗ trợ: speed'),
    ('serial://', 'thiếu đường dẫn thiết bị'),
    ('serial://COM3?baudrate=fast', 'tốc độ baud'),
    ('serial://dev/ttyUSB0', 'ba dấu /'),
    ('file://', 'thiếu đường dẫn thiết bị'),
    ('cups://', 'thiếu tên hàng đợi CUPS'),
    ('cups://my printer', 'không chứa dấu cách'),
    ('win32://', 'thiếu tên máy in Windows'),
])
def test_bad_uris_are_refused_with_a_vietnamese_reason(uri, reason):
    with pytest.raises(PrinterURIError) as caught:
        validate_uri(uri)
    assert str(caught.value).startswith('Địa chỉ máy in không hợp lệ: ')
    assert reason in str(caught.value)


def test_dummy_printer_opens_anywhere():
    printer = open_printer('dummy://')
    printer._raw(b'\x1b@')
    assert printer.output == b'\x1b@'


@pytest.mark.skipif(sys.platform == 'win32', reason='win32print exists on Windows')
def test_windows_printer_elsewhere_is_a_printer_error_not_a_crash():
    with pytest.raises(PrinterError) as caught:
        open_printer('win32://XP-80C')
    assert caught.value.status == 'error'
    assert 'win32://' in caught.value.message


def test_ticket_sent_over_tcp_decodes_to_the_rendered_ticket():
    with FakePrinter() as fake:
        send(fake.uri, ticket_bytes(TICKET, 80), timeout=1.0)
        [job] = fake.wait_for_jobs(1)
    commands = parse_escpos(job)
    names = [name for name, _ in commands]
    assert names[0] == 'init' and names[-1] == 'cut'
    assert set(names) == {'init', 'raster', 'feed', 'cut'}  # QR codes are raster by default
    image = raster_image(commands)
    assert image.tobytes() == render_ticket(TICKET, 80).tobytes()
    assert find_qr(image, TICKET['track_url']) is not None
    assert find_qr(image, TICKET['footer_qr_url']) is not None


def test_native_qr_comes_after_the_image_and_before_the_cut():
    with FakePrinter() as fake:
        send(fake.uri, ticket_bytes(TICKET, 58, native_qr=True), timeout=1.0)
        [job] = fake.wait_for_jobs(1)
    commands = parse_escpos(job)
    first_image = next(i for i, (name, _) in enumerate(commands) if name == 'raster')
    stored = [i for i, (name, arg) in enumerate(commands) if name == 'qr' and arg[0] == 80]
    cut = next(i for i, (name, _) in enumerate(commands) if name == 'cut')
    assert first_image < stored[0] < stored[1] < cut
    assert commands[stored[0]][1][1] == TICKET['track_url'].encode()
    assert commands[stored[1]][1][1] == TICKET['footer_qr_url'].encode()
    assert commands[stored[0] + 1] == ('qr', (81, b''))      # print the stored symbol
    assert raster_image(commands).width == 384


@pytest.mark.parametrize('status', ['online', 'paper_out', 'paper_near_end', 'cover_open', 'error'])
def test_status_read_from_the_printer(status):
    with FakePrinter(status=status) as fake:
        assert query_status(fake.uri, timeout=1.0)[0] == status


def test_status_bits_follow_the_epson_reference():
    assert parse_status(0x12, 0x12, 0x12) == ('online', '')
    assert parse_status(0x12, 0x12, 0x12 | 0x0C)[0] == 'paper_near_end'
    assert parse_status(0x12, 0x12, 0x12 | 0x60)[0] == 'paper_out'
    assert parse_status(0x1A, 0x12 | 0x20, None)[0] == 'paper_out'
    assert parse_status(0x1A, 0x12 | 0x04, 0x12)[0] == 'cover_open'
    assert parse_status(0x1A, 0x12, 0x12)[0] == 'offline'
    assert parse_status(0xFF, 0x12, 0x12)[0] == 'unknown'


def test_transports_that_cannot_read_back_report_unknown(tmp_path):
    assert query_status('dummy://')[0] == 'unknown'
    assert query_status('file:///dev/usb/lp0')[0] == 'unknown'


def test_printer_off_is_offline_at_once():
    with FakePrinter(mode='off') as fake:
        started = time.monotonic()
        with pytest.raises(PrinterError) as caught:
            send(fake.uri, b'\x1b@', timeout=2.0)
        assert caught.value.status == 'offline'
        assert 'từ chối kết nối' in caught.value.message
        assert query_status(fake.uri, timeout=2.0)[0] == 'offline'
        assert time.monotonic() - started < 2.0


def test_silent_printer_times_out_within_the_bound():
    with FakePrinter(mode='silent') as fake:
        started = time.monotonic()
        assert query_status(fake.uri, timeout=0.5) == ('online', NO_ANSWER)
        assert time.monotonic() - started < 1.5
        started = time.monotonic()
        with pytest.raises(PrinterError) as caught:
            # More than the socket buffers of both ends hold, so a write must block.
            send(fake.uri, bytes(32 * 1024 * 1024), timeout=0.5)
        assert caught.value.status == 'offline'
        assert time.monotonic() - started < 3.0


def test_dropped_connection_is_offline():
    with FakePrinter(mode='drop') as fake:
        assert query_status(fake.uri, timeout=0.5)[0] == 'offline'
        with pytest.raises(PrinterError) as caught:
            send(fake.uri, bytes(1024 * 1024), timeout=0.5)
        assert caught.value.status == 'offline'


def test_slow_printer_still_receives_everything():
    data = ticket_bytes(TICKET, 80)
    with FakePrinter(mode='slow', slow_delay=0.01) as fake:   # ~100 KB/s: longer than the timeout
        send(fake.uri, data, timeout=0.5)
        [job] = fake.wait_for_jobs(1, timeout=10)
    assert job == data


def test_raster_bytes_are_what_python_escpos_image_sends():
    from printer import escpos_output
    image = render_ticket(TICKET, 58)
    ours, theirs = escpos_output.new_dummy(58), escpos_output.new_dummy(58)
    escpos_output._raster(ours, image)
    theirs.image(image, fragment_height=escpos_output.FRAGMENT_HEIGHT)
    assert ours.output == theirs.output
