"""The rating tablet at a counter (/rate?counter=N, a device paired as a kiosk): after each citizen the counter
finishes, it asks how satisfied they were; the texts of the rating question, shared with the phone page."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from server import labels, settings
from server.auth import page
from server.errors import NotFound
from server.models import Counter
from server.queueing import ratings

bp = Blueprint('rating', __name__)
THANKS_SECONDS = 6     # the thanks stays this long, then the tablet waits for the next citizen
ANSWER_SECONDS = ratings.ASK_SECONDS   # a question nobody answers goes away after this long


def rating_strings():
    """The texts rating_form.js shows (the question's own words are in the page)."""
    return {
        'rating_choose': _('Xin chọn một mức đánh giá ở trên.'),
        'rating_thanks': _('Cảm ơn ông/bà đã đánh giá'),
        'network_error': _('Không gửi được, xin kiểm tra kết nối rồi thử lại.'),
    }


def scores():
    """{score: words}, best first, as the four answers show them."""
    return labels.texts(labels.RATING_SCORE)


def tablet_strings():
    """The texts rate.js shows."""
    return dict(rating_strings(), number=_('Số %(number)s', number='{number}'),
                already=_('Số này đã được đánh giá. Cảm ơn ông/bà.'),
                offline=_('Mất kết nối máy chủ, đang kết nối lại…'))


@bp.get('/rate')
@page('kiosk')
def tablet():
    """The tablet's one page; rate.js listens on /display for the tickets this counter finishes."""
    if not request.args.get('counter'):   # opened bare (paired by ?token=): choose the counter it stands at
        return render_template('rating/rate.html', counter=None, counters=Counter.ordered(),
                               office_name=settings.get('office_name'))
    number = request.args.get('counter', type=int)
    counter = Counter.get_or_none(Counter.number == number) if number and 1 <= number <= 999 else None
    if counter is None:
        raise NotFound(_('Không có quầy số %(number)s. Hãy ghép nối lại máy đánh giá và chọn quầy.',
                         number=request.args.get('counter', '')[:8]), 'unknown_counter')
    return render_template('rating/rate.html', counter=counter, scores=scores(), strings=tablet_strings(),
                           office_name=settings.get('office_name'), thanks_seconds=THANKS_SECONDS,
                           answer_seconds=ANSWER_SECONDS)
