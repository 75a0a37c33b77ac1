"""Precompiled SQL for the statements of every ticket and call: built once per database, not per call.

Peewee spends more CPU building a statement's text than SQLite spends running it (a third of the
server's CPU per ticket went there), so the hot path keeps the text and only binds new parameters.
The text is plain SQL that SQLite and PostgreSQL both accept; the values are bound as peewee binds them.
"""

from server.extensions import db
from server.models import ACTIVE_STATUSES, Counter, Ticket

_texts = {}


def _text(name, build):
    """The SQL of a named statement for the open database's dialect, built once by build(param)."""
    key = (type(db.obj), name)
    sql = _texts.get(key)
    if sql is None:
        sql = _texts[key] = build(db.obj.param)
    return sql


def insert(instance):
    """INSERT a new model instance (its set fields, defaults included) and give it its id."""
    model = instance.__class__
    names = tuple(instance.__data__)
    fields = model._meta.fields
    sql = _text(('insert', model, names), lambda p: 'INSERT INTO "%s" (%s) VALUES (%s) RETURNING "id"' % (
        model._meta.table_name, ', '.join('"%s"' % fields[n].column_name for n in names),
        ', '.join([p] * len(names))))
    params = [fields[n].db_value(instance.__data__[n]) for n in names]
    instance.id = db.execute_sql(sql, params).fetchone()[0]
    instance._dirty.clear()  # as after Model.create: a later save() updates only what changes
    return instance


def next_number(service_id, day):
    """Allocate the next number of a line for a day in one statement (an upsert), safe under concurrency."""
    sql = _text('next_number', lambda p: (
        'INSERT INTO "daily_sequence" ("service_id", "day", "last_number") VALUES (%s, %s, 1) '
        'ON CONFLICT ("service_id", "day") DO UPDATE SET "last_number" = "daily_sequence"."last_number" + 1 '
        'RETURNING "last_number"' % (p, p)))
    return db.execute_sql(sql, (service_id, day)).fetchone()[0]


def count_ahead(ticket):
    """Waiting tickets of the ticket's line called before it: priority first, then by place in line."""
    if ticket.priority:
        name, sql = 'ahead_priority', _AHEAD_PRIORITY
        params = ('waiting', ticket.service_id, ticket.day, ticket.queued_at, True, ticket.queued_at, ticket.id)
    else:
        name, sql = 'ahead', _AHEAD
        params = ('waiting', ticket.service_id, ticket.day, ticket.queued_at, ticket.queued_at, ticket.id,
                  'waiting', ticket.service_id, ticket.day, ticket.queued_at, True, ticket.queued_at, ticket.id)
    return db.execute_sql(_text(name, lambda p: sql.format(p=p)), params).fetchone()[0]


# Each count is a range of the (status, service, day, queued_at) index, read without the table.
_LINE = 'SELECT COUNT(*) FROM "ticket" WHERE "status" = {p} AND "service_id" = {p} AND "day" = {p} AND '
_EARLIER = '"queued_at" <= {p} AND ("queued_at" < {p} OR "id" < {p})'
_AHEAD_PRIORITY = _LINE + '"queued_at" <= {p} AND "priority" = {p} AND ("queued_at" < {p} OR "id" < {p})'
# Everyone earlier, plus the priority tickets that came later (for a new ticket, none or few).
_AHEAD = ('SELECT (' + _LINE + _EARLIER + ') + (' + _LINE +
          '"queued_at" >= {p} AND "priority" = {p} AND ("queued_at" > {p} OR "id" >= {p}))')


def count_waiting_by_service(day):
    """{service id: tickets waiting today}, the boards' line counts."""
    sql = _text('waiting_by_service', lambda p: (
        'SELECT "service_id", COUNT(*) FROM "ticket" WHERE "status" = %s AND "day" = %s '
        'GROUP BY "service_id"' % (p, p)))
    return dict(db.execute_sql(sql, ('waiting', day)).fetchall())


def next_in_line(counter_id, day, priority_first, limit=5):
    """Ids of the first waiting tickets of a counter's lines, in the order they are called.

    A closed service (`active` false) takes no new tickets, but the citizens already in its line are
    still called: no filter on the service here."""
    order = 'DESC' if priority_first else 'ASC'
    sql = _text('next_in_line_' + order, lambda p: (
        'SELECT "t"."id" FROM "ticket" AS "t" '
        'WHERE "t"."status" = {p} AND "t"."day" = {p} AND "t"."service_id" IN '
        '(SELECT "service_id" FROM "counter_service" WHERE "counter_id" = {p}) '
        'ORDER BY "t"."priority" {order}, "t"."queued_at", "t"."id" LIMIT {p}').format(
            p=p, order=order))
    return [row[0] for row in db.execute_sql(sql, ('waiting', day, counter_id, limit)).fetchall()]


def claim(ticket_id, counter_id, staff_id, now):
    """Call a waiting ticket; 1 if this counter got it, 0 if another was first (a conditional update)."""
    sql = _text('claim', lambda p: (
        'UPDATE "ticket" SET "status" = {p}, "counter_id" = {p}, "staff_id" = {p}, "called_at" = {p}, '
        '"call_count" = "call_count" + 1 WHERE "id" = {p} AND "status" = {p}').format(p=p))
    return db.execute_sql(sql, ('called', counter_id, staff_id, now, ticket_id, 'waiting')).rowcount


def counter_by_number(number, lock=False):
    """The counter with this number, or None; with `lock` its row stays locked until commit (PostgreSQL)."""
    sql = _text(('counter', lock), lambda p: 'SELECT * FROM "counter" WHERE "number" = %s%s' % (
        p, ' FOR UPDATE' if lock else ''))
    return next(iter(Counter.raw(sql, number)), None)


def save_counter_call(counter):
    """Write what a call changes on a counter: its priority streak and that it is no longer paused."""
    sql = _text('counter_call', lambda p: (
        'UPDATE "counter" SET "priority_streak" = {p}, "paused" = {p} WHERE "id" = {p}').format(p=p))
    db.execute_sql(sql, (counter.priority_streak, counter.paused, counter.id))


def ticket_by_id(ticket_id):
    sql = _text('ticket', lambda p: 'SELECT * FROM "ticket" WHERE "id" = %s' % p)
    return next(iter(Ticket.raw(sql, ticket_id)), None)


def active_at_counter(counter_id):
    """The tickets a counter has called or is serving (normally one, at most a few)."""
    sql = _text('active_at_counter', lambda p: (
        'SELECT * FROM "ticket" WHERE "counter_id" = {p} AND "status" IN ({p}, {p}) ORDER BY "id"').format(p=p))
    return list(Ticket.raw(sql, counter_id, *ACTIVE_STATUSES))


def finish(ticket, now, status='done'):
    """Mark a called or served ticket done (or another final status: no_show)."""
    sql = _text('finish', lambda p: 'UPDATE "ticket" SET "status" = {p}, "finished_at" = {p} WHERE "id" = {p}'.format(
        p=p))
    db.execute_sql(sql, (status, Ticket.finished_at.db_value(now), ticket.id))
    ticket.status, ticket.finished_at = status, now
