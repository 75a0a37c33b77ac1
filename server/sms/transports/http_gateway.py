"""http:// and https:// : an SMS gateway's HTTP API, Kannel's sendsms first.

http://USER:PASS@127.0.0.1:13013/cgi-bin/sendsms?from=8188&dlr-url=...{reference}...
USER and PASS become Kannel's username and password; the other parameters are passed on,
with {reference} replaced in any of them (dlr-url above) and dlr-mask=3 (delivered or failed)
added with a dlr-url that has no dlr-mask of its own.
"""
import http.client
import json
import logging
import ssl
import urllib.parse

from server.sms.transports.base import SmsSendError, Transport, bad_uri
from server.validation import mask_phone

log = logging.getLogger(__name__)
RESERVED = ('to', 'text', 'coding', 'charset', 'username', 'password')
DETAIL_LENGTH = 200
ID_KEYS = ('message_id', 'messageId', 'id')


class HttpTransport(Transport):
    """One GET per message; Kannel splits long texts itself. Inbound arrives by webhook."""

    receives = False

    def __init__(self, scheme: str, host: str, port: int | None, path: str, params: list,
                 timeout: float = 10.0):
        self.scheme, self.host, self.port, self.path = scheme, host, port, path or '/'
        self.params, self.timeout = params, timeout

    @classmethod
    def from_uri(cls, uri: str, timeout: float) -> 'HttpTransport':
        """Check the URI now, so that a typo shows at start rather than at the first message."""
        parts = urllib.parse.urlsplit(uri)
        try:
            port = parts.port
        except ValueError:
            raise bad_uri(uri, 'the port must be a number from 1 to 65535') from None
        if not parts.hostname:
            raise bad_uri(uri, 'no gateway host')
        try:
            pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True,
                                           strict_parsing=bool(parts.query))
        except ValueError:
            raise bad_uri(uri, 'malformed query string') from None
        clashing = sorted({key for key, _ in pairs if key in RESERVED})
        if clashing:
            raise bad_uri(uri, f'{", ".join(clashing)} is set by Luot, not in the URI')
        credentials = []
        if parts.username is not None:
            credentials = [('username', urllib.parse.unquote(parts.username)),
                           ('password', urllib.parse.unquote(parts.password or ''))]
        return cls(parts.scheme.lower(), parts.hostname, port, parts.path, credentials + pairs, timeout)

    def send(self, phone: str, text: str, *, unicode: bool, reference: str) -> str:
        """GET the gateway URL; 2xx is success, 4xx permanent, anything else temporary."""
        try:
            status, body = self._get(self._query(phone, text, unicode, reference))
        except (OSError, http.client.HTTPException) as error:
            raise SmsSendError(f'gateway {self.host} unreachable: {_reason(error)}', temporary=True) from None
        detail = ' '.join(body.split())[:DETAIL_LENGTH]
        if 200 <= status < 300:
            log.info('SMS to %s handed to gateway %s: %s', mask_phone(phone), self.host, detail)
            # The id kept is the one delivery reports will name: ours when our dlr-url carries it.
            if self._reports_name_reference():
                return reference
            return _gateway_id(body) or reference
        raise SmsSendError(f'gateway answered {status}: {detail or "(no text)"}',
                           temporary=not 400 <= status < 500)

    def _reports_name_reference(self) -> bool:
        return any(key == 'dlr-url' and '{reference}' in value for key, value in self.params)

    def _query(self, phone, text, unicode, reference):
        params, has_mask, has_dlr = [], False, False
        for key, value in self.params:
            if '{reference}' in value:  # a URL inside the URL (dlr-url) carries it encoded
                value = value.replace('{reference}', urllib.parse.quote(reference, safe='')
                                      if '://' in value else reference)
            has_dlr, has_mask = has_dlr or key == 'dlr-url', has_mask or key == 'dlr-mask'
            params.append((key, value))
        if has_dlr and not has_mask:
            params.append(('dlr-mask', '3'))
        params += [('to', phone), ('text', text)]
        # Kannel reads text in this charset and converts; coding=2 sends it as UCS-2.
        params += [('coding', '2'), ('charset', 'UTF-8')] if unicode else [('charset', 'UTF-8')]
        return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)

    def _get(self, query: str) -> tuple[int, str]:
        if self.scheme == 'https':
            connection = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout,
                                                     context=ssl.create_default_context())
        else:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request('GET', self.path + '?' + query, headers={'Connection': 'close'})
            response = connection.getresponse()
            return response.status, response.read(4096).decode('utf-8', errors='replace')
        finally:
            connection.close()


def _gateway_id(body: str) -> str | None:
    """The message id in a JSON answer ({"message_id": ...}); Kannel's plain answer has none."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if isinstance(answer, dict):
        for key in ID_KEYS:
            if isinstance(answer.get(key), (str, int)) and str(answer[key]):
                return str(answer[key])
    return None


def _reason(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return 'timed out'
    return getattr(error, 'strerror', None) or str(error) or type(error).__name__
