"""The kiosk's "Tìm theo thủ tục": the names citizens may type to find their service, given to the page once.

Each active service's active procedures, with their short names; a service named after a standard field that
the office gave no procedures of that name finds the catalogue's too, so "khai sinh" finds Hộ tịch with no
set-up. The names are folded as the SMS parser folds them (no marks, lower case); kiosk_procedures.js folds
what is typed the same way."""
from server.booking import catalogue, procedures
from server.models import Procedure, Service
from server.pages.kiosk import bp
from server.sms.text import fold


def _entry(service, name, aliases):
    return {'code': service.code, 'name': name, 'terms': [fold(name)] + [fold(alias) for alias in aliases]}


@bp.app_template_global('procedure_index')
def procedure_index():
    """[{code, name, terms}] of what the kiosk can find, the office's own procedures first."""
    services = [s for s in Service.ordered() if s.active]
    found = []
    rows = (procedures.ordered().where(Procedure.active == True, Service.active == True))  # noqa: E712
    taken = set()
    for procedure in rows:
        found.append(_entry(procedure.service, procedure.name, procedures.aliases_of(procedure)))
        # a procedure taken from the catalogue and renamed since is still that entry
        taken.update({(procedure.service_id, fold(procedure.name)), (procedure.service_id, procedure.catalogue_key)})
    for service in services:
        field = catalogue.field_for_service(service.name)
        for entry in catalogue.entries_of(field.key) if field else ():
            if not {(service.id, fold(entry.name)), (service.id, entry.key)} & taken:
                found.append(_entry(service, entry.name, entry.aliases))
    return found
