"""smpp:// : an SMS centre over SMPP 3.4 (smpplib), bound as a transceiver.

smpp://SYSTEM_ID:PASSWORD@HOST:2775?source=8188&system_type=&enquire_link=30&charset=gsm
"""
import logging
import re
import threading
import time
import urllib.parse
from datetime import datetime, timezone

from smpplib import consts

from server.sms.transports import sms_text
from server.sms.transports.assembly import PartJoiner, ReceiptTracker
from server.sms.transports.base import (DeliveryReport, Inbound, SmsSendError, Transport, bad_uri, international_number,
                                        national_phone, positive_number, query_options)
from server.sms.transports.smpp_link import LinkBroken, SmppLink
from server.validation import mask_phone

log = logging.getLogger(__name__)
DEFAULT_PORT = 2775
REBIND_PAUSE = 5.0              # poll() retries a failed bind at most this often; send() always tries
# Statuses about the destination or the message itself: sending again will not help.
PERMANENT_STATUSES = {0x01, 0x0B, 0x43, 0x50, 0x51, 0x65, 0x66, 0xFE}
RECEIPT_TYPES = (0x04, 0x08)    # esm_class message type: SMSC delivery receipt, SME acknowledgement
MESSAGE_STATES = {1: 'ENROUTE', 2: 'DELIVRD', 3: 'EXPIRED', 4: 'DELETED', 5: 'UNDELIV',
                  6: 'ACCEPTD', 7: 'UNKNOWN', 8: 'REJECTD'}
NOT_FINAL = ('ENROUTE', 'ACCEPTD')


def _octet(value: str) -> int:
    number = int(value)
    if not 0 <= number <= 255:
        raise ValueError('must be 0 to 255')
    return number


def _charset(value: str) -> str:
    if value not in ('gsm', 'latin1'):
        raise ValueError('gsm (the SMPP default alphabet) or latin1')
    return value


OPTIONS = {'source': str, 'system_type': str, 'source_ton': _octet, 'source_npi': _octet,
           'enquire_link': positive_number, 'charset': _charset}


class SmppTransport(Transport):
    """submit_sm with delivery receipts; a reader thread takes deliver_sm; re-binds after a break."""

    scheme = 'smpp'
    receives = True

    def __init__(self, host: str, port: int, system_id: str, password: str, *, source: str = '',
                 system_type: str = '', source_ton: int | None = None, source_npi: int | None = None,
                 enquire_link: float = 30.0, charset: str = 'gsm', timeout: float = 10.0):
        self.host, self.port, self.system_id, self.password = host, port, system_id, password
        self.system_type, self.source, self.charset, self.timeout = system_type, source, charset, timeout
        self.source_ton, self.source_npi = _source_type(source, source_ton, source_npi)
        self.enquire_link = enquire_link
        self._link = None
        self._next_bind = 0.0
        self._lock = threading.Lock()
        self._inbox_lock = threading.Lock()
        self._inbound, self._reports = [], []
        self._joiner, self._receipts = PartJoiner(), ReceiptTracker()
        self._concat_reference = int(time.time()) % 256

    @classmethod
    def from_uri(cls, uri: str, timeout: float) -> 'SmppTransport':
        """smpp://SYSTEM_ID:PASSWORD@HOST[:PORT]?options."""
        parts = urllib.parse.urlsplit(uri)
        try:
            port = parts.port or DEFAULT_PORT
        except ValueError:
            raise bad_uri(uri, 'the port must be a number from 1 to 65535') from None
        if not parts.hostname:
            raise bad_uri(uri, 'no SMSC host')
        if not parts.username:
            raise bad_uri(uri, 'no system id: write smpp://SYSTEM_ID:PASSWORD@HOST:PORT')
        if parts.path not in ('', '/'):
            raise bad_uri(uri, 'an SMPP address has no path')
        options = query_options(uri, parts.query, OPTIONS)
        return cls(parts.hostname, port, urllib.parse.unquote(parts.username),
                   urllib.parse.unquote(parts.password or ''), timeout=timeout, **options)

    def send(self, phone: str, text: str, *, unicode: bool, reference: str) -> str:
        """submit_sm for each part; the id is the SMSC's id of the first part."""
        destination = international_number(phone)[1:]
        try:
            encoded = sms_text.encode_text(text, unicode)
        except ValueError as error:
            raise SmsSendError(str(error), temporary=False) from None
        with self._lock:
            link = self._bound_link()
            self._concat_reference = (self._concat_reference + 1) % 256
            part_ids = [self._submit(link, destination, encoded, sequence)
                        for sequence in range(1, len(encoded.parts) + 1)]
        self._receipts.register(part_ids[0], part_ids)
        log.info('SMS to %s accepted by SMSC: %d part(s), id %s', mask_phone(phone), len(part_ids), part_ids[0])
        return part_ids[0]

    def poll(self):
        """What the reader thread received since the last call; re-binds a broken link now and then."""
        with self._lock:
            if not (self._link and self._link.alive) and time.monotonic() >= self._next_bind:
                try:
                    self._bound_link()
                except SmsSendError as error:
                    log.warning('%s', error)
        with self._inbox_lock:
            inbound, reports = self._inbound, self._reports
            self._inbound, self._reports = [], []
        return inbound + self._joiner.expired(), reports

    def close(self) -> None:
        """Unbind and stop the reader thread."""
        with self._lock:
            if self._link is not None:
                self._link.close()
                self._link = None

    def _bound_link(self) -> SmppLink:
        if self._link is not None and self._link.alive:
            return self._link
        if self._link is not None:
            self._link.close()
            self._link = None
        link = SmppLink(self.host, self.port, timeout=self.timeout, enquire_interval=self.enquire_link,
                        on_deliver=self._on_deliver)
        try:
            link.bind(self.system_id, self.password, self.system_type)
        except LinkBroken as error:
            self._next_bind = time.monotonic() + REBIND_PAUSE
            raise SmsSendError(f'cannot bind to SMSC {self.host}:{self.port}: {error}', temporary=True) from None
        log.info('SMPP bound to %s:%d as %s', self.host, self.port, self.system_id)
        self._link = link
        return link

    def _submit(self, link: SmppLink, destination: str, encoded, sequence: int) -> str:
        total = len(encoded.parts)
        udh = sms_text.concat_header(self._concat_reference, total, sequence) if total > 1 else b''
        try:
            answer = link.request(
                'submit_sm', service_type='', source_addr_ton=self.source_ton,
                source_addr_npi=self.source_npi, source_addr=self.source.lstrip('+'), dest_addr_ton=1,
                dest_addr_npi=1, destination_addr=destination, esm_class=0x40 if udh else 0,
                data_coding=0x08 if encoded.coding == sms_text.UCS2 else 0x00, registered_delivery=1,
                short_message=udh + encoded.parts[sequence - 1])
        except LinkBroken as error:
            raise SmsSendError(f'SMPP link to {self.host}:{self.port} broken: {error}', temporary=True) from None
        if answer.status != consts.SMPP_ESME_ROK:
            description = consts.DESCRIPTIONS.get(answer.status, 'unknown status')
            raise SmsSendError(f'SMSC refused the message: 0x{answer.status:02X} {description}',
                               temporary=answer.status not in PERMANENT_STATUSES)
        return _text(answer.message_id)

    def _on_deliver(self, pdu) -> None:
        """deliver_sm, on the reader thread: a receipt or a message from a citizen."""
        if (pdu.esm_class or 0) & 0x3C in RECEIPT_TYPES:
            item = self._receipt(pdu)
            target = self._reports
        else:
            item = self._message(pdu)
            target = self._inbound
        if item is not None:
            with self._inbox_lock:
                target.append(item)

    def _receipt(self, pdu) -> DeliveryReport | None:
        body = _text(pdu.short_message or pdu.message_payload or b'')
        found = dict(re.findall(r'(\w+):(\S*)', body))
        receipted_id = _text(pdu.receipted_message_id) or found.get('id', '')
        state = MESSAGE_STATES.get(pdu.message_state) or found.get('stat', 'UNKNOWN').upper()
        if not receipted_id or state in NOT_FINAL:
            return None
        detail = f'stat:{state}' + (f' err:{found["err"]}' if found.get('err') else '')
        return self._receipts.resolve(_id_forms(receipted_id), state == 'DELIVRD', detail)

    def _message(self, pdu) -> Inbound | None:
        phone = national_phone(_text(pdu.source_addr), international=pdu.source_addr_ton == 1)
        payload = pdu.short_message or pdu.message_payload or b''
        concat = None
        if (pdu.esm_class or 0) & 0x40 and payload:
            concat = sms_text.concat_info(payload[1:1 + payload[0]])
            payload = payload[1 + payload[0]:]
        elif pdu.sar_msg_ref_num is not None and pdu.sar_total_segments:
            concat = (pdu.sar_msg_ref_num, pdu.sar_total_segments, pdu.sar_segment_seqnum or 1)
        text = _decode(payload, pdu.data_coding or 0, self.charset)
        return self._joiner.add(phone, text, datetime.now(timezone.utc), concat)


def _decode(payload: bytes, data_coding: int, charset: str) -> str:
    if data_coding == 0x08:
        return sms_text.decode_ucs2(payload)
    if data_coding == 0x00 and charset == 'gsm' and all(octet < 0x80 for octet in payload):
        return sms_text.decode_gsm7(payload)
    return payload.decode('latin-1')


def _text(value) -> str:
    if value is None:
        return ''
    return value.decode('latin-1') if isinstance(value, bytes) else str(value)


def _id_forms(message_id: str) -> list[str]:
    """The id as given, then as decimal/hex: many SMSCs answer in hex and receipt in decimal."""
    forms = [message_id]
    if message_id.isdigit():
        forms += [format(int(message_id), 'x'), format(int(message_id), 'X')]
    try:
        forms.append(str(int(message_id, 16)))
    except ValueError:
        pass
    return forms


def _source_type(source: str, ton: int | None, npi: int | None) -> tuple[int, int]:
    """TON/NPI of the sender: alphanumeric 5/0, international 1/1, a short code 0/1, unless given."""
    if source and not source.lstrip('+').isdigit():
        default = (5, 0)
    elif source.startswith('+') or len(source) > 8:
        default = (1, 1)
    else:
        default = (0, 1)
    return (default[0] if ton is None else ton), (default[1] if npi is None else npi)
