"""Cutting an SMS into its fields, as citizens separate them: commas, semicolons, newlines, a spaced dash, full
stops, or a mix. A full stop is read by its shape: inside a number ("8.30", "25.12.2026") or after an
initial ("Nguyễn V. A", "P. Hòa Cường": a single capital) it is not a separator; between two numbers it is one
when the number it would make cannot be a time or a date ("8h30.25/12", "8.30.25.12")."""
import re

STRONG_SEPARATOR = re.compile(r'[,;|+\n\r\t]|\s-+\s')
# Digits joined by full stops, not inside a word, a time or a date ("7:00.08.12" is 7:00 then 08.12).
DOTTED_NUMBER = re.compile(r'(?<![\w:/-])\d{1,4}(?:\.\d{1,4})+(?![\w:/-])')
# Abbreviations that end in a full stop inside a field ("TP. Đà Nẵng"); a single letter is an initial anyway.
ABBREVIATIONS = frozenset({'tp', 'tx', 'tt'})
YEAR_DIGITS = 4


def split_fields(text):
    """The fields of text, trimmed, the empty ones left out."""
    inside = _dots_inside_numbers(text)
    kept = []
    for index, char in enumerate(text):
        if char != '.' or index in inside:
            kept.append(char)
        elif _ends_abbreviation(text, index):
            # "A.Chung" -> "A. Chung": the initial and the next word stay two words
            kept.append('.' if text[index + 1:index + 2].isspace() else '. ')
        else:
            kept.append('\n')
    return [field for field in map(trim, STRONG_SEPARATOR.split(''.join(kept))) if field]


def trim(text):
    """A field without the spaces and stray punctuation at its ends."""
    return text.strip().strip('.:-').strip()


def _dots_inside_numbers(text):
    """The positions of the full stops that belong to a number: "8.30", "25.12", "25.12.2026" keep theirs;
    a longer run ends in a date with or without its year ("8.30.25.12", "15 giờ 15.26.1.2027"), unless it
    ends in a time after a date with its year ("25.12.2026.8.30")."""
    inside = set()
    for match in DOTTED_NUMBER.finditer(text):
        groups = match[0].split('.')
        cut = None
        if len(groups) > 3:
            cut = len(groups) - (3 if len(groups[-1]) == YEAR_DIGITS else 2)
            cut = 3 if len(groups[2]) == YEAR_DIGITS and len(groups[-1]) != YEAR_DIGITS else cut
        elif len(groups) == 3 and len(groups[-1]) != YEAR_DIGITS and not _day_and_month(*groups[:2]):
            cut = 1   # "15.22.12": the minutes of "15 giờ 15" then 22.12
        position = match.start()
        for number, group in enumerate(groups[:-1], start=1):
            position += len(group)
            if number != cut:
                inside.add(position)
            position += 1
    return inside


def _day_and_month(day, month):
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12


def _ends_abbreviation(text, index):
    """Whether the full stop at index ends an initial ("V.") or a known abbreviation ("TP.")."""
    start = index
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    word = text[start:index]
    if not word or (start > 0 and text[start - 1].isalnum()):   # "8h." is a time, "A1." no initial
        return False
    if word.lower() in ABBREVIATIONS:
        return True
    # an initial is a capital ("Nguyễn V. A") or before one ("nguyễn v. A"): "sao y. chiều" ends a field
    after = text[index + 1:].lstrip()
    return len(word) == 1 and (word.isupper() or after[:1].isupper())
