"""SMS PDUs for a modem in PDU mode (3GPP TS 23.040): SMS-SUBMIT out; SMS-DELIVER, STATUS-REPORT in.

Own codec: smspdu (2011) is unmaintained and python-gsmmodem-new (last release 2021) is a whole
modem stack around its codec; this needs only the few fields below.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from server.sms.transports import sms_text
from server.sms.transports.sms_text import GSM7, OCTETS, UCS2

VALIDITY_24_HOURS = 0xA7        # relative validity period: (0xA7 - 143) * 30 min + 12 h
TOA_INTERNATIONAL, TOA_UNKNOWN = 0x91, 0x81


@dataclass(frozen=True)
class Deliver:
    sender: str                 # '+84...' when international, else digits or an alphanumeric name
    text: str
    timestamp: datetime | None
    concat: tuple | None        # (reference, total, sequence) of a concatenated message


@dataclass(frozen=True)
class StatusReport:
    reference: int              # the TP-MR the modem answered to AT+CMGS
    recipient: str
    status: int                 # TP-ST: 0x00-0x1F done (0 delivered), 0x20-0x3F still trying, else failed
    discharged: datetime | None


def submit_pdus(number: str, text: str, *, unicode: bool, concat_reference: int,
                status_report: bool = False) -> list[tuple[str, int]]:
    """(hex PDU with an empty SMSC field, TPDU length for AT+CMGS) for each part of the text."""
    encoded = sms_text.encode_text(text, unicode)
    total = len(encoded.parts)
    pdus = []
    for sequence, payload in enumerate(encoded.parts, start=1):
        udh = sms_text.concat_header(concat_reference, total, sequence) if total > 1 else b''
        first_octet = 0x01 | 0x10 | (0x20 if status_report else 0) | (0x40 if udh else 0)
        tpdu = (bytes((first_octet, 0x00)) + encode_address(number)
                + bytes((0x00, 0x08 if encoded.coding == UCS2 else 0x00, VALIDITY_24_HOURS))
                + user_data(udh, payload, encoded.coding))
        pdus.append(('00' + tpdu.hex().upper(), len(tpdu)))
    return pdus


def user_data(udh: bytes, payload: bytes, coding: str) -> bytes:
    """TP-UDL and TP-UD: the user data header (if any, its length octet first) then the payload."""
    if coding != GSM7:
        return bytes((len(udh) + len(payload),)) + udh + payload
    skip = sms_text.header_septets(len(udh)) if udh else 0
    fill_bits = skip * 7 - len(udh) * 8
    return bytes((skip + len(payload),)) + udh + sms_text.pack_septets(payload, fill_bits)


def encode_address(number: str) -> bytes:
    """Destination address: digit count, type of address, BCD digits (nibbles swapped)."""
    digits = number.lstrip('+')
    if not digits.isdigit():
        raise ValueError('a destination must be digits')
    toa = TOA_INTERNATIONAL if number.startswith('+') else TOA_UNKNOWN
    return bytes((len(digits), toa)) + swapped_digits(digits)


def swapped_digits(digits: str) -> bytes:
    """Semi-octets: each pair of digits swapped, an odd count padded with F."""
    padded = digits + 'F' * (len(digits) % 2)
    return bytes.fromhex(''.join(padded[i + 1] + padded[i] for i in range(0, len(padded), 2)))


def decode_pdu(pdu_hex: str) -> Deliver | StatusReport | None:
    """A PDU as +CMGL lists it (SMSC field first); None for kinds not received (e.g. stored SUBMIT)."""
    data = bytes.fromhex(pdu_hex.strip())
    reader = _Reader(data, data[0] + 1)
    first_octet = reader.octet()
    kind = first_octet & 0x03
    if kind == 0x00:
        return _deliver(reader, first_octet)
    if kind == 0x02:
        return _status_report(reader)
    return None


def _deliver(reader, first_octet):
    sender = reader.address()
    reader.octet()                                  # TP-PID
    dcs = reader.octet()
    timestamp = reader.timestamp()
    length = reader.octet()
    text, concat = _user_data(reader.rest(), length, _alphabet(dcs), bool(first_octet & 0x40))
    return Deliver(sender, text, timestamp, concat)


def _status_report(reader):
    reference = reader.octet()
    recipient = reader.address()
    reader.timestamp()                              # when the centre took the message
    discharged = reader.timestamp()
    return StatusReport(reference, recipient, reader.octet(), discharged)


def _alphabet(dcs: int) -> str:
    if dcs & 0x80 == 0:                             # general data coding (compression ignored)
        return {1: OCTETS, 2: UCS2}.get((dcs >> 2) & 0x03, GSM7)
    if dcs & 0xF0 == 0xF0:                          # data coding / message class group
        return OCTETS if dcs & 0x04 else GSM7
    if dcs & 0xF0 == 0xE0:                          # message waiting group, UCS-2
        return UCS2
    return GSM7


def _user_data(data: bytes, length: int, alphabet: str, has_header: bool):
    header = data[1:1 + data[0]] if has_header and data else b''
    concat = sms_text.concat_info(header) if has_header else None
    if alphabet == GSM7:
        skip = sms_text.header_septets(len(header) + 1) if has_header else 0
        septets = sms_text.unpack_septets(data, length)[skip:]
        return sms_text.decode_gsm7(septets), concat
    body = data[len(header) + 1 if has_header else 0:length]
    return (sms_text.decode_ucs2(body) if alphabet == UCS2 else body.decode('latin-1')), concat


class _Reader:
    """Reads the fields of a PDU in order; a PDU cut short raises ValueError."""

    def __init__(self, data: bytes, position: int):
        self.data, self.position = data, position

    def take(self, count: int) -> bytes:
        """The next `count` octets."""
        if self.position + count > len(self.data):
            raise ValueError('PDU shorter than its fields')
        chunk = self.data[self.position:self.position + count]
        self.position += count
        return chunk

    def octet(self) -> int:
        """The next octet."""
        return self.take(1)[0]

    def rest(self) -> bytes:
        """Every octet left."""
        return self.take(len(self.data) - self.position)

    def address(self) -> str:
        """An address field: digits (+ when international) or an alphanumeric name."""
        digit_count, toa = self.octet(), self.octet()
        raw = self.take((digit_count + 1) // 2)
        if toa & 0x70 == 0x50:                      # alphanumeric, GSM 7-bit packed
            return sms_text.decode_gsm7(sms_text.unpack_septets(raw, digit_count * 4 // 7))
        digits = ''.join(f'{octet & 0x0F:X}{octet >> 4:X}' for octet in raw)[:digit_count]
        return ('+' if toa & 0x70 == 0x10 else '') + digits.rstrip('F')

    def timestamp(self) -> datetime | None:
        """A 7-octet time stamp with its zone; None when the fields are not a date."""
        raw = self.take(7)
        fields = [(octet & 0x0F) * 10 + (octet >> 4) for octet in raw[:6]]
        quarters = (raw[6] & 0x07) * 10 + (raw[6] >> 4)
        offset = timedelta(minutes=15 * quarters) * (-1 if raw[6] & 0x08 else 1)
        try:
            return datetime(2000 + fields[0], *fields[1:], tzinfo=timezone(offset))
        except ValueError:                          # a modem or network that fills it with junk
            return None
