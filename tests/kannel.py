"""Real Kannel for the tests: bearerbox, a fakesmsc as the phone network, and smsbox, on loopback.

    kannel = Kannel(tmp_path, get_url='http://127.0.0.1:PORT/in?from=%p&text=%a').start()
    transport = open_transport(kannel.sendsms_uri(**{'from': '8188'}))
    kannel.inject('0905123456', 'HG An')                  # a phone sends to the short code
    kannel.wait_for_message(lambda m: m.receiver == '0905123456')   # what Kannel sent to a phone
    kannel.stop()

fakesmsc runs in its interactive mode: each line written to its stdin is one message from a
phone, and every message Kannel sends to a phone shows in its output as `Got message N: <...>`.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import free_port, need


def _program(name, *fallbacks):
    found = shutil.which(name)
    return found or next((path for path in fallbacks if os.access(path, os.X_OK)), None)


BEARERBOX = _program('bearerbox', '/usr/sbin/bearerbox')
SMSBOX = _program('smsbox', '/usr/sbin/smsbox')
FAKESMSC = _program('fakesmsc', '/usr/lib/kannel/test/fakesmsc')
ADMIN_PASSWORD = 'admin-secret'
# smsbox's mo-recode turns UCS-2 messages from phones into UTF-8 before the get-url;
# accept-x-kannel-headers lets the get-url answer ask for UCS-2 with X-Kannel-Coding: 2;
# omit-empty: an empty answer (a flood, help already sent) sends nothing, not "<Empty reply ...>".
CONFIG = '''group = core
admin-port = {admin_port}
admin-interface = 127.0.0.1
admin-password = {admin_password}
admin-allow-ip = 127.0.0.1
smsbox-port = {smsbox_port}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-file = "{logs}/bearerbox.log"
log-level = 0
access-log = "{logs}/bearerbox-access.log"

# The fake SMSC listens on every interface (it has no setting for one): only loopback may connect.
group = smsc
smsc = fake
smsc-id = fake
port = {smsc_port}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox_port}
sendsms-port = {sendsms_port}
sendsms-interface = 127.0.0.1
global-sender = {sender}
mo-recode = true
log-file = "{logs}/smsbox.log"
log-level = 0
access-log = "{logs}/smsbox-access.log"

group = sendsms-user
username = {username}
password = {password}
max-messages = 10
concatenation = true

group = sms-service
keyword = default
get-url = "{get_url}"
max-messages = 3
concatenation = true
accept-x-kannel-headers = true
omit-empty = true
'''
GOT_MESSAGE = re.compile(r'Got message (\d+): <(\S+) (\S+) (\S+) ?(.*)>\s*$')


def kannel_installed():
    """Whether bearerbox, smsbox and fakesmsc (kannel-extras) are all here."""
    return all((BEARERBOX, SMSBOX, FAKESMSC))


@dataclass(frozen=True)
class PhoneMessage:
    """One message Kannel handed to the fake network, as fakesmsc printed it."""
    number: int
    sender: str
    receiver: str
    kind: str           # 'text', 'ucs-2', 'data', ...
    text: str           # decoded: UCS-2 and url-coded data turned back into text


def decode_fakesmsc(kind, data):
    """The text of a fakesmsc message line: ucs-2 and data are url-coded, text is as is."""
    if kind in ('ucs-2', 'ucs2'):
        return urllib.parse.unquote_to_bytes(data.replace('+', ' ')).decode('utf-16-be')
    if kind == 'data':
        return urllib.parse.unquote_to_bytes(data.replace('+', ' ')).decode('utf-8', errors='replace')
    return data


class Kannel:
    """Writes kannel.conf into `directory` with free loopback ports; starts and stops the boxes."""

    def __init__(self, directory, get_url, username='luot', password='secret', sender='8188'):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.get_url, self.username, self.password, self.sender = get_url, username, password, sender
        self.ports = _distinct_free_ports(4)
        self.admin_port, self.smsbox_port, self.smsc_port, self.sendsms_port = self.ports
        self.config = self.directory / 'kannel.conf'
        self.messages = []          # PhoneMessage for each `Got message` line
        self.output = []            # every line fakesmsc printed
        self._changed = threading.Condition()
        self._processes = {}

    def config_text(self):
        """The kannel.conf: core, one fake SMSC, smsbox, a sendsms user and the default service."""
        return CONFIG.format(
            logs=self.directory, admin_password=ADMIN_PASSWORD, admin_port=self.admin_port,
            smsbox_port=self.smsbox_port, smsc_port=self.smsc_port, sendsms_port=self.sendsms_port,
            sender=self.sender, username=self.username, password=self.password, get_url=self.get_url)

    def start(self, timeout=30.0):
        """bearerbox, then fakesmsc, then smsbox, each waited for (bounded)."""
        self.config.write_text(self.config_text())
        deadline = time.monotonic() + timeout
        try:
            self._spawn('bearerbox', [BEARERBOX, str(self.config)])
            self._wait(lambda: _listening(self.admin_port) and _listening(self.smsbox_port)
                       and _listening(self.smsc_port), deadline, 'bearerbox to listen')
            fakesmsc = self._spawn('fakesmsc', [FAKESMSC, '-H', '127.0.0.1', '-r', str(self.smsc_port),
                                                '-i', '0.1'], stdin=subprocess.PIPE, output=subprocess.PIPE)
            threading.Thread(target=self._read_fakesmsc, args=(fakesmsc.stdout,), daemon=True).start()
            self._wait(lambda: 'online' in self.status(), deadline, 'the fake SMSC to come online')
            self._spawn('smsbox', [SMSBOX, str(self.config)])
            self._wait(self._smsbox_ready, deadline, 'smsbox')
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        """smsbox, fakesmsc, bearerbox: asked to stop, killed if they do not within 10 s."""
        for name in ('smsbox', 'fakesmsc', 'bearerbox'):
            process = self._processes.pop(name, None)
            if process is None or process.poll() is not None:
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            for stream in (process.stdin, process.stdout):
                if stream:
                    stream.close()

    def sendsms_uri(self, **params):
        """The LUOT_SMS URI of this Kannel's sendsms interface, with extra query parameters."""
        query = urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
        base = f'http://{self.username}:{self.password}@127.0.0.1:{self.sendsms_port}/cgi-bin/sendsms'
        return base + ('?' + query if query else '')

    def inject(self, sender, receiver, text):
        """A phone sends a message: one line to fakesmsc (UCS-2 when the text is not plain ASCII)."""
        if text.isascii():
            line = f'{sender} {receiver} text {text}\n'
        else:
            line = f'{sender} {receiver} ucs2 {urllib.parse.quote_from_bytes(text.encode("utf-16-be"))}\n'
        assert len(line) < 255, 'fakesmsc reads lines of at most 255 characters'
        stdin = self._processes['fakesmsc'].stdin
        stdin.write(line.encode('ascii'))
        stdin.flush()

    def wait_for_message(self, predicate, timeout=15.0):
        """The first message Kannel sent to the fake network that matches; AssertionError if none."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((message for message in self.messages if predicate(message)), None)
                if found or time.monotonic() >= deadline:
                    break
                self._changed.wait(min(0.2, max(0.0, deadline - time.monotonic())))
        assert found, 'no such message at fakesmsc; it printed:\n' + '\n'.join(self.output[-20:]) + self.log_tail()
        return found

    def status(self):
        """bearerbox's status.txt page ('' while it does not answer)."""
        url = f'http://127.0.0.1:{self.admin_port}/status.txt?password={ADMIN_PASSWORD}'
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode('utf-8', errors='replace')
        except OSError:
            return ''

    def log_tail(self, lines=15):
        """The ends of the Kannel logs, for a failure message."""
        text = ''
        for name in ('bearerbox.log', 'smsbox.log'):
            path = self.directory / name
            if path.exists():
                text += f'\n--- {name}\n' + '\n'.join(path.read_text(errors='replace').splitlines()[-lines:])
        return text

    def _smsbox_ready(self):
        boxes = self.status().partition('Box connections:')[2].partition('SMSC connections:')[0]
        return 'smsbox:' in boxes and 'on-line' in boxes and _listening(self.sendsms_port)

    def _spawn(self, name, args, stdin=subprocess.DEVNULL, output=None):
        log = open(self.directory / f'{name}.out', 'wb') if output is None else output
        process = subprocess.Popen(args, cwd=str(self.directory), stdin=stdin, stdout=log,
                                   stderr=subprocess.STDOUT)
        if output is None:
            log.close()
        self._processes[name] = process
        return process

    def _wait(self, ready, deadline, what):
        while not ready():
            exited = [name for name, process in self._processes.items() if process.poll() is not None]
            if exited or time.monotonic() >= deadline:
                reason = f'{", ".join(exited)} exited' if exited else 'timed out'
                raise RuntimeError(f'Kannel: waiting for {what}: {reason}' + self.log_tail())
            time.sleep(0.1)

    def _read_fakesmsc(self, stream):
        for raw in iter(stream.readline, b''):
            line = raw.decode('utf-8', errors='replace').rstrip('\n')
            match = GOT_MESSAGE.search(line)
            with self._changed:
                self.output.append(line)
                if match:
                    number, sender, receiver, kind, data = match.groups()
                    self.messages.append(PhoneMessage(int(number), sender, receiver, kind,
                                                      decode_fakesmsc(kind, data)))
                self._changed.notify_all()


def _listening(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=0.5):
            return True
    except OSError:
        return False


def _distinct_free_ports(count):
    ports = set()
    while len(ports) < count:
        ports.add(free_port())
    return sorted(ports)


@pytest.fixture
def kannel(tmp_path):
    """Start Kannels on demand: kannel(get_url=...); all are stopped afterwards."""
    need(kannel_installed(), 'Kannel is not installed (apt-get install kannel kannel-extras)')
    started = []

    def start(get_url, **options):
        instance = Kannel(tmp_path / f'kannel{len(started)}', get_url, **options)
        started.append(instance)
        return instance.start()
    yield start
    for instance in started:
        instance.stop()
