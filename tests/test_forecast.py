"""The wait forecast's rules (server/queueing/forecast.py) on small queues worked out by hand.

The office of issue #22: counter 1 serves Chứng thực (CT, A), counter 2 Chứng thực and Hộ tịch (HT, B), counter 3
Hộ tịch and Đất đai (DD, C). Yesterday's services took 6, 9 and 12 minutes (ten each, all alike), so the
forecast's per-line times are exactly those while today has none. Tickets are issued a minute apart just before
9:00, too soon after opening for a pace of priority walk-ins to be known (the last test has one).
"""
import datetime

import pytest

from server import settings
from server.extensions import db
from server.models import Appointment, Counter, Service, Ticket
from server.queueing import forecast, service_times, tickets
from server.queueing.lines import ticket_dict
from tests.conftest import bearer, make_counter, make_service
from tests.helpers import local

MONDAY = datetime.date(2030, 3, 4)
NOW = local(MONDAY, 9)
MINUTES = {'CT': 6, 'HT': 9, 'DD': 12}


def minutes(n):
    return datetime.timedelta(minutes=n)


def served(code, durations, day):
    """Done tickets of `code` on `day` lasting `durations` minutes (at 8:00 office time)."""
    start = local(day, 8)
    for duration in durations:
        ticket = tickets.issue_ticket(code, now=start)
        Ticket.update(status='done', called_at=start, finished_at=start + minutes(duration)).where(
            Ticket.id == ticket.id).execute()


@pytest.fixture
def lines3(app):
    make_service('CT', 'Chứng thực', 'A')
    make_service('HT', 'Hộ tịch', 'B')
    make_service('DD', 'Đất đai', 'C')
    make_counter(1, ['CT'])
    make_counter(2, ['CT', 'HT'])
    make_counter(3, ['HT', 'DD'])
    return app


@pytest.fixture
def office3(lines3):
    with lines3.app_context(), db.connection_context():
        for code, length in MINUTES.items():
            served(code, [length] * 10, MONDAY - datetime.timedelta(days=1))
        yield lines3


def queue(*codes, start=NOW - minutes(10)):
    """Issue tickets a minute apart; a code ending in '!' is a priority ticket."""
    issued = []
    for i, code in enumerate(codes):
        priority = code.endswith('!')
        issued.append(tickets.issue_ticket(code.rstrip('!'), priority=priority, now=start + minutes(i)))
    return issued


def calls(now=NOW):
    """{ticket number: forecast minutes until its call} and {number: counter}."""
    made = forecast.make(now)
    numbers = dict(Ticket.select(Ticket.id, Ticket.number).tuples())
    return ({numbers[i]: round(made.minutes(i, now), 2) for i in made.calls},
            {numbers[i]: call.counter for i, call in made.calls.items()})


def todays(number):
    return Ticket.get(Ticket.number == number, Ticket.day == MONDAY)


def set_counter(number, **fields):
    Counter.update(**fields).where(Counter.number == number).execute()
    forecast.forget()


def test_a_counter_calls_from_all_its_lines_oldest_first(office3):
    """C001 has no one ahead in Đất đai, but counter 3 calls the older Hộ tịch citizens first (the old estimate
    said 0 minutes); A001 goes to counter 1, B001 to counter 2, B002 to counter 3."""
    queue('HT', 'HT', 'DD', 'CT')
    at, by = calls()
    assert at == {'B001': 0, 'B002': 0, 'C001': 9, 'A001': 0}
    assert by == {'A001': 1, 'B001': 2, 'B002': 3, 'C001': 3}
    c001 = ticket_dict(todays('C001'), now=NOW)
    assert (c001['estimated_wait_min'], c001['ahead']) == (9, 3)


def test_a_shared_counter_is_not_counted_in_full_for_each_line(office3):
    """Four Chứng thực and four Hộ tịch citizens alternate: counter 2 takes whichever is older, so each line gets
    about one and a half counters, not two."""
    queue('CT', 'HT', 'CT', 'HT', 'CT', 'HT', 'CT', 'HT')
    at, by = calls()
    # t=0: 1 takes A001, 2 takes B001 (older than A002), 3 takes B002. t=6: 1 takes A002. t=9: 2 takes A003
    # (older than B003), 3 takes B003. t=12: 1 takes A004. t=15: 2 takes B004 (3 is free only at 18).
    assert at == {'A001': 0, 'B001': 0, 'B002': 0, 'A002': 6, 'A003': 9, 'B003': 9, 'A004': 12, 'B004': 15}
    assert by['A003'] == 2 and by['B004'] == 2


def test_a_priority_citizen_goes_first_within_the_limit_in_a_row(office3):
    queue('DD', 'DD', 'DD')
    assert calls()[0] == {'C001': 0, 'C002': 12, 'C003': 24}
    queue('DD!', start=NOW - minutes(1))
    assert calls()[0] == {'C004': 0, 'C001': 12, 'C002': 24, 'C003': 36}
    # Counter 3 has just called two priority citizens in a row (the setting's limit): the next call is C001.
    set_counter(3, priority_streak=2)
    assert calls()[0] == {'C001': 0, 'C004': 12, 'C002': 24, 'C003': 36}
    with db.atomic():
        settings.put('priority_max_in_row', 3)
    assert calls()[0] == {'C004': 0, 'C001': 12, 'C002': 24, 'C003': 36}


def test_paused_and_closed_counters(office3):
    queue('CT', 'CT', 'CT', 'CT')
    assert calls()[0] == {'A001': 0, 'A002': 0, 'A003': 6, 'A004': 6}
    set_counter(2, paused=True)       # its Chứng thực citizens go to counter 1 alone
    assert calls()[0] == {'A001': 0, 'A002': 6, 'A003': 12, 'A004': 18}
    set_counter(1, paused=True)       # only paused counters serve the line: as if they resumed now
    assert calls()[0] == {'A001': 0, 'A002': 0, 'A003': 6, 'A004': 6}
    set_counter(1, paused=False, active=False)   # closed: not counted; 2 is still paused, so it alone
    assert calls()[0] == {'A001': 0, 'A002': 6, 'A003': 12, 'A004': 18}
    set_counter(2, active=False)      # no open counter serves the line: no forecast, and the answer says 0
    assert calls()[0] == {}
    assert ticket_dict(todays('A004'), now=NOW)['estimated_wait_min'] == 0


def test_a_busy_counter_is_free_when_what_is_left_of_its_service_is_done(office3):
    """Counter 3 called C001 five minutes ago; Đất đai takes 12 minutes, so C002 is called in 7, not at once,
    although no one is ahead of it in its line. Past the usual length, a quarter of it is left."""
    queue('DD')
    tickets.call_next(3, now=NOW - minutes(5))
    queue('DD', start=NOW - minutes(2))
    assert calls()[0] == {'C002': 7}
    told = ticket_dict(todays('C002'), now=NOW)
    assert told['ahead'] == 0 and told['estimated_wait_min'] == 7
    assert calls(NOW + minutes(15))[0] == {'C002': 3}


def test_what_is_left_follows_the_longer_services_of_the_line(office3):
    """Hộ tịch took 9 minutes ten times yesterday and 30 minutes five times: a service 20 minutes under way is
    one of the long ones, with about 10 minutes left (the mean alone would say it is over)."""
    served('HT', [30] * 5, MONDAY - datetime.timedelta(days=2))
    times = service_times.for_lines([Service.by_code('HT').id], NOW)
    left, _variance = times.remaining(Service.by_code('HT').id, 20)
    assert 9 < left < 11
    assert times.remaining(Service.by_code('HT').id, 0)[0] == pytest.approx(times.mean(Service.by_code('HT').id))


def test_service_times_lean_on_history_and_ignore_a_forgotten_done(office3):
    ht, ct, dd = (Service.by_code(code).id for code in ('HT', 'CT', 'DD'))
    assert service_times.for_lines([ht], NOW).mean(ht) == 9       # none today: the earlier days'
    served('HT', [15, 15, 15], MONDAY)                            # today three took 15: 3 of today, 5 of history
    assert service_times.for_lines([ht], NOW).mean(ht) == pytest.approx((3 * 15 + 5 * 9) / 8)
    served('CT', [6, 6, 6, 6, 6, 6, 200], MONDAY)                 # a "done" pressed 3 hours late counts as 24
    assert service_times.for_lines([ct], NOW).mean(ct) == pytest.approx((7 * 6 + 5 * 6 + 18) / 12)
    served('DD', [300], MONDAY)                                   # over 4 hours: left out
    assert service_times.for_lines([dd], NOW).mean(dd) == 12


def test_a_line_with_no_history_uses_the_office_setting(office3):
    make_service('XD', 'Xây dựng', 'D')
    make_counter(4, ['XD'])
    with db.atomic():
        settings.put('default_service_minutes', 20)
    queue('XD', 'XD')
    assert calls()[0] == {'D001': 0, 'D002': 20}


def test_booked_appointments_are_expected_at_their_slot(office3):
    """At 9:20 counter 3 has just called C001 (12 minutes). A Đất đai booking for 9:30 will check in with
    priority and be called when C001 is done, before C002; one for 10:00 comes after C002 and C003 are called."""
    queue('DD', 'DD', 'DD', start=NOW)
    now = NOW + minutes(20)
    tickets.call_next(3, now=now)
    assert calls(now)[0] == {'C002': 12, 'C003': 24}
    Appointment.create(code='HGLATE', service=Service.by_code('DD'), date=MONDAY, start='10:00', end='10:30',
                       name='Lê Văn Cường', phone='0905123457', status='booked')
    assert calls(now)[0] == {'C002': 12, 'C003': 24}
    Appointment.create(code='HGSOON', service=Service.by_code('DD'), date=MONDAY, start='09:30', end='10:00',
                       name='Trần Thị Bình', phone='0905123456', status='booked')
    assert calls(now)[0] == {'C002': 24, 'C003': 36}


def test_priority_walk_ins_are_expected_at_the_pace_seen_today(office3):
    """An hour of Chứng thực walk-ins, one in four with priority: counter 1 (paused 2) will also call the priority
    citizens who come meanwhile, so the last of a long line waits longer than the line alone says."""
    set_counter(2, paused=True)
    start = NOW - minutes(58)
    for i in range(12):
        ticket = tickets.issue_ticket('CT', priority=i % 4 == 0, priority_reason='elderly', now=start + minutes(5 * i))
        Ticket.update(status='done', called_at=start, finished_at=start + minutes(1)).where(
            Ticket.id == ticket.id).execute()
    ct = Service.by_code('CT').id
    rate = service_times.for_lines([ct], NOW).priority_rate(ct)
    # Three priority walk-ins of twelve, leaning on none the day before (weight SHARE_WEIGHT); 12 in 58 minutes.
    assert rate == pytest.approx(3 / (12 + service_times.SHARE_WEIGHT) * 12 / 58)
    waiting = queue(*['CT'] * 10, start=NOW - minutes(1))
    last = forecast.make(NOW).minutes(waiting[-1].id, NOW)
    # The line's mean is now (12 x 1 + 5 x 6) / 17 minutes; ten citizens alone would take 9 of them.
    alone = 9 * (12 * 1 + 5 * 6) / 17
    assert last > alone + 1


def test_every_counter_busy_is_never_told_zero(office3):
    """The old estimate's commonest failure: first in line, every counter busy, told 0 minutes."""
    queue('CT', 'CT')
    tickets.call_next(1, now=NOW)
    tickets.call_next(2, now=NOW)
    third = queue('CT', start=NOW)[0]
    told = ticket_dict(third, now=NOW + minutes(1))
    assert told['ahead'] == 0
    assert told['estimated_wait_min'] == 5 and 0 < told['estimated_wait_low_min'] <= 5 <= told['estimated_wait_high_min']


@pytest.mark.parametrize('point, spread, shown', [
    (0, 0, (0, 0)), (0.2, 0.1, (0, 0)), (3, 1, (2, 4)), (5, 0, (5, 6)), (24, 4, (20, 30)), (12, 0, (10, 15)),
    (2, 5, (0, 7)), (47, 9, (35, 60)),
])
def test_the_range_shown(point, spread, shown):
    assert forecast.wait_range(point, spread) == shown


def test_the_api_answers_a_range_and_follows_a_call_at_once(lines3, tokens):
    client = lines3.test_client()
    headers = bearer(tokens['kiosk'])
    # Now, not on the fixture's Monday: no history, so the setting's 6 minutes a citizen.
    issued = [client.post('/api/v1/tickets', json={'service': 'DD'}, headers=headers).get_json() for _ in range(3)]
    last = issued[-1]
    assert last['ahead'] == 2 and last['estimated_wait_min'] == 12
    assert last['estimated_wait_low_min'] <= 12 <= last['estimated_wait_high_min']
    assert last['estimated_wait_low_min'] % 5 == 0 and last['estimated_wait_high_min'] % 5 == 0
    assert client.post('/api/v1/counters/3/call-next', headers=bearer(tokens['counter'])).status_code == 200
    again = client.get('/api/v1/tickets/%d' % last['id'], headers=bearer(tokens['desk'])).get_json()
    assert again['ahead'] == 1 and again['estimated_wait_min'] == 12   # C001 called: C002 in 6, C003 in 12
    called = client.get('/api/v1/tickets/%d' % issued[0]['id'], headers=bearer(tokens['desk'])).get_json()
    assert (called['estimated_wait_min'], called['estimated_wait_low_min'], called['estimated_wait_high_min']) == (0, 0, 0)


def test_turn_near_minutes_is_checked_and_an_old_file_setting_is_read(lines3, tokens):
    client = lines3.test_client()
    answer = client.patch('/api/v1/settings', json={'turn_near_minutes': 500}, headers=bearer(tokens['admin']))
    assert answer.status_code == 400 and 'sắp đến lượt' in answer.get_json()['error']['message']
    assert client.patch('/api/v1/settings', json={'turn_near_minutes': 15},
                        headers=bearer(tokens['admin'])).status_code == 200
    document = client.get('/api/v1/office-export', headers=bearer(tokens['admin'])).get_json()
    document['settings']['turn_near_ahead'] = 3          # a file from before turn_near_minutes
    assert client.post('/api/v1/office-import', json=document, headers=bearer(tokens['admin'])).status_code == 200
    assert client.get('/api/v1/settings', headers=bearer(tokens['admin'])).get_json()['turn_near_minutes'] == 15


def test_a_ticket_that_joins_is_added_to_the_kept_forecast_as_a_replay_would_place_it(office3):
    """Between replays a new ticket is added to the kept forecast (a queue of thousands is not replayed for each
    ticket issued): at the first counter of its line with no one older left to call."""
    queue('HT', 'DD', 'CT', 'HT', 'CT!', 'DD', 'HT')
    tickets.call_next(3, now=NOW)
    kept = forecast.current(NOW)
    joined = [tickets.issue_ticket(code, now=NOW) for code in ('DD', 'CT', 'HT', 'HT', 'CT', 'DD')]
    extended = [ticket_dict(t, now=NOW) for t in joined]
    assert all(t.id in kept.calls for t in joined)
    replayed = forecast.make(NOW)
    assert [kept.calls[t.id].at for t in joined] == [replayed.calls[t.id].at for t in joined]
    assert [e['estimated_wait_min'] for e in extended] == [round(replayed.minutes(t.id, NOW)) for t in joined]
    # A priority ticket, or one put back in line, is not added: the forecast is replayed.
    urgent = tickets.issue_ticket('DD', priority=True, now=NOW)
    assert ticket_dict(urgent, now=NOW)['ahead'] < ticket_dict(joined[0], now=NOW)['ahead']
    assert urgent.id not in kept.calls
    assert not kept.extend(Ticket.get_by_id(joined[0].id))
