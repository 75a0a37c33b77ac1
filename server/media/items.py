"""The media rows: adding, changing and removing items, and the list each board plays.

An item plays on the boards chosen for it; with none chosen it plays on every board (the console's rule for
lines and counters too: nothing chosen means all). The file of a removed item goes once the removal is committed.
"""
from flask_babel import gettext as _
from peewee import fn

from server.audit import audit
from server.clock import iso
from server.errors import Conflict, NotFound, must_exist
from server.extensions import db
from server.media import files
from server.models import Board, Media, MediaBoard

EVERY_BOARD = None   # what boards_of answers for an item with no board chosen


def url_of(item):
    """Where a board or the console loads the file; the name's start keeps a reused id from a stale cache."""
    return '/api/v1/media/%d/file?v=%s' % (item.id, item.filename[:8])


def boards_of(item):
    """The ids of the boards chosen for the item, sorted (empty: every board)."""
    return sorted(placement.board_id for placement in MediaBoard.select().where(MediaBoard.media == item.id))


def media_dict(item):
    """The console's and the API's view of an item."""
    return {'id': item.id, 'title': item.title, 'kind': item.kind, 'content_type': item.content_type,
            'size': item.size, 'seconds': item.seconds, 'active': item.active, 'sort_order': item.sort_order,
            'boards': boards_of(item), 'url': url_of(item), 'created_at': iso(item.created_at),
            'created_by': item.created_by}


def ordered():
    """Every item in playing order."""
    return Media.select().order_by(Media.sort_order, Media.id)


def board_media(board):
    """What a board plays, in order: its chosen items and those chosen for no board (`board` None: the board that
    shows every line plays the latter only)."""
    chosen = {}
    for placement in MediaBoard.select(MediaBoard.media, MediaBoard.board):
        chosen.setdefault(placement.media_id, set()).add(placement.board_id)
    playing = []
    for item in ordered().where(Media.active == True):  # noqa: E712
        boards = chosen.get(item.id)
        if not boards or (board is not None and board.id in boards):
            playing.append({'id': item.id, 'kind': item.kind, 'title': item.title, 'url': url_of(item),
                            'seconds': item.seconds, 'content_type': item.content_type})
    return playing


def check_room(size):
    """A 409 when the office already keeps as many items, or as many megabytes, as it may."""
    count, total = Media.select(fn.COUNT(Media.id), fn.COALESCE(fn.SUM(Media.size), 0)).scalar(as_tuple=True)
    if count >= files.MAX_ITEMS:
        raise Conflict(_('Đã có %(n)d tệp trình chiếu (tối đa). Hãy xóa bớt tệp cũ trước khi tải lên.',
                         n=count), 'media_full')
    if total + size > files.MAX_TOTAL:
        raise Conflict(_('Các tệp trình chiếu đã chiếm gần hết %(mb)d MB cho phép. Hãy xóa bớt tệp cũ (nhất là '
                         'video) trước khi tải lên.', mb=files.MAX_TOTAL // files.MB), 'media_full')


def known_boards(ids):
    """The ids, each of an existing board, or a 404 naming the first unknown one."""
    found = {board.id for board in Board.select(Board.id).where(Board.id.in_(ids))} if ids else set()
    for board_id in ids:
        if board_id not in found:
            raise NotFound(_('Không có màn hình số %(id)s.', id=board_id), 'unknown_board')
    return sorted(set(ids))


def concerned(before, after):
    """The boards whose list may change (EVERY_BOARD when the item is or was for every board)."""
    return EVERY_BOARD if not before or not after else sorted(set(before) | set(after))


def create(fields, boards, actor):
    """A new item (its file already kept) shown on `boards`, last in the order; the boards concerned."""
    with db.atomic():
        last = Media.select(fn.MAX(Media.sort_order)).scalar() or 0
        item = Media.create(sort_order=last + 10, created_by=actor, **fields)
        _place(item, boards)
        audit(None, 'media_added', actor, id=item.id, title=item.title, kind=item.kind, size=item.size,
              boards=boards)
    return item


def _place(item, boards):
    MediaBoard.delete().where(MediaBoard.media == item.id).execute()
    for board_id in boards:
        MediaBoard.create(media=item.id, board=board_id)


def find(media_id):
    return must_exist(Media.get_or_none(Media.id == media_id), _('Không có tệp trình chiếu số %(id)s.', id=media_id),
                      'unknown_media')


def missing_file(item):
    """The 404 for an item whose file is no longer in the data folder (removed by hand, a partial restore)."""
    return NotFound(_('Tệp của mục trình chiếu "%(title)s" không còn trên máy chủ; hãy xóa mục này và tải lên lại.',
                      title=item.title), 'file_missing')


def update(item, fields, boards, actor):
    """Change an item's title, seconds, state, place in the order or boards; the boards concerned."""
    before = boards_of(item)
    with db.atomic():
        if fields:
            Media.update(**fields).where(Media.id == item.id).execute()
        if boards is not None:
            _place(item, boards)
        audit(None, 'media_changed', actor, id=item.id,
              fields=sorted(list(fields) + (['boards'] if boards is not None else [])))
    return concerned(before, before if boards is None else boards)


def board_removed(board_id):
    """Before a board is removed (in its transaction): the items chosen for it alone are paused, so that they do
    not turn into items for every board; the ids of those paused."""
    placed = [placement.media_id for placement in MediaBoard.select().where(MediaBoard.board == board_id)]
    alone = [media_id for media_id in placed
             if MediaBoard.select().where(MediaBoard.media == media_id).count() == 1]
    if alone:
        Media.update(active=False).where(Media.id.in_(alone)).execute()
    MediaBoard.delete().where(MediaBoard.board == board_id).execute()
    return alone


def delete(item, actor):
    """Remove an item and, once that is committed, its file; the boards concerned."""
    before = boards_of(item)
    with db.atomic():
        MediaBoard.delete().where(MediaBoard.media == item.id).execute()
        Media.delete().where(Media.id == item.id).execute()
        audit(None, 'media_removed', actor, id=item.id, title=item.title, kind=item.kind)
        filename, app = item.filename, _app()
        db.after_commit(lambda: files.remove(filename, app))
    return concerned(before, before)


def _app():
    from flask import current_app
    return current_app._get_current_object()
