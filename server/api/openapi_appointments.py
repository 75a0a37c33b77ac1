"""The OpenAPI description of appointments, SMS and the office calendar (files: openapi_dossiers.py)."""
from server.api import openapi_dossiers
from server.api.openapi_schemas import PHONE, ROW_ID, TIME, nullable, obj, ref, string
from server.models import APPOINTMENT_SOURCES, APPOINTMENT_STATUSES, OUTBOX_STATES

DAY = string(10, format='date', description='YYYY-MM-DD')
CLOCK = string(5, pattern=r'^\d\d:\d\d$', description='HH:MM, office time')
INTEGER = {'type': 'integer'}
BOOLEAN = {'type': 'boolean'}


def appointment_schemas():
    """Answers and request bodies of the appointment operations."""
    session = obj(['start', 'end'], start=CLOCK, end=CLOCK)
    appointment = dict(
        code=string(8, description='The booking code read back to the caller, e.g. "K7M2QX".'),
        service=string(16), service_name=string(100), procedure=nullable(string(200)), date=DAY, start=CLOCK,
        end=CLOCK, name=string(100), phone=string(16), status={'enum': list(APPOINTMENT_STATUSES)},
        status_label=string(), source={'enum': list(APPOINTMENT_SOURCES)}, note=string(200),
        ticket=nullable(string(8, description='The number issued at check-in.')))
    return {
        'Appointment': obj(list(appointment), **appointment),
        'Slot': obj(['start', 'end', 'capacity', 'booked', 'left', 'past'], start=CLOCK, end=CLOCK,
                    capacity=INTEGER, booked=INTEGER, left=INTEGER, past=BOOLEAN),
        'CalendarDay': obj(['date', 'holiday', 'open', 'left'], date=DAY, holiday=nullable(string(100)),
                           open=BOOLEAN, left=INTEGER),
        'SmsReply': obj(['reply', 'appointment'], reply=string(description='Queued back to the sender.'),
                        appointment=nullable(ref('Appointment'))),
        'Delivery': obj(['matched', 'changed'],
                        matched={'type': 'boolean', 'description': 'A message sent under this id exists.'},
                        changed={'type': 'boolean', 'description': 'This report moved it.'}),
        'OutboxMessage': obj(['id', 'kind', 'phone', 'text', 'state', 'attempts', 'last_error', 'send_after',
                              'sent_at', 'appointment'], id=INTEGER, kind=string(24),
                             phone=string(description='Masked.'), text=string(), state={'enum': list(OUTBOX_STATES)},
                             attempts=INTEGER, last_error=string(), send_after=TIME, sent_at=TIME,
                             appointment=nullable(string(8))),
        'InboundMessage': obj(['id', 'phone', 'text', 'received_at', 'command', 'outcome', 'reply'], id=INTEGER,
                              phone=string(description='Masked.'), text=string(), received_at=TIME,
                              command=string(), outcome=string(), reply=string()),
        'OfficeHoursDay': obj(['weekday', 'name', 'sessions'], weekday={'type': 'integer', 'minimum': 0,
                                                                          'maximum': 6}, name=string(),
                              sessions=obj((), morning=session, afternoon=session)),
        'OfficeHoursChange': {'type': 'array', 'maxItems': 7, 'items': obj(
            ['weekday', 'sessions'], weekday={'type': 'integer', 'minimum': 0, 'maximum': 6},
            sessions=obj((), morning=session, afternoon=session))},
        'Holiday': obj(['date', 'name'], date=DAY, name=string(100, minLength=1)),
        'NewHoliday': obj(['date', 'name'], date=string(10, description='YYYY-MM-DD, or dd/mm/yyyy as typed'),
                          name=string(100, minLength=1), cancel_bookings={
            **BOOLEAN, 'description': "Cancel the day's open bookings (their reminders are withdrawn and each "
                                      'citizen gets one SMS); without it such a day is refused with 409 '
                                      'has_bookings. Default false.'}),
        'HolidayAdded': obj(['date', 'name', 'cancelled'], date=DAY, name=string(100), cancelled={
            'type': 'array', 'items': string(8), 'description': 'The codes of the bookings cancelled.'}),
        'HasBookings': obj(['error'], error=obj(
            ['code', 'message', 'bookings'], code={'const': 'has_bookings'}, message=string(),
            bookings={'type': 'array', 'items': obj(
                ['code', 'service', 'service_name', 'date', 'start', 'end', 'name'], code=string(8),
                service=string(16), service_name=string(100), date=DAY, start=CLOCK, end=CLOCK,
                name=string(100))})),
        'HolidayDeleted': obj(['date', 'deleted'], date=DAY, deleted={'const': True}),
        'NewAppointment': obj(['service', 'date', 'start', 'name', 'phone'], service=string(16, minLength=1),
                              date=DAY, start=CLOCK, name=string(100, minLength=1), phone=string(16, pattern=PHONE),
                              source={'enum': ['hotline', 'desk', 'api', 'sms']},
                              procedure=nullable(ROW_ID), note=string(200)),
        'MoveAppointment': obj(['date', 'start'], date=DAY, start=CLOCK),
        'CheckIn': obj((), print=BOOLEAN),
        'SmsInbound': obj(['from', 'text'], **{'from': string(20, minLength=1), 'text': string(1000)}),
        **openapi_dossiers.schemas(),
    }


def appointment_paths(op, path_param, query, array):
    """The operations; `op` and the helpers come from server/api/openapi.py."""
    code = path_param('code', string(16), 'The booking code (for check-in also the phone number that booked).')
    service = query('service', string(16), 'Service code.', True)
    tag = 'appointments'
    return {
        '/slots': {'get': op('The slots of a day with places booked and left', ('hotline',), array('Slot'),
                             errors=(400, 404, 409), tag=tag, params=[service, query('date', DAY, 'The day.', True)])},
        '/calendar': {'get': op('The next days with places left (the day picker)', ('hotline',),
                                array('CalendarDay'), errors=(400, 404, 409), tag=tag, params=[
                                    service, query('days', {'type': 'integer', 'minimum': 1, 'maximum': 60},
                                                   'How many days from today (default 14).')])},
        '/appointments': {
            'get': op("A caller's bookings (?phone=) or a day's list (?date=, ?service=)", ('hotline', 'desk'),
                      array('Appointment'), errors=(400, 404, 409), tag=tag, params=[
                          query('phone', string(20), 'The phone number that booked.'),
                          query('date', DAY, 'The day (default today).'),
                          query('service', string(16), 'Only this service.')]),
            'post': op('Book an appointment', ('hotline',), ref('Appointment'), 'NewAppointment', 201, (404, 409),
                       tag, description='409 slot_full, office_closed, slot_past, outside_hours, date_out_of_range, '
                                        'already_booked, too_many_bookings, not_bookable. Queues the SMS '
                                        'confirmation and the reminders.')},
        '/appointments/{code}': {'get': op('A booking', ('hotline', 'desk'), ref('Appointment'), errors=(404,),
                                           tag=tag, params=[code])},
        '/appointments/{code}/cancel': {'post': op('Cancel a booking', ('hotline',), ref('Appointment'),
                                                   errors=(404, 409), tag=tag, params=[code])},
        '/appointments/{code}/move': {'post': op('Move a booking to another slot', ('hotline',), ref('Appointment'),
                                                 'MoveAppointment', errors=(404, 409), tag=tag, params=[code])},
        '/appointments/{code}/check-in': {'post': {
            **op('Check in: issues the ticket with appointment priority', ('kiosk', 'desk'), ref('TicketIssued'),
                 errors=(400, 404, 409), tag=tag, params=[code],
                 description='409 too_early, too_late, wrong_day, already_checked_in, invalid_state; no_counter '
                             'when no open counter serves the service (the appointment stays booked).'),
            'requestBody': {'required': False, 'content': {'application/json': {'schema': ref('CheckIn')}}}}},
        '/sms/delivery': {method: op(
            'A delivery report from the gateway', ('gateway',), ref('Delivery'), errors=(400,), tag=tag, params=[
                query('ref', string(100), 'The id the message was sent under: the gateway\'s, or for Kannel the '
                                          'reference our dlr-url carries ({reference}).', True),
                query('status', INTEGER, "Kannel's report type: 1 delivered, 2 undelivered, 16 refused; "
                                         "4 and 8 change nothing.", True),
                query('token', string(), 'The gateway token.')],
            description='Only a message that was sent (state sent or uncertain) moves, to delivered or failed, '
                        'and only once: a replayed report, or one naming a message not sent or unknown, is '
                        'answered 200 with "changed": false and changes nothing.')
                          for method in ('get', 'post')},
        '/sms/outbox': {'get': op('Messages to send and sent', ('admin',), array('OutboxMessage'), tag=tag,
                                  params=[query('state', {'enum': ['pending', 'sending', 'sent', 'delivered',
                                                                   'failed', 'skipped', 'cancelled', 'uncertain']},
                                                'Only this state.')])},
        '/sms/outbox/{message_id}/resend': {'post': op(
            'Send a failed or uncertain message again', ('admin',), ref('OutboxMessage'), errors=(404,), tag=tag,
            params=[path_param('message_id', ROW_ID, 'The message id.')])},
        '/sms/inbox': {'get': op('Messages received', ('admin',), array('InboundMessage'), tag=tag)},
        **calendar_paths(op, path_param, query, array),
    }


def calendar_paths(op, path_param, query, array):
    tag = 'setup'
    return {
        '/office-hours': {'get': op('Opening hours per weekday', ('hotline',), array('OfficeHoursDay'), tag=tag),
                          'put': op('Replace the opening hours', ('admin',), array('OfficeHoursDay'),
                                    'OfficeHoursChange', tag=tag)},
        '/holidays': {'get': op('Holidays', ('hotline',), array('Holiday'), errors=(400,), tag=tag, params=[
            query('year', {'type': 'integer', 'minimum': 2000, 'maximum': 2100}, 'Only this year.')]),
                      'post': add_holiday(op, tag)},
        '/holidays/{day}': {'delete': op('Remove a holiday', ('admin',), ref('HolidayDeleted'), errors=(400, 404),
                                         tag=tag, params=[path_param('day', DAY, 'The date.')])},
        **openapi_dossiers.paths(op, path_param, query, array),
    }


def add_holiday(op, tag):
    """POST /holidays: its 409 has_bookings answer lists the bookings in the way."""
    item = op('Add a holiday', ('admin',), ref('HolidayAdded'), 'NewHoliday', 201, (409,), tag,
              description='409 duplicate_holiday; 409 has_bookings when the day has open bookings (listed in '
                          '`error.bookings`) and the body does not say `"cancel_bookings": true`.')
    item['responses']['409'] = {'description': 'duplicate_holiday, or has_bookings with the bookings listed',
                                'content': {'application/json': {'schema': {'anyOf': [
                                    ref('HasBookings'), {'$ref': '#/components/schemas/Error'}]}}}}
    return item
