"""Vietnamese reading of numbers and ticket numbers, for the spoken announcements."""

import re
import unicodedata

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

# Vietnamese letter names, so that "B025" is heard as "bê", not as an English "bee".
LETTER_NAMES = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê",
    "E": "e", "Ê": "ê", "F": "ép", "G": "giê", "H": "hát", "I": "i", "J": "gi",
    "K": "ca", "L": "e-lờ", "M": "em-mờ", "N": "en-nờ", "O": "o", "Ô": "ô",
    "Ơ": "ơ", "P": "pê", "Q": "quy", "R": "e-rờ", "S": "ét-xì", "T": "tê",
    "U": "u", "Ư": "ư", "V": "vê", "W": "vê kép", "X": "ích-xì", "Y": "i dài",
    "Z": "dét",
}

MODES = ("number", "digits")
MAX_NUMBER = 999_999

# A run of digits, or a run of letters (each letter is spelt out).
_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+")


def _nfc(text):
    return unicodedata.normalize("NFC", text)


def _units_after_tens(unit):
    """The unit word after "mươi": 1 is "mốt", 4 is "tư", 5 is "lăm"."""
    return {0: "", 1: "mốt", 4: "tư", 5: "lăm"}.get(unit, DIGITS[unit])


def _read_tens(n):
    """Read 0 < n < 100 (no leading "linh")."""
    tens, unit = divmod(n, 10)
    if tens == 0:
        return DIGITS[unit]
    if tens == 1:
        # After "mười" only 5 changes ("mười lăm"); 1 stays "một", 4 stays "bốn".
        tail = {0: "", 5: "lăm"}.get(unit, DIGITS[unit])
        return f"mười {tail}".strip()
    return f"{DIGITS[tens]} mươi {_units_after_tens(unit)}".strip()


def _read_group(n, full):
    """Read 0 < n < 1000; full=True spells "không trăm" as inside a larger number."""
    hundreds, rest = divmod(n, 100)
    if hundreds == 0 and not full:
        return _read_tens(rest)
    words = [DIGITS[hundreds], "trăm"]
    if 0 < rest < 10:
        words += ["linh", DIGITS[rest]]
    elif rest:
        words.append(_read_tens(rest))
    return " ".join(words)


def read_number(n: int) -> str:
    """Read an integer 0..999999 in Vietnamese words."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected int, got {type(n).__name__}")
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"number out of range 0..{MAX_NUMBER}: {n}")
    if n == 0:
        return DIGITS[0]
    thousands, rest = divmod(n, 1000)
    parts = []
    if thousands:
        parts += [_read_group(thousands, full=False), "nghìn"]
    if rest:
        parts.append(_read_group(rest, full=bool(thousands)))
    return " ".join(parts)


def read_digits(s: str) -> str:
    """Read each digit of a string of digits ("025" -> "không hai năm")."""
    if not s or not s.isascii() or not s.isdigit():
        raise ValueError(f"expected a string of digits, got {s!r}")
    return " ".join(DIGITS[int(c)] for c in s)


def letter_name(letter: str) -> str:
    """Vietnamese name of a letter, capitalised so "A" still reads as "A"."""
    name = LETTER_NAMES.get(_nfc(letter).upper(), letter.lower())
    return name[:1].upper() + name[1:]


def _read_token(token, mode):
    if token.isdigit():
        # Too long to read as a number: fall back to digit by digit.
        if mode == "digits" or len(token.lstrip("0")) > len(str(MAX_NUMBER)):
            return read_digits(token)
        return read_number(int(token))
    return " ".join(letter_name(c) for c in token)


def spoken_ticket_number(number: str, mode: str) -> str:
    """Spoken form of a ticket number: "A025" -> "A, hai mươi lăm" (mode "number")."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    tokens = _TOKEN.findall(_nfc(number or ""))
    if not tokens:
        raise ValueError(f"ticket number has no letters or digits: {number!r}")
    return ", ".join(_read_token(t, mode) for t in tokens)
