"""SMS text coding shared by the modem and SMPP transports (3GPP TS 23.038 and 23.040).

GSM 7-bit default alphabet with its extension table, 7-bit packing, UCS-2, splitting a text into
concatenated parts that never cut a character in two, and the concatenation header (UDH).
"""
from dataclasses import dataclass

# The default alphabet by code; 0x1B is the escape to the extension table.
GSM_BASIC = ('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?'
             '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà')
GSM_EXTENSION = {'\f': 0x0A, '^': 0x14, '{': 0x28, '}': 0x29, '\\': 0x2F, '[': 0x3C, '~': 0x3D,
                 ']': 0x3E, '|': 0x40, '€': 0x65}
ESCAPE = 0x1B
_BASIC_CODES = {char: code for code, char in enumerate(GSM_BASIC) if code != ESCAPE}
_EXTENSION_CHARS = {code: char for char, code in GSM_EXTENSION.items()}

GSM7, UCS2, OCTETS = 'gsm7', 'ucs2', '8bit'
# (single message, one part of a concatenated message) in septets for GSM7, in octets for UCS2:
# a part carries a 6-octet header (7 septets with its fill bit).
LIMITS = {GSM7: (160, 153), UCS2: (140, 134)}
MAX_PARTS = 255


@dataclass(frozen=True)
class EncodedText:
    coding: str                 # GSM7 or UCS2
    parts: list                 # bytes each: GSM7 septets one per byte (unpacked), UCS2 big-endian


def gsm7_units(text: str) -> list[bytes] | None:
    """Each character as its GSM 7-bit code (one or two septets), or None if one does not fit."""
    units = []
    for char in text:
        if char in _BASIC_CODES:
            units.append(bytes((_BASIC_CODES[char],)))
        elif char in GSM_EXTENSION:
            units.append(bytes((ESCAPE, GSM_EXTENSION[char])))
        else:
            return None
    return units


def fits_gsm7(text: str) -> bool:
    """Whether the text can go in the GSM 7-bit alphabet."""
    return gsm7_units(text) is not None


def encode_text(text: str, unicode: bool) -> EncodedText:
    """The text split into parts: GSM 7-bit when it fits and unicode is False, else UCS-2."""
    units = None if unicode else gsm7_units(text)
    coding = GSM7 if units is not None else UCS2
    if units is None:
        units = [char.encode('utf-16-be') for char in text]
    single, part_size = LIMITS[coding]
    if sum(map(len, units)) <= single:
        return EncodedText(coding, [b''.join(units)])
    parts, current = [], b''
    for unit in units:      # whole characters only: an escape pair or a surrogate pair stays together
        if len(current) + len(unit) > part_size:
            parts.append(current)
            current = b''
        current += unit
    parts.append(current)
    if len(parts) > MAX_PARTS:
        raise ValueError(f'message too long: {len(parts)} parts, at most {MAX_PARTS}')
    return EncodedText(coding, parts)


def decode_gsm7(septets: bytes) -> str:
    """Text from GSM 7-bit codes, one per byte; an unknown extension shows its basic character."""
    chars, escaped = [], False
    for code in septets:
        code &= 0x7F
        if escaped:
            chars.append(_EXTENSION_CHARS.get(code, GSM_BASIC[code] if code != ESCAPE else ' '))
            escaped = False
        elif code == ESCAPE:
            escaped = True
        else:
            chars.append(GSM_BASIC[code])
    return ''.join(chars)


def decode_ucs2(data: bytes) -> str:
    """Text from UCS-2/UTF-16 big-endian octets; a broken pair or odd last octet is replaced."""
    return data[:len(data) - len(data) % 2].decode('utf-16-be', errors='replace')


def pack_septets(septets: bytes, fill_bits: int = 0) -> bytes:
    """7-bit codes packed into octets, least significant bit first, after `fill_bits` zero bits."""
    value = 0
    for index, code in enumerate(septets):
        value |= (code & 0x7F) << (fill_bits + 7 * index)
    length = (fill_bits + 7 * len(septets) + 7) // 8
    return value.to_bytes(length, 'little')


def unpack_septets(data: bytes, count: int, fill_bits: int = 0) -> bytes:
    """`count` 7-bit codes from packed octets, skipping `fill_bits` leading bits."""
    if fill_bits + 7 * count > 8 * len(data):
        raise ValueError('user data shorter than its length says')
    value = int.from_bytes(data, 'little') >> fill_bits
    return bytes((value >> (7 * index)) & 0x7F for index in range(count))


def concat_header(reference: int, total: int, sequence: int) -> bytes:
    """The user data header of one part, its length octet first: concatenation, 8-bit reference."""
    return bytes((5, 0x00, 3, reference & 0xFF, total, sequence))


def header_septets(header_length: int) -> int:
    """How many septets a user data header of that many octets (its length octet included) takes."""
    return (header_length * 8 + 6) // 7


def concat_info(header: bytes) -> tuple[int, int, int] | None:
    """(reference, total, sequence) from a user data header without its length octet, or None."""
    position = 0
    while position + 2 <= len(header):
        element, length = header[position], header[position + 1]
        data = header[position + 2:position + 2 + length]
        if element == 0x00 and length == 3 and len(data) == 3 and data[1] > 0:
            return data[0], data[1], data[2]
        if element == 0x08 and length == 4 and len(data) == 4 and data[2] > 0:
            return (data[0] << 8) | data[1], data[2], data[3]
        position += 2 + length
    return None
