"""Extensions created unbound here and bound in create_app(); the pinned libraries' check for our seams."""
from importlib import metadata

from flask_babel import Babel
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect
from peewee import DatabaseProxy

db = DatabaseProxy()
socketio = SocketIO()
babel = Babel()
csrf = CSRFProtect()


def unpinned(tested_with, checked):
    """Why a seam into a library's internals cannot be used: the first library whose installed version is not
    the exact one in `tested_with` (name -> version), said as "<name> is <installed>, <checked> <version>"; None
    when all match."""
    for name, version in tested_with.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            return '%s is %s, %s %s' % (name, installed, checked, version)
    return None
