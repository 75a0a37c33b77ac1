"""Scheduled work; each job finds what is due by querying, so a restart loses nothing."""
import datetime
import logging

from apscheduler.schedulers.background import BackgroundScheduler

from server.extensions import db
from server.queueing.end_of_day import close_previous_days

log = logging.getLogger(__name__)


def close_old_days(app):
    """Cancel tickets left open from earlier days (at midnight, and once at start)."""
    with app.app_context(), db.connection_context():
        closed = close_previous_days()
        if closed:
            log.info('closed %d tickets left from earlier days', closed)


def end_office_day(app):
    """After the day's last opening hours (and at midnight): close the day's unserved tickets and idle counters."""
    from server.queueing import end_of_day
    with app.app_context(), db.connection_context():
        end_of_day.end_day_if_due()


def seed_calendar(app):
    """Add this year's and next year's public holidays once (the admin may then edit them)."""
    from server import settings
    from server.booking import office_hours
    from server.clock import office_day
    with app.app_context(), db.connection_context():
        year = office_day().year
        seeded = set(settings.get('holidays_seeded') or [])
        missing = [y for y in (year, year + 1) if y not in seeded]
        if not missing:
            return
        added = office_hours.seed_holidays(missing)
        with db.atomic():
            settings.put('holidays_seeded', sorted(seeded | set(missing)))
        log.info('added %d public holidays of %s', added, ', '.join(map(str, missing)))


def sms_round(app):
    """Receive and send SMS (every few seconds)."""
    from server.sms import messaging
    with app.app_context(), db.connection_context():
        messaging.sms_round(app)


def appointment_round(app):
    """No-shows of bookings whose slot has passed, and "your turn is near" notices."""
    from server.booking import appointments
    from server.sms import messaging
    with app.app_context(), db.connection_context():
        appointments.sweep_no_shows()
        messaging.notify_turn_near()


def nightly_records(app, at_start=False):
    """Erase personal data past its time, then back up the office (at night; at start, a backup only if the
    newest is older than a day's work: an office PC that is off at night is backed up when it starts)."""
    from server import settings
    from server.db import backups, personal_data
    from server.db.storage import RecordsError
    with app.app_context(), db.connection_context():
        personal_data.purge()
        keep = settings.get('backup_keep')
    try:
        backups.nightly(app.config, keep, at_start=at_start)
    except RecordsError as error:
        log.error('nightly backup failed: %s', error)


def schedule(app):
    """Start a scheduler with the jobs in the office's time zone; the app's runtime holds it (server/runtime.py)."""
    from server.sms import outbox
    with app.app_context(), db.connection_context():
        outbox.recover_interrupted()
    scheduler = BackgroundScheduler(timezone=app.config['TIMEZONE'])
    every_day = dict(replace_existing=True, misfire_grace_time=3600, coalesce=True)
    scheduler.add_job(close_old_days, 'cron', hour=0, minute=0, second=5, args=[app], id='close_old_days',
                      **every_day)
    scheduler.add_job(seed_calendar, 'cron', hour=0, minute=1, args=[app], id='seed_calendar', **every_day)
    # Also at start, for an office PC that was off at midnight.
    scheduler.add_job(close_old_days, 'date', args=[app], id='close_old_days_at_start', replace_existing=True)
    scheduler.add_job(seed_calendar, 'date', args=[app], id='seed_calendar_at_start', replace_existing=True)
    scheduler.add_job(nightly_records, 'cron', hour=0, minute=30, args=[app], id='nightly_records', **every_day)
    scheduler.add_job(nightly_records, 'date', args=[app], kwargs={'at_start': True}, id='nightly_records_at_start',
                      replace_existing=True)
    often = dict(replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=30)
    scheduler.add_job(sms_round, 'interval', seconds=app.config.get('SMS_INTERVAL', 5), args=[app], id='sms_round',
                      **often)
    scheduler.add_job(appointment_round, 'interval', seconds=30, args=[app], id='appointment_round', **often)
    # Every minute, and at once for an office PC that was off when the day ended: the database says what is due.
    scheduler.add_job(end_office_day, 'interval', minutes=1, args=[app], id='end_office_day',
                      next_run_time=datetime.datetime.now(datetime.timezone.utc), **often)
    scheduler.start()
    return scheduler
