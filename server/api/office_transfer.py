"""One office's set-up as one file, put in place in another: a district sets up ten wards alike (GET
/office-export, POST /office-import). Services, procedures, counters, boards, opening hours, holidays and
settings; never staff, passwords, tokens, printers (each office's own), the SMS gateway (it holds a password) or
citizens. An import is all or nothing, in one transaction, through the API's own checks, and a refusal names the
section and the row. What the office has and the document lacks is removed when nothing refers to it, else closed
(kept for the reports), as the console's "Xóa" does."""
import json

from flask import Response, jsonify, request
from flask_babel import gettext as _

from server import caches, settings
from server.api.blueprint import actor, bp
from server.api.devices import _board_fields
from server.api.office import TIME_SETTINGS, _check_setting, _service_fields, _set_counter_services
from server.api.office_calendar import hours_dict
from server.api.removal import counter_in_use, procedure_in_use, service_in_use
from server.audit import audit
from server.auth import requires
from server.booking import holidays, office_hours
from server.clock import local_naive
from server.errors import Conflict, Invalid, QueueError
from server.extensions import db
from server.live import events
from server.media import items as media_items
from server.models import Board, Counter, CounterService, Holiday, Procedure, Service
from server.validation import boolean, integer, json_body, parse_day, parse_time, string_list, text

FORMAT, VERSION = 'luot-office-setup', 1
SECTIONS = ('services', 'procedures', 'counters', 'boards', 'hours', 'holidays', 'settings')
# The office's own identity: left out of an export meant for other wards (?identity=false).
IDENTITY_SETTINGS = ('office_name', 'office_address', 'hotline_phone', 'sms_shortcode', 'ticket_footer_qr_url')
MAX_ROWS = 2000


def office_document(identity=True):
    """The office's set-up as a plain dict (the export)."""
    codes = {}
    services = []
    for service in Service.ordered():
        codes[service.id] = service.code
        services.append({field: getattr(service, field) for field in (
            'code', 'name', 'prefix', 'description', 'active', 'sort_order', 'bookable', 'slot_minutes',
            'slot_capacity')})
    procedures = [{'service': codes[p.service_id], 'name': p.name,
                   'aliases': [line for line in (p.aliases or '').splitlines() if line.strip()],
                   'guide_url': p.guide_url, 'active': p.active, 'sort_order': p.sort_order}
                  for p in Procedure.select().order_by(Procedure.service, Procedure.sort_order, Procedure.name)]
    served = {}
    for link in CounterService.select():
        served.setdefault(link.counter_id, []).append(codes[link.service_id])
    counters = [{'number': c.number, 'name': c.name, 'active': c.active, 'services': sorted(served.get(c.id, []))}
                for c in Counter.ordered()]
    boards = [{'name': b.name, 'services': b.services_shown, 'counters': b.counters_shown, 'notice': b.notice}
              for b in Board.ordered()]
    stored = settings.all_settings()
    return {'format': FORMAT, 'version': VERSION, 'exported_at': local_naive().isoformat(timespec='seconds'),
            'services': services, 'procedures': procedures, 'counters': counters, 'boards': boards,
            'hours': [{'weekday': day['weekday'], 'sessions': day['sessions']} for day in hours_dict()],
            'holidays': [{'date': h.day.isoformat(), 'name': h.name} for h in Holiday.select().order_by(Holiday.day)],
            'settings': {key: value for key, value in sorted(stored.items())
                         if key in settings.DEFAULTS and (identity or key not in IDENTITY_SETTINGS)}}


@bp.get('/office-export')
@requires('admin')
def export_office():
    """The set-up as JSON; ?download=1 names it as a file; ?identity=false leaves the office's name out."""
    # The console's form sends a checkbox's "true" before a hidden "false": any "true" wins.
    asked = [value.lower() for value in request.args.getlist('identity')]
    identity = not asked or any(value in ('1', 'true', 'yes') for value in asked)
    document = office_document(identity=identity)
    if request.args.get('download'):
        name = 'luot-thiet-lap-%s.json' % local_naive().strftime('%Y%m%d')
        return Response(json.dumps(document, ensure_ascii=False, indent=1), mimetype='application/json',
                        headers={'Content-Disposition': 'attachment; filename="%s"' % name})
    return jsonify(document)


class _Place:
    """Where in the document a check runs, so that its refusal names the section and the row."""

    def __init__(self, section, index=None, label=None):
        self.section, self.index, self.label = section, index, label

    def __enter__(self):
        return self

    def __exit__(self, kind, error, _trace):
        if isinstance(error, QueueError) and not getattr(error, 'placed', False):
            where = _('phần "%(section)s"', section=self.section) if self.index is None else \
                _('phần "%(section)s", dòng %(row)s', section=self.section, row=self.index + 1)
            if self.label:
                where += ' (%s)' % self.label
            error.message = '%s: %s' % (where, error.message)
            error.placed = True
            error.details = dict(error.details or {}, section=self.section, row=None if self.index is None
                                 else self.index + 1)
        return False


def _rows(document, section):
    rows = document.get(section)
    if rows is None:
        return None
    if not isinstance(rows, list) or len(rows) > MAX_ROWS or not all(isinstance(row, dict) for row in rows):
        with _Place(section):
            raise Invalid(_('phải là danh sách các mục (tối đa %(max)s).', max=MAX_ROWS), 'invalid_type')
    return rows


@bp.post('/office-import')
@requires('admin')
def import_office():
    """Put a document from GET /office-export in place; answers what changed, section by section."""
    document = json_body()
    if document.get('format') != FORMAT or document.get('version') != VERSION:
        raise Invalid(_('Tệp không phải bản thiết lập của Lượt (cần "format": "%(format)s", "version": %(version)s).',
                        format=FORMAT, version=VERSION), 'invalid_format')
    unknown = sorted(set(document) - set(SECTIONS) - {'format', 'version', 'exported_at'})
    if unknown:
        raise Invalid(_('Tệp có phần không biết: %(keys)s.', keys=', '.join(unknown)), 'invalid_format')
    done = {}
    with db.atomic():
        for section, apply in (('settings', _import_settings), ('services', _import_services),
                               ('procedures', _import_procedures), ('counters', _import_counters),
                               ('boards', _import_boards), ('hours', _import_hours), ('holidays', _import_holidays)):
            if document.get(section) is not None:
                done[section] = apply(document)
        audit(None, 'office_imported', actor(), sections=sorted(done))
        db.after_commit(caches.forget_all)
        db.after_commit(settings.forget)
        db.after_commit(events.office_changed)
        db.after_commit(lambda: events.queue_changed(None))
    return jsonify({'imported': done})


def _import_settings(document):
    values = document['settings']
    with _Place('settings'):
        if not isinstance(values, dict):
            raise Invalid(_('phải là một bảng "tên": giá trị.'), 'invalid_type')
        values = {key: value for key, value in values.items() if key not in settings.RETIRED}
        unknown = sorted(set(values) - set(settings.DEFAULTS))
        if unknown:
            raise Invalid(_('Không có thiết lập: %(keys)s.', keys=', '.join(unknown)), 'unknown_setting')
        for key in TIME_SETTINGS:
            if isinstance(values.get(key), str) and values[key].strip():
                values[key] = parse_time(values[key], key)
        for key, value in values.items():
            _check_setting(key, value)
    for key, value in values.items():
        settings.put(key, value)
    return {'changed': len(values)}


def _import_services(document):
    rows, seen, kept = _rows(document, 'services'), set(), 0
    for index, row in enumerate(rows):
        with _Place('services', index, row.get('code')):
            code = text(row, 'code', 16, required=True).upper()
            if code in seen:
                raise Conflict(_('Mã lĩnh vực "%(code)s" có hai lần.', code=code), 'duplicate_service')
            seen.add(code)
            existing = Service.by_code(code)
            fields = _service_fields(dict(row, code=code), creating=existing is None)
            fields.pop('code', None)
            if existing is None:
                Service.create(code=code, **fields)
            else:
                Service.update(**fields).where(Service.id == existing.id).execute()
                kept += 1
    removed, closed = _retire([s for s in Service.select() if s.code not in seen], service_in_use)
    for prefix, services in Service.shared_prefixes():
        with _Place('services', label=prefix):
            raise Conflict(_('Ký hiệu "%(prefix)s" dùng chung cho các lĩnh vực %(codes)s; hãy đổi ký hiệu.',
                             prefix=prefix, codes=', '.join(s.code for s in services)), 'duplicate_prefix')
    return {'created': len(seen) - kept, 'updated': kept, 'removed': removed, 'closed': closed}


def _retire(rows, in_use):
    """Remove the rows nothing refers to (with their links); close the others. Returns (removed, closed)."""
    removed = closed = 0
    for row in rows:
        if not in_use(row):
            row.delete_instance(recursive=True)
            removed += 1
        elif row.active:
            row.active = False
            row.save()
            closed += 1
    return removed, closed


def _import_procedures(document):
    rows, seen = _rows(document, 'procedures'), set()
    for index, row in enumerate(rows):
        with _Place('procedures', index, row.get('name')):
            service = Service.by_code(text(row, 'service', 16, required=True).upper())
            if service is None:
                raise Invalid(_('Không có lĩnh vực "%(code)s" trong tệp hay trong bộ phận.', code=row['service']),
                              'unknown_service')
            name = text(row, 'name', 200, required=True)
            key = (service.id, name.casefold())
            if key in seen:
                raise Conflict(_('Lĩnh vực "%(service)s" có hai thủ tục "%(name)s".', service=service.name,
                                 name=name), 'duplicate_procedure')
            seen.add(key)
            aliases = string_list(row, 'aliases', item_max=200, default=[])
            fields = {'name': name, 'aliases': '\n'.join(a.strip() for a in aliases if a.strip()),
                      'guide_url': text(row, 'guide_url', 500, default='') or '',
                      'active': boolean(row, 'active') if 'active' in row else True,
                      'sort_order': integer(row, 'sort_order', minimum=0, maximum=10000) if 'sort_order' in row else 0}
            existing = next((p for p in Procedure.select().where(Procedure.service == service)
                             if p.name.casefold() == name.casefold()), None)
            if existing is None:
                Procedure.create(service=service, **fields)
            else:
                Procedure.update(**fields).where(Procedure.id == existing.id).execute()
    leftovers = [p for p in Procedure.select() if (p.service_id, p.name.casefold()) not in seen]
    removed, closed = _retire(leftovers, procedure_in_use)
    return {'rows': len(seen), 'removed': removed, 'closed': closed}


def _import_counters(document):
    rows, seen = _rows(document, 'counters'), set()
    for index, row in enumerate(rows):
        with _Place('counters', index, row.get('number')):
            number = integer(row, 'number', required=True, minimum=1, maximum=999)
            if number in seen:
                raise Conflict(_('Quầy số %(number)s có hai lần.', number=number), 'duplicate_counter')
            seen.add(number)
            name = text(row, 'name', 100) or _('Quầy %(number)s', number=number)
            active = boolean(row, 'active') if 'active' in row else True
            counter = Counter.get_or_none(Counter.number == number)
            if counter is None:
                counter = Counter.create(number=number, name=name, active=active)
            else:
                counter.name, counter.active = name, active
                counter.save()
            _set_counter_services(counter, [code.upper() for code in string_list(row, 'services', default=[])])
    removed, closed = _retire([c for c in Counter.select() if c.number not in seen], counter_in_use)
    return {'rows': len(seen), 'removed': removed, 'closed': closed}


def _import_boards(document):
    rows, seen = _rows(document, 'boards'), []
    for index, row in enumerate(rows):
        with _Place('boards', index, row.get('name')):
            body = {key: row[key] for key in ('name', 'services', 'counters', 'notice') if key in row}
            name = text(body, 'name', 100, required=True)
            existing = Board.named(name)
            if existing is not None and existing.id in seen:
                raise Conflict(_('Màn hình "%(name)s" có hai lần.', name=name), 'duplicate_board')
            fields = _board_fields(body, creating=existing is None, board_id=existing.id if existing else None)
            if existing is None:
                existing = Board.create(**fields)
            else:
                Board.update(**fields).where(Board.id == existing.id).execute()
            seen.append(existing.id)
    leaving = [board.id for board in Board.select() if board.id not in seen]
    for board_id in leaving:   # the media shown on that board alone are paused, not moved to every board
        media_items.board_removed(board_id)
    Board.delete().where(Board.id.in_(leaving)).execute()
    return {'rows': len(seen), 'removed': len(leaving)}


def _import_hours(document):
    rows, hours = _rows(document, 'hours'), {}
    for index, row in enumerate(rows):
        with _Place('hours', index):
            weekday = integer(row, 'weekday', required=True, minimum=0, maximum=6)
            sessions = row.get('sessions')
            if not isinstance(sessions, dict) or not all(isinstance(t, dict) for t in sessions.values()):
                raise Invalid(_('Buổi làm việc không hợp lệ.'), 'invalid_session')
            hours[weekday] = {session: tuple(parse_time(text(times, edge, 5, required=True), edge)
                                             for edge in ('start', 'end')) for session, times in sessions.items()}
    with _Place('hours'):
        office_hours.set_weekly_hours(hours)
    return {'days': len([day for day in hours.values() if day])}


def _import_holidays(document):
    rows, wanted = _rows(document, 'holidays'), {}
    for index, row in enumerate(rows):
        with _Place('holidays', index, row.get('date')):
            day = parse_day(text(row, 'date', 10, required=True), 'date', iso=True, typed=True)
            wanted[day] = text(row, 'name', 100, required=True)
    removed = Holiday.delete().where(Holiday.day.not_in(list(wanted)) if wanted else True).execute()
    added = 0
    for day, name in sorted(wanted.items()):
        current = Holiday.get_or_none(Holiday.day == day)
        if current is None:
            with _Place('holidays', label=day.strftime('%d/%m/%Y')):
                holidays.add(day, name, actor())   # refuses a day with open bookings (409 has_bookings)
            added += 1
        elif current.name != name:
            current.name = name
            current.save()
    return {'rows': len(wanted), 'added': added, 'removed': removed}
