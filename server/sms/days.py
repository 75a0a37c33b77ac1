"""The time and the day of an SMS: those text.py finds by form ("8h30", "25/12"), and those said in words: a
weekday beside a date ("thứ 6 25/12", "T6", "CN"), a day without a date ("mai", "ngày mai", "thứ 2 tuần sau"),
a session with or without a time ("chiều 2h", "sáng", "buổi chiều").

They work on the folded words of a message. Words that can be a name ("Mai", "Sang", "Thu Ba") count only
where a name cannot be: alone in their field, or next to the time or the date."""
import datetime
import re
from dataclasses import dataclass

from server.sms.fields import BadField
from server.sms.text import date_of, find_time_and_date, time_of

WEEKDAY_NAMES = ('hai', 'ba', 'tu', 'nam', 'sau', 'bay')
# thứ 2 .. thứ 7 are Monday .. Saturday (weekday() 0 .. 5), chủ nhật Sunday.
WEEKDAYS = {**{('thu', str(n)): n - 2 for n in range(2, 8)}, **{('t%d' % n,): n - 2 for n in range(2, 8)},
            **{('thu%d' % n,): n - 2 for n in range(2, 8)},
            **{('thu', word): n for n, word in enumerate(WEEKDAY_NAMES)}, ('cn',): 6, ('chu', 'nhat'): 6}
RELATIVE_DAYS = {('hom', 'nay'): 0, ('ngay', 'mai'): 1, ('mai',): 1, ('ngay', 'kia'): 2, ('ngay', 'mot'): 2}
SESSIONS = {('buoi', 'sang'): 'sang', ('buoi', 'chieu'): 'chieu', ('sang',): 'sang', ('chieu',): 'chieu'}
NEXT_WEEK = {('tuan', 'sau'), ('tuan', 'toi')}
VAO = ('vao',)   # "vào thứ 6", "vào buổi sáng"


@dataclass(frozen=True)
class Said:
    """A day or session said in words: kind 'weekday' (value 0-6, Monday first), 'relative' (days from today),
    'session' ('sang' or 'chieu') or 'timed' (a TIME_RE match and the session said before it); next_week for
    "thứ 2 tuần sau"."""
    kind: str
    value: object
    next_week: bool = False


def clean(word):
    """A folded word without the brackets and stops around it ("(thu" -> "thu")."""
    return re.sub(r'^\W+|\W+$', '', word)


def _form_at(words, index, forms):
    """(length, value) of the longest form starting at index, or None."""
    for length in (2, 1):
        value = forms.get(tuple(words[index:index + length])) if index + length <= len(words) else None
        if value is not None:
            return length, value
    return None


def _form_ending(words, end, forms):
    """(start, value) of the longest form ending at end, or None."""
    for length in (2, 1):
        if end - length >= 0 and tuple(words[end - length:end]) in forms:
            return end - length, forms[tuple(words[end - length:end])]
    return None


def weekday_beside(words, fields, date_span):
    """The span (first, end, Said) of a weekday just before or just after the date span, or None. A weekday in
    words that can end a name ("Thu Ba") counts only in the date's field or alone in its own."""
    words = [clean(word) for word in words]
    found = _form_ending(words, date_span[0], WEEKDAYS)
    if found is not None:
        start = found[0] - 1 if found[0] > 0 and words[found[0] - 1] in VAO else found[0]
        span = (start, date_span[0])
    else:
        found = _form_at(words, date_span[1], WEEKDAYS)
        span = (date_span[1], date_span[1] + found[0]) if found else None
    if span is None:
        return None
    nameless = _strong(words[span[0]:span[1]]) or fields[span[0]] == fields[date_span[0]]
    return (*span, Said('weekday', found[1])) if nameless or _alone(fields, *span) else None


def _strong(form):
    """Whether a day's words cannot be part of a name: "thứ 6", "T6", "ngày mai", "chủ nhật", but not "Mai"
    or "Thu Ba"."""
    form = [word for word in form if word not in VAO]
    return any(ch.isdigit() for ch in form[-1]) or (len(form) == 2 and form[0] != 'thu')


def day_in_words(words, fields, beside):
    """The span of a day said without a date ("mai", "thứ 6 tuần sau"): alone in its field, right after one
    of the spans beside (the time), after a session word, or in a form no name has ("ngày mai", "thứ 6")."""
    words = [clean(word) for word in words]
    found, covered = None, 0
    for index in range(len(words)):
        for forms, kind in ((RELATIVE_DAYS, 'relative'), (WEEKDAYS, 'weekday')):
            form = _form_at(words, index, forms)
            if form is None or index < covered:   # "mai" of "ngày mai" is no day of its own
                continue
            covered = index + form[0]
            end = index + form[0]
            next_week = kind == 'weekday' and tuple(words[end:end + 2]) in NEXT_WEEK
            end += 2 if next_week else 0
            strong = _strong(words[index:index + form[0]])
            after = any(span and span[1] == index for span in beside) or \
                _form_ending(words, index, SESSIONS) is not None
            if strong or after or _alone(fields, index, end):
                found = (index, end, Said(kind, form[1], next_week))
    return found


def session_in_words(words, fields, beside):
    """The span of a session said without a time ("sáng", "buổi chiều"): alone in its field, next to one of
    the spans beside (the date and its weekday), or as "buổi ..."."""
    words = [clean(word) for word in words]
    found, covered = None, 0
    for index in range(len(words)):
        form = _form_at(words, index, SESSIONS)
        if form is None or index < covered:   # "chiều" of "buổi chiều" is no session of its own
            continue
        end = covered = index + form[0]
        start = index - 1 if index > 0 and words[index - 1] in VAO else index
        next_to = any(span and (span[0] == end or span[1] == start) for span in beside)
        if form[0] == 2 or next_to or _alone(fields, start, end):
            found = (start, end, Said('session', form[1]))
    return found


def _alone(fields, first, end):
    """Whether the words first..end are the whole of their field."""
    number = fields[first]
    return all(fields[index] == number for index in range(first, end)) and \
        fields.count(number) == end - first


def session_before_time(words, fields, time_span):
    """The time span taken back over a session said before it ("chiều 2h", "buổi sáng lúc 9h"): as "buổi ...",
    "chiều" anywhere, "sáng" (also a name) only in the time's field with nothing else; else the span as it was."""
    words = [clean(word) for word in words]
    found = _form_ending(words, time_span[0], SESSIONS)
    if found is None or time_span[2]['period']:
        return time_span
    start, session = found
    if time_span[0] - start == 2 or session == 'chieu' or _alone(fields, start, time_span[1]):
        return start, time_span[1], Said('timed', (time_span[2], session))
    return time_span


def read_time(match):
    """The time a span means: None for a session said alone, which the caller handles; a time after a session
    word in that session ("chiều 2h" is 14:00, "sáng 14h" no time)."""
    if not isinstance(match, Said):
        return time_of(match)
    if match.kind != 'timed':
        return None
    start, session = time_of(match.value[0]), match.value[1]
    if start is None or session == 'sang':
        return start if start is None or start.hour <= 12 else None
    return start.replace(hour=start.hour + 12) if 1 <= start.hour < 12 else start


def read_day(match, today):
    """The date a span means: a DATE_RE match (see text.date_of), or a day said in words."""
    if not isinstance(match, Said):
        return date_of(match, today)
    if match.kind == 'relative':
        return today + datetime.timedelta(days=match.value)
    if match.next_week:
        return today + datetime.timedelta(days=7 - today.weekday() + match.value)
    return today + datetime.timedelta(days=(match.value - today.weekday() - 1) % 7 + 1)   # 1 to 7 days ahead


def locate_time_and_date(words, fields, expected_fields):
    """The word spans (first, end, match) of the time, of the date and of a weekday beside the date (or None);
    a missing time or date is a BadField naming a stray number, or the field where it was due when the
    message has expected_fields fields."""
    folded, numbers = [word[1] for word in words], _pieces(words)
    time, date = find_time_and_date([[word[1] for word in words if word[2] == number]
                                     for number in sorted({word[2] for word in words})])
    date = date or day_in_words(folded, numbers, [time])
    weekday = weekday_beside(folded, numbers, date) if date and not isinstance(date[2], Said) else None
    time = session_before_time(folded, numbers, time) if time else session_in_words(folded, numbers, [date, weekday])
    for field, span, other, due in (('time', time, date, -2), ('date', date, time, -1)):
        if span is None:
            stray = [word[0] for index, word in enumerate(words)
                     if not inside(index, other) and any(ch.isdigit() for ch in word[0])]
            if stray or len(fields) >= expected_fields:
                raise BadField(field, stray[0] if stray else fields[due])
            raise BadField('format', ', '.join(fields))
    return time, date, weekday


def _pieces(words):
    """A piece number for each word, for days and sessions said in words: the fields, each also ended by a
    word with a full stop kept as an initial's ("sao y. chiều 4h" is two pieces)."""
    numbers = []
    for index, word in enumerate(words):
        ends = index > 0 and (word[2] != words[index - 1][2] or words[index - 1][0].endswith('.'))
        numbers.append((numbers[-1] if numbers else 0) + ends)
    return numbers


def read_spans(words, time_span, date_span, weekday_span, today):
    """(start, day, session) the spans mean; a BadField quoting the words of one that means nothing, or
    saying that the weekday said is not the date's ("thứ 5 25/12" when 25/12 is a Friday)."""
    start, day = read_time(time_span[2]), read_day(date_span[2], today)
    session = time_span[2].value if isinstance(time_span[2], Said) and time_span[2].kind == 'session' else None
    for field, span, value in (('time', time_span, start or session), ('date', date_span, day)):
        if value is None:
            raise BadField(field, _raw(words, span[0], span[1]))
    if weekday_span is not None and day.weekday() != weekday_span[2].value:
        typed = _raw(words, min(weekday_span[0], date_span[0]), max(weekday_span[1], date_span[1]))
        raise BadField('weekday', typed, day=day, weekday=weekday_span[2].value)
    return start, day, session


def _raw(words, first, end):
    return ' '.join(word[0] for word in words[first:end])


def inside(index, span):
    """Whether the word at index is in the span (None: in no span)."""
    return span is not None and span[0] <= index < span[1]
