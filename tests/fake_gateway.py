"""An SMS gateway for the outbox tests: the real log:// transport underneath, recording what went out."""
from server.sms.transports import open_transport


class Crash(BaseException):
    """The process dies here (not an Exception: nothing in the server may catch it)."""


class RecordingGateway:
    """The transport interface over the real log:// transport, recording what went out and failing on demand."""
    scheme, receives = 'test', False

    def __init__(self):
        self.inner = open_transport('log://')
        self.sent, self.fail, self.crash = [], [], None

    def send(self, phone, text, *, unicode, reference):
        if self.crash == 'before':
            raise Crash()
        if self.fail:
            raise self.fail.pop(0)
        self.sent.append((phone, text, reference))
        message_id = self.inner.send(phone, text, unicode=unicode, reference=reference)
        if self.crash == 'after':
            raise Crash()
        return message_id
