"""The OpenAPI description of setting up printers and the SMS gateway from the console (server/api/devices.py,
server/api/sms_gateway.py)."""
from server.api.openapi_schemas import ROW_ID, nullable, obj, ref, string

SMS_GATEWAY_KINDS = ['log', 'kannel', 'gsm', 'smpp']
PRINTER_KINDS = ['network', 'usb', 'serial', 'windows', 'cups', 'port', 'none']


def setup_paths(op, path_param):
    """Paths of the printers' test print and the SMS gateway's form and test message."""
    return {
        '/printers/{printer_id}/test': {'post': op(
            'Print a test ticket', ('desk',), ref('PrintTest'), status=202, errors=(404, 409), tag='setup',
            params=[path_param('printer_id', ROW_ID, 'The printer id.')], description=(
                'A test ticket is queued for that printer through the spooler; its state then comes live '
                '(printer_status). 404 unknown_printer; 409 printing_off when this server process does not print, '
                'invalid_printer_uri for an address saved before addresses were checked.'))},
        '/sms/gateway': {
            'get': op('The SMS gateway as the console shows it', ('admin',), ref('SmsGateway'), tag='appointments',
                      description='Passwords and the PIN are never sent: only whether one is saved.'),
            'put': op('Set the SMS gateway', ('admin',), ref('SmsGateway'), 'SmsGatewayChange', errors=(409,),
                      tag='appointments', description=(
                          'Used from the next sending round, without a restart. An empty password or PIN keeps the '
                          'saved one. 400 names the field in words; 409 fixed_by_environment when LUOT_SMS (or the '
                          'config file) sets the gateway: the environment wins.'))},
        '/sms/test': {'post': op(
            'Send a test SMS now', ('admin',), ref('SmsTestResult'), 'SmsTest', tag='appointments',
            description='Through the outbox (kind "test"), sent at once and never retried. A gateway that is down '
                        'is an answer with state "failed" and its reason in words, never an error.')},
    }


def setup_schemas():
    """Answers and bodies of setup_paths."""
    gateway_fields = dict(
        kind={'enum': SMS_GATEWAY_KINDS}, url=string(200, description='Kannel: its sendsms address.'),
        username=string(200), sender=string(16), device=string(200, description='GSM modem: COM3, /dev/ttyUSB0.'),
        host=string(200, description='SMPP: the SMS centre.'), port={'type': 'integer', 'minimum': 1,
                                                                     'maximum': 65535},
        system_id=string(200))
    return {
        'PrintTest': obj(['printer_id', 'job_id', 'queued'], printer_id={'type': 'integer'},
                         job_id={'type': 'integer'}, queued={'const': True}),
        'PrinterConnection': obj(['kind'], kind={'enum': PRINTER_KINDS + ['']}, host=string(), port={'type': 'integer'},
                                 vendor=string(4), product=string(4), device=string(),
                                 baudrate={'type': 'integer'}, printer=string(), queue=string()),
        'SmsGateway': obj(['config', 'fixed_by_environment', 'ok', 'error', 'reason'],
                          config=obj(['kind'], password_saved={'type': 'boolean'}, pin_saved={'type': 'boolean'},
                                     **gateway_fields),
                          fixed_by_environment={'type': 'boolean'}, ok={'type': 'boolean'},
                          error=nullable(string()), reason=string()),
        'SmsGatewayChange': obj(['kind'], password=string(200, writeOnly=True),
                                pin=string(8, writeOnly=True), **gateway_fields),
        'SmsTest': obj(['phone'], phone=string(20, minLength=1)),
        'SmsTestResult': obj(['id', 'state', 'reason', 'detail'], id={'type': 'integer'},
                             state={'enum': ['sent', 'failed']}, reason=string(), detail=string()),
    }
