"""A file (hồ sơ) found by the code on its receipt: its status for anyone holding the code (the kiosk's
"Tra cứu hồ sơ", the public /tra-cuu page, GET /api/v1/dossiers/<code>/status), with no personal data.

Codes are matched forgivingly but whole: case, spaces, dots, dashes and slashes do not matter
("000.00.20.H57-231205-0001" is found as "00000 20h57 2312050001"), a part of a code finds nothing.
"""
from flask_babel import gettext as _
from peewee import fn

from server import labels
from server.access import rate_limits
from server.clock import iso, local_naive
from server.errors import NotFound
from server.models import Dossier

IGNORED = ' -./_'           # what a code may hold that is left out when comparing
MAX_TYPED = 48              # a receipt code is at most 32 characters (Dossier.code); more is not a code
LOOKUPS_PER_MINUTE = 30     # per address: a citizen looks up a few; more is someone trying codes


def code_key(code):
    """A code as compared: upper case, without spaces, dots, dashes or slashes."""
    return ''.join(ch for ch in code.upper() if ch not in IGNORED and not ch.isspace())


def _stored_key():
    """code_key() of the stored code, in SQL (SQLite's UPPER only knows ASCII, as receipt codes are)."""
    expression = fn.UPPER(Dossier.code)
    for ch in IGNORED:
        expression = fn.REPLACE(expression, ch, '')
    return expression


def find(typed):
    """The file a typed code names, or None (unknown, or two files that differ only in punctuation)."""
    if not isinstance(typed, str) or len(typed) > MAX_TYPED:
        return None
    key = code_key(typed)
    if not key:
        return None
    rows = list(Dossier.select().where(_stored_key() == key).limit(5))
    if len(rows) > 1:   # then only the one written exactly so (but for case and spaces) will do
        rows = [row for row in rows if ''.join(row.code.upper().split()) == ''.join(typed.upper().split())]
    return rows[0] if len(rows) == 1 else None


def _day(date):
    return date.strftime('%d/%m/%Y') if date else ''


def message(dossier, today):
    """The status in one plain sentence for the citizen, dates as dd/mm/yyyy."""
    if dossier.status == 'collected':
        return _('Đã trả kết quả ngày %(date)s.', date=_day(local_naive(dossier.collected_at).date()))
    if dossier.status == 'ready' and dossier.pickup_by and dossier.pickup_by < today:
        return _('Đã có kết quả nhưng đã quá hạn nhận (ngày %(date)s). Mời ông/bà liên hệ bộ phận một cửa để nhận.',
                 date=_day(dossier.pickup_by))
    if dossier.status == 'ready':
        return _('Đã có kết quả, mời ông/bà đến nhận trước ngày %(date)s. Xin mang theo CCCD và mã nhận kết quả '
                 'trong tin nhắn.', date=_day(dossier.pickup_by))
    if dossier.due_on and dossier.due_on < today:
        return _('Đang giải quyết, đã quá ngày hẹn trả %(date)s. Xin ông/bà liên hệ bộ phận một cửa.',
                 date=_day(dossier.due_on))
    if dossier.due_on:
        return _('Đang giải quyết, hẹn trả kết quả ngày %(date)s.', date=_day(dossier.due_on))
    return _('Đang giải quyết.')


def status_dict(dossier, now=None):
    """What anyone holding the code may see: never the name, the phone or the pickup code."""
    today = local_naive(now).date()
    service = dossier.service if dossier.service_id else None
    return {'code': dossier.code, 'service': service.code if service else None,
            'service_name': service.name if service else None, 'status': dossier.status,
            'status_label': labels.label(labels.DOSSIER_STATUS, dossier.status),
            'due_on': dossier.due_on.isoformat() if dossier.due_on else None, 'ready_at': iso(dossier.ready_at),
            'pickup_by': dossier.pickup_by.isoformat() if dossier.pickup_by else None,
            'overdue': dossier.status == 'ready' and bool(dossier.pickup_by) and dossier.pickup_by < today,
            'collected_at': iso(dossier.collected_at), 'message': message(dossier, today)}


def look_up(typed, address, now=None):
    """The status of the file a citizen typed the code of, at the pace allowed from their address; a 404 or 429."""
    rate_limits.spend('lookup', address, LOOKUPS_PER_MINUTE, now)
    dossier = find(typed)
    if dossier is None:
        shown = ' '.join(typed.split())[:MAX_TYPED] if isinstance(typed, str) else ''
        raise NotFound(_('Không tìm thấy hồ sơ %(code)s. Xin kiểm tra lại mã trên giấy biên nhận.', code=shown),
                       'unknown_dossier')
    return status_dict(dossier, now)
