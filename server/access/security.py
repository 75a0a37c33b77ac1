"""Headers every answer carries, Socket.IO's and static files' included: what the browser may load and run.

Every asset is served by this server (the LAN may have no internet), so the policy names no other
site. Scripts and styles come from files only: no inline script, style attribute or onclick runs
even if a name or a note ever slipped into a page unescaped. Speech plays from blob: URLs (the
board's announcer). Pages may not be framed (clickjacking of the console), and no Referer leaves
a page: pairing tokens and track ids ride in URLs.
"""
import re

_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self' blob:; "
           "font-src 'self'; connect-src 'self'{sockets}; object-src 'none'; base-uri 'none'; "
           "form-action 'self'; frame-ancestors 'none'")
# WebSockets are named explicitly as well: browsers before CSP 3 (older TVs and tablets) do not count
# ws:// of the page's own host as 'self', and every page here talks to the server over one.
_PLAIN_HOST = re.compile(r'^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$')
FIXED_HEADERS = [
    ('X-Frame-Options', 'DENY'),
    ('X-Content-Type-Options', 'nosniff'),
    ('Referrer-Policy', 'no-referrer'),
]


def content_security_policy(host=None):
    """The policy for a page served at `host` (the Host header: used only when it is a plain host[:port])."""
    sockets = ' ws://{0} wss://{0}'.format(host) if host and _PLAIN_HOST.match(host) else ''
    return _POLICY.format(sockets=sockets)


class SecurityHeaders:
    """WSGI middleware around the whole application, so Engine.IO's own answers get the headers too."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        policy = ('Content-Security-Policy', content_security_policy(environ.get('HTTP_HOST')))

        def start_with_headers(status, headers, exc_info=None):
            present = {name.lower() for name, _value in headers}
            headers.extend(header for header in FIXED_HEADERS + [policy] if header[0].lower() not in present)
            return start_response(status, headers, exc_info)
        return self.wsgi_app(environ, start_with_headers)


def install(app):
    """Wrap the app (after Socket.IO has wrapped it) so that every answer carries the headers."""
    app.wsgi_app = SecurityHeaders(app.wsgi_app)
