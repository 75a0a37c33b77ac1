"""WAV files: checking, writing atomically, joining clips, and the chime before each call."""
import math
import os
import pathlib
import sys
import tempfile
import wave
from array import array

CHIME_RATE = 22050


def wav_ok(path):
    """True when path is a readable WAV with at least one frame."""
    try:
        with wave.open(str(path), "rb") as w:
            return w.getnframes() > 0
    except (OSError, EOFError, wave.Error):
        return False


def write_wav(path, samples, rate):
    """Write mono 16-bit samples (array('h'), native byte order) as a little-endian WAV."""
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())


def write_atomically(dest, produce):
    """Call produce(tmp) to write a temporary file, then move it onto dest in one step."""
    dest = pathlib.Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-", suffix=".wav")
    os.close(fd)  # Windows would not let another process (espeak-ng) write an open file.
    tmp = pathlib.Path(tmp)
    try:
        produce(tmp)
        if not wav_ok(tmp):
            raise RuntimeError(f"engine produced no audio for {dest.name}")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def join_wavs(clips, out):
    """Concatenate WAV clips that share channels, sample width and rate into out."""
    params, frames = None, []
    for clip in clips:
        with wave.open(str(clip), "rb") as w:
            p = (w.getnchannels(), w.getsampwidth(), w.getframerate())
            if params is not None and p != params:
                raise ValueError(f"{clip.name} has format {p}, expected {params}")
            params = p
            frames.append(w.readframes(w.getnframes()))
    with wave.open(str(out), "wb") as w:
        w.setnchannels(params[0])
        w.setsampwidth(params[1])
        w.setframerate(params[2])
        w.writeframes(b"".join(frames))


def _chime_samples(rate=CHIME_RATE, seconds=1.2):
    """A bell-like "ding-dong": E5 then C5, each with overtones and an exponential decay."""
    total = int(rate * seconds)
    mix = [0.0] * total
    for start, freq in ((0.0, 659.25), (0.45, 523.25)):
        first = int(start * rate)
        for i in range(total - first):
            t = i / rate
            attack = min(1.0, t / 0.008)  # a few ms of ramp avoids a click
            tone = (math.sin(2 * math.pi * freq * t) + 0.35 * math.sin(4 * math.pi * freq * t)
                    + 0.12 * math.sin(6 * math.pi * freq * t))
            mix[first + i] += attack * math.exp(-3.5 * t) * tone
    fade = int(0.05 * rate)
    for i in range(fade):  # ends at exactly zero: no click when the file stops
        mix[total - 1 - i] *= i / fade
    peak = max(abs(s) for s in mix) or 1.0
    return array("h", (int(s / peak * 0.55 * 32767) for s in mix))


def chime_wav(path) -> pathlib.Path:
    """Write (once) a short two-tone chime, 16-bit mono 22050 Hz, to path and return it."""
    path = pathlib.Path(path)
    if not wav_ok(path):
        write_atomically(path, lambda tmp: write_wav(tmp, _chime_samples(), CHIME_RATE))
    return path
