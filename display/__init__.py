"""The display board feature: the board page, its static files and the /display namespace."""
from pathlib import Path

from flask import Blueprint, render_template, request

from server.auth import page
from server.queue import board_for

bp = Blueprint('display', __name__, static_folder=str(Path(__file__).parent / 'static'),
               static_url_path='/display/static')


@bp.get('/display')
@page('display')
def board():
    """A board for a TV; ?board=<id> shows a chosen set of lines and counters."""
    chosen = board_for(request.args.get('board'))
    return render_template('display/board.html', board=chosen, device_token=request.cookies.get('luot_device'))
