"""No fixed passwords (issue 17, point 4): the demo generates them and prints them once, `run.py staff create`
makes a real office's first admin, and a password someone else chose must be changed at the first login."""
import os
import re
import subprocess
import sys

import pytest

from server import create_app, demo
from server.access import staff_command
from server.auth import check_login
from server.extensions import db
from server.models import Staff
from tests.conftest import ROOT, bearer, make_staff
from tests.helpers import csrf_of, log_in_client


def run_py(*args, password=None, data_dir):
    env = dict(os.environ)
    env.pop('LUOT_PASSWORD', None)
    if password is not None:
        env['LUOT_PASSWORD'] = password
    return subprocess.run([sys.executable, str(ROOT / 'run.py')] + list(args) + ['--data-dir', str(data_dir)],
                          env=env, cwd=str(ROOT), capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


# The demo ---------------------------------------------------------------------------------------

def test_the_demo_generates_passwords_prints_them_once_and_asks_for_a_change(app_config, tmp_path, capsys):
    create_app(dict(app_config, DATA_DIR=str(tmp_path / 'one')))
    with db.connection_context():
        first = demo.load_demo()
        staff = {s.username: s for s in Staff.select()}
    db.obj.close_all()
    passwords = {username: password for username, _role, password in first['staff']}
    assert set(passwords) == {'admin', 'letan', 'quay1', 'quay2', 'tongdai'}
    assert len(set(passwords.values())) == 5 and all(len(p) >= 12 for p in passwords.values())
    assert all(s.must_change_password for s in staff.values())
    assert all(p not in s.password_hash for p, s in zip(passwords.values(), staff.values()))
    demo.print_logins(first)
    printed = capsys.readouterr().out
    assert all(password in printed for password in passwords.values())
    # Started again: the accounts keep their (maybe changed) passwords; nothing is printed for them.
    create_app(dict(app_config, DATA_DIR=str(tmp_path / 'one')))
    with db.connection_context():
        again = demo.load_demo()
        assert check_login('admin', passwords['admin']) is not None
    db.obj.close_all()
    assert [password for _u, _r, password in again['staff']] == [None] * 5
    demo.print_logins(again)
    assert not any(password in capsys.readouterr().out for password in passwords.values())
    # Another demo office has other passwords.
    create_app(dict(app_config, DATA_DIR=str(tmp_path / 'two')))
    with db.connection_context():
        other = demo.load_demo()
    db.obj.close_all()
    assert not set(passwords.values()) & {password for _u, _r, password in other['staff']}


# run.py staff create ----------------------------------------------------------------------------

def test_staff_create_makes_a_real_offices_first_admin(tmp_path):
    made = run_py('staff', 'create', '--username', 'truongbp', '--role', 'admin', password='mat-khau-rieng',
                  data_dir=tmp_path)
    assert made.returncode == 0, made.stderr
    assert 'truongbp' in made.stdout and made.stderr == ''
    app = create_app({'DATA_DIR': str(tmp_path), 'SCHEDULER': False, 'PRINTING': False})
    client = app.test_client()
    # chosen by its owner: no change
    assert log_in_client(client, 'truongbp', 'mat-khau-rieng').headers['Location'] == '/'
    assert client.get('/admin').status_code == 200
    db.obj.close_all()


@pytest.mark.parametrize('args, password, says', [
    (['--username', 'truongbp', '--role', 'admin'], 'ngan', 'ít nhất 8 ký tự / the password must have at least 8'),
    (['--username', 'có dấu', '--role', 'admin'], 'mat-khau-rieng', 'tên đăng nhập gồm 2-50'),
    (['--username', 'may', '--role', 'kiosk'], 'mat-khau-rieng', "argument --role: invalid choice: 'kiosk'"),
])
def test_staff_create_refuses_plainly(tmp_path, args, password, says):
    refused = run_py('staff', 'create', *args, password=password, data_dir=tmp_path)
    assert refused.returncode == 2 and says in refused.stderr and 'Traceback' not in refused.stderr
    assert refused.stdout == ''


def test_staff_create_refuses_an_existing_name(tmp_path):
    assert run_py('staff', 'create', '--username', 'truongbp', '--role', 'admin', password='mat-khau-rieng',
                  data_dir=tmp_path).returncode == 0
    again = run_py('staff', 'create', '--username', 'truongbp', '--role', 'desk', password='mat-khau-khac',
                   data_dir=tmp_path)
    assert again.returncode == 2 and 'đã có tài khoản "truongbp" / the account "truongbp" exists already' in again.stderr


def test_staff_create_asks_twice_at_a_prompt(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv('LUOT_PASSWORD', raising=False)
    typed = iter(['mat-khau-rieng', 'mat-khau-khac'])
    monkeypatch.setattr('getpass.getpass', lambda prompt='': next(typed))
    parser_args = ['staff', 'create', '--username', 'truongbp', '--role', 'admin', '--data-dir', str(tmp_path)]
    from server.cli import _parser
    assert staff_command.create(_parser().parse_args(parser_args)) == 2
    assert 'hai lần nhập mật khẩu không giống nhau / the two passwords differ' in capsys.readouterr().err
    typed = iter(['mat-khau-rieng', 'mat-khau-rieng'])
    assert staff_command.create(_parser().parse_args(parser_args)) == 0
    with db.connection_context():
        staff = Staff.get(Staff.username == 'truongbp')
        assert staff.role == 'admin' and not staff.must_change_password
        assert check_login('truongbp', 'mat-khau-rieng') is not None
    db.obj.close_all()


# A password someone else chose ------------------------------------------------------------------

def test_a_password_an_admin_set_must_be_changed_at_the_first_login(app, client, tokens):
    admin = bearer(tokens['admin'])
    made = client.post('/api/v1/staff', json={'username': 'quay1', 'role': 'counter', 'password': 'mat-khau-tam'},
                       headers=admin).get_json()
    assert made['must_change_password'] is True
    answer = log_in_client(client, 'quay1', 'mat-khau-tam')
    assert answer.status_code == 302 and answer.headers['Location'].startswith('/password')
    # Before the change every page leads there, and the JSON API refuses the session.
    moved = client.get('/counter')
    assert moved.status_code == 302 and moved.headers['Location'] == '/password?next=/counter'
    refused = client.get('/api/v1/queue')
    assert refused.status_code == 403 and refused.get_json()['error']['code'] == 'password_change_required'
    page = client.get('/password?next=/counter').get_data(as_text=True)
    assert 'Mật khẩu của bạn do người khác đặt' in page
    # Bearer tokens are not sessions: they are unaffected.
    assert client.get('/api/v1/queue', headers=bearer(tokens['counter'])).status_code == 200

    def change(current, new, repeat=None):
        return client.post('/password', data={'current': current, 'new': new, 'repeat': repeat or new,
                                              'next': '/counter', 'csrf_token': csrf_of(client)})
    for current, new, repeat, says in (('sai-roi-nhe', 'mat-khau-moi', None, 'Mật khẩu hiện tại không đúng.'),
                                       ('mat-khau-tam', 'ngan', None, 'Mật khẩu phải có ít nhất 8 ký tự.'),
                                       ('mat-khau-tam', 'mat-khau-moi', 'mat-khau-mo', 'không giống nhau'),
                                       ('mat-khau-tam', 'mat-khau-tam', None, 'phải khác mật khẩu hiện tại')):
        wrong = change(current, new, repeat)
        assert wrong.status_code == 400 and says in wrong.get_data(as_text=True), says
    done = change('mat-khau-tam', 'mat-khau-cua-toi')
    assert done.status_code == 302 and done.headers['Location'] == '/counter'
    assert client.get('/counter').status_code == 200 and client.get('/api/v1/queue').status_code == 200
    staff = client.get('/api/v1/staff', headers=admin).get_json()
    assert [s['must_change_password'] for s in staff if s['username'] == 'quay1'] == [False]
    log_in_client(app.test_client(), 'quay1', 'mat-khau-tam', expect=401)
    # The admin resets it: to be changed again. An admin changing their own keeps it, and their session.
    quay1 = [s['id'] for s in staff if s['username'] == 'quay1'][0]
    reset = client.patch('/api/v1/staff/%d' % quay1, json={'password': 'mat-khau-tam-2'}, headers=admin).get_json()
    assert reset['must_change_password'] is True
    me = make_staff('truongbp', 'admin', 'mat-khau-rieng').id
    console = app.test_client()
    log_in_client(console, 'truongbp', 'mat-khau-rieng')
    own = console.patch('/api/v1/staff/%d' % me, json={'password': 'mat-khau-rieng-2'},
                        headers={'X-CSRFToken': csrf_of(console)})
    assert own.status_code == 200 and own.get_json()['must_change_password'] is False
    assert console.get('/admin').status_code == 200


def test_the_console_shows_who_must_change_their_password(client, tokens):
    admin = bearer(tokens['admin'])
    client.post('/api/v1/staff', json={'username': 'quay1', 'role': 'counter', 'password': 'mat-khau-tam'},
                headers=admin)
    make_staff('quay2', 'counter', 'mat-khau-rieng')
    html = client.get('/admin/staff', headers=admin).get_data(as_text=True)
    rows = dict(re.findall(r'<tr data-username="(\w+)">(.*?)</tr>', html, re.S))
    assert 'data-must-change' in rows['quay1'] and 'data-must-change' not in rows['quay2']


# In a browser -----------------------------------------------------------------------------------

@pytest.mark.browser
def test_the_login_page_says_how_long_to_wait_in_a_browser(live_server, page_in):
    from playwright.sync_api import expect
    server = live_server()
    assert run_py('staff', 'create', '--username', 'quay1', '--role', 'counter', password='mat-khau-dung',
                  data_dir=server.data_dir).returncode == 0
    page = page_in(1366, 768)
    page.goto(server.url + '/counter')
    for attempt in range(5):
        page.fill('input[name=username]', 'quay1')
        page.fill('input[name=password]', 'sai-%d' % attempt)
        page.click('form.login button[type=submit]')
        expect(page.locator('.flash.error').first).to_have_text('Sai tên đăng nhập hoặc mật khẩu.')
    expect(page.locator('.flash.error').nth(1)).to_have_text('Đăng nhập sai nhiều lần. Vui lòng thử lại sau 5 giây.')
    # The right password now waits too, and the page says for how long.
    page.fill('input[name=password]', 'mat-khau-dung')
    page.click('form.login button[type=submit]')
    expect(page.locator('.flash.error')).to_have_text(
        re.compile(r'^Đăng nhập sai nhiều lần\. Vui lòng thử lại sau [1-5] giây\.$'))
    assert '/login' in page.url


@pytest.mark.browser
def test_a_demo_login_goes_to_the_password_change_first_in_a_browser(live_server, page_in):
    from playwright.sync_api import expect
    server = live_server(demo=True)
    printed = re.search(r'^ +quay1 +counter +mật khẩu/password: (\S+)$', server.log_text(), re.M).group(1)
    page = page_in(1366, 768)
    page.goto(server.url + '/counter')
    page.fill('input[name=username]', 'quay1')
    page.fill('input[name=password]', printed)
    page.click('form.login button[type=submit]')
    page.wait_for_url(re.compile(r'/password\?next=/counter$'))
    expect(page.locator('#password-forced')).to_contain_text('Hãy đặt mật khẩu của riêng bạn')
    page.goto(server.url + '/desk')   # no other page before the change
    page.wait_for_url(re.compile(r'/password\?next=/desk$'))
    page.goto(server.url + '/password?next=/counter')
    page.fill('input[name=current]', printed)
    page.fill('input[name=new]', 'mat-khau-cua-binh')
    page.fill('input[name=repeat]', 'mat-khau-cua-binh')
    page.click('#change-password button[type=submit]')
    page.wait_for_url(server.url + '/counter')
    expect(page.locator('.flash')).to_have_text('Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.')
