"""Office reports for a range of office days: per service, counter and staff member, arrivals per hour,
appointments and satisfaction, beside the same figures of the period before.

Definitions (the console's notes and the API's description say the same):
- A ticket belongs to its office `day`. Issued counts against the line that numbered it (`origin`); called,
  served and absent count against the line, counter and staff member it ended with.
- Transferred counts each transfer against the line it left (the audit row's `from_service`; rows written
  before that was recorded fall back to the ticket's origin) and the counter and staff member who sent it.
- Waiting time is from the moment the ticket joined the line that called it to that call: `queued_at`, or the
  time of its last transfer (a transfer keeps the place in line, but the wait in the new line starts then).
  Time spent in an earlier line or at its counter is not waiting in either line.
- Service time is from the call to the end, for served tickets (serving_at is optional for staff).
- Median is statistics.median (the mean of the two middle values for an even count); the 90th percentile is
  the nearest rank: the ceil(0.9 n)-th smallest value. Minutes, rounded to one decimal.
- Satisfaction is the Rating rows of the range's tickets; appointments are those dated in the range.
"""
import datetime
import json
import math
import statistics
from collections import Counter as Tally

from flask_babel import gettext as _

from server.clock import as_local, office_day
from server.errors import Invalid
from server.models import Appointment, AuditEvent, Counter, Rating, Service, Staff, Ticket
from server.models.booking import RATING_SCORES
from server.validation import parse_day

MAX_DAYS = 366


def date_range(values, now=None, iso=False):
    """(first, last) from `from` and `to` (dd/mm/yyyy typed, or ISO for the API); today when both are missing,
    `from` alone is one day. 400 invalid_date, invalid_range, range_too_long."""
    today = office_day(now)
    first = parse_day(values.get('from'), 'from', iso=iso, typed=not iso) if values.get('from') else None
    last = parse_day(values.get('to'), 'to', iso=iso, typed=not iso) if values.get('to') else None
    first, last = first or last or today, last or first or today
    if first > last:
        raise Invalid(_('Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.'), 'invalid_range')
    if (last - first).days >= MAX_DAYS:
        raise Invalid(_('Mỗi báo cáo tối đa %(days)d ngày.', days=MAX_DAYS), 'range_too_long')
    return first, last


def previous_period(first, last):
    """The period to compare with: the calendar month before a whole month, else as many days just before."""
    if first.day == 1 and (last + datetime.timedelta(days=1)).day == 1 and first.month == last.month:
        end = first - datetime.timedelta(days=1)
        return end.replace(day=1), end
    days = (last - first).days + 1
    return first - datetime.timedelta(days=days), first - datetime.timedelta(days=1)


def median(values):
    """The median in minutes to one decimal, None for no values."""
    return round(statistics.median(values), 1) if values else None


def percentile_90(values):
    """The nearest-rank 90th percentile (the ceil(0.9 n)-th smallest value), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[math.ceil(0.9 * len(ordered)) - 1], 1)


def _mean(values, digits=1):
    return round(sum(values) / len(values), digits) if values else None


class _Row:
    """Counts and timings of one row (a service, a counter, a staff member or the total)."""

    def __init__(self, **identity):
        self.identity = identity
        self.issued = self.called = self.served = self.no_show = self.transferred = 0
        self.waits, self.services, self.scores = [], [], []

    def add_outcome(self, called_at, joined_at, finished_at, status):
        if called_at is not None:
            self.called += 1
            self.waits.append((called_at - joined_at).total_seconds() / 60)
        if status == 'done':
            self.served += 1
            if called_at is not None and finished_at is not None:
                self.services.append((finished_at - called_at).total_seconds() / 60)
        elif status == 'no_show':
            self.no_show += 1

    def as_dict(self):
        return dict(self.identity, issued=self.issued, called=self.called, served=self.served,
                    no_show=self.no_show, transferred=self.transferred,
                    wait_median_min=median(self.waits), wait_p90_min=percentile_90(self.waits),
                    service_median_min=median(self.services), service_p90_min=percentile_90(self.services),
                    mean_wait_min=_mean(self.waits), mean_service_min=_mean(self.services),
                    satisfaction_count=len(self.scores), satisfaction_mean=_mean(self.scores, 2))


def _transfers(first, last):
    """{ticket id: [(at, from service code, counter number, actor)]} of the range's tickets, oldest first."""
    rows = (AuditEvent.select(AuditEvent.ticket, AuditEvent.at, AuditEvent.counter_number, AuditEvent.actor,
                              AuditEvent.detail)
            .join(Ticket).where(AuditEvent.action == 'transferred', Ticket.day.between(first, last))
            .order_by(AuditEvent.at, AuditEvent.id).tuples())
    found = {}
    for ticket_id, at, counter_number, actor, detail in rows:
        code = json.loads(detail or '{}').get('from_service')
        found.setdefault(ticket_id, []).append((at, code, counter_number, actor))
    return found


class _Rows:
    """The report's rows by key: services by id and code, counters by id and number, staff met on the way."""

    def __init__(self):
        self.services = {s.id: _Row(code=s.code, name=s.name) for s in Service.ordered()}
        self.codes = {row.identity['code']: row for row in self.services.values()}
        self.counters = {c.id: _Row(number=c.number, name=c.name) for c in Counter.ordered()}
        self.numbers = {row.identity['number']: row for row in self.counters.values()}
        self.staff, self.usernames = {}, {}
        self.total = _Row(code='', name=_('Tổng cộng'))

    def staff_row(self, staff_id=None, username=None):
        """The row of a staff member by id or by the username an audit row names; None for a device."""
        if staff_id is None and username:
            staff_id = self.usernames.get(username) or Staff.select(Staff.id).where(
                Staff.username == username).scalar()
        if staff_id is None:
            return None
        if staff_id not in self.staff:
            member = Staff.get_or_none(Staff.id == staff_id)
            if member is None:
                return None
            self.usernames[member.username] = staff_id
            self.staff[staff_id] = _Row(username=member.username, name=member.full_name or member.username)
        return self.staff[staff_id]


def _count_tickets(rows, first, last, hours):
    transfers = _transfers(first, last)
    query = (Ticket.select(Ticket.id, Ticket.origin, Ticket.service, Ticket.counter, Ticket.staff,
                           Ticket.issued_at, Ticket.queued_at, Ticket.called_at, Ticket.finished_at, Ticket.status)
             .where(Ticket.day.between(first, last)).tuples())
    for ticket_id, origin_id, service_id, counter_id, staff_id, issued_at, queued_at, *outcome in query:
        rows.services[origin_id].issued += 1
        rows.total.issued += 1
        hours[as_local(issued_at).hour] += 1
        moves = transfers.get(ticket_id, [])
        joined = moves[-1][0] if moves else queued_at
        called_at, finished_at, status = outcome
        targets = [rows.services[service_id], rows.total]
        if called_at is not None:
            targets += [rows.counters.get(counter_id), rows.staff_row(staff_id)]
        for row in filter(None, targets):
            row.add_outcome(called_at, joined, finished_at, status)
        origin_code = rows.services[origin_id].identity['code']
        for _at, code, counter_number, actor in moves:
            username = actor[len('staff:'):] if actor.startswith('staff:') else None
            for row in filter(None, (rows.codes.get(code or origin_code), rows.numbers.get(counter_number),
                                     rows.staff_row(username=username), rows.total)):
                row.transferred += 1


def _satisfaction(rows, first, last):
    by_score = Tally()
    query = (Rating.select(Rating.score, Rating.service, Rating.counter, Rating.staff, Ticket.service)
             .join(Ticket).where(Ticket.day.between(first, last)).tuples())
    for score, service_id, counter_id, staff_id, ticket_service_id in query:
        by_score[score] += 1
        for row in filter(None, (rows.services.get(service_id or ticket_service_id), rows.counters.get(counter_id),
                                 rows.staff_row(staff_id), rows.total)):
            row.scores.append(score)
    count = sum(by_score.values())
    return {'count': count, 'by_score': {str(score): by_score[score] for score in RATING_SCORES},
            'mean': _mean(rows.total.scores, 2)}


def _appointments(first, last):
    """Appointments dated in the range: booked (all but cancelled), kept (checked in), missed (no-show)."""
    per_service = {s.id: {'code': s.code, 'name': s.name, 'booked': 0, 'kept': 0, 'missed': 0}
                   for s in Service.ordered()}
    total = {'booked': 0, 'kept': 0, 'missed': 0}
    query = (Appointment.select(Appointment.service, Appointment.status)
             .where(Appointment.date.between(first, last), Appointment.status != 'cancelled').tuples())
    for service_id, status in query:
        for row in (per_service[service_id], total):
            row['booked'] += 1
            row['kept'] += status == 'checked_in'
            row['missed'] += status == 'no_show'
    return dict(total, services=list(per_service.values()))


def figures(first, last):
    """The figures of office days first..last (see the module's docstring for what each one means)."""
    rows, hours = _Rows(), Tally()
    _count_tickets(rows, first, last, hours)
    satisfaction = _satisfaction(rows, first, last)
    staff = sorted(rows.staff.values(), key=lambda row: row.identity['name'].lower())
    return {'from': first.isoformat(), 'to': last.isoformat(), 'first': first, 'last': last,
            'services': [row.as_dict() for row in rows.services.values()],
            'counters': [row.as_dict() for row in rows.counters.values()],
            'staff': [row.as_dict() for row in staff], 'total': rows.total.as_dict(),
            'hours': [{'hour': hour, 'arrivals': hours[hour]} for hour in range(24)],
            'appointments': _appointments(first, last), 'satisfaction': satisfaction}


def report(first, last):
    """The figures of first..last with those of the period before under 'previous'."""
    answer = figures(first, last)
    answer['previous'] = figures(*previous_period(first, last))
    return answer


def as_json(report_figures):
    """The report as the API answers it: ISO dates, no date objects."""
    def plain(figures_):
        return {key: value for key, value in figures_.items() if key not in ('first', 'last', 'previous')}
    answer = plain(report_figures)
    if 'previous' in report_figures:
        answer['previous'] = plain(report_figures['previous'])
    return answer
