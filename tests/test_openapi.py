"""The OpenAPI document: valid, served without a token, complete for the url_map, and true to real answers."""
import json
import re

import pytest
from openapi_spec_validator import validate

from server.api.openapi import spec
from server.models import TOKEN_ROLES
from tests.conftest import bearer
from tests.contract import Contract

API = '/api/v1'
IGNORED_METHODS = {'HEAD', 'OPTIONS'}


def template(rule):
    """A Flask rule as an OpenAPI path: /tickets/<int:ticket_id> -> /tickets/{ticket_id}."""
    return re.sub(r'<(?:[^<>:]+:)?([^<>]+)>', r'{\1}', rule)


def api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule == API or rule.rule.startswith(API + '/'):
            for method in sorted(rule.methods - IGNORED_METHODS):
                yield rule, method


@pytest.fixture
def contract(app):
    return Contract(spec(app))


def test_document_is_valid_openapi(app):
    doc = spec(app)
    validate(doc)
    assert doc['openapi'].startswith('3.')
    assert doc['servers'] == [{'url': '/'}]
    assert 'Tiếng Việt' in doc['info']['description'] and 'English' in doc['info']['description']
    assert json.loads(json.dumps(doc)) == doc


def test_served_without_token(client, app):
    response = client.get(API + '/openapi.json')
    assert response.status_code == 200
    assert response.mimetype == 'application/json'
    assert response.get_json() == json.loads(json.dumps(spec(app)))


def test_every_api_route_is_documented(app):
    paths = spec(app)['paths']
    seen = set()
    for rule, method in api_rules(app):
        path = template(rule.rule)
        assert path in paths, 'undocumented path %s' % rule.rule
        assert method.lower() in paths[path], 'undocumented %s %s' % (method, rule.rule)
        operation = paths[path][method.lower()]
        declared = {p['name'] for p in operation.get('parameters', []) if p['in'] == 'path'}
        assert declared == set(rule.arguments), (method, rule.rule)
        seen.add((path, method.lower()))
    documented = {(path, method) for path, item in paths.items() for method in item}
    assert documented == seen, 'documented but not served: %s' % sorted(documented - seen)


def test_documented_roles_are_the_enforced_ones(app):
    paths = spec(app)['paths']
    for rule, method in api_rules(app):
        operation = paths[template(rule.rule)][method.lower()]
        roles = getattr(app.view_functions[rule.endpoint], 'required_roles', None)
        if roles is None:  # no @requires: open to anyone
            assert operation['security'] == [], rule.rule
            continue
        view = app.view_functions[rule.endpoint]
        # Admin may do everything but what is for one role alone (the SMS gateway's webhooks).
        expected = set(roles) if getattr(view, 'admin_refused', False) else {'admin', *roles}
        assert set(operation['x-roles']) == expected, (method, rule.rule)
        assert '401' in operation['responses']
        assert ('403' in operation['responses']) == (set(operation['x-roles']) != set(TOKEN_ROLES)), rule.rule


def test_setting_up_and_calling_answer_as_documented(office, tokens, client, contract):
    admin, kiosk, desk = bearer(tokens['admin']), bearer(tokens['kiosk']), bearer(tokens['desk'])
    service = contract.check('POST', '/services', client.post(API + '/services', headers=admin, json={
        'code': 'ct2', 'name': 'Chứng thực bản sao', 'prefix': 'c'}))
    assert service['code'] == 'CT2' and service['prefix'] == 'C'
    counter = contract.check('POST', '/counters', client.post(API + '/counters', headers=admin, json={
        'number': 7, 'name': 'Quầy 7', 'services': ['CT2', 'HT']}))
    assert counter == {'number': 7, 'name': 'Quầy 7', 'active': True, 'paused': False,
                       'services': ['CT2', 'HT'], 'current': None}
    issued = contract.check('POST', '/tickets', client.post(API + '/tickets', headers=kiosk, json={
        'service': 'CT2', 'priority': True, 'priority_reason': 'elderly', 'name': 'Nguyễn Văn An'}))
    assert issued['track_url'].startswith('http') and issued['printing']['queued'] is False
    staff_copy = contract.check('POST', '/tickets', client.post(API + '/tickets', headers=desk, json={
        'service': 'CT2', 'phone': '0905 123 456', 'print': False}))
    assert staff_copy['phone'] == '0905123456' and staff_copy['track_url'].startswith('http')
    called = contract.check('POST', '/counters/{number}/call-next',
                            client.post(API + '/counters/7/call-next', headers=admin))
    assert called['id'] == issued['id'] and called['status'] == 'called' and called['counter'] == 7
    queue = contract.check('GET', '/queue', client.get(API + '/queue', headers=bearer(tokens['display'])))
    assert [c['current']['number'] for c in queue['counters'] if c['number'] == 7] == [called['number']]
    for action in ('start', 'recall', 'complete'):
        contract.check('POST', '/tickets/{ticket_id}/' + action,
                       client.post(API + '/tickets/%d/%s' % (called['id'], action), headers=admin))
    contract.check('POST', '/tickets/{ticket_id}/transfer', client.post(
        API + '/tickets/%d/transfer' % staff_copy['id'], headers=desk, json={'service': 'HT'}))
    for token in (admin, bearer(tokens['display'])):
        contract.check('GET', '/queue', client.get(API + '/queue', headers=token))
        contract.check('GET', '/tickets/{ticket_id}', client.get(API + '/tickets/%d' % issued['id'], headers=token))
    public = client.get(API + '/tickets/%d' % issued['id'], headers=kiosk).get_json()
    assert public['name'] == 'Nguyễn V. A' and 'phone' not in public and 'track_url' not in public
    contract.check('GET', '/tickets', client.get(API + '/tickets?q=A', headers=desk))
    contract.check('GET', '/counters', client.get(API + '/counters', headers=kiosk))
    contract.check('GET', '/services', client.get(API + '/services', headers=kiosk))
    contract.check('PATCH', '/counters/{number}', client.patch(API + '/counters/7', headers=bearer(
        tokens['counter']), json={'paused': True}))


def test_setup_answers_as_documented(office, tokens, client, contract):
    admin = bearer(tokens['admin'])
    contract.check('PATCH', '/services/{code}', client.patch(API + '/services/CT', headers=admin, json={
        'active': False, 'sort_order': 3}))
    contract.check('POST', '/boards', client.post(API + '/boards', headers=admin, json={
        'name': 'Sảnh', 'services': ['HT'], 'counters': [3], 'notice': 'Xin chào'}))
    contract.check('GET', '/boards', client.get(API + '/boards', headers=bearer(tokens['display'])))
    token = contract.check('POST', '/tokens', client.post(API + '/tokens', headers=admin, json={
        'role': 'kiosk', 'name': 'Kiosk sảnh'}))
    contract.check('GET', '/tokens', client.get(API + '/tokens', headers=admin))
    contract.check('POST', '/tokens/{token_id}/revoke', client.post(API + '/tokens/%d/revoke' % token['id'],
                                                                    headers=admin))
    contract.check('GET', '/settings', client.get(API + '/settings', headers=admin))
    contract.check('PATCH', '/settings', client.patch(API + '/settings', headers=admin, json={
        'office_name': 'UBND phường Hải Châu 1', 'voice_repeat': 2, 'announce_names': True}))


def test_admin_console_answers_as_documented(office, tokens, client, contract):
    admin = bearer(tokens['admin'])
    staff = contract.check('POST', '/staff', client.post(API + '/staff', headers=admin, json={
        'username': 'lan.nguyen', 'full_name': 'Nguyễn Thị Lan', 'role': 'counter', 'password': 'mat-khau-1'}))
    assert 'password' not in staff and 'password_hash' not in staff
    contract.check('PATCH', '/staff/{staff_id}', client.patch(API + '/staff/%d' % staff['id'], headers=admin,
                                                              json={'role': 'desk', 'active': False}))
    contract.check('GET', '/staff', client.get(API + '/staff', headers=admin))
    printer = contract.check('POST', '/printers', client.post(API + '/printers', headers=admin, json={
        'name': 'Máy in sảnh', 'uri': 'dummy://', 'paper_width': 58}))
    contract.check('PATCH', '/printers/{printer_id}', client.patch(
        API + '/printers/%d' % printer['id'], headers=admin, json={'paper_width': 80}))
    contract.check('GET', '/printers', client.get(API + '/printers', headers=admin))
    contract.check('POST', '/tokens', client.post(API + '/tokens', headers=admin, json={
        'role': 'kiosk', 'name': 'Kiosk 2', 'printer_id': printer['id']}))
    board = contract.check('POST', '/boards', client.post(API + '/boards', headers=admin, json={'name': 'Sảnh'}))
    contract.check('PATCH', '/boards/{board_id}', client.patch(API + '/boards/%d' % board['id'], headers=admin,
                                                               json={'counters': [1, 2], 'notice': 'Nghỉ trưa'}))
    contract.check('PATCH', '/boards/{board_id}', client.patch(API + '/boards/99', headers=admin, json={}))


@pytest.mark.parametrize('method, path, url, role, body, status, code', [
    ('POST', '/counters/{number}/call-next', '/counters/1/call-next', 'admin', None, 409, 'queue_empty'),
    ('POST', '/counters/{number}/call-next', '/counters/1/call-next', 'kiosk', None, 403, 'forbidden'),
    ('POST', '/counters/{number}/call-next', '/counters/1/call-next', None, None, 401, 'unauthorized'),
    ('POST', '/counters/{number}/call-next', '/counters/42/call-next', 'counter', None, 404, 'unknown_counter'),
    ('POST', '/tickets', '/tickets', 'kiosk', {'service': 'CT', 'phone': '12345'}, 400, 'invalid_phone'),
    ('POST', '/tickets', '/tickets', 'kiosk', {'service': 'CT', 'name': 'x' * 101}, 400, 'too_long'),
    ('POST', '/tickets', '/tickets', 'desk', {'service': 'XX'}, 404, 'unknown_service'),
    ('POST', '/services', '/services', 'admin', {'code': 'CT', 'name': 'Lại', 'prefix': 'Z'}, 409,
     'duplicate_service'),
    ('GET', '/tickets/{ticket_id}', '/tickets/999', 'display', None, 404, 'unknown_ticket'),
    ('POST', '/tickets/{ticket_id}/complete', '/tickets/1/complete', 'counter', None, 404, 'unknown_ticket'),
    ('GET', '/slots', '/slots?service=XX&date=2030-03-04', 'hotline', None, 404, 'unknown_service'),
    ('GET', '/slots', '/slots?service=CT&date=04/03/2030', 'hotline', None, 400, 'invalid_date'),
    ('POST', '/appointments', '/appointments', 'hotline', {
        'service': 'CT', 'date': '2020-01-01', 'start': '08:00', 'name': 'Nguyễn Văn An', 'phone': '0905123456',
        'source': 'hotline'}, 409, 'date_out_of_range'),
    ('POST', '/appointments/{code}/cancel', '/appointments/AB12/cancel', 'hotline', None, 404,
     'unknown_appointment'),
    ('POST', '/appointments/{code}/check-in', '/appointments/AB12/check-in', 'kiosk', None, 404,
     'unknown_appointment'),
    ('POST', '/sms/inbound', '/sms/inbound', 'gateway', {'from': '0905123456'}, 400, 'missing_field'),
    ('POST', '/sms/inbound', '/sms/inbound', 'admin', {'from': '0905123456', 'text': 'KT'}, 403, 'forbidden'),
    ('GET', '/sms/delivery', '/sms/delivery?ref=x&status=1', 'admin', None, 403, 'forbidden'),
    ('GET', '/sms/delivery', '/sms/delivery?ref=x&status=1', None, None, 401, 'unauthorized'),
    ('GET', '/sms/delivery', '/sms/delivery?status=1', 'gateway', None, 400, 'missing_field'),
])
def test_errors_answer_as_documented(office, tokens, client, contract, method, path, url, role, body, status, code):
    headers = bearer(tokens[role]) if role else {}
    response = client.open(API + url, method=method, headers=headers, json=body)
    assert response.status_code == status
    assert contract.check(method, path, response)['error']['code'] == code


def test_the_gateway_webhooks_answer_as_documented(office, tokens, client, contract):
    gateway = bearer(tokens['gateway'])
    body = contract.check('POST', '/sms/inbound', client.post(API + '/sms/inbound', headers=gateway, json={
        'from': '0905123456', 'text': 'alo'}))
    assert 'HG' in body['reply'] and body['appointment'] is None
    report = contract.check('GET', '/sms/delivery', client.get(API + '/sms/delivery?ref=reply:1&status=1',
                                                               headers=gateway))
    assert report == {'matched': False, 'changed': False}
