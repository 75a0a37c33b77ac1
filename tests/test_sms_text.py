"""SMS text helpers: diacritics, folding, the GSM-7 alphabet, SMS part counts, incoming and outgoing text,
and the times and dates citizens write."""
import datetime
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.sms.text import (DATE_RE, GSM7_EXTENSION, TIME_RE, date_of, find_time_and_date, fold, incoming_text,
                             initials, is_gsm7, outgoing_text, similarity, sms_parts, strip_diacritics, time_of)
from server.sms.transports.sms_text import GSM_BASIC

# Every Vietnamese vowel with every tone, and đ: each must lose its marks.
VOWELS = {'a': 'aàáảãạăằắẳẵặâầấẩẫậ', 'e': 'eèéẻẽẹêềếểễệ', 'i': 'iìíỉĩị', 'o': 'oòóỏõọôồốổỗộơờớởỡợ',
          'u': 'uùúủũụưừứửữự', 'y': 'yỳýỷỹỵ', 'd': 'dđ'}
VIETNAMESE_LETTERS = ''.join(VOWELS.values()) + ''.join(VOWELS.values()).upper() + 'bcghklmnpqrstvx'
TODAY = datetime.date(2026, 11, 10)
QUICK = settings(max_examples=200, deadline=None, database=None)


@pytest.mark.parametrize('plain, letters', sorted(VOWELS.items()))
def test_every_vowel_and_tone_loses_its_marks(plain, letters):
    assert strip_diacritics(letters) == plain * len(letters)
    assert strip_diacritics(letters.upper()) == plain.upper() * len(letters)


@pytest.mark.parametrize('text, plain', [
    ('Đăng ký khai sinh', 'Dang ky khai sinh'),
    ('Chứng thực bản sao', 'Chung thuc ban sao'),
    ('UBND phường Hòa Cường Bắc', 'UBND phuong Hoa Cuong Bac'),
    ('NGUYỄN VĂN AN', 'NGUYEN VAN AN'),
    ('Hủy lịch hẹn lúc 8 giờ 30, ngày 25/11!', 'Huy lich hen luc 8 gio 30, ngay 25/11!'),
    ('Ð', 'D'),                          # the eth look-alike some keyboards give for Đ
    ('€ 中文 😀 ß', '€ 中文 😀 ß'),       # other characters are kept
    ('', ''),
])
def test_strip_diacritics(text, plain):
    assert strip_diacritics(text) == plain


def test_nfd_and_nfc_input_give_the_same_result():
    text = 'Nguyễn Thị Hương, Đường Lê Lợi, Thừa Thiên Huế'
    assert strip_diacritics(unicodedata.normalize('NFD', text)) == strip_diacritics(text)
    assert strip_diacritics(text) == 'Nguyen Thi Huong, Duong Le Loi, Thua Thien Hue'


def test_marks_of_other_scripts_are_kept():
    hindi = unicodedata.normalize('NFC', 'हिन्दी')
    assert strip_diacritics(hindi) == hindi


@pytest.mark.parametrize('text, folded', [
    ('  Đăng   Ký\tKHAI\nSinh ', 'dang ky khai sinh'),
    ('HỦY', 'huy'), ('ĐỔI', 'doi'), ('Kt', 'kt'),
    ('İ', 'i'),   # lower-cases to i + combining dot, which is dropped
    ('', ''),
])
def test_fold(text, folded):
    assert fold(text) == folded


@given(st.text(alphabet=VIETNAMESE_LETTERS + ' \t\n'))
@QUICK
def test_vietnamese_text_folds_to_lower_ascii(text):
    folded = fold(text)
    assert folded.isascii() and folded == folded.lower()
    assert fold(folded) == folded
    assert '  ' not in folded and folded == folded.strip()


@given(st.text())
@QUICK
def test_helpers_take_any_text(text):
    assert fold(fold(text)) == fold(text)
    assert sms_parts(text) >= 1
    assert isinstance(is_gsm7(text), bool)
    assert '  ' not in outgoing_text(text)


def test_gsm7_alphabet():
    assert len(GSM_BASIC.replace('\x1b', '')) == 127 and len(GSM7_EXTENSION) == 10
    assert is_gsm7('Dat lich: HG, Nguyen Van An, chung thuc, 8h30, 25/11 @£$¥ èéùìò ÄÖÑÜ§¿äöñüà')
    assert is_gsm7('{}[]~^|\\€\f')
    assert is_gsm7('')
    for text in ('Đăng ký', 'ă', '`', 'ç', '\x1b', '😀', '\t'):
        assert not is_gsm7(text), text


@pytest.mark.parametrize('text, parts', [
    ('', 1),
    ('a' * 160, 1), ('a' * 161, 2), ('a' * 306, 2), ('a' * 307, 3),
    ('€' * 80, 1), ('€' * 81, 2),
    ('a' + '€' * 80, 2),
    ('a' * 152 + '€' * 77, 3),    # no escape pair is cut: part 1 ends after 152 septets
    ('ă' * 70, 1), ('ă' * 71, 2), ('ă' * 134, 2), ('ă' * 135, 3),
    ('😀' * 35, 1), ('😀' * 36, 2),  # two UTF-16 code units each
    ('ă' * 66 + '😀' * 34, 3),      # no surrogate pair is cut either
])
def test_sms_parts(text, parts):
    assert sms_parts(text) == parts


def test_sms_parts_with_a_forced_coding():
    assert sms_parts('a' * 100, unicode=True) == 2
    assert sms_parts('ă' * 100, unicode=False) == 1
    assert sms_parts('Chứng thực') == sms_parts('Chứng thực', unicode=True)


def test_outgoing_text_without_diacritics_fits_gsm7():
    text = 'Đã đặt lịch  08:30 25/11/2026,\n“Chứng thực”. Mã hẹn: ABC234 – hủy: HUY ABC234…'
    sent = outgoing_text(text)
    assert sent == 'Da dat lich 08:30 25/11/2026, "Chung thuc". Ma hen: ABC234 - huy: HUY ABC234...'
    assert is_gsm7(sent) and sms_parts(sent) == 1


def test_outgoing_text_with_diacritics_is_nfc():
    text = unicodedata.normalize('NFD', 'Đã đặt  lịch')
    assert outgoing_text(text, with_diacritics=True) == unicodedata.normalize('NFC', 'Đã đặt lịch')


@given(st.text(alphabet=VIETNAMESE_LETTERS + ' 0123456789,.:/'))
@QUICK
def test_outgoing_vietnamese_is_gsm7(text):
    assert is_gsm7(outgoing_text(text))


def test_incoming_text_is_made_safe():
    assert incoming_text('HG\x00,\x07An\u200b\ud800\nX', 1000) == 'HG , An\nX'
    assert incoming_text(unicodedata.normalize('NFD', 'Hủy'), 1000) == 'Hủy'
    assert incoming_text('x' * 5000, 1000) == 'x' * 1000
    assert incoming_text(None, 1000) == ''


@pytest.mark.parametrize('text, expected', [
    ('8h30', (8, 30)), ('8:30', (8, 30)), ('08g30', (8, 30)), ('8h', (8, 0)), ('14h', (14, 0)),
    ('14h00', (14, 0)), ('8 gio 30', (8, 30)), ('8h30p', (8, 30)), ('8 gio 30 phut', (8, 30)), ('8.30', (8, 30)),
    ('2h chieu', (14, 0)), ('8 gio sang', (8, 0)), ('8h30 sang', (8, 30)), ('7 gio toi', (19, 0)),
    ('1h trua', (13, 0)), ('11h trua', (11, 0)), ('14h chieu', (14, 0)), ('8h5', (8, 5)), ('9 am', (9, 0)),
    ('3pm', (15, 0)), ('0h', (0, 0)), ('23:59', (23, 59)),
])
def test_times(text, expected):
    assert time_of(TIME_RE.fullmatch(text)) == datetime.time(*expected)


@pytest.mark.parametrize('text', ['25h', '8h60', '24h', '14h sang', '123h', '8h300', '99:99'])
def test_impossible_times(text):
    match = TIME_RE.fullmatch(text)
    assert match is not None and time_of(match) is None


@pytest.mark.parametrize('text, expected', [
    ('25/11', (2026, 11, 25)), ('25-11-2026', (2026, 11, 25)), ('25/11/26', (2026, 11, 25)),
    ('25.11', (2026, 11, 25)), ('ngay 25/11', (2026, 11, 25)), ('25/11/2026', (2026, 11, 25)),
    ('5/1', (2027, 1, 5)), ('05/01/2026', (2026, 1, 5)), ('25 thang 11', (2026, 11, 25)),
    ('ngay 25 thang 11 nam 2026', (2026, 11, 25)), ('11/9', (2026, 9, 11)), ('10/9', (2027, 9, 10)),
    ('29/02/2028', (2028, 2, 29)),
])
def test_dates(text, expected):
    assert date_of(DATE_RE.fullmatch(text), TODAY) == datetime.date(*expected)


@pytest.mark.parametrize('text', ['31/02', '32/1', '1/13', '0/5', '25/11/123', '25/11/20266', '001/1'])
def test_impossible_dates(text):
    match = DATE_RE.fullmatch(text)
    assert match is not None and date_of(match, TODAY) is None


@pytest.mark.parametrize('today, text, expected', [
    (datetime.date(2026, 12, 20), '05/01', datetime.date(2027, 1, 5)),     # December: January is next year
    (datetime.date(2026, 12, 20), '25/11', datetime.date(2026, 11, 25)),   # 25 days ago: still this year
    (datetime.date(2026, 12, 20), '21/10', datetime.date(2026, 10, 21)),   # exactly 60 days ago
    (datetime.date(2026, 12, 20), '20/10', datetime.date(2027, 10, 20)),   # 61 days ago
    (datetime.date(2026, 3, 1), '15/12', datetime.date(2026, 12, 15)),
    (datetime.date(2027, 6, 1), '29/02', datetime.date(2028, 2, 29)),
])
def test_year_rollover(today, text, expected):
    assert date_of(DATE_RE.fullmatch(text), today) == expected


def test_29_february_without_a_leap_year_this_year_or_next_is_no_date():
    assert date_of(DATE_RE.fullmatch('29/02'), datetime.date(2026, 1, 10)) is None
    assert date_of(DATE_RE.fullmatch('29/02'), TODAY) is None


@given(st.dates(min_value=datetime.date(2001, 1, 1), max_value=datetime.date(2098, 12, 31)),
       st.integers(min_value=0, max_value=300))
@QUICK
def test_a_date_without_year_in_the_coming_300_days_reads_back(today, ahead):
    day = today + datetime.timedelta(days=ahead)
    assert date_of(DATE_RE.fullmatch('%d/%d' % (day.day, day.month)), today) == day


def test_similarity_prefers_the_closest_label():
    assert similarity('khai sinh', 'dang ky khai sinh') > similarity('khai sinh', 'dang ky khai tu') + 20
    assert similarity('chun thuc', 'chung thuc') > similarity('chun thuc', 'chung thuc chu ky') + 5
    assert similarity('chung thuc', 'chung thuc') == 100
    assert similarity('', 'chung thuc') == similarity('chung thuc', '') == 0
    assert similarity('nguyen van an', 'chung thuc ban sao tu ban chinh') < 60


def test_initials():
    assert initials('dang ky khai sinh') == 'dkks' and initials('') == ''


def spans_text(groups, spans):
    words = [word for group in groups for word in group]
    return [None if span is None else ' '.join(words[span[0]:span[1]]) for span in spans]


@pytest.mark.parametrize('groups, time, date', [
    ([['nguyen', 'van', 'an'], ['chung', 'thuc'], ['8h30'], ['25/11']], '8h30', '25/11'),
    ([['nguyen', 'van', 'an', 'ct', '8', 'gio', '30', 'sang', 'ngay', '25/11']], '8 gio 30 sang', 'ngay 25/11'),
    ([['an', 'ct', '25/11', '8h30']], '8h30', '25/11'),
    ([['an', 'ct', '8.30', '25.11']], '8.30', '25.11'),      # both dotted: the time comes first
    ([['an', 'ct', '8h30', '25.11']], '8h30', '25.11'),
    ([['an', 'ct', '8.30', '25/11']], '8.30', '25/11'),
    ([['7h'], ['10', 'thang', '11']], '7h', '10 thang 11'),  # "7h 10" would cross two fields
    ([['an', '7h', '10', 'thang', '11']], '7h', '10 thang 11'),
    ([['an', 'luc', '8h', 'vao', 'ngay', '25/11']], 'luc 8h', 'vao ngay 25/11'),
    ([['an', 'ct', '830', '25/11']], None, '25/11'),
    ([['an', 'ct']], None, None),
    ([], None, None),
])
def test_find_time_and_date(groups, time, date):
    assert spans_text(groups, find_time_and_date(groups)) == [time, date]
