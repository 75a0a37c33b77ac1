"""More requests in flight than the database pool has connections: the extra ones wait for a free
connection instead of failing, and past the wait the caller gets a clear 503, never a 500."""
import threading

import pytest

from server import create_app, database
from server.extensions import db
from tests.conftest import bearer, make_token


@pytest.fixture
def small_pool(monkeypatch, app_config):
    monkeypatch.setattr(database, 'POOL_SIZE', 2)
    monkeypatch.setattr(database, 'POOL_WAIT_SECONDS', 1)
    app = create_app(app_config)
    yield app
    db.obj.close_all()


def hold_connections(count, release):
    """`count` threads that each take a pooled connection and keep it until `release` is set."""
    taken = threading.Barrier(count + 1)

    def hold():
        db.connect()
        taken.wait()
        release.wait(10)
        db.close()
    threads = [threading.Thread(target=hold) for _ in range(count)]
    for thread in threads:
        thread.start()
    taken.wait()
    return threads


def test_a_request_waits_for_a_free_connection(small_pool):
    with db.connection_context():
        token = make_token('admin')
    release = threading.Event()
    threads = hold_connections(2, release)
    threading.Timer(0.3, release.set).start()   # one comes free while the request waits
    response = small_pool.test_client().get('/api/v1/services', headers=bearer(token))
    for thread in threads:
        thread.join(5)
    assert response.status_code == 200


def test_past_the_wait_the_answer_is_a_clear_503(small_pool):
    with db.connection_context():
        token = make_token('admin')
    release = threading.Event()
    threads = hold_connections(2, release)
    try:
        response = small_pool.test_client().get('/api/v1/services', headers=bearer(token))
    finally:
        release.set()
        for thread in threads:
            thread.join(5)
    assert response.status_code == 503
    assert response.get_json()['error']['code'] == 'server_busy'
    assert 'thử lại' in response.get_json()['error']['message']
