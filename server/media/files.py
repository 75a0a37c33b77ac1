"""An uploaded media file: its kind told by its content (never by its name or the browser's word), its size
limits, and where it is kept (the data folder's media/, under a random name).

Images (JPEG, PNG, WebP) are decoded by Pillow and written again: what is kept is pixels only, turned upright,
scaled down to what a board can show, with no EXIF (a phone photo's GPS position and camera), no text chunks and
nothing else that rode in the original file. Videos (MP4, WebM) cannot be decoded here, so they are told by their
container's magic bytes (an MP4's ftyp box with a known brand, a WebM's EBML header naming "webm") and kept as sent.
"""
import io
import os
import secrets
import warnings
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from server.db.private_files import private_folder
from server.errors import Invalid, QueueError

FOLDER = 'media'
MB = 1024 * 1024
MAX_BYTES = {'image': 5 * MB, 'video': 50 * MB}
MAX_ITEMS = 50
MAX_TOTAL = 500 * MB
REQUEST_LIMIT = MAX_BYTES['video'] + MB   # the upload request: the biggest file allowed and its form fields
IMAGE_FORMATS = {'JPEG': ('image/jpeg', '.jpg'), 'PNG': ('image/png', '.png'), 'WEBP': ('image/webp', '.webp')}
VIDEO_SUFFIX = {'video/mp4': '.mp4', 'video/webm': '.webm'}
# Brands of MP4 files that browsers play; QuickTime's 'qt  ' and HEIF images ('heic', 'mif1', 'avif') also start
# with an ftyp box and are refused.
MP4_BRANDS = {b'isom', b'iso2', b'iso3', b'iso4', b'iso5', b'iso6', b'mp41', b'mp42', b'avc1', b'M4V ', b'dash',
              b'mmp4', b'MSNV', b'f4v '}
MAX_SIDE = 1920            # a board shows at most full HD: bigger images are scaled down once, here
MAX_PIXELS = 50_000_000    # a bigger canvas is refused before it is decoded (a small file can claim a huge one)
HEAD = 64
CHUNK = 1024 * 1024


class TooLarge(QueueError):
    status, code = 413, 'file_too_large'


def too_large(kind=None):
    """The refusal of a file over its kind's limit (or, kind unknown, over the largest)."""
    limits = dict(image=MAX_BYTES['image'] // MB, video=MAX_BYTES['video'] // MB)
    return TooLarge(_('Tệp quá lớn: ảnh tối đa %(image)d MB, video tối đa %(video)d MB.', **limits))


def unsupported():
    return Invalid(_('Tệp không phải ảnh JPEG, PNG, WebP hoặc video MP4, WebM (kiểm tra theo nội dung tệp, không '
                     'theo tên tệp).'), 'unsupported_type')


def folder(app=None):
    """The data folder's media/, created (the owner's only) if missing."""
    path = Path((app or current_app).config['DATA_DIR']) / FOLDER
    private_folder(path)
    return path


def path_of(filename, app=None):
    return folder(app) / filename


def video_type(head):
    """'video/mp4' or 'video/webm' as the file's first bytes say, or None."""
    if len(head) >= 12 and head[4:8] == b'ftyp' and head[8:12] in MP4_BRANDS:
        return 'video/mp4'
    doctype = head.find(b'\x42\x82')   # the EBML DocType element, then its length and the name
    if head[:4] == b'\x1a\x45\xdf\xa3' and doctype > 0 and head[doctype + 3:doctype + 7] == b'webm':
        return 'video/webm'
    return None


def store(stream, wanted_kind=None):
    """Check an uploaded file's content and keep it: (kind, filename, content_type, size); a 400 or 413 else."""
    head = stream.read(HEAD)
    content_type = video_type(head)
    kind = 'video' if content_type else 'image'
    if kind == 'image':
        data = head + stream.read(MAX_BYTES['image'] + 1 - len(head))
        if len(data) > MAX_BYTES['image']:
            raise too_large('image')
        content_type, suffix, data = reencoded(data, wanted_kind)
        if wanted_kind == 'video':
            raise wrong_kind(wanted_kind)
        return kind, _write(suffix, [data]), content_type, len(data)
    if wanted_kind == 'image':
        raise wrong_kind(wanted_kind)
    filename = _write(VIDEO_SUFFIX[content_type], _chunks(head, stream, MAX_BYTES['video']))
    return kind, filename, content_type, path_of(filename).stat().st_size


def wrong_kind(wanted_kind):
    return Invalid(_('Tệp gửi lên không phải %(kind)s như đã chọn.', kind=_('ảnh') if wanted_kind == 'image'
                     else _('video')), 'wrong_kind')


def _chunks(head, stream, limit):
    """The file's bytes in chunks, refusing (413) once more than `limit` came."""
    size = len(head)
    yield head
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return
        size += len(chunk)
        if size > limit:
            raise too_large('video')
        yield chunk


def reencoded(data, wanted_kind=None):
    """(content_type, suffix, bytes) of the image written again by Pillow; a 400 for anything else."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error', Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                if image_format not in IMAGE_FORMATS:
                    raise unsupported()
                if probe.width * probe.height > MAX_PIXELS:
                    raise Invalid(_('Ảnh quá nhiều điểm ảnh (tối đa %(n)d triệu).', n=MAX_PIXELS // 1_000_000),
                                  'image_too_big')
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                return _written(image, image_format)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError, EOFError):
        if wanted_kind == 'video':
            raise wrong_kind(wanted_kind)
        raise unsupported()


def _written(image, image_format):
    """The image upright, at most MAX_SIDE wide and high, saved in its own format without its metadata."""
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if image_format == 'JPEG':
        upright.convert('RGB').save(out, 'JPEG', quality=88, optimize=True)
    elif image_format == 'WEBP':
        keep_alpha = upright.mode in ('RGBA', 'LA', 'P')
        upright.convert('RGBA' if keep_alpha else 'RGB').save(out, 'WEBP', quality=85)
    else:
        upright.save(out, 'PNG')
    content_type, suffix = IMAGE_FORMATS[image_format]
    return content_type, suffix, out.getvalue()


def _write(suffix, chunks):
    """Write the chunks to a new file of a random name under media/ (nothing left behind on a failure)."""
    filename = secrets.token_hex(16) + suffix
    path = path_of(filename)
    descriptor = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_BINARY', 0), 0o600)
    try:
        with os.fdopen(descriptor, 'wb') as handle:
            for chunk in chunks:
                handle.write(chunk)
    except OSError:
        remove(filename)
        raise QueueError(_('Máy chủ không ghi được tệp vào ổ đĩa (đầy hoặc lỗi). Xin thử lại sau hoặc báo quản trị '
                           'viên.'), 'storage_error', 503)
    except BaseException:
        remove(filename)
        raise
    return filename


def remove(filename, app=None):
    """Delete a kept file; one already gone is no error."""
    try:
        path_of(filename, app).unlink()
    except FileNotFoundError:
        pass
