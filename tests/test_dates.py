"""One date parser: YYYY-MM-DD where the API takes dates, dd/mm/yyyy where people type them, both on the
hotline's day list; a refusal is a 400 invalid_date naming the field, in the request's language."""
import datetime

import pytest

from server.errors import Invalid
from server.validation import parse_day
from tests.conftest import bearer

DAY = datetime.date(2026, 11, 5)


@pytest.mark.parametrize('value, iso, typed, expected', [
    ('2026-11-05', True, False, DAY),
    (' 2026-11-05 ', True, False, DAY),
    ('05/11/2026', False, True, DAY),
    ('5/11/2026', False, True, DAY),
    ('2026-11-05', True, True, DAY),
    ('05/11/2026', True, True, DAY),
])
def test_accepted_forms(app, value, iso, typed, expected):
    with app.test_request_context():
        assert parse_day(value, 'date', iso=iso, typed=typed) == expected


@pytest.mark.parametrize('value, iso, typed', [
    ('05/11/2026', True, False),          # the API takes ISO only
    ('2026-11-05', False, True),          # reports take what people type only
    ('2026-1-5', True, True), ('2026-W45-4', True, False), ('20261105', True, False),
    ('2026-02-30', True, False), ('31/02/2026', False, True), ('5/13/2026', False, True),
    ('0000-01-01', True, False), ('05/11/26', False, True), ('2026-11-05T08:00', True, True),
    ('２０２６-１１-０５', True, False), ('', True, True), (None, True, True), (20261105, True, False),
])
def test_refused_forms(app, value, iso, typed):
    with app.test_request_context(), pytest.raises(Invalid) as refused:
        parse_day(value, 'date', iso=iso, typed=typed)
    assert refused.value.code == 'invalid_date' and '(Ngày)' in refused.value.message   # the field's name, not its key


@pytest.mark.parametrize('iso, typed, vietnamese, english', [
    (True, False, 'hãy dùng dạng YYYY-MM-DD (ví dụ 2026-11-25).', 'use YYYY-MM-DD (for example 2026-11-25).'),
    (False, True, 'hãy dùng dạng dd/mm/yyyy (ví dụ 25/11/2026).', 'use dd/mm/yyyy (for example 25/11/2026).'),
    (True, True, 'hãy dùng dạng YYYY-MM-DD (ví dụ 2026-11-25) hoặc dd/mm/yyyy.',
     'use YYYY-MM-DD (for example 2026-11-25) or dd/mm/yyyy.'),
])
def test_the_refusal_names_the_field_and_the_forms_in_both_languages(app, iso, typed, vietnamese, english):
    for language, expected in (('vi', 'Ngày "ngày mai" (Từ ngày) không hợp lệ: ' + vietnamese),
                               ('en', 'The date "ngày mai" (From) is not valid: ' + english)):
        with app.test_request_context('/api/v1/slots', headers={'Accept-Language': language}), \
                pytest.raises(Invalid) as refused:
            parse_day('ngày mai', 'from', iso=iso, typed=typed)
        assert refused.value.message == expected


def test_each_endpoint_takes_the_form_it_took_before(client, office, tokens):
    hotline, admin = bearer(tokens['hotline']), bearer(tokens['admin'])
    assert client.get('/api/v1/slots?service=CT&date=2026-11-05', headers=hotline).status_code == 200
    refused = client.get('/api/v1/slots?service=CT&date=05/11/2026', headers=hotline)
    assert refused.status_code == 400 and refused.get_json()['error']['code'] == 'invalid_date'
    assert '(Ngày)' in refused.get_json()['error']['message']
    # A holiday is typed in the console as people write dates here; scripts still send YYYY-MM-DD.
    holiday = client.post('/api/v1/holidays', headers=admin, json={'date': '05/11/2026', 'name': 'Nghỉ'})
    assert holiday.status_code == 201 and holiday.get_json()['date'] == '2026-11-05'
    assert client.get('/admin/reports?from=05/11/2026', headers=admin).status_code == 200
    assert client.get('/admin/reports?from=2026-11-05', headers=admin).status_code == 400
    for value in ('2026-11-05', '05/11/2026'):
        day_list = client.get('/hotline/day?date=' + value, headers=hotline)
        assert day_list.status_code == 200 and '05/11/2026' in day_list.get_data(as_text=True)
