"""The JSON API of the office calendar: hours and holidays (procedures are in procedures.py, files, hồ sơ,
in dossiers.py)."""
from flask import jsonify, request
from flask_babel import gettext as _

from server import caches
from server.api.blueprint import actor, bp
from server.audit import audit
from server.auth import requires
from server.booking import holidays, office_hours
from server.errors import Invalid, NotFound
from server.extensions import db
from server.labels import weekday_names
from server.models import Holiday
from server.validation import boolean, json_body, parse_day, parse_time, text


def hours_dict():
    hours, names = office_hours.weekly_hours(), weekday_names()
    return [{'weekday': weekday, 'name': names[weekday],
             'sessions': {session: {'start': start, 'end': end} for session, (start, end) in
                          sorted(hours.get(weekday, {}).items()) if start < end}}
            for weekday in range(7)]


@bp.get('/office-hours')
@requires('hotline', 'admin')
def get_hours():
    return jsonify(hours_dict())


@bp.put('/office-hours')
@requires('admin')
def put_hours():
    """Replace the week: [{"weekday": 0, "sessions": {"morning": {"start", "end"}, ...}}, ...]."""
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, list) or len(body) > 7:
        raise Invalid(_('Dữ liệu phải là danh sách các ngày trong tuần.'), 'invalid_json')
    hours = {}
    for day in body:
        weekday = day.get('weekday') if isinstance(day, dict) else None
        sessions = day.get('sessions') if isinstance(day, dict) else None
        if not isinstance(weekday, int) or isinstance(weekday, bool) or not 0 <= weekday <= 6 \
                or not isinstance(sessions, dict):
            raise Invalid(_('Mỗi ngày cần "weekday" (0-6) và "sessions".'), 'invalid_type')
        hours[weekday] = {}
        for session, times in sessions.items():
            if not isinstance(times, dict):
                raise Invalid(_('Buổi làm việc không hợp lệ.'), 'invalid_session')
            hours[weekday][session] = tuple(parse_time(text(times, edge, 5, required=True), edge)
                                            for edge in ('start', 'end'))
    office_hours.set_weekly_hours(hours)
    with db.atomic():
        audit(None, 'hours_changed', actor())
    return jsonify(hours_dict())


def holiday_dict(holiday):
    return {'date': holiday.day.isoformat(), 'name': holiday.name}


@bp.get('/holidays')
@requires('hotline', 'admin')
def list_holidays():
    query = Holiday.select().order_by(Holiday.day)
    year = request.args.get('year', type=int)
    if year is not None:
        if not 2000 <= year <= 2100:
            raise Invalid(_('Năm phải từ 2000 đến 2100.'), 'out_of_range')
        query = query.where(Holiday.day.year == year)
    return jsonify([holiday_dict(h) for h in query])


@bp.post('/holidays')
@requires('admin')
def add_holiday():
    """A day off; 409 has_bookings listing that day's open bookings unless "cancel_bookings": true."""
    body = json_body()
    # The console sends the day as typed (dd/mm/yyyy); scripts send YYYY-MM-DD.
    day = parse_day(text(body, 'date', 10, required=True), 'date', iso=True, typed=True)
    name = text(body, 'name', 100, required=True)
    holiday, cancelled = holidays.add(day, name, actor(), cancel_bookings=boolean(body, 'cancel_bookings'))
    return jsonify(dict(holiday_dict(holiday), cancelled=[a.code for a in cancelled])), 201


@bp.delete('/holidays/<day>')
@requires('admin')
def delete_holiday(day):
    date = parse_day(day)
    with db.atomic():
        if Holiday.delete().where(Holiday.day == date).execute() != 1:
            raise NotFound(_('Ngày %(day)s không phải ngày nghỉ.', day=date.strftime('%d/%m/%Y')), 'unknown_holiday')
        audit(None, 'holiday_removed', actor(), date=date.isoformat())
        db.after_commit(caches.forget_all)   # the calendar's copy (office_hours) still has the day off
    return jsonify({'date': date.isoformat(), 'deleted': True})
