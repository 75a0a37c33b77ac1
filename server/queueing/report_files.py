"""The report as files: an .xlsx workbook (a summary sheet, then one sheet per table) and a CSV of the same
tables, both with Vietnamese headers (the user's language) built from one description of the tables; each table
gives this period's figures, then the same figures of the period before.

CSV: UTF-8 with a byte order mark (so Excel on Windows reads the diacritics), comma-separated, one section
per table: its title on a line, its header, its rows, then an empty line. Numbers use a dot for decimals,
dates are dd/mm/yyyy. Texts a spreadsheet would run as a formula are written as text (server/spreadsheets.py).
"""
import csv
import io

from flask_babel import gettext as _

from server.clock import DAY_FORMAT
from server.labels import RATING_SCORE
from server.spreadsheets import append_row, as_text

COUNT, MINUTES, SCORE, PERCENT, DAY, HOUR = '#,##0', '0.0', '0.00', '0.0%', 'dd/mm/yyyy', '00":00"'


def _timing_columns():
    return [(_('Đã gọi'), 'called', COUNT), (_('Đã phục vụ'), 'served', COUNT), (_('Vắng mặt'), 'no_show', COUNT),
            (_('Đã chuyển'), 'transferred', COUNT), (_('Chờ trung vị (phút)'), 'wait_median_min', MINUTES),
            (_('Chờ P90 (phút)'), 'wait_p90_min', MINUTES), (_('Phục vụ trung vị (phút)'), 'service_median_min',
                                                              MINUTES),
            (_('Phục vụ P90 (phút)'), 'service_p90_min', MINUTES), (_('Số lượt đánh giá'), 'satisfaction_count',
                                                                    COUNT),
            (_('Điểm hài lòng trung bình (1-4)'), 'satisfaction_mean', SCORE)]


def _table(title, columns, rows):
    """(title, headers, formats, value rows) of one table from (header, key, format) columns."""
    return (title, [c[0] for c in columns], [c[2] for c in columns],
            [[row.get(key) for _header, key, _format in columns] for row in rows])


def _beside_previous(columns, rows, previous_rows, key):
    """The columns, then each figure's column for the period before ("... (kỳ trước)"), rows matched by `key`."""
    figures = columns[2:]   # after the key and the name
    before = {row[key]: row for row in previous_rows}
    # Someone absent from the period before counts 0 there; a time or a mean has no value.
    merged = [dict(row, **{'before_' + figure: before[row[key]].get(figure) if row[key] in before else
                           (0 if number_format == COUNT else None)
                           for _header, figure, number_format in figures}) for row in rows]
    return columns + [(_('%(column)s (kỳ trước)', column=header), 'before_' + figure, number_format)
                      for header, figure, number_format in figures], merged


def satisfaction_rows(report):
    """One row per score, best first: its words, the score, this period's count and share, the period before's."""
    now, before = report['satisfaction'], report['previous']['satisfaction']
    return [{'name': str(RATING_SCORE[score]), 'score': score, 'count': now['by_score'][str(score)],
             'share': now['by_score'][str(score)] / now['count'] if now['count'] else None,
             'previous': before['by_score'][str(score)]} for score in sorted(RATING_SCORE, reverse=True)]


def tables(report):
    """Every table of the report: Lĩnh vực, Quầy, Cán bộ, Theo giờ, Lịch hẹn, Mức độ hài lòng."""
    previous = report['previous']
    services = _table(_('Lĩnh vực'), *_beside_previous(
        [(_('Mã'), 'code', None), (_('Tên'), 'name', None), (_('Đã lấy số'), 'issued', COUNT)] + _timing_columns(),
        report['services'] + [report['total']], previous['services'] + [previous['total']], 'code'))
    counters = _table(_('Quầy'), *_beside_previous(
        [(_('Quầy'), 'number', COUNT), (_('Tên'), 'name', None)] + _timing_columns(), report['counters'],
        previous['counters'], 'number'))
    staff = _table(_('Cán bộ'), *_beside_previous(
        [(_('Tài khoản'), 'username', None), (_('Họ tên'), 'name', None)] + _timing_columns(), report['staff'],
        previous['staff'], 'username'))
    arrivals_before = {row['hour']: row['arrivals'] for row in previous['hours']}
    hours = _table(_('Theo giờ'), [(_('Giờ'), 'hour', HOUR), (_('Lượt đến'), 'arrivals', COUNT),
                                   (_('Kỳ trước'), 'previous', COUNT)],
                   [dict(row, previous=arrivals_before[row['hour']]) for row in report['hours']])
    booked, booked_before = report['appointments'], previous['appointments']
    appointments = _table(_('Lịch hẹn'), *_beside_previous(
        [(_('Mã'), 'code', None), (_('Lĩnh vực'), 'name', None), (_('Đã đặt'), 'booked', COUNT),
         (_('Đến đúng hẹn'), 'kept', COUNT), (_('Không đến'), 'missed', COUNT)],
        booked['services'] + [dict(booked, code='', name=_('Tổng cộng'))],
        booked_before['services'] + [dict(booked_before, code='')], 'code'))
    satisfaction = _table(_('Mức độ hài lòng'), [(_('Mức độ'), 'name', None), (_('Điểm'), 'score', COUNT),
                                                 (_('Số lượt'), 'count', COUNT), (_('Tỉ lệ'), 'share', PERCENT),
                                                 (_('Kỳ trước'), 'previous', COUNT)], satisfaction_rows(report))
    return [services, counters, staff, hours, appointments, satisfaction]


def summary_rows(report):
    """(label, this period, previous period, format) of the headline figures, for the summary and the page."""
    now, before = report, report['previous']
    rows = [(_('Đã lấy số'), 'issued', COUNT), (_('Đã phục vụ'), 'served', COUNT), (_('Vắng mặt'), 'no_show', COUNT),
            (_('Đã chuyển'), 'transferred', COUNT), (_('Chờ trung vị (phút)'), 'wait_median_min', MINUTES),
            (_('Chờ P90 (phút)'), 'wait_p90_min', MINUTES),
            (_('Phục vụ trung vị (phút)'), 'service_median_min', MINUTES),
            (_('Phục vụ P90 (phút)'), 'service_p90_min', MINUTES)]
    answer = [(label, now['total'][key], before['total'][key], number) for label, key, number in rows]
    answer += [(label, now['appointments'][key], before['appointments'][key], COUNT) for label, key in (
        (_('Lịch hẹn đã đặt'), 'booked'), (_('Lịch hẹn đến đúng hẹn'), 'kept'), (_('Lịch hẹn không đến'), 'missed'))]
    answer += [(_('Số lượt đánh giá'), now['satisfaction']['count'], before['satisfaction']['count'], COUNT),
               (_('Điểm hài lòng trung bình (1-4)'), now['satisfaction']['mean'], before['satisfaction']['mean'],
                SCORE)]
    return answer


def _heading(report, office_name):
    return _('%(office)s: báo cáo từ %(first)s đến %(last)s', office=office_name,
             first=report['first'].strftime(DAY_FORMAT), last=report['last'].strftime(DAY_FORMAT))


def _format_row(sheet, row_number, formats):
    for cell, number_format in zip(sheet[row_number], formats):
        if number_format and cell.value is not None:
            cell.number_format = number_format


def _summary_sheet(book, report, office_name):
    from openpyxl.styles import Font
    sheet = book.create_sheet(_('Tổng hợp'))
    append_row(sheet, [_heading(report, office_name)])
    sheet.append([])
    previous = report['previous']
    for label, first, last in ((_('Kỳ báo cáo'), report['first'], report['last']),
                               (_('Kỳ trước'), previous['first'], previous['last'])):
        sheet.append([label, first, last])
        _format_row(sheet, sheet.max_row, (None, DAY, DAY))
    sheet.append([])
    sheet.append([_('Chỉ số'), _('Kỳ này'), _('Kỳ trước'), _('Thay đổi')])
    for cell in sheet[1] + sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for label, now, before, number in summary_rows(report):
        change = round(now - before, 2) if now is not None and before is not None else None
        sheet.append([label, now, before, change])
        _format_row(sheet, sheet.max_row, (None, number, number, number))
    for column, width in zip('ABCD', (36, 14, 14, 14)):
        sheet.column_dimensions[column].width = width


def workbook(report, office_name):
    """The report as .xlsx bytes: the summary with both periods' dates, then one sheet per table (the
    heading on row 1, the column names on row 3, the rows from row 4)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    book = Workbook()
    book.remove(book.active)
    _summary_sheet(book, report, office_name)
    heading = _heading(report, office_name)
    for title, headers, formats, rows in tables(report):
        sheet = book.create_sheet(title)
        append_row(sheet, [heading])
        sheet.append([])
        sheet.append(headers)
        for cell in sheet[1] + sheet[3]:
            cell.font = Font(bold=True)
        for values in rows:
            append_row(sheet, values)
            _format_row(sheet, sheet.max_row, formats)
        sheet.freeze_panes = 'A4'
        for index, header in enumerate(headers):
            sheet.column_dimensions[sheet.cell(3, index + 1).column_letter].width = max(12, len(header) + 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_value(value):
    if value is None:
        return ''
    if hasattr(value, 'strftime'):
        return value.strftime(DAY_FORMAT)
    return as_text(value) if isinstance(value, str) else value


def csv_bytes(report, office_name):
    """The report as CSV (UTF-8 with BOM): the heading and both periods, then one section per table."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\r\n')
    previous = report['previous']
    writer.writerow([_csv_value(_heading(report, office_name))])
    writer.writerow([_('Kỳ báo cáo'), _csv_value(report['first']), _csv_value(report['last'])])
    writer.writerow([_('Kỳ trước'), _csv_value(previous['first']), _csv_value(previous['last'])])
    writer.writerow([])
    writer.writerow([_('Tổng hợp')])
    writer.writerow([_('Chỉ số'), _('Kỳ này'), _('Kỳ trước')])
    for label, now, before, _number in summary_rows(report):
        writer.writerow([label, _csv_value(now), _csv_value(before)])
    for title, headers, formats, rows in tables(report):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(headers)
        for values in rows:
            writer.writerow([_csv_value(value) for value in values])
    return ('\ufeff' + out.getvalue()).encode('utf-8')
