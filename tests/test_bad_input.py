"""Bad input gets a 4xx with the error shape of API.md, in Vietnamese unless English is asked for."""
import pytest

from tests.conftest import bearer

ENGLISH = {'Accept-Language': 'en-US,en;q=0.9'}


def error_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {'error'} and set(body['error']) == {'code', 'message'}
    assert body['error']['message']
    return body['error']


def test_unknown_service(client, office, tokens):
    error = error_of(client.post('/api/v1/tickets', json={'service': 'XX'}, headers=bearer(tokens['kiosk'])), 404)
    assert error == {'code': 'unknown_service', 'message': 'Không có lĩnh vực "XX".'}


def test_unknown_counter(client, office, tokens):
    error = error_of(client.post('/api/v1/counters/42/call-next', headers=bearer(tokens['counter'])), 404)
    assert error['code'] == 'unknown_counter' and 'quầy số 42' in error['message']


def test_closed_service(client, office, tokens):
    client.patch('/api/v1/services/HT', json={'active': False}, headers=bearer(tokens['admin']))
    error = error_of(client.post('/api/v1/tickets', json={'service': 'HT'}, headers=bearer(tokens['kiosk'])), 409)
    assert error['code'] == 'service_closed' and 'Hộ tịch' in error['message']


@pytest.mark.parametrize('payload, content_type', [
    ('{"service": "CT"', 'application/json'),
    ('[1, 2]', 'application/json'),
    ('service=CT', 'application/x-www-form-urlencoded'),
    ('', 'application/json'),
])
def test_malformed_json(client, office, tokens, payload, content_type):
    response = client.post('/api/v1/tickets', data=payload, headers=bearer(tokens['kiosk'], **{'Content-Type': content_type}))
    assert error_of(response, 400)['code'] == 'invalid_json'


@pytest.mark.parametrize('body, code', [
    ({'service': 5}, 'invalid_type'),
    ({'service': 'CT', 'priority': 'yes'}, 'invalid_type'),
    ({'service': 'CT', 'name': ['a']}, 'invalid_type'),
    ({'service': 'CT', 'name': 'A' * 101}, 'too_long'),
    ({'service': 'CT', 'phone': '12345'}, 'invalid_phone'),
    ({'service': 'CT', 'phone': '+14155550100'}, 'invalid_phone'),
    ({'service': 'CT', 'priority_reason': 'vip'}, 'invalid_priority_reason'),
    ({}, 'missing_field'),
])
def test_wrong_types_and_values(client, office, tokens, body, code):
    response = client.post('/api/v1/tickets', json=body, headers=bearer(tokens['kiosk']))
    assert error_of(response, 400)['code'] == code


def test_valid_phone_forms_are_normalised(client, office, tokens):
    for given in ('0905123456', '+84905123456', '0905 123 456'):
        response = client.post('/api/v1/tickets', json={'service': 'CT', 'phone': given, 'print': False},
                               headers=bearer(tokens['desk']))
        assert response.status_code == 201 and response.get_json()['phone'] == '0905123456'


def test_name_of_exactly_100_characters_is_accepted(client, office, tokens):
    name = 'Nguyễn ' + 'A' * 93
    response = client.post('/api/v1/tickets', json={'service': 'CT', 'name': name, 'print': False},
                           headers=bearer(tokens['desk']))
    assert response.status_code == 201 and response.get_json()['name'] == name


def test_english_when_asked(client, office, tokens):
    response = client.post('/api/v1/tickets', json={'service': 'XX'}, headers=bearer(tokens['kiosk'], **ENGLISH))
    assert error_of(response, 404)['message'] == 'There is no service "XX".'
    response = client.get('/api/v1/nowhere', headers=ENGLISH)
    assert error_of(response, 404)['message'] == 'This address does not exist.'


def test_unknown_route_and_method(client, tokens):
    assert error_of(client.get('/api/v1/nowhere'), 404)['code'] == 'not_found'
    assert error_of(client.delete('/api/v1/queue', headers=bearer(tokens['admin'])), 405)['code'] == 'method_not_allowed'


def test_unknown_ticket_and_transfer_target(client, office, tokens):
    assert error_of(client.get('/api/v1/tickets/999', headers=bearer(tokens['desk'])), 404)['code'] == 'unknown_ticket'
    ticket = client.post('/api/v1/tickets', json={'service': 'CT', 'print': False}, headers=bearer(tokens['desk'])).get_json()
    response = client.post('/api/v1/tickets/%d/transfer' % ticket['id'], json={'service': 'ZZ'},
                           headers=bearer(tokens['counter']))
    assert error_of(response, 404)['code'] == 'unknown_service'


def test_admin_setup_errors(client, office, tokens):
    admin = bearer(tokens['admin'])
    assert error_of(client.post('/api/v1/services', json={'code': 'CT', 'name': 'X', 'prefix': 'Z'}, headers=admin), 409)['code'] == 'duplicate_service'
    assert error_of(client.post('/api/v1/services', json={'code': 'N1', 'name': 'X', 'prefix': 'Ư'}, headers=admin), 400)['code'] == 'invalid_prefix'
    assert error_of(client.post('/api/v1/counters', json={'number': 1, 'services': ['CT']}, headers=admin), 409)['code'] == 'duplicate_counter'
    assert error_of(client.post('/api/v1/counters', json={'number': 9, 'services': ['NOPE']}, headers=admin), 404)['code'] == 'unknown_service'
    assert error_of(client.post('/api/v1/counters', json={'number': 'nine'}, headers=admin), 400)['code'] == 'invalid_type'
    assert error_of(client.patch('/api/v1/settings', json={'priority_max_in_row': 'two'}, headers=admin), 400)['code'] == 'invalid_type'


def test_an_empty_booking_names_the_missing_field(client, tokens):
    response = client.post('/api/v1/appointments', json={}, headers=bearer(tokens['hotline']))
    error = error_of(response, 400)
    assert error['code'] == 'missing_field' and '"Lĩnh vực"' in error['message'] and '"service"' not in error['message']


def test_pages_answer_html_errors(client):
    response = client.get('/t/not-a-ticket')
    assert response.status_code == 404 and 'text/html' in response.content_type


def test_lone_surrogates_and_deep_nesting_are_400(client, office, tokens):
    kiosk = bearer(tokens['kiosk'], **{'Content-Type': 'application/json'})
    response = client.post('/api/v1/tickets', data='{"service": "CT", "name": "\\ud800"}', headers=kiosk)
    assert error_of(response, 400)['code'] == 'invalid_text'
    response = client.post('/api/v1/tickets', data='[' * 100000, headers=kiosk)
    assert error_of(response, 400)['code'] == 'invalid_json'


@pytest.mark.parametrize('body, code', [
    ({'default_service_minutes': 10 ** 400}, 'out_of_range'),
    ({'default_service_minutes': -6}, 'out_of_range'),
    ({'no_show_return_minutes': 10 ** 13}, 'out_of_range'),
    ({'priority_max_in_row': -1}, 'out_of_range'),
    ({'number_reading': 'roman'}, 'invalid_choice'),
    ({'office_name': '\ud800'}, 'invalid_text'),
])
def test_settings_out_of_bounds_are_refused(client, tokens, body, code):
    response = client.patch('/api/v1/settings', json=body, headers=bearer(tokens['admin']))
    assert error_of(response, 400)['code'] == code


def test_ids_past_64_bits_are_404(client, office, tokens):
    response = client.get('/api/v1/tickets/%d' % 2 ** 64, headers=bearer(tokens['desk']))
    assert error_of(response, 404)['code'] == 'not_found'
