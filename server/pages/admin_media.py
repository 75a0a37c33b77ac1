"""The console's media page (Trình chiếu): images and short videos the boards play between calls."""
from flask import render_template
from flask_babel import gettext as _

from server.api.devices import board_dict
from server.api.media import MAX_SECONDS, MIN_SECONDS
from server.auth import page
from server.media import files, items
from server.models import Board
from server.pages.admin import bp, js_strings


def media_strings():
    """The texts admin_media.js shows besides the console's own."""
    limits = {'image': files.MAX_BYTES['image'] // files.MB, 'video': files.MAX_BYTES['video'] // files.MB}
    return {
        **js_strings(),
        'media_no_file': _('Hãy chọn một tệp ảnh hoặc video.'),
        'media_too_big': _('Tệp quá lớn: ảnh tối đa %(image)d MB, video tối đa %(video)d MB.', **limits),
        'media_wrong_type': _('Chỉ nhận ảnh JPEG, PNG, WebP hoặc video MP4, WebM.'),
        'media_uploaded': _('Đã tải lên.'),
        'media_uploading': _('Đang tải lên…'),
    }


@bp.get('/admin/media')
@page()
def media():
    boards = [board_dict(board) for board in Board.ordered()]
    return render_template('admin/media.html', items=[items.media_dict(item) for item in items.ordered()],
                           boards=boards, board_names={board['id']: board['name'] for board in boards},
                           strings=media_strings(), max_bytes=files.MAX_BYTES, max_items=files.MAX_ITEMS,
                           min_seconds=MIN_SECONDS, max_seconds=MAX_SECONDS)
