"""Cutting an SMS into its fields, as citizens separate them: commas, semicolons, newlines, a spaced dash, full
stops, or a mix. A full stop is read by its shape: inside a number ("8.30", "25.12.2026") or after an
initial ("Nguyễn V. A", "P. Hòa Cường": a single capital) it is not a separator; between two numbers it is one
when the number it would make cannot be a time or a date ("8h30.25/12", "8.30.25.12")."""
import re

STRONG_SEPARATOR = re.compile(r'[,;|+\n\r\t]|\s-+\s')
# Digits joined by full stops, not inside a word, a time or a date ("7:00.08.12" is 7:00 then 08.12).
DOTTED_NUMBER = re.compile(r'(?<![\w:/-])\d{1,4}(?:\.\d{1,4})+(?![\w:/-])')
# Abbreviations that end in a full stop inside a field ("TP. Đà Nẵng"); a single capital is an initial anyway.
ABBREVIATIONS = frozenset({'tp', 'tx', 'tt'})
DOT = '\x00'           # a full stop read as a separator (incoming_text turns a NUL into a space)
MIN_DOT_FIELDS = 3     # one or two "fields" cut by full stops alone are rather a stray stop ("An. CT 8h 25/12")
HOUR_WORD = re.compile(r'(?:^|\s)(?:giờ|gio|h|g)\s*$', re.IGNORECASE)   # "15 giờ 15.22.12": minutes come first
SINGLE_LETTER = re.compile(r'[^\W\d_](?![^\W\d_])')
YEAR_DIGITS = 4


class BadField(Exception):
    """A wrong field (its name, its value as typed) found deep in the parser, which answers it as Invalid."""

    def __init__(self, field, value, suggestions=(), **said):
        super().__init__(field)
        self.field, self.value, self.suggestions, self.said = field, value, tuple(suggestions), said


def field_splits(text):
    """The ways to cut text into fields, the likelier first. A lower-case letter before a full stop is an initial
    in a message cut by commas ("hg, nguyen v. an, ...") but rather ends a field in one cut by full stops only
    ("hg.le an.sao y.chieu 2h..."); the parser reads the other way too when the first makes no booking."""
    cut_by_commas = STRONG_SEPARATOR.search(text) is not None
    splits = [split_fields(text, cut_by_commas), split_fields(text, not cut_by_commas)]
    return splits[:1] if splits[0] == splits[1] else splits


def split_fields(text, lower_initials=False):
    """The fields of text, trimmed, the empty ones left out; lower_initials: any single letter before a full
    stop is an initial (else only a capital, or a letter before a capital or another single letter). In a
    message of spaces, full stops that would make fewer than three fields are only spaces ("8h30.25/12")."""
    inside = _dots_inside_numbers(text)
    kept = []
    for index, char in enumerate(text):
        if char != '.' or index in inside:
            kept.append(char)
        elif _ends_abbreviation(text, index, lower_initials):
            # "A.Chung" -> "A. Chung": the initial and the next word stay two words
            kept.append('.' if text[index + 1:index + 2].isspace() else '. ')
        else:
            kept.append(DOT)
    fields = [field for field in map(trim, STRONG_SEPARATOR.split(''.join(kept).replace(DOT, '\n'))) if field]
    if len(fields) < MIN_DOT_FIELDS and not STRONG_SEPARATOR.search(text):
        # a stop after a word stays ("V. Hoàng"); between numbers it was a space ("8h30.25/12")
        spaced = re.sub('(?<=[^\\W\\d_])' + DOT, '.', ''.join(kept)).replace(DOT, ' ')
        fields = [field for field in [trim(' '.join(spaced.split()))] if field]
    return fields


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
        elif len(groups) == 3 and len(groups[-1]) != YEAR_DIGITS and \
                (HOUR_WORD.search(text[:match.start()]) or not _day_and_month(*groups[:2])):
            cut = 1   # "15.22.12", "12 giờ 30.09.06": the minutes then the date
        position = match.start()
        for number, group in enumerate(groups[:-1], start=1):
            position += len(group)
            if number != cut:
                inside.add(position)
            position += 1
    return inside


def _day_and_month(day, month):
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12


def _ends_abbreviation(text, index, lower_initials):
    """Whether the full stop at index ends an initial ("V.") or a known abbreviation ("TP.")."""
    start = index
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    word = text[start:index]
    if not word or (start > 0 and text[start - 1].isalnum()):   # "8h." is a time, "A1." no initial
        return False
    if word.lower() in ABBREVIATIONS:
        return True
    # an initial is a capital ("Nguyễn V. A") or before one ("nguyễn v. A") or another ("nguyen v. a."):
    # "sao y. chiều" ends a field
    after = text[index + 1:].lstrip()
    return len(word) == 1 and (lower_initials or word.isupper() or after[:1].isupper()
                               or SINGLE_LETTER.match(after) is not None)
