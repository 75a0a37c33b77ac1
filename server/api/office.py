"""The JSON API for setting up the office: services, counters, settings."""
import re

from flask import jsonify
from flask_babel import gettext as _
from peewee import IntegrityError

from server import caches, settings
from server.api.blueprint import ANY, actor, bp
from server.audit import audit
from server.auth import requires, sees_personal_data
from server.booking import procedures
from server.db.database import supports_row_locks
from server.errors import Conflict, Invalid, NotFound
from server.extensions import db
from server.labels import field_label
from server.live import events
from server.models import Counter, CounterService, Service
from server.queueing.lines import counter_dict
from server.queueing.statements import active_at_counter
from server.queueing.tickets import find_counter
from server.validation import boolean, encodable, integer, json_body, not_null, parse_time, string_list, text

TIME_SETTINGS = ('reminder_evening_time',)
CODE = re.compile(r'^[A-Z0-9_]{1,16}$')
PREFIX = re.compile(r'^[A-Z]{1,2}$')


def service_dict(service):
    return {'code': service.code, 'name': service.name, 'prefix': service.prefix,
            'description': service.description, 'active': service.active, 'sort_order': service.sort_order,
            'bookable': service.bookable, 'slot_minutes': service.slot_minutes,
            'slot_capacity': service.slot_capacity}


SERVICE_FIELDS = ('code', 'name', 'prefix', 'description', 'active', 'sort_order', 'bookable', 'slot_minutes',
                  'slot_capacity')


def _service_fields(body, creating):
    not_null(body, SERVICE_FIELDS)   # every column of a service is NOT NULL
    fields = {}
    if creating:
        code = text(body, 'code', 16, required=True).upper()
        if not CODE.match(code):
            raise Invalid(_('Mã lĩnh vực chỉ gồm chữ không dấu, số và "_", tối đa 16 ký tự.'), 'invalid_code')
        fields['code'] = code
    for field, length in (('name', 100), ('description', 200)):
        value = text(body, field, length, required=creating and field == 'name')
        if value is not None:
            fields[field] = value
    prefix = text(body, 'prefix', 2, required=creating)
    if prefix is not None:
        if not PREFIX.match(prefix.upper()):
            raise Invalid(_('Ký hiệu phải là 1-2 chữ cái không dấu (A, B, ...).'), 'invalid_prefix')
        fields['prefix'] = prefix.upper()
    for flag in ('active', 'bookable'):
        if flag in body:
            fields[flag] = boolean(body, flag)
    for field, low, high in (('sort_order', 0, 10000), ('slot_minutes', 5, 240), ('slot_capacity', 0, 100)):
        if field in body:
            fields[field] = integer(body, field, minimum=low, maximum=high)
    return fields


@bp.get('/services')
@requires(*ANY)
def list_services():
    return jsonify([service_dict(s) for s in Service.ordered()])


def _refuse_shared_prefix(prefix, service_id=None):
    """A 409 when another service already numbers with this prefix: both would issue A001 on one day."""
    other = Service.using_prefix(prefix, but=service_id)
    if other is not None:
        raise Conflict(_('Ký hiệu "%(prefix)s" đã được dùng cho lĩnh vực "%(name)s" (%(code)s); hãy chọn '
                         'ký hiệu khác.', prefix=prefix, name=other.name, code=other.code), 'duplicate_prefix')


def _duplicate_service(code):
    return Conflict(_('Đã có lĩnh vực mã "%(code)s".', code=code), 'duplicate_service')


@bp.post('/services')
@requires('admin')
def create_service():
    fields = _service_fields(json_body(), creating=True)
    try:
        with db.atomic():
            if Service.by_code(fields['code']) is not None:
                raise _duplicate_service(fields['code'])
            _refuse_shared_prefix(fields['prefix'])
            service = Service.create(**fields)
            # named after a standard field (Hộ tịch): its common procedures at once, to edit or remove
            added = procedures.add_from_catalogue(service)
            audit(None, 'service_created', actor(), code=service.code, procedures=len(added))
            db.after_commit(caches.forget_all)   # the services and lines read on every ticket
            db.after_commit(events.office_changed)
    except IntegrityError:
        raise _duplicate_service(fields['code'])
    return jsonify(service_dict(service)), 201


@bp.patch('/services/<code>')
@requires('admin')
def update_service(code):
    service = Service.by_code(code)
    if service is None:
        raise NotFound(_('Không có lĩnh vực "%(code)s".', code=code), 'unknown_service')
    fields = _service_fields(json_body(), creating=False)
    with db.atomic():
        if 'prefix' in fields:
            _refuse_shared_prefix(fields['prefix'], service.id)
        Service.update(**fields).where(Service.id == service.id).execute()
        audit(None, 'service_changed', actor(), code=code, fields=sorted(fields))
        db.after_commit(caches.forget_all)
        db.after_commit(events.office_changed)
    return jsonify(service_dict(Service.get_by_id(service.id)))


def services_by_code(codes):
    services = list(Service.select().where(Service.code.in_(codes))) if codes else []
    missing = sorted(set(codes) - {s.code for s in services})
    if missing:
        raise NotFound(_('Không có lĩnh vực: %(codes)s.', codes=', '.join(missing)), 'unknown_service')
    return services


def _set_counter_services(counter, codes):
    services = services_by_code(codes)
    CounterService.delete().where(CounterService.counter == counter).execute()
    for service in services:
        CounterService.create(counter=counter, service=service)


COUNTER_FIELDS = ('number', 'name', 'active', 'paused', 'services')


def _refuse_closing_busy(counter):
    """A 409 while the counter has called or is serving someone: closed, it would hide that citizen."""
    busy = active_at_counter(counter.id)
    if busy:
        raise Conflict(_('Quầy số %(number)s đang gọi hoặc phục vụ số %(ticket)s: hãy hoàn thành hoặc chuyển '
                         'phiếu này trước khi đóng quầy.', number=counter.number, ticket=busy[0].number),
                       'counter_busy')


@bp.get('/counters')
@requires(*ANY)
def list_counters():
    return jsonify([counter_dict(c, private=sees_personal_data()) for c in Counter.ordered()])


@bp.post('/counters')
@requires('admin')
def create_counter():
    body = json_body()
    not_null(body, COUNTER_FIELDS)
    number = integer(body, 'number', required=True, minimum=1, maximum=999)
    name = text(body, 'name', 100) or _('Quầy %(number)s', number=number)
    codes = string_list(body, 'services', default=[])
    try:
        with db.atomic():
            counter = Counter.create(number=number, name=name)
            _set_counter_services(counter, codes)
            audit(None, 'counter_created', actor(), number=number)
            db.after_commit(caches.forget_all)   # the lines an open counter serves
            db.after_commit(lambda: events.queue_changed(None))   # its lines can now take tickets
    except IntegrityError:
        raise Conflict(_('Đã có quầy số %(number)s.', number=number), 'duplicate_counter')
    return jsonify(counter_dict(counter)), 201


@bp.patch('/counters/<int:number>')
@requires('admin', 'counter')
def update_counter(number):
    """Admins change anything; counter staff only open, close, pause and resume their counter."""
    from flask import g
    counter = find_counter(number)
    body = json_body()
    if g.principal.role != 'admin' and set(body) - {'paused', 'active'}:
        raise Invalid(_('Nhân viên quầy chỉ được mở, đóng hoặc tạm dừng quầy.'), 'forbidden_field')
    not_null(body, COUNTER_FIELDS)
    with db.atomic():
        if body.get('active') is False and counter.active:
            counter = find_counter(number, lock=supports_row_locks())   # read again, under this transaction
            _refuse_closing_busy(counter)
        if 'name' in body:
            counter.name = text(body, 'name', 100, required=True)
        for flag in ('active', 'paused'):
            if flag in body:
                setattr(counter, flag, boolean(body, flag))
        counter.save()
        if 'services' in body:
            _set_counter_services(counter, string_list(body, 'services', default=[]))
        audit(None, 'counter_changed', actor(), number=number, fields=sorted(body))
        db.after_commit(caches.forget_all)
        if 'active' in body or 'services' in body:   # which lines can take tickets may have changed (kiosks)
            db.after_commit(lambda: events.queue_changed(None))
    db.after_commit(lambda: events.counter_changed(counter))
    return jsonify(counter_dict(counter))


def _check_setting(key, value):
    """Refuse a setting of the wrong type, out of its bounds or not one of its choices."""
    name = field_label(key)
    expected = type(settings.DEFAULTS[key])
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise Invalid(_('Thiết lập "%(key)s" sai kiểu dữ liệu.', key=name), 'invalid_type')
    if isinstance(value, str) and (len(value) > 1000 or not encodable(value)):
        raise Invalid(_('Thiết lập "%(key)s" quá dài hoặc chứa ký tự không hợp lệ.', key=name), 'invalid_text')
    low, high = settings.LIMITS.get(key, (None, None))
    if low is not None and not low <= value <= high:
        raise Invalid(_('Thiết lập "%(key)s" phải từ %(low)s đến %(high)s.', key=name, low=low, high=high),
                      'out_of_range')
    if key in settings.PATTERNS and not re.match(settings.PATTERNS[key], value):
        raise Invalid(_('Thiết lập "%(key)s" không đúng định dạng.', key=name), 'invalid_format')
    if key in settings.CHOICES and value not in settings.CHOICES[key]:
        raise Invalid(_('Thiết lập "%(key)s" phải là một trong: %(values)s.', key=name,
                        values=', '.join(settings.CHOICES[key])), 'invalid_choice')


@bp.get('/settings')
@requires('admin')
def get_settings():
    return jsonify(settings.all_settings())


@bp.patch('/settings')
@requires('admin')
def update_settings():
    body = json_body()
    unknown = sorted(set(body) - set(settings.DEFAULTS))
    if unknown:
        raise Invalid(_('Không có thiết lập: %(keys)s.', keys=', '.join(unknown)), 'unknown_setting')
    not_null(body, sorted(body))
    for key in TIME_SETTINGS:
        if isinstance(body.get(key), str) and body[key].strip():   # 7:00 and 7h00 are 07:00
            body[key] = parse_time(body[key], key)
    for key, value in body.items():
        _check_setting(key, value)
    with db.atomic():
        for key, value in body.items():
            settings.put(key, value)
        audit(None, 'settings_changed', actor(), keys=sorted(body))
        db.after_commit(events.office_changed)
    return jsonify(settings.all_settings())
