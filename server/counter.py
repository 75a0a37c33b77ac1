"""A counter's page: staff call, recall, transfer and finish."""
from flask import Blueprint, render_template

from .auth import page

bp = Blueprint('counter', __name__)


@bp.get('/counter')
@page('counter')
def index():
    return render_template('counter/index.html')
