"""What a citizen may name as the procedure in an SMS, in two tiers: first the office's own bookable services,
their procedures and the procedures' short names; then, with no set-up, the shipped catalogue's names for the
procedures of a service named after a standard field ("khai sinh" books the service "Hộ tịch")."""
import datetime

from server.booking import catalogue
from server.booking.office_hours import parse_clock, slots
from server.clock import local_naive
from server.models import Procedure, Service
from server.sms.matching import Candidate

NOON = datetime.time(12)
SESSION_DEFAULTS = {'sang': datetime.time(8), 'chieu': datetime.time(14)}


def _bookable_services():
    return list(Service.select().where(Service.active == True, Service.bookable == True))  # noqa: E712


def short_names(text):
    """The short names of a procedure's aliases field: one a line, blank lines left out."""
    return [line.strip() for line in (text or '').splitlines() if line.strip()]


def own_candidates():
    """The office's names: each bookable service, each of its active procedures by name and by short name
    (a procedure taken from the catalogue answers to the catalogue's short names too)."""
    found = [Candidate(('service', service.code), service.name, service.code) for service in _bookable_services()]
    for procedure in (Procedure.select(Procedure, Service).join(Service)
                      .where(Procedure.active == True, Service.active == True,  # noqa: E712
                             Service.bookable == True)  # noqa: E712
                      .order_by(Procedure.sort_order, Procedure.id)):
        key, code = ('procedure', procedure.id), procedure.service.code
        entry = catalogue.entry_by_key(procedure.catalogue_key) if procedure.catalogue_key else None
        names = [procedure.name, *short_names(procedure.aliases), *(entry.aliases if entry else ())]
        found += [Candidate(key, name, code) for name in dict.fromkeys(names)]
    return found


def catalogue_candidates():
    """The catalogue's names for each bookable service named after a standard field: the field's names and its
    procedures' names and short names, each booking the service itself."""
    found = []
    for service in _bookable_services():
        field = catalogue.field_for_service(service.name)
        if field is None:
            continue
        names = [field.name, *field.aliases]
        for entry in catalogue.entries_of(field.key):
            names += [entry.name, *entry.aliases]
        found += [Candidate(('service', service.code), name, service.code) for name in dict.fromkeys(names)]
    return found


def session_start(service_code, day, session, now):
    """The time to book for a session said without a time ("sáng", "chiều"): its first free slot that has not
    begun, else its first slot (or a usual time when it has none), which the booking then refuses with the
    nearest free slots."""
    morning = session == 'sang'
    service = Service.by_code(service_code)
    starts = [(slot, parse_clock(slot['start'])) for slot in (slots(service, day, local_naive(now)) if service else ())]
    in_session = [(slot, start) for slot, start in starts if (start < NOON) == morning]
    free = [start for slot, start in in_session if not slot['past'] and slot['booked'] < slot['capacity']]
    return (free or [start for _slot, start in in_session] or [SESSION_DEFAULTS[session]])[0]

