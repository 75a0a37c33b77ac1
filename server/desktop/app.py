"""`run.py desktop` and `luot-desktop`: the office PC's window, which starts the server and shows its state.

One window per data folder (server/desktop/instance.py): a second launch brings the first forward and
exits 0. Closing the window asks whether to stop serving or keep serving in the background; SIGTERM (or
the control socket's "quit") stops the server and the window.
"""
import logging
import os
import queue
import signal
import sys
import threading
from pathlib import Path

from server.desktop.autostart import Autostart, launch_command
from server.desktop.instance import Instance, bring_forward
from server.desktop.server_process import ServerProcess

log = logging.getLogger(__name__)
TICK_MS = 200


def default_data_dir():
    """The packaged program keeps its office in the account's own folder; from source, as run.py does."""
    if getattr(sys, 'frozen', False) and not os.environ.get('LUOT_DATA_DIR'):
        base = os.environ.get('LOCALAPPDATA') or os.path.join(os.path.expanduser('~'), '.local', 'share')
        return os.path.join(base, 'Luot')
    return os.environ.get('LUOT_DATA_DIR') or 'instance'


class Office:
    """What the window and the control socket act on: the server child, its addresses, the autostart entry."""

    def __init__(self, host, port, data_dir, autostart=None):
        self.host, self.port, self.data_dir = host, port, Path(data_dir)
        self.server = ServerProcess(host, port, data_dir)
        self.entry = autostart or Autostart()

    def addresses(self):
        """'http://192.168.1.10:5000' for each address other PCs and phones can reach."""
        from server.host.addresses import lan_addresses
        hosts = lan_addresses() if self.host in ('0.0.0.0', '::', '') else [self.host]
        return ['http://%s:%d' % ('[%s]' % h if ':' in h else h, self.port) for h in hosts]

    def local_url(self):
        return self.server.local_url

    def state(self):
        return self.server.state()

    def overview(self):
        return self.server.overview if self.server.state() == 'running' else None

    def failure(self):
        """Why the server stopped on its own: the end of its log."""
        return self.server.last_words()

    def start(self):
        """Start serving."""
        self.server.start()

    def stop(self):
        """Stop serving, on a thread: the window keeps answering while the server finishes its work."""
        self.server.wanted = False
        threading.Thread(target=self.server.stop, name='desktop-stop', daemon=True).start()

    def autostart_enabled(self):
        try:
            return self.entry.enabled()
        except OSError:
            return False

    def set_autostart(self, wanted):
        """Add or remove the entry that opens this window (same folder and port) when the computer starts."""
        if wanted:
            self.entry.enable(launch_command(self.port, self.data_dir, None if self.host == '0.0.0.0' else self.host))
        else:
            self.entry.disable()


class Controller:
    """The Tk side: runs commands from the control socket and signals on Tk's own thread."""

    def __init__(self, root, office, window):
        self.root, self.office, self.window = root, office, window
        self.commands = queue.Queue()
        self.quitting = threading.Event()
        self.ticks = 0

    def relay(self, command):
        """Called on the socket's thread: hand the command to Tk's thread and wait for its answer."""
        done, answer = threading.Event(), {}
        self.commands.put((command, answer, done))
        done.wait(10)
        return answer

    def run(self, command):
        """One command, on Tk's thread; the buttons call the same Office methods."""
        if command == 'show':
            self.window.show()
        elif command == 'hide':
            self.root.withdraw()
        elif command == 'start':
            self.office.start()
        elif command == 'stop':
            self.office.stop()
        elif command == 'quit':
            self.quitting.set()
        elif command in ('autostart-on', 'autostart-off'):     # as a click on the checkbox
            self.window.autostart.set(command == 'autostart-on')
            self.window.toggle_autostart()
        elif command == 'close':    # as the window's close button (the dialog opens after this answer)
            self.root.after(0, self.close)
        self.window.refresh()
        process = self.office.server.process
        return dict(self.window.shown(), state=self.office.state(),
                    server_pid=process.pid if process is not None and process.poll() is None else None)

    def tick(self):
        """Every 200 ms: pending commands, a quit asked for, and (every other tick) fresh texts."""
        while not self.commands.empty():
            command, answer, done = self.commands.get()
            try:
                answer.update(self.run(command))
            finally:
                done.set()
        if self.quitting.is_set():
            for child in self.root.winfo_children():    # an open close dialog must not hold the way out
                if child.winfo_class() == 'Toplevel':
                    child.destroy()
            self.root.quit()
            return
        self.ticks += 1
        if self.ticks % 2 == 0:
            self.window.refresh()
        self.root.after(TICK_MS, self.tick)

    def close(self):
        """The window's close button: stop serving, keep serving in the background, or nothing."""
        from server.desktop.dialogs import ask_on_close
        choice = ask_on_close(self.root, self.window.words)
        if choice == 'stop':
            self.quitting.set()
        elif choice == 'keep':
            self.root.withdraw()


def run(host='0.0.0.0', port=5000, data_dir=None):
    """Open the window (or bring the open one forward); the exit status."""
    data_dir = Path(data_dir or default_data_dir()).resolve()
    instance = Instance(data_dir)
    if not instance.acquire():
        if bring_forward(data_dir):
            print('Lượt đã mở; đã đưa cửa sổ lên trước / Lượt is already open: its window was brought forward')
            return 0
        print('Lượt: một chương trình khác đang giữ %s / another program holds it' % data_dir, file=sys.stderr)
        return 2
    try:
        return _open(host, port, data_dir, instance)
    finally:
        instance.release()


def _open(host, port, data_dir, instance):
    try:
        import tkinter as tk

        from server.desktop.window import Window
    except ImportError as error:    # a Python built without Tk (Debian: apt-get install python3-tk)
        print('Lượt: thiếu tkinter / tkinter is missing: %s' % error, file=sys.stderr)
        return 2
    try:
        root = tk.Tk(className='Luot')
    except tk.TclError as error:    # no screen (a server without a desktop): say so, do not serve blind
        print('Lượt: không mở được cửa sổ / cannot open the window: %s' % error, file=sys.stderr)
        return 2
    office = Office(host, port, data_dir)
    controller = Controller(root, office, Window(root, office))
    root.protocol('WM_DELETE_WINDOW', controller.close)
    for name in ('SIGTERM', 'SIGINT', 'SIGBREAK'):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda _signum, _frame: controller.quitting.set())
    stopped = threading.Event()
    office.start()
    threading.Thread(target=office.server.watch, args=(stopped,), name='desktop-watch', daemon=True).start()
    instance.listen(controller.relay)
    root.after(TICK_MS, controller.tick)
    try:
        root.mainloop()
    finally:
        stopped.set()
        office.server.stop()
        root.destroy()
    return 0
