"""The JSON API for board media: uploading images and short videos, choosing their boards, serving the files."""
from flask import jsonify, request, send_file
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from server.api.blueprint import actor, bp
from server.auth import requires
from server.errors import Invalid
from server.labels import field_label
from server.live import events
from server.media import files, items
from server.models import MEDIA_KINDS
from server.validation import MAX_ID, boolean, integer, json_body, not_null, text

MIN_SECONDS, MAX_SECONDS = 3, 300
MEDIA_FIELDS = ('title', 'seconds', 'active', 'sort_order', 'boards')


def _board_ids(values):
    """Board ids from a list of ints (JSON) or of digit strings (a form's boards[] fields)."""
    ids = []
    for value in values:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
            raise Invalid(_('Trường "%(field)s" phải là danh sách số màn hình.', field=field_label('boards')),
                          'invalid_type')
        ids.append(value)
    return items.known_boards(ids)


def _form_seconds(form):
    raw = (form.get('seconds') or '').strip()
    if not raw:
        return {}
    if not raw.isdigit():
        raise Invalid(_('Trường "%(field)s" phải là số nguyên.', field=field_label('seconds')), 'invalid_type')
    return {'seconds': integer({'seconds': int(raw)}, 'seconds', minimum=MIN_SECONDS, maximum=MAX_SECONDS)}


def _upload():
    """The multipart form and its file, a 413 in words when the request is over the limit."""
    try:
        form, upload = request.form, request.files.get('file')
    except RequestEntityTooLarge:
        raise files.too_large()
    if upload is None or not upload.filename:
        raise Invalid(_('Hãy chọn một tệp ảnh hoặc video để tải lên (trường "%(field)s").',
                        field=field_label('file')), 'missing_file')
    return form, upload


@bp.post('/media')
@requires('admin')
def upload_media():
    """A new image or video (multipart: file, title, seconds, boards, optional kind), checked by its content."""
    form, upload = _upload()
    title = text(dict(form), 'title', 100, required=True)
    wanted = form.get('kind') or None
    if wanted is not None and wanted not in MEDIA_KINDS:
        raise Invalid(_('Loại tệp phải là "image" (ảnh) hoặc "video".'), 'invalid_kind')
    seconds = _form_seconds(form)
    boards = _board_ids(form.getlist('boards') or form.getlist('boards[]'))
    items.check_room(upload.content_length or 0)
    try:
        kind, filename, content_type, size = files.store(upload.stream, wanted)
    except RequestEntityTooLarge:
        raise files.too_large()
    try:
        items.check_room(size)
        item = items.create(dict(title=title, kind=kind, filename=filename, content_type=content_type, size=size,
                                 **seconds), boards, actor())
    except BaseException:
        files.remove(filename)
        raise
    _changed(items.concerned(boards, boards))
    return jsonify(items.media_dict(item)), 201


upload_media.max_upload = files.REQUEST_LIMIT   # the app's request hook lets this view read a bigger body


def _changed(boards):
    """After the commit: the boards concerned get their new list."""
    events.media_changed(boards)


@bp.get('/media')
@requires('admin')
def list_media():
    return jsonify([items.media_dict(item) for item in items.ordered()])


@bp.patch('/media/<int:media_id>')
@requires('admin')
def update_media(media_id):
    item = items.find(media_id)
    body = json_body()
    not_null(body, MEDIA_FIELDS)
    fields = {}
    if 'title' in body:
        fields['title'] = text(body, 'title', 100, required=True)
    if 'seconds' in body:
        fields['seconds'] = integer(body, 'seconds', minimum=MIN_SECONDS, maximum=MAX_SECONDS)
    if 'active' in body:
        fields['active'] = boolean(body, 'active')
    if 'sort_order' in body:
        fields['sort_order'] = integer(body, 'sort_order', minimum=0, maximum=1_000_000)
    boards = None
    if 'boards' in body:
        if not isinstance(body['boards'], list):
            raise Invalid(_('Trường "%(field)s" phải là danh sách số màn hình.', field=field_label('boards')),
                          'invalid_type')
        boards = _board_ids(body['boards'])
    _changed(items.update(item, fields, boards, actor()))
    return jsonify(items.media_dict(items.find(media_id)))


@bp.delete('/media/<int:media_id>')
@requires('admin')
def delete_media(media_id):
    """Remove an item; its file goes once the removal is committed."""
    _changed(items.delete(items.find(media_id), actor()))
    return jsonify({'id': media_id, 'deleted': True})


@bp.get('/media/<int:media_id>/file')
@requires('admin', 'display')
def media_file(media_id):
    """The file itself, for boards and the console: its own type, cached a day, ranges for videos."""
    item = items.find(media_id)
    path = files.path_of(item.filename)
    if not path.is_file():
        raise items.missing_file(item)
    answer = send_file(path, mimetype=item.content_type, conditional=True, max_age=86400, etag=True)
    answer.headers['Cache-Control'] = 'private, max-age=86400'
    answer.headers['X-Content-Type-Options'] = 'nosniff'
    return answer
