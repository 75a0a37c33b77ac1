"""The data folder, the secret key and the SQLite files are readable by the server's account only."""
import os
import stat
from pathlib import Path

import pytest

from server import create_app
from server.extensions import db
from tests.conftest import make_service

pytestmark = pytest.mark.skipif(os.name != 'posix', reason='POSIX modes; Windows keeps the folder ACLs')


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    """The usual umask of a desktop session (022): files would be world-readable unless created otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def app_config(tmp_path, open_umask):
    return {'DATA_DIR': str(tmp_path / 'office' / 'data'), 'SCHEDULER': False, 'PRINTING': False, 'TESTING': True}


def test_a_new_office_is_created_owner_only(app, app_config):
    data = Path(app_config['DATA_DIR'])
    with db.connection_context():
        make_service('CT', 'Chứng thực', 'A')
        files = {name: data / name for name in ('secret_key', 'luot.db', 'luot.db-wal', 'luot.db-shm')}
        assert all(path.exists() for path in files.values()), sorted(os.listdir(data))
        assert {name: oct(mode(path)) for name, path in files.items()} == {name: '0o600' for name in files}
    assert oct(mode(data)) == '0o700'


def test_files_left_readable_by_an_older_version_are_tightened(app, app_config):
    data = Path(app_config['DATA_DIR'])
    db.obj.close_all()
    for name in ('secret_key', 'luot.db'):
        os.chmod(data / name, 0o644)
    key = (data / 'secret_key').read_text()
    again = create_app(app_config)
    assert again.config['SECRET_KEY'] == key
    assert oct(mode(data / 'secret_key')) == '0o600' and oct(mode(data / 'luot.db')) == '0o600'


def test_an_existing_folder_chosen_by_the_office_keeps_its_mode(tmp_path, app_config):
    shared = tmp_path / 'shared'
    shared.mkdir(mode=0o750)
    app_config['DATA_DIR'] = str(shared)
    create_app(app_config)
    try:
        assert oct(mode(shared)) == '0o750' and oct(mode(shared / 'secret_key')) == '0o600'
    finally:
        db.obj.close_all()
