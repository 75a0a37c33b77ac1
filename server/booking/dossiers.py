"""Files (hồ sơ): received at the desk with a promised date (giấy hẹn), their result made ready (the citizen is
told by SMS, with a pickup code), and handed over against that code or, without it, after a CCCD check.

The pickup code (six digits) is made when the result is ready and lives only until the hand-over: the SMS
carries it, the staff answer that makes a file ready shows it only when there is no phone to send it to,
and no listing, public page, log or audit row shows it. Wrong codes are paced per file and per staff member
as logins are (server/access/logins.py).
"""
import datetime
import secrets

from flask_babel import gettext as _

from server import settings
from server.access import logins
from server.access.rate_limits import TooManyRequests
from server.audit import audit
from server.booking.dossier_lookup import find
from server.clock import iso, local_naive
from server.errors import Conflict, Invalid, NotFound
from server.extensions import db
from server.live import events
from server.models import Dossier, utcnow
from server.sms import messages, outbox

PICKUP_DIGITS = 6
FILE_FREE_FAILURES = 5      # wrong pickup codes for one file before each try must wait (5 s, doubling)
STAFF_FREE_FAILURES = 10    # and for one staff member, over all files
HOW_COLLECTED = ('pickup_code', 'checked_id', 'no_code')   # no_code: a file made ready before pickup codes


def dossier_dict(dossier, today=None, pickup_code=False):
    """A file as staff see it; with `pickup_code`, its code too (only in the answer that made it ready)."""
    today = today or local_naive().date()
    answer = {'code': dossier.code, 'name': dossier.name, 'phone': dossier.phone,
              'service': dossier.service.code if dossier.service_id else None, 'status': dossier.status,
              'ready_at': iso(dossier.ready_at),
              'pickup_by': dossier.pickup_by.isoformat() if dossier.pickup_by else None,
              'overdue': dossier.status == 'ready' and bool(dossier.pickup_by) and dossier.pickup_by < today,
              'collected_at': iso(dossier.collected_at), 'received_at': iso(dossier.received_at),
              'due_on': dossier.due_on.isoformat() if dossier.due_on else None,
              'late': dossier.status == 'processing' and bool(dossier.due_on) and dossier.due_on < today}
    if pickup_code:
        answer['pickup_code'] = dossier.pickup_code
    return answer


def _refuse_taken(code):
    """A 409 when a file of this code exists, or one that differs only in case or punctuation (the citizen's
    look-up could not tell them apart)."""
    other = Dossier.get_or_none(Dossier.code == code) or find(code)
    if other is None:
        return
    if other.status == 'processing':
        raise Conflict(_('Hồ sơ %(code)s đã được tiếp nhận.', code=other.code), 'duplicate_dossier')
    raise Conflict(_('Hồ sơ %(code)s đã được báo có kết quả.', code=other.code), 'duplicate_dossier')


def receive(code, name, phone=None, service=None, due_on=None, actor='', now=None):
    """The desk takes a file in: it is being processed, its result promised for `due_on` (the giấy hẹn)."""
    now = now or utcnow()
    today = local_naive(now).date()
    if due_on is None or not today <= due_on <= today + datetime.timedelta(days=366):
        raise Invalid(_('Ngày hẹn trả phải từ hôm nay đến một năm tới.'), 'invalid_due_on')
    with db.atomic():
        _refuse_taken(code)
        dossier = Dossier.create(code=code, name=name, phone=phone, service=service, status='processing',
                                 ready_at=None, pickup_by=None, received_at=now, due_on=due_on,
                                 created_by=actor or '')
        audit(None, 'dossier_received', actor, code=code, due_on=due_on.isoformat())
        db.after_commit(events.dossiers_changed)
    return dossier


def _make_ready(dossier, actor, now):
    """Ready now: a pickup deadline and a pickup code; the citizen with a phone is told by SMS (inside a transaction)."""
    dossier.status, dossier.ready_at = 'ready', now
    dossier.pickup_by = local_naive(now).date() + datetime.timedelta(days=int(settings.get('pickup_days')))
    dossier.pickup_code = '%0*d' % (PICKUP_DIGITS, secrets.randbelow(10 ** PICKUP_DIGITS))
    dossier.save()
    audit(None, 'dossier_ready', actor, code=dossier.code)
    db.after_commit(events.dossiers_changed)
    if dossier.phone:
        outbox.enqueue('ready:%s' % dossier.code, dossier.phone, messages.result_ready(dossier), 'result_ready',
                       now=now)
    return dossier


def mark_ready(code, name, phone=None, service=None, actor='', now=None):
    """A file not received here before has its result ready: record it and tell the citizen by SMS."""
    now = now or utcnow()
    with db.atomic():
        existing = find(code)
        if existing is not None and existing.status == 'processing':
            raise Conflict(_('Hồ sơ %(code)s đang giải quyết: bấm "Có kết quả" ở danh sách hồ sơ đang giải quyết.',
                             code=existing.code), 'dossier_processing')
        _refuse_taken(code)
        dossier = Dossier.create(code=code, name=name, phone=phone, service=service, created_by=actor or '')
        return _make_ready(dossier, actor, now)


def _get(code):
    dossier = find(code)
    if dossier is None:
        raise NotFound(_('Không có hồ sơ %(code)s.', code=code), 'unknown_dossier')
    return dossier


def ready(code, actor='', now=None):
    """A received file's result is ready."""
    now = now or utcnow()
    with db.atomic():
        dossier = _get(code)
        if dossier.status != 'processing':
            raise Conflict(_('Hồ sơ %(code)s không ở trạng thái đang giải quyết.', code=dossier.code), 'invalid_state')
        return _make_ready(dossier, actor, now)


def _check_pickup_code(dossier, typed, actor, now):
    """The citizen's pickup code, checked at the pace allowed; a 400, or a 429 after several wrong ones."""
    if typed is None:
        raise Invalid(_('Hãy nhập mã nhận kết quả (6 chữ số trong tin nhắn báo có kết quả), hoặc đối chiếu CCCD '
                        'của công dân.'), 'pickup_code_required')
    digits = ''.join(typed.split())
    if len(digits) != PICKUP_DIGITS or not (digits.isascii() and digits.isdigit()):
        raise Invalid(_('Mã nhận kết quả gồm 6 chữ số.'), 'invalid_pickup_code')
    keys = [('pickup:%d' % dossier.id, FILE_FREE_FAILURES),
            ('pickup-staff:' + (actor or 'unknown')[:80], STAFF_FREE_FAILURES)]
    wait, wait_if_wrong = logins.reserve(keys, now)
    if wait:
        raise TooManyRequests(_('Nhập sai mã nhận kết quả nhiều lần. Vui lòng thử lại sau %(n)s giây, hoặc đối '
                                'chiếu CCCD của công dân.', n=wait), 'too_many_attempts')
    if not secrets.compare_digest(digits, dossier.pickup_code):
        wrong = _('Mã nhận kết quả không đúng.')
        if wait_if_wrong:
            wrong += ' ' + _('Vui lòng thử lại sau %(n)s giây.', n=wait_if_wrong)
        raise Invalid(wrong, 'wrong_pickup_code')
    logins.take_back(keys)


def mark_collected(code, actor='', pickup_code=None, checked_reason=None, now=None):
    """The citizen collects the result: against the pickup code, or after staff checked their CCCD
    (`checked_reason`, one of labels.HANDOVER_REASON, recorded in the audit)."""
    now = now or utcnow()
    dossier = _get(code)
    if dossier.status == 'collected':
        raise Conflict(_('Hồ sơ %(code)s đã được trả.', code=dossier.code), 'invalid_state')
    if dossier.status != 'ready':
        raise Conflict(_('Hồ sơ %(code)s chưa có kết quả.', code=dossier.code), 'not_ready')
    how = 'checked_id' if checked_reason else 'pickup_code' if dossier.pickup_code else 'no_code'
    if how == 'pickup_code':
        _check_pickup_code(dossier, pickup_code, actor, now)
    detail = {'check': 'Đối chiếu CCCD', 'reason': checked_reason} if checked_reason else {}
    with db.atomic():
        # The code is no longer needed once the result is handed over.
        taken = (Dossier.update(status='collected', collected_at=now, pickup_code=None)
                 .where(Dossier.id == dossier.id, Dossier.status == 'ready').execute())
        if taken != 1:   # another desk handed it over meanwhile
            raise Conflict(_('Hồ sơ %(code)s đã được trả.', code=dossier.code), 'invalid_state')
        audit(None, 'dossier_collected', actor, code=dossier.code, how=how, **detail)
        db.after_commit(events.dossiers_changed)
    return Dossier.get_by_id(dossier.id)


def listing(status=None, now=None):
    """Files by status: 'processing', 'ready', 'overdue' (ready and past the deadline), 'collected', or all."""
    today = local_naive(now).date()
    query = Dossier.select().order_by(Dossier.pickup_by, Dossier.due_on, Dossier.code)
    if status == 'overdue':
        query = query.where(Dossier.status == 'ready', Dossier.pickup_by < today)
    elif status:
        query = query.where(Dossier.status == status)
    return [dossier_dict(d, today) for d in query.limit(500)]
