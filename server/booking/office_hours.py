"""The office calendar: opening hours per weekday, holidays, and the appointment slots they make."""
import datetime
import logging

from flask_babel import gettext as _

from server import caches
from server.errors import Invalid
from server.extensions import db
from server.labels import WEEKDAYS, field_label
from server.models import Appointment, Holiday, OpeningHours

log = logging.getLogger(__name__)

SESSIONS = ('morning', 'afternoon')
# A ward office's usual hours: Monday to Friday both sessions, Saturday morning, Sunday closed.
DEFAULT_HOURS = {weekday: {'morning': ('07:30', '11:30'), 'afternoon': ('13:30', '17:00')} for weekday in range(5)}
DEFAULT_HOURS[5] = {'morning': ('07:30', '11:30')}
DEFAULT_HOURS[6] = {}


def parse_clock(value, field='start'):
    """'HH:MM' as a time, or a 400 naming the field."""
    try:
        hours, minutes = value.split(':')
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError(value)
        return datetime.time(int(hours), int(minutes))
    except (AttributeError, ValueError):
        raise Invalid(_('Trường "%(field)s" phải là giờ dạng HH:MM.', field=field_label(field)),
                      'invalid_time') from None


def clock(moment):
    return moment.strftime('%H:%M')


def slot_moment(appointment):
    """When a booking's slot begins (office wall clock)."""
    return datetime.datetime.combine(appointment.date, parse_clock(appointment.start))


# A day's slots, the 14-day strip and the "nearest free slots" search read the hours and holidays for
# every day they look at: one read per second at most, dropped at once when this process changes them.
_calendar = caches.Fresh()


def weekly_hours():
    """{weekday: {session: (start, end)}} as stored, or the defaults when nothing is stored."""
    return _calendar.get('hours', _read_weekly_hours)


def _read_weekly_hours():
    rows = list(OpeningHours.select())
    if not rows:
        return {weekday: dict(sessions) for weekday, sessions in DEFAULT_HOURS.items()}
    hours = {weekday: {} for weekday in range(7)}
    for row in rows:
        hours[row.weekday][row.session] = (row.start, row.end)
    return hours


def set_weekly_hours(hours):
    """Replace the opening hours: {weekday: {session: (start, end)}}; checks each session first."""
    clean = []
    for weekday, sessions in hours.items():
        for session, (start, end) in sessions.items():
            if session not in SESSIONS or weekday not in range(7):
                raise Invalid(_('Buổi làm việc không hợp lệ.'), 'invalid_session')
            if parse_clock(start) >= parse_clock(end, 'end'):
                raise Invalid(_('%(day)s: giờ bắt đầu phải trước giờ kết thúc.', day=WEEKDAYS[weekday]),
                              'invalid_session')
            clean.append({'weekday': weekday, 'session': session, 'start': start, 'end': end})
    with db.atomic():
        OpeningHours.delete().execute()
        if clean:
            OpeningHours.insert_many(clean).execute()
        # An empty week would look like "nothing stored": keep a closed marker instead.
        if not clean:
            OpeningHours.create(weekday=6, session='morning', start='00:00', end='00:00')
        db.after_commit(caches.forget_all)


def holiday_name(day):
    return _calendar.get('holidays', lambda: {row.day: row.name for row in Holiday.select()}).get(day)


def sessions_on(day):
    """The (start, end) times the office is open on a date: none on a holiday."""
    if holiday_name(day):
        return []
    sessions = weekly_hours().get(day.weekday(), {})
    times = [(parse_clock(start), parse_clock(end)) for start, end in sessions.values()]
    return sorted((start, end) for start, end in times if start < end)


def slot_starts(service, day):
    """The (start, end) of each appointment slot of a service on a date."""
    length = datetime.timedelta(minutes=max(5, service.slot_minutes))
    slots = []
    for start, end in sessions_on(day):
        moment = datetime.datetime.combine(day, start)
        close = datetime.datetime.combine(day, end)
        while moment + length <= close:
            slots.append((moment.time(), (moment + length).time()))
            moment += length
    return slots


def slots(service, day, now_local=None):
    """Each slot of a service on a date with its capacity, places taken and whether it has begun."""
    taken = {}
    for appointment in Appointment.taken(service, day):
        taken[appointment.start] = taken.get(appointment.start, 0) + 1
    answer = []
    for start, end in slot_starts(service, day):
        begun = now_local is not None and datetime.datetime.combine(day, start) <= now_local
        answer.append({'start': clock(start), 'end': clock(end), 'capacity': service.slot_capacity,
                       'booked': taken.get(clock(start), 0), 'past': begun})
    return answer


def free_slots_near(service, day, start, now_local, limit=3, days=14):
    """The free slots nearest to a wanted date and time (for "that one is full, try these")."""
    wanted = datetime.datetime.combine(day, start)
    found = []
    first = max(now_local.date(), day - datetime.timedelta(days=days))
    for offset in range((day - first).days + days + 1):
        date = first + datetime.timedelta(days=offset)
        for slot in slots(service, date, now_local):
            if not slot['past'] and slot['booked'] < slot['capacity']:
                moment = datetime.datetime.combine(date, parse_clock(slot['start']))
                found.append((abs(moment - wanted), moment))
    return sorted(moment for _distance, moment in sorted(found)[:limit])


def seed_holidays(years):
    """Add Vietnam's public holidays of the given years (Tết and the others) unless already there. A day that
    already has open bookings is left for the admin to close from the console, where the bookings are shown."""
    import holidays
    added = 0
    with db.atomic():
        for day, name in sorted(holidays.Vietnam(years=list(years), language='vi').items()):
            if Holiday.select().where(Holiday.day == day).exists():
                continue
            if Appointment.select().where(Appointment.date == day, Appointment.status == 'booked').exists():
                log.warning('public holiday %s (%s) not added: the day has open bookings', day, name)
                continue
            Holiday.create(day=day, name=name[:100])
            added += 1
        db.after_commit(caches.forget_all)
    return added
