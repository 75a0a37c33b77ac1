"""SMS text helpers: Vietnamese without diacritics and forgiving comparison, the GSM 03.38 alphabet, counting
SMS parts, incoming and outgoing text, and finding and reading the times and dates citizens write."""
import bisect
import datetime
import itertools
import re
import unicodedata

from rapidfuzz import fuzz, process

from server.sms.transports.sms_text import GSM_EXTENSION, fits_gsm7

# Extension-table characters go as escape + character: two septets.
GSM7_EXTENSION = frozenset(GSM_EXTENSION)
GSM7_SINGLE, GSM7_PART = 160, 153   # a concatenated part loses 7 septets to its header
UCS2_SINGLE, UCS2_PART = 70, 67     # in UTF-16 code units

# The Vietnamese marks (grave, acute, circumflex, tilde, breve, hook above, horn, dot below) all live in the
# Combining Diacritical Marks block; marks of other scripts are left alone.
DIACRITIC_MARKS = range(0x0300, 0x0370)
# Đ has no decomposition; U+00D0 (Icelandic eth) is its look-alike on some keyboards.
NOT_DECOMPOSED = str.maketrans({'đ': 'd', 'Đ': 'D', 'Ð': 'D'})
# Typography that phones and word processors put in, and that would force a message out of GSM-7.
TYPOGRAPHY = str.maketrans({'‘': "'", '’': "'", '‚': "'", '“': '"', '”': '"', '„': '"',
                            '–': '-', '—': '-', '‐': '-', '…': '...', '•': '-'})


def strip_diacritics(text):
    """Vietnamese text as plain letters ("Đăng ký" -> "Dang ky"); other characters are kept."""
    decomposed = unicodedata.normalize('NFD', text).translate(NOT_DECOMPOSED)
    kept = ''.join(ch for ch in decomposed if ord(ch) not in DIACRITIC_MARKS)
    return unicodedata.normalize('NFC', kept)


def fold(text):
    """The form used for matching: no diacritics, lower case, single spaces, no spaces at the ends."""
    # lower() first: some capitals lower to a letter plus a mark (İ -> i + dot), which is then dropped
    return ' '.join(strip_diacritics(text.lower()).split())


def similarity(typed, label):
    """0-100: how well folded text a citizen typed names a folded label. Each typed word is looked for among
    the label's words, so that "khai sinh" names "dang ky khai sinh" and "chun thuc" "chung thuc"; the
    similarity of the whole texts then makes the closest label win ("chung thuc" over "chung thuc chu ky")."""
    words, label_words = typed.split(), label.split()
    if not words or not label_words:
        return 0
    found = sum(process.extractOne(word, label_words, scorer=fuzz.ratio)[1] for word in words) / len(words)
    return 0.6 * found + 0.4 * fuzz.ratio(typed, label)


def initials(folded):
    """The first letters of the words: "dang ky khai sinh" -> "dkks"."""
    return ''.join(word[0] for word in folded.split())


def is_gsm7(text):
    """Whether every character is in the GSM 03.38 default alphabet or its extension table."""
    return fits_gsm7(text)


def sms_parts(text, unicode=None):
    """How many SMS segments the text takes; unicode=None picks UCS-2 only when GSM-7 cannot carry it.

    An empty text still takes one segment. A two-unit character (a GSM-7 extension character, a UTF-16
    surrogate pair) is never split across two parts, as phones and SMSCs do."""
    if unicode is None:
        unicode = not is_gsm7(text)
    if unicode:
        units = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        single, part = UCS2_SINGLE, UCS2_PART
    else:
        units = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        single, part = GSM7_SINGLE, GSM7_PART
    if sum(units) <= single:
        return 1
    parts, used = 1, 0
    for size in units:
        if used + size > part:
            parts, used = parts + 1, 0
        used += size
    return parts


def incoming_text(text, limit):
    """An SMS as received, made safe to read: cut to limit characters, NFC, control characters as spaces
    (newlines and tabs kept), invisible format characters and lone surrogates dropped; '' for a non-string."""
    if not isinstance(text, str):
        return ''
    kept = []
    for ch in text[:limit]:
        category = unicodedata.category(ch)
        if category == 'Cc' and ch not in '\n\r\t':
            kept.append(' ')
        elif category not in ('Cs', 'Cf'):
            kept.append(ch)
    return unicodedata.normalize('NFC', ''.join(kept))


def outgoing_text(text, with_diacritics=False):
    """The text as it will be sent: NFC, single spaces, and by default without diacritics or typographic quotes
    so that it fits the 160-character GSM-7 alphabet."""
    text = unicodedata.normalize('NFC', text)
    if not with_diacritics:
        text = strip_diacritics(text).translate(TYPOGRAPHY)
    return ' '.join(text.split())


# --- times and dates as citizens write them --------------------------------------------------------------

PERIODS = r'sang|trua|chieu|toi|dem|am|pm'
# On folded text ("8 giờ 30 sáng" -> "8 gio 30 sang"), whole words only. The numbers are range-checked
# afterwards, so that "25h" or "31/02" can be reported as a wrong time or date rather than overlooked.
TIME_RE = re.compile(r'(?<!\S)(?:(?:vao )?luc ?)?(?P<hour>\d+) ?'
                     r"(?:(?P<unit>gio|h|g|:|\.) ?(?:(?P<minute>\d+) ?(?:phut|ph|p|')?)?)?"
                     r'(?: ?(?P<period>' + PERIODS + r'))?(?!\S)')
DATE_RE = re.compile(r'(?<!\S)(?P<prefix>(?:vao )?ngay ?)?(?P<day>\d+) ?(?P<sep>[/.-]|thang) ?(?P<month>\d+)'
                     r'(?: ?(?:[/.-]|nam) ?(?P<year>\d+))?(?!\S)')
ROLLOVER_DAYS = 60   # a day and month without a year this far in the past means next year


def time_of(match):
    """The time a TIME_RE match means ("2h chieu" -> 14:00), or None if there is no such time."""
    if match is None or len(match['hour']) > 2 or len(match['minute'] or '') > 2:
        return None
    hour, minute, period = int(match['hour']), int(match['minute'] or 0), match['period']
    if period in ('chieu', 'toi', 'dem', 'pm') and 1 <= hour < 12:
        hour += 12
    elif period == 'trua' and 1 <= hour < 6:  # "1h trưa" is 13:00, "11h trưa" 11:00
        hour += 12
    elif period in ('sang', 'am') and hour > 12:
        return None
    return datetime.time(hour, minute) if hour < 24 and minute < 60 else None


def date_of(match, today):
    """The date a DATE_RE match means; without a year, this year unless that is over ROLLOVER_DAYS before
    today, then next year (in December "05/01" is next January). None if there is no such date."""
    if match is None or len(match['day']) > 2 or len(match['month']) > 2:
        return None
    day, month, year_text = int(match['day']), int(match['month']), match['year']
    if year_text:
        if len(year_text) not in (2, 4):
            return None
        return _date(int(year_text) + (2000 if len(year_text) == 2 else 0), month, day)
    this_year = _date(today.year, month, day)
    if this_year is not None and (this_year - today).days >= -ROLLOVER_DAYS:
        return this_year
    return _date(today.year + 1, month, day)


def _date(year, month, day):
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def find_time_and_date(groups):
    """Where the time and the date are among groups of folded words (the fields of a message): a
    (first, end, match) span each over the words of all groups in order, or None. No match crosses two groups.
    "8.30" and "25.11" read both ways: an unambiguous form wins, and the syntax puts the time first."""
    words = [word for group in groups for word in group]
    ends = list(itertools.accumulate(len(group) for group in groups))
    ranges = [(end - len(group), end) for group, end in zip(groups, ends) if group]
    date = _last(span for span in _matches(words, ranges, DATE_RE)
                 if span[2]['sep'] != '.' or span[2]['prefix'] or span[2]['year'])
    times = [span for span in _matches(words, _without(ranges, date), TIME_RE) if span[2]['unit'] or span[2]['period']]
    time = _last(span for span in times if span[2]['unit'] != '.') or next(iter(times), None)
    return time, date or _last(_matches(words, _without(ranges, time), DATE_RE))


def _matches(words, ranges, regex):
    """(first word, end word, match) of each match of regex on the words, never across two ranges."""
    found = []
    for first, end in ranges:
        starts = list(itertools.accumulate((len(word) + 1 for word in words[first:end - 1]), initial=0))
        for match in regex.finditer(' '.join(words[first:end])):
            found.append((first + bisect.bisect_right(starts, match.start()) - 1,
                          first + bisect.bisect_right(starts, match.end() - 1), match))
    return found


def _without(ranges, span):
    """The ranges with the words of span taken out."""
    if span is None:
        return ranges
    pieces = [piece for first, end in ranges for piece in ((first, min(end, span[0])), (max(first, span[1]), end))]
    return [(first, end) for first, end in pieces if first < end]


def _last(items):
    return ([None] + list(items))[-1]
