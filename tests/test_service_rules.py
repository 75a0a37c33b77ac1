"""The office set-up rules of issue 16: one prefix per service, no null for a column that needs a value,
no ticket nobody would call, closing a service or a counter never strands a citizen."""
import datetime

import pytest

from server import create_app
from server.booking import appointments
from server.clock import utc_from_local
from server.extensions import db
from server.labels import field_label
from server.models import Appointment, Service
from tests.conftest import bearer, make_counter, open_weekday
from tests.helpers import book_now, call_api, log_in_page

API = '/api/v1'


def error_of(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()['error']
    assert error['code'] == code and error['message']
    return error['message']


def issue(client, tokens, service='CT'):
    return client.post(API + '/tickets', json={'service': service, 'print': False}, headers=bearer(tokens['desk']))


def call(client, tokens, counter):
    return client.post(API + '/counters/%d/call-next' % counter, headers=bearer(tokens['counter']))


def patch(client, tokens, path, body):
    return client.patch(API + path, json=body, headers=bearer(tokens['admin']))


# One prefix per service ------------------------------------------------------------------------

def test_a_new_service_cannot_take_a_prefix_in_use_in_any_case(client, office, tokens):
    admin = bearer(tokens['admin'])
    for prefix in ('A', 'a'):
        message = error_of(client.post(API + '/services', headers=admin, json={
            'code': 'LT', 'name': 'Lý lịch tư pháp', 'prefix': prefix}), 409, 'duplicate_prefix')
        assert '"A"' in message and 'Chứng thực' in message
    assert client.post(API + '/services', headers=admin, json={'code': 'CT', 'name': 'Lại', 'prefix': 'A'}) \
        .get_json()['error']['code'] == 'duplicate_service'   # the same service again: its code is the news
    created = client.post(API + '/services', headers=admin, json={'code': 'LT', 'name': 'Lý lịch', 'prefix': 'c'})
    assert created.status_code == 201 and created.get_json()['prefix'] == 'C'
    codes = [s['code'] for s in client.get(API + '/services', headers=admin).get_json()]
    assert sorted(codes) == ['CT', 'HT', 'LT']


def test_a_service_cannot_change_to_a_prefix_in_use(client, office, tokens):
    message = error_of(patch(client, tokens, '/services/HT', {'prefix': 'a', 'name': 'Hộ tịch mới'}), 409,
                       'duplicate_prefix')
    assert 'Chứng thực' in message
    service = client.get(API + '/services', headers=bearer(tokens['admin'])).get_json()
    assert {s['code']: (s['prefix'], s['name']) for s in service}['HT'] == ('B', 'Hộ tịch')   # nothing changed
    assert patch(client, tokens, '/services/CT', {'prefix': 'a'}).status_code == 200   # its own prefix
    assert patch(client, tokens, '/services/HT', {'prefix': 'D'}).get_json()['prefix'] == 'D'
    assert issue(client, tokens, 'HT').get_json()['number'] == 'D001'


def legacy_pair(app):
    """What an older version allowed: a second service numbered with A, served by a counter of its own."""
    with app.app_context(), db.connection_context():
        Service.create(code='LT', name='Lý lịch tư pháp', prefix='A')
    make_counter(4, ['LT'])


def test_a_database_with_a_shared_prefix_still_works_and_the_console_warns(app_config, app, client, office, tokens):
    legacy_pair(app)
    restarted = create_app(app_config)   # starting on such a database is no problem
    client = restarted.test_client()
    admin = bearer(tokens['admin'])
    for page in ('/admin', '/admin/services'):
        html = client.get(page, headers=admin).get_data(as_text=True)
        assert 'id="shared-prefixes"' in html and 'Nhiều lĩnh vực dùng chung ký hiệu' in html
        assert 'Chứng thực (CT), Lý lịch tư pháp (LT)' in html and 'Hộ tịch (HT)' not in html
    assert [issue(client, tokens, code).get_json()['number'] for code in ('CT', 'LT')] == ['A001', 'A001']
    assert call(client, tokens, 4).get_json()['service'] == 'LT'
    assert patch(client, tokens, '/services/LT', {'prefix': 'L'}).status_code == 200
    for page in ('/admin', '/admin/services'):
        assert 'shared-prefixes' not in client.get(page, headers=admin).get_data(as_text=True)


def test_the_console_warning_is_in_english_too(app, client, office, tokens):
    legacy_pair(app)
    client.set_cookie('lang', 'en')
    html = client.get('/admin/services', headers=bearer(tokens['admin'])).get_data(as_text=True)
    assert 'Several services share a prefix' in html


# No null for a column that needs a value ------------------------------------------------------

@pytest.fixture
def rows(client, office, tokens):
    """One of each thing the admin API changes, with its path."""
    admin = bearer(tokens['admin'])
    board = client.post(API + '/boards', headers=admin, json={'name': 'Sảnh'}).get_json()
    printer = client.post(API + '/printers', headers=admin, json={'name': 'Máy in', 'uri': 'dummy://'}).get_json()
    staff = client.post(API + '/staff', headers=admin, json={'username': 'lan', 'role': 'desk',
                                                             'password': 'mat-khau-1'}).get_json()
    procedure = client.post(API + '/procedures', headers=admin, json={'service': 'CT', 'name': 'Sao y'}).get_json()
    return {'board': '/boards/%d' % board['id'], 'printer': '/printers/%d' % printer['id'],
            'staff': '/staff/%d' % staff['id'], 'procedure': '/procedures/%d' % procedure['id']}


NEW = {
    '/services': ({'code': 'LT', 'name': 'Lý lịch', 'prefix': 'L'},
                  ('code', 'name', 'prefix', 'description', 'active', 'sort_order', 'bookable', 'slot_minutes',
                   'slot_capacity')),
    '/counters': ({'number': 9, 'name': 'Quầy 9', 'services': ['CT']}, ('number', 'name', 'services')),
    '/boards': ({'name': 'Tầng 2'}, ('name', 'services', 'counters', 'notice')),
    '/printers': ({'name': 'Máy in 2', 'uri': 'dummy://'}, ('name', 'uri', 'paper_width')),
    '/staff': ({'username': 'hoa', 'role': 'desk', 'password': 'mat-khau-1'},
               ('username', 'full_name', 'role', 'active', 'password')),
}
CHANGES = {
    '/services/CT': ('name', 'prefix', 'description', 'active', 'sort_order', 'bookable', 'slot_minutes',
                     'slot_capacity'),
    '/counters/1': ('name', 'active', 'paused', 'services'),
    'board': ('name', 'services', 'counters', 'notice'),
    'printer': ('name', 'uri', 'paper_width'),
    'staff': ('full_name', 'role', 'active', 'password'),
    'procedure': ('name', 'active'),
    '/settings': ('office_name', 'priority_max_in_row', 'announce_names'),
}


@pytest.mark.parametrize('path, field', [(p, f) for p, (_body, fields) in NEW.items() for f in fields])
def test_null_in_a_new_row_is_a_clear_400(client, rows, tokens, path, field):
    body, _fields = NEW[path]
    message = error_of(client.post(API + path, headers=bearer(tokens['admin']), json=dict(body, **{field: None})),
                       400, 'null_field')
    assert '"%s"' % named(client, field, 'vi') in message and 'null' in message   # its name, not its key
    assert client.post(API + path, headers=bearer(tokens['admin']), json=body).status_code == 201


def named(client, field, language):
    """What a refusal calls a field (server/labels.py), in a language."""
    with client.application.test_request_context(API, headers={'Accept-Language': language}):
        return field_label(field)


def everything(client, headers):
    return [client.get(API + path, headers=headers).get_json()
            for path in ('/services', '/counters', '/boards', '/printers', '/staff', '/procedures', '/settings')]


@pytest.mark.parametrize('path, field', [(p, f) for p, fields in CHANGES.items() for f in fields])
def test_null_in_a_change_is_a_clear_400_and_changes_nothing(client, rows, tokens, path, field):
    admin = bearer(tokens['admin'], **{'Accept-Language': 'en'})
    before = everything(client, admin)
    message = error_of(client.patch(API + rows.get(path, path), headers=admin, json={field: None}), 400,
                       'null_field')
    assert message == 'The field "%s" cannot be null: leave the field out or send a value.' % named(client, field, 'en')
    assert everything(client, admin) == before


def test_sort_order_null_was_a_500(client, office, tokens):
    """The report of issue 16: PATCH {"sort_order": null} broke the NOT NULL constraint."""
    error_of(patch(client, tokens, '/services/CT', {'sort_order': None, 'name': 'Chứng thực bản sao'}), 400,
             'null_field')
    assert patch(client, tokens, '/services/CT', {'sort_order': 7}).get_json()['sort_order'] == 7


# No ticket that no open counter would call -----------------------------------------------------

def test_a_service_without_an_open_counter_issues_no_ticket(client, office, tokens, display):
    admin = bearer(tokens['admin'])
    assert client.post(API + '/services', headers=admin, json={
        'code': 'LT', 'name': 'Lý lịch tư pháp', 'prefix': 'L'}).status_code == 201
    message = error_of(issue(client, tokens, 'LT'), 409, 'no_counter')
    assert 'Lý lịch tư pháp' in message
    lines = {s['code']: s['served'] for s in client.get(API + '/queue', headers=admin).get_json()['services']}
    assert lines == {'CT': True, 'HT': True, 'LT': False}

    display.get_received('/display')
    assert client.post(API + '/counters', headers=admin, json={'number': 4, 'services': ['LT']}).status_code == 201
    # Kiosks follow the lines through /display: a new counter makes the line takeable at once.
    changes = [e['args'][0] for e in display.get_received('/display') if e['name'] == 'queue_changed']
    assert changes and {s['code']: s['served'] for s in changes[-1]['services']}['LT'] is True
    ticket = issue(client, tokens, 'LT').get_json()
    assert ticket['number'] == 'L001' and call(client, tokens, 4).get_json()['id'] == ticket['id']
    assert client.post(API + '/tickets/%d/complete' % ticket['id'], headers=bearer(tokens['counter'])) \
        .status_code == 200
    assert patch(client, tokens, '/counters/4', {'active': False}).status_code == 200
    changes = [e['args'][0] for e in display.get_received('/display') if e['name'] == 'queue_changed']
    assert changes and {s['code']: s['served'] for s in changes[-1]['services']}['LT'] is False
    error_of(issue(client, tokens, 'LT'), 409, 'no_counter')

    # A paused counter still serves its lines (its staff come back); taking a line away is like closing.
    assert client.patch(API + '/counters/1', json={'paused': True}, headers=bearer(tokens['counter'])) \
        .status_code == 200
    assert patch(client, tokens, '/counters/2', {'services': ['HT']}).status_code == 200
    assert issue(client, tokens, 'CT').status_code == 201
    assert patch(client, tokens, '/counters/1', {'services': []}).status_code == 200
    error_of(issue(client, tokens, 'CT'), 409, 'no_counter')


def test_appointment_check_in_waits_for_an_open_counter(app, client, office, tokens):
    """The booking stays, so the citizen checks in once a counter of the service opens."""
    slot = datetime.datetime.combine(open_weekday(), datetime.time(9, 0))
    code = book_now(app, slot)
    for number in (1, 2):   # the counters of CT
        assert patch(client, tokens, '/counters/%d' % number, {'active': False}).status_code == 200
    with app.app_context(), db.connection_context():
        with pytest.raises(appointments.Conflict) as refused:
            appointments.check_in(code, now=utc_from_local(slot - datetime.timedelta(minutes=10)))
        assert refused.value.code == 'no_counter'
        assert Appointment.get(Appointment.code == code).status == 'booked'
    assert patch(client, tokens, '/counters/2', {'active': True}).status_code == 200
    with app.app_context(), db.connection_context():
        ticket = appointments.check_in(code, now=utc_from_local(slot - datetime.timedelta(minutes=10)))
        assert ticket.number == 'A001' and Appointment.get(Appointment.code == code).status == 'checked_in'


# Closing a service or a counter strands nobody ---------------------------------------------------

def test_a_closed_service_keeps_its_line_callable(client, office, tokens):
    first, second = (issue(client, tokens).get_json() for _ in range(2))
    assert patch(client, tokens, '/services/CT', {'active': False}).get_json()['active'] is False
    error_of(issue(client, tokens), 409, 'service_closed')
    queue = client.get(API + '/queue', headers=bearer(tokens['desk'])).get_json()
    assert {s['code']: s['waiting'] for s in queue['services']}['CT'] == 2
    assert call(client, tokens, 1).get_json()['id'] == first['id']
    assert call(client, tokens, 2).get_json()['id'] == second['id']
    error_of(call(client, tokens, 1), 409, 'queue_empty')
    error_of(issue(client, tokens), 409, 'service_closed')


def test_a_counter_serving_someone_cannot_be_closed(client, office, tokens):
    counter = bearer(tokens['counter'])
    ticket = issue(client, tokens).get_json()
    called = call(client, tokens, 1).get_json()
    assert called['id'] == ticket['id']
    message = error_of(patch(client, tokens, '/counters/1', {'active': False}), 409, 'counter_busy')
    assert called['number'] in message
    assert client.post(API + '/tickets/%d/start' % ticket['id'], headers=counter).status_code == 200
    error_of(patch(client, tokens, '/counters/1', {'active': False, 'name': 'Quầy một'}), 409, 'counter_busy')
    queue = client.get(API + '/queue', headers=bearer(tokens['desk'])).get_json()
    current = {c['number']: c['current'] for c in queue['counters']}
    assert current[1]['id'] == ticket['id'] and current[1]['status'] == 'serving'   # still shown, not hidden
    assert client.get(API + '/counters', headers=counter).get_json()[0]['name'] == 'Quầy 1'
    assert client.post(API + '/tickets/%d/complete' % ticket['id'], headers=counter).status_code == 200
    assert patch(client, tokens, '/counters/1', {'active': False}).get_json()['active'] is False


def test_a_counter_can_close_once_its_citizen_is_transferred(client, office, tokens):
    ticket = issue(client, tokens).get_json()
    call(client, tokens, 1)
    error_of(patch(client, tokens, '/counters/1', {'active': False}), 409, 'counter_busy')
    moved = client.post(API + '/tickets/%d/transfer' % ticket['id'], json={'service': 'HT'},
                        headers=bearer(tokens['counter']))
    assert moved.status_code == 200
    assert patch(client, tokens, '/counters/1', {'active': False}).status_code == 200
    assert patch(client, tokens, '/counters/1', {'active': False}).status_code == 200   # closed already: no-op


def test_no_transfer_to_a_line_no_open_counter_serves(client, office, tokens):
    ticket = issue(client, tokens).get_json()
    call(client, tokens, 1)
    assert patch(client, tokens, '/counters/3', {'active': False}).status_code == 200
    assert patch(client, tokens, '/counters/2', {'services': ['CT']}).status_code == 200   # nobody serves HT now
    refused = client.post(API + '/tickets/%d/transfer' % ticket['id'], json={'service': 'HT'},
                          headers=bearer(tokens['counter']))
    error_of(refused, 409, 'no_counter')
    kept = client.get(API + '/tickets/%d' % ticket['id'], headers=bearer(tokens['desk'])).get_json()
    assert (kept['service'], kept['status'], kept['counter']) == ('CT', 'called', 1)


# The console in a real browser ----------------------------------------------------------------

@pytest.mark.browser
def test_the_console_says_why_a_prefix_or_a_close_is_refused(live_server, page_in):
    from playwright.sync_api import expect

    server = live_server(demo=True)
    admin = server.token('admin')
    page = page_in(1366, 768)
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    log_in_page(page, server, '/admin', 'admin', server.password('admin'))

    page.goto(server.url + '/admin/services')
    form = page.locator('#add-service')
    form.locator('[name="code"]').fill('LT')
    form.locator('[name="name"]').fill('Lý lịch tư pháp')
    form.locator('[name="prefix"]').fill('a')
    form.locator('button[type="submit"]').click()
    expect(form.locator('.form-error')).to_have_text(
        'Ký hiệu "A" đã được dùng cho lĩnh vực "Chứng thực" (CT); hãy chọn ký hiệu khác.', timeout=10000)
    form.locator('[name="prefix"]').fill('L')
    form.locator('[name="sort_order"]').fill('')     # left empty: the default order, not a null
    form.locator('button[type="submit"]').click()
    expect(page.locator('tr[data-code="LT"]')).to_contain_text('Lý lịch tư pháp', timeout=10000)
    assert {s['code']: s['sort_order'] for s in call_api(server, 'GET', '/services', admin)[1]}['LT'] == 0

    assert call_api(server, 'POST', '/tickets', admin, {'service': 'DD', 'print': False})[0] == 201
    called = call_api(server, 'POST', '/counters/4/call-next', admin)[1]
    page.goto(server.url + '/admin/counters')
    page.locator('tr[data-number="4"]').get_by_role('button', name='Đóng', exact=True).click()
    page.locator('#confirm-dialog button[value="yes"]').click()     # closing asks first
    expect(page.locator('#page-error')).to_contain_text('Quầy số 4 đang gọi hoặc phục vụ số %s' % called['number'],
                                                        timeout=10000)
    expect(page.locator('tr[data-number="4"]')).to_contain_text('Đang mở')
    assert errors == []


def test_a_counter_opened_by_another_process_serves_its_line_at_once(client, office, tokens):
    """Each process keeps the served lines for a second; before refusing it reads them again, so a counter
    just opened elsewhere (here: written straight to the database, as another process would) counts."""
    from server.models import Counter, CounterService
    from server.queueing.lines import served_lines
    assert patch(client, tokens, '/counters/3', {'active': False}).status_code == 200
    assert patch(client, tokens, '/counters/2', {'services': ['CT']}).status_code == 200
    with db.connection_context():
        assert Service.by_code('HT').id not in served_lines()   # this process's copy: nobody serves HT
        with db.atomic():
            Counter.update(active=True).where(Counter.number == 3).execute()
        assert CounterService.select().join(Counter).where(Counter.number == 3).count() == 1
    assert issue(client, tokens, 'HT').status_code == 201
