"""Office settings kept in the database, with defaults that suit a ward office."""
import json
import time

from .models import Setting

DEFAULTS = {
    'office_name': 'Bộ phận một cửa UBND phường',
    'office_address': '',
    'ticket_footer': '',
    'ticket_footer_qr_url': '',
    'board_notice': '',
    'priority_max_in_row': 2,        # priority tickets a counter may call in a row while others wait
    'no_show_return_minutes': 30,    # how long a no-show may come back and be put in line again
    'default_service_minutes': 6,    # the estimate before there is any history
    'announce_names': False,         # say the citizen's name in the callout
    'number_reading': 'number',      # "number": hai mươi lăm; "digits": không hai năm
    'voice_repeat': 1,
    'voice_volume': 100,
}


# Bounds of the numeric settings and the choices of the others: a value outside them is refused.
LIMITS = {
    'priority_max_in_row': (1, 20),
    'no_show_return_minutes': (0, 24 * 60),
    'default_service_minutes': (1, 240),
    'voice_repeat': (1, 5),
    'voice_volume': (0, 100),
}
CHOICES = {'number_reading': ('number', 'digits')}


# Settings are read on every ticket and call; a short cache keeps that off the database. Another
# process's change shows here within FRESH_SECONDS, this process's own change at once.
FRESH_SECONDS = 2.0
_cache = {}


def forget():
    """Drop cached values (after a change, or when another database is opened)."""
    _cache.clear()


def get(key):
    """A setting's value, or its default."""
    cached = _cache.get(key)
    if cached and cached[1] > time.monotonic():
        return cached[0]
    row = Setting.get_or_none(Setting.key == key)
    value = json.loads(row.value) if row else DEFAULTS.get(key)
    _cache[key] = (value, time.monotonic() + FRESH_SECONDS)
    return value


def all_settings():
    values = dict(DEFAULTS)
    values.update({row.key: json.loads(row.value) for row in Setting.select()})
    return values


def put(key, value):
    """Store a setting (the caller holds the transaction)."""
    _cache.pop(key, None)
    (Setting.insert(key=key, value=json.dumps(value, ensure_ascii=False))
     .on_conflict(conflict_target=[Setting.key], update={Setting.value: json.dumps(value, ensure_ascii=False)})
     .execute())
