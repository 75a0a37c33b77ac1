"""The board's audio over HTTP: /display/speech.wav (eSpeak NG or a voice pack) and /display/chime.wav."""
import io
import os
import wave

import pytest

from display import voice, voice_renderer
from tests.conftest import bearer

PHRASE = 'Mời số A, không không một, đến quầy số một'


def wav_seconds(body):
    assert body[:4] == b'RIFF' and body[8:12] == b'WAVE'
    with wave.open(io.BytesIO(body), 'rb') as w:
        return w.getnframes() / w.getframerate()


def require_espeak():
    """Skip without eSpeak NG, unless LUOT_REQUIRE_ESPEAK=1 makes that a failure."""
    if voice.available_engines():
        return
    if os.environ.get('LUOT_REQUIRE_ESPEAK') == '1':
        pytest.fail('LUOT_REQUIRE_ESPEAK=1 but no eSpeak NG engine (espeak-ng on PATH or espeakng-loader)')
    pytest.skip('no eSpeak NG engine here: install espeak-ng or the espeakng-loader wheel')


def test_speech_is_a_wav_of_the_phrase(client, tokens):
    require_espeak()
    response = client.get('/display/speech.wav', query_string={'text': PHRASE}, headers=bearer(tokens['display']))
    assert response.status_code == 200 and response.mimetype == 'audio/wav'
    # About a dozen syllables: spoken, not a click and not a minute of noise.
    assert 1.5 < wav_seconds(response.data) < 15


def test_speech_is_rendered_once_and_cached(app, client, tokens):
    require_espeak()
    first = client.get('/display/speech.wav', query_string={'text': PHRASE}, headers=bearer(tokens['display']))
    cached = list((voice_renderer(app).cache_dir).glob('say-*.wav'))
    again = client.get('/display/speech.wav', query_string={'text': PHRASE}, headers=bearer(tokens['admin']))
    assert first.data == again.data and len(cached) == 1
    assert app.extensions['luot_voice'] is voice_renderer(app)


def test_voice_pack_is_used_when_present(app, client, tokens, tmp_path):
    voice_renderer(app)  # made before the pack exists: a pack copied in later still counts
    pack = tmp_path / 'data' / 'voice-pack'
    pack.mkdir(parents=True)
    for word in ('mời', 'số', 'một'):
        with wave.open(str(pack / voice.clip_name(word)), 'wb') as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(b'\x10\x00' * 8000)
    response = client.get('/display/speech.wav', query_string={'text': 'Mời số một'},
                          headers=bearer(tokens['display']))
    assert response.status_code == 200 and wav_seconds(response.data) == pytest.approx(1.5)


def test_no_engine_is_a_404_with_its_code(app, client, tokens, monkeypatch):
    monkeypatch.setattr(voice, 'available_engines', lambda: [])
    response = client.get('/display/speech.wav', query_string={'text': 'Mời số B, chín'},
                          headers=bearer(tokens['display']))
    assert response.status_code == 404
    assert response.get_json()['error']['code'] == 'no_voice_engine'


@pytest.mark.parametrize('text, code', [('x' * 301, 'text_too_long'), ('', 'text_required'), ('   ', 'text_required')])
def test_bad_text_is_a_400(client, tokens, text, code):
    response = client.get('/display/speech.wav', query_string={'text': text}, headers=bearer(tokens['display']))
    assert response.status_code == 400
    error = response.get_json()['error']
    assert error['code'] == code and error['message']


def test_anonymous_and_wrong_roles_are_refused(client, tokens):
    for path in ('/display/speech.wav?text=M%E1%BB%9Di', '/display/chime.wav'):
        anonymous = client.get(path)
        assert anonymous.status_code == 401 and anonymous.get_json()['error']['code'] == 'unauthorized'
        refused = client.get(path, headers=bearer(tokens['hotline']))
        assert refused.status_code == 403 and refused.get_json()['error']['code'] == 'forbidden'


def test_a_paired_display_device_may_fetch_audio(client, tokens):
    client.get('/display?token=' + tokens['display'])  # pairing keeps the token in a cookie
    assert client.get('/display/chime.wav').status_code == 200


def test_chime_is_a_short_wav(client, tokens):
    response = client.get('/display/chime.wav', headers=bearer(tokens['kiosk']))
    assert response.status_code == 200 and response.mimetype == 'audio/wav'
    assert 0.5 < wav_seconds(response.data) < 3
