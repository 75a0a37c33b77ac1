"""Announcement text, speech rendering (voice pack, eSpeak NG) and the chime."""

import math
import os
import sys
import threading
import unicodedata
import wave
from array import array

import pytest

from display import voice, wavfiles
from display.voice import VoiceRenderer, announcement, clip_name
from display.wavfiles import chime_wav

PHRASE = "Mời số A, hai mươi lăm, đến quầy số ba"
ENGINES = (voice.ENGINE_CLI, voice.ENGINE_LIB)


def nfd(text):
    return unicodedata.normalize("NFD", text)


def wav_stats(path):
    """(duration in seconds, RMS of the 16-bit samples, params) of a mono 16-bit WAV."""
    with wave.open(str(path), "rb") as w:
        params = w.getparams()
        samples = array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0
    return params.nframes / params.framerate, rms, params


def write_tone(path, seconds, freq=440.0, rate=16000):
    """A short sine clip standing in for a recorded word."""
    n = int(seconds * rate)
    samples = array("h", (int(8000 * math.sin(2 * math.pi * freq * i / rate)) for i in range(n)))
    if sys.byteorder == "big":
        samples.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return n


def require_engine(engine=None):
    """Skip when eSpeak NG is missing, unless LUOT_REQUIRE_ESPEAK=1 makes that a failure."""
    engines = voice.available_engines()
    if not engines:
        if os.environ.get("LUOT_REQUIRE_ESPEAK") == "1":
            pytest.fail("LUOT_REQUIRE_ESPEAK=1 but no eSpeak NG engine (espeak-ng on PATH or "
                        "the espeakng-loader wheel) is available")
        pytest.skip("no eSpeak NG engine: install espeak-ng or the espeakng-loader wheel")
    if engine is not None and engine not in engines:
        pytest.skip(f"engine {engine} is not available here (have {engines})")


@pytest.fixture
def only_engine(monkeypatch):
    """Restrict rendering to one engine, to test each path on its own."""
    def use(engine):
        require_engine(engine)
        monkeypatch.setattr(voice, "available_engines", lambda: [engine])
    return use


# ---------------------------------------------------------------- announcement text

def test_announcement_without_name():
    assert announcement("A025", 3) == {
        "text": "Mời số A025 đến quầy số 3",
        "speech": "Mời số A, hai mươi lăm, đến quầy số ba",
    }


def test_announcement_with_name_and_title():
    result = announcement("A025", 3, name="Nguyễn Thị Lan", title="bà")
    assert result["text"] == "Mời bà Nguyễn Thị Lan, số A025, đến quầy số 3"
    assert result["speech"] == "Mời bà Nguyễn Thị Lan, số A, hai mươi lăm, đến quầy số ba"


@pytest.mark.parametrize("title", ["ông", "bà", "anh", "chị"])
def test_announcement_titles(title):
    result = announcement("B101", 12, name="Trần Văn Minh", title=title)
    assert result["text"] == f"Mời {title} Trần Văn Minh, số B101, đến quầy số 12"
    assert result["speech"] == (f"Mời {title} Trần Văn Minh, số Bê, một trăm linh một, "
                                "đến quầy số mười hai")


@pytest.mark.parametrize("title", [None, "", "  "])
def test_announcement_default_title(title):
    result = announcement("A025", 3, name="Lê Văn Tám", title=title)
    assert result["text"] == "Mời công dân Lê Văn Tám, số A025, đến quầy số 3"


def test_announcement_title_is_normalised():
    assert announcement("A1", 1, name="Lan", title=" Bà ")["text"].startswith("Mời bà Lan,")


def test_announcement_rejects_unknown_title():
    with pytest.raises(ValueError):
        announcement("A025", 3, name="Lan", title="ngài")


@pytest.mark.parametrize("name", [None, "", "   "])
def test_announcement_empty_name_is_no_name(name):
    assert announcement("A025", 3, name=name, title="bà")["text"] == "Mời số A025 đến quầy số 3"


def test_announcement_digits_mode():
    result = announcement("A025", 21, mode="digits")
    assert result["speech"] == "Mời số A, không hai năm, đến quầy số hai mươi mốt"
    assert result["text"] == "Mời số A025 đến quầy số 21"


def test_announcement_bad_arguments():
    with pytest.raises(ValueError):
        announcement("A025", 3, mode="words")
    with pytest.raises(ValueError):
        announcement("A025", -1)
    with pytest.raises(TypeError):
        announcement("A025", "3")


def test_announcement_nfc():
    composed = announcement("Đ014", 5, name="Nguyễn Thị Lan", title="chị")
    decomposed = announcement(nfd("Đ014"), 5, name=nfd("Nguyễn  Thị\tLan"), title=nfd("chị"))
    assert decomposed == composed
    for value in composed.values():
        assert unicodedata.normalize("NFC", value) == value


def test_clip_name():
    assert clip_name("Mời") == "mời.wav"
    assert clip_name(nfd("QUẦY")) == "quầy.wav"
    assert clip_name("i dài") == "i_dài.wav"


# ---------------------------------------------------------------- eSpeak NG

def test_available_engines_names():
    assert set(voice.available_engines()) <= set(ENGINES)


@pytest.mark.parametrize("engine", ENGINES)
def test_render_is_speech(tmp_path, only_engine, engine):
    only_engine(engine)
    path = VoiceRenderer(tmp_path / "cache").render(PHRASE)
    assert path is not None and path.is_file()
    duration, rms, params = wav_stats(path)
    assert (params.nchannels, params.sampwidth) == (1, 2)
    assert 1.5 <= duration <= 8.0, duration
    assert rms > 500, f"RMS {rms:.0f}: near silence"


def test_render_any_engine(tmp_path):
    require_engine()
    path = VoiceRenderer(tmp_path).render(PHRASE)
    assert path is not None and 1.5 <= wav_stats(path)[0] <= 8.0


@pytest.mark.parametrize("engine", ENGINES)
def test_render_cache_does_not_rerun_engine(tmp_path, only_engine, monkeypatch, engine):
    only_engine(engine)
    calls = []
    real = voice._synthesise
    monkeypatch.setattr(voice, "_synthesise", lambda *a: (calls.append(a), real(*a))[1])
    first = VoiceRenderer(tmp_path).render(PHRASE)
    mtime = first.stat().st_mtime_ns
    assert VoiceRenderer(tmp_path).render(PHRASE) == first
    assert len(calls) == 1 and first.stat().st_mtime_ns == mtime
    # Another speed is another recording.
    assert VoiceRenderer(tmp_path, speed=120).render(PHRASE) != first
    assert len(calls) == 2
    assert not list(tmp_path.glob(".tmp-*")), "temporary files left behind"


def test_render_nfc_same_file(tmp_path):
    require_engine()
    renderer = VoiceRenderer(tmp_path)
    assert renderer.render(nfd(PHRASE)) == renderer.render(PHRASE)
    assert len(list(tmp_path.glob("*.wav"))) == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_render_bad_voice_returns_none(tmp_path, only_engine, engine):
    only_engine(engine)
    assert VoiceRenderer(tmp_path, voice="zz-nonexistent").render(PHRASE) is None
    assert not list(tmp_path.iterdir()), "failed synthesis left files behind"


def test_render_concurrent_threads(tmp_path):
    require_engine()
    renderer = VoiceRenderer(tmp_path)
    phrases = [announcement(f"A{n:03d}", n % 9 + 1)["speech"] for n in range(6)]
    results = {}
    threads = [threading.Thread(target=lambda p=p: results.update({p: renderer.render(p)}))
               for p in phrases * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len({results[p] for p in phrases}) == len(phrases)
    for path in results.values():
        assert 1.0 <= wav_stats(path)[0] <= 8.0


def test_no_engine_returns_none(tmp_path, monkeypatch):
    monkeypatch.setattr(voice, "available_engines", lambda: [])
    assert VoiceRenderer(tmp_path).render(PHRASE) is None
    assert VoiceRenderer(tmp_path, espeak=False).render(PHRASE) is None
    assert VoiceRenderer(tmp_path, espeak=False).available_engines() == []


def test_empty_speech_returns_none(tmp_path):
    assert VoiceRenderer(tmp_path).render("  ") is None


@pytest.mark.parametrize("kwargs", [{"voice": "vi; rm"}, {"voice": "-x"}, {"speed": 10},
                                    {"amplitude": 500}])
def test_renderer_rejects_bad_settings(tmp_path, kwargs):
    with pytest.raises(ValueError):
        VoiceRenderer(tmp_path, **kwargs)


# ---------------------------------------------------------------- voice pack

def make_pack(folder, words, seconds=0.2, rate=16000, pause=0.1):
    """A pack of tone clips, one per word; returns the frame count of each clip by word."""
    folder.mkdir()
    frames = {}
    for i, word in enumerate(words):
        frames[word] = write_tone(folder / clip_name(word), seconds + 0.01 * i, 300 + 20 * i, rate)
    if pause:
        frames[","] = write_tone(folder / "_pause.wav", pause, 0.0, rate)
    return frames


PHRASE_WORDS = ["mời", "số", "a", "hai", "mươi", "lăm", "đến", "quầy", "ba"]


def test_pack_joins_clips(tmp_path, monkeypatch):
    monkeypatch.setattr(voice, "_synthesise", lambda *a: pytest.fail("eSpeak used despite pack"))
    frames = make_pack(tmp_path / "pack", PHRASE_WORDS)
    renderer = VoiceRenderer(tmp_path / "cache", voice_pack_dir=tmp_path / "pack")
    assert renderer.available_engines()[0] == "pack"
    path = renderer.render(PHRASE)
    tokens = ["mời", "số", "a", ",", "hai", "mươi", "lăm", ",", "đến", "quầy", "số", "ba"]
    with wave.open(str(path), "rb") as w:
        assert w.getframerate() == 16000
        assert w.getnframes() == sum(frames[t] for t in tokens)
    assert renderer.render(nfd(PHRASE)) == path


def test_pack_without_pause_clip(tmp_path):
    frames = make_pack(tmp_path / "pack", PHRASE_WORDS, pause=0)
    renderer = VoiceRenderer(tmp_path / "c", voice_pack_dir=tmp_path / "pack", espeak=False)
    path = renderer.render(PHRASE)
    with wave.open(str(path), "rb") as w:
        assert w.getnframes() == sum(frames[t] for t in PHRASE_WORDS) + frames["số"]


def test_pack_rerecorded_clip_is_not_served_stale(tmp_path):
    frames = make_pack(tmp_path / "pack", PHRASE_WORDS)
    renderer = VoiceRenderer(tmp_path / "c", voice_pack_dir=tmp_path / "pack", espeak=False)
    first = wav_stats(renderer.render(PHRASE))[2].nframes
    longer = write_tone(tmp_path / "pack" / "ba.wav", 0.5)
    assert wav_stats(renderer.render(PHRASE))[2].nframes == first - frames["ba"] + longer


def test_pack_missing_word_falls_back(tmp_path, monkeypatch):
    make_pack(tmp_path / "pack", PHRASE_WORDS[:-1])  # no "ba"
    renderer = VoiceRenderer(tmp_path / "c", voice_pack_dir=tmp_path / "pack", espeak=False)
    assert renderer.render(PHRASE) is None
    called = []
    monkeypatch.setattr(voice, "available_engines", lambda: ["fake"])
    monkeypatch.setattr(voice, "_synthesise", lambda e, t, out, *a: (called.append(t),
                                                                       write_tone(out, 0.3)))
    path = VoiceRenderer(tmp_path / "c", voice_pack_dir=tmp_path / "pack").render(PHRASE)
    assert called == [PHRASE] and wav_stats(path)[0] == pytest.approx(0.3)


def test_pack_mismatched_formats_fall_back(tmp_path):
    make_pack(tmp_path / "pack", PHRASE_WORDS)
    write_tone(tmp_path / "pack" / "ba.wav", 0.2, rate=22050)
    renderer = VoiceRenderer(tmp_path / "c", voice_pack_dir=tmp_path / "pack", espeak=False)
    assert renderer.render(PHRASE) is None


def test_pack_with_name_needs_espeak(tmp_path):
    make_pack(tmp_path / "pack", PHRASE_WORDS)
    speech = announcement("A025", 3, name="Nguyễn Thị Lan", title="bà")["speech"]
    renderer = VoiceRenderer(tmp_path / "c", voice_pack_dir=tmp_path / "pack", espeak=False)
    assert renderer.render(speech) is None


def test_cache_is_pruned_but_not_other_files(tmp_path, monkeypatch):
    monkeypatch.setattr(voice, "available_engines", lambda: ["fake"])
    monkeypatch.setattr(voice, "_synthesise", lambda e, t, out, *a: write_tone(out, 0.05))
    monkeypatch.setattr(VoiceRenderer, "MAX_CACHE_FILES", 3)
    chime = chime_wav(tmp_path / "chime.wav")
    renderer = VoiceRenderer(tmp_path)
    paths = [renderer.render(f"câu số {n}") for n in range(6)]
    assert len(list(tmp_path.glob("say-*.wav"))) == 3
    assert paths[-1].is_file() and chime.is_file()


# ---------------------------------------------------------------- chime

def test_chime(tmp_path):
    path = chime_wav(tmp_path / "sub" / "chime.wav")
    duration, rms, params = wav_stats(path)
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 22050)
    assert 1.0 <= duration <= 1.5
    assert rms > 1000
    with wave.open(str(path), "rb") as w:
        samples = array("h", w.readframes(w.getnframes()))
    assert max(abs(s) for s in samples) < 32767, "clipped"
    assert abs(samples[-1]) < 50, "ends with a click"


def test_chime_is_made_once(tmp_path, monkeypatch):
    path = chime_wav(tmp_path / "chime.wav")
    mtime = path.stat().st_mtime_ns
    monkeypatch.setattr(wavfiles, "_chime_samples", lambda *a: pytest.fail("chime regenerated"))
    assert chime_wav(path) == path and path.stat().st_mtime_ns == mtime
