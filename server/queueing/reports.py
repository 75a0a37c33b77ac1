"""Office reports: tickets issued, served and missed, and mean waits, per service and per counter."""
import io

from flask_babel import gettext as _

from server.clock import DAY_FORMAT, office_day
from server.errors import Invalid
from server.models import Counter, Service, Ticket
from server.spreadsheets import append_row
from server.validation import parse_day

MAX_DAYS = 366


def date_range(values, now=None):
    """(first, last) from the `from` and `to` of a query string; today when both are missing."""
    today = office_day(now)
    first = parse_day(values.get('from'), 'from', iso=False, typed=True) if values.get('from') else today
    last = parse_day(values.get('to'), 'to', iso=False, typed=True) if values.get('to') else first
    if first > last:
        raise Invalid(_('Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.'), 'invalid_range')
    if (last - first).days >= MAX_DAYS:
        raise Invalid(_('Mỗi báo cáo tối đa %(days)d ngày.', days=MAX_DAYS), 'range_too_long')
    return first, last


class _Tally:
    """Counts and summed minutes for one row of the report."""

    def __init__(self, key, name):
        self.key, self.name = key, name
        self.issued = self.called = self.served = self.no_show = 0
        self.waits, self.services = [], []

    def add_outcome(self, row):
        issued_at, called_at, finished_at, status = row
        if called_at is not None:
            self.called += 1
            self.waits.append((called_at - issued_at).total_seconds() / 60)
        if status == 'done':
            self.served += 1
            if called_at is not None and finished_at is not None:
                self.services.append((finished_at - called_at).total_seconds() / 60)
        elif status == 'no_show':
            self.no_show += 1

    def as_dict(self):
        return {'key': self.key, 'name': self.name, 'issued': self.issued, 'called': self.called,
                'served': self.served, 'no_show': self.no_show, 'mean_wait_min': _mean(self.waits),
                'mean_service_min': _mean(self.services)}


def _mean(minutes):
    return round(sum(minutes) / len(minutes), 1) if minutes else None


def figures(first, last):
    """The report for office days first..last: rows per service, per counter, and the total."""
    services = {s.id: _Tally(s.code, s.name) for s in Service.ordered()}
    counters = {c.id: _Tally(c.number, c.name) for c in Counter.ordered()}
    total = _Tally('', _('Tổng cộng'))
    rows = (Ticket.select(Ticket.origin, Ticket.service, Ticket.counter, Ticket.issued_at, Ticket.called_at,
                          Ticket.finished_at, Ticket.status)
            .where(Ticket.day.between(first, last)).tuples())
    for origin_id, service_id, counter_id, *outcome in rows:
        # A transferred ticket counts as issued by the line that numbered it and is
        # served (or missed) by the line it ended in.
        services[origin_id].issued += 1
        total.issued += 1
        services[service_id].add_outcome(outcome)
        total.add_outcome(outcome)
        if counter_id in counters and outcome[1] is not None:
            counters[counter_id].add_outcome(outcome)
    return {'first': first, 'last': last, 'services': [t.as_dict() for t in services.values()],
            'counters': [t.as_dict() for t in counters.values()], 'total': total.as_dict()}


def _sheet(book, title, heading, rows, key_label, first_column):
    from openpyxl.styles import Font
    sheet = book.create_sheet(title)
    append_row(sheet, [heading])
    sheet.append([])
    labels = [key_label, _('Tên'), first_column[1], _('Đã phục vụ'), _('Vắng mặt'),
              _('Chờ trung bình (phút)'), _('Phục vụ trung bình (phút)')]
    sheet.append(labels)
    for row in rows:
        append_row(sheet, [row['key'], row['name'], row[first_column[0]], row['served'], row['no_show'],
                           row['mean_wait_min'], row['mean_service_min']])
    for cell in sheet[1] + sheet[3]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = 'A4'
    for column, width in zip('ABCDEFG', (10, 36, 14, 14, 12, 22, 24)):
        sheet.column_dimensions[column].width = width
    return sheet


def workbook(report, office_name):
    """The report as .xlsx bytes: one sheet per service, one per counter, totals last on each."""
    from openpyxl import Workbook
    book = Workbook()
    book.remove(book.active)
    heading = _('%(office)s: báo cáo từ %(first)s đến %(last)s', office=office_name,
                first=report['first'].strftime(DAY_FORMAT), last=report['last'].strftime(DAY_FORMAT))
    total = report['total']
    _sheet(book, _('Theo lĩnh vực'), heading, report['services'] + [total], _('Mã'), ('issued', _('Đã lấy số')))
    _sheet(book, _('Theo quầy'), heading, report['counters'] + [dict(total, key='')], _('Quầy'),
           ('called', _('Đã gọi')))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
