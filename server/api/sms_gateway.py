"""The JSON API of the SMS gateway's set-up: the console's form, its state and a test message."""
from flask import current_app, jsonify
from flask_babel import gettext as _

from server import settings
from server.api.blueprint import actor, bp
from server.audit import audit
from server.auth import requires
from server.errors import Conflict, Invalid
from server.extensions import db
from server.sms import gateway_settings, messaging
from server.validation import json_body, phone_number


def gateway_dict(app):
    """What the console shows: the fields (no secret), whether the environment fixes them, and the state."""
    fixed = gateway_settings.environment_uri(app)
    config = gateway_settings.config_of(fixed) if fixed else gateway_settings.public(gateway_settings.stored())
    state = messaging.gateway_state(app)
    return {'config': config, 'fixed_by_environment': bool(fixed),
            'ok': state['ok'], 'error': state['error'],
            'reason': gateway_settings.reason_in_words(state['error']) if state['error'] else ''}


@bp.get('/sms/gateway')
@requires('admin')
def get_gateway():
    return jsonify(gateway_dict(current_app))


@bp.put('/sms/gateway')
@requires('admin')
def put_gateway():
    """Store the console's gateway; the sending job uses it from its next round, without a restart."""
    if gateway_settings.environment_uri(current_app):
        raise Conflict(_('Cổng SMS đã được đặt cố định khi cài máy chủ (biến môi trường), không đổi được ở đây.'),
                       'fixed_by_environment')
    config = gateway_settings.checked(json_body(), gateway_settings.stored())
    with db.atomic():
        settings.put(gateway_settings.KEY, config)
        audit(None, 'sms_gateway_changed', actor(), kind=config['kind'])
    return jsonify(gateway_dict(current_app))


@bp.post('/sms/test')
@requires('admin')
def send_test_sms():
    """Send a test SMS to the number typed, now, through the outbox; the answer says whether it went."""
    body = json_body()
    phone = phone_number(body.get('phone'), 'phone')
    if phone is None:
        raise Invalid(_('Hãy điền "%(field)s".', field=gateway_settings.LABELS['phone']), 'missing_field')
    return jsonify(messaging.send_test(current_app._get_current_object(), phone))
