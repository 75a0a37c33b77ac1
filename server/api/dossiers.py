"""The JSON API of files (hồ sơ): received, ready, handed over against the pickup code, and their public status."""
from flask import jsonify, request
from flask_babel import gettext as _

from server import labels
from server.api.blueprint import actor, bp
from server.auth import requires
from server.booking import dossier_lookup, dossiers
from server.errors import Invalid
from server.models import DOSSIER_STATUSES
from server.queueing.tickets import open_service
from server.validation import MAX_NAME, boolean, json_body, parse_day, phone_number, text


@bp.get('/dossiers')
@requires('desk', 'counter')
def list_dossiers():
    status = request.args.get('status')
    if status and status not in DOSSIER_STATUSES + ('overdue',):
        raise Invalid(_('Trạng thái phải là processing, ready, overdue hoặc collected.'), 'invalid_choice')
    return jsonify(dossiers.listing(status))


@bp.post('/dossiers')
@requires('desk', 'counter')
def add_dossier():
    """A file whose result is ready (the default: SMS with the pickup code), or, with "status": "processing"
    and "due_on", a file the desk takes in."""
    body = json_body()
    code = text(body, 'code', 32, required=True)
    name = text(body, 'name', MAX_NAME, required=True)
    phone = phone_number(body.get('phone'))
    service_code = text(body, 'service', 16)
    service = open_service(service_code) if service_code else None
    status = body.get('status', 'ready')
    if status not in ('ready', 'processing'):
        raise Invalid(_('Trạng thái phải là ready hoặc processing.'), 'invalid_choice')
    if status == 'processing':
        # The desk's form sends the date as typed (dd/mm/yyyy); scripts send YYYY-MM-DD.
        due_on = parse_day(text(body, 'due_on', 10, required=True), 'due_on', iso=True, typed=True)
        dossier = dossiers.receive(code, name, phone, service, due_on, actor())
    else:
        dossier = dossiers.mark_ready(code, name, phone, service, actor())
    # Without a phone no SMS carries the pickup code: staff are shown it, this once.
    return jsonify(dossiers.dossier_dict(dossier, pickup_code=dossier.status == 'ready' and not phone)), 201


@bp.post('/dossiers/<code>/ready')
@requires('desk', 'counter')
def dossier_ready(code):
    dossier = dossiers.ready(code, actor())
    return jsonify(dossiers.dossier_dict(dossier, pickup_code=not dossier.phone))


@bp.post('/dossiers/<code>/collected')
@requires('desk', 'counter')
def dossier_collected(code):
    """Hand the result over: {"pickup_code": "123456"}, or {"checked_id": true, "reason": "lost_message"}."""
    body = json_body(required=False)
    reason = None
    if boolean(body, 'checked_id'):
        reason = text(body, 'reason', 16, required=True)
        if reason not in labels.HANDOVER_REASON:
            raise Invalid(_('Lý do phải là một trong: %(choices)s.', choices=', '.join(labels.HANDOVER_REASON)),
                          'invalid_choice')
    pickup_code = text(body, 'pickup_code', 16)
    dossier = dossiers.mark_collected(code, actor(), pickup_code=pickup_code, checked_reason=reason)
    return jsonify(dossiers.dossier_dict(dossier))


@bp.get('/dossiers/<code>/status')
def dossier_status(code):
    """Anyone holding the file's code: its status, with no personal data; paced per address."""
    answer = dossier_lookup.look_up(code, request.remote_addr)
    return jsonify(answer), 200, {'Cache-Control': 'no-store'}
