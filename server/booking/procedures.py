"""The office's procedures (thủ tục): a service named after a standard field gets the catalogue's procedures of
that field; short names citizens use (aliases, one per line), the guide link printed as a QR code."""
import re

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _

from server.booking import catalogue
from server.errors import Conflict
from server.host.addresses import external_url
from server.models import Procedure, Service
from server.sms.text import fold

ALIAS_SEPARATORS = re.compile(r'[\n;|]')
MAX_ALIASES = 20
MAX_ALIAS = 100


def aliases_of(procedure):
    """The procedure's short names, as a list."""
    return [line.strip() for line in (procedure.aliases or '').splitlines() if line.strip()]


def aliases_text(aliases):
    """Short names as stored (one per line): trimmed, blanks and repeats (ignoring case and marks) dropped."""
    kept, seen = [], set()
    for alias in aliases:
        alias = ' '.join(str(alias).split())
        if alias and fold(alias) not in seen:
            seen.add(fold(alias))
            kept.append(alias)
    return '\n'.join(kept)


def split_aliases(text):
    """Short names typed in one cell or field, separated by ";", "|" or new lines."""
    return [part.strip() for part in ALIAS_SEPARATORS.split(text or '') if part.strip()]


def same_name(service, name, but=None):
    """The service's procedure of that name (whatever its case), or None."""
    # Compared in Python: SQLite's LOWER() leaves Vietnamese capitals as they are.
    for other in Procedure.select().where(Procedure.service == service, Procedure.id != (but or 0)):
        if other.name.casefold() == name.casefold():
            return other
    return None


def refuse_duplicate(service, name, but=None):
    """A 409 when the service already has a procedure of that name: SMS and the hotline could not tell them
    apart."""
    other = same_name(service, name, but)
    if other is not None:
        raise Conflict(_('Lĩnh vực "%(service)s" đã có thủ tục "%(name)s".', service=service.name, name=other.name),
                       'duplicate_procedure')


def add_from_catalogue(service):
    """Give a service named after a standard field ("Hộ tịch") that field's procedures, with their short names;
    the ones it already has (by name) are left as they are. Returns the procedures added."""
    field = catalogue.field_for_service(service.name)
    if field is None:
        return []
    return add_entries(service, catalogue.entries_of(field.key))


def add_entries(service, entries):
    """Procedures for catalogue entries the service does not have yet (by name), after the ones it has."""
    added = []
    start = (Procedure.select().where(Procedure.service == service).count())
    for order, entry in enumerate(entries, start=start):
        if same_name(service, entry.name) is None:
            added.append(Procedure.create(service=service, name=entry.name, aliases=aliases_text(entry.aliases),
                                          guide_url=entry.guide_url, catalogue_key=entry.key, sort_order=order))
    return added


def ordered(service=None):
    """The procedures (of one service, or all) in the console's order: by service, then as the office sorted
    them."""
    query = Procedure.select(Procedure, Service).join(Service)
    if service is not None:
        query = query.where(Procedure.service == service)
    return query.order_by(Service.sort_order, Service.code, Procedure.sort_order, Procedure.name)


def guide_page(procedure, base=None):
    """The address of the procedure's public page on this server (/thu-tuc/<id>), for links and QR codes:
    under base when given, else LUOT_PUBLIC_URL, else the address the request came to."""
    base = base or current_app.config.get('PUBLIC_URL')
    path = '/thu-tuc/%d' % procedure.id
    if base:
        return base.rstrip('/') + path
    if has_request_context():
        return external_url(url_for('guides.guide', procedure_id=procedure.id))
    return path


def guide_link(procedure, base=None):
    """Where the procedure's QR code leads: the guide link the office set, else its public page here."""
    return procedure.guide_url or guide_page(procedure, base)
