"""The public page of a procedure (/thu-tuc/<id>), where its printed QR code leads when the office set no guide link
of its own: no login; the procedure, its field, the office, its opening hours and the office's guide link."""
from flask import Blueprint, abort, render_template

from server import settings
from server.api.office_calendar import hours_dict
from server.booking import procedures
from server.models import Procedure, Service

bp = Blueprint('guides', __name__)


def opening_hours():
    """[(weekday name, "07:30–11:30, 13:30–17:00")] of the days the office is open."""
    rows = []
    for day in hours_dict():
        sessions = [times for _session, times in sorted(day['sessions'].items(),
                                                        key=lambda item: item[1]['start'])]
        if sessions:
            rows.append((day['name'], ', '.join('%s–%s' % (s['start'], s['end']) for s in sessions)))
    return rows


@bp.get('/thu-tuc/<int:procedure_id>')
def guide(procedure_id):
    """A procedure the office offers; 404 for one it stopped or removed."""
    procedure = (Procedure.select(Procedure, Service).join(Service)
                 .where(Procedure.id == procedure_id, Procedure.active == True, Service.active == True)  # noqa: E712
                 .first())
    if procedure is None:
        abort(404)
    return render_template('guides/procedure.html', procedure=procedure, service=procedure.service,
                           aliases=procedures.aliases_of(procedure), hours=opening_hours(),
                           office_name=settings.get('office_name'), office_address=settings.get('office_address'),
                           hotline=settings.get('hotline_phone'))
