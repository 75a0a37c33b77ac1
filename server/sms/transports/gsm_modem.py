"""gsm:// : a USB 3G/4G modem (or any AT modem pyserial reaches) in PDU mode.

gsm:///dev/ttyUSB0?baud=115200&pin=1234&reports=1, gsm://COM3, gsm://socket://10.0.0.5:7000
"""
import logging
import random
import threading
import time

import serial

from server.sms.transports import gsm_pdu
from server.sms.transports.assembly import PartJoiner, ReceiptTracker
from server.sms.transports.at_channel import AtChannel, ModemError, NoAnswer
from server.sms.transports.base import (SmsSendError, Transport, bad_uri, flag, international_number, national_phone,
                                        query_options)
from server.validation import mask_phone

log = logging.getLogger(__name__)
SEND_TIMEOUT_FACTOR = 3         # +CMGS waits on the network, not only on the modem
PIN_READY_WAIT = 0.2
# +CMS ERROR codes about the recipient or the message itself: sending again will not help.
PERMANENT_CMS = {1, 8, 10, 21, 27, 28, 29, 30, 50, 96, 304, 305}


def _pin(value: str) -> str:
    if not (value.isdigit() and 4 <= len(value) <= 8):
        raise ValueError('a PIN is 4 to 8 digits')
    return value


OPTIONS = {'baud': int, 'pin': _pin, 'reports': flag}


class GsmTransport(Transport):
    """AT commands in PDU mode; one lock around the port; the port is reopened after a failure."""

    scheme = 'gsm'
    receives = True

    def __init__(self, port_name: str, *, baud: int = 115200, pin: str | None = None,
                 reports: bool = False, timeout: float = 10.0):
        self.port_name, self.baud, self.pin, self.reports = port_name, baud, pin, reports
        self.timeout = timeout
        self._channel = None
        self._pin_rejected = False
        self._lock = threading.Lock()
        self._joiner = PartJoiner()
        self._receipts = ReceiptTracker()
        self._concat_reference = random.randrange(256)

    @classmethod
    def from_uri(cls, uri: str, timeout: float) -> 'GsmTransport':
        """gsm:// followed by a device path, a port name or a pyserial URL, then ?options."""
        if uri[:6].lower() != 'gsm://':
            raise bad_uri(uri, 'write gsm:// then the port, e.g. gsm:///dev/ttyUSB0')
        target, _, query = uri[6:].partition('?')
        if not target:
            raise bad_uri(uri, 'no serial port: write e.g. gsm:///dev/ttyUSB0')
        options = query_options(uri, query, OPTIONS)
        if not 1200 <= options.get('baud', 115200) <= 4000000:
            raise bad_uri(uri, 'baud must be between 1200 and 4000000')
        return cls(target, timeout=timeout, **options)

    def send(self, phone: str, text: str, *, unicode: bool, reference: str) -> str:
        """Send every part with AT+CMGS; the id is 'gsm:' and the modem's reference(s)."""
        number = international_number(phone)
        with self._lock:
            self._concat_reference = (self._concat_reference + 1) % 256
            try:
                pdus = gsm_pdu.submit_pdus(number, text, unicode=unicode, status_report=self.reports,
                                           concat_reference=self._concat_reference)
            except ValueError as error:
                raise SmsSendError(str(error), temporary=False) from None
            part_ids = [self._guarded(self._submit, pdu, length) for pdu, length in pdus]
        message_id = part_ids[0] if len(part_ids) == 1 else 'gsm:' + '-'.join(p[4:] for p in part_ids)
        self._receipts.register(message_id, part_ids)
        log.info('SMS to %s sent by modem: %d part(s), id %s', mask_phone(phone), len(pdus), message_id)
        return message_id

    def poll(self):
        """Read every stored message (AT+CMGL=4), delete each one taken, join concatenated parts."""
        with self._lock:
            listing = self._guarded(self._channel_command, 'AT+CMGL=4')
            inbound, reports = [], []
            for index, stat, pdu_hex in _listed(listing):
                if stat in (2, 3):          # stored outgoing messages are not ours to take
                    continue
                try:    # deleted first: what is deleted is in hand and returned by this call
                    self._guarded(self._channel_command, f'AT+CMGD={index}')
                except SmsSendError as error:
                    log.warning('modem: message %d left for the next poll: %s', index, error)
                    break
                self._take(pdu_hex, inbound, reports)
        return inbound + self._joiner.expired(), reports

    def close(self) -> None:
        """Close the serial port."""
        with self._lock:
            self._drop()

    def _take(self, pdu_hex, inbound, reports):
        try:
            decoded = gsm_pdu.decode_pdu(pdu_hex)
        except ValueError as error:     # deleted anyway: a broken PDU would come back forever
            log.warning('undecodable SMS PDU from the modem dropped: %s', error)
            return
        if isinstance(decoded, gsm_pdu.Deliver):
            phone = national_phone(decoded.sender)
            message = self._joiner.add(phone, decoded.text, decoded.timestamp, decoded.concat)
            if message:
                inbound.append(message)
        elif isinstance(decoded, gsm_pdu.StatusReport) and not 0x20 <= decoded.status < 0x40:
            # 0x20-0x3F: the centre is still trying; only final states are reported
            report = self._receipts.resolve([f'gsm:{decoded.reference}'], decoded.status < 0x20,
                                            f'status report 0x{decoded.status:02X}')
            if report:
                reports.append(report)

    def _submit(self, pdu_hex: str, length: int) -> str:
        channel = self._open()
        channel.prompt(f'AT+CMGS={length}', self.timeout)
        lines = channel.send_body(pdu_hex, f'AT+CMGS={length}', self.timeout * SEND_TIMEOUT_FACTOR)
        answer = next((line for line in lines if line.startswith('+CMGS:')), None)
        if answer is None:
            raise ModemError(f'AT+CMGS={length}', 'OK without +CMGS')
        return 'gsm:' + answer.split(':', 1)[1].split(',')[0].strip()

    def _channel_command(self, command: str) -> list[str]:
        return self._open().command(command, self.timeout)

    def _guarded(self, action, *args):
        """Run one modem exchange; turn what can go wrong into SmsSendError, dropping the port."""
        try:
            return action(*args)
        except SmsSendError:
            self._drop()
            raise
        except NoAnswer as no_answer:
            self._drop()
            raise SmsSendError(f'modem stopped answering ({no_answer})', temporary=True) from None
        except ModemError as error:
            permanent = error.cms and error.code in PERMANENT_CMS
            if not permanent:
                self._drop()
            raise SmsSendError(f'modem: {error}', temporary=not permanent) from None
        except (OSError, serial.SerialException) as error:
            self._drop()
            raise SmsSendError(f'modem port {self.port_name}: {error}', temporary=True) from None

    def _open(self) -> AtChannel:
        if self._channel is None:
            channel = AtChannel(self.port_name, self.baud)
            self._channel = channel     # set first: a failing init below is dropped by _guarded
            self._initialise(channel)
        return self._channel

    def _initialise(self, channel: AtChannel) -> None:
        for command in ('ATZ', 'ATE0', 'AT+CMEE=1'):
            channel.command(command, self.timeout)
        self._unlock_sim(channel)
        channel.command('AT+CMGF=0', self.timeout)
        if self.reports:
            try:    # route status reports to storage so AT+CMGL lists them; modems differ here
                channel.command('AT+CNMI=2,1,0,2,0', self.timeout)
            except ModemError as error:
                log.warning('modem refused AT+CNMI for status reports: %s', error)

    def _unlock_sim(self, channel: AtChannel) -> None:
        state = _cpin_state(channel.command('AT+CPIN?', self.timeout))
        if state == 'READY':
            return
        if state != 'SIM PIN':
            raise SmsSendError(f'SIM card asks for {state}: unlock it in a phone first', temporary=False)
        if not self.pin or self._pin_rejected:
            detail = 'was rejected; fix pin= in LUOT_SMS' if self._pin_rejected else 'is needed: add pin='
            raise SmsSendError(f'SIM card PIN {detail}', temporary=False)
        try:
            channel.command(f'AT+CPIN="{self.pin}"', self.timeout)
        except ModemError:
            self._pin_rejected = True   # never retry on our own: three wrong PINs lock the SIM
            raise SmsSendError('SIM card PIN was rejected; fix pin= in LUOT_SMS', temporary=False) from None
        deadline = time.monotonic() + self.timeout
        while _cpin_state(channel.command('AT+CPIN?', self.timeout)) != 'READY':
            if time.monotonic() >= deadline:
                raise NoAnswer('AT+CPIN? (SIM not ready after the PIN)')
            time.sleep(PIN_READY_WAIT)

    def _drop(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None


def _cpin_state(lines: list[str]) -> str:
    answer = next((line for line in lines if line.startswith('+CPIN:')), '+CPIN: unknown state')
    return answer.split(':', 1)[1].strip()


def _listed(lines: list[str]):
    """(index, stat, pdu) from the lines of a +CMGL answer: a header line, then the PDU line."""
    for position, line in enumerate(lines[:-1]):
        if line.startswith('+CMGL:'):
            fields = line.split(':', 1)[1].split(',')
            try:
                yield int(fields[0]), int(fields[1]), lines[position + 1]
            except (ValueError, IndexError):
                log.warning('unreadable +CMGL line from the modem: %r', line[:40])
