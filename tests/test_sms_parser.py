"""The SMS parser: bookings in every accepted form, each wrong field named, HUY/DOI/KT, unknown texts, and
property tests (it never raises; generated bookings read back to what was written)."""
import datetime
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.sms.parser import (CODE_ALPHABET, CODE_LENGTH, SYNTAX, Book, Cancel, Candidate, Invalid, Move, Query,
                               Unknown, match_procedure, normalise_code, parse_message)
from server.sms.text import fold, strip_diacritics

CHUNG_THUC = Candidate(('service', 'CT'), 'Chứng thực', 'CT')
HO_TICH = Candidate(('service', 'HT'), 'Hộ tịch', 'HT')
KHAI_SINH = Candidate(('procedure', 1), 'Đăng ký khai sinh', 'HT')
KET_HON = Candidate(('procedure', 2), 'Đăng ký kết hôn', 'HT')
KHAI_TU = Candidate(('procedure', 3), 'Đăng ký khai tử', 'HT')
BAN_SAO = Candidate(('procedure', 4), 'Chứng thực bản sao từ bản chính', 'CT')
CHU_KY = Candidate(('procedure', 5), 'Chứng thực chữ ký', 'CT')
TRICH_LUC = Candidate(('procedure', 6), 'Cấp bản sao trích lục', 'HT')
CANDIDATES = (CHUNG_THUC, HO_TICH, KHAI_SINH, KET_HON, KHAI_TU, BAN_SAO, CHU_KY, TRICH_LUC)
OFFICE = 'UBND phường Hòa Cường Bắc'
OFFICE_NAMES = (OFFICE, 'Hòa Cường Bắc')
TODAY = datetime.date(2026, 11, 10)
FIELDS = {'name', 'office', 'procedure', 'time', 'date', 'weekday', 'code', 'format'}
RESULTS = (Book, Cancel, Move, Query, Unknown, Invalid)


def parse(text, today=TODAY, office_names=OFFICE_NAMES, candidates=CANDIDATES):
    return parse_message(text, candidates=candidates, today=today, office_names=office_names)


def booking(name, procedure, hour, minute, date=(2026, 11, 25), office=None):
    return Book(name, office, procedure, datetime.time(hour, minute), datetime.date(*date))


BOOKINGS = [
    ('HG, Nguyễn Văn An, Chứng thực, 8h30, 25/11', booking('Nguyễn Văn An', CHUNG_THUC, 8, 30)),
    ('HG, Nguyen Van An, chung thuc, 8h30, 25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('hg, nguyễn văn an, chứng thực, 8:30, 25-11-2026', booking('Nguyễn Văn An', CHUNG_THUC, 8, 30)),
    ('HG, NGUYEN VAN AN, CHUNG THUC, 08G30, 25/11/26', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('Hg, Trần Thị Bình, khai sinh, 14h, 25/11', booking('Trần Thị Bình', KHAI_SINH, 14, 0)),
    ('HG, Tran Thi Binh, khai sinh, 8h, 25.11', booking('Tran Thi Binh', KHAI_SINH, 8, 0)),
    ('HG, Le Minh, chun thuc, 8 gio 30, ngay 25/11', booking('Le Minh', CHUNG_THUC, 8, 30)),
    ('HG, Le Minh, CT, 8h30p, 25/11/2026', booking('Le Minh', CHUNG_THUC, 8, 30)),
    ('HG, Le Minh, ct, 8.30, 25/11', booking('Le Minh', CHUNG_THUC, 8, 30)),
    ('HG, Le Minh, ket hon, 2h chieu, 25/11', booking('Le Minh', KET_HON, 14, 0)),
    ('HG, Le Minh, khai tu, 8 giờ sáng, ngày 25/11', booking('Le Minh', KHAI_TU, 8, 0)),
    ('HG, Le Minh, dkks, 9h15, 1/12', booking('Le Minh', KHAI_SINH, 9, 15, (2026, 12, 1))),
    ('HG, Le Minh, chung thuc ban sao, 10h, 25/11', booking('Le Minh', BAN_SAO, 10, 0)),
    ('HG, Le Minh, chung thu chu ki, 10h, 25/11', booking('Le Minh', CHU_KY, 10, 0)),
    ('HG, Le Minh, ho tich, 10h, 25/11', booking('Le Minh', HO_TICH, 10, 0)),
    # the office field
    ('HG, Nguyễn Văn An, UBND phường Hòa Cường Bắc, chứng thực, 8h30, 25/11',
     booking('Nguyễn Văn An', CHUNG_THUC, 8, 30, office=OFFICE)),
    ('HG, Nguyen Van An, Hoa Cuong Bac, chung thuc, 8h30, 25/11',
     booking('Nguyen Van An', CHUNG_THUC, 8, 30, office=OFFICE)),
    ('HG, Nguyen Van An, P.HCB, chung thuc, 8h30, 25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30, office=OFFICE)),
    ('HG, Nguyen Van An, phuong hoa cuong bak, chung thuc, 8h30, 25/11',
     booking('Nguyen Van An', CHUNG_THUC, 8, 30, office=OFFICE)),
    # every separator
    ('HG; Nguyen Van An; chung thuc; 8h30; 25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG|Nguyen Van An|chung thuc|8h30|25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG+Nguyen Van An+chung thuc+8h30+25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG\nNguyen Van An\nchung thuc\n8h30\n25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG\r\nNguyen Van An\r\nchung thuc\r\n8h30\r\n25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG. Nguyen Van An. chung thuc. 8h30. 25/11.', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG. Nguyen Van An. chung thuc. 8.30. 25.11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG - Nguyen Van An - chung thuc - 8h30 - 25-11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG: Nguyen Van An, chung thuc, 8h30, 25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG ,Nguyen Van An ,chung thuc ,8h30 ,25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('  HG,,Nguyen Van An,, chung thuc,8h30,25/11  ', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG  Nguyen Van An  chung thuc  8h30  25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    # spaces only
    ('HG Nguyen Van An chung thuc 8h30 25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('hg nguyễn thị mai chứng thực chữ ký 8g30p 30/11', booking('Nguyễn Thị Mai', CHU_KY, 8, 30, (2026, 11, 30))),
    ('HG Nguyen Van An Hoa Cuong Bac khai sinh 2h chieu ngay 25/11',
     booking('Nguyen Van An', KHAI_SINH, 14, 0, office=OFFICE)),
    ('HG Nguyen Van An UBND P. Hoa Cuong Bac khai sinh 2h chieu ngay 25/11',
     booking('Nguyen Van An', KHAI_SINH, 14, 0, office=OFFICE)),
    ('HG Nguyen Van Khai khai sinh 8h 25/11', booking('Nguyen Van Khai', KHAI_SINH, 8, 0)),
    ('HG Nguyen Van An chung thuc ban sao 8h 25/11', booking('Nguyen Van An', BAN_SAO, 8, 0)),
    ('HG Nguyen Van An dang ky ket hon 8h 25/11', booking('Nguyen Van An', KET_HON, 8, 0)),
    ('HG Le Van C CT 8.30 25.11', booking('Le Van C', CHUNG_THUC, 8, 30)),
    ('HG Le Van C CT 8 gio 30 phut sang ngay 25 thang 11', booking('Le Van C', CHUNG_THUC, 8, 30)),
    # mixed: time and date in one field, time and date swapped, order of fields by form
    ('HG, Nguyen Van An, chung thuc, 8h30 25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG, Nguyen Van An, Hoa Cuong Bac, chung thuc, 8h30 25/11',
     booking('Nguyen Van An', CHUNG_THUC, 8, 30, office=OFFICE)),
    ('HG, Nguyen Van An, chung thuc, 25/11, 8h30', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG, Nguyen Van An, chung thuc 8h30, 25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG Nguyen Van An chung thuc luc 8h30 ngay 25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG Nguyen Van An chung thuc vao luc 8h30 vao ngay 25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG Le Minh cap ban sao trich luc 8h30 25/11', booking('Le Minh', TRICH_LUC, 8, 30)),
    ('HG Nguyen Van An 8h30 25/11 chung thuc', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    # words after the time and date are chatter
    ('HG, Nguyen Van An, chung thuc, 8h30, 25/11 cam on', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG, Nguyen Van An, chung thuc, 8h30, 25/11, xin cảm ơn ạ', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    ('HG Nguyen Van An chung thuc 8h30 25/11 nhe', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
    # diacritics decomposed (NFD), stray control and invisible characters
    (unicodedata.normalize('NFD', 'HG, Nguyễn Văn An, Chứng thực, 8h30, 25/11'),
     booking('Nguyễn Văn An', CHUNG_THUC, 8, 30)),
    ('HG,\u200b Nguyen Van An\x00, chung thuc, 8h30, 25/11', booking('Nguyen Van An', CHUNG_THUC, 8, 30)),
]


@pytest.mark.parametrize('text, expected', BOOKINGS)
def test_bookings(text, expected):
    assert parse(text) == expected


def test_any_office_is_accepted_when_the_office_names_are_unknown():
    assert parse('HG, Nguyen Van An, UBND  Hai Chau, chung thuc, 8h30, 25/11', office_names=()) == \
        booking('Nguyen Van An', CHUNG_THUC, 8, 30, office='UBND Hai Chau')


def test_without_the_office_names_words_before_the_procedure_stay_in_the_name():
    assert parse('HG Nguyen Van An chung thuc 8h30 25/11', office_names=()).name == 'Nguyen Van An'


@pytest.mark.parametrize('typed, name', [
    ('nguyễn văn an', 'Nguyễn Văn An'), ('NGUYỄN   VĂN   AN', 'Nguyễn Văn An'), ('an', 'An'),
    ("o'neil mary-jane", "O'neil Mary-jane"), ('Đỗ Thị Ánh', 'Đỗ Thị Ánh'), ('x' * 100, 'X' + 'x' * 99),
])
def test_names_are_title_cased_with_diacritics_kept(typed, name):
    assert parse('HG, %s, chung thuc, 8h30, 25/11' % typed).name == name


@pytest.mark.parametrize('text, field, value', [
    ('HG, Nguyen Van An, chung thuc, 25h, 25/11', 'time', '25h'),
    ('HG, Nguyen Van An, chung thuc, 8h75, 25/11', 'time', '8h75'),
    ('HG, Nguyen Van An, chung thuc, 14h sang, 25/11', 'time', '14h sang'),
    ('HG, Nguyen Van An, chung thuc, abc, 25/11', 'time', 'abc'),
    ('HG, Nguyen Van An, chung thuc, 830, 25/11', 'time', '830'),
    ('HG Nguyen Van An chung thuc 25h 25/11', 'time', '25h'),
    ('HG, Nguyen Van An, chung thuc, 8h30, 31/02', 'date', '31/02'),
    ('HG, Nguyen Van An, chung thuc, 8h30, 32/12', 'date', '32/12'),
    ('HG, Nguyen Van An, chung thuc, 8h30, 25/13/2026', 'date', '25/13/2026'),
    ('HG, Nguyen Van An, chung thuc, 8h30, thang sau', 'date', 'thang sau'),   # "mai" is tomorrow
    ('HG Nguyen Van An chung thuc 8h30 31/02', 'date', '31/02'),
    ('HG, Nguyen Van 3, chung thuc, 8h30, 25/11', 'name', 'Nguyen Van 3'),
    ('HG, A, chung thuc, 8h30, 25/11', 'name', 'A'),
    ('HG, Nguyen @n, chung thuc, 8h30, 25/11', 'name', 'Nguyen @n'),
    ('HG, %s, chung thuc, 8h30, 25/11' % ('x' * 101), 'name', 'x' * 101),
    ('HG, Nguyen Van An, Hai Chau, chung thuc, 8h30, 25/11', 'office', 'Hai Chau'),
    ('HG, Nguyen Van An, Hoa Cuong Nam, chung thuc, 8h30, 25/11', 'office', 'Hoa Cuong Nam'),
    ('HG, Nguyen Van An, xin giay phep, 8h30, 25/11', 'procedure', 'xin giay phep'),
    ('HG Nguyen Van An abcxyz 8h30 25/11', 'procedure', 'abcxyz'),
    ('HG', 'format', ''),
    ('HG, Nguyen Van An', 'format', 'Nguyen Van An'),
    ('HG, Nguyen Van An, chung thuc, 25/11', 'format', 'Nguyen Van An, chung thuc, 25/11'),
    ('HG, Nguyen Van An, chung thuc, 8h30', 'format', 'Nguyen Van An, chung thuc, 8h30'),
    ('HG 8h30 25/11', 'format', ''),
    ('HG Nguyen 8h30 25/11', 'format', 'Nguyen'),
])
def test_a_wrong_field_is_named_with_its_raw_value(text, field, value):
    result = parse(text)
    assert isinstance(result, Invalid), result
    assert (result.command, result.field, result.value) == ('HG', field, value)


def test_the_first_wrong_field_in_the_message_is_reported():
    assert parse('HG, Nguyen Van 3, abc, 25h, 31/02').field == 'name'
    assert parse('HG, Nguyen Van An, abc, 25h, 31/02').field == 'procedure'
    assert parse('HG, Nguyen Van An, chung thuc, 25h, 31/02').field == 'time'


def test_an_ambiguous_procedure_is_refused_with_suggestions():
    result = parse('HG, Nguyen Van An, dang ky, 8h30, 25/11')
    assert (result.field, result.value) == ('procedure', 'dang ky')
    assert set(result.suggestions) == {KHAI_SINH, KET_HON, KHAI_TU}


def test_a_procedure_named_by_words_two_labels_share_is_ambiguous():
    best, suggestions = match_procedure('ban sao', CANDIDATES)
    assert best is None and set(suggestions[:2]) == {BAN_SAO, TRICH_LUC}


def test_a_close_procedure_is_suggested():
    result = parse('HG, Nguyen Van An, khai sinh cho con, 8h30, 25/11')
    assert result.field == 'procedure' and result.suggestions[0] == KHAI_SINH


@pytest.mark.parametrize('text, expected', [
    ('chung thuc', CHUNG_THUC), ('Chứng thực', CHUNG_THUC), ('chun thuc', CHUNG_THUC), ('CT', CHUNG_THUC),
    ('ct', CHUNG_THUC), ('khai sinh', KHAI_SINH), ('Đăng ký khai sinh', KHAI_SINH), ('dang ki khai sinh', KHAI_SINH),
    ('DKKS', KHAI_SINH), ('ket hon', KET_HON), ('ban sao tu ban chinh', BAN_SAO), ('chu ky', CHU_KY),
    ('ho tich', HO_TICH), ('trich luc', TRICH_LUC),
    ('HT', HO_TICH), ('thuc', CHUNG_THUC),
])
def test_match_procedure(text, expected):
    best, suggestions = match_procedure(text, CANDIDATES)
    assert best == expected
    assert suggestions[0] == expected and len(suggestions) <= 3


@pytest.mark.parametrize('text', ['', 'xyz', 'nguyen van an', 'dang ky', '8h30', 'khai sinh cho con'])
def test_match_procedure_finds_nothing(text):
    assert match_procedure(text, CANDIDATES)[0] is None
    assert match_procedure(text, ())[0] is None


def test_match_procedure_prefers_the_exact_label_then_the_order_given():
    twin = Candidate(('procedure', 9), 'chung thuc', 'CT')
    assert match_procedure('chung thuc', (CHUNG_THUC, twin))[0] == CHUNG_THUC
    assert match_procedure('chung thuc', (twin, CHUNG_THUC))[0] == twin


@pytest.mark.parametrize('text, expected', [
    ('HUY ABC234', Cancel('ABC234')), ('huy abc234', Cancel('ABC234')), ('HỦY ABC234', Cancel('ABC234')),
    ('Huỷ abc-234', Cancel('ABC234')), ('HUY: ABC 234', Cancel('ABC234')), ('HUY,ABC234', Cancel('ABC234')),
    ('HUY ABC234 cam on', Cancel('ABC234')), ('HUY. ABC234.', Cancel('ABC234')),
    ('KT ABC234', Query('ABC234')), ('kt;abc234', Query('ABC234')), ('Kt\nZZ9988', Query('ZZ9988')),
    ('DOI ABC234, 9h, 26/11', Move('ABC234', datetime.time(9), datetime.date(2026, 11, 26))),
    ('ĐỔI abc234; 14h30; 26-11-2026', Move('ABC234', datetime.time(14, 30), datetime.date(2026, 11, 26))),
    ('đổi ABC234 2h chiều 26/11', Move('ABC234', datetime.time(14), datetime.date(2026, 11, 26))),
    ('DOI ABC234 26/11 9h', Move('ABC234', datetime.time(9), datetime.date(2026, 11, 26))),
    ('doi|ABC234|8.30|26.11', Move('ABC234', datetime.time(8, 30), datetime.date(2026, 11, 26))),
    ('DOI ABC 234, 9h, 5/1', Move('ABC234', datetime.time(9), datetime.date(2027, 1, 5))),
])
def test_code_commands(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize('text, command, field, value', [
    ('HUY', 'HUY', 'format', ''), ('HUY ABO234', 'HUY', 'code', 'ABO234'), ('HUY ABC12', 'HUY', 'code', 'ABC12'),
    ('KT 1234567', 'KT', 'code', '1234567'), ('KT ma hen', 'KT', 'code', 'ma'),
    ('DOI', 'DOI', 'format', ''), ('DOI ABC234', 'DOI', 'format', ''), ('DOI ABC234, 9h', 'DOI', 'format', '9h'),
    ('DOI ABC234, 25h, 26/11', 'DOI', 'time', '25h'), ('DOI ABC234, abc, 26/11', 'DOI', 'time', 'abc'),
    ('DOI ABC234, 9h, 31/02', 'DOI', 'date', '31/02'), ('DOI ABC234 9h 31/2', 'DOI', 'date', '31/2'),
    ('DOI AB0234, 9h, 26/11', 'DOI', 'code', 'AB0234'),
])
def test_code_commands_with_a_wrong_field(text, command, field, value):
    assert parse(text) == Invalid(command, field, value)


@pytest.mark.parametrize('text', ['', '   ', 'xin chao', 'HGG, Nguyen Van An', 'HUYABC234', '123 HG', 'Dat lich',
                                  'HELLO', '😀', '\ud800\udfff', 'H G, An, CT, 8h, 25/11', 'KIEM TRA ABC234'])
def test_unknown_commands(text):
    assert isinstance(parse(text), Unknown)


def test_unknown_keeps_the_cleaned_text():
    assert parse('  xin chào\x00 ') == Unknown('xin chào')


@pytest.mark.parametrize('today, text, date', [
    (datetime.date(2026, 12, 20), 'HG, An, CT, 8h, 05/01', datetime.date(2027, 1, 5)),
    (datetime.date(2026, 12, 20), 'HG, An, CT, 8h, 15/12', datetime.date(2026, 12, 15)),
    (datetime.date(2026, 12, 20), 'HG, An, CT, 8h, 05/01/2026', datetime.date(2026, 1, 5)),
    (datetime.date(2026, 3, 1), 'HG, An, CT, 8h, 31/12', datetime.date(2026, 12, 31)),
    (datetime.date(2027, 6, 1), 'HG, An, CT, 8h, 29/02', datetime.date(2028, 2, 29)),
])
def test_year_rollover(today, text, date):
    assert parse(text, today=today).date == date


def test_codes():
    assert len(CODE_ALPHABET) == 32 and CODE_LENGTH == 6
    assert not set('0O1I') & set(CODE_ALPHABET)
    assert normalise_code(' abc-234 ') == 'ABC234'
    assert normalise_code('AB C2 34') == 'ABC234'
    for bad in ('ABC23', 'ABC2345', 'ABO234', 'AB0234', 'ABI234', 'AB1234', 'ABC 23Ư', '', None, 123):
        assert normalise_code(bad) is None, bad


def test_syntax_is_plain_ascii_for_every_command():
    assert set(SYNTAX) == {'HG', 'HUY', 'DOI', 'KT'}
    assert all(text.isascii() and text.startswith(command) for command, text in SYNTAX.items())
    example = SYNTAX['HG'].split('vd: ')[1].rstrip(')')
    assert parse(example) == booking('Nguyen Van An', CHUNG_THUC, 8, 30)


def test_huge_messages_are_cut_and_answered_quickly():
    for text in ('HG ' + '8h ' * 5000, 'HG ' + 'an ' * 5000, 'DOI ABC234 ' + '25/11 ' * 5000, 'x' * 100000,
                 'HG, ' + ', '.join(['Nguyen Van An'] * 2000), 'HG ' + '9' * 5000):
        assert isinstance(parse(text), RESULTS)


# --- properties ----------------------------------------------------------------------------------------------

QUICK = settings(max_examples=250, deadline=None, database=None)
ANY_CHARACTER = st.integers(min_value=0, max_value=0x10FFFF).map(chr)   # lone surrogates included
FRAGMENTS = ['HG', 'hg', 'HUY', 'HỦY', 'DOI', 'ĐỔI', 'KT', ',', ';', '|', '+', '\n', '.', ' ', '  ', '-', ':', '/',
             'Nguyễn Văn An', 'tran thi b', 'chung thuc', 'khai sinh', 'CT', 'Hòa Cường Bắc', 'UBND', '8h30', '8:30',
             '8 gio', '30', 'sang', 'chieu', '25/11', '31/02', '25.11', 'ngay', '2026', '99', '0', 'ABC234', 'AB0',
             '\x00', '\u200b', '\ud800', 'ư', '\u0301', '😀', 'x' * 50]


def check_result(result):
    assert isinstance(result, RESULTS)
    if isinstance(result, Invalid):
        assert result.command in SYNTAX and result.field in FIELDS and isinstance(result.value, str)
        assert all(isinstance(candidate, Candidate) for candidate in result.suggestions)
    if isinstance(result, Book):
        assert 2 <= len(result.name) and not any(ch.isdigit() for ch in result.name)
        assert result.procedure in CANDIDATES and result.office in (None, OFFICE)


@given(st.text())
@QUICK
def test_never_raises_on_any_text(text):
    check_result(parse(text))


@given(st.lists(ANY_CHARACTER, max_size=60).map(''.join), st.sampled_from(['', 'HG ', 'HUY ', 'DOI ', 'KT ']))
@QUICK
def test_never_raises_on_any_code_points_after_a_command(tail, command):
    check_result(parse(command + tail))


@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3), max_size=25).map(''.join),
       st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31)),
       st.sampled_from([(), OFFICE_NAMES]))
@QUICK
def test_never_raises_on_plausible_fragments(text, today, office_names):
    result = parse(text, today=today, office_names=office_names)
    assert isinstance(result, RESULTS)
    if not office_names:
        return
    check_result(result)


SYLLABLES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Văn', 'Thị', 'Minh',
             'Thu', 'An', 'Bình', 'Hương', 'Lan', 'Dũng', 'Tuấn', 'Hoa', 'Mai', 'Sang', 'Quốc', 'Ngọc', 'Thanh',
             'Khánh', 'Linh', 'Phúc', 'Yến', 'Hải', 'Tâm', 'Khai', 'Đăng', 'Bảo', 'Chi']
SEPARATORS = [', ', ',', ' , ', '; ', ';', ' | ', '|', '+', '\n', '. ', ' - ']


def time_forms(start):
    """The ways a citizen may write this time."""
    hour, minute = start.hour, start.minute
    forms = ['%dh%02d' % (hour, minute), '%d:%02d' % (hour, minute), '%02dg%02d' % (hour, minute),
             '%d gio %d' % (hour, minute), '%dh%dp' % (hour, minute), '%d.%02d' % (hour, minute),
             '%d giờ %d phút' % (hour, minute)]
    if minute == 0:
        forms += ['%dh' % hour, '%d giờ' % hour]
        forms += ['%dh chieu' % (hour - 12), '%d giờ chiều' % (hour - 12)] if hour > 12 else ['%d giờ sáng' % hour]
    return forms


def date_forms(day, written_year):
    """The ways a citizen may write this date; without the year only when it reads back the same."""
    forms = ['%d-%d-%d' % (day.day, day.month, day.year), '%02d/%02d/%02d' % (day.day, day.month, day.year % 100),
             '%d/%d/%d' % (day.day, day.month, day.year), 'ngày %d/%d/%d' % (day.day, day.month, day.year)]
    if not written_year:
        forms += ['%d/%d' % (day.day, day.month), '%02d/%02d' % (day.day, day.month), '%d.%d' % (day.day, day.month),
                  'ngay %d/%d' % (day.day, day.month), '%d tháng %d' % (day.day, day.month)]
    return forms


@st.composite
def bookings(draw):
    """A booking written as a citizen might, and the Book it must read back as."""
    words = draw(st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=4))
    name = ' '.join(draw(st.sampled_from([str, str.lower, str.upper, strip_diacritics]))(word) for word in words)
    procedure = draw(st.sampled_from(CANDIDATES))
    typed_procedure = draw(st.sampled_from([procedure.label, fold(procedure.label), procedure.label.upper(),
                                            procedure.service_code] if procedure.key[0] == 'service'
                                           else [procedure.label, fold(procedure.label), procedure.label.upper()]))
    office = draw(st.sampled_from([None, OFFICE, 'Hoa Cuong Bac', 'phường Hòa Cường Bắc', 'HCB']))
    start = datetime.time(draw(st.integers(7, 17)), draw(st.sampled_from([0, 0, 5, 15, 30, 45, 59])))
    ahead = draw(st.integers(0, 300))
    day = TODAY + datetime.timedelta(days=ahead)
    fields = [name] + ([office] if office else []) + [typed_procedure, draw(st.sampled_from(time_forms(start))),
                                                       draw(st.sampled_from(date_forms(day, False)))]
    separator = draw(st.sampled_from(SEPARATORS + [' ', '  ']))
    command = draw(st.sampled_from(['HG', 'hg', 'Hg']))
    text = command + separator + separator.join(fields)
    expected_name = ' '.join(word[:1].upper() + word[1:].lower() for word in name.split())
    return text, Book(expected_name, OFFICE if office else None, procedure, start, day)


@given(bookings())
@QUICK
def test_generated_bookings_read_back(case):
    text, expected = case
    assert parse(text) == expected


@given(st.sampled_from(CODE_ALPHABET).map(str).flatmap(lambda first: st.text(CODE_ALPHABET, min_size=5, max_size=5)
                                                        .map(lambda rest: first + rest)),
       st.sampled_from(['HUY', 'HỦY', 'huy', 'KT', 'kt', 'DOI', 'ĐỔI']), st.sampled_from([' ', ', ', ':', '\n']),
       st.booleans(), st.integers(0, 300), st.integers(7, 17))
@QUICK
def test_generated_code_commands_read_back(code, command, separator, lower, ahead, hour):
    day = TODAY + datetime.timedelta(days=ahead)
    typed = code.lower() if lower else code
    if fold(command) == 'doi':
        text = '%s%s%s, %dh, %d/%d/%d' % (command, separator, typed, hour, day.day, day.month, day.year)
        assert parse(text) == Move(code, datetime.time(hour), day)
    else:
        expected = Cancel(code) if fold(command) == 'huy' else Query(code)
        assert parse(command + separator + typed) == expected
