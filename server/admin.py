"""The admin console."""
from flask import Blueprint, render_template

from .auth import page

bp = Blueprint('admin', __name__)


@bp.get('/admin')
@page()
def index():
    return render_template('admin/index.html')
