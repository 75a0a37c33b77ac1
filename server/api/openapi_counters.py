"""The OpenAPI description of a counter's calls: call-next, a number called by name, today's absent citizens."""
from server.api.openapi_schemas import RESUME, TICKET_FIELDS, obj, ref, string

FINISH_CURRENT = {'enum': ['done', 'no_show'], 'default': 'done', 'description': (
    'How the current ticket ends: "no_show" when the citizen did not come. With nobody called, it is left as it '
    'was.')}


def counter_call_paths(op, counter_number):
    """The paths, given openapi.op and the {number} path parameter."""
    call_next = op('Finish the current ticket and call the next', ('counter',), ref('Ticket'), 'CallNext',
                   errors=(404, 409), params=[counter_number], description=(
                       '409 queue_empty when nothing waits: then nothing changes, the current ticket is left as '
                       'it was. 409 counter_closed; 409 counter_paused while the counter is paused, unless the '
                       'body says "resume": true. The current ticket is finished and the next one called in one '
                       'transaction.'))
    call_next['requestBody']['required'] = False
    return {
        '/counters/{number}/call-next': {'post': call_next},
        '/counters/{number}/call': {'post': op(
            'Call one waiting ticket by its number', ('counter',), ref('Ticket'), 'CallNumber', errors=(404, 409),
            params=[counter_number], description=(
                'The ticket of today with that number is called to this counter, its current ticket finished, '
                'in one transaction, announced and audited as call-next. 400 invalid_number; 404 unknown_ticket '
                '(no such number today) or unknown_counter; 409 not_waiting (served, absent, cancelled), '
                'wrong_service (its line is not one this counter serves), at_other_counter (another counter '
                'called it), already_at_counter, counter_closed, counter_paused (unless "resume": true).'))},
        '/counters/{number}/no-shows': {'get': op(
            "Today's absent citizens of a counter's lines, latest first", ('counter', 'desk'),
            {'type': 'array', 'items': ref('AbsentTicket')}, errors=(404,), params=[counter_number],
            description='At most 100. "returnable" while POST /tickets/{ticket_id}/return may still put the '
                        'citizen back in line (the no_show_return_minutes setting). Staff roles only: it '
                        'carries names.')},
    }


def counter_call_schemas():
    return {
        'CallNext': obj((), finish_current=FINISH_CURRENT, resume=RESUME),
        'CallNumber': obj(['number'], number=string(8, description='The number as on the ticket ("A025"; "a25" '
                                                                   'is read as A025).', examples=['A025']),
                          finish_current=FINISH_CURRENT, resume=RESUME),
        'AbsentTicket': obj(['id', 'number', 'service', 'service_name', 'name', 'finished_at', 'counter',
                             'return_until', 'returnable'],
                            **{k: TICKET_FIELDS[k] for k in ('id', 'number', 'service', 'service_name', 'name',
                                                             'finished_at', 'counter')},
                            return_until=TICKET_FIELDS['finished_at'],
                            returnable={'type': 'boolean', 'description': 'It may still be put back in line.'}),
    }
