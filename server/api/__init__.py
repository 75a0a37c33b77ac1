"""The JSON API under /api/v1, by resource, and its OpenAPI description."""
from flask import Blueprint, g

bp = Blueprint('api', __name__, url_prefix='/api/v1')
ANY = ('admin', 'desk', 'counter', 'hotline', 'kiosk', 'display')


def actor():
    """Who the audit trail names for this request: the staff member or device, '' for nobody."""
    return g.principal.actor if g.get('principal') else ''


def register(app):
    """Every resource adds its routes to `bp` when imported; then the app takes them all."""
    from server.api import appointments, office, office_calendar, personal_data, staff, ticketing  # noqa: F401
    app.register_blueprint(bp)
