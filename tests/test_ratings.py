"""Satisfaction (issue 20, point 2): POST /api/v1/ratings by the ticket's track id, once per served ticket, from the
phone page or the counter's tablet; each row records the line, counter and staff member that finished the
ticket; the tablet hears of the tickets its counter finishes over /display; the comment is erased with the
rest of the personal data."""
import datetime
import threading

import pytest
import socketio as socketio_client

from server.api.openapi import spec
from server.db import personal_data
from server.extensions import db, socketio
from server.models import AuditEvent, Counter, Rating, Service, Staff, Ticket
from tests.conftest import bearer, make_staff
from tests.contract import Contract
from tests.helpers import API, api, call_api, csrf_of, issue, log_in_client, wait_for

NOW = datetime.datetime(2026, 6, 1, 3, 0)      # naive UTC, 10:00 in the office


def track_id(ticket):
    return ticket['track_url'].rsplit('/t/', 1)[1]


def rate(client, body, **headers):
    return client.post(API + '/ratings', json=body, headers=headers)


def served(client, tokens, counter=1, service='CT', **fields):
    """A kiosk ticket called to `counter` and finished there; the ticket as issued."""
    ticket = issue(client, tokens['kiosk'], service=service, **fields)
    called = client.post(API + '/counters/%d/call-next' % counter, headers=bearer(tokens['counter'])).get_json()
    assert called['id'] == ticket['id'], called
    done = client.post(API + '/tickets/%d/complete' % ticket['id'], headers=bearer(tokens['counter']))
    assert done.status_code == 200 and done.get_json()['status'] == 'done'
    return ticket


def row_of(app, ticket):
    with app.app_context(), db.connection_context():
        return Rating.select().where(Rating.ticket == ticket['id']).get_or_none()


def test_a_served_ticket_is_rated_once_without_a_token(app, client, office, tokens):
    contract = Contract(spec(app))
    ticket = served(client, tokens)
    answer = rate(client, {'track_id': track_id(ticket), 'score': 4, 'comment': '  Cán bộ nhiệt tình  '})
    assert answer.status_code == 201, answer.get_json()
    contract.check('POST', '/ratings', answer)               # as the OpenAPI document describes it
    assert answer.get_json() == {'number': ticket['number'], 'score': 4, 'label': 'Rất hài lòng',
                                 'comment': 'Cán bộ nhiệt tình', 'source': 'phone',
                                 'created_at': answer.get_json()['created_at']}
    again = rate(client, {'track_id': track_id(ticket), 'score': 1, 'source': 'tablet'})
    assert again.status_code == 409 and again.get_json()['error']['code'] == 'already_rated'
    contract.check('POST', '/ratings', again)
    contract.check('POST', '/ratings', rate(client, {'track_id': 'khong-co-phieu-nay', 'score': 4}))
    contract.check('POST', '/ratings', rate(client, {'track_id': track_id(ticket), 'score': 9}))
    assert 'đã được đánh giá' in again.get_json()['error']['message']
    row = row_of(app, ticket)
    assert (row.score, row.comment, row.source) == (4, 'Cán bộ nhiệt tình', 'phone')   # the first one stays


def test_a_ticket_is_rated_only_once_it_is_done(app, client, office, tokens):
    ticket = issue(client, tokens['kiosk'])
    body = {'track_id': track_id(ticket), 'score': 3}
    waiting = rate(client, body)
    assert waiting.status_code == 409 and waiting.get_json()['error']['code'] == 'not_served'
    assert 'chưa được phục vụ xong' in waiting.get_json()['error']['message']
    client.post(API + '/counters/1/call-next', headers=bearer(tokens['counter']))
    called = rate(client, body, **{'Accept-Language': 'en'})
    assert called.status_code == 409 and called.get_json()['error']['code'] == 'not_served'
    assert called.get_json()['error']['message'] == ('Ticket %s has not been served yet, so it cannot be rated yet.'
                                                     % ticket['number'])
    client.post(API + '/tickets/%d/no-show' % ticket['id'], headers=bearer(tokens['counter']))
    assert rate(client, body).status_code == 409          # absent: not served either
    assert row_of(app, ticket) is None


def test_an_unknown_track_id_is_a_404(client, office, tokens):
    for unknown in ('khong-co-phieu-nay', 'x' * 33, 'x' * 200):
        answer = rate(client, {'track_id': unknown, 'score': 4})
        assert answer.status_code == 404 and answer.get_json()['error']['code'] == 'unknown_ticket'
        assert answer.get_json()['error']['message'] == 'Không tìm thấy số thứ tự này.'


@pytest.mark.parametrize('body, code', [
    ({'score': 4}, 'missing_field'),
    ({'track_id': '', 'score': 4}, 'missing_field'),
    ({'track_id': 7, 'score': 4}, 'invalid_type'),
    ({'track_id': 'T'}, 'missing_field'),
    ({'track_id': 'T', 'score': 0}, 'out_of_range'),
    ({'track_id': 'T', 'score': 5}, 'out_of_range'),
    ({'track_id': 'T', 'score': '4'}, 'invalid_type'),
    ({'track_id': 'T', 'score': 3.5}, 'invalid_type'),
    ({'track_id': 'T', 'score': True}, 'invalid_type'),
    ({'track_id': 'T', 'score': 4, 'comment': 'a' * 501}, 'too_long'),
    ({'track_id': 'T', 'score': 4, 'comment': ['hay']}, 'invalid_type'),
    ({'track_id': 'T', 'score': 4, 'source': 'kiosk'}, 'invalid_source'),
    ({'track_id': 'T', 'score': 4, 'source': 3}, 'invalid_source'),
])
def test_bad_bodies_are_400s_in_vietnamese_and_english(app, client, office, tokens, body, code):
    ticket = served(client, tokens)
    body = {key: track_id(ticket) if value == 'T' else value for key, value in body.items()}
    answer = rate(client, body)
    assert answer.status_code == 400 and answer.get_json()['error']['code'] == code, answer.get_json()
    vietnamese = answer.get_json()['error']['message']
    english = rate(client, body, **{'Accept-Language': 'en'}).get_json()['error']['message']
    assert vietnamese != english and any(ch in vietnamese for ch in 'ạảãàáâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ')
    assert row_of(app, ticket) is None


@pytest.mark.parametrize('data, content_type', [('{"track_id": ', 'application/json'), ('[1, 2]', 'application/json'),
                                                ('track_id=x&score=4', 'application/x-www-form-urlencoded')])
def test_malformed_bodies_are_400s(client, office, data, content_type):
    answer = client.post(API + '/ratings', data=data, content_type=content_type)
    assert answer.status_code == 400 and answer.get_json()['error']['code'] == 'invalid_json'


def test_a_comment_of_500_characters_is_kept_whole(app, client, office, tokens):
    ticket = served(client, tokens)
    comment = 'Ổn ' * 166 + 'ạh'
    assert len(comment) == 500
    assert rate(client, {'track_id': track_id(ticket), 'score': 2, 'comment': comment}).status_code == 201
    assert row_of(app, ticket).comment == comment


def test_rows_record_the_service_counter_and_staff_that_finished(app, client, office, tokens):
    make_staff('lan', 'counter')
    log_in_client(client, 'lan')
    csrf = {'X-CSRFToken': csrf_of(client)}
    ticket = issue(client, tokens['kiosk'], service='CT')
    first = client.post(API + '/counters/1/call-next', headers=csrf)
    assert first.status_code == 200 and first.get_json()['id'] == ticket['id']
    moved = client.post(API + '/tickets/%d/transfer' % ticket['id'], json={'service': 'HT', 'counter': 1},
                        headers=csrf)
    assert moved.status_code == 200 and moved.get_json()['status'] == 'waiting'
    client.post('/logout', data={'csrf_token': csrf['X-CSRFToken']})   # counter 3 finishes it, by its token
    assert rate(client, {'track_id': track_id(ticket), 'score': 3}).status_code == 409   # moved: not served yet
    client.post(API + '/counters/3/call-next', headers=bearer(tokens['counter']))
    client.post(API + '/tickets/%d/complete' % ticket['id'], headers=bearer(tokens['counter']))
    assert rate(client, {'track_id': track_id(ticket), 'score': 3, 'source': 'tablet'}).status_code == 201
    with app.app_context(), db.connection_context():
        row = Rating.get(Rating.ticket == ticket['id'])
        assert row.service_id == Service.by_code('HT').id and row.counter_id == Counter.get(Counter.number == 3).id
        assert row.staff_id is None and row.source == 'tablet'     # a token, not a person, served at counter 3
        assert Rating.select().count() == 1


def test_rows_record_the_staff_member_who_served(app, client, office, tokens):
    staff = make_staff('hoa', 'counter')
    log_in_client(client, 'hoa')
    csrf = {'X-CSRFToken': csrf_of(client)}
    ticket = issue(client, tokens['kiosk'], service='HT')
    assert client.post(API + '/counters/2/call-next', headers=csrf).get_json()['id'] == ticket['id']
    done = client.post(API + '/tickets/%d/complete' % ticket['id'], json={'counter': 2}, headers=csrf)
    assert done.status_code == 200
    # The clerk's own phone (a session cookie) must send the CSRF token like any other write.
    refused = rate(client, {'track_id': track_id(ticket), 'score': 4})
    assert refused.status_code == 400 and refused.get_json()['error']['code'] == 'csrf_failed'
    assert rate(client, {'track_id': track_id(ticket), 'score': 4}, **csrf).status_code == 201
    with app.app_context(), db.connection_context():
        row = Rating.get(Rating.ticket == ticket['id'])
        assert row.staff_id == staff.id and row.counter_id == Counter.get(Counter.number == 2).id
        assert row.service_id == Service.by_code('HT').id and Staff.get_by_id(row.staff_id).username == 'hoa'


def test_the_phone_page_knows_when_to_ask(app, client, office, tokens):
    ticket = issue(client, tokens['kiosk'])
    path = '/t/%s' % track_id(ticket)
    assert client.get(path + '.json').get_json()['rating'] is None
    assert 'Ông/bà có hài lòng' in client.get(path).get_data(as_text=True)   # in the page, hidden until served
    client.post(API + '/counters/1/call-next', headers=bearer(tokens['counter']))
    client.post(API + '/tickets/%d/complete' % ticket['id'], headers=bearer(tokens['counter']))
    assert client.get(path + '.json').get_json()['rating'] == 'open'
    assert rate(client, {'track_id': track_id(ticket), 'score': 2}).status_code == 201
    assert client.get(path + '.json').get_json()['rating'] == 'rated'


# The tablet at a counter: /display with a kiosk's token and {"rating_counter": N}.

NS = '/display'


def tablet(app, token, counter):
    return socketio.test_client(app, namespace=NS, auth={'token': token, 'rating_counter': counter})


def events_of(client, namespace=NS):
    return [(e['name'], e['args'][0]) for e in client.get_received(namespace)]


def test_only_the_counters_tablet_hears_of_the_tickets_it_finishes(app, client, office, tokens, display):
    first, third = tablet(app, tokens['kiosk'], 1), tablet(app, tokens['kiosk'], 3)
    assert first.is_connected(NS) and third.is_connected(NS)
    assert events_of(first) == [] and events_of(third) == []      # no snapshot: a tablet shows no queue
    display.get_received(NS)
    ticket = served(client, tokens, counter=1, name='Nguyễn Văn An', phone='0905123456')
    assert events_of(first) == [('rating_asked', {'ticket': {'number': ticket['number'],
                                                             'track_id': track_id(ticket)}})]
    assert events_of(third) == []                                 # nothing of queues, calls or other counters
    assert 'rating_asked' not in [name for name, _args in events_of(display)]
    assert rate(client, {'track_id': track_id(ticket), 'score': 4}).status_code == 201
    assert events_of(first) == [('rating_recorded', {'ticket': {'number': ticket['number'],
                                                                'track_id': track_id(ticket)}})]


def test_call_next_finishing_a_citizen_asks_too_and_an_absent_one_is_not_asked(app, client, office, tokens):
    third = tablet(app, tokens['kiosk'], 3)
    one, two, three = (issue(client, tokens['kiosk'], service='HT') for _ in range(3))
    counter = bearer(tokens['counter'])
    client.post(API + '/counters/3/call-next', headers=counter)
    client.post(API + '/counters/3/call-next', headers=counter)               # one is done: asked
    client.post(API + '/counters/3/call-next', json={'finish_current': 'no_show'}, headers=counter)  # two absent
    asked = [args['ticket']['number'] for name, args in events_of(third) if name == 'rating_asked']
    assert asked == [one['number']]
    assert rate(client, {'track_id': track_id(two), 'score': 1}).status_code == 409
    assert three['number'] not in asked


def test_a_tablet_must_be_a_kiosk_or_admin_of_a_known_counter(app, office, tokens):
    for token, counter in ((tokens['display'], 1), (tokens['counter'], 1), (tokens['kiosk'], 9),
                           (tokens['kiosk'], '1'), (tokens['kiosk'], True), (tokens['kiosk'], None), ('wrong', 1)):
        refused = tablet(app, token, counter)
        assert not refused.is_connected(NS), (token, counter)
    assert tablet(app, tokens['admin'], 2).is_connected(NS)


def test_a_rating_tells_the_phone_page_to_read_again(app, client, office, tokens):
    ticket = served(client, tokens)
    phone = socketio.test_client(app, namespace='/track', auth={'track': track_id(ticket)})
    assert phone.is_connected('/track')
    phone.get_received('/track')
    assert rate(client, {'track_id': track_id(ticket), 'score': 3}).status_code == 201
    assert ('ticket_changed', {'status': 'done'}) in events_of(phone, '/track')


def test_a_tablet_is_paired_for_its_counter_by_code(app, client, office, tokens):
    admin = bearer(tokens['admin'])
    checked = client.post('/pair/check', headers={'X-CSRFToken': 'x'})
    if checked.status_code == 400:   # the pairing page sends its CSRF token: fetch it as the page does
        page = client.get('/pair').get_data(as_text=True)
        token = page.split('name="csrf-token" content="')[1].split('"')[0]
        checked = client.post('/pair/check', headers={'X-CSRFToken': token})
    code = checked.get_json()['code']
    unknown = client.post(API + '/devices/pair', headers=admin,
                          json={'code': code, 'role': 'kiosk', 'name': 'Máy đánh giá quầy 9', 'counter': 9})
    assert unknown.status_code == 404 and unknown.get_json()['error']['code'] == 'unknown_counter'
    paired = client.post(API + '/devices/pair', headers=admin,
                         json={'code': code, 'role': 'kiosk', 'name': 'Máy đánh giá quầy 2', 'counter': 2})
    assert paired.status_code == 201 and paired.get_json()['page'] == '/rate?counter=2'
    assert paired.get_json()['role'] == 'kiosk' and paired.get_json()['printer_id'] is None


def test_the_tablet_page_is_for_a_paired_device_and_a_known_counter(app, client, office, tokens):
    assert client.get('/rate?counter=1').status_code == 302                        # a stranger: the login page
    paired = client.get('/rate?counter=1&token=' + tokens['kiosk'])
    assert paired.status_code == 302 and paired.headers['Location'].endswith('/rate?counter=1')
    page = client.get('/rate?counter=1')
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'Mời ông/bà đánh giá sau khi được phục vụ' in html and 'Quầy 1' in html
    for bad in ('9', 'x', '0', '1000'):
        missing = client.get('/rate?counter=' + bad)
        assert missing.status_code == 404 and 'Không có quầy số' in missing.get_data(as_text=True)
    board = app.test_client()
    board.get('/display?token=' + tokens['display'])
    assert board.get('/rate?counter=1').status_code == 403


# The comment is the citizen's own words: erased with the rest of the personal data.

def rated_at(app, moment, comment, phone=None):
    from server.queueing import tickets
    with app.app_context(), db.connection_context():
        ticket = tickets.issue_ticket('CT', phone=phone, now=moment)
        with db.atomic():
            Ticket.update(status='done', finished_at=moment, counter=Counter.get(Counter.number == 1)).where(
                Ticket.id == ticket.id).execute()
        return Rating.create(ticket=ticket.id, score=1, comment=comment, created_at=moment).id


def test_comments_are_erased_after_the_retention_period_and_the_scores_stay(app, office):
    old = rated_at(app, NOW - datetime.timedelta(days=91), 'Chờ quá lâu, cán bộ Nguyễn Văn An khó chịu')
    recent = rated_at(app, NOW - datetime.timedelta(days=89), 'Phòng chờ nóng')
    with app.app_context(), db.connection_context():
        counts = personal_data.purge(now=NOW)
        assert counts['ratings'] == 1 and sum(counts.values()) == 1
        assert Rating.get_by_id(old).comment == '' and Rating.get_by_id(old).score == 1
        assert Rating.get_by_id(recent).comment == 'Phòng chờ nóng'
        assert personal_data.purge(now=NOW)['ratings'] == 0
        assert AuditEvent.select().where(AuditEvent.action == 'personal_data_purged').count() == 1


def test_a_citizens_erasure_takes_their_comments_too(app, client, office, tokens):
    mine = rated_at(app, NOW, 'Số của tôi 0905123456', phone='0905123456')
    other = rated_at(app, NOW, 'Tốt', phone='0912345678')
    answer = client.post(API + '/personal-data/erase', json={'phone': '0905123456'}, headers=bearer(tokens['admin']))
    assert answer.status_code == 200 and answer.get_json()['erased']['ratings'] == 1
    with app.app_context(), db.connection_context():
        assert Rating.get_by_id(mine).comment == '' and Rating.get_by_id(other).comment == 'Tốt'


def test_a_real_tablet_client_hears_its_counter_over_the_network(live_server):
    server = live_server(demo=True)
    kiosk, counter = server.token('kiosk'), server.token('counter')
    heard, connected = [], threading.Event()
    device = socketio_client.Client(reconnection=False)
    device.on('connect', connected.set, namespace=NS)
    for name in ('rating_asked', 'rating_recorded', 'snapshot', 'queue_changed', 'ticket_called'):
        device.on(name, lambda data, name=name: heard.append((name, data)), namespace=NS)
    device.connect(server.url, namespaces=[NS], auth={'token': kiosk, 'rating_counter': 3},
                   transports=['websocket'], wait_timeout=10)
    try:
        assert connected.wait(10)
        ticket = api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False, 'name': 'Lê Văn Cường'})
        api(server, 'POST', '/counters/3/call-next', counter)
        api(server, 'POST', '/tickets/%d/complete' % ticket['id'], counter)
        assert wait_for(lambda: heard)
        assert heard == [('rating_asked', {'ticket': {'number': ticket['number'], 'track_id': track_id(ticket)}})]
        assert call_api(server, 'POST', '/ratings', kiosk, {'track_id': track_id(ticket), 'score': 4,
                                                            'source': 'tablet'})[0] == 201
        assert wait_for(lambda: len(heard) == 2)
        assert heard[1] == ('rating_recorded', {'ticket': {'number': ticket['number'],
                                                           'track_id': track_id(ticket)}})
    finally:
        device.disconnect()
    refused = socketio_client.Client(reconnection=False)
    with pytest.raises(socketio_client.exceptions.ConnectionError):
        refused.connect(server.url, namespaces=[NS], auth={'token': server.token('display'), 'rating_counter': 3},
                        transports=['websocket'], wait_timeout=10)


def test_the_tablet_page_opened_bare_offers_the_counters(app, client, office, tokens):
    client.get('/rate?token=' + tokens['kiosk'])
    html = client.get('/rate').get_data(as_text=True)
    assert 'Máy đánh giá này đặt ở quầy nào?' in html and 'rate.js' not in html
    assert all('/rate?counter=%d' % n in html for n in (1, 2, 3))


def test_a_tablet_that_connects_just_after_its_counter_finished_asks_at_once(app, client, office, tokens):
    ticket = served(client, tokens, counter=1)
    late = tablet(app, tokens['kiosk'], 1)      # its link came back a moment after the counter finished
    assert events_of(late) == [('rating_asked', {'ticket': {'number': ticket['number'],
                                                            'track_id': track_id(ticket)}})]
    assert events_of(tablet(app, tokens['kiosk'], 2)) == []              # not the other counters' tablets
    assert rate(client, {'track_id': track_id(ticket), 'score': 4}).status_code == 201
    assert events_of(tablet(app, tokens['kiosk'], 1)) == []              # rated: nothing to ask
    older = served(client, tokens, counter=1)
    with app.app_context(), db.connection_context():
        finished = Ticket.get_by_id(older['id']).finished_at
        Ticket.update(finished_at=finished - datetime.timedelta(seconds=61)).where(Ticket.id == older['id']).execute()
    assert events_of(tablet(app, tokens['kiosk'], 1)) == []              # a minute ago: that citizen has gone
