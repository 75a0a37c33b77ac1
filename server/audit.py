"""The audit trail: one row for every change of a ticket and every change to the office, in the change's transaction."""
import json

from server.models import AuditEvent, utcnow
from server.queueing import statements


def audit(ticket, action, actor, from_status=None, counter=None, at=None, **detail):
    """Record a state change of a ticket, or without one an office change (inside the caller's transaction);
    `at` is the change's time when the caller was given one (now=), else the clock's."""
    statements.insert(AuditEvent(at=at or utcnow(), ticket=ticket, action=action, actor=actor or '',
                                 from_status=from_status,
                                 to_status=ticket.status if ticket else None,
                                 counter_number=counter.number if counter else None,
                                 detail=json.dumps(detail, ensure_ascii=False, default=str)))
