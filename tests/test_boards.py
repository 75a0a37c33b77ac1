"""Display boards are created and changed by one path: a new board is checked as a change is, and audited."""
import json

import pytest

from server.extensions import db
from server.models import AuditEvent, Board
from tests.conftest import bearer

API = '/api/v1'
REFUSED = [
    ({'services': ['XX']}, 404, 'unknown_service'),
    ({'services': 'CT'}, 400, 'invalid_type'),
    ({'counters': ['1']}, 400, 'invalid_type'),
    ({'counters': [True]}, 400, 'invalid_type'),
    ({'counters': [42]}, 404, 'unknown_counter'),
    ({'counters': [0]}, 400, 'out_of_range'),
    ({'counters': [10 ** 30]}, 400, 'out_of_range'),
    ({'name': ''}, 400, 'missing_field'),
    ({'name': 'x' * 101}, 400, 'too_long'),
    ({'notice': 'x' * 501}, 400, 'too_long'),
    ({'notice': None}, 400, 'null_field'),
]


def audited(app, action):
    with app.app_context(), db.connection_context():
        return [json.loads(e.detail) for e in AuditEvent.select().where(AuditEvent.action == action)]


def board_count(app):
    with app.app_context(), db.connection_context():
        return Board.select().count()


@pytest.mark.parametrize('body, status, code', REFUSED)
def test_a_new_board_is_refused_as_a_change_would_be(app, client, office, tokens, body, status, code):
    admin = bearer(tokens['admin'])
    board = client.post(API + '/boards', headers=admin, json={'name': 'Sảnh'}).get_json()
    changed = client.patch(API + '/boards/%d' % board['id'], headers=admin, json=body)
    created = client.post(API + '/boards', headers=admin, json=dict({'name': 'Tầng 2'}, **body))
    for answer in (changed, created):
        assert (answer.status_code, answer.get_json()['error']['code']) == (status, code), answer.get_json()
    assert board_count(app) == 1 and len(audited(app, 'board_created')) == 1


def test_a_new_board_is_kept_as_a_change_keeps_it_and_audited(app, client, office, tokens):
    admin = bearer(tokens['admin'])
    body = {'name': 'Sảnh tầng 1', 'services': ['HT', 'CT', 'HT'], 'counters': [3, 1, 3], 'notice': 'Mời ngồi chờ.'}
    created = client.post(API + '/boards', headers=admin, json=body)
    assert created.status_code == 201
    board = created.get_json()
    assert board == {'id': board['id'], 'name': 'Sảnh tầng 1', 'services': ['CT', 'HT'], 'counters': [1, 3],
                     'notice': 'Mời ngồi chờ.'}
    changed = client.patch(API + '/boards/%d' % board['id'], headers=admin, json=body).get_json()
    assert changed == board
    assert audited(app, 'board_created') == [{'id': board['id'], 'name': 'Sảnh tầng 1'}]
    with app.app_context(), db.connection_context():
        event = AuditEvent.get(AuditEvent.action == 'board_created')
    assert event.actor == 'token:test admin'


def test_a_board_without_a_name_is_refused(client, tokens):
    answer = client.post(API + '/boards', headers=bearer(tokens['admin']), json={'services': []})
    assert answer.status_code == 400 and answer.get_json()['error']['code'] == 'missing_field'
