"""Scheduled work; each job finds what is due by querying, so a restart loses nothing."""
import logging

from .extensions import db, scheduler
from .tickets import close_previous_days

log = logging.getLogger(__name__)


def close_old_days(app):
    """Cancel tickets left open from earlier days (at midnight, and once at start)."""
    with app.app_context(), db.connection_context():
        closed = close_previous_days()
        if closed:
            log.info('closed %d tickets left from earlier days', closed)


def schedule(app):
    """Register the jobs and start the scheduler in the office's time zone."""
    scheduler.configure(timezone=app.config['TIMEZONE'])
    scheduler.add_job(close_old_days, 'cron', hour=0, minute=0, second=5, args=[app],
                      id='close_old_days', replace_existing=True, misfire_grace_time=3600, coalesce=True)
    # Also a minute after start, for an office PC that was off at midnight.
    scheduler.add_job(close_old_days, 'date', args=[app], id='close_old_days_at_start',
                      replace_existing=True)
    if not scheduler.running:
        scheduler.start()


def stop():
    if scheduler.running:
        scheduler.shutdown(wait=False)
