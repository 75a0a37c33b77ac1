"""Fuzzing every /api/v1 operation with schemathesis, in-process: no input gives a 5xx, answers match the document.

Each (operation, role) is one test on a fresh office (tests/conftest.py `office`) with tickets in every state, so
that generated ids sometimes hit real rows; the roles are admin (allowed everything but the SMS gateway's
webhooks) and kiosk, and the gateway on its webhooks. The run is
repeatable (derandomized, no example database) and bounded (EXAMPLES per generation mode, operation and role).
Positive cases must also answer a documented status with a body that fits the document; negative ones (wrong
types, missing fields, out-of-range values) only must not be a 5xx.

The pytest plugin of schemathesis (`@schema.parametrize()`) is not used: with pytest 9.2 its items all get the
same node id and `schemathesis.pytest.from_fixture` fails ('Function' object has no attribute '_nodeid'), so
the operations are parametrized here and the public `APIOperation.as_strategy()` generates the cases.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from server.api import staff as staff_views
from server.api.openapi import spec
from tests.conftest import bearer

API = '/api/v1'
DOC = spec()
SCHEMA = schemathesis.openapi.from_dict(DOC, config=schemathesis.Config.from_dict({
    'generation': {'deterministic': True, 'database': 'none'}}))
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def documented(op):
    return DOC['paths'][op.path][op.method.lower()]


ROLES = {op.label: documented(op).get('x-roles') for op in OPERATIONS}  # None: open to anyone
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
# Per operation (about 60 of them) and role: enough to reach every branch of the input checks, and CI stays
# well under its 15 minutes.
EXAMPLES = {'admin': {POSITIVE: 15, NEGATIVE: 10}, 'kiosk': {POSITIVE: 6, NEGATIVE: 4}}
FORBIDDEN_EXAMPLES = {POSITIVE: 3, NEGATIVE: 2}  # a kiosk on an operation it may not call: only the 403 path
CHECKS = [not_a_server_error, schemathesis.checks.status_code_conformance,
          schemathesis.checks.response_schema_conformance]
# These health checks judge generation speed and rejection rates: in-process calls through a real SQLite app
# make examples slower than Hypothesis expects, and negative generation filters more than usual.
SUPPRESSED = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


@pytest.fixture
def busy_office(office, client, tokens, monkeypatch):
    """The small office with tickets waiting, called, serving and missed, and a display board."""
    # Staff passwords are hashed with scrypt (~50 ms each): far too slow for hundreds of generated accounts.
    monkeypatch.setattr(staff_views, 'hash_password', lambda password: 'fuzz$' + password)
    desk, counter = bearer(tokens['desk']), bearer(tokens['counter'])
    for service in ('CT', 'CT', 'HT', 'CT', 'HT'):
        assert client.post(API + '/tickets', headers=desk, json={'service': service}).status_code == 201
    for number in (1, 2, 3):
        assert client.post(API + '/counters/%d/call-next' % number, headers=counter).status_code == 200
    assert client.post(API + '/tickets/2/start', headers=counter).status_code == 200
    assert client.post(API + '/tickets/3/no-show', headers=counter).status_code == 200
    assert client.post(API + '/boards', headers=bearer(tokens['admin']), json={
        'name': 'Sảnh', 'services': ['CT']}).status_code == 201
    return office


def fuzz(app, operation, headers, max_examples, mode):
    """Run one operation's generated cases against the app; a failing case raises with its curl command."""
    @settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=SUPPRESSED, phases=[Phase.explicit, Phase.generate, Phase.shrink])
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        response = case.call(app=app, headers=headers)
        checks = CHECKS if mode is POSITIVE else [not_a_server_error]
        case.validate_response(response, checks=checks, headers=headers)  # raises with a curl command

    try:
        run()
    except Unsatisfiable:
        if mode is POSITIVE:
            raise  # an operation with no parameters and no body has nothing to make invalid, nothing else


@pytest.mark.slow
@pytest.mark.parametrize('role', sorted(EXAMPLES))
@pytest.mark.parametrize('operation', OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_fuzz(busy_office, tokens, role, operation):
    allowed = ROLES[operation.label] is None or role in ROLES[operation.label]
    examples = EXAMPLES[role] if allowed else FORBIDDEN_EXAMPLES
    for mode in (POSITIVE, NEGATIVE):
        fuzz(busy_office, operation, bearer(tokens[role]), examples[mode], mode)


GATEWAY_OPERATIONS = [op for op in OPERATIONS if ROLES[op.label] == ['gateway']]


@pytest.mark.slow
@pytest.mark.parametrize('operation', GATEWAY_OPERATIONS, ids=[op.label for op in GATEWAY_OPERATIONS])
def test_fuzz_the_gateway(busy_office, tokens, operation):
    """The SMS webhooks refuse admin and kiosk tokens (above); here their own gateway token is fuzzed."""
    for mode in (POSITIVE, NEGATIVE):
        fuzz(busy_office, operation, bearer(tokens['gateway']), EXAMPLES['admin'][mode], mode)


def id_probes():
    """Every operation with an integer path parameter, and the other places an id is looked up, at 2**64."""
    big = 2 ** 64
    for op in OPERATIONS:
        params = [p for p in documented(op).get('parameters', []) if p['in'] == 'path']
        if any(p['schema'].get('type') == 'integer' for p in params):
            url = op.path[len(API):]
            for p in params:
                url = url.replace('{%s}' % p['name'], str(big))
            body = {'service': 'HT'} if url.endswith('/transfer') else {}
            yield op.method.upper(), op.path[len(API):], url, body
    yield 'GET', '/queue', '/queue?board=%d' % big, None
    yield 'POST', '/tokens', '/tokens', {'role': 'kiosk', 'name': 'Kiosk', 'printer_id': big}


@pytest.mark.parametrize('method, path, url, body', [
    pytest.param(*probe, id='%s %s' % (probe[0], probe[2]))
    for probe in id_probes()])
def test_ids_beyond_64_bits(busy_office, client, tokens, method, path, url, body):
    """An id no row can have is a 404 (or the documented answer), never a 500."""
    response = client.open(API + url, method=method, headers=bearer(tokens['admin']), json=body)
    assert response.status_code < 500, response.get_json()
    assert str(response.status_code) in DOC['paths'][API + path][method.lower()]['responses']
