"""The console's procedures (thủ tục) section: the list by service with short names and guide links, import
and export, and an A4 sheet of QR codes per service for the walls."""
from urllib.parse import urlsplit

import segno
from flask import render_template, request
from flask_babel import gettext as _

from server import settings
from server.api.procedures import procedure_dict
from server.auth import page
from server.booking import catalogue, procedures
from server.errors import NotFound
from server.models import Service
from server.pages.admin import LOOPBACK, _service_choices, base_urls, bp

QR_ERROR = 'm'   # survives a scratched or badly lit print on a wall


def qr_svg(content):
    """A QR code as inline SVG markup (the page's policy allows no data: images), sized by the sheet's CSS."""
    return segno.make_qr(content, error=QR_ERROR).svg_inline(scale=1, border=2, omitsize=True,
                                                               svgclass='qr', lineclass=None)


@bp.get('/admin/procedures')
@page()
def procedure_list():
    """Each service's procedures, and which services are named after a standard field of the catalogue."""
    services = _service_choices()
    rows = [procedure_dict(p) for p in procedures.ordered()]
    fields = {s['code']: catalogue.field_for_service(s['name']) for s in services}
    choices = [(field, len(catalogue.entries_of(field.key))) for field in catalogue.FIELDS]
    return render_template('admin/procedures.html', services=services, procedures=rows, fields=fields,
                           catalogue_fields=choices)


@bp.get('/admin/procedures/sheet')
@page()
def procedure_sheet():
    """A4 sheets of procedures with a QR code each, to print and put on the wall: one service's (?service=HT),
    or without it every open service's, each on its own pages."""
    code = (request.args.get('service') or '')[:16]
    services = [Service.by_code(code)] if code else [s for s in Service.ordered() if s.active]
    if services == [None]:
        raise NotFound(_('Không có lĩnh vực "%(code)s".', code=code), 'unknown_service')
    base = sheet_base()
    sheets = [{'service': service, 'cards': _cards(service, base)} for service in services]
    return render_template('admin/procedures_sheet.html', sheets=sheets, base=base,
                           local_only=urlsplit(base).hostname in LOOPBACK,
                           office_name=settings.get('office_name'))


def _cards(service, base):
    """The sheet's cards of one service: each open procedure's name and the QR code of its guide."""
    cards = []
    for procedure in procedures.ordered(service):
        if procedure.active:
            link = procedures.guide_link(procedure, base)
            cards.append({'name': procedure.name, 'link': link, 'qr': qr_svg(link)})
    return cards


def sheet_base():
    """The address phones will open: LUOT_PUBLIC_URL, else this machine's LAN address rather than localhost
    (the console is often opened on the server PC itself)."""
    urls = base_urls()
    return next((url for url in urls if urlsplit(url).hostname not in LOOPBACK), urls[0])
