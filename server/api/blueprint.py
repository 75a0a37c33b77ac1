"""The API's blueprint, which every resource module adds its routes to, and what they share."""
from flask import Blueprint, g

bp = Blueprint('api', __name__, url_prefix='/api/v1')
ANY = ('admin', 'desk', 'counter', 'hotline', 'kiosk', 'display')


def actor():
    """Who the audit trail names for this request: the staff member or device, '' for nobody."""
    return g.principal.actor if g.get('principal') else ''
