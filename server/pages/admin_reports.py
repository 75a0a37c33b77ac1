"""The console's reports: a range of days (a day, a week, a month or any from-to) beside the period before,
drawn as server-side SVG charts, printable on A4, and downloadable as .xlsx and CSV."""
import datetime

from flask import render_template, request
from flask_babel import format_decimal

from server import settings
from server.api.reports import XLSX, download
from server.auth import page
from server.clock import DAY_FORMAT, office_day
from server.errors import Invalid
from server.pages.admin import bp
from server.queueing import report_files, reports

ONE_DAY = datetime.timedelta(days=1)


def month_end(day):
    """The last day of `day`'s month."""
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - ONE_DAY


def presets(today):
    """The ranges a click away: (label key, first, last)."""
    monday = today - datetime.timedelta(days=today.weekday())
    last_month_end = today.replace(day=1) - ONE_DAY
    return [('today', today, today), ('yesterday', today - ONE_DAY, today - ONE_DAY),
            ('this_week', monday, monday + datetime.timedelta(days=6)),
            ('last_week', monday - datetime.timedelta(days=7), monday - ONE_DAY),
            ('this_month', today.replace(day=1), month_end(today)),
            ('last_month', last_month_end.replace(day=1), last_month_end)]


def typed(first, last):
    """A range as the console's query string writes it: dd/mm/yyyy."""
    return {'from': first.strftime(DAY_FORMAT), 'to': last.strftime(DAY_FORMAT)}


def next_period(first, last):
    """The period after: the next month after a whole month, else as many days just after."""
    if first.day == 1 and last == month_end(first):
        start = last + ONE_DAY
        return start, month_end(start)
    days = (last - first).days + 1
    return last + ONE_DAY, last + datetime.timedelta(days=days)


def change(now, before):
    """The difference with the period before, signed as people read it (+3, −1,5), or '' without both."""
    if now is None or before is None:
        return ''
    difference = round(now - before, 2)
    if difference == 0:
        return '±0'
    shown = format_decimal(abs(difference), format='#,##0.##')
    return ('+' if difference > 0 else '−') + shown


def by_key(rows, key):
    return {row[key]: row for row in rows}


def page_context(report):
    """What the template needs besides the report: the rows of the period before by key, the comparisons."""
    previous = report['previous']
    return {'before': {'services': by_key(previous['services'], 'code'),
                       'counters': by_key(previous['counters'], 'number'),
                       'staff': by_key(previous['staff'], 'username')},
            'summary': report_files.summary_rows(report), 'change': change,
            'chart_hours': chart_hours(report['hours'], previous['hours']),
            'satisfaction_rows': report_files.satisfaction_rows(report)}


def chart_hours(hours, previous):
    """The hours to draw: those between the first and last with arrivals in either period, at least 7-17."""
    busy = [row['hour'] for row in hours + previous if row['arrivals']]
    start, end = min(busy + [7]), max(busy + [16])
    before = by_key(previous, 'hour')
    return [dict(row, previous=before[row['hour']]['arrivals']) for row in hours if start <= row['hour'] <= end]


@bp.get('/admin/reports')
@page()
def report():
    """The report of a chosen range (today by default); bad dates are shown next to the form, with a 400."""
    today = office_day()
    shortcuts = [(key, typed(first, last)) for key, first, last in presets(today)]
    try:
        first, last = reports.date_range(request.args)
    except Invalid as error:
        return render_template('admin/reports.html', report=None, error=error.message, typed=request.args,
                               shortcuts=shortcuts), 400
    figures = reports.report(first, last)
    return render_template('admin/reports.html', report=figures, error=None, typed=typed(first, last),
                           shortcuts=shortcuts, earlier=typed(figures['previous']['first'],
                                                              figures['previous']['last']),
                           later=typed(*next_period(first, last)), **page_context(figures))


@bp.get('/admin/report.xlsx')
@page()
def report_xlsx():
    """The same report as an Excel workbook (the range as the console types it, dd/mm/yyyy)."""
    first, last = reports.date_range(request.args)
    report = reports.report(first, last)
    return download(report_files.workbook(report, settings.get('office_name')), XLSX, report, 'xlsx')


@bp.get('/admin/report.csv')
@page()
def report_csv():
    """The same report as CSV (UTF-8 with BOM)."""
    first, last = reports.date_range(request.args)
    report = reports.report(first, last)
    return download(report_files.csv_bytes(report, settings.get('office_name')), 'text/csv', report, 'csv')
