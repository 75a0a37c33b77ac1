"""Citizens' satisfaction (đánh giá mức độ hài lòng): one rating per served ticket, given on the phone page or
on the tablet at the counter, whichever comes first.

The track id is the credential, as for the phone page itself. A rating records the ticket's line, counter and
staff member as they were when it was finished, so a transferred ticket counts once, for the counter that
finished it (a transfer puts it back to waiting; only the last counter marks it done).
"""
import datetime

from flask_babel import gettext as _
from peewee import IntegrityError

from server.clock import iso
from server.errors import Conflict, Invalid, NotFound
from server.extensions import db
from server.labels import RATING_SCORE, label
from server.live import events
from server.models import RATING_SCORES, Rating, Ticket, utcnow

SOURCES = ('phone', 'tablet')
MAX_COMMENT = Rating.comment.max_length
TRACK_ID_LENGTH = Ticket.track_id.max_length
ASK_SECONDS = 60   # as long as the tablet shows a question nobody answers (server/pages/rating.py)


def ticket_by_track_id(track_id):
    """The ticket behind a track id, or a 404 (an id longer than any issued is unknown too)."""
    ticket = None
    if isinstance(track_id, str) and 0 < len(track_id) <= TRACK_ID_LENGTH:
        ticket = Ticket.get_or_none(Ticket.track_id == track_id)
    if ticket is None:
        raise NotFound(_('Không tìm thấy số thứ tự này.'), 'unknown_ticket')
    return ticket


def rating_of(ticket):
    """The ticket's rating, or None."""
    return Rating.get_or_none(Rating.ticket == ticket.id)


def rating_state(ticket):
    """What the phone page needs: 'rated' once rated, 'open' when served and not yet rated, else None."""
    if ticket.status != 'done':
        return None
    return 'rated' if Rating.select().where(Rating.ticket == ticket.id).exists() else 'open'


def waiting_at(counter_id, now=None):
    """The ticket a counter finished within ASK_SECONDS and nobody has rated yet, or None: what its tablet asks
    when it (re)connects, so a tablet whose link dropped a moment does not miss the citizen in front of it."""
    since = (now or utcnow()) - datetime.timedelta(seconds=ASK_SECONDS)
    ticket = (Ticket.select().where(Ticket.counter == counter_id, Ticket.status == 'done', Ticket.finished_at >= since)
              .order_by(Ticket.finished_at.desc(), Ticket.id.desc()).first())
    if ticket is None or Rating.select().where(Rating.ticket == ticket.id).exists():
        return None
    return ticket


def _checked(score, comment, source):
    """The score, comment and source as stored, or a 400 naming what is wrong."""
    if isinstance(score, bool) or score not in RATING_SCORES:
        raise Invalid(_('Mức đánh giá phải là một số từ 1 (Không hài lòng) đến 4 (Rất hài lòng).'), 'invalid_score')
    comment = (comment or '').strip()
    if len(comment) > MAX_COMMENT:
        raise Invalid(_('Góp ý dài quá %(max)d ký tự.', max=MAX_COMMENT), 'too_long')
    if source not in SOURCES:
        raise Invalid(_('Nguồn đánh giá phải là "phone" (điện thoại) hoặc "tablet" (máy tại quầy).'),
                      'invalid_source')
    return score, comment, source


def rate(track_id, score, comment='', source='phone', now=None):
    """Record the citizen's rating of a served ticket: a 409 before it is served (not_served) and for a second
    rating (already_rated); the phone page and the counter's tablet are told after commit."""
    score, comment, source = _checked(score, comment, source)
    with db.atomic():
        ticket = ticket_by_track_id(track_id)
        if ticket.status != 'done':
            raise Conflict(_('Số %(number)s chưa được phục vụ xong, chưa thể đánh giá.', number=ticket.number),
                           'not_served')
        try:
            with db.atomic():   # a savepoint: the unique ticket decides between the phone and the tablet
                rating = Rating.create(ticket=ticket.id, score=score, comment=comment, source=source,
                                       service=ticket.service_id, counter=ticket.counter_id,
                                       staff=ticket.staff_id, created_at=now or utcnow())
        except IntegrityError:
            rating = None
        if rating is None:
            raise Conflict(_('Số %(number)s đã được đánh giá. Cảm ơn ông/bà.', number=ticket.number), 'already_rated')
        rating.ticket = ticket
        db.after_commit(lambda: events.rating_recorded(ticket))
    return rating


def rating_dict(rating):
    """A rating as the API answers it: the ticket's number, the score and its words, where it was given."""
    return {'number': rating.ticket.number, 'score': rating.score, 'label': label(RATING_SCORE, rating.score),
            'comment': rating.comment, 'source': rating.source, 'created_at': iso(rating.created_at)}
