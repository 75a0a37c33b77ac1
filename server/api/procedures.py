"""The JSON API of procedures (thủ tục): the list, adding and changing one with its short names and guide link,
and the whole list as a CSV or Excel file, out and back in."""
from urllib.parse import urlsplit

from flask import Response, jsonify, request
from flask_babel import gettext as _

from server.api.blueprint import actor, bp
from server.audit import audit
from server.auth import requires
from server.booking import catalogue, procedure_files, procedures
from server.errors import Invalid, NotFound
from server.extensions import db
from server.models import Procedure, Service
from server.queueing.tickets import open_service
from server.sms.text import fold
from server.validation import boolean, integer, json_body, not_null, text

XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'


def procedure_dict(procedure):
    """A procedure as the API answers it; guide is where its QR code leads."""
    return {'id': procedure.id, 'service': procedure.service.code, 'name': procedure.name,
            'active': procedure.active, 'aliases': procedures.aliases_of(procedure),
            'guide_url': procedure.guide_url, 'guide': procedures.guide_link(procedure),
            'catalogue_key': procedure.catalogue_key, 'sort_order': procedure.sort_order}


@bp.get('/procedures')
@requires('hotline', 'admin')
def list_procedures():
    return jsonify([procedure_dict(p) for p in procedures.ordered()])


def guide_url(value, refuse):
    """An http(s) address, or '' for none; else refuse(message)."""
    value = (value or '').strip()
    if not value:
        return ''
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ('http', 'https') or not parts.netloc or ' ' in value:
        raise refuse(_('Đường dẫn hướng dẫn phải bắt đầu bằng http:// hoặc https:// (ví dụ '
                       'https://dichvucong.gov.vn/...).'))
    return value


def _aliases(body):
    """The short names of a body: a list of strings or one text separated by ";"."""
    value = body.get('aliases')
    if isinstance(value, str):
        value = procedures.split_aliases(value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid(_('Tên gọi ngắn phải là danh sách chuỗi.'), 'invalid_type')
    if len(value) > procedures.MAX_ALIASES or any(len(v.strip()) > procedures.MAX_ALIAS for v in value):
        raise Invalid(_('Tối đa %(count)s tên gọi ngắn, mỗi tên tối đa %(length)s ký tự.',
                        count=procedures.MAX_ALIASES, length=procedures.MAX_ALIAS), 'too_long')
    return procedures.aliases_text(value)


def _fields(body):
    """The optional fields of a procedure present in the body."""
    fields = {}
    if 'aliases' in body:
        fields['aliases'] = _aliases(body)
    if 'guide_url' in body:
        fields['guide_url'] = guide_url(text(body, 'guide_url', 500, default=''),
                                        lambda message: Invalid(message, 'invalid_url'))
    if 'sort_order' in body:
        fields['sort_order'] = integer(body, 'sort_order', minimum=0, maximum=10000)
    return fields


@bp.post('/procedures')
@requires('admin')
def add_procedure():
    body = json_body()
    service = open_service(text(body, 'service', 16, required=True))
    name = text(body, 'name', 200, required=True)
    fields = _fields(body)
    with db.atomic():
        procedures.refuse_duplicate(service, name)
        fields.setdefault('sort_order', Procedure.select().where(Procedure.service == service).count())
        procedure = Procedure.create(service=service, name=name, **fields)
        audit(None, 'procedure_added', actor(), service=service.code, name=name)
    return jsonify(procedure_dict(procedure)), 201


@bp.patch('/procedures/<int:procedure_id>')
@requires('admin')
def change_procedure(procedure_id):
    procedure = Procedure.get_or_none(Procedure.id == procedure_id)
    if procedure is None:
        raise NotFound(_('Không có thủ tục số %(id)s.', id=procedure_id), 'unknown_procedure')
    body = json_body()
    not_null(body, ('name', 'active'))
    name = text(body, 'name', 200)
    fields = _fields(body)
    with db.atomic():
        if name is not None:
            procedures.refuse_duplicate(procedure.service, name, but=procedure.id)
            procedure.name = name
        if 'active' in body:
            procedure.active = boolean(body, 'active')
        for field, value in fields.items():
            setattr(procedure, field, value)
        procedure.save()
    return jsonify(procedure_dict(procedure))


def file_rows():
    """The procedures as the file's rows."""
    return [{'service': p.service.code, 'name': p.name, 'aliases': '; '.join(procedures.aliases_of(p)),
             'guide_url': p.guide_url} for p in procedures.ordered()]


def download(data, mimetype, extension):
    return Response(data, mimetype=mimetype, headers={
        'Content-Disposition': 'attachment; filename="thu-tuc.%s"' % extension, 'Cache-Control': 'no-store'})


@bp.get('/procedures.csv')
@requires('admin')
def procedures_csv():
    """The procedures as CSV (UTF-8 with BOM): Lĩnh vực, Tên thủ tục, Tên gọi ngắn, Đường dẫn hướng dẫn."""
    return download(procedure_files.csv_bytes(file_rows()), 'text/csv', 'csv')


@bp.get('/procedures.xlsx')
@requires('admin')
def procedures_xlsx():
    """The same as an Excel workbook."""
    return download(procedure_files.workbook_bytes(file_rows()), XLSX, 'xlsx')


def uploaded_file():
    """The bytes of the upload: a multipart "file" field, or the request body itself."""
    upload = request.files.get('file')
    if upload is not None:
        return upload.read(procedure_files.MAX_BYTES + 1)
    return request.get_data(cache=False)[:procedure_files.MAX_BYTES + 1]


@bp.post('/procedures/import')
@requires('admin')
def import_procedures():
    """A CSV or XLSX list: all or nothing; a row names an existing procedure of its service to update it."""
    rows = procedure_files.read_rows(uploaded_file())
    with db.atomic():
        added, updated = import_rows(rows)
        audit(None, 'procedures_imported', actor(), added=added, updated=updated)
    return jsonify({'rows': len(rows), 'added': added, 'updated': updated})


def service_of(number, value, services):
    """The service a row's Lĩnh vực names: its code, its name, or the standard field it is named after."""
    wanted, field = fold(value), catalogue.field_for_service(value)
    for service in services:
        if wanted in (fold(service.code), fold(service.name)):
            return service
    for service in services:
        if field is not None and catalogue.field_for_service(service.name) == field:
            return service
    raise procedure_files.refusal(number, 'service', _('không có lĩnh vực “%(value)s” (hãy ghi mã lĩnh vực, '
                                                       'ví dụ %(codes)s).', value=value,
                                                       codes=', '.join(s.code for s in services[:4])),
                                  'unknown_service')


def import_rows(rows):
    """Check every row, then add or update; (added, updated). The first refusal rolls the whole file back."""
    services, seen, added, updated = list(Service.ordered()), {}, 0, 0
    for position, (number, values) in enumerate(rows):
        if not values['service']:
            raise procedure_files.refusal(number, 'service', _('trống.'), 'missing_field')
        if not values['name']:
            raise procedure_files.refusal(number, 'name', _('trống.'), 'missing_field')
        service = service_of(number, values['service'], services)
        key = (service.id, values['name'].casefold())
        if key in seen:
            raise procedure_files.refusal(number, 'name', _('trùng với dòng %(row)s.', row=seen[key]),
                                          'duplicate_procedure')
        seen[key] = number
        fields = {'aliases': procedures.aliases_text(procedures.split_aliases(values['aliases'])),
                  'guide_url': guide_url(values['guide_url'], lambda message: procedure_files.refusal(
                      number, 'guide_url', message, 'invalid_url')),
                  'sort_order': position}
        existing = procedures.same_name(service, values['name'])
        if existing is None:
            Procedure.create(service=service, name=values['name'], **fields)
            added += 1
        else:
            Procedure.update(name=values['name'], **fields).where(Procedure.id == existing.id).execute()
            updated += 1
    return added, updated


@bp.post('/procedures/catalogue')
@requires('admin')
def add_catalogue_procedures():
    """The catalogue's procedures of a field that the service lacks (by name): its own field by default."""
    body = json_body()
    service = open_service(text(body, 'service', 16, required=True))
    key = text(body, 'field', 64)
    field = catalogue.field_by_key(key) if key else catalogue.field_for_service(service.name)
    if field is None:
        raise Invalid(_('Hãy chọn lĩnh vực chuẩn: tên lĩnh vực "%(name)s" không phải tên một lĩnh vực chuẩn.',
                        name=service.name) if not key else _('Không có lĩnh vực chuẩn "%(key)s".', key=key),
                      'unknown_field')
    with db.atomic():
        added = procedures.add_entries(service, catalogue.entries_of(field.key))
        audit(None, 'procedures_added_from_catalogue', actor(), service=service.code, field=field.key,
              added=len(added))
    return jsonify({'field': field.key, 'added': len(added), 'rows': len(added)}), 201
