"""Extensions created unbound here and bound in create_app()."""
from flask_babel import Babel
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect
from peewee import DatabaseProxy

db = DatabaseProxy()
socketio = SocketIO()
babel = Babel()
csrf = CSRFProtect()
