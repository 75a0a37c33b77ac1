"""open_transport URI parsing, the log transport, and the HTTP transport against a local server."""
import http.server
import logging
import threading
import time
import urllib.parse

import pytest

from server.sms.transports import SmsSendError, UriError, open_transport
from tests.conftest import free_port

KANNEL_URI = ('http://luot:s3cret@127.0.0.1:{port}/cgi-bin/sendsms?from=8188'
              '&dlr-url=http://127.0.0.1:5000/api/v1/sms/delivery?token=TOKEN%26ref={{reference}}%26status=%25d')


class Gateway:
    """A tiny HTTP gateway on 127.0.0.1: answers every GET with `status` and `body` after `delay`."""

    def __init__(self):
        self.status, self.body, self.delay = 202, '0: Accepted for delivery', 0.0
        self.requests = []          # (path, {name: value}) of each GET
        gateway = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urllib.parse.urlsplit(self.path)
                gateway.requests.append((parts.path, dict(urllib.parse.parse_qsl(parts.query))))
                time.sleep(gateway.delay)
                body = gateway.body.encode('utf-8')
                self.send_response(gateway.status)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.05})
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def gateway():
    server = Gateway()
    yield server
    server.close()


# --- open_transport --------------------------------------------------------------------------

@pytest.mark.parametrize('uri, scheme, receives', [
    ('', 'log', False),
    ('log://', 'log', False),
    ('http://luot:secret@127.0.0.1:13013/cgi-bin/sendsms?from=8188', 'http', False),
    ('https://gateway.example.vn/api/send?api_key=abc', 'https', False),
    ('gsm:///dev/ttyUSB0?baud=115200&pin=1234', 'gsm', True),
    ('gsm://COM3', 'gsm', True),
    ('gsm://socket://127.0.0.1:7000?reports=1', 'gsm', True),
    ('smpp://luot:secret@127.0.0.1:2775?source=8188&system_type=', 'smpp', True),
    ('smpp://luot@smsc.example.vn?source=PHUONG&enquire_link=15&charset=latin1', 'smpp', True),
])
def test_good_uris_open_the_right_transport(uri, scheme, receives):
    with open_transport(uri) as transport:
        assert (transport.scheme, transport.receives) == (scheme, receives)


@pytest.mark.parametrize('uri, reason', [
    ('ftp://127.0.0.1/', "unknown scheme 'ftp'"),
    ('0905123456', 'no scheme'),
    ('log://somewhere', 'takes no host'),
    ('http:///cgi-bin/sendsms', 'no gateway host'),
    ('http://u:p@127.0.0.1:99999/x', 'port must be a number'),
    ('http://u:p@127.0.0.1/x?to=0905123456', 'to is set by Luot'),
    ('http://u:p@127.0.0.1/x?a=1&&=', 'malformed query'),
    ('gsm://', 'no serial port'),
    ('gsm:/dev/ttyUSB0', 'write gsm://'),
    ('gsm:///dev/ttyUSB0?speed=9600', "unknown option 'speed'"),
    ('gsm:///dev/ttyUSB0?baud=fast', 'option baud'),
    ('gsm:///dev/ttyUSB0?baud=50', 'baud must be between'),
    ('gsm:///dev/ttyUSB0?pin=12', 'a PIN is 4 to 8 digits'),
    ('smpp://127.0.0.1:2775', 'no system id'),
    ('smpp://luot:p@:2775', 'no SMSC host'),
    ('smpp://luot:p@127.0.0.1:2775/x', 'has no path'),
    ('smpp://luot:p@127.0.0.1?source_ton=300', 'must be 0 to 255'),
    ('smpp://luot:p@127.0.0.1?enquire_link=0', 'above zero'),
    ('smpp://luot:p@127.0.0.1?charset=utf8', 'option charset'),
])
def test_bad_uris_raise_a_clear_value_error(uri, reason):
    with pytest.raises(ValueError) as caught:
        open_transport(uri)
    assert isinstance(caught.value, UriError)
    assert reason in str(caught.value)
    assert str(caught.value).startswith('bad SMS transport URI')


def test_errors_never_show_the_password_or_pin():
    for uri in ('http://luot:s3cret@127.0.0.1:99999/', 'gsm:///dev/x?pin=8642&speed=1'):
        with pytest.raises(ValueError) as caught:
            open_transport(uri)
        assert 's3cret' not in str(caught.value) and '8642' not in str(caught.value)


# --- log:// ----------------------------------------------------------------------------------

def test_log_transport_logs_one_masked_line(caplog):
    caplog.set_level(logging.INFO, logger='server.sms.transports')
    with open_transport('log://') as transport:
        assert transport.send('0905123456', 'Xin chào', unicode=True, reference='out-7') == 'log:out-7'
        assert transport.poll() == ([], [])
    [record] = caplog.records
    assert record.levelno == logging.INFO
    assert '090****456' in record.getMessage() and '0905123456' not in record.getMessage()
    assert '8 characters' in record.getMessage()


# --- http:// ---------------------------------------------------------------------------------

def test_kannel_style_send(gateway):
    transport = open_transport(KANNEL_URI.format(port=gateway.port))
    assert transport.send('0905123456', 'Luot A015: moi den quay 3', unicode=False, reference='ob-42') == 'ob-42'
    [(path, query)] = gateway.requests
    assert path == '/cgi-bin/sendsms'
    assert query == {
        'username': 'luot', 'password': 's3cret', 'from': '8188', 'to': '0905123456',
        'text': 'Luot A015: moi den quay 3', 'charset': 'UTF-8', 'dlr-mask': '3',
        'dlr-url': 'http://127.0.0.1:5000/api/v1/sms/delivery?token=TOKEN&ref=ob-42&status=%d'}


def test_unicode_parameters_and_reference_escaping(gateway):
    transport = open_transport(KANNEL_URI.format(port=gateway.port) + '&dlr-mask=31')
    transport.send('0905123456', 'Lượt của bạn: A015', unicode=True, reference='a b&c/1')
    [(_, query)] = gateway.requests
    assert (query['text'], query['coding'], query['charset']) == ('Lượt của bạn: A015', '2', 'UTF-8')
    assert query['dlr-mask'] == '31'                  # the URI's own mask is kept
    dlr = urllib.parse.urlsplit(query['dlr-url'])
    assert dict(urllib.parse.parse_qsl(dlr.query))['ref'] == 'a b&c/1'


def test_no_dlr_url_means_no_dlr_mask_and_other_parameters_take_the_reference(gateway):
    transport = open_transport(f'http://127.0.0.1:{gateway.port}/send?client_ref={{reference}}')
    transport.send('0905123456', 'x', unicode=False, reference='r 1')
    [(_, query)] = gateway.requests
    assert 'dlr-mask' not in query and 'username' not in query
    assert query['client_ref'] == 'r 1'


def test_a_gateway_id_in_a_json_answer_is_returned(gateway):
    gateway.status, gateway.body = 200, '{"status": "ok", "message_id": "gw-991"}'
    transport = open_transport(f'http://127.0.0.1:{gateway.port}/send')
    assert transport.send('0905123456', 'x', unicode=False, reference='r') == 'gw-991'


def test_with_our_reference_in_the_dlr_url_the_reference_is_the_id_kept(gateway):
    """Delivery reports are matched on the id kept at sending: it must be the one the reports will carry."""
    gateway.status, gateway.body = 200, '{"status": "ok", "message_id": "gw-991"}'
    transport = open_transport(KANNEL_URI.format(port=gateway.port))
    assert transport.send('0905123456', 'x', unicode=False, reference='reply:7') == 'reply:7'


@pytest.mark.parametrize('status, body, temporary', [
    (403, 'Authorization failed for sendsms', False),
    (400, 'Missing receiver number', False),
    (503, 'Sending failed.', True),
    (500, '', True),
])
def test_gateway_errors(gateway, status, body, temporary):
    gateway.status, gateway.body = status, body
    transport = open_transport(KANNEL_URI.format(port=gateway.port))
    with pytest.raises(SmsSendError) as caught:
        transport.send('0905123456', 'x', unicode=False, reference='r')
    assert caught.value.temporary is temporary
    assert str(caught.value).startswith(f'gateway answered {status}')
    assert (body or '(no text)') in str(caught.value) and 's3cret' not in str(caught.value)


def test_refused_connection_is_temporary():
    transport = open_transport(KANNEL_URI.format(port=free_port()))
    with pytest.raises(SmsSendError) as caught:
        transport.send('0905123456', 'x', unicode=False, reference='r')
    assert caught.value.temporary is True and 'unreachable' in str(caught.value)


def test_timeout_is_temporary_and_bounded(gateway):
    gateway.delay = 1.5
    transport = open_transport(KANNEL_URI.format(port=gateway.port), timeout=0.3)
    started = time.monotonic()
    with pytest.raises(SmsSendError) as caught:
        transport.send('0905123456', 'x', unicode=False, reference='r')
    assert caught.value.temporary is True and 'timed out' in str(caught.value)
    assert time.monotonic() - started < 1.2
