"""The http:// transport and the inbound webhook through a real Kannel (bearerbox, smsbox, fakesmsc)."""
import http.server
import threading
import time
import urllib.parse

import pytest

from server.sms.transports import open_transport
from tests.kannel import kannel  # noqa: F401  (a fixture)

VIETNAMESE = 'Lượt của bạn: A015, quầy số 3. Xin mời đến ngay!'


class Webhook:
    """The Luot side of Kannel on 127.0.0.1: records inbound and delivery GETs, answers `reply(text)`."""

    def __init__(self, reply):
        self.inbound, self.deliveries = [], []
        self.changed = threading.Condition()
        webhook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                answer, headers = b'', {}
                if parts.path.endswith('/inbound'):
                    text = reply(query.get('text', ''))
                    answer = text.encode('utf-8')
                    # Kannel would squeeze a UTF-8 answer into GSM 7-bit: ask for UCS-2 instead.
                    headers = {} if text.isascii() else {'X-Kannel-Coding': '2'}
                with webhook.changed:
                    (webhook.inbound if parts.path.endswith('/inbound') else webhook.deliveries).append(query)
                    webhook.changed.notify_all()
                self.send_response(200)
                for name, value in dict(headers, **{'Content-Type': 'text/plain; charset=utf-8',
                                                    'Content-Length': str(len(answer))}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.base = f'http://127.0.0.1:{self.server.server_address[1]}/api/v1/sms'
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.05})
        self.thread.start()

    def wait(self, items, count, timeout=15.0):
        """Wait until `items` (self.inbound or self.deliveries) holds `count` entries."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while len(items) < count and time.monotonic() < deadline:
                self.changed.wait(0.2)
        return items

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def webhook():
    server = Webhook(reply=lambda text: ('Đã nhận: ' if not text.isascii() else 'Da nhan: ') + text)
    yield server
    server.close()


def test_http_transport_sends_through_kannel(kannel, webhook):
    gateway = kannel(get_url=webhook.base + '/inbound?token=T0KEN&from=%p&text=%a')
    dlr_url = webhook.base + '/delivery?token=T0KEN&ref={reference}&status=%d'
    # dlr-mask 8: "accepted by the SMSC", the report the fake network gives; real ones use 3.
    transport = open_transport(gateway.sendsms_uri(**{'from': '8188', 'dlr-url': dlr_url, 'dlr-mask': '8'}))
    assert transport.send('0905123456', 'Luot A015: moi den quay 3', unicode=False, reference='ob-1') == 'ob-1'
    assert transport.send('0912345678', VIETNAMESE, unicode=True, reference='ob-2') == 'ob-2'
    plain = gateway.wait_for_message(lambda m: m.receiver == '0905123456')
    assert (plain.sender, plain.kind, plain.text) == ('8188', 'text', 'Luot A015: moi den quay 3')
    vietnamese = gateway.wait_for_message(lambda m: m.receiver == '0912345678')
    assert (vietnamese.kind, vietnamese.text) == ('ucs-2', VIETNAMESE)
    reports = webhook.wait(webhook.deliveries, 2)
    assert sorted((r['ref'], r['status'], r['token']) for r in reports) == [('ob-1', '8', 'T0KEN'),
                                                                            ('ob-2', '8', 'T0KEN')]


def test_messages_from_phones_reach_the_webhook_and_its_answer_goes_back(kannel, webhook):
    gateway = kannel(get_url=webhook.base + '/inbound?token=T0KEN&from=%p&text=%a')
    gateway.inject('0905123456', '8188', 'HG Nguyen Van An')
    [first] = webhook.wait(webhook.inbound, 1)
    assert (first['token'], first['from'], first['text']) == ('T0KEN', '0905123456', 'HG Nguyen Van An')
    reply = gateway.wait_for_message(lambda m: m.receiver == '0905123456')
    assert (reply.sender, reply.kind, reply.text) == ('8188', 'text', 'Da nhan: HG Nguyen Van An')

    gateway.inject('0912345678', '8188', 'Đặt lịch chứng thực sáng mai')
    second = webhook.wait(webhook.inbound, 2)[1]
    assert (second['from'], second['text']) == ('0912345678', 'Đặt lịch chứng thực sáng mai')
    answer = gateway.wait_for_message(lambda m: m.receiver == '0912345678')
    assert (answer.kind, answer.text) == ('ucs-2', 'Đã nhận: Đặt lịch chứng thực sáng mai')
