"""The OpenAPI description of files (hồ sơ): received, ready, handed over, and their public status."""
from server.api.openapi_schemas import PHONE, TIME, nullable, obj, ref, string
from server.labels import HANDOVER_REASON
from server.models import DOSSIER_STATUSES

DAY = string(10, format='date', description='YYYY-MM-DD')
CODE = string(32, description='The code on the file\'s receipt, e.g. "000.00.20.H57-231205-0001".')
PICKUP_CODE = string(6, pattern=r'^\d{6}$', description='The six digits the "result ready" SMS carries.')


def schemas():
    """A file as staff see it, the bodies that change one, and its public status."""
    dossier = dict(code=CODE, name=string(100), phone=nullable(string(16)), service=nullable(string(16)),
                   status={'enum': list(DOSSIER_STATUSES)}, ready_at=nullable(TIME), pickup_by=nullable(DAY),
                   overdue={'type': 'boolean', 'description': 'Ready and past its pickup deadline.'},
                   collected_at=nullable(TIME), received_at=nullable(TIME),
                   due_on=nullable({**DAY, 'description': 'The promised result date (giấy hẹn), when received.'}),
                   late={'type': 'boolean', 'description': 'Still processing after its promised date.'})
    return {
        'Dossier': obj(list(dossier), **dossier),
        'DossierMadeReady': obj(list(dossier), **dossier, pickup_code={
            **PICKUP_CODE, 'description': 'Only when the file has no phone (no SMS carries the code): shown to '
                                          'staff this once, for the citizen; never listed again.'}),
        'NewDossier': obj(['code', 'name'], code=string(32, minLength=1), name=string(100, minLength=1),
                          phone=nullable(string(16, pattern=PHONE)), service=nullable(string(16)),
                          status={'enum': ['ready', 'processing'], 'default': 'ready',
                                  'description': 'ready: the result is ready now (SMS with the pickup code); '
                                                 'processing: the desk takes the file in (due_on required).'},
                          due_on=string(10, description='The promised result date, YYYY-MM-DD or dd/mm/yyyy '
                                                        '(from today to a year ahead); with status processing.')),
        'Handover': {'oneOf': [
            obj(['pickup_code'], pickup_code=PICKUP_CODE),
            obj(['checked_id', 'reason'], checked_id={'const': True, 'description': 'Staff checked the citizen\'s '
                                                      'CCCD (Đối chiếu CCCD) instead of a pickup code.'},
                reason={'enum': list(HANDOVER_REASON), 'description': 'Why there is no pickup code; audited.'})]},
        'DossierStatus': obj(
            ['code', 'service', 'status', 'ready_at', 'pickup_by'], code=CODE, service=nullable(string(16)),
            service_name=nullable(string(100)), status={'enum': list(DOSSIER_STATUSES)}, status_label=string(),
            due_on=nullable(DAY), ready_at=nullable(TIME), pickup_by=nullable(DAY), overdue={'type': 'boolean'},
            collected_at=nullable(TIME), message=string(description='The status in one sentence for the citizen.')),
    }


def error_answer(text):
    return {'description': text, 'content': {'application/json': {'schema': {'$ref': '#/components/schemas/Error'}}}}


def status_operation():
    """GET /dossiers/{code}/status: no token, paced per address."""
    errors = {'404': 'No file has this code (unknown_dossier).',
              '429': 'Too many look-ups from this address in a minute (too_many_requests): wait.'}
    return {'summary': 'A file\'s status for anyone holding its code (no token needed)', 'tags': ['appointments'],
            'security': [], 'parameters': [{
                'name': 'code', 'in': 'path', 'required': True, 'schema': string(48),
                'description': 'The receipt\'s code; case, spaces, dots, dashes and slashes do not matter.'}],
            'description': 'No name, phone or pickup code. About 30 look-ups a minute per address.',
            'responses': {'200': {'description': 'The status', 'content': {
                'application/json': {'schema': ref('DossierStatus')}}},
                **{status: error_answer(text) for status, text in errors.items()}}}


def paths(op, path_param, query, array):
    """The desk's operations and the public status."""
    code = path_param('code', string(32), 'The file code (case, spaces, dots and dashes do not matter).')
    statuses = ['processing', 'ready', 'overdue', 'collected']
    collected = op('Hand the result over', ('desk', 'counter'), ref('Dossier'), 'Handover', errors=(404, 409),
                   tag='queue', params=[code], description=(
                       'A file made ready with a pickup code needs it (400 pickup_code_required, invalid_pickup_code, '
                       'wrong_pickup_code: nothing changes), or {"checked_id": true, "reason"} after staff checked '
                       'the CCCD (audited as Đối chiếu CCCD). After 5 wrong codes for a file (10 by one staff '
                       'member), each try waits, 5 s doubling: 429 too_many_attempts. A file made ready before '
                       'pickup codes needs no body. 409 not_ready, invalid_state.'))
    collected['requestBody']['required'] = False
    collected['responses']['429'] = error_answer('Too many wrong pickup codes: wait (too_many_attempts).')
    return {
        '/dossiers': {'get': op('Files received and results to collect', ('desk', 'counter'), array('Dossier'),
                                errors=(400,), tag='queue', params=[query('status', {'enum': statuses}, 'Only these.')]),
                      'post': op('A result is ready (SMS with the pickup code), or a file is received',
                                 ('desk', 'counter'), ref('DossierMadeReady'), 'NewDossier', 201, (404, 409), 'queue',
                                 description='409 duplicate_dossier (also for a code that differs only in case or '
                                             'punctuation), dossier_processing (received: use /ready).')},
        '/dossiers/{code}/ready': {'post': op('A received file\'s result is ready: SMS with the pickup code',
                                              ('desk', 'counter'), ref('DossierMadeReady'), errors=(404, 409),
                                              tag='queue', params=[code])},
        '/dossiers/{code}/collected': {'post': collected},
        '/dossiers/{code}/status': {'get': status_operation()},
    }
