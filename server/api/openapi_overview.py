"""The OpenAPI description of the office at a glance (server/api/overview.py), which the office PC's window polls."""
from server.api.openapi_schemas import obj, ref, string

COUNT = {'type': 'integer', 'minimum': 0}
OVERVIEW = ('What the office PC\'s window (`run.py desktop`) shows, polled every few seconds: the boards and kiosks '
            'holding a device token and whether each is connected now, how many counter pages are open (staff '
            'with a live page, counter tokens connected), each printer\'s last known state, whether a default '
            'printer is set (LUOT_PRINTER), the SMS gateway\'s state, and today\'s tickets by outcome. Device '
            'and printer names only: no citizen\'s name or phone number.')


def paths(op, path_param, query, array):
    """GET /overview (admin)."""
    return {'/overview': {'get': op('The office at a glance (the office PC\'s window)', ('admin',), ref('Overview'),
                                    tag='setup', description=OVERVIEW)}}


def schemas():
    """Overview."""
    today = obj(['issued', 'waiting', 'serving', 'served', 'no_show'], issued=COUNT, waiting=COUNT,
                serving={**COUNT, 'description': 'Called or being served now.'}, served=COUNT, no_show=COUNT)
    sms = obj(['scheme', 'ok', 'reason', 'pending'], scheme={'type': ['string', 'null']}, ok={'type': 'boolean'},
              reason=string(description='Why it does not work, in words; empty when it works.'), pending=COUNT)
    device = obj(['name', 'role', 'connected'], name=string(100), role={'enum': ['kiosk', 'display']},
                 connected={'type': 'boolean'})
    printer = obj(['name', 'status'], name=string(100), status=string(16, description=(
        'online, offline, paper_out, paper_near_end, cover_open, error or unknown.')))
    return {'Overview': obj(['devices', 'counters_connected', 'printers', 'default_printer', 'sms', 'today'],
                            devices={'type': 'array', 'items': device}, counters_connected=COUNT,
                            printers={'type': 'array', 'items': printer}, default_printer={'type': 'boolean'},
                            sms=sms, today=today)}
