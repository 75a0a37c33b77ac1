"""A bad LUOT_PRINTER is a clear error state: the server starts, tickets are issued, nothing is a 500."""
from server.extensions import db
from server.models import PrintJob
from tests.conftest import bearer


def test_bad_default_printer_uri_is_reported_not_fatal(tmp_path, monkeypatch):
    from server import create_app
    from tests.conftest import make_counter, make_service, make_token
    monkeypatch.setenv('LUOT_PRINTER', 'foo://bar')
    app = create_app({'DATA_DIR': str(tmp_path / 'data'), 'SCHEDULER': False, 'TESTING': True})
    try:
        make_service('CT', 'Chứng thực', 'A')
        make_counter(1, ['CT'])
        kiosk, desk = make_token('kiosk'), make_token('desk')
        client = app.test_client()
        response = client.post('/api/v1/tickets', json={'service': 'CT'}, headers=bearer(kiosk))
        assert response.status_code == 201
        printing = response.get_json()['printing']
        assert printing['queued'] is False and printing['status'] == 'error'
        assert 'foo://bar' in printing['detail'] and 'không hợp lệ' in printing['detail']
        reprint = client.post('/api/v1/tickets/%d/reprint' % response.get_json()['id'], headers=bearer(desk))
        assert reprint.status_code == 409 and reprint.get_json()['error']['code'] == 'invalid_printer_uri'
        with db.connection_context():
            assert PrintJob.select().count() == 0
    finally:
        app.extensions['luot'].stop()
