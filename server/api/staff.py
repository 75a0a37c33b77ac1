"""The JSON API for staff accounts (the admin console)."""
import re

from flask import g, jsonify
from flask_babel import gettext as _
from peewee import IntegrityError

from server.access import sessions
from server.api.blueprint import actor, bp
from server.audit import audit
from server.auth import hash_password, requires
from server.clock import iso
from server.errors import Conflict, Invalid, must_exist
from server.extensions import db
from server.models import STAFF_ROLES, Staff
from server.validation import boolean, json_body, not_null, text

USERNAME = re.compile(r'^[A-Za-z0-9._-]{2,50}$')
MIN_PASSWORD = 8
# Body fields whose columns cannot be empty: null is a 400 (leave a field out to keep it unchanged).
STAFF_FIELDS = ('username', 'full_name', 'role', 'active', 'password')


# Staff accounts --------------------------------------------------------------------------------

def staff_dict(staff):
    """A staff account as the API answers it: never the password hash."""
    return {'id': staff.id, 'username': staff.username, 'full_name': staff.full_name, 'role': staff.role,
            'active': staff.active, 'created_at': iso(staff.created_at),
            'must_change_password': staff.must_change_password}


def _password(body, required):
    """The new password as typed (not stripped: spaces may be part of it), at least MIN_PASSWORD long."""
    if text(body, 'password', 200, required=required) is None:
        return None
    password = body['password']
    if len(password) < MIN_PASSWORD:
        raise Invalid(_('Mật khẩu phải có ít nhất %(min)d ký tự.', min=MIN_PASSWORD), 'password_too_short')
    return password


def _role(body, required):
    role = text(body, 'role', 16, required=required)
    if role is not None and role not in STAFF_ROLES:
        raise Invalid(_('Vai trò phải là một trong: %(roles)s.', roles=', '.join(STAFF_ROLES)), 'invalid_role')
    return role


def find_staff(staff_id):
    return must_exist(Staff.get_or_none(Staff.id == staff_id),
                      _('Không có tài khoản số %(id)s.', id=staff_id), 'unknown_staff')


@bp.get('/staff')
@requires('admin')
def list_staff():
    return jsonify([staff_dict(s) for s in Staff.select().order_by(Staff.username)])


@bp.post('/staff')
@requires('admin')
def create_staff():
    body = json_body()
    not_null(body, STAFF_FIELDS)
    username = text(body, 'username', 50, required=True)
    if not USERNAME.match(username):
        raise Invalid(_('Tên đăng nhập gồm 2-50 chữ cái không dấu, chữ số, dấu chấm, "-" hoặc "_".'),
                      'invalid_username')
    fields = {'username': username, 'full_name': text(body, 'full_name', 100, default=''),
              'role': _role(body, required=True), 'active': boolean(body, 'active', default=True)}
    password = _password(body, required=True)
    try:
        with db.atomic():
            # A password the admin chose for someone else: its owner replaces it at the first login.
            staff = Staff.create(password_hash=hash_password(password), must_change_password=True, **fields)
            audit(None, 'staff_created', actor(), username=username, role=fields['role'])
    except IntegrityError:
        raise Conflict(_('Đã có tài khoản "%(username)s".', username=username), 'duplicate_staff')
    return jsonify(staff_dict(staff)), 201


def _staff_changes(body):
    not_null(body, STAFF_FIELDS)
    fields = {}
    full_name = text(body, 'full_name', 100)
    if full_name is not None or 'full_name' in body:
        fields['full_name'] = full_name or ''
    role = _role(body, required=False)
    if role is not None:
        fields['role'] = role
    if 'active' in body:
        fields['active'] = boolean(body, 'active')
    password = _password(body, required=False)
    if password is not None:
        fields['password_hash'] = hash_password(password)
    return fields


def keep_an_admin(staff, fields):
    """Refuse changes that would lock the caller, or every admin, out of the console."""
    losing_admin = staff.role == 'admin' and staff.active and (
        fields.get('active') is False or fields.get('role', 'admin') != 'admin')
    if not losing_admin:
        return
    me = g.principal.staff
    if me is not None and me.id == staff.id:
        if fields.get('active') is False:
            raise Conflict(_('Bạn không thể tự khóa tài khoản của mình.'), 'cannot_deactivate_self')
        raise Conflict(_('Bạn không thể tự bỏ quyền quản trị của mình.'), 'cannot_demote_self')
    others = Staff.select().where(Staff.role == 'admin', Staff.active == True, Staff.id != staff.id)  # noqa: E712
    if not others.exists():
        raise Conflict(_('Phải còn ít nhất một tài khoản quản trị đang hoạt động.'), 'last_admin')


@bp.patch('/staff/<int:staff_id>')
@requires('admin')
def update_staff(staff_id):
    staff = find_staff(staff_id)
    fields = _staff_changes(json_body())
    keep_an_admin(staff, fields)
    myself = g.principal.staff is not None and g.principal.staff.id == staff.id
    if 'password_hash' in fields:   # set for someone else: they must change it at their next login
        fields['must_change_password'] = not myself
    with db.atomic():
        if fields:
            Staff.update(**fields).where(Staff.id == staff.id).execute()
        if 'password_hash' in fields or fields.get('active') is False:
            # Every session of the account ends and its open pages are disconnected (server/access/sessions.py).
            epoch = sessions.end_everywhere(staff.id)
            if myself:
                sessions.keep(epoch)
        # The audit names the changed fields, never a password or its hash.
        audit(None, 'staff_changed', actor(), username=staff.username,
              fields=sorted('password' if f == 'password_hash' else f for f in fields
                            if f != 'must_change_password'))
    return jsonify(staff_dict(Staff.get_by_id(staff.id)))
