"""Joining the parts of received concatenated messages, and matching delivery reports of parts."""
import logging
import threading
import time
from collections import OrderedDict

from server.sms.transports.base import DeliveryReport, Inbound
from server.validation import mask_phone

log = logging.getLogger(__name__)
MISSING_PART = '[…]'


class PartJoiner:
    """Holds parts of concatenated messages by (sender, reference) until all have arrived.

    A message still incomplete after `max_age` seconds is handed over with its gaps marked,
    rather than lost: the citizen's text matters more than its missing middle.
    """

    def __init__(self, max_age: float = 3600.0):
        self.max_age = max_age
        self._pending = {}          # (phone, reference, total) -> {'parts': {seq: text}, ...}
        self._lock = threading.Lock()

    def add(self, phone: str, text: str, received_at, concat) -> Inbound | None:
        """The whole message when this part completes it (or is a single message), else None."""
        if concat is None or concat[1] <= 1:
            return Inbound(phone, text, received_at)
        reference, total, sequence = concat
        key = (phone, reference, total)
        with self._lock:
            entry = self._pending.setdefault(key, {'parts': {}, 'since': time.monotonic(), 'at': received_at})
            entry['parts'][sequence] = text
            if received_at is not None and (entry['at'] is None or received_at < entry['at']):
                entry['at'] = received_at
            if all(number in entry['parts'] for number in range(1, total + 1)):
                del self._pending[key]
                return Inbound(phone, self._joined(entry, total), entry['at'])
        return None

    def expired(self) -> list[Inbound]:
        """Incomplete messages older than max_age, their missing parts marked."""
        now, released = time.monotonic(), []
        with self._lock:
            for key, entry in list(self._pending.items()):
                if now - entry['since'] >= self.max_age:
                    del self._pending[key]
                    log.warning('SMS from %s: %d of %d parts arrived; handing it over incomplete',
                                mask_phone(key[0]), len(entry['parts']), key[2])
                    released.append(Inbound(key[0], self._joined(entry, key[2]), entry['at']))
        return released

    @staticmethod
    def _joined(entry, total):
        return ''.join(entry['parts'].get(number, MISSING_PART) for number in range(1, total + 1))


class ReceiptTracker:
    """Maps the ids of sent parts to the message id send() returned, and reports once per message.

    A message counts as delivered when every part is; the first failed part fails it.
    """

    def __init__(self, capacity: int = 5000):
        self.capacity = capacity
        self._messages = OrderedDict()  # message id -> set of part ids still awaited
        self._part_owner = {}           # part id -> message id
        self._lock = threading.Lock()

    def register(self, message_id: str, part_ids: list[str]) -> None:
        """Remember the parts of a message just sent."""
        with self._lock:
            self._messages[message_id] = set(part_ids)
            for part_id in part_ids:
                self._part_owner[part_id] = message_id
            while len(self._messages) > self.capacity:   # old reports rarely come; memory is bounded
                old_id, parts = self._messages.popitem(last=False)
                self._forget(old_id, parts)

    def resolve(self, part_ids: list[str], delivered: bool, detail: str) -> DeliveryReport | None:
        """The report for the message owning one of `part_ids` (first match), or None if it waits."""
        with self._lock:
            part_id = next((candidate for candidate in part_ids if candidate in self._part_owner), None)
            if part_id is None:     # sent before a restart, or evicted: report it under its own id
                return DeliveryReport(part_ids[0], delivered, detail)
            message_id = self._part_owner.pop(part_id)
            waiting = self._messages.get(message_id, set())
            waiting.discard(part_id)
            if delivered and waiting:
                return None
            self._forget(message_id, self._messages.pop(message_id, set()))
            return DeliveryReport(message_id, delivered, detail)

    def _forget(self, message_id, part_ids):
        for part_id in part_ids:    # a modem's 8-bit references wrap: a newer message may own the id
            if self._part_owner.get(part_id) == message_id:
                del self._part_owner[part_id]
