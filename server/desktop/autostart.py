""""Khởi động cùng máy tính": an autostart entry for the window, added or removed by its checkbox.

Linux (freedesktop desktops): $XDG_CONFIG_HOME/autostart/luot.desktop (~/.config by default).
Windows: a value "Luot" under HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run, for the clerk's account
only (no administrator rights needed). The command names the data folder and port, so the window that starts
with the computer serves the same office.
"""
import os
import subprocess
import sys
from pathlib import Path

RUN_KEY = r'Software\Microsoft\Windows\CurrentVersion\Run'
VALUE_NAME = 'Luot'
DESKTOP_FILE = 'luot.desktop'


def launch_command(port, data_dir, host=None):
    """The command that opens this window again: the packaged executable, or this Python with the window
    (pythonw on Windows, so that no console opens)."""
    from server.desktop.server_process import command_line
    options = ['--port', str(port), '--data-dir', str(Path(data_dir).resolve())] + (['--host', host] if host else [])
    quiet = Path(sys.executable).with_name('pythonw.exe')
    python = str(quiet) if os.name == 'nt' and quiet.exists() else sys.executable
    return command_line('desktop', *options, python=python)


def linux_file(environ=None):
    """Where the freedesktop autostart entry goes."""
    environ = os.environ if environ is None else environ
    config = environ.get('XDG_CONFIG_HOME') or os.path.join(environ.get('HOME') or os.path.expanduser('~'), '.config')
    return Path(config) / 'autostart' / DESKTOP_FILE


def _desktop_entry(command):
    # The Exec key's own quoting: every argument in double quotes, with \ " ` $ escaped.
    def quoted(argument):
        return '"%s"' % ''.join('\\' + c if c in '\\"`$' else c for c in argument).replace('%', '%%')
    return ('[Desktop Entry]\nType=Application\nName=Lượt\nName[vi]=Lượt\n'
            'Comment=Máy chủ hàng đợi một cửa / one-stop desk queue server\n'
            'Exec=%s\nTerminal=false\nX-GNOME-Autostart-enabled=true\n' % ' '.join(quoted(a) for a in command))


class Autostart:
    """The entry of this platform; `registry` stands in for winreg (the tests pass a fake one)."""

    def __init__(self, platform=None, environ=None, registry=None):
        self.platform = platform or ('windows' if os.name == 'nt' else 'linux')
        self.environ = environ
        self.registry = registry

    def _winreg(self):
        if self.registry is None:
            import winreg
            self.registry = winreg
        return self.registry

    def enabled(self):
        """Whether the window starts with the computer."""
        if self.platform == 'linux':
            return linux_file(self.environ).exists()
        registry = self._winreg()
        try:
            with registry.OpenKey(registry.HKEY_CURRENT_USER, RUN_KEY) as key:
                registry.QueryValueEx(key, VALUE_NAME)
            return True
        except OSError:
            return False

    def enable(self, command):
        """Start the window with the computer, with this command."""
        if self.platform == 'linux':
            path = linux_file(self.environ)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_desktop_entry(command), encoding='utf-8')
            return
        registry = self._winreg()
        with registry.CreateKey(registry.HKEY_CURRENT_USER, RUN_KEY) as key:
            registry.SetValueEx(key, VALUE_NAME, 0, registry.REG_SZ, subprocess.list2cmdline(command))

    def disable(self):
        """Do not start with the computer any more (nothing to do when it did not)."""
        if self.platform == 'linux':
            linux_file(self.environ).unlink(missing_ok=True)
            return
        registry = self._winreg()
        try:
            with registry.OpenKey(registry.HKEY_CURRENT_USER, RUN_KEY, 0, registry.KEY_SET_VALUE) as key:
                registry.DeleteValue(key, VALUE_NAME)
        except FileNotFoundError:
            pass
