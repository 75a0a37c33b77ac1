"""The hotline operator's booking page."""
from flask import Blueprint, render_template

from .auth import page

bp = Blueprint('hotline', __name__)


@bp.get('/hotline')
@page('hotline')
def index():
    return render_template('hotline/index.html')
