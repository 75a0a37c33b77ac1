"""The OpenAPI description of board media: images and short videos played on the boards between calls
(server/api/media.py)."""
from server.api.openapi_schemas import ROW_ID, TIME, obj, ref, string
from server.media.files import MAX_BYTES, MAX_ITEMS, MAX_TOTAL, MB

SECONDS = {'type': 'integer', 'minimum': 3, 'maximum': 300,
           'description': 'How long an image stays on screen; a video plays to its end.'}
BOARDS = {'type': 'array', 'items': ROW_ID,
          'description': 'The boards that play it; none: every board (the board showing every line included).'}
UPLOAD = ('Checked by the file\'s content, never its name: images JPEG, PNG or WebP up to {image} MB (decoded and '
          'written again: upright, at most 1920 px, no EXIF or other metadata), videos MP4 or WebM up to {video} MB '
          '(by their container\'s magic bytes; kept as sent, played muted). At most {items} items and {total} MB in '
          'all (409 media_full). 400 missing_file, unsupported_type, wrong_kind (the content is not the `kind` '
          'sent), image_too_big; 404 unknown_board; 413 file_too_large. The boards concerned get `media_changed` '
          'on /display. Audited as media_added.').format(image=MAX_BYTES['image'] // MB,
                                                          video=MAX_BYTES['video'] // MB, items=MAX_ITEMS,
                                                          total=MAX_TOTAL // MB)


def paths(op, path_param, query, array):
    """/media, /media/{media_id} and its file."""
    item = [path_param('media_id', ROW_ID, 'The media item id.')]
    upload = op('Upload an image or a short video for the boards', ('admin',), ref('Media'), None, 201,
                (404, 409, 413), 'setup', description=UPLOAD)
    upload['requestBody'] = {'required': True, 'content': {'multipart/form-data': {'schema': ref('MediaUpload')}}}
    upload['responses']['400'] = {'$ref': '#/components/responses/E400'}
    upload['responses']['413'] = {'description': 'The file (or the request) is over its limit (file_too_large).',
                                  'content': {'application/json': {'schema': ref('Error')}}}
    file_answer = op('The media file itself (boards and the console)', ('admin', 'display'), string(), errors=(404,),
                     tag='setup', params=item, description=(
                         'With the content type it was checked as, X-Content-Type-Options: nosniff, a day\'s private '
                         'caching with an ETag (304 on If-None-Match), and byte ranges (206) for video. 404 '
                         'unknown_media, file_missing.'))
    file_answer['responses']['200']['content'] = {
        kind: {'schema': string(format='binary')} for kind in ('image/jpeg', 'image/png', 'image/webp', 'video/mp4',
                                                               'video/webm')}
    file_answer['responses']['206'] = {'description': 'The byte range asked for (Range: bytes=...).'}
    return {
        '/media': {'get': op('The board media, in playing order', ('admin',), array('Media'), tag='setup'),
                   'post': upload},
        '/media/{media_id}': {
            'patch': op('Change a media item', ('admin',), ref('Media'), 'MediaChange', errors=(404,), tag='setup',
                        params=item, description='404 unknown_media, unknown_board. The boards concerned (before '
                                                 'and after) get `media_changed`. Audited as media_changed.'),
            'delete': op('Remove a media item and its file', ('admin',),
                         obj(['id', 'deleted'], id=ROW_ID, deleted={'const': True}), errors=(404,), tag='setup',
                         params=item, description='The file is deleted once the removal is committed; the boards '
                                                  'concerned get `media_changed`. Audited as media_removed.')},
        '/media/{media_id}/file': {'get': file_answer},
    }


def schemas():
    """An item, the upload form and a change."""
    return {
        'Media': obj(['id', 'title', 'kind', 'content_type', 'size', 'seconds', 'active', 'sort_order', 'boards',
                      'url'],
                     id=ROW_ID, title=string(100), kind={'enum': ['image', 'video']},
                     content_type={'enum': ['image/jpeg', 'image/png', 'image/webp', 'video/mp4', 'video/webm']},
                     size={'type': 'integer', 'description': 'Bytes kept.'}, seconds=SECONDS,
                     active={'type': 'boolean'}, sort_order={'type': 'integer'}, boards=BOARDS,
                     url=string(description='Where boards and the console load the file.'), created_at=TIME,
                     created_by=string(100)),
        'MediaUpload': obj(['file', 'title'], file=string(format='binary'), title=string(100, minLength=1),
                           seconds=SECONDS, boards=BOARDS,
                           kind={'enum': ['image', 'video'], 'description': 'Optional: what the file must be.'}),
        'MediaChange': obj((), title=string(100, minLength=1), seconds=SECONDS, active={'type': 'boolean'},
                           sort_order={'type': 'integer', 'minimum': 0, 'maximum': 1000000}, boards=BOARDS),
    }
