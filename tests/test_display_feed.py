"""The /display namespace: token auth, snapshot on connect, events after commit only, rooms per board."""
import threading
import time

import pytest
import socketio as socketio_client

from server.extensions import db, socketio
from server.models import Board
from server.queueing import tickets
from tests.conftest import bearer, free_port, need
from tests.helpers import api, call_api, redis_available, redis_url

# The shared PostgreSQL test database or Redis: with several pytest-xdist workers one runs them all.
pytestmark = pytest.mark.services

NS = '/display'


def received(client, name):
    return [e['args'][0] for e in client.get_received(NS) if e['name'] == name]


def test_refuses_connection_without_valid_token(app, office):
    client = socketio.test_client(app, namespace=NS, auth={'token': 'wrong'})
    assert not client.is_connected(NS)
    anonymous = socketio.test_client(app, namespace=NS)
    assert not anonymous.is_connected(NS)


def test_snapshot_on_connect_has_queue_and_recent_calls(app, client, office, tokens):
    client.post('/api/v1/tickets', json={'service': 'CT', 'print': False, 'name': 'Nguyễn Văn An',
                                         'phone': '0905123456'}, headers=bearer(tokens['kiosk']))
    client.post('/api/v1/tickets', json={'service': 'CT', 'print': False}, headers=bearer(tokens['kiosk']))
    client.post('/api/v1/counters/1/call-next', headers=bearer(tokens['counter']))
    board = socketio.test_client(app, namespace=NS, auth={'token': tokens['display']})
    snapshot = received(board, 'snapshot')[0]
    assert {s['code']: s['waiting'] for s in snapshot['services']} == {'CT': 1, 'HT': 0}
    assert snapshot['counters'][0]['current']['number'] == 'A001'
    assert snapshot['recent'][0]['ticket']['number'] == 'A001' and snapshot['recent'][0]['counter']['number'] == 1
    # A public board never shows a phone number, and names only masked.
    text = repr(snapshot)
    assert '0905123456' not in text and 'Nguyễn Văn An' not in text and 'Nguyễn V. A' in text


def test_call_emits_ticket_called_with_announcement(client, office, tokens, display):
    client.post('/api/v1/tickets', json={'service': 'CT', 'print': False}, headers=bearer(tokens['kiosk']))
    display.get_received(NS)
    client.post('/api/v1/counters/2/call-next', headers=bearer(tokens['counter']))
    called = received(display, 'ticket_called')
    assert len(called) == 1
    event = called[0]
    assert event['ticket']['number'] == 'A001' and event['counter'] == {'number': 2, 'name': 'Quầy 2'}
    assert event['recall'] is False
    assert event['announcement']['text'] == 'Mời số A001 đến quầy số 2'


def test_issue_emits_queue_changed(client, office, tokens, display):
    display.get_received(NS)
    client.post('/api/v1/tickets', json={'service': 'HT', 'print': False}, headers=bearer(tokens['kiosk']))
    changed = received(display, 'queue_changed')
    assert changed and {s['code']: s['waiting'] for s in changed[-1]['services']}['HT'] == 1


def test_a_call_reaches_boards_before_its_count_update(publishing, client, office, tokens, display, monkeypatch):
    """ticket_called, which citizens wait for, goes out at once; the same call's queue_changed waits
    the fold window, so the two do not compete for the server's threads on a large office."""
    from server.live import events
    publisher = publishing.extensions['luot'].publisher
    emitted = []
    original = events._emit
    monkeypatch.setattr(events, '_emit', lambda event, *rest: (emitted.append((event, time.monotonic())),
                                                                original(event, *rest)))
    client.post('/api/v1/tickets', json={'service': 'CT', 'print': False}, headers=bearer(tokens['kiosk']))
    display.get_received(NS)
    emitted.clear()
    client.post('/api/v1/counters/1/call-next', headers=bearer(tokens['counter']))
    answered = time.monotonic()
    assert [e['name'] for e in display.get_received(NS)] == ['ticket_called', 'queue_changed']
    times = dict(emitted)
    assert times['queue_changed'] - times['ticket_called'] >= publisher.fold_seconds * 0.9
    assert times['queue_changed'] >= answered   # not before the request had long been answered


def test_a_burst_of_queue_changes_is_folded_into_one_event(publishing, app, office, display, monkeypatch):
    """Changes within the fold window go out as one queue_changed with every changed line and the
    latest counts; wait_until_published waits for a fold still pending."""
    publisher = app.extensions['luot'].publisher
    monkeypatch.setattr(publisher, 'fold_seconds', 0.3)
    display.get_received(NS)
    with app.app_context(), db.connection_context():
        for code in ('CT', 'HT', 'CT'):
            tickets.issue_ticket(code)
        assert publisher.busy()               # the fold is pending: nothing has gone out yet
    changed = received(display, 'queue_changed')
    assert len(changed) == 1
    assert changed[0]['changed'] == ['CT', 'HT']
    assert {s['code']: s['waiting'] for s in changed[0]['services']} == {'CT': 2, 'HT': 1}


def test_nothing_is_emitted_for_a_rolled_back_transaction(app, office, display):
    display.get_received(NS)
    with app.app_context(), db.connection_context():
        with pytest.raises(RuntimeError):
            with db.atomic():
                tickets.issue_ticket('CT')
                raise RuntimeError('the outer transaction fails after the ticket was written')
        assert tickets.Ticket.select().count() == 0
    assert display.get_received(NS) == []


def test_boards_only_get_their_lines(app, client, office, tokens):
    with db.connection_context():
        board = Board.create(name='Hộ tịch', service_codes='["HT"]')
    ht_board = socketio.test_client(app, namespace=NS, auth={'token': tokens['display'], 'board': str(board.id)})
    snapshot = received(ht_board, 'snapshot')[0]
    assert [s['code'] for s in snapshot['services']] == ['HT']
    client.post('/api/v1/tickets', json={'service': 'CT', 'print': False}, headers=bearer(tokens['kiosk']))
    client.post('/api/v1/tickets', json={'service': 'HT', 'print': False}, headers=bearer(tokens['kiosk']))
    client.post('/api/v1/counters/1/call-next', headers=bearer(tokens['counter']))
    assert received(ht_board, 'ticket_called') == []
    client.post('/api/v1/counters/3/call-next', headers=bearer(tokens['counter']))
    assert [e['ticket']['number'] for e in received(ht_board, 'ticket_called')] == ['B001']
    unknown = socketio.test_client(app, namespace=NS, auth={'token': tokens['display'], 'board': '999'})
    assert not unknown.is_connected(NS)


def test_a_counter_change_reaches_the_boards_showing_its_tile_or_its_lines(app, client, office, tokens):
    """A board chosen by lines lets its big panel go when a counter serving one of them finishes a citizen."""
    with db.connection_context():
        by_lines = Board.create(name='Hộ tịch', service_codes='["HT"]')
        other = Board.create(name='Quầy 1', service_codes='["CT"]', counter_numbers='[1]')
    boards = {board.name: socketio.test_client(app, namespace=NS, auth={'token': tokens['display'],
                                                                        'board': str(board.id)})
              for board in (by_lines, other)}
    client.post('/api/v1/tickets', json={'service': 'HT', 'print': False}, headers=bearer(tokens['kiosk']))
    called = client.post('/api/v1/counters/3/call-next', headers=bearer(tokens['counter'])).get_json()
    for board in boards.values():
        board.get_received(NS)
    client.post('/api/v1/tickets/%d/complete' % called['id'], headers=bearer(tokens['counter']))
    changed = received(boards['Hộ tịch'], 'counter_changed')
    assert [(e['counter']['number'], e['counter']['current'], e['counter']['services']) for e in changed] == [
        (3, None, ['HT'])]
    assert received(boards['Quầy 1'], 'counter_changed') == []


@pytest.mark.slow
def test_two_processes_share_one_office_through_redis(live_server, tmp_path):
    need(redis_available(), 'Redis is not reachable at %s' % redis_url())
    data = tmp_path / 'shared'
    env = {'LUOT_MESSAGE_QUEUE': redis_url()}
    first = live_server(env=env, data_dir=data)
    second = live_server(env=env, data_dir=data)
    admin, display_token = first.token('admin'), first.token('display')
    api(first, 'POST', '/services', admin, {'code': 'CT', 'name': 'Chứng thực', 'prefix': 'A'})
    api(first, 'POST', '/counters', admin, {'number': 3, 'name': 'Quầy 3', 'services': ['CT']})
    got, ready = [], threading.Event()
    board = socketio_client.Client(reconnection=False)
    board.on('snapshot', lambda data: ready.set(), namespace=NS)
    board.on('ticket_called', lambda data: got.append(data), namespace=NS)
    board.connect(second.url, namespaces=[NS], auth={'token': display_token}, transports=['websocket'],
                  wait_timeout=10)
    try:
        assert ready.wait(10)
        api(first, 'POST', '/tickets', admin, {'service': 'CT', 'print': False})
        assert call_api(first, 'POST', '/counters/3/call-next', admin)[0] == 200
        deadline = time.monotonic() + 10
        while not got and time.monotonic() < deadline:
            time.sleep(0.05)
        assert got and got[0]['announcement']['text'] == 'Mời số A001 đến quầy số 3'
    finally:
        board.disconnect()


def test_settings_and_service_changes_resend_the_snapshot(client, office, tokens, display):
    display.get_received(NS)
    client.patch('/api/v1/settings', json={'board_notice': 'Nghỉ trưa từ 11h30'}, headers=bearer(tokens['admin']))
    snapshots = received(display, 'snapshot')
    assert snapshots and snapshots[-1]['office']['notice'] == 'Nghỉ trưa từ 11h30'
    client.patch('/api/v1/services/HT', json={'active': False}, headers=bearer(tokens['admin']))
    services = {s['code']: s['active'] for s in received(display, 'snapshot')[-1]['services']}
    assert services == {'CT': True, 'HT': False}


@pytest.mark.slow
def test_a_stopped_message_queue_never_holds_up_a_call(live_server):
    """Redis down (nothing listens on its port): issuing and calling still answer at once and the
    failure is logged; calls are published before they answer, so this must not wait."""
    server = live_server(env={'LUOT_MESSAGE_QUEUE': 'redis://127.0.0.1:%d/0' % free_port()})
    admin = server.token('admin')
    assert call_api(server, 'POST', '/services', admin, {'code': 'CT', 'name': 'Chứng thực', 'prefix': 'A'})[0] == 201
    assert call_api(server, 'POST', '/counters', admin, {'number': 3, 'name': 'Quầy 3', 'services': ['CT']})[0] == 201
    assert call_api(server, 'POST', '/tickets', admin, {'service': 'CT', 'print': False})[0] == 201
    started = time.monotonic()
    status, called = call_api(server, 'POST', '/counters/3/call-next', admin)
    assert status == 200 and called['number'] == 'A001'
    assert time.monotonic() - started < 3
    deadline = time.monotonic() + 10
    while 'Cannot publish to redis' not in server.log_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert 'Cannot publish to redis' in server.log_text()
