"""The OpenAPI description of removing what was added by mistake (server/api/removal.py)."""
from server.api.openapi_schemas import ROW_ID, obj, string

IN_USE = ('Refused with 409 {code} when {history} refers to it (kept for the reports): close or deactivate '
          'it instead; the message says so.')


def removal_paths(op, path_param):
    """{path: {'delete': operation}} for each resource an admin may remove while nothing refers to it."""
    def delete(summary, key, schema, code, history, param, extra=''):
        answer = obj([key, 'deleted'], **{key: schema, 'deleted': {'const': True}})
        description = ' '.join(filter(None, (IN_USE.format(code=code, history=history), extra))) if code else extra
        return {'delete': op(summary, ('admin',), answer, errors=(404, 409) if code else (404,), tag='setup',
                             params=[param], description=description)}
    number = {'type': 'integer', 'minimum': 1, 'maximum': 999}
    return {
        '/services/{code}': delete(
            'Remove a service added by mistake', 'code', string(16), 'service_in_use',
            'a ticket, an appointment or a result to collect', path_param('code', string(16), 'The service code.'),
            'Its procedures and counter links go with it; boards stop listing it.'),
        '/counters/{number}': delete(
            'Remove a counter added by mistake', 'number', number, 'counter_in_use', 'a ticket it called',
            path_param('number', number, 'The counter number.'), 'Boards stop listing it.'),
        '/boards/{board_id}': delete(
            'Remove a display board', 'id', ROW_ID, None, None, path_param('board_id', ROW_ID, 'The board id.'),
            'A board holds no history; a TV still opening it shows every line.'),
        '/procedures/{procedure_id}': delete(
            'Remove a procedure added by mistake', 'id', ROW_ID, 'procedure_in_use', 'an appointment',
            path_param('procedure_id', ROW_ID, 'The procedure id.')),
        '/staff/{staff_id}': delete(
            'Remove a staff account added by mistake', 'id', ROW_ID, 'staff_in_use', 'a ticket the account served',
            path_param('staff_id', ROW_ID, 'The staff id.'),
            '409 cannot_delete_self for one\'s own account, last_admin for the last active admin.'),
    }
