"""Every non-public route refuses anonymous and wrong-role callers; logins, CSRF and device pairing."""
import re

import pytest

from server.auth import DEVICE_COOKIE
from tests.conftest import ROLES, bearer, make_staff
from tests.helpers import csrf_from, csrf_of, log_in_client

PUBLIC = {'static', 'display.static', 'pages.index', 'pages.login', 'pages.logout', 'pages.language',
          'pages.track', 'pages.track_json', 'api.openapi',
          'pairing.pair', 'pairing.check',   # a new device's page: its own secret, never the code, pairs it
          'api.create_rating',   # a citizen's rating: the ticket's track id is the credential
          'api.dossier_status', 'lookup.index',   # a file's status by its code, without personal data
          'guides.guide'}   # a procedure's guide page, where the QR codes on the walls lead


def concrete(rule):
    """A URL for a rule, with placeholder values for its parameters."""
    return re.sub(r'<(?:(\w+):)?(\w+)>', lambda m: '1' if m.group(1) == 'int' else 'X', rule.rule)


def protected_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {'HEAD', 'OPTIONS'}):
            yield rule, method, getattr(view, 'required_roles', None)


def test_every_route_declares_its_roles(app):
    undeclared = [r.rule for r, _m, roles in protected_routes(app) if roles is None]
    assert undeclared == []
    assert len(list(protected_routes(app))) > 20


def test_anonymous_callers_are_refused(app, client):
    # A CSRF token of an anonymous session, so that a page's form (POST /password) reaches its view.
    token = csrf_of(client)
    for rule, method, _roles in protected_routes(app):
        response = client.open(concrete(rule), method=method, json={} if method != 'GET' else None,
                               headers={'X-CSRFToken': token})
        if getattr(app.view_functions[rule.endpoint], 'answers_json', False):
            assert response.status_code == 401, (method, rule.rule, response.status_code)
            assert response.get_json()['error']['code'] == 'unauthorized'
        else:
            assert response.status_code == 302 and '/login' in response.headers['Location'], rule.rule


def test_wrong_roles_are_refused(app, client, tokens):
    checked = 0
    for rule, method, roles in protected_routes(app):
        for role in ROLES:
            if role == 'admin' or role in roles or '*' in roles:
                continue
            response = client.open(concrete(rule), method=method, headers=bearer(tokens[role]),
                                   json={} if method != 'GET' else None)
            assert response.status_code == 403, (role, method, rule.rule, response.status_code)
            checked += 1
    assert checked > 50


def test_the_gateway_routes_refuse_even_admins(app, client, tokens):
    routes = [(rule, method) for rule, method, roles in protected_routes(app) if roles == ('gateway',)]
    assert sorted((rule.rule, method) for rule, method in routes) == [
        ('/api/v1/sms/delivery', 'GET'), ('/api/v1/sms/delivery', 'POST'),
        ('/api/v1/sms/inbound', 'GET'), ('/api/v1/sms/inbound', 'POST')]
    for rule, method in routes:
        response = client.open(concrete(rule), method=method, headers=bearer(tokens['admin']),
                               json={} if method != 'GET' else None)
        assert response.status_code == 403, (method, rule.rule)


def test_invalid_and_revoked_tokens_are_refused(client, tokens):
    assert client.get('/api/v1/queue', headers=bearer('not-a-token')).status_code == 401
    created = client.post('/api/v1/tokens', json={'role': 'kiosk', 'name': 'Kiosk sảnh'},
                          headers=bearer(tokens['admin'])).get_json()
    assert client.get('/api/v1/queue', headers=bearer(created['token'])).status_code == 200
    client.post('/api/v1/tokens/%d/revoke' % created['id'], headers=bearer(tokens['admin']))
    assert client.get('/api/v1/queue', headers=bearer(created['token'])).status_code == 401


def test_tokens_are_stored_hashed(app, tokens):
    from server.extensions import db
    from server.models import ApiToken
    with db.connection_context():
        stored = [t.token_hash for t in ApiToken.select()]
    assert all(len(h) == 64 for h in stored)
    assert not set(tokens.values()) & set(stored)


def test_staff_login_with_csrf_then_role_pages(app, client):
    make_staff('quay1', 'counter', 'mat-khau-dung')
    page = client.get('/login?next=/api/v1/queue').get_data(as_text=True)
    assert client.post('/login', data={'username': 'quay1', 'password': 'mat-khau-dung'}).status_code == 400
    wrong = client.post('/login', data={'username': 'quay1', 'password': 'sai', 'csrf_token': csrf_from(page)})
    assert wrong.status_code == 401 and 'Sai tên đăng nhập' in wrong.get_data(as_text=True)
    ok = client.post('/login', data={'username': 'quay1', 'password': 'mat-khau-dung', 'next': '/api/v1/queue',
                                     'csrf_token': csrf_from(page)})
    assert ok.status_code == 302 and ok.headers['Location'].endswith('/api/v1/queue')
    assert client.get('/api/v1/queue').status_code == 200
    # A session's state change without the CSRF token is refused; with it, it goes through.
    assert client.post('/api/v1/counters/1/call-next').status_code == 400
    token = csrf_of(client)
    response = client.post('/api/v1/counters/1/call-next', headers={'X-CSRFToken': token})
    assert response.status_code == 404 and response.get_json()['error']['code'] == 'unknown_counter'
    assert client.get('/api/v1/settings').status_code == 403


def test_login_refuses_foreign_next(app, client):
    make_staff('admin1', 'admin', 'mat-khau-dung')
    response = log_in_client(client, 'admin1', 'mat-khau-dung', next='https://example.org/')
    assert response.headers['Location'] == '/'


@pytest.mark.parametrize('path', ['/display'])
def test_device_pairing_sets_cookie_and_drops_token(client, tokens, path):
    response = client.get(path + '?token=' + tokens['display'] + '&board=all')
    assert response.status_code == 302 and response.headers['Location'] == path + '?board=all'
    assert DEVICE_COOKIE in response.headers['Set-Cookie']
    assert client.get(path + '?board=all').status_code == 200
    assert client.get('/display?token=wrong').status_code == 401
