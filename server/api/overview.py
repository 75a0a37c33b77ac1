"""The office at a glance for the office PC's window (server/desktop/): devices, printers, SMS and today's counts.

Nothing personal: device and printer names only, counts of tickets, never a citizen's name or number.
"""
from flask import current_app, jsonify
from peewee import fn

from server.api.blueprint import bp
from server.auth import requires
from server.clock import office_day
from server.live.devices import console_rows
from server.models import ApiToken, Printer, SocketConnection, Ticket
from server.sms import gateway_settings, messaging


def today_counts(day):
    """Today's tickets by what became of them: issued, waiting, being served, served, absent."""
    by_status = dict(Ticket.select(Ticket.status, fn.COUNT(Ticket.id)).where(Ticket.day == day)
                     .group_by(Ticket.status).tuples())
    return {'issued': sum(by_status.values()), 'waiting': by_status.get('waiting', 0),
            'serving': by_status.get('called', 0) + by_status.get('serving', 0),
            'served': by_status.get('done', 0), 'no_show': by_status.get('no_show', 0)}


def counters_connected():
    """Counter pages open now: staff logged in with a live page, and counter tokens with a live connection."""
    staff = (SocketConnection.select(fn.COUNT(fn.DISTINCT(SocketConnection.staff_id)))
             .where(SocketConnection.staff_id.is_null(False)).scalar() or 0)
    tokens = (SocketConnection.select(fn.COUNT(fn.DISTINCT(SocketConnection.token_id)))
              .join(ApiToken, on=(SocketConnection.token_id == ApiToken.id))
              .where(ApiToken.role == 'counter').scalar() or 0)
    return staff + tokens


def sms_state(app):
    """Whether the SMS gateway works, its reason in words when it does not, and the messages waiting to go."""
    state = messaging.gateway_state(app)
    return {'scheme': state['scheme'], 'ok': state['ok'],
            'reason': gateway_settings.reason_in_words(state['error']) if state['error'] else '',
            'pending': state['counts'].get('pending', 0)}


@bp.get('/overview')
@requires('admin')
def overview():
    """What the office PC's window shows, in one answer it polls every few seconds."""
    devices = [{'name': d['name'], 'role': d['role'], 'connected': d['connected']} for d in console_rows()]
    printers = [{'name': p.name, 'status': p.status} for p in Printer.select().order_by(Printer.name)]
    return jsonify({'devices': devices, 'counters_connected': counters_connected(), 'printers': printers,
                    'default_printer': bool(current_app.config.get('PRINTER')),
                    'sms': sms_state(current_app), 'today': today_counts(office_day())})
