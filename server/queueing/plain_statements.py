"""The statements of server/queueing/statements.py through peewee's query API, built on every call.

Used instead of the precompiled texts on a database where their start-up check fails (another peewee, or
a model whose tables or columns no longer match the texts): slower, never wrong. Same arguments, same
results.
"""
from peewee import fn

from server.models import ACTIVE_STATUSES, Counter, CounterService, DailySequence, Ticket


def insert(instance):
    """INSERT a new model instance (its set fields, defaults included) and give it its id."""
    instance.save(force_insert=True)
    return instance


def next_number(service_id, day):
    """Allocate the next number of a line for a day in one statement (an upsert), safe under concurrency."""
    query = (DailySequence.insert(service=service_id, day=day, last_number=1)
             .on_conflict(conflict_target=[DailySequence.service, DailySequence.day],
                          update={DailySequence.last_number: DailySequence.last_number + 1})
             .returning(DailySequence.last_number).tuples())
    return next(iter(query.execute()))[0]


def count_waiting_by_service(day):
    """{service id: tickets waiting today}, the boards' line counts."""
    query = (Ticket.select(Ticket.service, fn.COUNT(Ticket.id)).where(Ticket.status == 'waiting', Ticket.day == day)
             .group_by(Ticket.service).tuples())
    return dict(query)


def next_in_line(counter_id, day, priority_first, limit=5):
    """Ids of the first waiting tickets of a counter's lines, in the order they are called."""
    services = CounterService.select(CounterService.service).where(CounterService.counter == counter_id)
    query = (Ticket.select(Ticket.id).where(Ticket.status == 'waiting', Ticket.day == day, Ticket.service.in_(services))
             .order_by(Ticket.priority.desc() if priority_first else Ticket.priority.asc(), Ticket.queued_at, Ticket.id)
             .limit(limit).tuples())
    return [row[0] for row in query]


def claim(ticket_id, counter_id, staff_id, now):
    """Call a waiting ticket; 1 if this counter got it, 0 if another was first (a conditional update)."""
    return (Ticket.update(status='called', counter=counter_id, staff=staff_id, called_at=now,
                          call_count=Ticket.call_count + 1)
            .where(Ticket.id == ticket_id, Ticket.status == 'waiting').execute())


def counter_by_number(number, lock=False):
    """The counter with this number, or None; with `lock` its row stays locked until commit (PostgreSQL)."""
    query = Counter.select().where(Counter.number == number)
    return next(iter(query.for_update() if lock else query), None)


def save_counter_call(counter):
    """Write what a call changes on a counter: its priority streak and that it is no longer paused."""
    Counter.update(priority_streak=counter.priority_streak, paused=counter.paused).where(
        Counter.id == counter.id).execute()


def ticket_by_id(ticket_id):
    return Ticket.get_or_none(Ticket.id == ticket_id)


def active_at_counter(counter_id):
    """The tickets a counter has called or is serving (normally one, at most a few)."""
    return list(Ticket.select().where(Ticket.counter == counter_id, Ticket.status.in_(ACTIVE_STATUSES))
                .order_by(Ticket.id))


def finish(ticket, now, status='done'):
    """Mark a called or served ticket done (or another final status: no_show)."""
    Ticket.update(status=status, finished_at=now).where(Ticket.id == ticket.id).execute()
    ticket.status, ticket.finished_at = status, now
