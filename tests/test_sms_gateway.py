"""The SMS gateway's webhooks trust its token alone, and a delivery report moves only a message that was sent."""
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from server.auth import DEVICE_COOKIE
from server.extensions import db
from server.models import Appointment, InboundMessage, OutboxMessage
from server.sms import outbox
from tests.conftest import ROOT, bearer, make_staff, open_weekday
from tests.helpers import api, csrf_of, log_in_client, wait_for

API = '/api/v1'


def booking_query(day, **extra):
    """What Kannel's get-url sends for a booking (and what a link on another site could imitate)."""
    return urlencode({'from': '0905123456', 'text': 'HG, Nguyen Van An, chung thuc, 8h30, %s'
                      % day.strftime('%d/%m/%Y'), **extra})


def test_an_admin_session_cookie_cannot_book_nor_report(office, client, tokens):
    make_staff('admin1', 'admin', 'mat-khau-dung')
    log_in_client(client, 'admin1', 'mat-khau-dung', next='/admin')
    csrf = csrf_of(client)
    assert client.get(API + '/sms/inbox').status_code == 200      # the cookie is a working admin session
    day = open_weekday(3)
    refused = client.get(API + '/sms/inbound?' + booking_query(day))
    assert refused.status_code == 401
    assert 'cookie' in refused.get_json()['error']['message']
    # Even a same-site POST carrying the session's CSRF token is not the gateway.
    posted = client.post(API + '/sms/inbound', json={'from': '0905123456', 'text': 'KT ABCDEF'},
                         headers={'X-CSRFToken': csrf})
    assert posted.status_code == 401
    assert client.get(API + '/sms/delivery?ref=reply:1&status=1').status_code == 401
    with db.connection_context():
        assert Appointment.select().count() == 0 and InboundMessage.select().count() == 0
    # The very same link with the gateway's token books.
    booked = client.get(API + '/sms/inbound?' + booking_query(day, token=tokens['gateway']))
    assert booked.status_code == 200 and booked.mimetype == 'text/plain'
    with db.connection_context():
        assert Appointment.get().code in booked.get_data(as_text=True)


def test_a_paired_device_cookie_is_not_the_gateway(office, client, tokens):
    client.set_cookie(DEVICE_COOKIE, tokens['gateway'])
    assert client.get(API + '/sms/inbound?' + booking_query(open_weekday(3))).status_code == 401
    with db.connection_context():
        assert Appointment.select().count() == 0


def test_gateway_tokens_are_made_in_the_console_and_open_nothing_else(office, client, tokens):
    made = client.post(API + '/tokens', json={'role': 'gateway', 'name': 'Kannel'}, headers=bearer(tokens['admin']))
    assert made.status_code == 201 and made.get_json()['role'] == 'gateway'
    gateway = bearer(made.get_json()['token'])
    answer = client.post(API + '/sms/inbound', json={'from': '0905123456', 'text': 'alo'}, headers=gateway)
    assert answer.status_code == 200 and 'HG' in answer.get_json()['reply']
    for path in ('/queue', '/tickets/1', '/sms/outbox', '/appointments?phone=0905123456'):
        assert client.get(API + path, headers=gateway).status_code == 403, path
    page = client.get('/admin/devices', headers=bearer(tokens['admin'])).get_data(as_text=True)
    assert '<option value="gateway">Cổng SMS (gateway)</option>' in page


class GatewayIds:
    """A transport whose gateway numbers the messages itself (as an SMPP centre or a JSON HTTP API does)."""
    scheme, receives = 'test', False

    def __init__(self):
        self.count = 0

    def send(self, phone, text, *, unicode, reference):
        self.count += 1
        return 'gw-%d' % self.count


@pytest.fixture
def report(client, tokens):
    def send(ref, status):
        answer = client.get(API + '/sms/delivery?' + urlencode({'token': tokens['gateway'], 'ref': ref,
                                                                 'status': status}))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer.get_json()
    return send


def state_of(key):
    with db.connection_context():
        message = OutboxMessage.get(OutboxMessage.key == key)
        return message.state, message.delivered_at, message.last_error


def test_a_report_moves_only_a_sent_message_and_only_once(app, office, report):
    with app.app_context(), db.connection_context():
        with db.atomic():
            outbox.enqueue('reply:1', '0905123456', 'Xin chao', 'reply')
    assert report('reply:1', 1) == {'matched': False, 'changed': False}     # not sent yet: not delivered
    assert state_of('reply:1')[0] == 'pending'
    with app.app_context(), db.connection_context():
        outbox.deliver_due(GatewayIds())
    assert report('reply:1', 1) == {'matched': False, 'changed': False}     # our key is not the gateway's id
    assert report('gw-1', 8) == {'matched': True, 'changed': False}         # accepted by the centre: a step
    assert state_of('reply:1')[0] == 'sent'
    assert report('gw-1', 1) == {'matched': True, 'changed': True}
    delivered = state_of('reply:1')
    assert delivered[0] == 'delivered' and delivered[1] is not None
    assert report('gw-1', 1) == {'matched': True, 'changed': False}         # the replay
    assert report('gw-1', 16) == {'matched': True, 'changed': False}        # a late contrary report
    assert state_of('reply:1') == delivered


def test_a_failure_report_is_kept_once(app, office, report):
    with app.app_context(), db.connection_context():
        with db.atomic():
            outbox.enqueue('reply:2', '0905123456', 'Xin chao', 'reply')
        outbox.deliver_due(GatewayIds())
    assert report('gw-1', 16) == {'matched': True, 'changed': True}
    failed = state_of('reply:2')
    assert failed[0] == 'failed' and failed[2] == 'status 16'
    assert report('gw-1', 1) == {'matched': True, 'changed': False}
    assert state_of('reply:2') == failed


def test_an_uncertain_message_is_named_by_the_reference_kannel_carries(app, office, report):
    with app.app_context(), db.connection_context():
        with db.atomic():
            outbox.enqueue('reply:3', '0905123456', 'Xin chao', 'reply')
            OutboxMessage.update(state='sending').execute()     # the server stopped while sending it
        outbox.recover_interrupted()
    assert state_of('reply:3')[0] == 'uncertain'
    assert report('reply:3', 1) == {'matched': True, 'changed': True}
    assert state_of('reply:3')[0] == 'delivered'
    assert report('reply:3', 1) == {'matched': True, 'changed': False}


# An admin account of the test's own (the demo's passwords are generated), added to a serving office's database.
ADD_ADMIN = '''import sys
from server import create_app
from server.auth import hash_password
from server.extensions import db
from server.models import Staff
create_app({'DATA_DIR': sys.argv[1], 'SCHEDULER': False, 'PRINTING': False})
with db.connection_context():
    Staff.create(username='truongbp', full_name='Trưởng bộ phận', role='admin',
                 password_hash=hash_password('mat-khau-dung'))
'''


@pytest.mark.browser
def test_a_link_on_another_site_cannot_book_with_an_admin_browser(live_server, page_in):
    server = live_server(demo=True)
    admin, gateway = server.token('admin', 'checks'), server.token('gateway', 'Kannel')
    subprocess.run([sys.executable, '-c', ADD_ADMIN, str(server.data_dir)], env=server.env, cwd=str(ROOT),
                   capture_output=True, timeout=60, check=True)
    page = page_in()
    page.goto(server.url + '/login?next=/admin')
    page.fill('input[name="username"]', 'truongbp')
    page.fill('input[name="password"]', 'mat-khau-dung')
    page.click('form.login button[type="submit"]')
    page.wait_for_url(server.url + '/admin', timeout=10000)
    assert page.goto(server.url + API + '/sms/inbox').status == 200      # the browser holds an admin session
    day = open_weekday(3)
    link = server.url + API + '/sms/inbound?' + booking_query(day)
    # Another site: the admin follows its link, a top-level GET that carries the (SameSite=Lax) session cookie.
    page.set_content('<a id="offer" href="%s">Ưu đãi</a>' % link)
    with page.expect_navigation() as navigation:
        page.click('#offer')
    assert navigation.value.status == 401
    assert 'cookie' in json.loads(page.inner_text('body'))['error']['message']
    assert api(server, 'GET', '/appointments?date=%s' % day.isoformat(), admin) == []
    assert api(server, 'GET', '/sms/inbox', admin) == []
    # The gateway itself, with its token, books the same message.
    with urllib.request.urlopen(link + '&' + urlencode({'token': gateway}), timeout=10) as answer:
        reply = answer.read().decode()
    [booked] = api(server, 'GET', '/appointments?date=%s' % day.isoformat(), admin)
    assert booked['code'] in reply
    with pytest.raises(urllib.error.HTTPError) as refused:   # and an admin token is not a gateway token
        urllib.request.urlopen(link + '&' + urlencode({'token': admin}), timeout=10)
    refused.value.close()
    assert refused.value.code == 403

    # The console: the office's hourly cap on replies is a setting, and gateway tokens are made there.
    from playwright.sync_api import expect
    page.goto(server.url + '/admin/settings')
    cap = page.get_by_label('Số tin trả lời tối đa mỗi giờ của cả bộ phận')
    expect(cap).to_have_value('200')
    cap.fill('50')
    page.locator('#settings button[type="submit"]').click()
    expect(page.locator('#notice')).to_have_text('Đã lưu.', timeout=10000)
    assert api(server, 'GET', '/settings', admin)['sms_replies_per_hour'] == 50
    page.goto(server.url + '/admin/devices')
    page.locator('#add-token [name="role"]').select_option(label='Cổng SMS (gateway)')
    page.locator('#add-token [name="name"]').fill('Kannel 2')
    page.locator('#add-token button[type="submit"]').click()
    expect(page.locator('#token-dialog')).to_be_visible(timeout=10000)
    made = page.locator('#new-token').input_value()
    answer = urllib.request.urlopen(link + '&' + urlencode({'token': made}), timeout=10)
    with answer:
        assert answer.status == 200


def test_the_demo_prints_a_gateway_token_for_kannel(live_server):
    server = live_server(demo=True)
    printed = re.compile(r'SMS \(Kannel get-url\): (/api/v1/sms/inbound\?token=([\w-]+)&from=%p&text=%a)$', re.M)
    found = wait_for(lambda: printed.search(server.log_text()))
    assert found, server.log_text()
    url = server.url + found.group(1).replace('%p', '0905123456').replace('%a', 'alo')
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.headers.get_content_type() == 'text/plain' and 'HG' in answer.read().decode()
