"""Office settings kept in the database, with defaults that suit a ward office."""
import json
import time

from server import runtime
from server.models import Setting

DEFAULTS = {
    'office_name': 'Bộ phận một cửa UBND phường',
    'office_address': '',
    'ticket_footer': '',
    'ticket_footer_qr_url': '',
    'board_notice': '',
    'priority_max_in_row': 2,        # priority tickets a counter may call in a row while others wait
    'no_show_return_minutes': 30,    # how long a no-show may come back and be put in line again
    'default_service_minutes': 6,    # the estimate before there is any history
    'day_end_grace_minutes': 30,     # after the day's last session ends, those still waiting are closed as not served
    'announce_names': False,         # say the citizen's name in the callout
    'number_reading': 'number',      # "number": hai mươi lăm; "digits": không hai năm
    'voice_repeat': 1,
    'voice_volume': 100,
    'session_idle_hours': 12,        # a staff login unused this long is over (server/access/sessions.py)
    # Appointments
    'booking_days_ahead': 30,        # how far ahead a citizen may book
    'max_bookings_per_phone': 3,     # open bookings one phone number may hold
    'checkin_early_minutes': 30,     # a booking may check in this long before its slot
    'checkin_late_minutes': 15,      # ... and this long after the slot began
    'appointment_grace_minutes': 15, # after the slot ends plus this, an unchecked booking is a no-show
    'admission_cap': 20,             # walk-ins wait outside once this many are in (0: no cap)
    'hotline_phone': '',             # said to walk-ins turned away and in SMS replies
    'sms_shortcode': '',
    # SMS
    'sms_diacritics': False,         # Vietnamese with diacritics (UCS-2, 70 characters a part)
    'reminder_evening_time': '19:00',  # the day-before reminder; empty: none
    'reminder_before_minutes': 60,   # the reminder before the slot; 0: none
    'turn_near_minutes': 10,         # "your turn is near" when the forecast call is this near (0: never)
    'pickup_days': 3,                # days to collect a ready result
    'sms_max_per_hour': 10,          # inbound messages one phone may send an hour before it is ignored
    # Records
    'personal_data_days': 90,        # names, phones and message texts are erased this long after (Decree 13/2023)
    'backup_keep': 14,               # nightly backups kept in the data folder
    'sms_replies_per_hour': 200,     # replies to inbound messages the office sends an hour, all phones together
}


# Bounds of the numeric settings and the choices of the others: a value outside them is refused.
LIMITS = {
    'priority_max_in_row': (1, 20),
    'no_show_return_minutes': (0, 24 * 60),
    'default_service_minutes': (1, 240),
    'day_end_grace_minutes': (0, 180),
    'voice_repeat': (1, 5),
    'voice_volume': (0, 100),
    'session_idle_hours': (1, 168),
    'booking_days_ahead': (1, 366),
    'max_bookings_per_phone': (1, 50),
    'checkin_early_minutes': (0, 240),
    'checkin_late_minutes': (0, 240),
    'appointment_grace_minutes': (0, 240),
    'admission_cap': (0, 10000),
    'reminder_before_minutes': (0, 24 * 60),
    'turn_near_minutes': (0, 120),
    'pickup_days': (1, 60),
    'sms_max_per_hour': (1, 1000),
    'personal_data_days': (30, 3650),
    'backup_keep': (1, 365),
    'sms_replies_per_hour': (1, 10000),
}
# Settings of earlier versions an office's exported file may still hold: read and left out.
RETIRED = ('turn_near_ahead',)
CHOICES = {'number_reading': ('number', 'digits')}
PATTERNS = {'reminder_evening_time': r'^(|([01][0-9]|2[0-3]):[0-5][0-9])$',
            'hotline_phone': r'^[0-9 +.]{0,20}$', 'sms_shortcode': r'^[0-9A-Za-z]{0,16}$'}


# Settings are read on every ticket and call; a short cache (the app's, server/runtime.py) keeps that off
# the database. Another process's change shows here within FRESH_SECONDS, this process's own change at once.
FRESH_SECONDS = 2.0


def _cache():
    """The current app's cached settings (a throwaway dict without an app: nothing is kept)."""
    app_runtime = runtime.current()
    return app_runtime.cache(__name__, dict) if app_runtime is not None else {}


def forget():
    """Drop cached values (after a change)."""
    _cache().clear()


def get(key):
    """A setting's value, or its default."""
    cache = _cache()
    cached = cache.get(key)
    if cached and cached[1] > time.monotonic():
        return cached[0]
    row = Setting.get_or_none(Setting.key == key)
    value = json.loads(row.value) if row else DEFAULTS.get(key)
    cache[key] = (value, time.monotonic() + FRESH_SECONDS)
    return value


def all_settings():
    values = dict(DEFAULTS)
    # Only the office's settings: other rows (such as which years' holidays were added) are internal.
    values.update({row.key: json.loads(row.value) for row in Setting.select().where(Setting.key.in_(list(DEFAULTS)))})
    return values


def put(key, value):
    """Store a setting (the caller holds the transaction)."""
    _cache().pop(key, None)
    (Setting.insert(key=key, value=json.dumps(value, ensure_ascii=False))
     .on_conflict(conflict_target=[Setting.key], update={Setting.value: json.dumps(value, ensure_ascii=False)})
     .execute())
