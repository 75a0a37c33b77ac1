"""Serving the app: gunicorn's threaded worker where it runs (Linux), else Werkzeug (Windows).

Measured with bench/bench_server.py (see the README): Werkzeug closes every HTTP connection after one
answer, so each kiosk request pays a new TCP connection and a new thread; gunicorn's gthread worker
keeps connections alive. Flask-SocketIO's threading mode with simple-websocket runs on both; each
open WebSocket (a board, a counter page) holds one worker thread, hence the generous thread count.
"""
import gc
import importlib.util
import logging
import os

log = logging.getLogger(__name__)
THREADS = int(os.environ.get('LUOT_THREADS', '400'))
MAX_WORKERS = 32


class ServingError(Exception):
    """A serving setting that cannot work; the message is shown as it is (Vietnamese / English)."""


def workers_wanted(argument=None):
    """Serving processes asked for by --workers or LUOT_WORKERS (default 1)."""
    raw = argument if argument is not None else os.environ.get('LUOT_WORKERS', '1')
    try:
        workers = int(str(raw).strip())
    except ValueError:
        workers = 0
    if not 1 <= workers <= MAX_WORKERS:
        raise ServingError('số tiến trình phục vụ (--workers, LUOT_WORKERS) phải từ 1 đến %d, không phải %r / '
                           'the number of workers must be from 1 to %d, not %r' % (MAX_WORKERS, raw, MAX_WORKERS, raw))
    return workers


def check_workers(workers, config):
    """Several workers share one office only through Redis and PostgreSQL, under gunicorn."""
    if workers == 1:
        return
    if choose_server() != 'gunicorn':
        raise ServingError('nhiều tiến trình phục vụ cần gunicorn (Linux) / several workers need gunicorn (Linux)')
    if not config.get('MESSAGE_QUEUE'):
        raise ServingError('nhiều tiến trình phục vụ cần LUOT_MESSAGE_QUEUE=redis://... để mọi bảng hiển thị nhận '
                           'được mọi lượt gọi / several workers need LUOT_MESSAGE_QUEUE=redis://... so that every '
                           'board gets every call')
    if str(config.get('DATABASE_URL', '')).startswith('sqlite'):
        raise ServingError('nhiều tiến trình phục vụ cần PostgreSQL (LUOT_DATABASE_URL=postgresql://...); SQLite chỉ '
                           'dùng với một tiến trình / several workers need PostgreSQL (LUOT_DATABASE_URL='
                           'postgresql://...); SQLite is for one process')


def tls_files(certfile, keyfile):
    """(certfile, keyfile) for HTTPS, None without; a missing half or a file that cannot be loaded is a
    ServingError said at start, not a server that silently serves plain HTTP."""
    if not certfile and not keyfile:
        return None
    if not certfile or not keyfile:
        raise ServingError('HTTPS cần cả --certfile và --keyfile / HTTPS needs both --certfile and --keyfile')
    import ssl
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(certfile, keyfile)
    except (OSError, ssl.SSLError) as error:
        raise ServingError('không dùng được chứng chỉ %s với khóa %s / cannot use the certificate and key: %s'
                           % (certfile, keyfile, error)) from None
    return certfile, keyfile


def choose_server():
    """'gunicorn' on POSIX systems that have it, unless LUOT_SERVER=werkzeug; else 'werkzeug'."""
    wanted = os.environ.get('LUOT_SERVER', '').lower()
    if wanted == 'werkzeug' or os.name != 'posix' or importlib.util.find_spec('gunicorn') is None:
        return 'werkzeug'
    return 'gunicorn'


def serve(make_app, host, port, on_exit, workers=1, tls=None):
    """Run until SIGTERM or Ctrl+C; make_app() builds the app in each serving process; tls: tls_files()."""
    if choose_server() == 'gunicorn':
        _serve_gunicorn(make_app, host, port, on_exit, workers, tls)
    else:
        _serve_werkzeug(make_app, host, port, on_exit, tls)


def _built(make_app):
    """The app, with everything made while building it (the office's settings, holiday tables, phone
    number metadata, translations: some 90,000 objects) kept out of the garbage collector's full
    passes from then on. Those passes otherwise walk it all, and stop every request and board for
    tens of milliseconds each time (gc.freeze(), as Python's documentation suggests for servers)."""
    app = make_app()
    gc.collect()
    gc.freeze()
    return app


def _serve_werkzeug(make_app, host, port, on_exit, tls=None):
    from server.extensions import socketio
    app = _built(make_app)
    try:
        socketio.run(app, host=host, port=port, use_reloader=False, log_output=False,
                     allow_unsafe_werkzeug=True, **({'ssl_context': tls} if tls else {}))
    except KeyboardInterrupt:
        pass
    finally:
        on_exit(app)


def _serve_gunicorn(make_app, host, port, on_exit, workers=1, tls=None):
    from gunicorn.app.base import BaseApplication

    built = {}

    class Server(BaseApplication):
        def load_config(self):
            options = {
                'bind': '[%s]:%d' % (host, port) if ':' in host else '%s:%d' % (host, port),
                # Socket.IO sessions live in one process: with several, every client must connect by
                # WebSocket (ours do: no sticky sessions needed) and emits go through Redis.
                'workers': workers,
                'worker_class': 'gthread', 'threads': THREADS,
                'worker_connections': THREADS + 1000,  # else gthread keeps no connection alive
                'keepalive': 75, 'timeout': 60, 'graceful_timeout': 5,
                'accesslog': None, 'errorlog': '-', 'loglevel': 'warning',
                'worker_exit': lambda _server, _worker: built.get('app') and on_exit(built['app']),
            }
            if tls:
                options.update(certfile=tls[0], keyfile=tls[1])
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            built['app'] = _built(make_app)
            return built['app']

    Server().run()
