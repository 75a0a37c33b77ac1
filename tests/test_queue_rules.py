"""The queue rules through the HTTP API: numbering, priority, recall, no-show, transfer, estimates."""
import datetime

from server import settings
from server.extensions import db
from server.models import AuditEvent, Ticket, utcnow
from server.queueing import end_of_day, tickets
from tests.conftest import bearer
from tests.helpers import call_next, issue


def test_numbers_are_prefix_and_three_digits_per_service(client, office, tokens):
    numbers = [issue(client, tokens['kiosk'])['number'] for _ in range(3)]
    assert numbers == ['A001', 'A002', 'A003']
    assert issue(client, tokens['desk'], 'HT')['number'] == 'B001'


def test_numbers_restart_at_local_midnight(app, office):
    # 16:59:59 UTC is 23:59:59 in Hanoi; 17:00 UTC is the next local day.
    before = datetime.datetime(2026, 11, 24, 16, 59, 59)
    after = datetime.datetime(2026, 11, 24, 17, 0, 1)
    with app.app_context(), db.connection_context():
        first = tickets.issue_ticket('CT', now=before)
        second = tickets.issue_ticket('CT', now=before)
        third = tickets.issue_ticket('CT', now=after)
    assert (first.number, second.number, third.number) == ('A001', 'A002', 'A001')
    assert third.day == datetime.date(2026, 11, 25)


def test_call_next_takes_oldest_and_finishes_current(client, office, tokens):
    first, second = issue(client, tokens['kiosk']), issue(client, tokens['kiosk'])
    called = call_next(client, tokens['counter'], 1).get_json()
    assert called['id'] == first['id'] and called['status'] == 'called' and called['counter'] == 1
    assert call_next(client, tokens['counter'], 1).get_json()['id'] == second['id']
    done = client.get('/api/v1/tickets/%d' % first['id'], headers=bearer(tokens['desk'])).get_json()
    assert done['status'] == 'done'


def test_counter_only_calls_its_services(client, office, tokens):
    issue(client, tokens['kiosk'], 'HT')
    response = call_next(client, tokens['counter'], 1)
    assert response.status_code == 409
    assert response.get_json()['error']['code'] == 'queue_empty'
    assert call_next(client, tokens['counter'], 3).get_json()['service'] == 'HT'


def test_priority_first_but_not_too_many_in_a_row(client, office, tokens):
    normal = [issue(client, tokens['kiosk'])['number'] for _ in range(2)]
    prio = [issue(client, tokens['kiosk'], priority=True, priority_reason='elderly')['number'] for _ in range(3)]
    order = [call_next(client, tokens['counter'], 1).get_json()['number'] for _ in range(5)]
    # The default allows 2 priority calls in a row while others wait.
    assert order == [prio[0], prio[1], normal[0], prio[2], normal[1]]


def test_priority_limit_is_configurable(client, office, tokens):
    client.patch('/api/v1/settings', json={'priority_max_in_row': 1}, headers=bearer(tokens['admin']))
    normal = [issue(client, tokens['kiosk'])['number'] for _ in range(2)]
    prio = [issue(client, tokens['kiosk'], priority=True)['number'] for _ in range(2)]
    order = [call_next(client, tokens['counter'], 1).get_json()['number'] for _ in range(4)]
    assert order == [prio[0], normal[0], prio[1], normal[1]]


def test_recall_announces_again(client, office, tokens, display):
    issue(client, tokens['kiosk'])
    ticket = call_next(client, tokens['counter'], 1).get_json()
    display.get_received('/display')
    response = client.post('/api/v1/tickets/%d/recall' % ticket['id'], headers=bearer(tokens['counter']))
    assert response.status_code == 200 and response.get_json()['call_count'] == 2
    events = [e for e in display.get_received('/display') if e['name'] == 'ticket_called']
    assert len(events) == 1 and events[0]['args'][0]['recall'] is True


def test_no_show_and_return_within_window(app, client, office, tokens):
    first = issue(client, tokens['kiosk'])
    second = issue(client, tokens['kiosk'])
    call_next(client, tokens['counter'], 1)
    gone = client.post('/api/v1/tickets/%d/no-show' % first['id'], headers=bearer(tokens['counter'])).get_json()
    assert gone['status'] == 'no_show'
    back = client.post('/api/v1/tickets/%d/return' % first['id'], headers=bearer(tokens['desk'])).get_json()
    assert back['status'] == 'waiting' and back['ahead'] == 0  # back at its old place, before A002
    assert call_next(client, tokens['counter'], 1).get_json()['id'] == first['id']
    assert second['number'] == 'A002'


def test_no_show_return_refused_after_window(app, client, office, tokens):
    ticket = issue(client, tokens['kiosk'])
    call_next(client, tokens['counter'], 1)
    client.post('/api/v1/tickets/%d/no-show' % ticket['id'], headers=bearer(tokens['counter']))
    with app.app_context(), db.connection_context():
        minutes = settings.get('no_show_return_minutes')
        Ticket.update(finished_at=utcnow() - datetime.timedelta(minutes=minutes + 1)).execute()
    response = client.post('/api/v1/tickets/%d/return' % ticket['id'], headers=bearer(tokens['desk']))
    assert response.status_code == 409
    assert response.get_json()['error']['code'] == 'return_window_passed'


def test_transfer_keeps_place_by_issue_time(client, office, tokens):
    early = issue(client, tokens['kiosk'], 'CT')
    issue(client, tokens['kiosk'], 'HT')
    issue(client, tokens['kiosk'], 'HT')
    call_next(client, tokens['counter'], 1)
    moved = client.post('/api/v1/tickets/%d/transfer' % early['id'], json={'service': 'HT'},
                        headers=bearer(tokens['counter'])).get_json()
    assert moved['status'] == 'waiting' and moved['service'] == 'HT' and moved['ahead'] == 0
    assert call_next(client, tokens['counter'], 3).get_json()['id'] == early['id']


def test_complete_and_audit_trail(app, client, office, tokens):
    ticket = issue(client, tokens['kiosk'])
    call_next(client, tokens['counter'], 1)
    client.post('/api/v1/tickets/%d/start' % ticket['id'], headers=bearer(tokens['counter']))
    done = client.post('/api/v1/tickets/%d/complete' % ticket['id'], headers=bearer(tokens['counter'])).get_json()
    assert done['status'] == 'done'
    with app.app_context(), db.connection_context():
        trail = [(e.action, e.from_status, e.to_status) for e in AuditEvent.select().where(
            AuditEvent.ticket == ticket['id']).order_by(AuditEvent.id)]
    assert trail == [('issued', None, 'waiting'), ('called', 'waiting', 'called'),
                     ('serving', 'called', 'serving'), ('completed', 'serving', 'done')]


def test_invalid_transitions_are_409(client, office, tokens):
    ticket = issue(client, tokens['kiosk'])
    response = client.post('/api/v1/tickets/%d/complete' % ticket['id'], headers=bearer(tokens['counter']))
    assert response.status_code == 409 and response.get_json()['error']['code'] == 'invalid_state'


def test_estimated_wait_uses_recent_service_times_and_open_counters(app, client, office, tokens):
    with app.app_context(), db.connection_context():
        now = utcnow()
        for minutes in (4, 6, 8):   # mean 6 minutes per citizen
            t = tickets.issue_ticket('HT', now=now - datetime.timedelta(minutes=30))
            Ticket.update(status='done', called_at=now - datetime.timedelta(minutes=20),
                          finished_at=now - datetime.timedelta(minutes=20 - minutes)).where(Ticket.id == t.id).execute()
    waiting = [issue(client, tokens['kiosk'], 'HT') for _ in range(5)]
    # HT is served by counters 2 and 3: 4 people ahead * 6 min / 2 counters = 12 min.
    assert waiting[-1]['ahead'] == 4
    assert waiting[-1]['estimated_wait_min'] == 12
    assert waiting[0]['estimated_wait_min'] == 0


def test_old_days_are_closed(app, office):
    yesterday = utcnow() - datetime.timedelta(days=1)
    with app.app_context(), db.connection_context():
        old = tickets.issue_ticket('CT', now=yesterday)
        assert end_of_day.close_previous_days() == 1
        assert Ticket.get_by_id(old.id).status == 'cancelled'


def test_ticket_list_in_queue_order_and_by_counter(client, office, tokens):
    first = issue(client, tokens['kiosk'])
    urgent = issue(client, tokens['kiosk'], priority=True, priority_reason='pregnant')
    listed = client.get('/api/v1/tickets?status=waiting&order=queue', headers=bearer(tokens['desk'])).get_json()
    assert [t['id'] for t in listed] == [urgent['id'], first['id']]
    call_next(client, tokens['counter'], 2)
    at_two = client.get('/api/v1/tickets?counter=2', headers=bearer(tokens['counter'])).get_json()
    assert [t['id'] for t in at_two] == [urgent['id']]
    assert client.get('/api/v1/tickets?counter=1', headers=bearer(tokens['counter'])).get_json() == []
