"""Vietnamese reading of numbers and ticket numbers."""

import unicodedata

import pytest

from display.numbers import LETTER_NAMES, letter_name, read_digits, read_number, spoken_ticket_number

NUMBERS = [
    (0, "không"),
    (1, "một"),
    (4, "bốn"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (19, "mười chín"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (41, "bốn mươi mốt"),
    (44, "bốn mươi tư"),
    (55, "năm mươi lăm"),
    (99, "chín mươi chín"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (111, "một trăm mười một"),
    (114, "một trăm mười bốn"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (999, "chín trăm chín mươi chín"),
    (1000, "một nghìn"),
    (1001, "một nghìn không trăm linh một"),
    (1005, "một nghìn không trăm linh năm"),
    (1010, "một nghìn không trăm mười"),
    (1025, "một nghìn không trăm hai mươi lăm"),
    (1100, "một nghìn một trăm"),
    (2024, "hai nghìn không trăm hai mươi tư"),
    (10000, "mười nghìn"),
    (15015, "mười lăm nghìn không trăm mười lăm"),
    (21000, "hai mươi mốt nghìn"),
    (100000, "một trăm nghìn"),
    (105001, "một trăm linh năm nghìn không trăm linh một"),
    (999999, "chín trăm chín mươi chín nghìn chín trăm chín mươi chín"),
]


@pytest.mark.parametrize(("n", "words"), NUMBERS)
def test_read_number(n, words):
    assert read_number(n) == words


def test_read_number_output_is_nfc():
    for n in range(0, 2000, 7):
        words = read_number(n)
        assert unicodedata.normalize("NFC", words) == words
        assert "  " not in words and words == words.strip()


def test_eleven_is_mot_but_twenty_one_is_mot_with_acute():
    assert read_number(11).endswith("một")
    assert read_number(31).endswith("mốt")
    assert read_number(10).split() == ["mười"]


@pytest.mark.parametrize("bad", [-1, 1_000_000, 10**9])
def test_read_number_out_of_range(bad):
    with pytest.raises(ValueError):
        read_number(bad)


@pytest.mark.parametrize("bad", ["5", 5.0, None, True])
def test_read_number_rejects_non_int(bad):
    with pytest.raises(TypeError):
        read_number(bad)


@pytest.mark.parametrize(("digits", "words"), [
    ("025", "không hai năm"),
    ("0", "không"),
    ("1234567890", "một hai ba bốn năm sáu bảy tám chín không"),
])
def test_read_digits(digits, words):
    assert read_digits(digits) == words


@pytest.mark.parametrize("bad", ["", "12a", " 12", "١٢"])
def test_read_digits_rejects_non_digits(bad):
    with pytest.raises(ValueError):
        read_digits(bad)


@pytest.mark.parametrize(("ticket", "mode", "spoken"), [
    ("A025", "number", "A, hai mươi lăm"),
    ("A025", "digits", "A, không hai năm"),
    ("B001", "number", "Bê, một"),
    ("C105", "number", "Xê, một trăm linh năm"),
    ("a011", "number", "A, mười một"),
    ("Đ014", "digits", "Đê, không một bốn"),
    ("L000", "number", "E-lờ, không"),
    ("Y7", "number", "I dài, bảy"),
    ("W12", "number", "Vê kép, mười hai"),
    ("025", "number", "hai mươi lăm"),
    ("AB12", "number", "A Bê, mười hai"),
    ("A-025", "number", "A, hai mươi lăm"),
    (" A025 ", "number", "A, hai mươi lăm"),
    ("X", "number", "Ích-xì"),
    ("A1234567", "number", "A, một hai ba bốn năm sáu bảy"),
])
def test_spoken_ticket_number(ticket, mode, spoken):
    assert spoken_ticket_number(ticket, mode) == spoken


def test_spoken_ticket_number_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Đ014")
    assert spoken_ticket_number(decomposed, "number") == "Đê, mười bốn"


@pytest.mark.parametrize(("ticket", "mode"), [("A025", "words"), ("", "number"), ("--", "number"),
                                              (None, "number")])
def test_spoken_ticket_number_rejects(ticket, mode):
    with pytest.raises(ValueError):
        spoken_ticket_number(ticket, mode)


EXPECTED_LETTERS = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "G": "giê", "H": "hát",
    "K": "ca", "L": "e-lờ", "M": "em-mờ", "N": "en-nờ", "O": "o", "P": "pê", "Q": "quy",
    "R": "e-rờ", "S": "ét-xì", "T": "tê", "U": "u", "V": "vê", "X": "ích-xì", "Y": "i dài",
    "I": "i", "F": "ép", "J": "gi", "W": "vê kép", "Z": "dét",
}


@pytest.mark.parametrize(("letter", "name"), sorted(EXPECTED_LETTERS.items()))
def test_letter_names(letter, name):
    assert LETTER_NAMES[letter] == name
    assert letter_name(letter.lower()) == name[0].upper() + name[1:]
    assert spoken_ticket_number(letter + "5", "number") == f"{name[0].upper()}{name[1:]}, năm"


def test_every_ascii_letter_has_a_name():
    assert set("ABCDEFGHIJKLMNOPQRSTUVWXYZ") <= set(LETTER_NAMES)
