"""The OpenAPI description of procedures (server/api/procedures.py): the list, one procedure, the file out and in."""
from server.api.openapi_schemas import ROW_ID, nullable, obj, ref, string

INTEGER = {'type': 'integer'}
BOOLEAN = {'type': 'boolean'}
ALIASES = {'oneOf': [{'type': 'array', 'maxItems': 20, 'items': string(100)},
                     string(2000, description='Several short names separated by ";".')],
           'description': 'Short names citizens use ("khai sinh"); the kiosk, the hotline and SMS understand them.'}
GUIDE_URL = string(500, description='An http(s) guide page (the national portal\'s, say); "" for none.')
XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
COLUMNS = ('Columns, in the header row: Lĩnh vực (the service code, or its name), Tên thủ tục, Tên gọi ngắn '
           '(short names separated by ";"), Đường dẫn hướng dẫn.')


def paths(op, path_param, query, array):
    """The list and one procedure; the list as CSV or XLSX, and importing one."""
    tag = 'setup'
    row = [path_param('procedure_id', ROW_ID, 'The id.')]

    def download(summary, mimetype, extra):
        item = op(summary, ('admin',), {'type': 'string'}, tag=tag, description=' '.join((COLUMNS, extra)))
        item['responses']['200']['content'] = {mimetype: {'schema': {'type': 'string', 'format': 'binary'}}}
        return {'get': item}
    upload = op('Import procedures from a CSV or XLSX file', ('admin',), ref('ProceduresImported'), tag=tag,
                description=' '.join((COLUMNS, (
                    'The body is the file itself (any Content-Type) or a multipart/form-data field "file", up to '
                    '512 KB and 1000 rows. All or nothing: a row naming a procedure its service already has (any '
                    'case) updates it, the others are added; 400 names the row and the column in Vietnamese '
                    '(error.row, error.column): missing_column, unknown_column, unknown_service, missing_field, '
                    'duplicate_procedure, formula_cell, invalid_url, too_long, invalid_file (neither CSV nor '
                    'XLSX), invalid_encoding (CSV not UTF-8), file_too_large, too_many_rows, empty_file.'))))
    upload['responses']['400'] = {'$ref': '#/components/responses/E400'}
    upload['requestBody'] = {'required': True, 'content': {
        'application/octet-stream': {'schema': {'type': 'string', 'format': 'binary'}},
        'multipart/form-data': {'schema': obj(['file'], file={'type': 'string', 'format': 'binary'})}}}
    return {
        '/procedures': {'get': op('Procedures, with the short names citizens use', ('hotline',), array('Procedure'),
                                  tag=tag),
                        'post': op('Add a procedure', ('admin',), ref('Procedure'), 'NewProcedure', 201,
                                   (404, 409), tag, description='409 duplicate_procedure when the service has '
                                                                'one of that name (any case).')},
        '/procedures/{procedure_id}': {'patch': op('Change a procedure', ('admin',), ref('Procedure'),
                                                   'ProcedureChange', errors=(404, 409), tag=tag, params=row)},
        '/procedures.csv': download('The procedures as CSV', 'text/csv',
                                    'UTF-8 with a byte order mark; a text a spreadsheet would run as a formula '
                                    'begins with an apostrophe.'),
        '/procedures.xlsx': download('The procedures as an Excel workbook', XLSX, 'Every cell is a text.'),
        '/procedures/import': {'post': upload},
        '/procedures/catalogue': {'post': op(
            'Add the catalogue\'s procedures of a standard field to a service', ('admin',), ref('CatalogueAdded'),
            'CatalogueChoice', 201, (404,), tag, description=(
                'The field is the one the service is named after unless "field" names one (for a service covering '
                'two, such as Đất đai - Xây dựng); the procedures the service already has (by name, any case) are '
                'left as they are. 400 unknown_field.'))},
    }


def schemas():
    """A procedure, its creation and change, and the import's answer."""
    return {
        'Procedure': obj(['id', 'service', 'name', 'active', 'aliases', 'guide_url', 'guide'], id=INTEGER,
                         service=string(16), name=string(200), active=BOOLEAN,
                         aliases={'type': 'array', 'items': string(100)}, guide_url=string(500),
                         guide=string(description='Where its QR code leads: guide_url, else the public page '
                                                  '/thu-tuc/{id} of this server (under LUOT_PUBLIC_URL when set).'),
                         catalogue_key=nullable(string(64)), sort_order=INTEGER),
        'NewProcedure': obj(['service', 'name'], service=string(16, minLength=1), name=string(200, minLength=1),
                            aliases=ALIASES, guide_url=GUIDE_URL, sort_order=INTEGER),
        'ProcedureChange': obj((), name=string(200, minLength=1), active=BOOLEAN, aliases=ALIASES,
                               guide_url=GUIDE_URL, sort_order=INTEGER),
        'CatalogueChoice': obj(['service'], service=string(16, minLength=1), field=string(
            64, description='A catalogue field key: ho-tich, chung-thuc, dat-dai, xay-dung, tu-phap, '
                            'lao-dong-thuong-binh-va-xa-hoi, van-hoa.')),
        'CatalogueAdded': obj(['field', 'added'], field=string(64), added=INTEGER,
                              rows=INTEGER),
        'ProceduresImported': obj(['rows', 'added', 'updated'], rows=INTEGER, added=INTEGER, updated=INTEGER),
    }
