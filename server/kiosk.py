"""The touch kiosk page (a kiosk device)."""
from flask import Blueprint, render_template

from .auth import page

bp = Blueprint('kiosk', __name__)


@bp.get('/kiosk')
@page('kiosk')
def index():
    return render_template('kiosk/index.html')
