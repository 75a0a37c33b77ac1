"""The OpenAPI description of the office's reports (server/api/reports.py, server/queueing/reports.py)."""
from server.api.openapi_schemas import nullable, obj, ref, string

COUNT = {'type': 'integer', 'minimum': 0}
MINUTES = nullable({'type': 'number', 'minimum': 0})
DAY = string(format='date')
DEFINITIONS = (
    'A ticket belongs to its office day. "issued" counts against the line that numbered it; called, served '
    '("served") and absent ("no_show") against the line, counter and staff member it ended with; "transferred" '
    'each transfer against the line, counter and staff member it left. Waiting runs from joining the line that '
    'called it (queued_at, or its last transfer) to that call; service from the call to the end of served '
    'tickets. Medians are statistics.median, the 90th percentiles the nearest rank (the ceil(0.9 n)-th '
    'smallest), in minutes to one decimal, null without data. Satisfaction is the ratings of the range\'s '
    'tickets (4 very satisfied ... 1 dissatisfied); appointments are those dated in the range, cancelled '
    'ones left out. "previous" is the period before: the month before a whole calendar month, else as many '
    'days just before.')


def _row(identity):
    fields = dict(identity, name=string(), called=COUNT, served=COUNT, no_show=COUNT, transferred=COUNT,
                  wait_median_min=MINUTES, wait_p90_min=MINUTES, service_median_min=MINUTES,
                  service_p90_min=MINUTES, mean_wait_min=MINUTES, mean_service_min=MINUTES,
                  satisfaction_count=COUNT, satisfaction_mean=nullable({'type': 'number', 'minimum': 1, 'maximum': 4}),
                  issued=COUNT)
    return obj(list(fields), **fields)


def schemas():
    """ReportFigures (one period) and Report (with the previous period)."""
    appointments = dict(booked=COUNT, kept=COUNT, missed=COUNT)
    figures = dict(
        **{'from': DAY, 'to': DAY},
        services=_row_array({'code': string(16)}), counters=_row_array({'number': {'type': 'integer'}}),
        staff=_row_array({'username': string(50)}), total=_row({'code': string(16)}),
        hours={'type': 'array', 'minItems': 24, 'maxItems': 24,
               'items': obj(['hour', 'arrivals'], hour={'type': 'integer', 'minimum': 0, 'maximum': 23},
                            arrivals=COUNT)},
        appointments=obj(['booked', 'kept', 'missed', 'services'], **appointments, services={
            'type': 'array', 'items': obj(['code', 'name', *appointments], code=string(16), name=string(),
                                          **appointments)}),
        satisfaction=obj(['count', 'by_score', 'mean'], count=COUNT, mean=nullable({'type': 'number'}),
                         by_score=obj(['1', '2', '3', '4'], **{str(score): COUNT for score in (1, 2, 3, 4)})))
    return {'ReportFigures': obj(list(figures), **figures),
            'Report': obj(list(figures) + ['previous'], **figures, previous=ref('ReportFigures'))}


def _row_array(identity):
    return {'type': 'array', 'items': _row(identity)}


def paths(op, path_param, query, array):
    """GET /reports, /reports.xlsx and /reports.csv."""
    params = [query('from', DAY, 'The first office day (YYYY-MM-DD); today when from and to are missing.'),
              query('to', DAY, 'The last office day (YYYY-MM-DD), at most 366 days after from; from alone: one day.')]
    errors = ('400 invalid_date (not YYYY-MM-DD), invalid_range (from after to), range_too_long (over 366 '
              'days), in Vietnamese unless Accept-Language asks for English.')

    def download(summary, mimetype, extra):
        item = op(summary, ('admin',), {'type': 'string'}, errors=(400,), tag='setup', params=params,
                  description=' '.join((extra, errors)))
        item['responses']['200']['content'] = {mimetype: {'schema': {'type': 'string', 'format': 'binary'}}}
        return {'get': item}
    return {
        '/reports': {'get': op('The office\'s report for a range of days', ('admin',), ref('Report'),
                               errors=(400,), tag='setup', params=params,
                               description=' '.join((DEFINITIONS, errors)))},
        '/reports.xlsx': download(
            'The same as an Excel workbook', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            'Vietnamese headers: a summary sheet (Tổng hợp) with both periods, then Lĩnh vực, Quầy, Cán bộ, Theo '
            'giờ, Lịch hẹn, Mức độ hài lòng, each figure followed by the period before\'s ("... (kỳ trước)"); numbers '
            'and dates are real cells with formats (dd/mm/yyyy).'),
        '/reports.csv': download(
            'The same as CSV', 'text/csv',
            'UTF-8 with a byte order mark, comma-separated: the periods, then one section per table (its title, '
            'its header, its rows, an empty line); a dot for decimals, dates dd/mm/yyyy.'),
    }
