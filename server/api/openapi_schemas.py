"""The schemas of the OpenAPI document: answers and request bodies."""
from server.models import PRIORITY_REASONS, STAFF_ROLES, STATUSES, TOKEN_ROLES
from server.settings import DEFAULTS as SETTING_DEFAULTS

ROW_ID = {'type': 'integer', 'format': 'int64', 'minimum': 1, 'maximum': 2 ** 63 - 1}
PHONE = r'^\s*(0|\+84)[0-9 .\-]{8,12}\s*$'


def ref(name):
    return {'$ref': '#/components/schemas/' + name}


def nullable(schema):
    return {'anyOf': [schema, {'type': 'null'}]}


def obj(required=(), **properties):
    return {'type': 'object', 'required': list(required), 'properties': properties}


def string(max_length=None, **extra):
    schema = {'type': 'string', **extra}
    if max_length:
        schema['maxLength'] = max_length
    return schema


def codes(max_length=16):
    return {'type': 'array', 'items': string(max_length, minLength=1)}


TIME = nullable(string(format='date-time'))
TICKET_FIELDS = {
    'id': {'type': 'integer'},
    'number': string(description='The number shown to people, e.g. "A025".', examples=['A025']),
    'service': string(16, description='The service code.'),
    'service_name': string(100),
    'status': {'enum': list(STATUSES)},
    'priority': {'type': 'boolean'},
    'priority_reason': {'enum': list(PRIORITY_REASONS) + [None]},
    'ahead': {'type': 'integer', 'minimum': 0, 'description': 'Waiting tickets called before this one.'},
    'estimated_wait_min': {'type': 'integer', 'minimum': 0, 'description': (
        'Minutes until the forecast call of this ticket; 0 once called or when due now.')},
    'estimated_wait_low_min': {'type': 'integer', 'minimum': 0, 'description': (
        'The low end of the range to plan by: whole minutes up to 10, else a multiple of 5; 0 with the high end '
        'once called or when due now.')},
    'estimated_wait_high_min': {'type': 'integer', 'minimum': 0, 'description': (
        'The high end of the range to plan by (e.g. 20-30 minutes).')},
    'issued_at': string(format='date-time', description='ISO 8601 with the office offset.'),
    'called_at': TIME, 'serving_at': TIME, 'finished_at': TIME,
    'counter': nullable({'type': 'integer'}),
    'call_count': {'type': 'integer', 'minimum': 0},
    'source': string(16, examples=['kiosk', 'desk']),
    'name': nullable(string(100, description='Masked ("Nguyễn V. A") for kiosk and display tokens.')),
    'phone': nullable(string(16, description='Staff roles and the issuing device only.')),
    'track_url': string(format='uri', description="The citizen's live ticket page (its QR code); staff roles "
                        'and the issuing device only.'),
    'transfer_note': nullable(string(200, description='What the staff who transferred it wrote for the counter '
                                                      'that calls it next; staff roles and the issuing device only.')),
}
TICKET = obj([k for k in TICKET_FIELDS if k not in ('phone', 'track_url', 'transfer_note')], **TICKET_FIELDS)
PRINTING = obj(['queued', 'status'], queued={'type': 'boolean'},
               status=string(examples=['not_requested', 'no_printer', 'ok', 'unknown']), detail=string())
AT_COUNTER = {'type': 'integer', 'minimum': 1, 'maximum': 999, 'description': (
    'The counter acting (the counter page always sends it): a ticket not at that counter is a 409 '
    'wrong_counter; an unknown counter a 404 unknown_counter.')}
RESUME = {'type': 'boolean', 'default': False, 'description': (
    'true: a paused counter opens again and calls; otherwise a paused counter calls nobody (409 counter_paused).')}
SETTING_TYPES = {bool: {'type': 'boolean'}, int: {'type': 'integer'}, str: string(1000)}
SETTINGS = {'type': 'object', 'additionalProperties': False,
            'properties': {k: SETTING_TYPES[type(v)] for k, v in SETTING_DEFAULTS.items()}}
SETTINGS_ANSWER = {**SETTINGS, 'required': list(SETTING_DEFAULTS)}

def schemas():
    """The queue's and the setup's answer shapes and request bodies (the appointments': openapi_appointments.py)."""
    service_fields = dict(name=string(100, minLength=1), prefix=string(2, pattern='^[A-Za-z]{1,2}$'),
                          description=string(200), active={'type': 'boolean'},
                          sort_order={'type': 'integer', 'minimum': 0, 'maximum': 10000},
                          bookable={'type': 'boolean', 'description': 'Takes appointments.'},
                          slot_minutes={'type': 'integer', 'minimum': 5, 'maximum': 240},
                          slot_capacity={'type': 'integer', 'minimum': 0, 'maximum': 100,
                                         'description': 'Appointments per slot.'})
    return {
        'Error': obj(['error'], error=obj(['code', 'message'], code=string(pattern='^[a-z0-9_]+$'),
                                          message=string())),
        'Ticket': TICKET,
        'TicketIssued': {**TICKET, 'required': TICKET['required'] + ['printing'],
                         'properties': {**TICKET_FIELDS, 'printing': ref('Printing')}},
        'Printing': PRINTING,
        'Service': obj(['code', 'name', 'prefix', 'description', 'active', 'sort_order', 'bookable',
                        'slot_minutes', 'slot_capacity'],
                       code=string(16), **service_fields),
        'Counter': obj(['number', 'name', 'active', 'paused', 'services', 'current'],
                       number={'type': 'integer'}, name=string(100), active={'type': 'boolean'},
                       paused={'type': 'boolean'}, services=codes(), current=nullable(ref('Ticket'))),
        'Queue': obj(['services', 'counters'], counters={'type': 'array', 'items': ref('Counter')},
                     services={'type': 'array', 'items': obj(
                         ['code', 'name', 'prefix', 'active', 'served', 'waiting'], code=string(16),
                         name=string(100), prefix=string(2), active={'type': 'boolean'},
                         served={'type': 'boolean', 'description': 'An open counter serves the line: without one '
                                 'it takes no tickets (409 no_counter).'},
                         waiting={'type': 'integer', 'minimum': 0})}),
        'Board': obj(['id', 'name', 'services', 'counters', 'notice'], id={'type': 'integer'},
                     name=string(100), services=codes(), counters={'type': 'array', 'items': {'type': 'integer'}},
                     notice=string(500)),
        'Token': obj(['id', 'name', 'role', 'token'], id={'type': 'integer'}, name=string(100),
                     role={'enum': list(TOKEN_ROLES)},
                     token=string(description='The secret, shown only in this answer.')),
        'TokenInfo': obj(['id', 'name', 'role', 'hint', 'revoked', 'printer_id'], id={'type': 'integer'},
                         name=string(100), role={'enum': list(TOKEN_ROLES)}, hint=string(),
                         revoked={'type': 'boolean'}, printer_id=nullable({'type': 'integer'})),
        'Settings': SETTINGS_ANSWER,
        'SettingsChange': SETTINGS,
        'Erased': obj(['rows', 'erased'], rows={'type': 'integer', 'minimum': 0}, erased={
            'type': 'object', 'description': 'Rows erased per kind (tickets, appointments, dossiers, sms_in, ...).',
            'additionalProperties': {'type': 'integer', 'minimum': 0}}),
        'ErasePhone': obj(['phone'], phone=string(20, minLength=1, description='0xxxxxxxxx, +84xxxxxxxxx, or a '
                                                                             'foreign sender as stored.')),
        # request bodies
        'NewService': obj(['code', 'name', 'prefix'], code=string(16, pattern='^[A-Za-z0-9_]+$', minLength=1,
                                                                  description='Upper-cased by the server.'),
                          **service_fields),
        'ServiceChange': obj((), **service_fields),
        'NewCounter': obj(['number'], number={'type': 'integer', 'minimum': 1, 'maximum': 999},
                          name=string(100), services=codes()),
        'CounterChange': {**obj((), name=string(100, minLength=1), active={'type': 'boolean'},
                                paused={'type': 'boolean'}, services=codes()),
                          'description': 'Counter staff may only send "paused".'},
        'NewBoard': obj(['name'], name=string(100, minLength=1), services=codes(),
                        counters={'type': 'array', 'items': {'type': 'integer'}}, notice=string(500)),
        'NewToken': obj(['role', 'name'], role={'enum': list(TOKEN_ROLES)}, name=string(100, minLength=1),
                        printer_id=nullable(ROW_ID)),
        'NewTicket': obj(['service'], service=string(16, minLength=1), priority=nullable({'type': 'boolean'}),
                         priority_reason={'enum': list(PRIORITY_REASONS) + [None]},
                         name=nullable(string(100)), phone=nullable(string(16, pattern=PHONE)),
                         print=nullable({'type': 'boolean', 'description': 'Default: true for a kiosk token.'})),
        'Transfer': obj(['service'], service=string(16, minLength=1), counter=AT_COUNTER,
                        note=nullable(string(200, description='Optional, for the counter that calls it next.'))),
        'AtCounter': obj((), counter=AT_COUNTER),
        'CounterLine': obj(['counter', 'day', 'served', 'no_show', 'waiting', 'services', 'line'],
                           counter={'type': 'integer'}, day=string(format='date'),
                           served={'type': 'integer', 'minimum': 0, 'description': 'Done at this counter today.'},
                           no_show={'type': 'integer', 'minimum': 0, 'description': 'Absent at this counter today.'},
                           waiting={'type': 'integer', 'minimum': 0, 'description': 'In its line now.'},
                           services={'type': 'array', 'items': obj(['code', 'name', 'waiting'], code=string(16),
                                                                   name=string(100),
                                                                   waiting={'type': 'integer', 'minimum': 0})},
                           line={'type': 'array', 'items': ref('LineTicket'),
                                 'description': 'In the order call-next takes them; at most `limit`.'}),
        'LineTicket': obj(['position', 'id', 'number', 'service', 'service_name', 'priority', 'priority_reason',
                           'name', 'issued_at'], position={'type': 'integer', 'minimum': 1},
                          **{k: TICKET_FIELDS[k] for k in ('id', 'number', 'service', 'service_name', 'priority',
                                                           'priority_reason', 'name', 'issued_at')}),
        **console_schemas(),
    }


def console_schemas():
    """Staff accounts, printers and board changes (server/api/staff.py)."""
    staff = dict(full_name=string(100), role={'enum': list(STAFF_ROLES)}, active={'type': 'boolean'},
                 password=string(200, minLength=8, writeOnly=True, description='Kept as typed (not trimmed).'))
    printer = dict(name=string(100, minLength=1), uri=string(255, minLength=1, examples=[
        'tcp://192.168.1.50:9100', 'usb://04b8:0e15', 'dummy://']), paper_width={'enum': [58, 80]})
    return {
        'Staff': obj(['id', 'username', 'full_name', 'role', 'active', 'created_at', 'must_change_password'],
                     id={'type': 'integer'}, username=string(50), created_at=string(format='date-time'),
                     must_change_password={'type': 'boolean', 'description': (
                         'The password was set by someone else (an admin, the demo): its owner must change it '
                         'at the next login before any page opens.')},
                     **{k: v for k, v in staff.items() if k != 'password'}),
        'NewStaff': obj(['username', 'role', 'password'],
                        username=string(50, pattern='^[A-Za-z0-9._-]{2,50}$'), **staff),
        'StaffChange': obj((), **staff),
        'Printer': obj(['id', 'name', 'uri', 'paper_width', 'status', 'status_detail', 'status_at'],
                       id={'type': 'integer'}, status=string(16), status_detail=string(255), status_at=TIME,
                       connection=ref('PrinterConnection'), address=string(description='Where it is, in words.'),
                       **printer),
        'NewPrinter': {**obj(['name'], connection=ref('PrinterConnection'), **printer), 'description': (
            'Either "uri" or "connection" (the console\'s form: a kind of connection and its fields).')},
        'PrinterChange': obj((), connection=ref('PrinterConnection'), **printer),
        'BoardChange': obj((), name=string(100, minLength=1), services=codes(), notice=string(500),
                           counters={'type': 'array', 'items': {'type': 'integer', 'minimum': 1, 'maximum': 999}}),
    }



