"""What every SMS transport shares: the error, the received items, the base class, phone forms."""
import re
import urllib.parse
from dataclasses import dataclass
from datetime import datetime

import phonenumbers


class SmsSendError(Exception):
    """A message could not be handed over; str(e) is a short English detail for the admin console."""

    def __init__(self, detail: str, *, temporary: bool):
        super().__init__(detail)
        self.temporary = temporary


@dataclass(frozen=True)
class Inbound:
    phone: str                      # national form 0xxxxxxxxx when Vietnamese, else as received
    text: str
    received_at: datetime | None


@dataclass(frozen=True)
class DeliveryReport:
    message_id: str                 # the id send() returned
    delivered: bool
    detail: str


class Transport:
    """Base class: a transport sends texts and, if it receives, hands over what arrived on poll()."""

    scheme = ''
    receives = False

    def send(self, phone: str, text: str, *, unicode: bool, reference: str) -> str:
        """Send one logical message; return the transport's message id or raise SmsSendError."""
        raise NotImplementedError

    def poll(self) -> tuple[list[Inbound], list[DeliveryReport]]:
        """Inbound messages and delivery reports received since the last call."""
        return [], []

    def close(self) -> None:
        """Release the port, socket or thread the transport holds."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def international_number(phone: str) -> str:
    """E.164 form (+84...) of a phone number; national numbers are taken as Vietnamese."""
    compact = ''.join(ch for ch in phone or '' if ch.isdigit() or ch == '+')
    try:
        parsed = phonenumbers.parse(compact, 'VN')
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        raise SmsSendError('not a usable phone number', temporary=False)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def national_phone(number: str, international: bool = False) -> str:
    """0xxxxxxxxx for a Vietnamese number (with or without +84), anything else unchanged.

    `international` says the number came without its '+' but is known to be international
    (an SMPP or PDU type-of-number), e.g. 84905123456.
    """
    raw = (number or '').strip()
    candidate = '+' + raw if international and raw.isdigit() else raw
    try:
        parsed = phonenumbers.parse(candidate, 'VN')
    except phonenumbers.NumberParseException:
        return raw
    if parsed.country_code == 84 and phonenumbers.is_valid_number(parsed):
        return '0' + str(parsed.national_number)
    return candidate


_SECRET_OPTION = re.compile(r'\b(pin|password|token)=[^&]*', re.IGNORECASE)


class UriError(ValueError):
    """A transport URI that cannot be used; the message says why, in English."""


def redact(uri: str) -> str:
    """The URI fit for an error message or a log line: password and PIN hidden."""
    hidden = _SECRET_OPTION.sub(r'\1=***', uri)
    try:
        parts = urllib.parse.urlsplit(hidden)
        if parts.password is None:
            return hidden
    except ValueError:
        return hidden
    user, host = parts.netloc.rsplit('@', 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=f'{user.split(":", 1)[0]}:***@{host}'))


def bad_uri(uri: str, reason: str) -> UriError:
    """A UriError naming the (redacted) URI and the reason."""
    return UriError(f'bad SMS transport URI {redact(uri)!r}: {reason}')


def query_options(uri: str, query: str, allowed: dict) -> dict:
    """Query parameters checked against `allowed` {name: converter}; converted values by name."""
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise bad_uri(uri, 'malformed query string') from None
    options = {}
    for key, value in pairs:
        if key not in allowed:
            raise bad_uri(uri, f'unknown option {key!r} (known: {", ".join(sorted(allowed))})')
        try:
            options[key] = allowed[key](value)
        except ValueError as error:
            raise bad_uri(uri, f'option {key}: {error}') from None
    return options


def positive_number(value: str) -> float:
    """A converter for query_options: a number above zero."""
    number = float(value)
    if not number > 0:
        raise ValueError('must be a number above zero')
    return number


def flag(value: str) -> bool:
    """A converter for query_options: 1/0, true/false, yes/no, on/off."""
    lowered = value.strip().lower()
    if lowered in ('1', 'true', 'yes', 'on'):
        return True
    if lowered in ('0', 'false', 'no', 'off', ''):
        return False
    raise ValueError('must be 1 or 0')
