"""AT commands over a serial port: one command at a time, every wait bounded by a deadline."""
import re
import time

import serial

FINAL_OK = 'OK'
_FINAL_ERROR = re.compile(r'^(ERROR|\+CME ERROR:\s*(\d+|.*)|\+CMS ERROR:\s*(\d+|.*)|NO CARRIER)$')
READ_SLICE = 0.05               # seconds one serial read may block: keeps deadlines exact


class NoAnswer(Exception):
    """The modem did not answer before the deadline."""


class ModemError(Exception):
    """The modem answered ERROR, +CME ERROR: n or +CMS ERROR: n."""

    def __init__(self, command: str, answer: str):
        super().__init__(f'{command} answered {answer}')
        self.command = command
        self.answer = answer
        match = re.search(r'(\d+)$', answer)
        self.code = int(match.group(1)) if match else None
        self.cms = answer.startswith('+CMS')


class AtChannel:
    """An open serial port that speaks AT; not thread-safe (the transport holds the lock)."""

    def __init__(self, port_name: str, baudrate: int):
        self.port = serial.serial_for_url(port_name, baudrate=baudrate, timeout=READ_SLICE,
                                          write_timeout=2.0)
        self._buffer = b''
        try:
            self.port.reset_input_buffer()  # a modem may have chattered while nobody listened
        except (OSError, serial.SerialException):
            self.close()
            raise

    def close(self) -> None:
        """Close the port; errors are ignored since the port may already be gone."""
        try:
            self.port.close()
        except (OSError, serial.SerialException):
            pass

    def command(self, command: str, timeout: float) -> list[str]:
        """Send one command; the information lines of its answer (echo and blank lines left out)."""
        self._write(command + '\r')
        return self.read_answer(command, time.monotonic() + timeout)

    def prompt(self, command: str, timeout: float) -> None:
        """Send a command that answers with the '> ' prompt (AT+CMGS) and wait for the prompt."""
        self._write(command + '\r')
        deadline = time.monotonic() + timeout
        while True:
            for line in self._complete_lines():
                if _FINAL_ERROR.match(line):
                    raise ModemError(command, line)
            if self._buffer.lstrip(b'\r\n').startswith(b'>'):
                self._buffer = b''
                return
            self._fill(deadline, command)

    def send_body(self, body: str, command: str, timeout: float) -> list[str]:
        """After the prompt: the PDU and Ctrl-Z; the information lines of the answer."""
        self._write(body + '\x1a')
        return self.read_answer(command, time.monotonic() + timeout)

    def read_answer(self, command: str, deadline: float) -> list[str]:
        """Lines until OK (returned) or an error (raised as ModemError)."""
        lines = []
        while True:
            for line in self._complete_lines():
                if line == FINAL_OK:
                    return lines
                if _FINAL_ERROR.match(line):
                    raise ModemError(command, line)
                if line != command:            # the echo, while echo is still on
                    lines.append(line)
            self._fill(deadline, command)

    def _complete_lines(self):
        while b'\n' in self._buffer or b'\r' in self._buffer:
            match = re.search(rb'[\r\n]', self._buffer)
            line, self._buffer = self._buffer[:match.start()], self._buffer[match.end():]
            text = line.decode('ascii', errors='replace').strip()
            if text:
                yield text

    def _fill(self, deadline: float, command: str) -> None:
        if time.monotonic() >= deadline:
            raise NoAnswer(command)
        chunk = self.port.read(max(1, self.port.in_waiting))
        self._buffer += chunk

    def _write(self, data: str) -> None:
        self.port.write(data.encode('ascii'))
        self.port.flush()
