"""SMS transports chosen by the LUOT_SMS URI: log://, http(s)://, gsm://, smpp://.

    transport = open_transport('smpp://luot:secret@10.0.0.2:2775?source=8188')
    message_id = transport.send('0905123456', text, unicode=True, reference=outbox_key)
    inbound, reports = transport.poll()

send() raises SmsSendError (.temporary says whether to retry later). poll() may raise it too
(gsm:// when the modem stops answering); smpp:// re-binds by itself and logs instead.
"""
import urllib.parse

from server.sms.transports.base import DeliveryReport, Inbound, SmsSendError, Transport, UriError, bad_uri
from server.sms.transports.gsm_modem import GsmTransport
from server.sms.transports.http_gateway import HttpTransport
from server.sms.transports.log_only import LogTransport
from server.sms.transports.smpp_transport import SmppTransport

__all__ = ['DeliveryReport', 'Inbound', 'SmsSendError', 'Transport', 'UriError', 'open_transport',
           'SCHEMES']
SCHEMES = ('log', 'http', 'https', 'gsm', 'smpp')


def open_transport(uri: str, *, timeout: float = 10.0) -> Transport:
    """The transport for a URI; a bad URI raises UriError (a ValueError) saying what is wrong.

    An empty URI means log://. Nothing is connected here: the first send() or poll() opens the
    port or binds, so a gateway that is down at start only delays messages.
    """
    if not timeout > 0:
        raise ValueError('timeout must be above zero')
    uri = (uri or '').strip() or 'log://'
    scheme = urllib.parse.urlsplit(uri).scheme.lower() if ':' in uri else ''
    by_scheme = {'log': LogTransport, 'http': HttpTransport, 'https': HttpTransport,
                 'gsm': GsmTransport, 'smpp': SmppTransport}
    if scheme in by_scheme:
        return by_scheme[scheme].from_uri(uri, timeout)
    known = ', '.join(name + '://' for name in SCHEMES)
    reason = f'unknown scheme {scheme!r}' if scheme else 'no scheme'
    raise bad_uri(uri, f'{reason}; use one of {known}')
