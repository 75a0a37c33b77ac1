"""The front desk page."""
from flask import Blueprint, render_template

from server.auth import page
from server.pages.counter import staff_context

bp = Blueprint('desk', __name__)


@bp.get('/desk')
@page('desk')
def index():
    """The front desk: issue tickets for citizens, find, reprint, cancel and move them, watch the lines."""
    return render_template('desk/index.html', **staff_context())
