"""The office PC's window (`run.py desktop`) under a real X server, its autostart entry, and GET /overview."""
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from server.desktop.autostart import RUN_KEY, VALUE_NAME, Autostart, launch_command, linux_file
from server.desktop.instance import send
from server.extensions import socketio
from tests.conftest import ROOT, bearer, free_port, make_token, need
from tests.helpers import call_next, issue, wait_for

SHOTS = os.environ.get('LUOT_DESKTOP_SHOTS')    # a folder to keep the window's screenshots in


def tk_missing():
    return importlib.util.find_spec('tkinter') is None


@pytest.fixture(scope='module')
def xserver(tmp_path_factory):
    """Debian's Xvfb on a free display number, ready when a client's connection is accepted."""
    need(shutil.which('Xvfb') is not None, 'Xvfb is not installed (apt-get install xvfb)')
    need(not tk_missing(), 'tkinter is not installed (apt-get install python3-tk)')
    log_path = tmp_path_factory.mktemp('xvfb') / 'xvfb.log'
    first = 40 + int(os.environ.get('LUOT_TEST_PORT_BASE', '20000')) % 50     # two test runs, two ranges
    for number in range(first, first + 50):
        if os.path.exists('/tmp/.X%d-lock' % number) or os.path.exists('/tmp/.X11-unix/X%d' % number):
            continue
        with open(log_path, 'ab') as log:
            process = subprocess.Popen(['Xvfb', ':%d' % number, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'],
                                       stdout=log, stderr=log)
        if wait_for(lambda: process.poll() is not None or _accepts(number), 20, step=0.1) and process.poll() is None:
            break
        process.kill()
        process.wait(timeout=10)
    else:
        pytest.fail('Xvfb did not start: ' + log_path.read_text(errors='replace')[-2000:])
    yield ':%d' % number
    process.terminate()
    process.wait(timeout=10)


def _accepts(number):
    """Whether the X server of display :number accepts a connection on its socket."""
    import socket
    with socket.socket(socket.AF_UNIX) as client:
        try:
            client.connect('/tmp/.X11-unix/X%d' % number)
        except OSError:
            return False
    return True


class Desktop:
    """`run.py desktop` in a child process, driven through its control socket as the buttons drive it."""

    def __init__(self, display, tmp_path, home=None):
        self.data_dir, self.port = tmp_path / 'office', free_port()
        self.env = dict(os.environ, DISPLAY=display, HOME=str(home or tmp_path / 'home'))
        self.env.pop('XDG_CONFIG_HOME', None)
        self.url = 'http://127.0.0.1:%d' % self.port

    def launch(self):
        """A new `run.py desktop`; its output goes to a file beside the office (shown when a wait fails)."""
        arguments = [sys.executable, str(ROOT / 'run.py'), 'desktop', '--host', '127.0.0.1', '--port', str(self.port),
                     '--data-dir', str(self.data_dir)]
        with open(self.data_dir.parent / 'window.log', 'ab') as output:
            return subprocess.Popen(arguments, cwd=str(ROOT), env=self.env, stdout=output, stderr=subprocess.STDOUT)

    def command(self, name):
        answer = send(self.data_dir, name)
        assert answer is not None and answer['ok'], 'the window did not answer %r' % name
        return answer

    def wait_state(self, state, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answer = send(self.data_dir, 'status')
            if answer is not None and answer['state'] == state:
                return answer
            time.sleep(0.2)
        raise AssertionError('the window never showed %s: %s\n%s' % (state, send(self.data_dir, 'status'),
                                                                    self.server_log()))

    def server_log(self):
        """The ends of the window's and the server's logs."""
        paths = (self.data_dir.parent / 'window.log', self.data_dir / 'desktop-server.log')
        return '\n'.join(p.read_text(errors='replace')[-3000:] for p in paths if p.exists())

    def answers(self):
        try:
            with urllib.request.urlopen(self.url + '/api/v1/openapi.json', timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    def serving_processes(self):
        """Processes whose command line names this office's folder (window, server and its worker)."""
        found = []
        for entry in Path('/proc').iterdir():
            if entry.name.isdigit():
                try:
                    line = (entry / 'cmdline').read_bytes().replace(b'\0', b' ').decode(errors='replace')
                except OSError:
                    continue
                if str(self.data_dir) in line and 'desktop' not in line.split('--data-dir')[0]:
                    found.append(int(entry.name))
        return found


@pytest.fixture
def desktop(xserver, tmp_path):
    made = Desktop(xserver, tmp_path)
    windows = []

    def launch():
        windows.append(made.launch())
        return windows[-1]
    made.start = launch
    yield made
    for window in windows:
        if window.poll() is None:
            window.send_signal(signal.SIGTERM)
            try:
                window.wait(timeout=30)
            except subprocess.TimeoutExpired:
                window.kill()


def screenshot(display, name, tmp_path):
    """The whole screen as a PNG (Pillow reads the X server); kept in LUOT_DESKTOP_SHOTS when set."""
    from PIL import ImageGrab
    image = ImageGrab.grab(xdisplay=display)
    path = Path(SHOTS or tmp_path) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return image


def window_names(display):
    """The names of the X server's windows (xwininfo), when xwininfo is installed."""
    if shutil.which('xwininfo') is None:
        return None
    out = subprocess.run(['xwininfo', '-root', '-tree'], env=dict(os.environ, DISPLAY=display), capture_output=True,
                         text=True, timeout=10)
    return out.stdout


@pytest.mark.slow
def test_the_window_serves_shows_its_state_and_stops_on_sigterm(desktop, xserver, tmp_path):
    window = desktop.start()
    shown = desktop.wait_state('running')
    assert desktop.answers()
    assert shown['addresses'] == [desktop.url]
    assert shown['state_text'] == '● Đang phục vụ' and shown['visible'] and shown['title'] == 'Lượt: máy chủ một cửa'
    names = window_names(xserver)
    if names is not None:
        assert 'Luot' in names     # the window's class, as the X server lists it
    # The overview comes with the window's own token: today's counts are shown as figures.
    shown = wait_for(lambda: (lambda s: s if s['today'][0] == '0' else None)(desktop.command('status')), 30, step=0.3)
    assert 'Màn hình: 0/0' in shown['devices'] and shown['sms'] == 'chưa cài đặt (chỉ ghi nhật ký)'
    assert (desktop.data_dir / 'desktop-token').stat().st_mode & 0o077 == 0
    image = screenshot(xserver, 'desktop-running.png', tmp_path)
    assert image.getpixel((30, 38))[1] > 100     # the green dot of "running", where the state is drawn
    server_pid = shown['server_pid']

    assert desktop.command('stop')['state'] in ('stopping', 'stopped')
    desktop.wait_state('stopped')
    assert not desktop.answers()
    assert desktop.command('status')['state_text'] == '● Đã dừng'
    desktop.command('start')
    restarted = desktop.wait_state('running')
    assert desktop.answers() and restarted['server_pid'] != server_pid

    desktop.command('hide')
    assert desktop.command('status')['visible'] is False
    second = subprocess.run([sys.executable, str(ROOT / 'run.py'), 'desktop', '--host', '127.0.0.1', '--port',
                             str(desktop.port), '--data-dir', str(desktop.data_dir)], cwd=str(ROOT), env=desktop.env,
                            capture_output=True, text=True, timeout=60)
    assert second.returncode == 0 and 'đã đưa cửa sổ lên trước' in second.stdout
    after = desktop.command('status')
    assert after['visible'] is True and after['server_pid'] == restarted['server_pid']
    assert len([p for p in desktop.serving_processes() if p != window.pid]) <= 2   # one server (and its worker)

    window.send_signal(signal.SIGTERM)
    assert window.wait(timeout=40) == 0
    assert not desktop.answers()
    assert wait_for(lambda: not desktop.serving_processes(), 10, step=0.2), 'a server process outlived its window'
    assert not (desktop.data_dir / 'desktop-control.json').exists()


@pytest.mark.slow
def test_the_close_dialog_and_the_autostart_checkbox(desktop, xserver, tmp_path):
    window = desktop.start()
    desktop.wait_state('running')
    entry = tmp_path / 'home' / '.config' / 'autostart' / 'luot.desktop'
    assert desktop.command('autostart-on')['autostart'] is True
    text = entry.read_text(encoding='utf-8')
    assert 'Exec=' in text and '"--data-dir" "%s"' % desktop.data_dir in text and '"%d"' % desktop.port in text
    assert desktop.command('autostart-off')['autostart'] is False and not entry.exists()
    desktop.command('close')
    time.sleep(1)
    screenshot(xserver, 'desktop-close-dialog.png', tmp_path)
    names = window_names(xserver)
    if names is not None:
        assert 'Đóng cửa sổ' in names or 'Luot' in names
    desktop.command('quit')   # with the dialog open: the way out is never held
    assert window.wait(timeout=40) == 0
    assert not desktop.answers()


@pytest.mark.slow
def test_the_close_dialog_answers(xserver, monkeypatch):
    """The dialog's three buttons: stop serving, keep serving in the background, cancel."""
    monkeypatch.setenv('DISPLAY', xserver)
    import tkinter as tk

    from server.desktop.dialogs import ask_on_close
    from server.desktop.texts import Words
    root = tk.Tk()
    try:
        for label, expected in (('Dừng phục vụ', 'stop'), ('Vẫn phục vụ (chạy nền)', 'keep'), ('Hủy', None)):
            root.after(300, lambda label=label: _press(root, label))
            assert ask_on_close(root, Words()) == expected
    finally:
        root.destroy()


def _press(root, label):
    for dialog in root.winfo_children():
        for widget in _descendants(dialog):
            if widget.winfo_class() == 'TButton' and widget.cget('text') == label:
                widget.invoke()
                return


def _descendants(widget):
    for child in widget.winfo_children():
        yield child
        yield from _descendants(child)


def test_the_linux_autostart_entry_follows_xdg_config_home(tmp_path):
    command = launch_command(5000, tmp_path / 'office')
    home = Autostart('linux', environ={'HOME': str(tmp_path / 'home')})
    assert not home.enabled()
    home.enable(command)
    assert (tmp_path / 'home' / '.config' / 'autostart' / 'luot.desktop').exists() and home.enabled()
    home.disable()
    assert not home.enabled()
    home.disable()      # twice is fine
    xdg = {'HOME': str(tmp_path / 'home'), 'XDG_CONFIG_HOME': str(tmp_path / 'xdg')}
    Autostart('linux', environ=xdg).enable(command)
    assert linux_file(xdg) == tmp_path / 'xdg' / 'autostart' / 'luot.desktop' and linux_file(xdg).exists()


class FakeRegistry:
    """winreg's calls that the Run key needs, over a dict (the real module exists only on Windows)."""
    HKEY_CURRENT_USER, KEY_SET_VALUE, REG_SZ = 'HKCU', 0x2, 1

    def __init__(self):
        self.keys = {}

    class Key:
        def __init__(self, values):
            self.values = values

        def __enter__(self):
            return self

        def __exit__(self, *_exc):
            return False

    def OpenKey(self, root, path, reserved=0, access=0):
        if (root, path) not in self.keys:
            raise FileNotFoundError(path)
        return self.Key(self.keys[(root, path)])

    def CreateKey(self, root, path):
        return self.Key(self.keys.setdefault((root, path), {}))

    def SetValueEx(self, key, name, reserved, kind, value):
        key.values[name] = (value, kind)

    def QueryValueEx(self, key, name):
        if name not in key.values:
            raise FileNotFoundError(name)
        return key.values[name]

    def DeleteValue(self, key, name):
        if name not in key.values:
            raise FileNotFoundError(name)
        del key.values[name]


def test_the_windows_run_key(tmp_path):
    registry = FakeRegistry()
    entry = Autostart('windows', registry=registry)
    assert not entry.enabled()
    entry.disable()     # nothing to remove: no error
    entry.enable([r'C:\Program Files\Luot\luot.exe', 'desktop', '--data-dir', r'C:\Users\Một cửa\Luot'])
    value, kind = registry.keys[('HKCU', RUN_KEY)][VALUE_NAME]
    assert kind == registry.REG_SZ and entry.enabled()
    assert value == r'"C:\Program Files\Luot\luot.exe" desktop --data-dir "C:\Users\Một cửa\Luot"'
    entry.disable()
    assert not entry.enabled() and VALUE_NAME not in registry.keys[('HKCU', RUN_KEY)]


def test_a_second_launch_without_a_window_to_answer_is_refused(tmp_path):
    """The lock is held but nobody answers on the control socket: the second launch says so and serves nothing."""
    from server.desktop.instance import Instance
    holder = Instance(tmp_path / 'office')
    assert holder.acquire()
    try:
        out = subprocess.run([sys.executable, str(ROOT / 'run.py'), 'desktop', '--port', str(free_port()),
                              '--data-dir', str(tmp_path / 'office')], cwd=str(ROOT), capture_output=True,
                             text=True, timeout=60, env=dict(os.environ, DISPLAY=''))
    finally:
        holder.release()
    assert out.returncode == 2 and 'một chương trình khác đang giữ' in out.stderr
    assert not (tmp_path / 'office' / 'luot.db').exists()


@pytest.mark.slow
def test_the_windows_way_of_stopping_the_server_finishes_cleanly(tmp_path, monkeypatch):
    """On Windows the window closes its child's stdin (it cannot send Ctrl+Break to a console it does not share):
    the server (Werkzeug, as there) stops as Ctrl+C stops it, and is not killed."""
    from server.desktop.server_process import ServerProcess
    monkeypatch.setenv('LUOT_SERVER', 'werkzeug')
    server = ServerProcess('127.0.0.1', free_port(), tmp_path / 'office', stop_by_eof=True)
    (tmp_path / 'office').mkdir()
    server.start()
    try:
        assert wait_for(lambda: server.poll() or server.state() == 'running', 60, step=0.3), server.last_words(20)
        server.stop(timeout=20)
    finally:
        if server.process.poll() is None:
            server.process.kill()
    assert server.process.returncode == 0 and server.state() == 'stopped'
    assert server.overview is not None and server.overview['today']['issued'] == 0   # read with its own token


def test_overview_shows_the_office_without_personal_data(app, client, office, tokens):
    issue(client, tokens['kiosk'], name='Nguyễn Văn An', phone='0905123456', print=False)
    issue(client, tokens['kiosk'], print=False)
    call_next(client, tokens['counter'], 1)
    board = socketio.test_client(app, namespace='/display', auth={'token': make_token('display', 'TV sảnh')})
    try:
        answer = client.get('/api/v1/overview', headers=bearer(tokens['admin']))
        assert answer.status_code == 200
        body = answer.get_json()
        assert body['today'] == {'issued': 2, 'waiting': 1, 'serving': 1, 'served': 0, 'no_show': 0}
        assert {'name': 'TV sảnh', 'role': 'display', 'connected': True} in body['devices']
        assert body['sms']['scheme'] == 'log' and body['printers'] == []
        text = json.dumps(body, ensure_ascii=False)
        assert 'Nguyễn' not in text and '0905123456' not in text
    finally:
        board.disconnect(namespace='/display')
    assert client.get('/api/v1/overview', headers=bearer(tokens['kiosk'])).status_code == 403
    assert client.get('/api/v1/overview').status_code == 401


@pytest.mark.slow
@pytest.mark.timeout(1800)   # PyInstaller's analysis of every library: about 5 minutes on two shared cores
def test_the_package_builds_from_its_spec_and_serves(tmp_path):
    """PyInstaller's one-folder program from server/desktop/luot.spec (Linux here, Windows the same way): it
    knows its version, serves the pages (templates and static files inside) and answers its OpenAPI document."""
    need(importlib.util.find_spec('PyInstaller') is not None, 'PyInstaller is not installed (pip install -e .[test])')
    started = time.monotonic()
    subprocess.run([sys.executable, '-m', 'server.desktop.package', '--dist', str(tmp_path / 'dist'), '--work',
                    str(tmp_path / 'work')], cwd=str(ROOT), check=True, timeout=1200, capture_output=True)
    sys.stderr.write('package built in %.0f s\n' % (time.monotonic() - started))
    folder = tmp_path / 'dist' / 'luot'
    version = subprocess.run([str(folder / 'luot-cli'), '--version'], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.strip().startswith('Lượt 0.'), version
    port, office = free_port(), str(tmp_path / 'office')
    # No system espeak-ng on the PATH (a Windows PC has none): the voice must come from inside the package.
    env = dict(os.environ, PATH=str(folder))
    token = subprocess.run([str(folder / 'luot-cli'), 'token', 'create', '--role', 'display', '--name', 'TV',
                            '--data-dir', office], capture_output=True, text=True, timeout=120, env=env, check=True)
    with open(tmp_path / 'packaged.log', 'wb') as log:
        server = subprocess.Popen([str(folder / 'luot'), '--host', '127.0.0.1', '--port', str(port), '--data-dir',
                                   office], stdout=log, stderr=log, cwd=str(tmp_path), env=env)
    try:
        url = 'http://127.0.0.1:%d' % port

        def answers(path):
            try:
                with urllib.request.urlopen(url + path, timeout=2) as answer:
                    return answer.status == 200 and answer.read()
            except OSError:
                return False
        assert wait_for(lambda: answers('/api/v1/openapi.json'), 90, step=0.5), (tmp_path / 'packaged.log').read_text()
        assert b'/overview' in answers('/api/v1/openapi.json')
        assert 'Lượt'.encode() in answers('/') and answers('/display')
        spoken = urllib.request.Request(url + '/display/speech.wav?text=M%E1%BB%9Di%20s%E1%BB%91%20A025',
                                        headers={'Authorization': 'Bearer ' + token.stdout.strip()})
        with urllib.request.urlopen(spoken, timeout=60) as answer:
            assert answer.status == 200 and answer.read(4) == b'RIFF'
        time.sleep(2)   # the start-up jobs (the calendar's holidays by name) have run
        assert 'Traceback' not in (tmp_path / 'packaged.log').read_text(errors='replace')
    finally:
        server.terminate()
        assert server.wait(timeout=30) == 0
