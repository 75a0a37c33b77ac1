"""Office time: timestamps are stored as naive UTC and shown in the office's time zone."""
import datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from server.models import utcnow

DEFAULT_ZONE = 'Asia/Ho_Chi_Minh'
DAY_FORMAT = '%d/%m/%Y'   # how dates are shown and typed here; the API uses ISO 8601


def zone():
    name = current_app.config.get('TIMEZONE', DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(name)


def as_local(moment):
    """A stored naive-UTC datetime as an aware one in the office's time zone."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(zone())


def office_day(now=None):
    """The office's calendar date at `now` (naive UTC); numbering restarts when it changes."""
    return as_local(now or utcnow()).date()


def iso(moment):
    """ISO 8601 with the office's offset, or None."""
    local = as_local(moment)
    return local.isoformat(timespec='seconds') if local else None


def day_month_year(moment):
    """dd/mm/yyyy HH:MM in office time, the way people read dates here."""
    local = as_local(moment)
    return local.strftime(DAY_FORMAT + ' %H:%M') if local else ''


def next_local_midnight_utc(now=None):
    """The UTC instant of the next office midnight."""
    local = as_local(now or utcnow())
    midnight = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(),
                                         tzinfo=local.tzinfo)
    return midnight.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def local_naive(now=None):
    """`now` (naive UTC) as a naive datetime on the office's wall clock, for comparing with slot times."""
    return as_local(now or utcnow()).replace(tzinfo=None)


def utc_from_local(moment):
    """A naive office wall-clock datetime as naive UTC, the way timestamps are stored."""
    aware = moment.replace(tzinfo=zone())
    return aware.astimezone(datetime.timezone.utc).replace(tzinfo=None)
