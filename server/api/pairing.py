"""POST /api/v1/devices/pair: an admin types the code a new TV or kiosk shows on /pair (server/access/pairing.py)."""
from flask import jsonify, request
from flask_babel import gettext as _

from server.access import pairing
from server.api.blueprint import actor, bp
from server.auth import requires
from server.errors import Invalid, must_exist
from server.live import devices, events
from server.models import Board, Counter, Printer
from server.validation import MAX_ID, integer, json_body, text


@bp.post('/devices/pair')
@requires('admin')
def pair_device():
    body = json_body()
    code = pairing.typed_code(body.get('code'))
    if code is None:
        raise Invalid(_('Mã ghép nối gồm 6 chữ số, như trên màn hình của thiết bị.'), 'invalid_code')
    role = text(body, 'role', 16, required=True)
    if role not in pairing.PAIRED_ROLES:
        raise Invalid(_('Vai trò của thiết bị phải là "kiosk" (máy lấy số) hoặc "display" (màn hình).'),
                      'invalid_role')
    name = text(body, 'name', 100, required=True)
    printer = board = None
    printer_id = integer(body, 'printer_id', minimum=1, maximum=MAX_ID)
    if printer_id is not None and role == 'kiosk':
        printer = must_exist(Printer.get_or_none(Printer.id == printer_id),
                             _('Không có máy in số %(id)s.', id=printer_id), 'unknown_printer')
    board_id = integer(body, 'board', minimum=1, maximum=MAX_ID)
    if board_id is not None and role == 'display':
        board = must_exist(Board.get_or_none(Board.id == board_id),
                           _('Không có màn hình số %(id)s.', id=board_id), 'unknown_board')
    counter_number = integer(body, 'counter', minimum=1, maximum=999)
    counter = None
    if counter_number is not None and role == 'kiosk':   # the counter's rating tablet
        counter = must_exist(Counter.get_or_none(Counter.number == counter_number),
                             _('Không có quầy số %(number)s.', number=counter_number), 'unknown_counter')
    token, page = pairing.pair(code, role, name, actor(), request.remote_addr, printer=printer, board=board,
                               counter=counter)
    events.device_changed(token.id)   # committed: the console lists it at once
    return jsonify(dict(devices.device_dict(token), page=page)), 201
