"""A stand-in for Kannel's sendsms interface on 127.0.0.1: it answers as smsbox does and records each request."""
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeKannel:
    """Context manager: `with FakeKannel() as kannel: kannel.url` is the sendsms address; `kannel.sent` the
    query of each message, and `answer` (status, text) what smsbox says (202 "0: Accepted for delivery")."""

    def __init__(self):
        self.sent, self.answer = [], (202, '0: Accepted for delivery')
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urllib.parse.urlsplit(self.path)
                fake.sent.append(dict(urllib.parse.parse_qsl(parts.query), path=parts.path))
                status, text = fake.answer
                body = text.encode()
                self.send_response(status)
                self.send_header('Content-Type', 'text/plain')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.port = self.server.server_address[1]
        self.url = 'http://127.0.0.1:%d/cgi-bin/sendsms' % self.port

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True, name='fake-kannel').start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()
