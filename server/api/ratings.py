"""POST /api/v1/ratings: the citizen rates a served ticket (the rules live in server/queueing/ratings.py).

No token: the ticket's track id is the credential, as for its phone page. A call that carries a session or a
device cookie (the counter's tablet, a staff member's phone) is under the CSRF rules like any other
(server/auth.py: protect_forms); one without lets nobody act in anyone's name.
"""
from flask import jsonify

from server.api.blueprint import bp
from server.queueing import ratings
from server.validation import integer, json_body, text


@bp.post('/ratings')
def create_rating():
    body = json_body()
    track_id = text(body, 'track_id', 200, required=True)
    score = integer(body, 'score', required=True, minimum=1, maximum=4)
    comment = text(body, 'comment', ratings.MAX_COMMENT, default='')
    source = body.get('source') or 'phone'   # checked with the rest: "phone" or "tablet"
    rating = ratings.rate(track_id, score, comment, source)
    return jsonify(ratings.rating_dict(rating)), 201

