"""A counter's rules through the HTTP API: call-next on an empty line, one tap for absent and next, the
acting counter of ticket actions, the counter's line and counts, handing a citizen back, and logging out."""
import pytest

from server.extensions import db
from server.models import AuditEvent, Counter, Ticket
from server.queueing import tickets
from tests.conftest import bearer, make_staff
from tests.helpers import call_next, csrf_of, issue, log_in_client

API = '/api/v1'


def ticket(client, tokens, ticket_id):
    return client.get(API + '/tickets/%d' % ticket_id, headers=bearer(tokens['desk'])).get_json()


def audit_rows(app):
    with app.app_context(), db.connection_context():
        return AuditEvent.select().count()


def act(client, tokens, ticket_id, verb, body=None):
    return client.post(API + '/tickets/%d/%s' % (ticket_id, verb), json=body, headers=bearer(tokens['counter']))


def test_call_next_on_an_empty_line_changes_nothing(app, client, office, tokens, display):
    first = issue(client, tokens['kiosk'])
    assert call_next(client, tokens['counter'], 1).status_code == 200
    display.get_received('/display')
    rows = audit_rows(app)
    response = call_next(client, tokens['counter'], 1)
    assert response.status_code == 409 and response.get_json()['error']['code'] == 'queue_empty'
    assert ticket(client, tokens, first['id'])['status'] == 'called'   # not counted served
    assert audit_rows(app) == rows
    assert display.get_received('/display') == []
    counter = client.get(API + '/counters', headers=bearer(tokens['desk'])).get_json()[0]
    assert counter['current']['id'] == first['id']


def test_one_tap_marks_the_current_citizen_absent_and_calls_the_next(app, client, office, tokens):
    first, second = issue(client, tokens['kiosk']), issue(client, tokens['kiosk'])
    call_next(client, tokens['counter'], 1)
    response = client.post(API + '/counters/1/call-next', json={'finish_current': 'no_show'},
                           headers=bearer(tokens['counter']))
    assert response.status_code == 200 and response.get_json()['id'] == second['id']
    assert ticket(client, tokens, first['id'])['status'] == 'no_show'
    with app.app_context(), db.connection_context():
        actions = [e.action for e in AuditEvent.select().where(AuditEvent.ticket == first['id'])]
    assert actions == ['issued', 'called', 'no_show']
    # With nobody left the absent tap changes nothing either: the citizen is not lost.
    again = client.post(API + '/counters/1/call-next', json={'finish_current': 'no_show'},
                        headers=bearer(tokens['counter']))
    assert again.status_code == 409 and again.get_json()['error']['code'] == 'queue_empty'
    assert ticket(client, tokens, second['id'])['status'] == 'called'
    line = client.get(API + '/counters/1/line', headers=bearer(tokens['counter'])).get_json()
    assert (line['served'], line['no_show'], line['waiting']) == (0, 1, 0)


@pytest.mark.parametrize('body, status, code', [
    ({'finish_current': 'gone'}, 400, 'invalid_choice'), ({'finish_current': 3}, 400, 'invalid_type')])
def test_call_next_refuses_a_bad_finish(client, office, tokens, body, status, code):
    issue(client, tokens['kiosk'])
    response = client.post(API + '/counters/1/call-next', json=body, headers=bearer(tokens['counter']))
    assert (response.status_code, response.get_json()['error']['code']) == (status, code)


@pytest.mark.parametrize('verb, body', [('recall', {}), ('start', {}), ('no-show', {}), ('complete', {}),
                                        ('hand-back', {}), ('transfer', {'service': 'HT'}), ('cancel', {})])
def test_a_counter_cannot_act_on_another_counters_citizen(client, office, tokens, verb, body):
    issue(client, tokens['kiosk'])
    called = call_next(client, tokens['counter'], 2).get_json()
    response = act(client, tokens, called['id'], verb, dict(body, counter=1))
    assert response.status_code == 409 and response.get_json()['error']['code'] == 'wrong_counter'
    assert ticket(client, tokens, called['id'])['status'] == 'called'
    assert act(client, tokens, called['id'], verb, dict(body, counter=2)).status_code == 200


def test_return_to_line_checks_the_counter_too(client, office, tokens):
    issue(client, tokens['kiosk'])
    called = call_next(client, tokens['counter'], 2).get_json()
    act(client, tokens, called['id'], 'no-show', {'counter': 2})
    wrong = act(client, tokens, called['id'], 'return', {'counter': 1})
    assert wrong.status_code == 409 and wrong.get_json()['error']['code'] == 'wrong_counter'
    assert act(client, tokens, called['id'], 'return', {'counter': 2}).get_json()['status'] == 'waiting'


@pytest.mark.parametrize('counter, status, code', [
    (42, 404, 'unknown_counter'), ('1', 400, 'invalid_type'), (True, 400, 'invalid_type'),
    (0, 400, 'out_of_range'), (1.5, 400, 'invalid_type')])
def test_the_counter_field_is_checked(client, office, tokens, counter, status, code):
    issue(client, tokens['kiosk'])
    called = call_next(client, tokens['counter'], 1).get_json()
    response = act(client, tokens, called['id'], 'complete', {'counter': counter})
    assert (response.status_code, response.get_json()['error']['code']) == (status, code)
    assert ticket(client, tokens, called['id'])['status'] == 'called'


def test_without_the_counter_field_scripts_work_as_before(client, office, tokens):
    issue(client, tokens['kiosk'])
    called = call_next(client, tokens['counter'], 2).get_json()
    assert act(client, tokens, called['id'], 'complete').get_json()['status'] == 'done'


def test_hand_back_keeps_the_place_in_line(app, client, office, tokens, display):
    first, second = issue(client, tokens['kiosk']), issue(client, tokens['kiosk'])
    call_next(client, tokens['counter'], 1)
    act(client, tokens, first['id'], 'start', {'counter': 1})
    back = act(client, tokens, first['id'], 'hand-back', {'counter': 1}).get_json()
    assert (back['status'], back['counter'], back['ahead'], back['called_at']) == ('waiting', None, 0, None)
    counters = client.get(API + '/counters', headers=bearer(tokens['desk'])).get_json()
    assert counters[0]['current'] is None
    assert call_next(client, tokens['counter'], 2).get_json()['id'] == first['id']   # before A002
    with app.app_context(), db.connection_context():
        row = AuditEvent.select().where(AuditEvent.ticket == first['id'], AuditEvent.action == 'handed_back').get()
    assert (row.from_status, row.to_status, row.counter_number) == ('serving', 'waiting', 1)
    assert second['number'] == 'A002'


def issue_many(app, count, priority_from):
    """Tickets for CT straight through the domain function (the HTTP path would take longer); those from
    `priority_from` on are priority ones."""
    with app.app_context(), db.connection_context():
        return [tickets.issue_ticket('CT', priority=n >= priority_from) for n in range(count)]


def test_the_line_has_counts_and_the_first_tickets_past_200(app, client, office, tokens):
    issued = issue_many(app, 260, priority_from=258)
    counter = bearer(tokens['counter'])
    for _ in range(30):   # the two priority tickets, then A001...; each call finishes the one before as served
        response = call_next(client, tokens['counter'], 1)
        assert response.status_code == 200
    assert response.get_json()['number'] == issued[27].number
    act(client, tokens, response.get_json()['id'], 'no-show', {'counter': 1})
    for _ in range(4):
        assert client.post(API + '/counters/2/call-next', json={'finish_current': 'no_show'},
                           headers=counter).status_code == 200
    line = client.get(API + '/counters/1/line', headers=counter).get_json()
    assert (line['counter'], line['served'], line['no_show'], line['waiting']) == (1, 29, 1, 226)
    assert line['services'] == [{'code': 'CT', 'name': 'Chứng thực', 'waiting': 226}]
    assert [t['position'] for t in line['line']] == list(range(1, 101))
    # The next to be called are the oldest waiting tickets, which the ticket list (newest 200) leaves out.
    assert [t['number'] for t in line['line'][:3]] == [issued[n].number for n in (32, 33, 34)]
    listed = {t['id'] for t in client.get(API + '/tickets?status=waiting', headers=counter).get_json()}
    assert len(listed) == 200 and issued[32].id not in listed
    assert [call_next(client, tokens['counter'], 1).get_json()['id'] for _ in range(5)] == [
        t['id'] for t in line['line'][:5]]
    two = client.get(API + '/counters/2/line?limit=5', headers=counter).get_json()
    assert (two['served'], two['no_show'], len(two['line'])) == (0, 3, 5)
    assert two['services'][1] == {'code': 'HT', 'name': 'Hộ tịch', 'waiting': 0}


def test_the_line_follows_the_priority_streak(app, client, office, tokens):
    normal = [issue(client, tokens['kiosk'])['id'] for _ in range(3)]
    urgent = [issue(client, tokens['kiosk'], priority=True, priority_reason='elderly')['id'] for _ in range(4)]
    first = client.get(API + '/counters/1/line', headers=bearer(tokens['desk'])).get_json()['line']
    # Two priority calls in a row at most (the default) while others wait.
    assert [t['id'] for t in first] == [urgent[0], urgent[1], normal[0], urgent[2], urgent[3], normal[1], normal[2]]
    assert first[0]['priority_reason'] == 'elderly' and first[0]['number'].startswith('A')
    call_next(client, tokens['counter'], 1)
    after = client.get(API + '/counters/1/line', headers=bearer(tokens['desk'])).get_json()['line']
    assert [t['id'] for t in after] == [urgent[1], normal[0], urgent[2], urgent[3], normal[1], normal[2]]


@pytest.mark.parametrize('role, status', [('counter', 200), ('desk', 200), ('admin', 200), ('hotline', 403),
                                          ('kiosk', 403), ('display', 403)])
def test_only_staff_read_a_counters_line(client, office, tokens, role, status):
    issue(client, tokens['kiosk'], name='Nguyễn Văn An')
    response = client.get(API + '/counters/1/line', headers=bearer(tokens[role]))
    assert response.status_code == status
    if status == 200:
        assert response.get_json()['line'][0]['name'] == 'Nguyễn Văn An'
    assert client.get(API + '/counters/1/line').status_code == 401


@pytest.mark.parametrize('url, status, code', [('/counters/42/line', 404, 'unknown_counter'),
                                               ('/counters/1/line?limit=0', 400, 'out_of_range'),
                                               ('/counters/1/line?limit=1001', 400, 'out_of_range')])
def test_the_line_refuses_bad_input(client, office, tokens, url, status, code):
    response = client.get(API + url, headers=bearer(tokens['counter']))
    assert (response.status_code, response.get_json()['error']['code']) == (status, code)


def session_post(client, path, json=None):
    token = csrf_of(client)
    return client.post(path, json=json, headers={'X-CSRFToken': token})


def log_out(client, **form):
    token = csrf_of(client)
    response = client.post('/logout', data=dict(form, csrf_token=token))
    assert response.status_code == 302


def counter_row(app, number):
    with app.app_context(), db.connection_context():
        return Counter.get(Counter.number == number)


def test_logging_out_hands_the_citizen_back_and_pauses_the_counter(app, client, office, tokens):
    make_staff('quay', 'counter')
    log_in_client(client, 'quay')
    first, second = issue(client, tokens['kiosk']), issue(client, tokens['kiosk'])
    assert session_post(client, API + '/counters/1/call-next').status_code == 200
    assert session_post(client, API + '/tickets/%d/start' % first['id'], {'counter': 1}).status_code == 200
    log_out(client)   # not from the counter page: no counter in the form
    back = ticket(client, tokens, first['id'])
    assert (back['status'], back['counter'], back['ahead']) == ('waiting', None, 0)
    assert counter_row(app, 1).paused is True
    with app.app_context(), db.connection_context():
        assert Ticket.get_by_id(second['id']).status == 'waiting'
    assert client.get('/counter').status_code == 302   # logged out
    # A paused counter calls nobody until the next staff member resumes it; then the citizen handed back is first.
    refused = call_next(client, tokens['counter'], 1)
    assert refused.status_code == 409 and refused.get_json()['error']['code'] == 'counter_paused'
    resumed = client.post(API + '/counters/1/call-next', json={'resume': True}, headers=bearer(tokens['counter']))
    assert resumed.get_json()['id'] == first['id']
    assert counter_row(app, 1).paused is False


def test_logging_out_from_the_counter_page_pauses_its_counter(app, client, office, tokens):
    make_staff('quay', 'counter')
    log_in_client(client, 'quay')
    log_out(client, counter='2')
    assert counter_row(app, 2).paused is True and counter_row(app, 1).paused is False


def test_logging_out_leaves_a_counter_someone_else_took_over(app, client, office, tokens):
    make_staff('quay', 'counter')
    make_staff('quay2', 'counter')
    issue(client, tokens['kiosk'])
    later = issue(client, tokens['kiosk'])
    log_in_client(client, 'quay')
    assert session_post(client, API + '/counters/1/call-next').status_code == 200
    other = app.test_client()
    log_in_client(other, 'quay2')
    assert session_post(other, API + '/counters/1/call-next').get_json()['id'] == later['id']
    log_out(client)
    assert ticket(client, tokens, later['id'])['status'] == 'called'
    assert counter_row(app, 1).paused is False


def test_a_desk_logout_touches_no_counter(app, client, office, tokens):
    make_staff('le-tan', 'desk')
    log_in_client(client, 'le-tan')
    log_out(client, counter='1')
    assert counter_row(app, 1).paused is False
