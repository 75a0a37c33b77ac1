"""The OpenAPI description of pairing a new TV or kiosk by the code its /pair page shows."""
from server.api.openapi_schemas import ROW_ID, TIME, nullable, obj, ref, string

PAIRING = ('A new TV or kiosk opens /pair and shows a six-digit code, valid a few minutes and renewed by itself; '
           'the device showing it is paired within seconds (its page holds a secret of its own: the code alone '
           'grants nothing) and opens /kiosk, /display or /display?board=<id>; a kiosk given a "counter" is that '
           'counter\'s rating tablet and opens /rate?counter=<number>. 400 invalid_code (not six digits), '
           'invalid_role; 404 unknown_code, code_expired, unknown_board, unknown_printer, unknown_counter; '
           '409 code_used; '
           '429 too_many_attempts after several wrong codes from one admin or address (the message says how many '
           'seconds to wait). Audited as device_paired.')


def device_paths(op):
    """POST /devices/pair, built with openapi.op."""
    item = op('Pair a new TV or kiosk by the code its /pair page shows', ('admin',), ref('Device'), 'PairDevice',
              201, (404, 409), 'setup', description=PAIRING)
    item['responses']['429'] = {'description': 'Too many wrong codes: wait (too_many_attempts).',
                                'content': {'application/json': {'schema': ref('Error')}}}
    return {'/devices/pair': {'post': item}}


def device_schemas():
    """The paired device and the pairing body."""
    return {
        'Device': obj(['id', 'name', 'role', 'connected', 'waiting', 'last_seen', 'sound', 'printer_id'],
                      id={'type': 'integer'}, name=string(100), role={'enum': ['kiosk', 'display']},
                      connected={'type': 'boolean', 'description': 'A live connection is open now.'},
                      waiting={'type': 'boolean', 'description': 'Paired; its /pair page has not taken it yet.'},
                      last_seen=TIME, sound={'enum': ['on', 'off', 'unknown'], 'description': (
                          'What its browser last reported: "off" when it blocks sound until someone clicks.')},
                      printer_id=nullable({'type': 'integer'}),
                      page=string(description='The page the device opens, e.g. /display?board=2.')),
        'PairDevice': obj(['code', 'role', 'name'],
                          code=string(20, examples=['482913'], description='The six digits; spaces are ignored.'),
                          role={'enum': ['kiosk', 'display']}, name=string(100, minLength=1),
                          board=nullable({**ROW_ID, 'description': 'A display shows this board.'}),
                          printer_id=nullable({**ROW_ID, 'description': "A kiosk's own printer."}),
                          counter=nullable({'type': 'integer', 'minimum': 1, 'maximum': 999, 'description': (
                              'A kiosk given a counter number is its rating tablet (/rate?counter=<number>).')})),
    }
