"""The display board feature: the board page, its static files, its audio and the /display namespace."""
import datetime
import io
import time
from pathlib import Path

from flask import Blueprint, current_app, render_template, request, send_file, url_for
from flask_babel import gettext as _

from server import settings
from server.auth import page, requires
from server.clock import zone
from server.errors import Invalid, NotFound
from server.labels import weekday_names
from server.queueing.lines import board_for
from server.validation import json_body

bp = Blueprint('display', __name__, static_folder=str(Path(__file__).parent / 'static'),
               static_url_path='/display/static')

MAX_SPEECH = 300
AUDIO_ROLES = ('display', 'kiosk')  # the devices that speak; admin is always allowed


def _board_strings():
    """Interface text the board's script needs, in the page's language."""
    return {
        'counter': _('Quầy %(number)s', number='{n}'),
        'to_counter': _('Đến quầy số %(n)s', n='{n}'),
        'paused': _('Tạm nghỉ'),
        'nobody': _('Chưa gọi số nào'),
        'wait_turn': _('Vui lòng chờ gọi số'),   # the counter finished with the last citizen called
        'weekdays': weekday_names()[6:] + weekday_names()[:6],   # Sunday first, as Date.getDay() counts
    }


def _plausible_board(wanted):
    """Whether ?board= can name a row at all (a 30-digit id would overflow SQLite's integers)."""
    return wanted in (None, '', 'all') or (wanted.isascii() and wanted.isdigit() and int(wanted) < 2 ** 63)


def _volume():
    """The voice_volume setting as 0-100; a damaged value must not silence the hall."""
    try:
        return max(0, min(100, int(settings.get('voice_volume'))))
    except (TypeError, ValueError):
        return 100


@bp.get('/display')
@page('display')
def board():
    """A board for a TV; ?board=<id> shows a chosen set of lines and counters."""
    wanted = request.args.get('board')
    chosen = board_for(wanted) if _plausible_board(wanted) else None
    if wanted not in (None, '', 'all') and chosen is None:
        raise NotFound(_('Không có màn hình hiển thị số %(id)s.', id=wanted[:20]))
    offset = datetime.datetime.now(zone()).utcoffset() or datetime.timedelta()
    config = {
        'board': str(chosen.id) if chosen else None,
        'services_shown': chosen.services_shown if chosen else [],
        'counters_shown': chosen.counters_shown if chosen else [],
        'chime_url': url_for('display.chime'),
        'speech_url': url_for('display.speech'),
        'utc_offset_min': int(offset.total_seconds() // 60),
        'server_time_ms': int(time.time() * 1000),
        'volume': _volume(),
        'show_names': bool(settings.get('announce_names')),  # masked, and only if the office says names
    }
    return render_template('display/board.html', board=chosen, config=config, strings=_board_strings(),
                           office_name=settings.get('office_name'))


# A board PC or TV box opens the board full screen with sound allowed from the start (no click needed):
# Chromium's --autoplay-policy switch, which Edge and Chrome share; a browser already running ignores it.
AUTOPLAY = '--autoplay-policy=no-user-gesture-required'
EDGE = r'"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe"'
CHROME = r'"C:\Program Files\Google\Chrome\Application\chrome.exe"'


def launch_lines(url):
    """[(where, command line)] that open the board at `url` in kiosk mode with its voice on."""
    return [
        (_('Windows, Microsoft Edge (có sẵn trong Windows)'),
         '%s --kiosk %s --edge-kiosk-type=fullscreen --no-first-run %s' % (EDGE, url, AUTOPLAY)),
        (_('Windows, Google Chrome'), '%s --kiosk --no-first-run %s %s' % (CHROME, AUTOPLAY, url)),
        (_('Linux (Ubuntu, Debian), Chromium'), 'chromium --kiosk --no-first-run %s %s' % (AUTOPLAY, url)),
    ]


def audio_view(view):
    """The audio files: for display and kiosk devices; refusals are JSON (errors.wants_json)."""
    return requires(*AUDIO_ROLES)(view)


def _wav_response(path):
    """A cached WAV, read whole: short files, and no open handle keeps the cache from being pruned."""
    stat = path.stat()
    # The same text always gives the same audio: the board's browser may keep it a day.
    return send_file(io.BytesIO(path.read_bytes()), mimetype='audio/wav', max_age=86400,
                     etag='%s-%x' % (path.stem, stat.st_mtime_ns), conditional=True)


def voice_renderer(app=None):
    """The app's one VoiceRenderer (made on first use): voice pack if present, else eSpeak NG."""
    from .voice import VoiceRenderer
    app = app or current_app._get_current_object()
    renderer = app.extensions.get('luot_voice')
    if renderer is None:
        data = Path(app.config['DATA_DIR'])
        # Always given: a pack copied in later is used without a restart (missing clips fall through).
        renderer = VoiceRenderer(data / 'voice-cache', voice_pack_dir=data / 'voice-pack')
        app.extensions['luot_voice'] = renderer
    return renderer


@bp.route('/display/speech.wav', methods=['GET', 'POST'])
@audio_view
def speech():
    """The spoken announcement as WAV, so a board speaks Vietnamese even if its OS has no voice.

    Boards and kiosks POST the text ({"text": ...}): a callout may hold a citizen's name, which must not
    travel in a URL (browser history, proxies, logs). GET ?text= stays for scripts and fixed phrases."""
    if request.method == 'POST':
        value = json_body().get('text')
        text = value.strip() if isinstance(value, str) else ''
    else:
        text = (request.args.get('text') or '').strip()
    if not text:
        raise Invalid(_('Thiếu nội dung cần đọc (text).'), 'text_required')
    if len(text) > MAX_SPEECH:
        raise Invalid(_('Nội dung cần đọc dài quá %(n)s ký tự.', n=MAX_SPEECH), 'text_too_long')
    path = voice_renderer().render(text)
    if path is None:
        raise NotFound(_('Máy chủ không có giọng đọc tiếng Việt (gói giọng hoặc eSpeak NG).'), 'no_voice_engine')
    return _wav_response(path)


@bp.get('/display/chime.wav')
@audio_view
def chime():
    """The short two-tone chime played before each call."""
    from .wavfiles import chime_wav
    return _wav_response(chime_wav(Path(current_app.config['DATA_DIR']) / 'voice-cache' / 'chime.wav'))
