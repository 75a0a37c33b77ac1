"""The public page where a citizen looks up a file (hồ sơ) by its receipt's code: no login, no personal data."""
from flask import Blueprint, render_template, request

from server import settings
from server.booking import dossier_lookup
from server.errors import QueueError

bp = Blueprint('lookup', __name__)


@bp.get('/tra-cuu')
def index():
    """A code box and, once a code is sent (?code=), the file's status in one sentence; paced per address."""
    typed = ' '.join((request.args.get('code') or '').split())[:dossier_lookup.MAX_TYPED]
    answer, refusal, status = None, None, 200
    if typed:
        try:
            answer = dossier_lookup.look_up(typed, request.remote_addr)
        except QueueError as error:      # unknown code (404) or too many look-ups (429): said on the page
            refusal, status = error.message, error.status
    page = render_template('lookup.html', typed=typed, answer=answer, refusal=refusal,
                           office_name=settings.get('office_name'))
    return page, status, {'Cache-Control': 'no-store'}
