"""The address printed in links and QR codes: LUOT_PUBLIC_URL, else the one the request really came to.

A Host header is the caller's to write: a ticket, a pairing link or a printed QR code built from a
forged one would send citizens (or a new kiosk and its token) to another site. So without
PUBLIC_URL the Host header is used only when it names this machine (its address on the connection
that carried the request, "localhost" or the machine's name) and that connection's port; otherwise
the link names the connection's own address.
"""
import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app, g, request


def base_url():
    """'http://192.168.1.10:5000' (no trailing slash) for links that leave this browser."""
    public = current_app.config.get('PUBLIC_URL')
    if public:
        return public.rstrip('/')
    if '_luot_base_url' not in g:   # once per request: a list of tickets asks for each
        g._luot_base_url = _request_base_url()
    return g._luot_base_url


def _request_base_url():
    claimed = _split_host(request.host)
    local = _local_address(request.environ)
    if claimed is not None and _names_this_machine(claimed, local, request.environ):
        return request.host_url.rstrip('/')
    host, port = local or (request.environ.get('SERVER_NAME') or 'localhost', request.environ.get('SERVER_PORT'))
    if str(port) == ('443' if request.scheme == 'https' else '80'):
        port = None
    return '%s://%s' % (request.scheme, _join(host, port))


def external_url(path):
    """An absolute link to a path of this server ('/t/abc' -> 'http://192.168.1.10:5000/t/abc')."""
    return base_url() + path


def _split_host(host):
    """(hostname, port or None) of a Host header, or None when it is not a plain host[:port]."""
    try:
        parts = urlsplit('//' + host)
        return (parts.hostname or '').lower().rstrip('.'), parts.port
    except ValueError:
        return None


def _local_address(environ):
    """(ip, port) of this end of the request's connection (Werkzeug's and gunicorn's servers give the
    socket), or None (the test client)."""
    connection = environ.get('werkzeug.socket') or environ.get('gunicorn.socket')
    try:
        address = connection.getsockname()[:2] if connection is not None else None
    except OSError:
        return None
    return address if address and address[0] else None


def _names_this_machine(claimed, local, environ):
    hostname, port = claimed
    default = 443 if environ.get('wsgi.url_scheme') == 'https' else 80
    if local is not None:
        if (port or default) != local[1]:
            return False
        if _same_ip(hostname, local[0]):
            return True
    elif _is_loopback(hostname):
        return True
    return hostname in machine_names()


@lru_cache(maxsize=1)
def machine_names():
    """Names that always mean this machine (no DNS lookup: a request never waits on it)."""
    name = socket.gethostname().lower().rstrip('.')
    return frozenset({'localhost', name, name + '.local', name.split('.')[0]} - {''})


def _same_ip(hostname, address):
    try:
        return ipaddress.ip_address(hostname) == ipaddress.ip_address(address.split('%')[0])
    except ValueError:
        return False


def _is_loopback(hostname):
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def _join(host, port):
    host = '[%s]' % host if ':' in host else host
    return '%s:%s' % (host, port) if port else host


def lan_addresses():
    """The machine's IPv4 addresses that other PCs on the LAN can reach."""
    found = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(info[4][0])
    except OSError:
        pass
    public = sorted(a for a in found if not a.startswith('127.'))
    return public or ['127.0.0.1']
