"""Removing what was added by mistake: services, counters, boards, procedures and staff accounts that nothing
refers to yet. Anything with a history (tickets, appointments, results) is kept for the reports: closed instead."""
import json

from flask import g, jsonify
from flask_babel import gettext as _

from server import caches
from server.api.blueprint import actor, bp
from server.api.devices import find_board
from server.api.staff import find_staff, keep_an_admin
from server.audit import audit
from server.auth import requires
from server.errors import Conflict, NotFound
from server.extensions import db
from server.live import connections, events
from server.media import items as media_items
from server.models import Appointment, Board, Dossier, Procedure, Service, Ticket
from server.queueing.tickets import find_counter


def _office_changed():
    db.after_commit(caches.forget_all)   # lines, counters and boards are cached for every ticket
    db.after_commit(events.office_changed)
    db.after_commit(lambda: events.queue_changed(None))


def _drop_from_boards(field, value):
    """Take a removed service code or counter number out of the boards that list it."""
    for board in Board.select():
        shown = json.loads(getattr(board, field) or '[]')
        if value in shown:
            setattr(board, field, json.dumps([item for item in shown if item != value]))
            board.save()


def service_in_use(service):
    """Whether a service has issued a ticket, taken a booking or a result (kept for the reports)."""
    return (Ticket.select().where((Ticket.service == service) | (Ticket.origin == service)).exists()
            or Appointment.select().where(Appointment.service == service).exists()
            or Dossier.select().where(Dossier.service == service).exists())


def counter_in_use(counter):
    """Whether a counter has called anyone (kept for the reports)."""
    return Ticket.select().where(Ticket.counter == counter).exists()


def procedure_in_use(procedure):
    """Whether a booking names the procedure."""
    return Appointment.select().where(Appointment.procedure == procedure).exists()


@bp.delete('/services/<code>')
@requires('admin')
def delete_service(code):
    """Remove a service that has never issued a ticket, taken a booking or a result; else 409 service_in_use."""
    with db.atomic():
        service = Service.by_code(code)
        if service is None:
            raise NotFound(_('Không có lĩnh vực "%(code)s".', code=code[:16]), 'unknown_service')
        if service_in_use(service):
            raise Conflict(_('Lĩnh vực "%(name)s" đã có phiếu, lịch hẹn hoặc hồ sơ nên không xóa được (cần giữ cho '
                             'báo cáo). Hãy bấm "Đóng" để ngừng cấp số.', name=service.name), 'service_in_use')
        _drop_from_boards('service_codes', service.code)
        service.delete_instance(recursive=True)   # its counters' links, procedures and number sequences
        audit(None, 'service_deleted', actor(), code=service.code)
        _office_changed()
    return jsonify({'code': service.code, 'deleted': True})


@bp.delete('/counters/<int:number>')
@requires('admin')
def delete_counter(number):
    """Remove a counter that has never called anyone; else 409 counter_in_use."""
    with db.atomic():
        counter = find_counter(number)
        if counter_in_use(counter):
            raise Conflict(_('Quầy số %(number)s đã gọi công dân nên không xóa được (cần giữ cho báo cáo). Hãy bấm '
                             '"Đóng" để ngừng gọi số.', number=number), 'counter_in_use')
        _drop_from_boards('counter_numbers', counter.number)
        counter.delete_instance(recursive=True)   # its links to services
        audit(None, 'counter_deleted', actor(), number=number)
        _office_changed()
    return jsonify({'number': number, 'deleted': True})


@bp.delete('/boards/<int:board_id>')
@requires('admin')
def delete_board(board_id):
    """Remove a board: it holds no history; a TV still showing it falls back to every line."""
    with db.atomic():
        board = find_board(board_id)
        paused = media_items.board_removed(board.id)   # its own media would otherwise play on every board
        board.delete_instance()
        audit(None, 'board_deleted', actor(), id=board_id, name=board.name, media_paused=paused)
        _office_changed()
    return jsonify({'id': board_id, 'deleted': True})


@bp.delete('/procedures/<int:procedure_id>')
@requires('admin')
def delete_procedure(procedure_id):
    """Remove a procedure no booking names; else 409 procedure_in_use."""
    with db.atomic():
        procedure = Procedure.get_or_none(Procedure.id == procedure_id)
        if procedure is None:
            raise NotFound(_('Không có thủ tục số %(id)s.', id=procedure_id), 'unknown_procedure')
        if procedure_in_use(procedure):
            raise Conflict(_('Thủ tục "%(name)s" đã có lịch hẹn nên không xóa được. Hãy bấm "Ngừng" để không ai '
                             'chọn được nữa.', name=procedure.name), 'procedure_in_use')
        procedure.delete_instance()
        audit(None, 'procedure_deleted', actor(), id=procedure_id, name=procedure.name)
    return jsonify({'id': procedure_id, 'deleted': True})


@bp.delete('/staff/<int:staff_id>')
@requires('admin')
def delete_staff(staff_id):
    """Remove an account that has served no one (never oneself, never the last admin); else 409 staff_in_use."""
    with db.atomic():
        staff = find_staff(staff_id)
        if g.principal.staff is not None and g.principal.staff.id == staff.id:
            raise Conflict(_('Bạn không thể tự xóa tài khoản của mình.'), 'cannot_delete_self')
        keep_an_admin(staff, {'active': False})   # never the last admin
        if Ticket.select().where(Ticket.staff == staff).exists():
            raise Conflict(_('Tài khoản "%(username)s" đã phục vụ công dân nên không xóa được (cần giữ cho báo '
                             'cáo). Hãy bỏ chọn "Cho phép đăng nhập" để khóa tài khoản.', username=staff.username),
                           'staff_in_use')
        staff.delete_instance()
        audit(None, 'staff_deleted', actor(), username=staff.username)
        db.after_commit(lambda: connections.close(staff_id=staff_id))   # its open pages, in every process
    return jsonify({'id': staff_id, 'deleted': True})
