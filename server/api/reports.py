"""The office's reports as JSON, .xlsx and CSV for a range of office days (ISO dates, as API.md writes them)."""
from flask import Response, jsonify, request

from server import settings
from server.api.blueprint import bp
from server.auth import requires
from server.queueing import report_files, reports

XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'


def chosen_report():
    """The report of ?from=&to= (YYYY-MM-DD; today when both are missing), with the period before."""
    first, last = reports.date_range(request.args, iso=True)
    return reports.report(first, last)


def download(data, mimetype, report, extension):
    """A file answer named after the range: bao-cao-2026-12-01_2026-12-06.xlsx."""
    filename = 'bao-cao-%s_%s.%s' % (report['from'], report['to'], extension)
    return Response(data, mimetype=mimetype, headers={'Content-Disposition': 'attachment; filename="%s"' % filename,
                                                      'Cache-Control': 'no-store'})


@bp.get('/reports')
@requires('admin')
def report_figures():
    """The figures of the range and of the period before."""
    return jsonify(reports.as_json(chosen_report()))


@bp.get('/reports.xlsx')
@requires('admin')
def report_workbook():
    """The same as an Excel workbook with Vietnamese headers."""
    report = chosen_report()
    return download(report_files.workbook(report, settings.get('office_name')), XLSX, report, 'xlsx')


@bp.get('/reports.csv')
@requires('admin')
def report_csv():
    """The same as CSV (UTF-8 with BOM), one section per table."""
    report = chosen_report()
    return download(report_files.csv_bytes(report, settings.get('office_name')), 'text/csv', report, 'csv')
