"""A counter's calls through the HTTP API (issue 19, point 6): a paused counter calls nobody until resumed, one
number called by name with each refusal, today's absent citizens to call back, and the note a transfer carries."""
import datetime

import pytest

from server.extensions import db
from server.models import AuditEvent, Counter, Ticket
from tests.conftest import bearer
from tests.helpers import call_next, issue

API = '/api/v1'


def post(client, tokens, path, body=None, role='counter'):
    return client.post(API + path, json=body, headers=bearer(tokens[role]))


def error_code(response):
    return response.get_json()['error']['code']


def status_of(client, tokens, ticket_id):
    return client.get(API + '/tickets/%d' % ticket_id, headers=bearer(tokens['desk'])).get_json()['status']


def pause(client, tokens, number, paused=True):
    response = client.patch(API + '/counters/%d' % number, json={'paused': paused}, headers=bearer(tokens['counter']))
    assert response.status_code == 200, response.get_json()


def actions_of(app, ticket_id):
    with app.app_context(), db.connection_context():
        return [(e.action, e.counter_number) for e in AuditEvent.select().where(AuditEvent.ticket == ticket_id)
                .order_by(AuditEvent.id)]


def test_a_paused_counter_calls_nobody_until_staff_resume_it(app, client, office, tokens, display):
    first = issue(client, tokens['kiosk'])
    pause(client, tokens, 1)
    display.get_received('/display')
    for path, body in (('/counters/1/call-next', None), ('/counters/1/call', {'number': first['number']})):
        refused = post(client, tokens, path, body)
        assert refused.status_code == 409 and error_code(refused) == 'counter_paused', path
        assert 'tạm dừng' in refused.get_json()['error']['message']
    english = client.post(API + '/counters/1/call-next', headers=bearer(tokens['counter'], **{'Accept-Language': 'en'}))
    assert error_code(english) == 'counter_paused' and 'paused' in english.get_json()['error']['message']
    assert status_of(client, tokens, first['id']) == 'waiting'
    assert display.get_received('/display') == []   # nothing announced
    resumed = post(client, tokens, '/counters/1/call-next', {'resume': True})
    assert resumed.status_code == 200 and resumed.get_json()['id'] == first['id']
    with app.app_context(), db.connection_context():
        assert Counter.get(Counter.number == 1).paused is False
        changes = [e.detail for e in AuditEvent.select().where(AuditEvent.action == 'counter_changed')]
    assert any('"reason": "call"' in detail for detail in changes)
    assert [e['name'] for e in display.get_received('/display')].count('ticket_called') == 1
    # "resume" on an open counter changes nothing more, and a wrong type is a 400.
    assert post(client, tokens, '/counters/1/call-next', {'resume': 'yes'}).status_code == 400


def test_one_number_is_called_by_name_and_announced_as_call_next(app, client, office, tokens, display):
    first, second, third = (issue(client, tokens['kiosk']) for _n in range(3))
    display.get_received('/display')
    response = post(client, tokens, '/counters/1/call', {'number': third['number'].lower().replace('00', '')})
    assert response.status_code == 200, response.get_json()   # "a3" is read as A003
    called = response.get_json()
    assert (called['id'], called['status'], called['counter']) == (third['id'], 'called', 1)
    events = display.get_received('/display')
    call = [e['args'][0] for e in events if e['name'] == 'ticket_called']
    assert len(call) == 1 and call[0]['ticket']['number'] == third['number'] and call[0]['counter']['number'] == 1
    assert actions_of(app, third['id']) == [('issued', None), ('called', 1)]
    # The citizen at the counter is finished as call-next finishes them.
    assert post(client, tokens, '/counters/1/call', {'number': first['number']}).status_code == 200
    assert status_of(client, tokens, third['id']) == 'done'
    assert [status_of(client, tokens, t['id']) for t in (first, second)] == ['called', 'waiting']


@pytest.mark.parametrize('number, status, code', [
    ('B001', 404, 'unknown_ticket'), ('A099', 404, 'unknown_ticket'), ('025', 400, 'invalid_number'),
    ('', 400, 'invalid_number'), (25, 400, 'invalid_number')])
def test_a_number_that_is_not_there_today_is_refused(client, office, tokens, number, status, code):
    issue(client, tokens['kiosk'])
    response = post(client, tokens, '/counters/1/call', {'number': number})
    assert (response.status_code, error_code(response)) == (status, code)


def test_each_reason_a_number_cannot_be_called_here(app, client, office, tokens):
    here, done = issue(client, tokens['kiosk']), issue(client, tokens['kiosk'])
    other_line, elsewhere = issue(client, tokens['kiosk'], 'HT'), issue(client, tokens['kiosk'])
    assert post(client, tokens, '/counters/1/call', {'number': here['number']}).status_code == 200
    assert post(client, tokens, '/counters/2/call', {'number': done['number']}).status_code == 200
    assert post(client, tokens, '/counters/2/call', {'number': elsewhere['number']}).status_code == 200
    refusals = {'already_at_counter': here, 'at_other_counter': elsewhere, 'not_waiting': done,
                'wrong_service': other_line}   # counter 1 serves CT only
    with app.app_context(), db.connection_context():
        before = AuditEvent.select().count()
    for code, ticket in refusals.items():
        response = post(client, tokens, '/counters/1/call', {'number': ticket['number']})
        assert (response.status_code, error_code(response)) == (409, code), response.get_json()
        assert ticket['number'] in response.get_json()['error']['message']
    with app.app_context(), db.connection_context():
        assert AuditEvent.select().count() == before   # nothing finished or called by a refusal
    assert status_of(client, tokens, here['id']) == 'called'
    closed = client.patch(API + '/counters/3', json={'active': False}, headers=bearer(tokens['counter']))
    assert closed.status_code == 200
    response = post(client, tokens, '/counters/3/call', {'number': other_line['number']})
    assert (response.status_code, error_code(response)) == (409, 'counter_closed')
    assert post(client, tokens, '/counters/9/call', {'number': 'A001'}).status_code == 404
    assert post(client, tokens, '/counters/1/call', {'number': 'A001'}, role='desk').status_code == 403


def test_todays_absent_citizens_are_listed_and_called_back(app, client, office, tokens):
    first = issue(client, tokens['kiosk'], name='Trần Thị Bích')
    second, other_line = issue(client, tokens['kiosk']), issue(client, tokens['kiosk'], 'HT')
    call_next(client, tokens['counter'], 2)
    assert post(client, tokens, '/tickets/%d/no-show' % first['id'], {'counter': 2}).status_code == 200
    call_next(client, tokens['counter'], 2)
    assert post(client, tokens, '/tickets/%d/no-show' % second['id'], {'counter': 2}).status_code == 200
    assert post(client, tokens, '/counters/3/call', {'number': other_line['number']}).status_code == 200
    assert post(client, tokens, '/tickets/%d/no-show' % other_line['id'], {'counter': 3}).status_code == 200
    with app.app_context(), db.connection_context():   # the first one was absent long ago
        absent_at = Ticket.get_by_id(first['id']).finished_at
        Ticket.update(finished_at=absent_at - datetime.timedelta(minutes=31)).where(Ticket.id == first['id']).execute()
    absent = client.get(API + '/counters/1/no-shows', headers=bearer(tokens['counter'])).get_json()
    assert [(t['number'], t['counter'], t['returnable']) for t in absent] == [
        (second['number'], 2, True), (first['number'], 2, False)]   # the HT line is not counter 1's
    assert absent[1]['name'] == 'Trần Thị Bích' and absent[0]['return_until'] > absent[0]['finished_at']
    assert client.get(API + '/counters/1/no-shows', headers=bearer(tokens['kiosk'])).status_code == 403
    assert client.get(API + '/counters/9/no-shows', headers=bearer(tokens['desk'])).status_code == 404
    # Called back as the page does it: back in line at their place, then called here.
    assert post(client, tokens, '/tickets/%d/return' % second['id']).status_code == 200
    called = post(client, tokens, '/counters/1/call', {'number': second['number']})
    assert called.status_code == 200 and called.get_json()['counter'] == 1
    late = post(client, tokens, '/tickets/%d/return' % first['id'])
    assert late.status_code == 409 and error_code(late) == 'return_window_passed'
    absent = client.get(API + '/counters/1/no-shows', headers=bearer(tokens['counter'])).get_json()
    assert [t['number'] for t in absent] == [first['number']]


def test_a_transfer_carries_its_note_to_the_counter_that_calls_it(app, client, office, tokens):
    ticket = issue(client, tokens['kiosk'], name='Lê Văn Cường')
    call_next(client, tokens['counter'], 1)
    too_long = post(client, tokens, '/tickets/%d/transfer' % ticket['id'], {'service': 'HT', 'note': 'x' * 201})
    assert too_long.status_code == 400 and error_code(too_long) == 'too_long'
    note = 'Đã kiểm tra CCCD; cần trích lục khai sinh bản sao'
    moved = post(client, tokens, '/tickets/%d/transfer' % ticket['id'], {'service': 'HT', 'note': '  %s ' % note,
                                                                         'counter': 1})
    assert moved.status_code == 200 and moved.get_json()['transfer_note'] == note
    called = call_next(client, tokens['counter'], 3).get_json()
    assert (called['id'], called['transfer_note']) == (ticket['id'], note)
    counters = client.get(API + '/counters', headers=bearer(tokens['counter'])).get_json()
    assert [c['current']['transfer_note'] for c in counters if c['number'] == 3] == [note]
    # Devices never see it, nor does the audit trail keep the words.
    public = client.get(API + '/tickets/%d' % ticket['id'], headers=bearer(tokens['display'])).get_json()
    assert 'transfer_note' not in public
    with app.app_context(), db.connection_context():
        assert not [e for e in AuditEvent.select() if 'CCCD' in e.detail]
    # A transfer without a note leaves none behind.
    post(client, tokens, '/tickets/%d/transfer' % ticket['id'], {'service': 'CT', 'counter': 3})
    assert client.get(API + '/tickets/%d' % ticket['id'],
                      headers=bearer(tokens['desk'])).get_json()['transfer_note'] is None
