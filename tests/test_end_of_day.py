"""The end of the office day with an injected clock: unserved tickets closed, counters closed, exactly once."""
import datetime
import json
import re

import pytest

from server import settings
from server.extensions import db
from server.models import AuditEvent, Counter, Setting, Ticket
from server.queueing import end_of_day, tickets
from tests.conftest import bearer
from tests.helpers import local

MONDAY = datetime.date(2030, 3, 4)      # a working day (07:30-11:30, 13:30-17:00) far from any holiday
SUNDAY = datetime.date(2030, 3, 10)     # a day the office is closed


def status(ticket):
    return Ticket.get_by_id(ticket.id).status


def counters_open():
    return sorted(c.number for c in Counter.select().where(Counter.active == True))  # noqa: E712


def audit_of(ticket):
    return [(a.action, a.from_status, a.to_status, a.counter_number) for a in
            AuditEvent.select().where(AuditEvent.ticket == ticket.id).order_by(AuditEvent.id)]


@pytest.fixture
def working_day(office):
    """Monday morning at the office: every kind of ticket, the job having run once already (at start)."""
    with office.app_context(), db.connection_context():
        assert end_of_day.end_day_if_due(now=local(MONDAY, 7, 0)) is None     # first run: only records
        made = {name: tickets.issue_ticket(code, now=local(MONDAY, 9, minute)) for minute, (name, code) in enumerate((
            ('done', 'CT'), ('no_show', 'CT'), ('called', 'CT'), ('waiting', 'CT'), ('serving', 'HT'),
            ('waiting_ht', 'HT')))}
        tickets.call_next(2, now=local(MONDAY, 9, 10))                          # done, at counter 2
        tickets.complete(made['done'].id, now=local(MONDAY, 9, 15))
        tickets.call_next(2, now=local(MONDAY, 9, 20))                          # no_show, at counter 2
        tickets.no_show(made['no_show'].id, now=local(MONDAY, 9, 25))
        tickets.call_next(1, now=local(MONDAY, 16, 50))                         # called, at counter 1
        tickets.call_next(3, now=local(MONDAY, 16, 40))                         # serving, at counter 3
        tickets.start_serving(made['serving'].id, now=local(MONDAY, 16, 41))
        Counter.update(paused=True).where(Counter.number == 2).execute()
    return made


def test_the_day_ends_after_the_last_session_plus_the_grace(office, working_day, display):
    made = working_day
    with office.app_context(), db.connection_context():
        assert end_of_day.closing_time(MONDAY) == datetime.datetime(2030, 3, 4, 17, 30)
        display.get_received('/display')
        assert end_of_day.end_day_if_due(now=local(MONDAY, 17, 29)) is None
        assert status(made['waiting']) == 'waiting' and counters_open() == [1, 2, 3]
        assert end_of_day.end_day_if_due(now=local(MONDAY, 17, 30)) == (3, 2)
        assert [status(made[name]) for name in ('waiting', 'called', 'waiting_ht', 'serving', 'done', 'no_show')] \
            == ['cancelled', 'cancelled', 'cancelled', 'serving', 'done', 'no_show']
        assert audit_of(made['waiting'])[-1] == ('not_served_end_of_day', 'waiting', 'cancelled', None)
        assert audit_of(made['called'])[-1] == ('not_served_end_of_day', 'called', 'cancelled', 1)
        assert Ticket.get_by_id(made['called'].id).finished_at == local(MONDAY, 17, 30)
        # Counter 3 still serves its citizen: left open, with them.
        assert counters_open() == [3]
        closed = Counter.get(Counter.number == 2)
        assert not closed.paused and closed.priority_streak == 0
        assert end_of_day.end_day_if_due(now=local(MONDAY, 17, 31)) is None     # once
        assert end_of_day.end_day_if_due(now=local(MONDAY, 23, 59)) is None
    events = display.get_received('/display')
    names = [event['name'] for event in events]
    assert 'queue_changed' in names
    changed = [event['args'][0]['counter'] for event in events if event['name'] == 'counter_changed']
    assert sorted(c['number'] for c in changed if not c['active']) == [1, 2]

    with office.app_context(), db.connection_context():
        tickets.complete(made['serving'].id, now=local(MONDAY, 17, 50))        # staff finish on their own
        assert counters_open() == [3]
        # Midnight: the counter left open closes; nothing else happens, then or after a restart.
        assert end_of_day.end_day_if_due(now=local(MONDAY + datetime.timedelta(days=1), 0, 0)) == (0, 1)
        assert counters_open() == []
        assert end_of_day.end_day_if_due(now=local(MONDAY + datetime.timedelta(days=1), 0, 1)) is None
        assert end_of_day.end_day_if_due(now=local(MONDAY + datetime.timedelta(days=1), 9, 0)) is None
        assert status(made['serving']) == 'done'
        assert AuditEvent.select().where(AuditEvent.action == 'counters_closed').count() == 2


def test_reports_count_them_as_issued_not_served_and_not_no_shows(office, client, tokens, working_day):
    made = working_day
    with office.app_context(), db.connection_context():
        end_of_day.end_day_if_due(now=local(MONDAY, 17, 30))
        tickets.complete(made['serving'].id, now=local(MONDAY, 17, 45))
    html = client.get('/admin/reports?from=04/03/2030&to=04/03/2030', headers=bearer(tokens['admin'])).get_data(
        as_text=True)
    cards = dict((label, int(figure)) for figure, label in
                 re.findall(r'<span class="figure">(\d+)</span><span>([^<]+)</span>', html))
    assert cards == {'Đã lấy số': 6, 'Đã phục vụ': 2, 'Vắng mặt': 1}
    from server.queueing import reports
    with office.app_context(), db.connection_context():
        by_code = {row['code']: row for row in reports.figures(MONDAY, MONDAY)['services']}
    assert (by_code['CT']['issued'], by_code['CT']['called'], by_code['CT']['served'], by_code['CT']['no_show']) \
        == (4, 3, 1, 1)
    assert (by_code['HT']['issued'], by_code['HT']['served'], by_code['HT']['no_show']) == (2, 1, 0)


def test_a_missed_end_runs_once_at_the_next_start(office, working_day):
    """The office PC was off from 17:00 to the next morning: the job at start ends Monday."""
    made = working_day
    tuesday = MONDAY + datetime.timedelta(days=1)
    with office.app_context(), db.connection_context():
        assert end_of_day.end_day_if_due(now=local(tuesday, 7, 10)) == (3, 2)
        assert status(made['waiting']) == 'cancelled' and counters_open() == [3]
        Counter.update(active=True).where(Counter.number == 1).execute()      # staff open theirs in the morning
        assert end_of_day.end_day_if_due(now=local(tuesday, 7, 40)) is None    # a restart changes nothing
        assert counters_open() == [1, 3]


def test_a_closed_day_ends_at_midnight_and_the_grace_is_a_setting(office):
    with office.app_context(), db.connection_context():
        assert end_of_day.closing_time(SUNDAY) == datetime.datetime(2030, 3, 11, 0, 0)
        with db.atomic():
            settings.put('day_end_grace_minutes', 0)
        assert end_of_day.closing_time(MONDAY) == datetime.datetime(2030, 3, 4, 17, 0)
        assert end_of_day.end_day_if_due(now=local(SUNDAY, 8, 0)) is None      # first run
        sunday_ticket = tickets.issue_ticket('CT', now=local(SUNDAY, 9, 0))
        assert end_of_day.end_day_if_due(now=local(SUNDAY, 23, 59)) is None
        assert status(sunday_ticket) == 'waiting'
        assert end_of_day.end_day_if_due(now=local(SUNDAY + datetime.timedelta(days=1), 0, 0)) == (1, 3)
        assert status(sunday_ticket) == 'cancelled'
        next_monday = SUNDAY + datetime.timedelta(days=1)
        assert end_of_day.end_day_if_due(now=local(next_monday, 16, 59)) is None
        assert end_of_day.end_day_if_due(now=local(next_monday, 17, 0)) == (0, 0)


def test_the_first_run_only_records_where_to_start(office):
    """A new or just upgraded office closes nothing of the days before (a demo started in the evening)."""
    with office.app_context(), db.connection_context():
        waiting = tickets.issue_ticket('CT', now=local(MONDAY, 16, 0))
        assert end_of_day.end_day_if_due(now=local(MONDAY, 20, 0)) is None
        assert status(waiting) == 'waiting' and counters_open() == [1, 2, 3]
        stored = json.loads(Setting.get(Setting.key == end_of_day.MARKER).value)
        assert stored == '2030-03-04T17:30'
        assert end_of_day.end_day_if_due(now=local(MONDAY + datetime.timedelta(days=1), 0, 0)) == (1, 3)


def test_the_job_runs_in_its_own_connection(office):
    from server.host import jobs
    jobs.end_office_day(office)
    with office.app_context(), db.connection_context():
        assert Setting.get_or_none(Setting.key == end_of_day.MARKER) is not None
        assert counters_open() == [1, 2, 3]


def test_midnight_closes_the_counter_still_holding_an_earlier_day_ticket(office):
    with office.app_context(), db.connection_context():
        serving = tickets.issue_ticket('HT', now=local(MONDAY, 16, 0))
        tickets.call_next(3, now=local(MONDAY, 16, 5))
        tickets.start_serving(serving.id, now=local(MONDAY, 16, 6))
        assert end_of_day.close_previous_days(now=local(MONDAY + datetime.timedelta(days=1), 0, 0)) == 1
        assert status(serving) == 'cancelled'
        assert counters_open() == [1, 2]
