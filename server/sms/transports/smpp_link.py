"""One bound SMPP 3.4 session on smpplib: the socket, a reader thread, requests awaiting answers."""
import logging
import select
import threading
import time

from smpplib import consts, exceptions, smpp
from smpplib.client import Client, SimpleSequenceGenerator

log = logging.getLogger(__name__)
WIRE_LOGGER = __name__ + '.wire'
# smpplib's DEBUG lines dump whole PDUs, phone numbers and texts included.
logging.getLogger(WIRE_LOGGER).setLevel(logging.INFO)
TICK = 0.2                      # how often the reader thread looks at the clock and the stop flag
LINK_ERRORS = (exceptions.ConnectionError, exceptions.PDUError, OSError)


class LinkBroken(Exception):
    """The session is gone (or never came up); a new one must be bound."""


class _SequenceGenerator(SimpleSequenceGenerator):
    """smpplib's sequence numbers, safe when send() and the reader thread both make PDUs."""

    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()

    def next_sequence(self):
        with self._lock:
            return super().next_sequence()


class _Client(Client):
    """smpplib's client with one writer at a time and the socket visible to select()."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, sequence_generator=_SequenceGenerator(), logger_name=WIRE_LOGGER,
                         allow_unknown_opt_params=True, **kwargs)
        self._write_lock = threading.Lock()

    def send_pdu(self, p):
        """smpplib's send_pdu, one writer at a time, and a clean error once disconnected."""
        with self._write_lock:
            if self._socket is None:
                raise exceptions.ConnectionError('not connected')
            return super().send_pdu(p)

    def disconnect(self):
        """Close the socket, never in the middle of another thread's write."""
        with self._write_lock:
            super().disconnect()

    def fileno(self) -> int:
        """The socket's descriptor for select(); -1 once disconnected."""
        return self._socket.fileno() if self._socket is not None else -1


class SmppLink:
    """Bind once; request() waits for the answer; deliver_sm goes to `on_deliver` (reader thread)."""

    def __init__(self, host: str, port: int, *, timeout: float, enquire_interval: float, on_deliver):
        self.host, self.port, self.timeout = host, port, timeout
        self.enquire_interval = enquire_interval
        self.on_deliver = on_deliver
        self.client = _Client(host, port, timeout=timeout)
        self._answers = {}          # sequence -> answer PDU, or None while awaited
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._broken = None         # the reason, once the link is gone
        self._thread = None

    @property
    def alive(self) -> bool:
        """Whether the session is still usable."""
        return self._broken is None and self._thread is not None and self._thread.is_alive()

    def bind(self, system_id: str, password: str, system_type: str) -> None:
        """Connect and bind_transceiver (synchronously), then start the reader thread."""
        try:
            self.client.connect()
            self.client.bind_transceiver(system_id=system_id, password=password, system_type=system_type)
        except LINK_ERRORS as error:
            self.client.disconnect()
            raise LinkBroken(_describe(error)) from None
        self._thread = threading.Thread(target=self._read_loop, daemon=True, name='smpp-reader')
        self._thread.start()

    def request(self, command: str, **fields):
        """Send a request PDU and return its answer; LinkBroken if the link fails or stays silent."""
        pdu = smpp.make_pdu(command, client=self.client, **fields)
        with self._changed:
            if self._broken:
                raise LinkBroken(self._broken)
            self._answers[pdu.sequence] = None
        try:
            self.client.send_pdu(pdu)
        except LINK_ERRORS as error:
            self._break(_describe(error))
        deadline = time.monotonic() + self.timeout
        with self._changed:
            while self._answers.get(pdu.sequence) is None and not self._broken:
                if not self._changed.wait(max(0.0, deadline - time.monotonic())):
                    break
            answer = self._answers.pop(pdu.sequence, None)
        if answer is None:
            self._break(self._broken or f'no answer to {command} within {self.timeout:g} s')
            raise LinkBroken(self._broken)
        return answer

    def close(self) -> None:
        """Unbind politely if possible, then stop the reader thread and close the socket."""
        if self.alive:
            try:
                self.client.send_pdu(smpp.make_pdu('unbind', client=self.client))
            except LINK_ERRORS:
                pass
        self._stopping.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=TICK * 5 + self.timeout)
        self._break('closed')

    def _read_loop(self) -> None:
        last_heard = time.monotonic()
        enquired = False
        while not self._stopping.is_set() and not self._broken:
            try:
                readable, _, _ = select.select([self.client], [], [], TICK)
                if readable:
                    self._dispatch(self.client.read_pdu())
                    last_heard, enquired = time.monotonic(), False
                elif time.monotonic() - last_heard >= self.enquire_interval:
                    if enquired:    # one enquire_link already went unanswered for a whole interval
                        raise exceptions.ConnectionError('SMSC stopped answering enquire_link')
                    self.client.send_pdu(smpp.make_pdu('enquire_link', client=self.client))
                    last_heard, enquired = time.monotonic(), True
            # ValueError, AttributeError: the socket was closed under select() or read_pdu() by close()
            except (LINK_ERRORS + (ValueError, AttributeError)) as error:
                if not self._stopping.is_set():
                    self._break(_describe(error))
                return

    def _dispatch(self, pdu) -> None:
        if pdu.command == 'deliver_sm':
            try:
                self.on_deliver(pdu)
            except Exception:   # a bad message must not kill the link; the SMSC still gets its resp
                log.exception('SMPP deliver_sm could not be read')
            self._respond(pdu, 'deliver_sm_resp')
        elif pdu.command == 'enquire_link':
            self._respond(pdu, 'enquire_link_resp')
        elif pdu.command == 'unbind':
            self._respond(pdu, 'unbind_resp')
            raise exceptions.ConnectionError('SMSC unbound the session')
        elif pdu.is_response():
            with self._changed:
                if pdu.sequence in self._answers:
                    self._answers[pdu.sequence] = pdu
                    self._changed.notify_all()

    def _respond(self, request, command: str) -> None:
        answer = smpp.make_pdu(command, client=self.client)
        answer.sequence = request.sequence
        self.client.send_pdu(answer)

    def _break(self, reason: str) -> None:
        with self._changed:
            first = self._broken is None
            if first:
                self._broken = reason
            self._changed.notify_all()
        if first:
            if reason != 'closed':
                log.warning('SMPP link to %s:%d broken: %s', self.host, self.port, reason)
            self.client.state = consts.SMPP_CLIENT_STATE_OPEN   # disconnect() without its warning
            self.client.disconnect()


def _describe(error: Exception) -> str:
    if isinstance(error, exceptions.ConnectionError) and not str(error):
        return 'connection lost'        # smpplib's word for the peer closing the socket
    return str(error) or type(error).__name__
