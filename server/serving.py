"""Serving the app: gunicorn's threaded worker where it runs (Linux), else Werkzeug (Windows).

Measured with bench/bench_server.py (see the README): Werkzeug closes every HTTP connection after one
answer, so each kiosk request pays a new TCP connection and a new thread; gunicorn's gthread worker
keeps connections alive. Flask-SocketIO's threading mode with simple-websocket runs on both; each
open WebSocket (a board, a counter page) holds one worker thread, hence the generous thread count.
"""
import importlib.util
import logging
import os

log = logging.getLogger(__name__)
THREADS = int(os.environ.get('LUOT_THREADS', '400'))


def choose_server():
    """'gunicorn' on POSIX systems that have it, unless LUOT_SERVER=werkzeug; else 'werkzeug'."""
    wanted = os.environ.get('LUOT_SERVER', '').lower()
    if wanted == 'werkzeug' or os.name != 'posix' or importlib.util.find_spec('gunicorn') is None:
        return 'werkzeug'
    return 'gunicorn'


def serve(make_app, host, port, on_exit):
    """Run until SIGTERM or Ctrl+C; make_app() builds the app in the serving process."""
    if choose_server() == 'gunicorn':
        _serve_gunicorn(make_app, host, port, on_exit)
    else:
        _serve_werkzeug(make_app, host, port, on_exit)


def _serve_werkzeug(make_app, host, port, on_exit):
    from .extensions import socketio
    app = make_app()
    try:
        socketio.run(app, host=host, port=port, use_reloader=False, log_output=False,
                     allow_unsafe_werkzeug=True)
    except KeyboardInterrupt:
        pass
    finally:
        on_exit(app)


def _serve_gunicorn(make_app, host, port, on_exit):
    from gunicorn.app.base import BaseApplication

    built = {}

    class Server(BaseApplication):
        def load_config(self):
            options = {
                'bind': '[%s]:%d' % (host, port) if ':' in host else '%s:%d' % (host, port),
                'workers': 1,            # Socket.IO sessions live in one process (several: use Redis)
                'worker_class': 'gthread', 'threads': THREADS,
                'worker_connections': THREADS + 1000,  # else gthread keeps no connection alive
                'keepalive': 75, 'timeout': 60, 'graceful_timeout': 5,
                'accesslog': None, 'errorlog': '-', 'loglevel': 'warning',
                'worker_exit': lambda _server, _worker: built.get('app') and on_exit(built['app']),
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            built['app'] = make_app()
            return built['app']

    Server().run()
