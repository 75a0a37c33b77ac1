"""Fuzzing every /api/v1 operation with schemathesis, in-process: no input gives a 5xx, answers match the document.

Each (role, operation) is one test on a fresh office (tests/conftest.py `office`) with a few tickets in every
state, so that generated ids sometimes hit real rows. The run is repeatable (derandomized, no example database)
and bounded (MAX_EXAMPLES per generation mode and operation).

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

from server.openapi import spec
from tests.conftest import bearer

SCHEMA = schemathesis.openapi.from_dict(spec(), config=schemathesis.Config.from_dict({
    'generation': {'deterministic': True, 'database': 'none'}}))
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
NOT_YET = {op.label for op in OPERATIONS if 'appointments' in (op.tags or [])}  # answer 501 for now
MAX_EXAMPLES = {'admin': 25, 'kiosk': 10}
CHECKS = [not_a_server_error, schemathesis.checks.status_code_conformance,
          schemathesis.checks.response_schema_conformance]
# These health checks judge generation speed and rejection rates: in-process calls through a real SQLite app
# make examples slower than Hypothesis expects, and negative generation filters more than usual.
SUPPRESSED = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


@pytest.fixture
def busy_office(office, client, tokens):
    """The small office with tickets waiting, called, serving and missed, and a display board."""
    desk, counter = bearer(tokens['desk']), bearer(tokens['counter'])
    for service in ('CT', 'CT', 'HT', 'CT', 'HT'):
        assert client.post('/api/v1/tickets', headers=desk, json={'service': service}).status_code == 201
    for number in (1, 2, 3):
        assert client.post('/api/v1/counters/%d/call-next' % number, headers=counter).status_code == 200
    assert client.post('/api/v1/tickets/2/start', headers=counter).status_code == 200
    assert client.post('/api/v1/tickets/3/no-show', headers=counter).status_code == 200
    assert client.post('/api/v1/boards', headers=bearer(tokens['admin']), json={
        'name': 'Sảnh', 'services': ['CT']}).status_code == 201
    return office


def fuzz(app, operation, headers, max_examples, mode):
    """Run one operation's generated cases against the app; a failing case raises with its curl command."""
    try:
        strategy = operation.as_strategy(generation_mode=mode)
    except Unsatisfiable:  # nothing can be made invalid (no parameters and no body)
        return

    @settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=SUPPRESSED, phases=[Phase.explicit, Phase.generate, Phase.shrink])
    @given(case=strategy)
    def run(case):
        response = case.call(app=app, headers=headers)
        if response.status_code == 501 and operation.label in NOT_YET:
            assert response.json()['error']['code'] == 'not_implemented'
            return
        checks = CHECKS if mode is GenerationMode.POSITIVE else [not_a_server_error]
        case.validate_response(response, checks=checks, headers=headers)  # raises with a curl command

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise


@pytest.mark.slow
@pytest.mark.parametrize('role', sorted(MAX_EXAMPLES))
@pytest.mark.parametrize('operation', OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_fuzz(busy_office, tokens, role, operation):
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        fuzz(busy_office, operation, bearer(tokens[role]), MAX_EXAMPLES[role], mode)
