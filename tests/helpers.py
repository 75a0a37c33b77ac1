"""Plain helpers shared by the tests that drive a live server (tests/conftest.py starts it)."""
import json
import time
import urllib.request


def api(server, method, path, token, body=None):
    """Call the JSON API of a live server with a bearer token; the decoded answer."""
    request = urllib.request.Request(
        server.url + '/api/v1' + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def wait_for(condition, timeout=10.0, step=0.02):
    """Poll `condition` until it is true or `timeout` seconds passed; its last value."""
    deadline = time.monotonic() + timeout
    value = condition()
    while not value and time.monotonic() < deadline:
        time.sleep(step)
        value = condition()
    return value
