"""Results ready for collection: staff mark a file (hồ sơ) ready, the citizen is told by SMS."""
import datetime

from flask_babel import gettext as _

from server import settings
from server.audit import audit
from server.clock import iso, local_naive
from server.errors import Conflict, NotFound
from server.extensions import db
from server.live import events
from server.models import Dossier, utcnow
from server.sms import messages, outbox


def dossier_dict(dossier, today=None):
    today = today or local_naive().date()
    return {'code': dossier.code, 'name': dossier.name, 'phone': dossier.phone,
            'service': dossier.service.code if dossier.service_id else None, 'status': dossier.status,
            'ready_at': iso(dossier.ready_at), 'pickup_by': dossier.pickup_by.isoformat(),
            'overdue': dossier.status == 'ready' and dossier.pickup_by < today,
            'collected_at': iso(dossier.collected_at)}


def mark_ready(code, name, phone=None, service=None, actor='', now=None):
    """A file's result is ready: record it with its pickup deadline and tell the citizen by SMS."""
    now = now or utcnow()
    pickup_by = local_naive(now).date() + datetime.timedelta(days=int(settings.get('pickup_days')))
    with db.atomic():
        if Dossier.select().where(Dossier.code == code).exists():
            raise Conflict(_('Hồ sơ %(code)s đã được báo có kết quả.', code=code), 'duplicate_dossier')
        dossier = Dossier.create(code=code, name=name, phone=phone, service=service, ready_at=now,
                                 pickup_by=pickup_by, created_by=actor or '')
        audit(None, 'dossier_ready', actor, code=code)
        db.after_commit(events.dossiers_changed)
        if phone:
            outbox.enqueue('ready:%s' % code, phone, messages.result_ready(dossier), 'result_ready', now=now)
    return dossier


def mark_collected(code, actor='', now=None):
    """The citizen has collected the result."""
    now = now or utcnow()
    with db.atomic():
        dossier = Dossier.get_or_none(Dossier.code == code)
        if dossier is None:
            raise NotFound(_('Không có hồ sơ %(code)s.', code=code), 'unknown_dossier')
        if dossier.status == 'collected':
            raise Conflict(_('Hồ sơ %(code)s đã được trả.', code=code), 'invalid_state')
        dossier.status, dossier.collected_at = 'collected', now
        dossier.save()
        audit(None, 'dossier_collected', actor, code=code)
        db.after_commit(events.dossiers_changed)
    return dossier


def listing(status=None, now=None):
    """Files by status: 'ready', 'overdue' (ready and past the deadline), 'collected', or all."""
    today = local_naive(now).date()
    query = Dossier.select().order_by(Dossier.pickup_by, Dossier.code)
    if status == 'overdue':
        query = query.where(Dossier.status == 'ready', Dossier.pickup_by < today)
    elif status:
        query = query.where(Dossier.status == status)
    return [dossier_dict(d, today) for d in query.limit(500)]
