"""One error hierarchy and one handler: JSON under /api, an HTML page elsewhere."""
import logging

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFError
from peewee import DatabaseError
from playhouse.pool import MaxConnectionsExceeded
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)
SQLITE_FULL, SQLITE_IOERR = 13, 10   # SQLite's result codes for a full disk and an I/O error


class QueueError(Exception):
    """A refusal the caller can act on: an HTTP status, a stable code and a message."""
    status = 400
    code = 'bad_request'
    details = None   # more fields for the JSON answer's "error" object (such as the bookings in the way)

    def __init__(self, message, code=None, status=None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status


class NotFound(QueueError):
    status, code = 404, 'not_found'


def must_exist(row, message, code):
    """The row, or a 404 with this message and code."""
    if row is None:
        raise NotFound(message, code)
    return row


class Conflict(QueueError):
    status, code = 409, 'conflict'


class Invalid(QueueError):
    status, code = 400, 'invalid'


class Unauthorized(QueueError):
    status, code = 401, 'unauthorized'


class Forbidden(QueueError):
    status, code = 403, 'forbidden'


HTTP_MESSAGES = {
    400: ('bad_request', lazy_gettext('Yêu cầu không hợp lệ.')),
    401: ('unauthorized', lazy_gettext('Cần đăng nhập hoặc mã truy cập hợp lệ.')),
    403: ('forbidden', lazy_gettext('Bạn không có quyền thực hiện thao tác này.')),
    404: ('not_found', lazy_gettext('Không tìm thấy địa chỉ này.')),
    405: ('method_not_allowed', lazy_gettext('Phương thức không được hỗ trợ cho địa chỉ này.')),
    413: ('too_large', lazy_gettext('Dữ liệu gửi lên quá lớn.')),
    415: ('unsupported_media_type', lazy_gettext('Dữ liệu phải ở dạng JSON.')),
    429: ('too_many_requests', lazy_gettext('Quá nhiều yêu cầu, vui lòng thử lại sau.')),
    500: ('internal_error', lazy_gettext('Lỗi máy chủ. Vui lòng thử lại hoặc báo quản trị viên.')),
    501: ('not_implemented', lazy_gettext('Chức năng này chưa có trong phiên bản hiện tại.')),
}


def wants_json():
    """JSON for the API and for views marked as answering JSON (audio files), HTML for pages."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return (request.path.startswith('/api/') or getattr(view, 'answers_json', False)
            or request.accept_mimetypes.best == 'application/json')


def error_response(status, code, message, details=None):
    """The answer for an error: the API's JSON shape (with any `details` beside code and message) or an HTML page."""
    if wants_json():
        return jsonify(error={**(details or {}), 'code': code, 'message': str(message)}), status
    try:
        return render_template('error.html', status=status, code=code, message=str(message)), status
    except Exception:  # the error page itself failed: still answer, in plain text
        log.exception('could not render the error page')
        return '%d %s' % (status, message), status, {'Content-Type': 'text/plain; charset=utf-8'}


def register_error_handlers(app):
    """Install the handlers for QueueError, HTTP errors, CSRF failures and the unexpected."""
    @app.errorhandler(QueueError)
    def handle_queue_error(error):
        return error_response(error.status, error.code, error.message, error.details)

    @app.errorhandler(CSRFError)
    def handle_csrf(error):
        return error_response(400, 'csrf_failed',
                              _('Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang.'))

    @app.errorhandler(HTTPException)
    def handle_http(error):
        code, message = HTTP_MESSAGES.get(error.code, ('http_%d' % error.code, error.description))
        return error_response(error.code, code, message)

    @app.errorhandler(MaxConnectionsExceeded)
    def handle_busy(_error):
        log.error('database pool exhausted: %s %s refused', request.method, request.path)
        return error_response(503, 'server_busy', _('Máy chủ đang quá tải, xin thử lại sau ít giây.'))

    @app.errorhandler(DatabaseError)
    def handle_database(error):
        refusal = storage_refusal(error)
        if refusal is None:
            return handle_unexpected(error)
        # Nothing of the request was stored (the transaction rolled back); it works again once there is room.
        log.error('%s: %s %s refused (%s)', refusal.code, request.method, request.path, error)
        return error_response(refusal.status, refusal.code, refusal.message)

    @app.errorhandler(Exception)
    def handle_unexpected(error):
        log.exception('unexpected error on %s %s', request.method, request.path)
        code, message = HTTP_MESSAGES[500]
        return error_response(500, code, message)


def storage_refusal(error):
    """The answer to a write the disk refused (full, or failing), or None for any other database error.
    Nothing of the request was stored (SQLite rolled the transaction back), and it may be tried again."""
    original = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
    code = getattr(original, 'sqlite_errorcode', None)
    if code == SQLITE_FULL or getattr(original, 'pgcode', None) == '53100' or 'database or disk is full' in str(original):
        return QueueError(_('Máy chủ đã hết chỗ lưu dữ liệu nên chưa ghi được yêu cầu này. Xin thử lại sau ít phút '
                            'hoặc báo cán bộ hướng dẫn; các số đã cấp không bị mất.'), 'disk_full', 503)
    failing = code & 0xff == SQLITE_IOERR if code is not None else 'disk I/O error' in str(original)
    if failing:     # a file that may not grow any more (EFBIG), a failing disk
        return QueueError(_('Máy chủ tạm thời không ghi được dữ liệu vào ổ đĩa nên chưa nhận được yêu cầu này. Xin '
                            'thử lại sau ít phút hoặc báo cán bộ hướng dẫn.'), 'storage_error', 503)
    return None
