"""Precompiled SQL for the statements of every ticket and call: built once per database, not per call.

Peewee spends more CPU building a statement's text than SQLite spends running it (a third of the
server's CPU per ticket went there), so the hot path keeps the text and only binds new parameters.
The text is plain SQL that SQLite and PostgreSQL both accept; the values are bound as peewee binds them.

The seam: the texts name tables and columns by hand, and `insert` reads peewee internals (a model's
`_meta`, an instance's `__data__` and `_dirty`, the database's `param`), so peewee is pinned exactly in
setup.cfg (TESTED_WITH below). At first use on each kind of database every text is checked against the
models, and `insert`'s against the INSERT peewee's own query API builds; when anything differs, that is
logged and server/queueing/plain_statements.py (the same statements through peewee's query API) runs.
"""
import functools
import logging
import re

from server.extensions import db, unpinned
from server.models import ACTIVE_STATUSES, AuditEvent, Counter, CounterService, DailySequence, Ticket
from server.queueing import plain_statements

log = logging.getLogger(__name__)
# The exact version whose internals `insert` was read against (setup.cfg pins the same).
TESTED_WITH = {'peewee': '4.5.3'}
_texts = {}
_usable = {}   # database class: whether the precompiled texts passed their check there


# Every fixed text, with {p} for a parameter, and the models whose tables and columns it names.
_NEXT_IN_LINE = ('SELECT "t"."id" FROM "ticket" AS "t" WHERE "t"."status" = {p} AND "t"."day" = {p} AND '
                 '"t"."service_id" IN (SELECT "service_id" FROM "counter_service" WHERE "counter_id" = {p}) '
                 'ORDER BY "t"."priority" %s, "t"."queued_at", "t"."id" LIMIT {p}')
_SQL = {
    # Allocating the next number of a line for a day in one statement (an upsert).
    'next_number': ('INSERT INTO "daily_sequence" ("service_id", "day", "last_number") VALUES ({p}, {p}, 1) '
                    'ON CONFLICT ("service_id", "day") DO UPDATE SET "last_number" = "daily_sequence"."last_number" '
                    '+ 1 RETURNING "last_number"', (DailySequence,)),
    'waiting_by_service': ('SELECT "service_id", COUNT(*) FROM "ticket" WHERE "status" = {p} AND "day" = {p} '
                           'GROUP BY "service_id"', (Ticket,)),
    'next_in_line_ASC': (_NEXT_IN_LINE % 'ASC', (Ticket, CounterService)),
    'next_in_line_DESC': (_NEXT_IN_LINE % 'DESC', (Ticket, CounterService)),
    'claim': ('UPDATE "ticket" SET "status" = {p}, "counter_id" = {p}, "staff_id" = {p}, "called_at" = {p}, '
              '"call_count" = "call_count" + 1 WHERE "id" = {p} AND "status" = {p}', (Ticket,)),
    'counter': ('SELECT * FROM "counter" WHERE "number" = {p}', (Counter,)),
    'counter_locked': ('SELECT * FROM "counter" WHERE "number" = {p} FOR UPDATE', (Counter,)),
    'counter_call': ('UPDATE "counter" SET "priority_streak" = {p}, "paused" = {p} WHERE "id" = {p}', (Counter,)),
    'ticket': ('SELECT * FROM "ticket" WHERE "id" = {p}', (Ticket,)),
    'active_at_counter': ('SELECT * FROM "ticket" WHERE "counter_id" = {p} AND "status" IN ({p}, {p}) ORDER BY "id"',
                          (Ticket,)),
    'finish': ('UPDATE "ticket" SET "status" = {p}, "finished_at" = {p} WHERE "id" = {p}', (Ticket,)),
}
_ALIASES = {'t'}
_INSERTED = (Ticket, AuditEvent)   # the models `insert` is used for


def _text(name):
    """The SQL of a named statement for the open database's dialect, built once."""
    key = (type(db.obj), name)
    sql = _texts.get(key)
    if sql is None:
        sql = _texts[key] = _SQL[name][0].format(p=db.obj.param)
    return sql


def _precompiled():
    """Whether the open database may use the precompiled texts: checked at first use, logged when not."""
    kind = type(db.obj)
    usable = _usable.get(kind)
    if usable is None:
        reason = mismatch(db.obj)
        if reason is not None:
            log.warning('precompiled statements not used on %s, plain peewee queries instead: %s',
                        kind.__name__, reason)
        usable = _usable[kind] = reason is None
    return usable


def mismatch(database):
    """Why the precompiled texts cannot be used on this database, or None when they can."""
    unpinned_reason = unpinned(TESTED_WITH, 'the texts were checked against')
    if unpinned_reason:
        return unpinned_reason
    if not isinstance(getattr(database, 'param', None), str):
        return 'the database has no parameter placeholder (param)'
    for name, (template, models) in _SQL.items():
        known = _ALIASES | {model._meta.table_name for model in models} | {
            field.column_name for model in models for field in model._meta.sorted_fields}
        unknown = sorted(set(re.findall(r'"([^"]+)"', template)) - known)
        if unknown:
            return 'statement %s names %s, not in the models' % (name, ', '.join(unknown))
    for model in _INSERTED:
        names, instance = tuple(name for name in model._meta.fields if name != 'id'), model()
        if not isinstance(instance.__data__, dict) or not isinstance(instance._dirty, set):
            return 'peewee model instances changed (__data__, _dirty)'
        ours = _insert_text(model, names, database.param)
        public = database.get_sql_context().sql(model.insert({getattr(model, n): None for n in names})).query()[0]
        if _target(ours) != _target(public):
            return 'INSERT into %s differs from peewee\'s: %s' % (model.__name__, public)
    return None


def _target(sql):
    """The table and the set of columns of an INSERT statement's text."""
    found = re.match(r'INSERT INTO "([^"]+)" \(([^)]*)\)', sql)
    return found and (found.group(1), frozenset(re.findall(r'"([^"]+)"', found.group(2))))


def _or_plain(function):
    """The precompiled statement where its check passed, else its namesake in plain_statements."""
    plain = getattr(plain_statements, function.__name__)

    @functools.wraps(function)
    def run(*args, **kwargs):
        return function(*args, **kwargs) if _precompiled() else plain(*args, **kwargs)
    return run


def _insert_text(model, names, p):
    fields = model._meta.fields
    return 'INSERT INTO "%s" (%s) VALUES (%s) RETURNING "id"' % (
        model._meta.table_name, ', '.join('"%s"' % fields[n].column_name for n in names), ', '.join([p] * len(names)))


@_or_plain
def insert(instance):
    """INSERT a new model instance (its set fields, defaults included) and give it its id."""
    model = instance.__class__
    names = tuple(instance.__data__)
    fields = model._meta.fields
    key = (type(db.obj), 'insert', model, names)
    sql = _texts.get(key) or _texts.setdefault(key, _insert_text(model, names, db.obj.param))
    params = [fields[n].db_value(instance.__data__[n]) for n in names]
    instance.id = db.execute_sql(sql, params).fetchone()[0]
    instance._dirty.clear()  # as after Model.create: a later save() updates only what changes
    return instance


@_or_plain
def next_number(service_id, day):
    """Allocate the next number of a line for a day in one statement (an upsert), safe under concurrency."""
    return db.execute_sql(_text('next_number'), (service_id, day)).fetchone()[0]


@_or_plain
def count_waiting_by_service(day):
    """{service id: tickets waiting today}, the boards' line counts."""
    return dict(db.execute_sql(_text('waiting_by_service'), ('waiting', day)).fetchall())


@_or_plain
def next_in_line(counter_id, day, priority_first, limit=5):
    """Ids of the first waiting tickets of a counter's lines, in the order they are called.

    A closed service (`active` false) takes no new tickets, but the citizens already in its line are
    still called: no filter on the service here."""
    sql = _text('next_in_line_DESC' if priority_first else 'next_in_line_ASC')
    return [row[0] for row in db.execute_sql(sql, ('waiting', day, counter_id, limit)).fetchall()]


@_or_plain
def claim(ticket_id, counter_id, staff_id, now):
    """Call a waiting ticket; 1 if this counter got it, 0 if another was first (a conditional update)."""
    return db.execute_sql(_text('claim'), ('called', counter_id, staff_id, now, ticket_id, 'waiting')).rowcount


@_or_plain
def counter_by_number(number, lock=False):
    """The counter with this number, or None; with `lock` its row stays locked until commit (PostgreSQL)."""
    return next(iter(Counter.raw(_text('counter_locked' if lock else 'counter'), number)), None)


@_or_plain
def save_counter_call(counter):
    """Write what a call changes on a counter: its priority streak and that it is no longer paused."""
    db.execute_sql(_text('counter_call'), (counter.priority_streak, counter.paused, counter.id))


@_or_plain
def ticket_by_id(ticket_id):
    return next(iter(Ticket.raw(_text('ticket'), ticket_id)), None)


@_or_plain
def active_at_counter(counter_id):
    """The tickets a counter has called or is serving (normally one, at most a few)."""
    return list(Ticket.raw(_text('active_at_counter'), counter_id, *ACTIVE_STATUSES))


@_or_plain
def finish(ticket, now, status='done'):
    """Mark a called or served ticket done (or another final status: no_show)."""
    db.execute_sql(_text('finish'), (status, Ticket.finished_at.db_value(now), ticket.id))
    ticket.status, ticket.finished_at = status, now
