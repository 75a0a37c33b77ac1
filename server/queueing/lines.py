"""Reading the queue: ticket answers (with the wait forecast of server/queueing/forecast.py) and the board
snapshot."""
import collections

from flask import current_app, has_request_context, url_for
from peewee import fn

from server import caches, settings
from server.clock import iso, office_day
from server.host.addresses import external_url
from server.media.items import board_media
from server.models import Board, Counter, CounterService, Service, Ticket
from server.queueing import forecast, statements
from server.validation import mask_name

RECENT_CALLS = 8


def track_url(ticket):
    base = current_app.config.get('PUBLIC_URL')
    if base:
        return base.rstrip('/') + '/t/' + ticket.track_id
    if has_request_context():
        return external_url(url_for('pages.track', track_id=ticket.track_id))
    return '/t/' + ticket.track_id


def ticket_dict(ticket, private=True, now=None):
    """A ticket as the API answers it; public (board) copies mask the name and drop the phone. `ahead` and
    the wait are the forecast's: the waiting tickets called before it, the minutes and their range."""
    data = {
        'id': ticket.id, 'number': ticket.number, 'service': ticket.service.code,
        'service_name': ticket.service.name, 'status': ticket.status, 'priority': ticket.priority,
        'priority_reason': ticket.priority_reason, **forecast.estimate(ticket, now),
        'issued_at': iso(ticket.issued_at), 'called_at': iso(ticket.called_at),
        'serving_at': iso(ticket.serving_at), 'finished_at': iso(ticket.finished_at),
        'counter': ticket.counter.number if ticket.counter_id else None,
        'call_count': ticket.call_count, 'source': ticket.source,
        'name': ticket.name if private else mask_name(ticket.name),
    }
    if private:
        data['phone'] = ticket.phone
        data['track_url'] = track_url(ticket)
        data['transfer_note'] = ticket.transfer_note
    return data


def counter_dict(counter, private=True):
    current = counter.current_ticket()
    return {'number': counter.number, 'name': counter.name, 'active': counter.active,
            'paused': counter.paused, 'services': [s.code for s in counter.services],
            'current': ticket_dict(current, private) if current else None}


def call_order(waiting, streak, max_in_row):
    """Waiting tickets (given in order of place) in the order call-next takes them (tickets.call_next):
    priority first, but no more than `max_in_row` priority calls in a row while others wait."""
    priority = collections.deque(t for t in waiting if t.priority)
    others = collections.deque(t for t in waiting if not t.priority)
    order = []
    while priority or others:
        if priority and (streak < max_in_row or not others):
            order.append(priority.popleft())
            streak += 1
        else:
            order.append(others.popleft())
            streak = 0
    return order


def line_entry(ticket, position):
    """A waiting ticket as a counter's line lists it (staff only: it carries the name)."""
    return {'position': position, 'id': ticket.id, 'number': ticket.number, 'service': ticket.service.code,
            'service_name': ticket.service.name, 'priority': ticket.priority,
            'priority_reason': ticket.priority_reason, 'name': ticket.name, 'issued_at': iso(ticket.issued_at)}


def counter_line(counter, now=None, limit=100):
    """A counter's day for its page: how many it served and marked absent, how many wait in each of its
    lines, and the first `limit` of its line in the order call-next will call them."""
    day = office_day(now)
    services = counter.services
    # The tickets statements.next_in_line chooses from: today's waiting ones of the counter's services.
    waiting = list(Ticket.select(Ticket.id, Ticket.priority, Ticket.service)
                   .where(Ticket.status == 'waiting', Ticket.day == day,
                          Ticket.service.in_([s.id for s in services]))
                   .order_by(Ticket.queued_at, Ticket.id)) if services else []
    order = call_order(waiting, counter.priority_streak, int(settings.get('priority_max_in_row')))[:limit]
    rows = {t.id: t for t in Ticket.select(Ticket, Service).join(Service)
            .where(Ticket.id.in_([t.id for t in order]))} if order else {}
    finished = dict(Ticket.select(Ticket.status, fn.COUNT(Ticket.id))
                    .where(Ticket.counter == counter.id, Ticket.day == day, Ticket.status.in_(('done', 'no_show')))
                    .group_by(Ticket.status).tuples())
    per_service = collections.Counter(t.service_id for t in waiting)
    return {'counter': counter.number, 'day': day.isoformat(), 'served': finished.get('done', 0),
            'no_show': finished.get('no_show', 0), 'waiting': len(waiting),
            'services': [{'code': s.code, 'name': s.name, 'waiting': per_service[s.id]} for s in services],
            'line': [line_entry(rows[t.id], position) for position, t in enumerate(order, 1) if t.id in rows]}


# Every queue change sends every line's count to the boards; the lines themselves rarely change.
_lines = caches.Fresh()


def _ordered_lines():
    return [(s.id, s.code, s.name, s.prefix, s.active) for s in Service.ordered()]


def _served_lines():
    rows = (CounterService.select(CounterService.service).join(Counter)
            .where(Counter.active == True).distinct())  # noqa: E712
    return frozenset(row.service_id for row in rows)


def served_lines(fresh=False):
    """Ids of the services at least one open counter serves (a paused counter counts: its staff come back);
    `fresh`: read now, not the copy of up to a second ago."""
    return _served_lines() if fresh else _lines.get('served', _served_lines)


def services_state(board=None, now=None):
    """Every line's state: `served` is false while no open counter serves it (kiosks grey it out)."""
    waiting = statements.count_waiting_by_service(office_day(now))
    shown = board.services_shown if board else []
    served = served_lines()
    return [{'code': code, 'name': name, 'prefix': prefix, 'active': active, 'served': id_ in served,
             'waiting': waiting.get(id_, 0)}
            for id_, code, name, prefix, active in _lines.get('ordered', _ordered_lines)
            if not shown or code in shown]


def queue_state(board=None, private=True, now=None):
    """The shape of GET /queue: every line's waiting count and every counter's current ticket."""
    shown = board.counters_shown if board else []
    counters = [counter_dict(c, private) for c in Counter.ordered().where(Counter.active == True)  # noqa: E712
                if not shown or c.number in shown]
    return {'services': services_state(board, now), 'counters': counters}


def recent_calls(board=None, now=None, limit=RECENT_CALLS):
    """The latest calls of today, newest first, as the board lists them."""
    query = (Ticket.select().where(Ticket.day == office_day(now), Ticket.called_at.is_null(False),
                                   Ticket.counter.is_null(False))
             .order_by(Ticket.called_at.desc()).limit(limit * 4))
    calls = []
    for ticket in query:
        if board is None or board.shows(ticket.service.code, ticket.counter.number):
            calls.append({'ticket': ticket_dict(ticket, private=False),
                          'counter': {'number': ticket.counter.number, 'name': ticket.counter.name},
                          'announcement': _callout(ticket.number, ticket.counter.number)})
        if len(calls) == limit:
            break
    return calls


def _callout(number, counter_number):
    """What a board that was away says once for a call it missed: the number, never a name."""
    from display.voice import announcement
    return dict(announcement(number, counter_number, mode=settings.get('number_reading')), repeat=1)


def snapshot(board=None, now=None):
    """What a display gets on every connect: the queue, the latest calls and the board's settings."""
    state = queue_state(board, private=False, now=now)
    state['recent'] = recent_calls(board, now)
    state['office'] = {'name': settings.get('office_name'),
                       'notice': (board.notice if board and board.notice else settings.get('board_notice'))}
    state['board'] = {'id': board.id, 'name': board.name} if board else None
    state['media'] = board_media(board)   # images and videos it plays between calls (server/media)
    return state


def board_for(board_id):
    if board_id in (None, '', 'all'):
        return None
    try:
        number = int(board_id)
    except (TypeError, ValueError):
        return None
    return Board.get_or_none(Board.id == number) if 0 < number <= 2 ** 63 - 1 else None

