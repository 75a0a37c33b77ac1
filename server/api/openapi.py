"""The OpenAPI 3.1 description of the JSON API under /api/v1, kept as Python data (served at /api/v1/openapi.json)."""
import copy
import re
from importlib import metadata

from server.api import (openapi_media, openapi_overview, openapi_procedures, openapi_ratings, openapi_reports,
                        openapi_transfer)
from server.api.openapi_appointments import appointment_paths, appointment_schemas
from server.api.openapi_counters import counter_call_paths, counter_call_schemas
from server.api.openapi_devices import device_paths, device_schemas
from server.api.openapi_removal import removal_paths
from server.api.openapi_schemas import ROW_ID, obj, ref, schemas, string
from server.api.openapi_setup import setup_paths, setup_schemas

# Descriptions kept in modules of their own, each with paths(op, path_param, query, array) and schemas(): add a
# feature's module here rather than growing this one.
PARTS = (openapi_transfer, openapi_reports, openapi_ratings, openapi_media, openapi_overview, openapi_procedures)
from server.models import STATUSES, TOKEN_ROLES

API = '/api/v1'
ANY = tuple(r for r in TOKEN_ROLES if r != 'gateway')  # "any token": the gateway's serves its webhooks only
GATEWAY_PATHS = ('/sms/inbound', '/sms/delivery')

DESCRIPTION = """\
**Tiếng Việt.** API JSON của Lượt: lấy số, gọi số, xem hàng chờ và cấu hình bộ phận một cửa.
Xác thực bằng `Authorization: Bearer <mã truy cập>` (tạo bằng `python run.py token create` hoặc trang
quản trị) hoặc bằng phiên đăng nhập của cán bộ (cookie, khi đó áp dụng CSRF). Lỗi luôn có dạng
`{"error": {"code", "message"}}`; thông báo bằng tiếng Việt trừ khi `Accept-Language` chọn tiếng Anh.
Quyền `admin` được làm mọi thao tác, trừ hai địa chỉ của cổng SMS (`/sms/inbound`, `/sms/delivery`): chỉ
mã vai trò `gateway`, không nhận cookie; `x-roles` ghi các vai trò được phép của từng thao tác.

**English.** The JSON API of Lượt: issue and call tickets, read the queue, set up the one-stop office.
Authenticate with `Authorization: Bearer <token>` (from `python run.py token create` or the admin
console) or a staff session cookie (then CSRF rules apply). Errors are always `{"error": {"code",
"message"}}`, in Vietnamese unless `Accept-Language` asks for English. The `admin` role may do
everything but the SMS gateway's two webhooks (`/sms/inbound`, `/sms/delivery`): those take a
`gateway` token only, never a cookie; `x-roles` lists the roles allowed for each operation.
Answering 200 on this document is how scripts know the server is ready."""


def console_paths():
    def row(name):
        return [path_param(name + '_id', ROW_ID, 'The %s id.' % name)]
    return {
        '/staff': {'get': op('The staff accounts', ('admin',), array('Staff'), tag='setup'),
                   'post': op('Add a staff account', ('admin',), ref('Staff'), 'NewStaff', 201, (409,), 'setup',
                              description='409 duplicate_staff. The password is the admin\'s choice: its owner '
                              'must change it at the first login (must_change_password).')},
        '/staff/{staff_id}': {'patch': op(
            'Change a staff account', ('admin',), ref('Staff'), 'StaffChange', errors=(404, 409), tag='setup',
            params=row('staff'), description='409 cannot_deactivate_self, cannot_demote_self or last_admin. A new '
            'password or "active": false ends every session of the account and closes its open connections; '
            'a password set for someone else must be changed at their next login.')},
        '/printers': {'get': op('The ticket printers', ('admin',), array('Printer'), tag='setup'),
                      'post': op('Add a printer', ('admin',), ref('Printer'), 'NewPrinter', 201, (409,), 'setup',
                                 description='400 invalid_printer_uri; 409 duplicate_printer.')},
        '/printers/{printer_id}': {'patch': op('Change a printer', ('admin',), ref('Printer'), 'PrinterChange',
                                               errors=(404, 409), tag='setup', params=row('printer'))},
        '/boards/{board_id}': {'patch': op('Change a display board', ('admin',), ref('Board'), 'BoardChange',
                                           errors=(404, 409), tag='setup', params=row('board'),
                                           description='409 duplicate_board for a name another board has.')},
        '/personal-data/erase': {'post': op(
            "Erase everything about one phone number (a citizen's request)", ('admin',), ref('Erased'), 'ErasePhone',
            tag='setup', description='Names, phones, notes and SMS texts linked to the number are erased; its open '
                                     'bookings are cancelled and its unsent SMS withdrawn. The rows stay, anonymous, '
                                     'for the reports. Audited with the number masked. 400 invalid_phone.')},
    }


ERRORS = {400: 'Bad input (invalid_json, missing_field, null_field, invalid_type, too_long, ...) or csrf_failed.',
          401: 'No valid token or session (unauthorized).', 403: 'The role may not do this (forbidden).',
          404: 'No such ticket, counter, service, ... (unknown_*, not_found).',
          409: 'The state does not allow it (queue_empty, invalid_state, duplicate_*, slot_full, ...).',
          503: 'The disk refused the write (disk_full, storage_error): nothing was stored; try again later.'}


def json_content(schema):
    return {'application/json': {'schema': schema}}


def op(summary, roles, answer, body=None, status=200, errors=(), tag='queue', params=(), description=None):
    """One operation: its roles (admin always allowed), its answer and its error answers."""
    roles = tuple(roles)
    item = {'summary': summary, 'tags': [tag], 'x-roles': ['admin'] + [r for r in roles if r != 'admin'],
            'parameters': list(params),
            'responses': {str(status): {'description': summary, 'content': json_content(answer)}}}
    if description:
        item['description'] = description
    if body:
        item['requestBody'] = {'required': True, 'content': json_content(ref(body))}
    everyone = set(roles) >= set(TOKEN_ROLES)
    statuses = {401} | set(errors) | ({400} if body else set()) | (set() if everyone else {403})
    for code in sorted(statuses):
        item['responses'][str(code)] = {'$ref': '#/components/responses/E%d' % code}
    return item


def path_param(name, schema, description):
    return {'name': name, 'in': 'path', 'required': True, 'schema': schema, 'description': description}


def query(name, schema, description, required=False):
    return {'name': name, 'in': 'query', 'required': required, 'schema': schema, 'description': description}


def array(name):
    return {'type': 'array', 'items': ref(name)}


TICKET_ID = path_param('ticket_id', ROW_ID, 'The ticket id.')
COUNTER_NO = path_param('number', {'type': 'integer', 'minimum': 1, 'maximum': 999}, 'The counter number.')


def ticket_action(summary, roles, errors=(404, 409), body='AtCounter', description=None):
    """A POST on a ticket; by default with the optional body {"counter": N} of the counter acting."""
    item = op(summary, roles, ref('Ticket'), body, errors=errors, params=[TICKET_ID], description=description)
    if body == 'AtCounter':
        item['requestBody']['required'] = False
    return {'post': item}


def paths():
    service = path_param('code', string(16), 'The service code.')
    answer = {
        '/tickets': {
            'post': op('Issue a ticket', ('kiosk', 'desk'), ref('TicketIssued'), 'NewTicket', 201, (404, 409, 503),
                       description='Never waits for the printer; "printing" says what happens to the paper. '
                                   '409 service_closed for a closed service, no_counter when no open counter '
                                   'serves it, office_full when the waiting area is full. 503 disk_full when '
                                   'the disk is full (any write may answer so): nothing was stored.'),
            'get': op("Today's tickets, newest first (at most 200)", ('desk', 'counter'), array('Ticket'), params=[
                query('q', string(), 'Part of the number, name or phone.'),
                query('status', {'enum': list(STATUSES)}, 'Only this status.'),
                query('service', string(16), 'Only this service code.'),
                query('counter', {'type': 'integer', 'minimum': 1, 'maximum': 999}, 'Only tickets at this counter.'),
                query('order', {'enum': ['issued', 'queue']},
                      '"queue": the order call-next takes (priority first, then by place in line).')])},
        '/tickets/{ticket_id}': {'get': op('A ticket', ANY, ref('Ticket'), errors=(404,), params=[TICKET_ID])},
        '/tickets/{ticket_id}/recall': ticket_action('Announce a called ticket again', ('counter',)),
        '/tickets/{ticket_id}/start': ticket_action('The citizen came to the counter', ('counter',)),
        '/tickets/{ticket_id}/no-show': ticket_action('The citizen did not come', ('counter',)),
        '/tickets/{ticket_id}/complete': ticket_action('Finished with the citizen', ('counter',)),
        '/tickets/{ticket_id}/hand-back': ticket_action(
            'Give a called or served citizen back to the line at their place', ('counter',),
            description='Back to "waiting" with the place in line kept (the counter page, when staff leave).'),
        '/tickets/{ticket_id}/return': ticket_action('Put a no-show back in line', ('counter', 'desk'),
                                                     description='409 return_window_passed after the window.'),
        '/tickets/{ticket_id}/cancel': ticket_action('Withdraw a ticket not yet served', ('counter', 'desk')),
        '/tickets/{ticket_id}/transfer': ticket_action('Move to another service, waiting again',
                                                       ('counter', 'desk'), body='Transfer'),
        '/tickets/{ticket_id}/reprint': {'post': op('Print the ticket again', ('desk', 'kiosk'), ref('Printing'),
                                                    errors=(404, 409), params=[TICKET_ID],
                                                    description='409 no_printer when the device has none.')},
        **counter_call_paths(op, COUNTER_NO),
        '/counters/{number}/line': {'get': op(
            "A counter's day and its line in the order call-next takes it", ('counter', 'desk'),
            ref('CounterLine'), errors=(404,), params=[COUNTER_NO, query(
                'limit', {'type': 'integer', 'minimum': 1, 'maximum': 1000, 'default': 100},
                'How many of the line to list (the counts always cover all of it).')],
            description="Today's served and no-show counts of the counter, the waiting count of each of its "
                        'services, and the first tickets of its line in call order (priority rules included). '
                        'Staff roles only: it carries names.')},
        '/queue': {'get': op('The waiting lines and every open counter', ANY, ref('Queue'), params=[
            query('board', string(), 'A board id: only what that board shows ("all" or unknown: everything).')])},
        '/services': {'get': op('The services', ANY, array('Service'), tag='setup'),
                      'post': op('Add a service', ('admin',), ref('Service'), 'NewService', 201, (409,), 'setup',
                                 description='409 duplicate_service, or duplicate_prefix when another service '
                                             'numbers with that prefix (any case).')},
        '/services/{code}': {'patch': op('Change a service', ('admin',), ref('Service'), 'ServiceChange',
                                         errors=(404, 409), tag='setup', params=[service],
                                         description='409 duplicate_prefix when another service numbers with '
                                                     'that prefix. Closing ("active": false) stops new tickets; '
                                                     'the citizens already waiting are still called.')},
        '/counters': {'get': op('The counters', ANY, array('Counter'), tag='setup'),
                      'post': op('Add a counter', ('admin',), ref('Counter'), 'NewCounter', 201, (404, 409),
                                 'setup')},
        '/counters/{number}': {'patch': op('Change a counter', ('admin', 'counter'), ref('Counter'),
                                           'CounterChange', errors=(404, 409), tag='setup', params=[COUNTER_NO],
                                           description='409 counter_busy when closing ("active": false) a '
                                                       'counter that has called or is serving someone.')},
        '/boards': {'get': op('The display boards', ('admin', 'display'), array('Board'), tag='setup'),
                    'post': op('Add a display board', ('admin',), ref('Board'), 'NewBoard', 201, (404, 409),
                               'setup', description='Checked as a change is: 404 unknown_service or '
                                                    'unknown_counter, 400 out_of_range, 409 duplicate_board '
                                                    'for a name another board has (any case).')},
        '/tokens': {'get': op('The API tokens (secrets never shown again)', ('admin',), array('TokenInfo'),
                              tag='setup'),
                    'post': op('Create an API token', ('admin',), ref('Token'), 'NewToken', 201, (404,), 'setup')},
        '/tokens/{token_id}/revoke': {'post': op(
            'Revoke a token', ('admin',), obj(['id', 'revoked'], id={'type': 'integer'}, revoked={'const': True}),
            errors=(404,), tag='setup', description='The token stops at once, and its open Socket.IO connections '
            '(boards, kiosks) are closed, in every server process.',
            params=[path_param('token_id', ROW_ID, 'The token id.')])},
        '/settings': {'get': op('The office settings', ('admin',), ref('Settings'), tag='setup'),
                      'patch': op('Change office settings', ('admin',), ref('Settings'), 'SettingsChange',
                                 tag='setup')},
        '/openapi.json': {'get': {'summary': 'This document (no token needed)', 'tags': ['setup'], 'security': [],
                                  'responses': {'200': {'description': 'The OpenAPI document',
                                                        'content': json_content({'type': 'object'})}}}},
        '/sms/inbound': {'post': sms_inbound(), 'get': sms_inbound(get=True)},
        **appointment_paths(op, path_param, query, array),
        **console_paths(),
        **setup_paths(op, path_param),
        **device_paths(op),
    }
    for path in GATEWAY_PATHS:
        for item in answer[path].values():
            for_gateway(item)
    for path, item in removal_paths(op, path_param).items():
        answer.setdefault(path, {}).update(item)
    for part in PARTS:
        for path, item in part.paths(op, path_param, query, array).items():
            answer.setdefault(path, {}).update(item)
    return answer


def for_gateway(item):
    """The SMS gateway's webhooks: a `gateway` token (header or `token` parameter) and nothing else."""
    item['x-roles'] = ['gateway']
    item['security'] = [{'bearerAuth': []}, {'gatewayToken': []}]
    refusal = ('Only a `gateway` token: an admin token, a staff session or a device cookie is refused '
               '(401 without a token, 403 with another role\'s).')
    item['description'] = ' '.join(filter(None, (item.get('description'), refusal)))
    return item


def sms_inbound(get=False):
    item = op('An SMS from a citizen (the gateway token)', ('gateway',), ref('SmsReply'),
              None if get else 'SmsInbound',
              tag='appointments', description=(
                  'Gateways that can neither send JSON nor set headers (Kannel) send `token`, `from` and `text` '
                  'as query or form parameters; the answer is then the reply as text/plain (header '
                  '`X-Kannel-Coding: 2` when it needs UCS-2). GET is for Kannel\'s get-url, which can only GET.'))
    item['responses']['400'] = {'$ref': '#/components/responses/E400'}
    item['parameters'] = [query(name, string(max_length), 'For gateways without JSON.')
                          for name, max_length in (('from', 16), ('text', 1000))]
    if not get:
        item['requestBody'] = {'required': False, 'content': {
            **json_content(ref('SmsInbound')), 'application/x-www-form-urlencoded': {'schema': ref('SmsInbound')}}}
    else:
        item['responses']['200'] = {'description': 'The reply', 'content': {'text/plain': {'schema': string()}}}
    item['responses']['200']['content']['text/plain'] = {'schema': string()}
    return item


def with_ids(path, item):
    """Give each operation an operationId from its method and path: POST /tickets/{ticket_id}/recall ->
    post_tickets_ticket_id_recall."""
    for method, operation in item.items():
        operation['operationId'] = method + '_' + re.sub(r'[^a-z0-9]+', '_', path.lower()).strip('_')
    return item


def spec(app=None):
    """The OpenAPI document of `app` (a fresh copy each call).

    The document is static data; tests/test_openapi.py proves that every rule under /api/v1 of the app's
    url_map is in it, with the roles its view enforces."""
    try:
        version = metadata.version('luot')
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        version = '0.0.0'
    responses = {'E%d' % status: {'description': text, 'content': json_content(ref('Error'))}
                 for status, text in ERRORS.items()}
    return copy.deepcopy({
        'openapi': '3.1.0',
        'info': {'title': 'Lượt API', 'version': str(version), 'description': DESCRIPTION,
                 'license': {'name': 'MIT', 'identifier': 'MIT'}},
        'servers': [{'url': '/'}],
        'tags': [{'name': 'queue', 'description': 'Tickets and calls / Lấy số và gọi số'},
                 {'name': 'setup', 'description': 'Services, counters, boards, tokens, settings / Cấu hình'},
                 {'name': 'appointments', 'description': 'Appointments and SMS / Lịch hẹn và SMS'}],
        'security': [{'bearerAuth': []}, {'staffSession': []}, {'deviceCookie': []}],
        'paths': {API + path: with_ids(path, item) for path, item in paths().items()},
        'components': {
            'schemas': {**schemas(), **setup_schemas(), **device_schemas(), **appointment_schemas(),
                        **counter_call_schemas(), **{name: schema for part in PARTS for name, schema in
                                                     part.schemas().items()}},
            'responses': responses,
            'securitySchemes': {
                'bearerAuth': {'type': 'http', 'scheme': 'bearer',
                               'description': 'An API token from `run.py token create` or the admin console.'},
                'staffSession': {'type': 'apiKey', 'in': 'cookie', 'name': 'session',
                                 'description': 'A logged-in staff session (POST /login); CSRF rules apply. It '
                                 'ends after the session_idle_hours setting unused, and on logout, a password '
                                 'change or deactivation; while its password must be changed (/password) '
                                 'the API answers 403 password_change_required.'},
                'deviceCookie': {'type': 'apiKey', 'in': 'cookie', 'name': 'luot_device',
                                 'description': 'A kiosk or display paired with ?token= on its page.'},
                'gatewayToken': {'type': 'apiKey', 'in': 'query', 'name': 'token',
                                 'description': 'The SMS gateway token, for /sms/inbound and /sms/delivery only.'}},
        },
    })
