"""Announcements: display text, spoken text, and WAV audio (voice pack, eSpeak NG, chime)."""

import ctypes
import hashlib
import json
import logging
import os
import pathlib
import re
import shutil
import subprocess
import sys
import threading
import unicodedata
import wave
from array import array

from .numbers import read_number, spoken_ticket_number
from .wavfiles import join_wavs, wav_ok, write_atomically, write_wav

log = logging.getLogger(__name__)

TITLES = ("ông", "bà", "anh", "chị")
DEFAULT_TITLE = "công dân"
ENGINE_CLI = "espeak-ng"
ENGINE_LIB = "espeakng-loader"

# Words (letter names such as "e-lờ" keep their hyphen) and the punctuation that means a pause.
_PACK_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*|[,;:.!?]")
_VOICE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_+-]{0,39}$")  # never an option
# Without this flag Windows opens a console window for every synthesis.
_NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)
# libespeak-ng keeps global state and is not thread-safe; the CLI is serialised too to bound CPU.
_SYNTH_LOCK = threading.Lock()
_LIB = None
_LIB_ERROR = None


def _nfc(text):
    return unicodedata.normalize("NFC", text)


def _clean(text):
    """NFC with runs of whitespace collapsed, so equal phrases hash equally."""
    return " ".join(_nfc(str(text)).split())


def _title(title):
    if title is None or not _clean(title):
        return DEFAULT_TITLE
    title = _clean(title).lower()
    if title not in TITLES + (DEFAULT_TITLE,):
        raise ValueError(f"title must be one of {TITLES} or None, got {title!r}")
    return title


def announcement(number: str, counter_number: int, name: str | None = None,
                 title: str | None = None, mode: str = "number") -> dict:
    """Display text and spoken text calling ticket `number` to counter `counter_number`."""
    number = _clean(number)
    spoken_counter = read_number(counter_number)
    spoken_number = spoken_ticket_number(number, mode)
    name = _clean(name) if name else ""
    if name:
        who = f"{_title(title)} {name}"
        text = f"Mời {who}, số {number}, đến quầy số {counter_number}"
        speech = f"Mời {who}, số {spoken_number}, đến quầy số {spoken_counter}"
    else:
        text = f"Mời số {number} đến quầy số {counter_number}"
        speech = f"Mời số {spoken_number}, đến quầy số {spoken_counter}"
    return {"text": _nfc(text), "speech": _nfc(speech)}


def clip_name(word: str) -> str:
    """File name of a voice-pack clip for one word ("Mời" -> "mời.wav")."""
    return _clean(word).lower().replace(" ", "_") + ".wav"


def _cli_path():
    """The espeak-ng executable: on PATH, or where the Windows installer puts it."""
    found = shutil.which("espeak-ng")
    if found:
        return found
    for base in (os.environ.get("ProgramFiles"), os.environ.get("ProgramFiles(x86)")):
        candidate = pathlib.Path(base or "") / "eSpeak NG" / "espeak-ng.exe"
        if base and candidate.is_file():
            return str(candidate)
    return None


def _loader_paths():
    """(library, data parent) from the espeakng-loader wheel, or None if it is absent."""
    try:
        import espeakng_loader
        lib = pathlib.Path(espeakng_loader.get_library_path())
        data = pathlib.Path(espeakng_loader.get_data_path())
    except (ImportError, RuntimeError, OSError):
        return None
    return (lib, data.parent) if lib.is_file() else None


def available_engines() -> list[str]:
    """Names of the eSpeak NG engines usable on this machine, preferred first."""
    engines = []
    if _cli_path():
        engines.append(ENGINE_CLI)
    if _LIB_ERROR is None and _loader_paths():
        engines.append(ENGINE_LIB)
    return engines


class _EspeakLibrary:
    """libespeak-ng from the espeakng-loader wheel, driven through ctypes (no install needed)."""

    SYNCHRONOUS, POS_CHARACTER, RATE, VOLUME = 2, 1, 1, 2
    CHARS_UTF8, ENDPAUSE, DONT_EXIT = 0x1, 0x1000, 0x8000

    def __init__(self, lib_path, data_parent):
        lib = ctypes.CDLL(str(lib_path))
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                     ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        # The C library opens files with the ANSI code page on Windows, not UTF-8.
        encoding = "mbcs" if sys.platform == "win32" else sys.getfilesystemencoding()
        # DONT_EXIT: without it a missing data folder makes the library call exit().
        self.rate = lib.espeak_Initialize(self.SYNCHRONOUS, 0, str(data_parent).encode(encoding),
                                          self.DONT_EXIT)
        if self.rate <= 0:
            raise RuntimeError(f"espeak_Initialize failed ({self.rate})")
        callback_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short),
                                         ctypes.c_int, ctypes.c_void_p)
        self._callback = callback_type(self._collect)  # kept referenced: C holds the pointer
        lib.espeak_SetSynthCallback(self._callback)
        self._lib, self._samples = lib, bytearray()

    def _collect(self, wav, count, _events):
        if wav and count > 0:
            self._samples += ctypes.string_at(wav, count * 2)
        return 0

    def synthesise(self, text, voice, speed, amplitude):
        """Samples (native 16-bit mono at self.rate) for text; caller holds _SYNTH_LOCK."""
        lib, self._samples = self._lib, bytearray()
        if lib.espeak_SetVoiceByName(voice.encode("ascii")) != 0:
            raise RuntimeError(f"eSpeak NG has no voice {voice!r}")
        lib.espeak_SetParameter(self.RATE, speed, 0)
        lib.espeak_SetParameter(self.VOLUME, amplitude, 0)
        data = text.encode("utf-8")
        err = lib.espeak_Synth(data, len(data) + 1, 0, self.POS_CHARACTER, 0,
                               self.CHARS_UTF8 | self.ENDPAUSE, None, None)
        if err != 0:
            raise RuntimeError(f"espeak_Synth failed ({err})")
        lib.espeak_Synchronize()
        return array("h", bytes(self._samples))


def _library():
    """The process-wide library instance; a failed load is remembered, not retried."""
    global _LIB, _LIB_ERROR
    if _LIB is None and _LIB_ERROR is None:
        paths = _loader_paths()
        try:
            if not paths:
                raise RuntimeError("espeakng-loader is not installed")
            _LIB = _EspeakLibrary(*paths)
        except (OSError, RuntimeError, UnicodeError, AttributeError) as exc:
            _LIB_ERROR = exc
            log.warning("eSpeak NG library unusable: %s", exc)
    if _LIB is None:
        raise RuntimeError(f"eSpeak NG library unusable: {_LIB_ERROR}")
    return _LIB


def _synthesise(engine, text, out, voice, speed, amplitude):
    """Write the speech for text to the WAV file out with the named engine."""
    if engine == ENGINE_CLI:
        # Text goes through stdin as UTF-8: Windows would mangle Vietnamese in argv,
        # and text starting with "-" cannot be taken for an option.
        cmd = [_cli_path() or ENGINE_CLI, "-v", voice, "-s", str(speed), "-a", str(amplitude),
               "-b", "1", "--stdin", "-w", str(out)]
        subprocess.run(cmd, input=text.encode("utf-8"), capture_output=True, timeout=60,
                       check=True, creationflags=_NO_WINDOW)
    elif engine == ENGINE_LIB:
        lib = _library()
        write_wav(out, lib.synthesise(text, voice, speed, amplitude), lib.rate)
    else:
        raise ValueError(f"unknown engine {engine!r}")


class VoiceRenderer:
    """Turns spoken text into a cached WAV file: voice pack first, then eSpeak NG."""

    MAX_CACHE_FILES = 2000  # names make most phrases unique; keep the folder bounded

    def __init__(self, cache_dir, voice_pack_dir=None, espeak=True, voice="vi", speed=150,
                 amplitude=80):
        if not _VOICE_NAME.match(voice):
            raise ValueError(f"bad eSpeak NG voice name {voice!r}")
        if not (80 <= int(speed) <= 450 and 0 <= int(amplitude) <= 200):
            raise ValueError("speed must be 80..450 and amplitude 0..200")
        self.cache_dir = pathlib.Path(cache_dir)
        self.voice_pack_dir = pathlib.Path(voice_pack_dir) if voice_pack_dir else None
        self.espeak, self.voice = bool(espeak), voice
        self.speed, self.amplitude = int(speed), int(amplitude)

    def available_engines(self) -> list[str]:
        """Engines this renderer may use, in order: "pack", then eSpeak NG engines."""
        pack = ["pack"] if self.voice_pack_dir and self.voice_pack_dir.is_dir() else []
        return pack + (available_engines() if self.espeak else [])

    def render(self, speech: str) -> pathlib.Path | None:
        """A WAV file speaking `speech`, or None when no engine can say it."""
        text = _clean(speech)
        if not text:
            return None
        if self.voice_pack_dir is not None:
            path = self._render_pack(text)
            if path is not None:
                return path
        for engine in (available_engines() if self.espeak else []):
            path = self._render_engine(engine, text)
            if path is not None:
                return path
        return None

    def _cache_path(self, *key):
        digest = hashlib.sha256(json.dumps(key, ensure_ascii=False).encode("utf-8"))
        return self.cache_dir / f"say-{digest.hexdigest()[:40]}.wav"

    def _pack_clips(self, text):
        """Clip files for the words of text (pauses where optional), or None if one is missing."""
        clips = []
        for token in _PACK_TOKEN.findall(text.lower()):
            clip = self.voice_pack_dir / ("_pause.wav" if token in ",;:.!?" else clip_name(token))
            if clip.is_file():
                clips.append(clip)
            elif token not in ",;:.!?":
                return None
        return clips or None

    def _render_pack(self, text):
        clips = self._pack_clips(text)
        if clips is None:
            return None
        try:
            # The clips' sizes and times are in the key so a re-recorded pack is not served stale.
            stamp = [(c.name, c.stat().st_size, c.stat().st_mtime_ns) for c in clips]
            dest = self._cache_path("pack", str(self.voice_pack_dir.resolve()), stamp, text)
            if wav_ok(dest):
                return dest
            return self._store(dest, lambda tmp: join_wavs(clips, tmp))
        except (OSError, EOFError, wave.Error, ValueError, RuntimeError) as exc:
            log.warning("voice pack cannot say %r: %s", text, exc)
            return None

    def _render_engine(self, engine, text):
        dest = self._cache_path(engine, self.voice, self.speed, self.amplitude, text)
        if wav_ok(dest):
            return dest
        with _SYNTH_LOCK:
            if wav_ok(dest):  # another thread made it while we waited
                return dest
            try:
                return self._store(dest, lambda tmp: _synthesise(
                    engine, text, tmp, self.voice, self.speed, self.amplitude))
            except (OSError, RuntimeError, ValueError, wave.Error,
                    subprocess.SubprocessError) as exc:
                log.warning("%s cannot say %r: %s", engine, text, exc)
                return None

    def _store(self, dest, produce):
        """Write dest atomically, then drop the oldest cached files beyond the limit."""
        write_atomically(dest, produce)
        try:
            # Only our own "say-" files: the folder may hold other audio, such as the chime.
            files = sorted(self.cache_dir.glob("say-*.wav"), key=lambda p: p.stat().st_mtime)
            for old in files[:max(0, len(files) - self.MAX_CACHE_FILES)]:
                if old != dest:
                    old.unlink(missing_ok=True)
        except OSError as exc:  # pruning is housekeeping; another process may be at it too
            log.info("cache pruning skipped: %s", exc)
        return dest
