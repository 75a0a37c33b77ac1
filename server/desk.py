"""The front desk page."""
from flask import Blueprint, render_template

from .auth import page

bp = Blueprint('desk', __name__)


@bp.get('/desk')
@page('desk')
def index():
    return render_template('desk/index.html')
