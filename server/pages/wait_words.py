"""The wait forecast in words: the range a citizen can plan by (server/queueing/forecast.py, wait_range), as
kiosks, phone pages and the front desk show it. The scripts choose the words the same way
(static/wait_words.js); the phone page's first render uses wait_text here."""
import re

from flask_babel import gettext as _


def wait_strings():
    """The words for a waiting ticket's range; {low}, {high} and {n} are filled in."""
    return {
        'wait_range': _('Thời gian chờ dự kiến: khoảng %(low)s-%(high)s phút', low='{low}', high='{high}'),
        'wait_under': _('Thời gian chờ dự kiến: dưới %(n)s phút', n='{n}'),
        'wait_about': _('Thời gian chờ dự kiến: khoảng %(n)s phút', n='{n}'),
        'wait_due': _('Sắp đến lượt ông/bà'),
    }


def wait_key(ticket):
    """Which words fit the ticket's range: both ends 0 is due now, a range from 0 is "under", one number
    is "about"."""
    low, high = ticket.get('estimated_wait_low_min') or 0, ticket.get('estimated_wait_high_min') or 0
    if high <= 0:
        return 'wait_due'
    if low <= 0:
        return 'wait_under'
    return 'wait_about' if low == high else 'wait_range'


def bind(text):
    """No-break spaces on both sides of the numbers, so "khoảng 20-30 phút" never wraps apart."""
    return re.sub(r'(\d) ', '\\1\u00a0', re.sub(r' (\d)', '\u00a0\\1', text))


def wait_text(ticket, strings):
    """The ticket's wait in the page's words (`strings`: wait_strings() or a page's own words for its keys)."""
    low, high = ticket.get('estimated_wait_low_min') or 0, ticket.get('estimated_wait_high_min') or 0
    values = {'low': low, 'high': high, 'n': high}
    return bind(re.sub(r'\{(\w+)\}', lambda m: str(values.get(m[1], m[0])), strings[wait_key(ticket)]))
