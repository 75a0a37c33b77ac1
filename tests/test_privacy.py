"""Citizens' names and phone numbers stay with staff: every GET of the OpenAPI document, every page
and every Socket.IO event open to a kiosk, a board or no login at all, with named tickets, bookings and
files in the office, carries no full name and no phone; the logs hold neither. With announce_names on,
the spoken name reaches boards only (in the callout), never kiosks, URLs or logs."""
import json
import logging
import re

import pytest

from server import settings
from server.extensions import db, socketio
from tests.conftest import bearer, open_weekday

API = '/api/v1'
NAME = 'Nguyễn Văn Hoàng'
OTHER_NAME = 'Trần Thị Bích'
PHONE = '0905123456'
# The phone in every shape a page or payload could carry it.
PHONE_SHAPES = (PHONE, PHONE[1:], '84' + PHONE[1:], '090 512 3456', '0905 123 456')
DEVICE_ROLES = ('kiosk', 'display')


def leaks(text):
    """The personal data found in a text: a full name or any shape of the phone number."""
    found = [name for name in (NAME, OTHER_NAME, NAME.split()[-1] + ' ' + NAME.split()[0]) if name in text]
    digits = re.sub(r'\D', '', text)
    found += [shape for shape in PHONE_SHAPES if shape in text]
    if PHONE[1:] in digits:
        found.append('phone digits')
    return found


def readable(response):
    """The answer as text, JSON decoded (Flask escapes non-ASCII in JSON)."""
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return response.get_data(as_text=True)


@pytest.fixture
def named_office(app, client, office, tokens):
    """Named tickets (one called, one waiting), a booking and a file ready, all with the same phone."""
    desk = bearer(tokens['desk'])
    called = client.post(API + '/tickets', json={'service': 'CT', 'name': NAME, 'phone': PHONE, 'print': False},
                         headers=desk).get_json()
    waiting = client.post(API + '/tickets', json={'service': 'HT', 'name': OTHER_NAME, 'phone': PHONE,
                                                  'print': False}, headers=desk).get_json()
    assert client.post(API + '/counters/1/call-next', headers=bearer(tokens['counter'])).status_code == 200
    booked = client.post(API + '/appointments', headers=bearer(tokens['hotline']), json={
        'service': 'CT', 'date': open_weekday().isoformat(), 'start': '08:00', 'name': NAME, 'phone': PHONE,
        'source': 'hotline'}).get_json()
    assert client.post(API + '/dossiers', headers=bearer(tokens['desk']),
                       json={'code': 'HS-9', 'name': NAME, 'phone': PHONE}).status_code == 201
    track = called['track_url'].rsplit('/', 1)[1]
    return {'ticket': called, 'waiting': waiting, 'appointment': booked, 'track': track}


def openapi_gets(client):
    doc = client.get(API + '/openapi.json').get_json()
    return [path for path, operations in doc['paths'].items() if 'get' in operations]


def concrete(path, named):
    values = {'ticket_id': named['ticket']['id'], 'number': 1, 'code': named['appointment']['code']}
    if '/dossiers/' in path:   # the file's status, open to anyone holding its code
        values['code'] = 'HS-9'
    return re.sub(r'\{(\w+)\}', lambda m: str(values.get(m.group(1), 1)), path)   # other ids: the first row


def test_no_get_of_the_openapi_document_gives_personal_data_to_devices_or_strangers(app, client, tokens,
                                                                                    named_office):
    staff_view = client.get(API + '/counters', headers=bearer(tokens['admin']))
    assert NAME in readable(staff_view) and PHONE in readable(staff_view)   # the data is there to leak
    paths = openapi_gets(client)
    assert API + '/counters' in paths and API + '/tickets/{ticket_id}' in paths and len(paths) > 15
    answered = 0
    for role in DEVICE_ROLES + (None,):
        headers = bearer(tokens[role]) if role else {}
        for path in paths:
            url = concrete(path, named_office)
            for query in ('', '?q=' + NAME, '?phone=' + PHONE, '?board=all'):
                response = client.get(url + query, headers=headers)
                assert response.status_code < 500, (role, url + query)
                if response.status_code == 200:
                    answered += 1
                    assert leaks(readable(response)) == [], (role, url + query)
    assert answered >= 4 * 4  # /counters, /queue, /tickets/{id}, /services at least, for each device role


def test_the_issuing_kiosk_gets_the_track_link_but_no_name_or_phone(client, office, tokens):
    answer = client.post(API + '/tickets', json={'service': 'CT', 'name': NAME, 'phone': PHONE, 'print': False,
                                                 'priority': True}, headers=bearer(tokens['kiosk'])).get_json()
    assert answer['track_url'].startswith('http') and '/t/' in answer['track_url']
    assert answer['name'] == 'Nguyễn V. H' and 'phone' not in answer and leaks(json.dumps(answer,
                                                                                            ensure_ascii=False)) == []
    staff = client.get(API + '/tickets/%d' % answer['id'], headers=bearer(tokens['desk'])).get_json()
    assert staff['name'] == NAME and staff['phone'] == PHONE


def page_rules(app):
    """Every GET page (not the API, not static files)."""
    for rule in app.url_map.iter_rules():
        if 'GET' in rule.methods and not rule.rule.startswith(('/api/', '/static', '/display/static')):
            yield rule


def test_no_page_gives_personal_data_to_devices_or_strangers(app, named_office, tokens):
    for role in DEVICE_ROLES + (None,):
        client = app.test_client()
        if role:
            assert client.get('/%s?token=%s' % ('kiosk' if role == 'kiosk' else 'display', tokens[role])
                              ).status_code == 302
        for rule in page_rules(app):
            url = re.sub(r'<(?:\w+:)?track_id>', named_office['track'], rule.rule)
            if '<' in url:
                continue
            response = client.get(url)
            assert response.status_code < 500, (role, url)
            if response.status_code == 200 and response.mimetype != 'audio/wav':
                assert leaks(response.get_data(as_text=True)) == [], (role, url)


def received_text(received, drop_callout=False):
    events = []
    for packet in received:
        args = json.loads(json.dumps(packet['args'], ensure_ascii=False, default=str))
        if drop_callout:
            for arg in args:
                if isinstance(arg, dict):
                    arg.pop('announcement', None)
                    for call in arg.get('recent') or []:
                        call.pop('announcement', None)
        events.append(packet['name'] + ' ' + json.dumps(args, ensure_ascii=False))
    return '\n'.join(events)


def every_event(app, client, tokens, named):
    """Make the server send every kind of event of the queue."""
    counter, desk, admin = bearer(tokens['counter']), bearer(tokens['desk']), bearer(tokens['admin'])
    ticket_id = named['ticket']['id']
    again = client.post(API + '/tickets', json={'service': 'CT', 'name': NAME, 'phone': PHONE, 'print': False},
                        headers=desk).get_json()
    for path, body in (('/tickets/%d/recall' % ticket_id, None), ('/tickets/%d/start' % ticket_id, None),
                       ('/tickets/%d/complete' % ticket_id, None)):
        assert client.post(API + path, json=body, headers=counter).status_code == 200, path
    assert client.post(API + '/counters/2/call-next', headers=counter).status_code == 200
    assert client.post(API + '/counters/1/call-next', headers=counter).get_json()['id'] == again['id']
    assert client.post(API + '/tickets/%d/transfer' % again['id'], json={'service': 'HT'},
                       headers=counter).status_code == 200
    assert client.post(API + '/counters/3/call-next', headers=counter).status_code == 200
    assert client.patch(API + '/settings', json={'board_notice': 'Xin chào'}, headers=admin).status_code == 200
    assert client.post(API + '/dossiers', headers=desk, json={'code': 'HS-10', 'name': NAME, 'phone': PHONE}
                       ).status_code == 201


@pytest.mark.parametrize('announce_names', [False, True])
def test_no_event_gives_personal_data_to_kiosks_boards_or_phones(app, client, tokens, named_office, caplog,
                                                                  announce_names):
    with app.app_context(), db.connection_context():    # the app's own change: its cached settings follow at once
        settings.put('announce_names', announce_names)
    kiosk = socketio.test_client(app, namespace='/display', auth={'token': tokens['kiosk']})
    board = socketio.test_client(app, namespace='/display', auth={'token': tokens['display']})
    phone = socketio.test_client(app, namespace='/track', auth={'track': named_office['track']})
    # As `run.py` logs: our own modules from INFO, libraries (peewee's SQL with its values) from WARNING.
    caplog.set_level(logging.WARNING)
    for name in ('server', 'display', 'printer'):
        caplog.set_level(logging.INFO, logger=name)
    with caplog.at_level(logging.INFO, logger='server'):
        every_event(app, client, tokens, named_office)
        seen = {'kiosk': kiosk.get_received('/display'), 'board': board.get_received('/display'),
                'phone': phone.get_received('/track')}
    names = {who: {packet['name'] for packet in packets} for who, packets in seen.items()}
    assert {'snapshot', 'ticket_called', 'queue_changed', 'counter_changed'} <= names['board']
    assert {'snapshot', 'queue_changed'} <= names['kiosk'] and 'ticket_called' not in names['kiosk']
    assert 'ticket_changed' in names['phone']
    for who in ('kiosk', 'board', 'phone'):
        assert leaks(received_text(seen[who], drop_callout=who == 'board')) == [], who
    spoken = received_text(seen['board'])
    assert (NAME in spoken) is announce_names   # the callout says the name only when the office wants it
    assert PHONE not in spoken
    assert leaks(caplog.text) == []
    for client_ in (kiosk, board, phone):
        client_.disconnect(namespace='/track' if client_ is phone else '/display')
