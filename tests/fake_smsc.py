"""A minimal SMPP 3.4 server (an SMS centre) on 127.0.0.1, built on smpplib's PDU classes.

It binds transceivers, answers submit_sm with hex message ids and enquire_link, records what it
got, and lets a test push deliver_sm PDUs: messages from phones and delivery receipts.
stop() makes it go away (sessions and listener closed); start() brings it back on the same port.
"""
import socket
import struct
import threading
import time

from smpplib import smpp
from smpplib.client import SimpleSequenceGenerator


class FakeSmsc:
    """Context manager: `with FakeSmsc() as smsc: open_transport(smsc.uri)`."""

    def __init__(self, system_id='luot', password='secret'):
        self.system_id, self.password = system_id, password
        self.port = None
        self.binds = []             # (system_id, password, system_type) of each bind request
        self.submitted = []         # parsed submit_sm PDUs, in order
        self.delivery_answers = []  # parsed deliver_sm_resp PDUs
        self.enquire_links = 0
        self.submit_status = 0      # the status submit_sm is answered with
        self.answer_enquire_link = True
        self._next_id = 0x5A3C0
        self._sequence = SimpleSequenceGenerator()
        self._changed = threading.Condition()
        self._sessions = []
        self._listener = None

    @property
    def uri(self):
        return f'smpp://{self.system_id}:{self.password}@127.0.0.1:{self.port}?source=8188'

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        """Listen (again, on the same port once it has one) and accept sessions in a thread."""
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(('127.0.0.1', self.port or 0))
        self._listener.listen(4)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept_loop, args=(self._listener,), daemon=True).start()
        return self

    def stop(self):
        """Go away: close the listener and every session."""
        listener, self._listener = self._listener, None
        if listener:
            _close(listener)        # shutdown() first: close() alone leaves a blocked accept() running
        for session in list(self._sessions):
            _close(session)
        self._sessions.clear()

    def push_message(self, source, text_bytes, *, data_coding=0, esm_class=0, source_ton=1):
        """A deliver_sm from a phone to the newest bound session."""
        self._send(self._sessions[-1], smpp.make_pdu(
            'deliver_sm', client=self._sequence, service_type='', source_addr_ton=source_ton,
            source_addr_npi=1, source_addr=source, dest_addr_ton=0, dest_addr_npi=1,
            destination_addr='8188', esm_class=esm_class, data_coding=data_coding,
            short_message=text_bytes))

    def push_receipt(self, message_id, stat='DELIVRD', err='000', tlv_state=None):
        """A delivery receipt (esm_class 0x04) in the usual text form, with TLVs if tlv_state is given."""
        text = (f'id:{message_id} sub:001 dlvrd:{1 if stat == "DELIVRD" else 0:03d} submit date:2603020930 '
                f'done date:2603020931 stat:{stat} err:{err} text:')
        fields = {'receipted_message_id': message_id, 'message_state': tlv_state} if tlv_state else {}
        self._send(self._sessions[-1], smpp.make_pdu(
            'deliver_sm', client=self._sequence, service_type='', source_addr_ton=1, source_addr_npi=1,
            source_addr='84905123456', dest_addr_ton=0, dest_addr_npi=1, destination_addr='8188',
            esm_class=0x04, data_coding=0, short_message=text.encode('ascii'), **fields))

    def wait_for(self, predicate, timeout=5.0):
        """Wait until predicate() is true; False after the timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, 0.1))
        return True

    def _accept_loop(self, listener):
        while True:
            try:
                session, _ = listener.accept()
            except OSError:
                return
            self._sessions.append(session)
            threading.Thread(target=self._session_loop, args=(session,), daemon=True).start()

    def _session_loop(self, session):
        try:
            while True:
                header = _read_exactly(session, 4)
                length = struct.unpack('>L', header)[0]
                pdu = smpp.parse_pdu(header + _read_exactly(session, length - 4), client=self._sequence,
                                     allow_unknown_opt_params=True)
                if not self._handle(session, pdu):
                    break
        except OSError:
            pass
        _close(session)

    def _handle(self, session, pdu):
        with self._changed:
            self._changed.notify_all()
            if pdu.command == 'bind_transceiver':
                self.binds.append((pdu.system_id, pdu.password, pdu.system_type))
                good = pdu.system_id == self.system_id.encode() and pdu.password == self.password.encode()
                self._answer(session, pdu, 'bind_transceiver_resp', 0 if good else 0x0E, system_id='fakesmsc')
                return good
            if pdu.command == 'submit_sm':
                self.submitted.append(pdu)
                self._next_id += 1
                message_id = format(self._next_id, 'X') if self.submit_status == 0 else ''
                self._answer(session, pdu, 'submit_sm_resp', self.submit_status, message_id=message_id)
            elif pdu.command == 'enquire_link':
                self.enquire_links += 1
                if self.answer_enquire_link:
                    self._answer(session, pdu, 'enquire_link_resp', 0)
            elif pdu.command == 'deliver_sm_resp':
                self.delivery_answers.append(pdu)
            elif pdu.command == 'unbind':
                self._answer(session, pdu, 'unbind_resp', 0)
                return False
        return True

    def _answer(self, session, request, command, status, **fields):
        answer = smpp.make_pdu(command, client=self._sequence, status=status, **fields)
        answer.sequence = request.sequence
        self._send(session, answer)

    def _send(self, session, pdu):
        session.sendall(pdu.generate())


def _read_exactly(session, size):
    data = b''
    while len(data) < size:
        chunk = session.recv(size - len(data))
        if not chunk:
            raise OSError('peer closed')
        data += chunk
    return data


def _close(session):
    try:
        session.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    session.close()
