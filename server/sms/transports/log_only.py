"""log:// : the default; sends nothing and logs one line (the outbox rows are what the admin sees)."""
import logging

from server.sms.transports.base import Transport, bad_uri
from server.validation import mask_phone

log = logging.getLogger(__name__)


class LogTransport(Transport):
    """Sends nothing: one INFO line per message, with the phone masked."""

    scheme = 'log'
    receives = False

    @classmethod
    def from_uri(cls, uri: str, timeout: float) -> 'LogTransport':
        """log:// with nothing after it."""
        rest = uri.split(':', 1)[1] if ':' in uri else ''
        if rest.strip('/'):
            raise bad_uri(uri, 'log:// takes no host, path or options')
        return cls()

    def send(self, phone: str, text: str, *, unicode: bool, reference: str) -> str:
        """Log the masked phone and the text length; the id is 'log:' + reference."""
        log.info('SMS not sent (LUOT_SMS=log://): to %s, %d characters, reference %s',
                 mask_phone(phone), len(text), reference)
        return 'log:' + reference
