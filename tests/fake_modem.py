"""A simulated GSM modem on a pseudo-terminal, answering AT commands in PDU mode like a real one.

It records every submitted PDU, keeps a message store the tests fill with SMS-DELIVER and
SMS-STATUS-REPORT PDUs (built here, independently of the product's codec), and can stop
answering. The PDU helpers at the bottom encode and decode with bit strings on purpose: a
second, plainer implementation, so a shared mistake in the product's codec cannot hide.
"""
import os
import re
import select
import threading
import tty
from datetime import datetime

from server.sms.transports.sms_text import GSM_BASIC, GSM_EXTENSION

CTRL_Z, ESC = b'\x1a', b'\x1b'
SMSC = '+84980200030'


class FakeModem:
    """Context manager: `with FakeModem(pin='1234') as modem: open_transport('gsm://' + modem.path)`."""

    def __init__(self, pin=None):
        self.pin = pin
        self.sim_ready = pin is None
        self.pin_attempts = []
        self.echo, self.pdu_mode, self.silent = True, False, False
        self.commands = []          # every command line received, in order
        self.submitted = []         # (length given to AT+CMGS, PDU hex) of every message sent
        self.storage = {}           # index -> [stat, PDU hex]; stat 0 unread, 1 read
        self.next_reference = 0
        self._awaiting_length = None
        self._buffer = b''
        self._stop = threading.Event()
        self._write_lock = threading.Lock()

    def __enter__(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)      # no line discipline: bytes pass as a serial line would
        self.path = os.ttyname(self.slave)
        self._thread = threading.Thread(target=self._loop, daemon=True, name='fake-modem')
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join(timeout=5)
        os.close(self.master)
        os.close(self.slave)

    def receive(self, pdu_hex, notify=True):
        """Store an incoming PDU as the network would, and announce it with +CMTI."""
        index = next(number for number in range(1, 256) if number not in self.storage)
        self.storage[index] = [0, pdu_hex]
        if notify and not self.silent and self._awaiting_length is None:
            self._write(f'\r\n+CMTI: "SM",{index}\r\n')
        return index

    def _loop(self):
        while not self._stop.is_set():
            readable, _, _ = select.select([self.master], [], [], 0.05)
            if readable:
                try:
                    data = os.read(self.master, 4096)
                except OSError:     # the other side closed for a moment (the port is reopened)
                    continue
                self._feed(data)

    def _feed(self, data):
        self._buffer += data
        while True:
            if self._awaiting_length is not None:
                end = min((i for i in (self._buffer.find(CTRL_Z), self._buffer.find(ESC)) if i >= 0),
                          default=-1)
                if end < 0:
                    return
                body, cancelled = self._buffer[:end], self._buffer[end:end + 1] == ESC
                self._buffer = self._buffer[end + 1:]
                self._pdu_body(body.decode('ascii').strip(), cancelled)
                continue
            if b'\r' not in self._buffer:
                return
            line, self._buffer = self._buffer.split(b'\r', 1)
            command = line.decode('ascii', errors='replace').strip()
            if command:
                self._command(command)

    def _command(self, command):
        self.commands.append(command)
        if self.silent:
            return
        if self.echo:
            self._write(command + '\r')
        answer = self._answer(command.upper() if not command.upper().startswith('AT+CPIN="') else command)
        if answer is not None:
            self._write(answer)

    def _answer(self, command):
        ok = '\r\nOK\r\n'
        if command in ('AT', 'AT+CMEE=1', 'AT+CMGF=1') or command.startswith('AT+CNMI='):
            return ok
        if command in ('ATZ', 'ATE1', 'ATE0'):
            self.echo = command != 'ATE0'
            return ok
        if command == 'AT+CPIN?':
            return '\r\n+CPIN: %s\r\n%s' % ('READY' if self.sim_ready else 'SIM PIN', ok)
        if command.startswith('AT+CPIN="'):
            self.pin_attempts.append(command[9:-1])
            self.sim_ready = self.sim_ready or command[9:-1] == self.pin
            return ok if command[9:-1] == self.pin else '\r\n+CME ERROR: 16\r\n'
        if command == 'AT+CMGF=0':
            self.pdu_mode = True
            return ok
        if command.startswith(('AT+CMGS=', 'AT+CMGL=', 'AT+CMGD=')):
            return self._sms_command(command)
        return '\r\nERROR\r\n'

    def _sms_command(self, command):
        if not self.sim_ready:
            return '\r\n+CMS ERROR: 311\r\n'
        if not self.pdu_mode:
            return '\r\n+CMS ERROR: 302\r\n'
        argument = command.split('=', 1)[1]
        if command.startswith('AT+CMGS='):
            self._awaiting_length = int(argument)
            return '\r\n> '
        if command.startswith('AT+CMGL='):
            listing = ''
            for index in sorted(self.storage):
                stat, pdu = self.storage[index]
                listing += '\r\n+CMGL: %d,%d,,%d\r\n%s' % (index, stat, len(pdu) // 2 - 1 - int(pdu[:2], 16), pdu)
                self.storage[index][0] = 1 if stat == 0 else stat
            return listing + '\r\n\r\nOK\r\n'
        if self.storage.pop(int(argument), None) is None:
            return '\r\n+CMS ERROR: 321\r\n'
        return '\r\nOK\r\n'

    def _pdu_body(self, body, cancelled):
        length, self._awaiting_length = self._awaiting_length, None
        if cancelled or self.silent:
            return
        if not re.fullmatch(r'(?:[0-9A-Fa-f]{2})+', body) or len(body) // 2 - 1 - int(body[:2], 16) != length:
            self._write('\r\n+CMS ERROR: 304\r\n')
            return
        self.submitted.append((length, body.upper()))
        self.next_reference = (self.next_reference + 1) % 256
        self._write('\r\n+CMGS: %d\r\n\r\nOK\r\n' % self.next_reference)

    def _write(self, text):
        with self._write_lock:
            os.write(self.master, text.encode('ascii'))


# --- PDUs, the plain way -------------------------------------------------------------------

def septets_of(text):
    """GSM 7-bit codes of a text (escape pairs for the extension table)."""
    codes = []
    for char in text:
        codes += [27, GSM_EXTENSION[char]] if char in GSM_EXTENSION else [GSM_BASIC.index(char)]
    return codes


def pack(codes, fill_bits=0):
    """Pack 7-bit codes into octets via a bit string, least significant bit first."""
    bits = '0' * fill_bits + ''.join(format(code, '07b')[::-1] for code in codes)
    bits += '0' * (-len(bits) % 8)
    return bytes(int(bits[i:i + 8][::-1], 2) for i in range(0, len(bits), 8))


def unpack(data, count, fill_bits=0):
    """Unpack `count` 7-bit codes from octets via a bit string."""
    bits = ''.join(format(octet, '08b')[::-1] for octet in data)[fill_bits:]
    return [int(bits[i * 7:i * 7 + 7][::-1], 2) for i in range(count)]


def text_of(codes):
    """Text from GSM 7-bit codes."""
    extension = {code: char for char, code in GSM_EXTENSION.items()}
    out, escaped = '', False
    for code in codes:
        if escaped:
            out, escaped = out + extension[code], False
        elif code == 27:
            escaped = True
        else:
            out += GSM_BASIC[code]
    return out


def bcd(digits):
    """Semi-octets of a digit string, nibbles swapped, padded with F."""
    digits += 'F' * (len(digits) % 2)
    return ''.join(digits[i + 1] + digits[i] for i in range(0, len(digits), 2))


def address(number):
    """TP address field (hex): digits, international (+...) or an alphanumeric name."""
    if number.startswith('+'):
        return '%02X91%s' % (len(number) - 1, bcd(number[1:]))
    if number.isdigit():
        return '%02X81%s' % (len(number), bcd(number))
    packed = pack(septets_of(number))
    return '%02XD0%s' % (len(septets_of(number)) * 7 // 4 + (len(septets_of(number)) * 7 % 4 > 0), packed.hex())


def timestamp_field(moment, quarters=28):
    """Service centre time stamp: swapped BCD fields and the zone in quarter hours (+7 h is 28)."""
    fields = '%02d%02d%02d%02d%02d%02d%02d' % (moment.year % 100, moment.month, moment.day, moment.hour,
                                              moment.minute, moment.second, quarters)
    return bcd(fields)


def smsc_field():
    digits = bcd(SMSC[1:])
    return '%02X91%s' % (len(digits) // 2 + 1, digits)


def deliver_pdu(sender, text, *, ucs2=False, concat=None, moment=datetime(2026, 3, 2, 9, 30, 15)):
    """An SMS-DELIVER as a modem lists it; concat=(reference, total, sequence) adds the UDH."""
    udh = bytes((5, 0, 3) + tuple(concat)) if concat else b''
    if ucs2:
        payload = text.encode('utf-16-be')
        user_data = '%02X' % (len(udh) + len(payload)) + (udh + payload).hex()
    else:
        codes = septets_of(text)
        skip = (len(udh) * 8 + 6) // 7 if udh else 0
        user_data = '%02X' % (skip + len(codes)) + udh.hex() + pack(codes, skip * 7 - len(udh) * 8).hex()
    first_octet = 0x04 | (0x40 if udh else 0)
    return (smsc_field() + '%02X' % first_octet + address(sender) + '00' + ('08' if ucs2 else '00')
            + timestamp_field(moment) + user_data).upper()


def status_report_pdu(reference, recipient, status, moment=datetime(2026, 3, 2, 9, 31, 0)):
    """An SMS-STATUS-REPORT for the message the modem answered +CMGS: reference to."""
    return (smsc_field() + '06' + '%02X' % reference + address(recipient) + timestamp_field(moment)
            + timestamp_field(moment) + '%02X' % status).upper()


def decode_submit(pdu_hex):
    """The fields of an SMS-SUBMIT the transport sent: number, coding, header, text, flags."""
    data = bytes.fromhex(pdu_hex)
    data = data[1 + data[0]:]
    first_octet, digit_count = data[0], data[2]
    number_end = 4 + (digit_count + 1) // 2
    digits = ''.join(f'{octet & 15:X}{octet >> 4:X}' for octet in data[4:number_end])[:digit_count]
    dcs = data[number_end + 1]
    position = number_end + 2 + (1 if first_octet & 0x18 == 0x10 else 0)
    length, body = data[position], data[position + 1:]
    udh = body[:body[0] + 1] if first_octet & 0x40 else b''
    if dcs == 0x08:
        text = body[len(udh):length].decode('utf-16-be')
    else:
        skip = (len(udh) * 8 + 6) // 7 if udh else 0
        text = text_of(unpack(body, length)[skip:])
    return {'number': ('+' if data[3] == 0x91 else '') + digits, 'dcs': dcs, 'udh': udh, 'text': text,
            'status_report': bool(first_octet & 0x20), 'length_field': length}
