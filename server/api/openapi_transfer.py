"""The OpenAPI description of the office's set-up as one file (server/api/office_transfer.py)."""
from server.api.openapi_schemas import obj, ref, string


def paths(op, path_param, query, array):
    """GET /office-export and POST /office-import."""
    return {
        '/office-export': {'get': op(
            'The office\'s set-up as one document', ('admin',), ref('OfficeSetup'), tag='setup',
            params=[query('identity', {'type': 'boolean', 'default': True},
                          'false leaves out the office\'s own name, address, hotline and SMS short code (for '
                          'another ward).'),
                    query('download', {'type': 'boolean'}, 'Answer as a file (Content-Disposition).')],
            description='Services, procedures, counters, boards, opening hours, holidays and settings. Never staff, '
                        'passwords, tokens, printers, the SMS gateway or citizens.')},
        '/office-import': {'post': op(
            'Give this office the set-up of a document', ('admin',), ref('OfficeImported'), 'OfficeSetup',
            errors=(404, 409), tag='setup', description=(
                'All or nothing, in one transaction, through the same checks as the API\'s own forms; the '
                'message of a refusal names the section and the row (error.section, error.row). A section left '
                'out is left as it is. What the office has and the document lacks is removed when nothing refers '
                'to it, else closed (services, counters, procedures); boards not in it are removed; holidays are '
                'replaced (409 has_bookings for a new day off with open bookings).'))},
    }


def schemas():
    """The document and the import's answer."""
    rows = {'type': 'array', 'items': {'type': 'object'}}
    return {
        'OfficeSetup': obj(['format', 'version'], format={'const': 'luot-office-setup'}, version={'const': 1},
                           exported_at=string(), services=rows, procedures=rows, counters=rows, boards=rows,
                           hours=rows, holidays=rows, settings={'type': 'object'}),
        'OfficeImported': obj(['imported'], imported={'type': 'object', 'description': 'What changed, by section.'}),
    }
