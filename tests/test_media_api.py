"""Board media through the API: uploads checked by content and size, the files served with the right headers and
ranges, changes and removals audited, and the boards concerned told over Socket.IO."""
import io
import json
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from server.extensions import db, socketio
from server.media import files
from server.models import AuditEvent
from tests.conftest import bearer

API = '/api/v1'
WEBM_HEAD = bytes.fromhex('1a45dfa3') + bytes.fromhex('9f4286810142f7810142f2810442f381084282') + b'\x84webm'
MP4_HEAD = b'\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2'


def image_bytes(image_format, size=(64, 48), exif=False):
    image = Image.new('RGB', size, (200, 30, 30))
    out = io.BytesIO()
    options = {}
    if exif:
        tags = Image.Exif()
        tags[0x010F] = 'Camera Maker'      # Make
        tags[0x0112] = 6                   # Orientation: turn right to be upright
        options['exif'] = tags.tobytes()
    image.save(out, image_format, **options)
    return out.getvalue()


def multipart(data, name, **form):
    """(body, content type) of a form with one file, encoded in memory (the test client spools a big body to a
    temporary file it never closes when the server refuses it unread)."""
    boundary, body = encode_multipart({'file': FileStorage(io.BytesIO(data), name), **form})
    return body, 'multipart/form-data; boundary=' + boundary


def upload(client, token, data, name='x.bin', title='Giới thiệu', headers=None, **form):
    body, content_type = multipart(data, name, title=title, **form)
    return client.post(API + '/media', headers=bearer(token) if headers is None else headers, data=body, content_type=content_type)


def media_dir(app):
    return Path(app.config['DATA_DIR']) / 'media'


def load(client, url, headers=None):
    """GET a served file, read whole and closed (the answer streams the file)."""
    answer = client.get(url, headers=headers)
    answer.get_data()
    answer.close()
    return answer


def make_board(client, token, name):
    return client.post(API + '/boards', headers=bearer(token), json={'name': name}).get_json()['id']


@pytest.mark.parametrize('image_format, content_type', [('JPEG', 'image/jpeg'), ('PNG', 'image/png'),
                                                        ('WEBP', 'image/webp')])
def test_a_real_image_is_kept_rewritten_and_served(app, client, tokens, image_format, content_type):
    answer = upload(client, tokens['admin'], image_bytes(image_format), name='anh.dat', seconds='7')
    assert answer.status_code == 201, answer.get_json()
    item = answer.get_json()
    assert (item['kind'], item['content_type'], item['seconds'], item['boards']) == ('image', content_type, 7, [])
    kept = list(media_dir(app).iterdir())
    assert len(kept) == 1 and kept[0].stat().st_size == item['size'] and 'anh' not in kept[0].name
    served = load(client, item['url'], bearer(tokens['display']))
    assert served.status_code == 200 and served.mimetype == content_type
    assert served.headers['X-Content-Type-Options'] == 'nosniff'
    assert 'max-age=86400' in served.headers['Cache-Control'] and served.headers['ETag']
    assert Image.open(io.BytesIO(served.data)).format == image_format
    again = load(client, item['url'], bearer(tokens['display'], **{'If-None-Match': served.headers['ETag']}))
    assert again.status_code == 304


def test_exif_is_stripped_and_the_photo_turned_upright(app, client, tokens):
    item = upload(client, tokens['admin'], image_bytes('JPEG', (80, 40), exif=True)).get_json()
    kept = Image.open(io.BytesIO(load(client, item['url'], bearer(tokens['admin'])).data))
    assert kept.size == (40, 80)                 # orientation 6 applied, then dropped
    assert not kept.getexif() and b'Camera Maker' not in (media_dir(app) / next(
        p.name for p in media_dir(app).iterdir())).read_bytes()


def test_a_large_image_is_scaled_down_for_the_boards(app, client, tokens):
    item = upload(client, tokens['admin'], image_bytes('PNG', (3000, 1500))).get_json()
    kept = Image.open(io.BytesIO(load(client, item['url'], bearer(tokens['admin'])).data))
    assert kept.size == (1920, 960)


REFUSED = [
    (b'just some text, renamed', 'anh.jpg', {}, 400, 'unsupported_type'),
    (b'<!doctype html><html><script>alert(1)</script></html>', 'trang.html', {}, 400, 'unsupported_type'),
    (b'GIF89a' + b'\x00' * 40, 'anh.gif', {}, 400, 'unsupported_type'),
    (image_bytes('PNG')[:60], 'hong.png', {}, 400, 'unsupported_type'),       # a truncated image
    (image_bytes('PNG'), 'anh.png', {'kind': 'video'}, 400, 'wrong_kind'),
    (WEBM_HEAD + b'\x00' * 100, 'clip.webm', {'kind': 'image'}, 400, 'wrong_kind'),
    (image_bytes('PNG'), 'anh.png', {'kind': 'audio'}, 400, 'invalid_kind'),
    (image_bytes('PNG'), 'anh.png', {'boards': '99'}, 404, 'unknown_board'),
    (image_bytes('PNG'), 'anh.png', {'boards': 'abc'}, 400, 'invalid_type'),
    (image_bytes('PNG'), 'anh.png', {'seconds': '1'}, 400, 'out_of_range'),
    (image_bytes('PNG'), 'anh.png', {'seconds': 'mười'}, 400, 'invalid_type'),
    (image_bytes('PNG'), 'anh.png', {'title': ''}, 400, 'missing_field'),
    (b'\xff\xd8\xff' + b'\x00' * (files.MAX_BYTES['image']), 'to.jpg', {}, 413, 'file_too_large'),
]


@pytest.mark.parametrize('data, name, form, status, code', REFUSED)
def test_bad_uploads_are_refused_in_words_and_leave_no_file(app, client, tokens, data, name, form, status, code):
    answer = upload(client, tokens['admin'], data, name=name, **form)
    assert answer.status_code == status, answer.get_json()
    error = answer.get_json()['error']
    assert error['code'] == code and error['message'] and 'Traceback' not in error['message']
    assert not media_dir(app).exists() or list(media_dir(app).iterdir()) == []
    assert client.get(API + '/media', headers=bearer(tokens['admin'])).get_json() == []


def test_refusals_speak_english_when_asked(client, tokens):
    answer = upload(client, None, b'hello', 'a.jpg', headers=bearer(tokens['admin'], **{'Accept-Language': 'en'}))
    assert answer.status_code == 400 and 'JPEG' in answer.get_json()['error']['message']


def test_no_file_is_a_400(client, tokens):
    answer = client.post(API + '/media', headers=bearer(tokens['admin']), data={'title': 'x'},
                         content_type='multipart/form-data')
    assert answer.status_code == 400 and answer.get_json()['error']['code'] == 'missing_file'


def test_a_body_over_the_request_limit_is_a_413_in_words(client, tokens):
    answer = upload(client, tokens['admin'], b'\x00' * (files.REQUEST_LIMIT + 10), 'big.mp4')
    assert answer.status_code == 413
    assert answer.get_json()['error']['code'] in ('file_too_large', 'too_large')
    assert 'MB' in answer.get_json()['error']['message'] or 'quá lớn' in answer.get_json()['error']['message']


def test_videos_are_told_by_their_magic_bytes_and_served_in_ranges(app, client, tokens):
    clip = WEBM_HEAD + bytes(range(256)) * 40
    item = upload(client, tokens['admin'], clip, name='clip.bin', kind='video').get_json()
    assert (item['kind'], item['content_type'], item['size']) == ('video', 'video/webm', len(clip))
    part = load(client, item['url'], bearer(tokens['display'], Range='bytes=100-199'))
    assert part.status_code == 206 and part.data == clip[100:200] and part.mimetype == 'video/webm'
    assert part.headers['Content-Range'] == 'bytes 100-199/%d' % len(clip) and part.headers['Accept-Ranges'] == 'bytes'
    mp4 = upload(client, tokens['admin'], MP4_HEAD + b'\x00' * 500, name='a.mp4').get_json()
    assert mp4['content_type'] == 'video/mp4'
    quicktime = upload(client, tokens['admin'], b'\x00\x00\x00\x14ftypqt  ' + b'\x00' * 100, name='b.mp4')
    assert quicktime.get_json()['error']['code'] == 'unsupported_type'


def test_only_admins_upload_and_only_boards_and_admins_load(client, tokens):
    png = image_bytes('PNG')
    for role in ('kiosk', 'display', 'counter', 'desk', 'hotline'):
        assert upload(client, tokens[role], png).status_code == 403
    assert upload(client, None, png, headers={}).status_code == 401
    item = upload(client, tokens['admin'], png).get_json()
    for role, status in (('kiosk', 403), ('counter', 403), ('display', 200), ('admin', 200)):
        assert load(client, item['url'], bearer(tokens[role])).status_code == status
    assert client.get(item['url']).status_code == 401
    for role in ('display', 'kiosk'):
        assert client.get(API + '/media', headers=bearer(tokens[role])).status_code == 403
        assert client.delete(API + '/media/%d' % item['id'], headers=bearer(tokens[role])).status_code == 403


def audited(app, action):
    with app.app_context(), db.connection_context():
        return [json.loads(e.detail) for e in AuditEvent.select().where(AuditEvent.action == action)]


def test_change_reorder_and_delete_are_audited_and_remove_the_file(app, client, tokens):
    admin = bearer(tokens['admin'])
    hall = make_board(client, tokens['admin'], 'Sảnh')
    first = upload(client, tokens['admin'], image_bytes('PNG'), title='Một').get_json()
    second = upload(client, tokens['admin'], image_bytes('JPEG'), title='Hai', boards=str(hall)).get_json()
    assert second['boards'] == [hall] and second['sort_order'] > first['sort_order']
    changed = client.patch(API + '/media/%d' % second['id'], headers=admin, json={
        'sort_order': 0, 'title': 'Hai mới', 'seconds': 20, 'active': False, 'boards': []}).get_json()
    assert (changed['title'], changed['seconds'], changed['active'], changed['boards']) == ('Hai mới', 20, False, [])
    listed = client.get(API + '/media', headers=admin).get_json()
    assert [m['id'] for m in listed] == [second['id'], first['id']]
    for body, code in (({'seconds': 0}, 'out_of_range'), ({'boards': [42]}, 'unknown_board'),
                       ({'boards': 'x'}, 'invalid_type'), ({'title': None}, 'null_field')):
        assert client.patch(API + '/media/%d' % second['id'], headers=admin, json=body).get_json()['error'][
            'code'] == code
    assert len(list(media_dir(app).iterdir())) == 2
    gone = client.delete(API + '/media/%d' % first['id'], headers=admin)
    assert gone.get_json() == {'id': first['id'], 'deleted': True}
    assert len(list(media_dir(app).iterdir())) == 1
    assert load(client, first['url'], admin).status_code == 404
    assert client.delete(API + '/media/%d' % first['id'], headers=admin).status_code == 404
    assert [a['title'] for a in audited(app, 'media_added')] == ['Một', 'Hai']
    assert audited(app, 'media_changed')[0]['fields'] == ['active', 'boards', 'seconds', 'sort_order', 'title']
    assert audited(app, 'media_removed') == [{'id': first['id'], 'title': 'Một', 'kind': 'image'}]


def test_the_office_keeps_a_bounded_number_of_items(client, tokens, monkeypatch):
    monkeypatch.setattr(files, 'MAX_ITEMS', 2)
    png = image_bytes('PNG')
    assert [upload(client, tokens['admin'], png).status_code for _ in range(3)] == [201, 201, 409]
    monkeypatch.setattr(files, 'MAX_ITEMS', 50)
    monkeypatch.setattr(files, 'MAX_TOTAL', 10)
    refused = upload(client, tokens['admin'], png)
    assert refused.status_code == 409 and refused.get_json()['error']['code'] == 'media_full'


def received(client, event):
    return [packet['args'][0] for packet in client.get_received('/display') if packet['name'] == event]


def test_boards_get_their_media_in_the_snapshot_and_when_it_changes(app, client, tokens):
    hall = make_board(client, tokens['admin'], 'Sảnh')
    upstairs = make_board(client, tokens['admin'], 'Tầng 2')
    boards = {board: socketio.test_client(app, namespace='/display', auth={'token': tokens['display'],
                                                                            'board': str(board)})
              for board in (hall, upstairs)}
    try:
        for board in boards.values():
            assert received(board, 'snapshot')[-1]['media'] == []
        item = upload(client, tokens['admin'], image_bytes('PNG'), title='Lịch tiếp dân', boards=str(hall),
                      seconds='12').get_json()
        hall_lists = received(boards[hall], 'media_changed')
        assert hall_lists == [{'media': [{'id': item['id'], 'kind': 'image', 'title': 'Lịch tiếp dân',
                                          'url': item['url'], 'seconds': 12, 'content_type': 'image/png'}]}]
        assert received(boards[upstairs], 'media_changed') == []      # not a board concerned
        client.patch(API + '/media/%d' % item['id'], headers=bearer(tokens['admin']), json={'active': False})
        assert received(boards[hall], 'media_changed') == [{'media': []}]
        reconnected = socketio.test_client(app, namespace='/display', auth={'token': tokens['display'],
                                                                             'board': str(upstairs)})
        client.patch(API + '/media/%d' % item['id'], headers=bearer(tokens['admin']), json={'active': True,
                                                                                            'boards': []})
        assert [m['id'] for m in received(reconnected, 'media_changed')[-1]['media']] == [item['id']]
        reconnected.disconnect('/display')
        fresh = socketio.test_client(app, namespace='/display', auth={'token': tokens['display'], 'board': str(hall)})
        assert [m['title'] for m in received(fresh, 'snapshot')[-1]['media']] == ['Lịch tiếp dân']
        fresh.disconnect('/display')
    finally:
        for board in boards.values():
            if board.is_connected('/display'):
                board.disconnect('/display')


def test_an_item_for_a_removed_board_alone_is_paused_not_shown_everywhere(app, client, tokens):
    admin = bearer(tokens['admin'])
    hall = make_board(client, tokens['admin'], 'Sảnh')
    upstairs = make_board(client, tokens['admin'], 'Tầng 2')
    alone = upload(client, tokens['admin'], image_bytes('PNG'), title='Chỉ sảnh', boards=str(hall)).get_json()
    shared = client.patch(API + '/media/%d' % upload(client, tokens['admin'], image_bytes('PNG'), title='Hai nơi')
                          .get_json()['id'], headers=admin, json={'boards': [hall, upstairs]}).get_json()
    assert client.delete(API + '/boards/%d' % hall, headers=admin).status_code == 200
    listed = {m['title']: m for m in client.get(API + '/media', headers=admin).get_json()}
    assert (listed['Chỉ sảnh']['active'], listed['Chỉ sảnh']['boards']) == (False, [])
    assert (listed['Hai nơi']['active'], listed['Hai nơi']['boards']) == (True, [upstairs])
    assert shared['boards'] == [hall, upstairs] and alone['active']
