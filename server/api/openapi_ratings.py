"""The OpenAPI description of a citizen's rating of a served ticket (đánh giá mức độ hài lòng)."""
from server.api.openapi_schemas import TIME, obj, ref, string

RATING = ('No token: the ticket\'s track id (the end of its track_url) is the credential, as for its phone page '
          '/t/<track id>. One rating per ticket, from the phone page or the tablet at the counter, whichever comes '
          'first; it records the line, counter and staff member that finished the ticket (a transferred ticket '
          'counts for the last counter). Score 4 Rất hài lòng, 3 Hài lòng, 2 Bình thường, 1 Không hài lòng. '
          '400 invalid_json, missing_field, invalid_type, out_of_range, too_long, invalid_source; 404 unknown_ticket; '
          '409 not_served before the ticket is done, already_rated for a second rating. A call carrying a staff '
          'session or a device cookie is under the CSRF rules.')


def paths(op, path_param, query, array):
    """POST /ratings: open to anyone holding the ticket (no x-roles, no security), so not built with `op`."""
    errors = {str(status): {'$ref': '#/components/responses/E%d' % status} for status in (400, 404, 409)}
    return {'/ratings': {'post': {
        'summary': 'Rate a served ticket (anyone holding the ticket)', 'tags': ['queue'], 'security': [],
        'description': RATING, 'parameters': [],
        'requestBody': {'required': True, 'content': {'application/json': {'schema': ref('NewRating')}}},
        'responses': {'201': {'description': 'The rating, recorded',
                              'content': {'application/json': {'schema': ref('Rating')}}}, **errors}}}}


def schemas():
    """The rating and its body."""
    score = {'type': 'integer', 'minimum': 1, 'maximum': 4,
             'description': '4 Rất hài lòng, 3 Hài lòng, 2 Bình thường, 1 Không hài lòng.'}
    source = {'enum': ['phone', 'tablet'], 'default': 'phone',
              'description': 'Where it was given: the phone page or the tablet at the counter.'}
    return {
        'NewRating': obj(['track_id', 'score'], track_id=string(32, minLength=1, description='The ticket\'s track id.'),
                         score=score, comment=string(500, default='', description='Optional; personal data: erased '
                                                     'after the personal_data_days setting.'), source=source),
        'Rating': obj(['number', 'score', 'label', 'comment', 'source', 'created_at'], number=string(8),
                      score=score, label=string(description='The score in words, in the language asked.'),
                      comment=string(500), source=source, created_at=TIME),
    }
