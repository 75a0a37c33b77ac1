"""The JSON API for the office's devices: printers, display boards and the tokens kiosks, boards and gateways use."""
import json

from flask import jsonify
from flask_babel import gettext as _
from peewee import IntegrityError

from printer.addresses import PrinterURIError, checked_uri
from server import caches
from server.api import printer_addresses
from server.api.blueprint import actor, bp
from server.api.office import services_by_code
from server.audit import audit
from server.auth import requires
from server.clock import iso
from server.errors import Conflict, Invalid, NotFound, must_exist
from server.extensions import db
from server.labels import field_label
from server.live import connections, events
from server.models import TOKEN_ROLES, ApiToken, Board, Counter, Printer
from server.queueing import printing
from server.validation import MAX_ID, integer, json_body, not_null, string_list, text

PAPER_WIDTHS = (58, 80)
# Body fields whose columns cannot be empty: null is a 400 (leave a field out to keep it unchanged).
PRINTER_FIELDS = ('name', 'uri', 'paper_width')
BOARD_FIELDS = ('name', 'services', 'counters', 'notice')


# Printers --------------------------------------------------------------------------------------

def printer_dict(printer):
    return {'id': printer.id, 'name': printer.name, 'uri': printer.uri, 'paper_width': printer.paper_width,
            'status': printer.status, 'status_detail': printer.status_detail,
            'status_at': iso(printer.status_at), 'connection': printer_addresses.connection_of(printer.uri),
            'address': printer_addresses.address_words(printer.uri)}


def _printer_uri(body, required):
    if body.get('connection') is not None:     # the console's form: a kind of connection and its fields
        return printer_addresses.uri_of(body['connection'])
    uri = text(body, 'uri', 255, required=required)
    if uri is None:
        return None
    try:
        canonical = checked_uri(uri)
    except PrinterURIError as error:
        raise Invalid(str(error), 'invalid_printer_uri')
    if len(canonical) > 255:
        raise Invalid(_('Trường "%(field)s" dài quá %(max)d ký tự.', field=field_label('uri'), max=255), 'too_long')
    return canonical


def _printer_fields(body, creating):
    not_null(body, PRINTER_FIELDS)
    fields = {}
    name = text(body, 'name', 100, required=creating)
    if name is not None:
        fields['name'] = name
    uri = _printer_uri(body, required=creating)
    if uri is not None:
        fields['uri'] = uri
    if 'paper_width' in body or creating:
        width = integer(body, 'paper_width', default=80)
        if width not in PAPER_WIDTHS:
            raise Invalid(_('Khổ giấy phải là 58 hoặc 80 (mm).'), 'invalid_paper_width')
        fields['paper_width'] = width
    return fields


def find_printer(printer_id):
    return must_exist(Printer.get_or_none(Printer.id == printer_id),
                      _('Không có máy in số %(id)s.', id=printer_id), 'unknown_printer')


@bp.get('/printers')
@requires('admin')
def list_printers():
    return jsonify([printer_dict(p) for p in Printer.select().order_by(Printer.name)])


@bp.post('/printers')
@requires('admin')
def create_printer():
    fields = _printer_fields(json_body(), creating=True)
    try:
        with db.atomic():
            printer = Printer.create(**fields)
            audit(None, 'printer_created', actor(), name=printer.name, uri=printer.uri)
    except IntegrityError:
        raise Conflict(_('Đã có máy in tên "%(name)s".', name=fields['name']), 'duplicate_printer')
    return jsonify(printer_dict(printer)), 201


@bp.patch('/printers/<int:printer_id>')
@requires('admin')
def update_printer(printer_id):
    printer = find_printer(printer_id)
    fields = _printer_fields(json_body(), creating=False)
    if fields.get('uri', printer.uri) != printer.uri:
        # The old status was about another device: unknown until the spooler talks to the new one.
        fields.update(status='unknown', status_detail='', status_at=None)
    try:
        with db.atomic():
            if fields:
                Printer.update(**fields).where(Printer.id == printer.id).execute()
            audit(None, 'printer_changed', actor(), id=printer.id, fields=sorted(fields))
            db.after_commit(caches.forget_all)   # a cached token holds its printer's row
    except IntegrityError:
        raise Conflict(_('Đã có máy in tên "%(name)s".', name=fields['name']), 'duplicate_printer')
    return jsonify(printer_dict(Printer.get_by_id(printer.id)))


@bp.post('/printers/<int:printer_id>/test')
@requires('admin', 'desk')
def test_printer(printer_id):
    """A test ticket queued for the printer through the spooler (202); its state then comes live."""
    printer = find_printer(printer_id)
    job_id = printing.print_test(printer)
    return jsonify({'printer_id': printer.id, 'job_id': job_id, 'queued': True}), 202


# Display boards --------------------------------------------------------------------------------

def board_dict(board):
    return {'id': board.id, 'name': board.name, 'services': board.services_shown,
            'counters': board.counters_shown, 'notice': board.notice}


@bp.get('/boards')
@requires('admin', 'display')
def list_boards():
    return jsonify([board_dict(b) for b in Board.ordered()])


def _counter_numbers(body):
    numbers = body.get('counters')
    if numbers is None:
        return []
    if not isinstance(numbers, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
        raise Invalid(_('Trường "%(field)s" phải là danh sách số quầy.', field=field_label('counters')), 'invalid_type')
    if not all(1 <= n <= 999 for n in numbers):
        raise Invalid(_('Trường "%(field)s" phải từ %(low)s đến %(high)s.', field=field_label('counters'), low=1,
                        high=999), 'out_of_range')
    missing = Counter.missing_numbers(numbers)
    if missing:
        raise NotFound(_('Không có quầy số %(number)s.', number=missing[0]), 'unknown_counter')
    return sorted(set(numbers))


def _board_fields(body, creating, board_id=None):
    """The columns a board's body sets, checked the same way for a new board and for a change."""
    not_null(body, BOARD_FIELDS)
    fields = {}
    if creating or 'name' in body:
        fields['name'] = text(body, 'name', 100, required=True)
        other = Board.named(fields['name'], but=board_id)   # two "Màn hình sảnh" could not be told apart
        if other is not None:
            raise Conflict(_('Đã có màn hình tên "%(name)s"; hãy đặt tên khác.', name=other.name), 'duplicate_board')
    if 'services' in body:
        codes = sorted(set(string_list(body, 'services', default=[])))
        services_by_code(codes)
        fields['service_codes'] = json.dumps(codes)
    if 'counters' in body:
        fields['counter_numbers'] = json.dumps(_counter_numbers(body))
    if 'notice' in body:
        fields['notice'] = text(body, 'notice', 500, default='')
    return fields


def _boards_changed():
    db.after_commit(caches.forget_all)   # the boards the events go to
    db.after_commit(events.office_changed)


@bp.post('/boards')
@requires('admin')
def create_board():
    fields = _board_fields(json_body(), creating=True)
    with db.atomic():
        board = Board.create(**fields)
        audit(None, 'board_created', actor(), id=board.id, name=board.name)
        _boards_changed()
    return jsonify(board_dict(board)), 201


def find_board(board_id):
    return must_exist(Board.get_or_none(Board.id == board_id), _('Không có màn hình số %(id)s.', id=board_id),
                      'unknown_board')


@bp.patch('/boards/<int:board_id>')
@requires('admin')
def update_board(board_id):
    board = find_board(board_id)
    fields = _board_fields(json_body(), creating=False, board_id=board.id)
    with db.atomic():
        if fields:
            Board.update(**fields).where(Board.id == board.id).execute()
        audit(None, 'board_changed', actor(), id=board.id, fields=sorted(fields))
        _boards_changed()
    return jsonify(board_dict(Board.get_by_id(board.id)))


# Device tokens ---------------------------------------------------------------------------------

@bp.post('/tokens')
@requires('admin')
def create_token():
    body = json_body()
    role = text(body, 'role', 16, required=True)
    if role not in TOKEN_ROLES:
        raise Invalid(_('Vai trò phải là một trong: %(roles)s.', roles=', '.join(TOKEN_ROLES)), 'invalid_role')
    printer = None
    printer_id = integer(body, 'printer_id', minimum=1, maximum=MAX_ID)
    if printer_id is not None:
        printer = Printer.get_or_none(Printer.id == printer_id)
        if printer is None:
            raise NotFound(_('Không có máy in số %(id)s.', id=printer_id), 'unknown_printer')
    with db.atomic():
        row, raw = ApiToken.issue(role, text(body, 'name', 100, required=True), printer)
        audit(None, 'token_created', actor(), role=role, name=row.name)
    return jsonify({'id': row.id, 'name': row.name, 'role': role, 'token': raw}), 201


@bp.get('/tokens')
@requires('admin')
def list_tokens():
    return jsonify([{'id': t.id, 'name': t.name, 'role': t.role, 'hint': t.hint + '…', 'revoked': t.revoked,
                     'printer_id': t.printer_id} for t in ApiToken.select().order_by(ApiToken.id)])


@bp.post('/tokens/<int:token_id>/revoke')
@requires('admin')
def revoke_token(token_id):
    with db.atomic():
        if ApiToken.update(revoked=True).where(ApiToken.id == token_id).execute() != 1:
            raise NotFound(_('Không có mã truy cập số %(id)s.', id=token_id), 'unknown_token')
        audit(None, 'token_revoked', actor(), id=token_id)
        db.after_commit(caches.forget_all)   # a revoked token stops at once in this process
        db.after_commit(lambda: connections.close(token_id=token_id))   # its boards and kiosks, in every process
    return jsonify({'id': token_id, 'revoked': True})
