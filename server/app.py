"""The application factory: config, database, extensions, blueprints, Socket.IO and the app's runtime."""
import logging
from pathlib import Path

from flask import Flask, has_request_context, request
from flask_babel import get_locale
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

from server.access import security
from server.config import load_config
from server.extensions import babel, csrf, db, socketio
from server.live import fanout

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ('vi', 'en')


class DatabaseId(IntegerConverter):
    """<int:...> in every route: an id beyond 64 bits cannot exist, so it is a plain 404."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2 ** 63 - 1, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value):
        # Not werkzeug's ValidationError ("try the next rule"): when two rules share a path with different
        # methods (PATCH and DELETE /counters/<n>), the router then answers 405 for one of them instead of 404.
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None


def select_locale():
    """Vietnamese unless the user chose English (cookie) or an API caller asks for it."""
    if not has_request_context():
        return 'vi'
    chosen = request.cookies.get('lang')
    if chosen in LANGUAGES:
        return chosen
    if request.path.startswith('/api/'):
        return request.accept_languages.best_match(LANGUAGES, default='vi')
    return 'vi'


def create_app(config=None):
    """Build the application: config, database, extensions, blueprints, Socket.IO and its runtime (not started)."""
    from server import api, errors, pages
    from server.auth import load_principal, protect_forms
    from server.db.database import open_database
    from server.db.migrations import upgrade_schema
    from server.host import url_rules
    from server.live import connections
    from server.pages import account

    app = Flask('server', template_folder=str(ROOT / 'templates'), static_folder=str(ROOT / 'server' / 'pages' / 'static'))
    app.url_rule_class = url_rules.rule_class()   # URL builders compiled on first use (server/host/url_rules.py)
    app.url_map.converters['int'] = DatabaseId
    load_config(app, config)
    from server.live import relay
    from server.live.events import watch_message_queue
    from server.live.publisher import Publisher
    from server.runtime import Runtime
    from server.sms.messaging import Gateway

    # its caches start empty; its threads start in main() only
    runtime = app.extensions['luot'] = Runtime(app, Publisher(app), Gateway())
    db.initialize(open_database(app.config['DATABASE_URL']))
    upgrade_schema()
    if app.config['SCHEDULER'] and not app.config['MESSAGE_QUEUE']:
        connections.forget_all()   # the one serving process starts: connections recorded by an earlier run are gone
    babel.init_app(app, locale_selector=select_locale, default_translation_directories='translations')
    app.jinja_env.globals['get_locale'] = get_locale
    csrf.init_app(app)
    # A 10 s ping lets a board notice a silently dead network within ~20 s instead of ~45 s.
    socketio.init_app(app, async_mode='threading', message_queue=app.config['MESSAGE_QUEUE'],
                      channel='luot', ping_interval=10, ping_timeout=10, **_message_queue(app))
    if not app.config['TLS']:   # its direct sends need plain sockets; over TLS the stock writer threads send
        fanout.install(socketio)
    security.install(app)      # after Socket.IO wrapped the app: its answers get the headers too
    runtime.link = relay.link_of(socketio)
    watch_message_queue(app)
    errors.register_error_handlers(app)

    @app.before_request
    def open_connection():
        db.connect(reuse_if_open=True)
        upload = getattr(app.view_functions.get(request.endpoint), 'max_upload', None)
        if upload:   # an upload view (board media) reads a bigger body than MAX_CONTENT_LENGTH
            request.max_content_length = upload
        load_principal()
        protect_forms()
        return account.password_change_first()   # a page or API call before a forced password change

    @app.teardown_request
    def close_connection(_exc):
        if not db.is_closed():
            db.close()

    api.register(app)
    pages.register(app)
    _register_display(app)
    from server.queueing import printing
    printing.check_default_printer(app)
    return app


def _register_display(app):
    from display import bp as display_bp
    from display.namespace import DisplayNamespace, TrackNamespace
    app.register_blueprint(display_bp)
    socketio.on_namespace(DisplayNamespace('/display'))
    socketio.on_namespace(TrackNamespace('/track'))


def _message_queue(app):
    """The Socket.IO client manager: None (the plain one) without a queue, since Flask-SocketIO keeps its options
    from one init_app to the next and an earlier app's message queue must not carry over (tests build many)."""
    from server.live.relay import manager_for
    manager = manager_for(app.config['MESSAGE_QUEUE'])
    if manager is None and app.config['MESSAGE_QUEUE']:
        return {}   # a queue other than Redis: Flask-SocketIO builds its manager from the URL
    return {'client_manager': manager}


logging.getLogger('werkzeug').setLevel(logging.WARNING)
