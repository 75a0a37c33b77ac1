"""SMS bookings as citizens really type them (issue #20, points 3 and 4): full stops as separators even where the
time and the date have their own, initials, sessions, dates in words, a weekday before the date, "mai", a
procedure's longer or shorter name, and the shipped catalogue's names as a second tier. Each message is read to
the name, the procedure, the time (or session) and the date; what cannot be read names its field."""
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.sms.fields import split_fields
from server.sms.parser import Book, Candidate, Invalid, Move, parse_message

TODAY = datetime.date(2026, 12, 7)   # a Monday: 25/12/2026 is a Friday, 27/12/2026 a Sunday
CHUNG_THUC = Candidate(('service', 'CT'), 'Chứng thực', 'CT')
HO_TICH = Candidate(('service', 'HT'), 'Hộ tịch', 'HT')
BAN_SAO_NAME = 'Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền cấp'
BAN_SAO = Candidate(('procedure', 1), BAN_SAO_NAME, 'CT')
SAO_Y = Candidate(('procedure', 1), 'sao y', 'CT')            # the same procedure's short name
CHU_KY = Candidate(('procedure', 2), 'Chứng thực chữ ký', 'CT')
TRICH_LUC = Candidate(('procedure', 3), 'Cấp bản sao trích lục', 'HT')
OWN = (CHUNG_THUC, HO_TICH, BAN_SAO, SAO_Y, CHU_KY, TRICH_LUC)
# the catalogue's names for the service "Hộ tịch", each booking the service itself
CATALOGUE = tuple(Candidate(('service', 'HT'), name, 'HT') for name in (
    'Hộ tịch', 'Đăng ký khai sinh', 'khai sinh', 'Đăng ký kết hôn', 'kết hôn', 'Đăng ký khai tử', 'khai tử'))


OFFICE_NAMES = ('UBND phường Hòa Cường Bắc', 'Hòa Cường Bắc')   # as inbound.office_names() gives them


def parse(text, own=OWN, fallback=CATALOGUE):
    return parse_message(text, candidates=own, fallback=fallback, today=TODAY, office_names=OFFICE_NAMES)


def read(text):
    """(name, procedure key, start 'HH:MM' or session, date dd/mm/yyyy) of a booking, or the Invalid."""
    result = parse(text)
    if not isinstance(result, Book):
        return result
    start = result.start.strftime('%H:%M') if result.start else result.session
    return result.name, result.procedure.key, start, result.date.strftime('%d/%m/%Y')


CT, HT, SAO = ('service', 'CT'), ('service', 'HT'), ('procedure', 1)
A = 'Nguyen Van A'
XMAS = '25/12/2026'
SHAPES = [
    # full stops as separators, even where the time and the date have full stops of their own
    ('HG.Nguyen Van A.Chung thuc.8h30.25/12', (A, CT, '08:30', XMAS)),
    ('HG. Nguyen Van A. Chung thuc. 8h30. 25.12.2026', (A, CT, '08:30', XMAS)),
    ('HG. Nguyen Van A. Chung thuc. 8.30. 25.12.2026', (A, CT, '08:30', XMAS)),
    ('HG.Nguyen Van A.Chung thuc.8.30.25.12', (A, CT, '08:30', XMAS)),
    ('HG.Nguyen Van A.Chung thuc.8.30.25.12.2026', (A, CT, '08:30', XMAS)),
    ('HG.Nguyen Van A.Chung thuc.25.12.2026.8.30', (A, CT, '08:30', XMAS)),
    ('HG.Nguyen Van A.Chung thuc.8h30.25/12.', (A, CT, '08:30', XMAS)),
    ('hg. nguyễn văn a. chứng thực. 8 giờ 30. ngày 25 tháng 12.', ('Nguyễn Văn A', CT, '08:30', XMAS)),
    # other separators and a mix
    ('HG; Nguyen Van A; chung thuc; 8h30; 25/12', (A, CT, '08:30', XMAS)),
    ('HG\nNguyen Van A\nchung thuc\n8h30\n25/12', (A, CT, '08:30', XMAS)),
    ('HG, Nguyen Van A. Chung thuc, 8h30. 25/12', (A, CT, '08:30', XMAS)),
    ('HG Nguyen Van A chung thuc 8h30 25/12', (A, CT, '08:30', XMAS)),
    # names with initials survive
    ('HG. Nguyen V. A. Chung thuc. 8h30. 25/12', ('Nguyen V. A', CT, '08:30', XMAS)),
    ('HG, Nguyen V. A, chung thuc, 8h, 25/12', ('Nguyen V. A', CT, '08:00', XMAS)),
    ('HG.Tran T.B.Chung thuc.9h.25/12', ('Tran T. B', CT, '09:00', XMAS)),
    ('hg, nguyen v. an, chung thuc, 8h, 25/12', ('Nguyen V. An', CT, '08:00', XMAS)),
    ('hg.pham v. an mai.chung thuc.15h30.25/12', ('Pham V. An Mai', CT, '15:30', XMAS)),
    ('hg.nguyen v. a.chung thuc.8h.25/12', ('Nguyen V. A', CT, '08:00', XMAS)),
    ('HG Nguyen Van A chung thuc 8h30.25/12', (A, CT, '08:30', XMAS)),
    ('HG Nguyen V. An chung thuc 8h30 25/12', ('Nguyen V. An', CT, '08:30', XMAS)),
    ('HG.Nguyen Van A.Chung thuc.12 giờ 30.25.12', (A, CT, '12:30', XMAS)),
    # times
    ('HG, Nguyen Van A, chung thuc, 8h, 25/12', (A, CT, '08:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 8:30, 25/12', (A, CT, '08:30', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 8 gio 30, 25/12', (A, CT, '08:30', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 8g30, 25/12', (A, CT, '08:30', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 14h, 25/12', (A, CT, '14:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 2h chiều, 25/12', (A, CT, '14:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 2 gio chieu, 25/12', (A, CT, '14:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 9h sáng, 25/12', (A, CT, '09:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, chiều 2h, 25/12', (A, CT, '14:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, buổi chiều lúc 2h30, 25/12', (A, CT, '14:30', XMAS)),
    ('HG, Nguyen Van A, chung thuc, sang 9h, 25/12', (A, CT, '09:00', XMAS)),
    ('HG Nguyen Van Sang 9h 25/12 chung thuc', ('Nguyen Van Sang', CT, '09:00', XMAS)),
    # a session without a time: the first free slot of that session
    ('HG, Nguyen Van A, chung thuc, sáng, 25/12', (A, CT, 'sang', XMAS)),
    ('HG, Nguyen Van A, chung thuc, chiều, 25/12', (A, CT, 'chieu', XMAS)),
    ('HG Nguyen Van A chung thuc buoi chieu 25/12', (A, CT, 'chieu', XMAS)),
    ('HG Nguyen Van A chung thuc chieu 25/12', (A, CT, 'chieu', XMAS)),
    # dates
    ('HG, Nguyen Van A, chung thuc, 8h, 25/12/2026', (A, CT, '08:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 8h, 25-12', (A, CT, '08:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 8h, 25.12', (A, CT, '08:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 8h, ngày 25 tháng 12', (A, CT, '08:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 8h, ngay 25 thang 12 nam 2026', (A, CT, '08:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 8h, 25 tháng 12', (A, CT, '08:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 8h, 5/1', (A, CT, '08:00', '05/01/2027')),
    # a weekday before (or after) the date
    ('HG, Nguyen Van A, chung thuc, 8h, thứ 6 25/12', (A, CT, '08:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 8h, T6, 25/12', (A, CT, '08:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 8h, thu sau 25/12', (A, CT, '08:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 8h, thứ sáu ngày 25/12', (A, CT, '08:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 8h, vào thứ 6 ngày 25/12', (A, CT, '08:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 8h, 25/12 (thứ 6)', (A, CT, '08:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc, 8h, CN 27/12', (A, CT, '08:00', '27/12/2026')),
    ('HG Nguyen Van A chung thuc 8h thu 6 25/12', (A, CT, '08:00', XMAS)),
    # a day in words
    ('HG, Nguyen Van A, chung thuc, 8h, mai', (A, CT, '08:00', '08/12/2026')),
    ('HG, Nguyen Van A, chung thuc, 8h, ngày mai', (A, CT, '08:00', '08/12/2026')),
    ('HG Nguyen Van A chung thuc 8h mai', (A, CT, '08:00', '08/12/2026')),
    ('HG Nguyen Van A chung thuc 9h sang mai', (A, CT, '09:00', '08/12/2026')),
    ('HG Nguyen Van A chung thuc chieu mai', (A, CT, 'chieu', '08/12/2026')),
    ('HG, Nguyen Van A, chung thuc, 9h, thu 6', (A, CT, '09:00', '11/12/2026')),
    ('HG, Nguyen Van A, chung thuc, 9h, thu 2 tuan sau', (A, CT, '09:00', '14/12/2026')),
    ('HG, Nguyen Van A, chung thuc, 9h, hom nay', (A, CT, '09:00', '07/12/2026')),
    # words that are also names stay in the name
    ('HG: Le Thi Mai, chung thuc, 8h, 25/12', ('Le Thi Mai', CT, '08:00', XMAS)),
    ('HG, Nguyen Van Sang, chung thuc, 8h, 25/12', ('Nguyen Van Sang', CT, '08:00', XMAS)),
    ('HG, Nguyen Thi Thu Ba, chung thuc, 8h, 25/12', ('Nguyen Thi Thu Ba', CT, '08:00', XMAS)),
    ('HG Nguyen Thi Mai chung thuc 8h 25/12', ('Nguyen Thi Mai', CT, '08:00', XMAS)),
    # procedures: a longer name, a short name, the catalogue's names of a service named after a field
    ('HG, Nguyen Van A, chứng thực bản sao, 8h, 25/12', (A, SAO, '08:00', XMAS)),
    ('HG, Nguyen Van A, sao y, 8h, 25/12', (A, SAO, '08:00', XMAS)),
    ('HG, Nguyen Van A, chung thuc chu ky, 8h, 25/12', (A, ('procedure', 2), '08:00', XMAS)),
    ('HG Mai Thu chứng thực bản sao 10h 25/12', ('Mai Thu', SAO, '10:00', XMAS)),
    ('HG. Thu Hoàng. sao y. chiều 4h45. 25.12', ('Thu Hoàng', SAO, '16:45', XMAS)),
    ('HG Nguyen Hai Dang khai sinh 8h 25/12', ('Nguyen Hai Dang', HT, '08:00', XMAS)),
    ('HG, Nguyen Van A, khai sinh, 8h, 25/12', (A, HT, '08:00', XMAS)),
    ('HG Nguyen Van A khai sinh 8h 25/12', (A, HT, '08:00', XMAS)),
    ('HG.Nguyen Van A.Dang ky ket hon.2h chieu.thu 6 25/12', (A, HT, '14:00', XMAS)),
    ('HG, Nguyen Van A, ho tich, 8h, 25/12', (A, HT, '08:00', XMAS)),
]


@pytest.mark.parametrize('text, expected', SHAPES)
def test_real_world_bookings(text, expected):
    assert read(text) == expected


def test_there_are_many_shapes():
    assert len(SHAPES) >= 40 and len({text for text, _expected in SHAPES}) == len(SHAPES)


@pytest.mark.parametrize('text, fields', [
    ('Nguyen Van A.Chung thuc.8h30.25/12', ['Nguyen Van A. Chung thuc', '8h30', '25/12']),
    ('Nguyen Van An.Chung thuc.8h30.25/12', ['Nguyen Van An', 'Chung thuc', '8h30', '25/12']),
    ('An. CT. 8.30. 25.12.2026.', ['An', 'CT', '8.30', '25.12.2026']),
    ('An.CT.8.30.25.12', ['An', 'CT', '8.30', '25.12']),
    ('An.CT.8.30.25/12', ['An', 'CT', '8.30', '25/12']),
    ('An.CT.8h.25.12', ['An', 'CT', '8h', '25.12']),
    ('An.CT.7:00.08.12', ['An', 'CT', '7:00', '08.12']),
    ('An.CT.15 giờ 15.26.1.2027', ['An', 'CT', '15 giờ 15', '26.1.2027']),
    ('An.CT.15 giờ 15.22.12', ['An', 'CT', '15 giờ 15', '22.12']),
    ('An.CT.25.12.2026.8.30', ['An', 'CT', '25.12.2026', '8.30']),
    ('Nguyen V. A, UBND P. Hoa Cuong, TP. Da Nang', ['Nguyen V. A', 'UBND P. Hoa Cuong', 'TP. Da Nang']),
    ('An; CT - 8h\n25/12', ['An', 'CT', '8h', '25/12']),
    ('An. CT 8h30 25/12', ['An. CT 8h30 25/12']),   # one stray full stop: spaces separate
    ('An CT 8h30.25/12', ['An CT 8h30 25/12']),
    ('sao y.chieu 4h.25/12', ['sao y', 'chieu 4h', '25/12']),
])
def test_fields_are_cut_by_the_shape_of_each_full_stop(text, fields):
    assert split_fields(text) == fields


def test_a_weekday_that_is_not_the_dates_is_refused_not_guessed():
    result = parse('HG, Nguyen Van A, chung thuc, 8h, thứ 5 25/12')
    assert isinstance(result, Invalid)
    assert (result.field, result.value, result.day, result.weekday) == \
        ('weekday', 'thứ 5 25/12', datetime.date(2026, 12, 25), 3)
    assert parse('HG, Nguyen Van A, chung thuc, 8h, T2, 27/12').field == 'weekday'
    assert parse('HG, Nguyen Van A, chung thuc, 8h, 25/12 (CN)').field == 'weekday'


@pytest.mark.parametrize('text, field, value', [
    ('HG, Nguyen Van A, xin giay phep, 8h, 25/12', 'procedure', 'xin giay phep'),
    ('HG.Nguyen Van An.xin giay phep.8h.25/12', 'procedure', 'xin giay phep'),
    ('HG, Nguyen Van A, chung thuc, toi nay, 25/12', 'time', 'toi nay'),
    ('HG, Nguyen Van A, chung thuc, 8h, thang sau', 'date', 'thang sau'),
    ('HG, Nguyen Van A, chung thuc, 8h, 31.11', 'date', '31.11'),
    ('HG.Nguyen Van A.chung thuc.25h.25/12', 'time', '25h'),
    ('HG, Nguyen Van A, chung thuc, sáng 14h, 25/12', 'time', 'sáng 14h'),
    ('HG, Nguyen Thi Mai, chung thuc, 8h', 'format', 'Nguyen Thi Mai, chung thuc, 8h'),
    ('HG, Nguyen Van Sang, chung thuc, 25/12', 'format', 'Nguyen Van Sang, chung thuc, 25/12'),
])
def test_what_cannot_be_read_names_its_field(text, field, value):
    result = parse(text)
    assert isinstance(result, Invalid), result
    assert (result.field, result.value) == (field, value)


def test_a_move_may_name_a_session_or_a_day_in_words():
    assert parse('DOI ABC234, chieu, 26/12') == Move('ABC234', None, datetime.date(2026, 12, 26), 'chieu')
    assert parse('đổi abc234 9h ngày mai') == Move('ABC234', datetime.time(9), datetime.date(2026, 12, 8))
    assert parse('DOI ABC234, 9h, thu 5 25/12').field == 'weekday'


def test_the_offices_own_procedure_comes_before_the_catalogue():
    own_khai_sinh = Candidate(('procedure', 7), 'Đăng ký khai sinh', 'HT')
    result = parse('HG, Nguyen Van A, khai sinh, 8h, 25/12', own=OWN + (own_khai_sinh,))
    assert result.procedure == own_khai_sinh
    # with no catalogue tier the same message is a wrong procedure, as before
    assert parse('HG, Nguyen Van A, khai sinh, 8h, 25/12', fallback=()).field == 'procedure'


def test_an_ambiguous_name_still_asks_rather_than_guesses():
    own = OWN + (Candidate(('procedure', 7), 'Đăng ký khai sinh', 'HT'),
                 Candidate(('procedure', 8), 'Đăng ký kết hôn', 'HT'))
    result = parse('HG, Nguyen Van A, dang ky, 8h, 25/12', own=own)
    # the office's own names are too close to choose between: the catalogue's are not tried
    assert isinstance(result, Invalid) and result.field == 'procedure'
    assert {candidate.key for candidate in result.suggestions[:2]} == {('procedure', 7), ('procedure', 8)}


def test_names_of_one_catalogue_service_are_no_rivals():
    # "dang ky" is in several of the catalogue's names, but they all book the same service
    assert parse('HG, Nguyen Van A, dang ky khai, 8h, 25/12').procedure.key == HT


# --- generated messages ----------------------------------------------------------------------------------------

SYLLABLES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Văn', 'Thị', 'Minh', 'Thu', 'An', 'Bình', 'Mai', 'Sang',
             'Khai', 'Đăng', 'Ba', 'V.', 'T.', 'A']
WEEKDAY_FORMS = [('thứ %d' % n, 'T%d' % n, 'thu %d' % n) for n in range(2, 8)] + [('CN', 'chủ nhật', 'chu nhat')]


def time_forms(start):
    hour, minute = start.hour, start.minute
    forms = ['%dh%02d' % (hour, minute), '%d:%02d' % (hour, minute), '%d.%02d' % (hour, minute),
             '%dg%02d' % (hour, minute), '%d giờ %d' % (hour, minute)]
    if hour > 12:
        forms += ['%dh%02d chiều' % (hour - 12, minute), 'chiều %dh%02d' % (hour - 12, minute)]
    return forms


def date_forms(day):
    return ['%d/%d' % (day.day, day.month), '%02d.%02d' % (day.day, day.month),
            '%d.%d.%d' % (day.day, day.month, day.year),
            '%d-%d-%d' % (day.day, day.month, day.year), 'ngày %d tháng %d' % (day.day, day.month),
            'ngay %d thang %d nam %d' % (day.day, day.month, day.year)]


@st.composite
def messages(draw):
    """A booking as a citizen might type it with full stops, weekdays and dates in words, and what it means."""
    words = draw(st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=4).filter(lambda w: w[0][-1] != '.'))
    name = ' '.join(words)
    typed, key = draw(st.sampled_from([(CHUNG_THUC.label, CT), ('chung thuc', CT), (HO_TICH.label, HT),
                                       (CHU_KY.label, CHU_KY.key), ('sao y', SAO), ('chứng thực bản sao', SAO),
                                       ('khai sinh', HT), ('Đăng ký kết hôn', HT), ('KHAI TU', HT)]))
    start = datetime.time(draw(st.integers(7, 16)), draw(st.sampled_from([0, 15, 30, 45])))
    day = TODAY + datetime.timedelta(days=draw(st.integers(1, 200)))
    when = draw(st.sampled_from(date_forms(day)))
    if draw(st.booleans()):
        when = '%s %s' % (draw(st.sampled_from(WEEKDAY_FORMS[day.weekday()])), when)
    separator = draw(st.sampled_from(['.', '. ', ', ', ';', '\n', ' . ', ' ']))
    fields = [name, typed, draw(st.sampled_from(time_forms(start))), when]
    expected = ' '.join(word[:1].upper() + word[1:].lower() for word in name.split())
    return 'HG' + separator + separator.join(fields), (expected.rstrip('.'), key, start, day)


@given(messages())
@settings(max_examples=300, deadline=None, database=None)
def test_generated_messages_read_back(case):
    text, (name, key, start, day) = case
    result = parse(text)
    assert isinstance(result, Book), (text, result)
    assert (result.name, result.procedure.key, result.start, result.date) == (name, key, start, day), text
