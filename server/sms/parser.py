"""Reading a citizen's SMS: HG books ("HG, họ tên, [cơ quan,] thủ tục, giờ, ngày"), HUY cancels, DOI moves, KT asks.

Pure functions: the caller passes the office's services and procedures as candidates (and the shipped
catalogue's names as fallback), the names the office answers to and today's date. The answer says what the
citizen asked for, or exactly which field is wrong. Fields may be separated by punctuation (fields.py) or by
spaces only: the time and the date are found by their form or words wherever they are (days.py), and what is
left is read by field, or cut where the best-matching procedure name starts."""
import datetime
import re
import unicodedata
from dataclasses import dataclass

from server.sms.days import inside, locate_time_and_date, read_spans
from server.sms.fields import BadField, field_splits
from server.sms.matching import (OFFICE_MATCH, PROCEDURE_MATCH, Candidate, folded_label, in_a_name, match_office,
                                 match_procedure, procedure_score)
from server.sms.text import fold, incoming_text

CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'  # no 0/O or 1/I: they are misread when typed back
CODE_LENGTH = 6
SYNTAX = {'HG': 'HG, ho ten, thu tuc, gio, ngay (vd: HG, Nguyen Van An, chung thuc, 8h30, 25/11)',
          'HUY': 'HUY <ma hen>', 'DOI': 'DOI <ma hen>, <gio>, <ngay>', 'KT': 'KT <ma hen>'}
COMMANDS = {'hg': 'HG', 'huy': 'HUY', 'doi': 'DOI', 'kt': 'KT'}

MAX_INPUT = 1000          # no real message is longer; the cut bounds the work done on junk
MAX_RUN_WORDS = 12        # the longest run of words tried as procedure or office when only spaces separate
LONGER_TAIL_MARGIN = 3    # points a longer run of words must gain to be taken as the procedure instead
EXACT = 100
TYPICAL_NAME_WORDS = 3    # where to cut the name from an unrecognised procedure
NAME_LENGTH = (2, 100)

COMMAND_RE = re.compile(r'[\W_]*([^\W\d_]+)')


@dataclass(frozen=True)
class Book:
    """A booking; start is None when the citizen named only a session ('sang' or 'chieu'): the first free slot."""
    name: str
    office: str | None
    procedure: Candidate
    start: datetime.time | None
    date: datetime.date
    session: str | None = None


@dataclass(frozen=True)
class Cancel:
    code: str


@dataclass(frozen=True)
class Move:
    """A move to another slot; start is None when only a session was named, as for Book."""
    code: str
    start: datetime.time | None
    date: datetime.date
    session: str | None = None


@dataclass(frozen=True)
class Query:
    code: str


@dataclass(frozen=True)
class Unknown:
    text: str


@dataclass(frozen=True)
class Invalid:
    """A known command with a wrong field: 'name', 'office', 'procedure', 'time', 'date', 'code', or 'format'
    when fields are missing, 'weekday' when the weekday said is not the date's (day, weekday: the one said);
    suggestions are the Candidates closest to a wrong procedure."""
    command: str
    field: str
    value: str
    suggestions: tuple = ()
    day: datetime.date | None = None
    weekday: int | None = None


def parse_message(text, *, candidates, today, office_names=(), fallback=()):
    """What an SMS asks for: Book, Cancel, Move or Query; Invalid naming the wrong field; else Unknown.
    fallback: candidates tried only when none of candidates is close (the shipped catalogue's names)."""
    text = incoming_text(text, MAX_INPUT)
    found = COMMAND_RE.match(text)
    command = COMMANDS.get(fold(found[1])) if found else None
    if command is None:
        return Unknown(text.strip())
    splits = field_splits(text[found.end():])
    try:
        if command == 'HG':
            return _first_booking(splits, (tuple(candidates), tuple(fallback)), today, tuple(office_names))
        code, fields = _take_code(splits[0])
        if command == 'DOI':
            words = _to_words(fields)
            return Move(code, *read_spans(words, *locate_time_and_date(words, fields, expected_fields=2), today))
        return Cancel(code) if command == 'HUY' else Query(code)
    except BadField as error:
        return Invalid(command, error.field, error.value, error.suggestions, **error.said)


def normalise_code(text):
    """A booking code in canonical form (upper case, no spaces or dashes), or None if it cannot be one."""
    if not isinstance(text, str):
        return None
    code = re.sub(r'[\s-]+', '', text).upper()
    return code if len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code) else None


def _take_code(fields):
    """The booking code at the start of the fields ("ABC 234" or "ABC234 9h 26/11"), and the fields after it."""
    if not fields:
        raise BadField('format', '')
    code = normalise_code(fields[0])
    if code:
        return code, fields[1:]
    first, _, after = fields[0].partition(' ')
    code = normalise_code(first)
    if code is None:
        raise BadField('code', first)
    return code, ([after.strip()] if after.strip() else []) + fields[1:]


def _first_booking(splits, tiers, today, office_names):
    """The booking of the first way of cutting the fields that reads as one; else the first's wrong field."""
    errors = []
    for fields in splits:
        try:
            return _read_booking(fields, tiers, today, office_names)
        except BadField as error:
            errors.append(error)
    raise errors[0]


def _read_booking(fields, tiers, today, office_names):
    """A Book from the fields after HG: the time and the date found by form, then the rest read by field."""
    words = _to_words(fields)
    found = locate_time_and_date(words, fields, expected_fields=4)
    spans = [span for span in found if span is not None]
    left = [word for index, word in enumerate(words) if not any(inside(index, span) for span in spans)]
    # words after the time and the date are chatter ("cam on") when those before make a booking by themselves
    before = [word for index, word in enumerate(words) if index < min(span[0] for span in spans)]
    first_error = None
    for attempt in ([before, left] if 2 <= len(before) < len(left) else [left]):
        try:
            return Book(*_read_name_office_procedure(attempt, tiers, office_names),
                        *read_spans(words, *found, today))
        except BadField as error:
            first_error = first_error or error
    raise first_error


def _read_name_office_procedure(words, tiers, office_names):
    """Name, [office,] procedure: by field when there are two or three, else cut by the best-matching procedure."""
    groups = [' '.join(word[0] for word in words if word[2] == number) for number in sorted({w[2] for w in words})]
    if len(groups) in (2, 3):
        name_raw, office_raw, procedure_raw = groups[0], (groups[1] if len(groups) == 3 else None), groups[-1]
    else:
        name_raw, office_raw, procedure_raw = _cut_by_procedure(words, sum(tiers, ()), office_names)
    name = _read_name(name_raw)
    office = _read_office(office_raw, office_names)
    procedure, suggestions = _match_in_tiers(procedure_raw, tiers)
    if procedure is None:
        raise BadField('procedure', procedure_raw.strip(), suggestions)
    return name, office, procedure


def _match_in_tiers(text, tiers):
    """match_procedure on each tier in turn (the office's own names, then the shipped catalogue's): the first
    tier with a candidate close enough answers, be it only to say that two are too close to choose between."""
    suggestions = []
    for tier in tiers:
        best, found = match_procedure(text, tier)
        suggestions += [candidate for candidate in found
                        if folded_label(candidate) not in {folded_label(other) for other in suggestions}]
        if best is not None or any(procedure_score(fold(text), candidate) >= PROCEDURE_MATCH for candidate in found):
            return best, suggestions[:3]
    return None, suggestions[:3]


def _cut_by_procedure(words, candidates, office_names):
    """Name, office and procedure from words with no separators: the procedure is the best-matching tail,
    the office (recognisable only from office_names) the best-matching run just before it."""
    raws = [word[0] for word in words]
    if len(raws) < 2:
        raise BadField('format', ' '.join(raws))
    score, cut, named = -1, len(raws) - 1, None
    for start in range(len(raws) - 1, max(1, len(raws) - MAX_RUN_WORDS) - 1, -1):
        # a longer tail must do clearly better, so that "Nguyễn Văn Khai khai sinh" keeps "Khai" in the name...
        query = ' '.join(word[1] for word in words[start:])
        tail, best = max(((procedure_score(query, candidate), candidate) for candidate in candidates),
                         default=(0, None), key=lambda row: row[0])
        # ...unless both are a name exactly ("dang ky ket hon" rather than the short name "ket hon"), or it is
        # words of a name of the same procedure ("chung thuc ban sao" rather than the "sao" of "sao y")
        if tail > score + LONGER_TAIL_MARGIN or tail == score == EXACT or \
                (tail >= PROCEDURE_MATCH and named and best.key == named.key and in_a_name(query, named, candidates)):
            score, cut, named = max(tail, score), start, best
    if score < PROCEDURE_MATCH:
        cut = min(TYPICAL_NAME_WORDS, len(raws) - 1)
    office = _office_start(raws, cut, office_names) or cut
    return ' '.join(raws[:office]), ' '.join(raws[office:cut]) or None, ' '.join(raws[cut:])


def _office_start(raws, end, office_names):
    """Where a run of words ending at end that names the office starts (never at the name's first word)."""
    if not office_names or end < 2:
        return None
    # on a tie the longer run, which takes words like "UBND" or "P." away from the name
    score, start = max((match_office(' '.join(raws[start:end]), office_names)[0], -start)
                       for start in range(max(1, end - MAX_RUN_WORDS), end))
    return -start if score >= OFFICE_MATCH else None


def _read_name(raw):
    """The citizen's name with single spaces and each word capitalised, diacritics as typed."""
    words = raw.rstrip().rstrip('.').split()   # "Nguyễn V. A." as cut from "HG.Nguyễn V. A.Chứng thực"
    text = ' '.join(words)
    allowed = all(ch.isalpha() or ch in " .'-" or unicodedata.category(ch).startswith('M') for ch in text)
    if not (NAME_LENGTH[0] <= len(text) <= NAME_LENGTH[1] and allowed and any(ch.isalpha() for ch in text)):
        raise BadField('name', raw.strip())
    return ' '.join(word[:1].upper() + word[1:].lower() for word in words)


def _read_office(raw, office_names):
    """The office the citizen named: the matching office name, or the text as typed when none are known."""
    if raw is None:
        return None
    if not office_names:
        return ' '.join(raw.split())
    score, name = match_office(raw, office_names)
    if score < OFFICE_MATCH:
        raise BadField('office', raw.strip())
    return name


def _to_words(fields):
    """(raw word, folded word, field number) for every word of the fields."""
    return [(raw, folded, number) for number, field in enumerate(fields)
            for raw in field.split() if (folded := fold(raw))]
