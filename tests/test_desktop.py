"""The office PC's window (`run.py desktop`) under a real X server, its autostart entry, and GET /overview."""
import importlib.util
import json
import os
import select
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
def xserver():
    """Debian's Xvfb on a display number it picks itself (-displayfd), ready when it writes that number."""
    need(shutil.which('Xvfb') is not None, 'Xvfb is not installed (apt-get install xvfb)')
    need(not tk_missing(), 'tkinter is not installed (apt-get install python3-tk)')
    read, write = os.pipe()
    process = subprocess.Popen(['Xvfb', '-displayfd', str(write), '-screen', '0', '1280x800x24', '-nolisten', 'tcp'],
                               pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    ready, _w, _x = select.select([read], [], [], 20)
    number = os.read(read, 16).decode().strip() if ready else ''
    os.close(read)
    assert number.isdigit(), 'Xvfb did not start'
    yield ':' + number
    process.terminate()
    process.wait(timeout=10)


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
