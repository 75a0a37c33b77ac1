"""The JSON API of tickets, calls and the queue (thin: the rules live in server/queueing/tickets.py)."""
from flask import current_app, g, jsonify, request, session
from flask_babel import gettext as _

from server.api.blueprint import ANY, actor, bp
from server.auth import requires, sees_personal_data
from server.clock import office_day
from server.errors import Invalid, QueueError
from server.labels import field_label
from server.models import PRIORITY_REASONS, Counter, Service, Ticket
from server.queueing import admission, calls, printing, tickets
from server.queueing.lines import board_for, counter_line, queue_state, ticket_dict, track_url
from server.validation import MAX_NAME, boolean, integer, json_body, phone_number, text

STAFF = ('counter', 'desk')


def staff():
    return g.principal.staff if g.get('principal') else None


@bp.post('/tickets')
@requires('kiosk', 'desk')
def create_ticket():
    body = json_body()
    service = text(body, 'service', 16, required=True)
    priority = boolean(body, 'priority')
    reason = text(body, 'priority_reason', 16)
    if reason is not None and reason not in PRIORITY_REASONS:
        raise Invalid(_('Lý do ưu tiên phải là một trong: %(values)s.', values=', '.join(PRIORITY_REASONS)),
                      'invalid_priority_reason')
    name = text(body, 'name', MAX_NAME)
    phone = phone_number(body.get('phone'))
    source = 'kiosk' if g.principal.role == 'kiosk' else 'desk'
    if source == 'kiosk' and not (priority or reason):
        admission.check_walk_in()   # the desk's staff decide for themselves
    want_print = boolean(body, 'print', default=source == 'kiosk')
    printer = printing.printer_for(g.principal) if want_print else None
    ticket = tickets.issue_ticket(service, priority or bool(reason), reason, name, phone, source, actor(),
                                  on_commit=printing.print_after_commit(printer))
    return jsonify(issued_answer(ticket, printer, want_print)), 201


def issued_answer(ticket, printer, want_print):
    """A new ticket for whoever issued it: its track link (for the QR code) and the printing state;
    a kiosk gets the name masked and no phone, like everyone without a staff login."""
    answer = ticket_dict(ticket, private=sees_personal_data())
    answer['track_url'] = track_url(ticket)
    answer['printing'] = printing.print_state(printer, want_print)
    return answer


@bp.get('/tickets')
@requires('desk', 'counter')
def list_tickets():
    """Today's tickets, newest first, filtered by number, name, phone, service or status."""
    query = Ticket.select().where(Ticket.day == office_day()).order_by(Ticket.issued_at.desc())
    search = (request.args.get('q') or '').strip()[:100]
    if search:
        query = query.where(Ticket.number.contains(search.upper()) | Ticket.name.contains(search)
                            | Ticket.phone.contains(search))
    status = request.args.get('status')
    if status:
        query = query.where(Ticket.status == status)
    service = request.args.get('service')
    if service:
        query = query.join_from(Ticket, Service).where(Service.code == service)
    counter = request.args.get('counter', type=int)
    if counter is not None and not 1 <= counter <= 999:
        raise Invalid(_('Số quầy phải từ 1 đến 999.'), 'out_of_range')
    if counter is not None:
        query = query.join_from(Ticket, Counter).where(Counter.number == counter)
    if request.args.get('order') == 'queue':   # the order call-next takes: priority first, then by place
        query = query.order_by(Ticket.priority.desc(), Ticket.queued_at, Ticket.id)
    return jsonify([ticket_dict(t) for t in query.limit(200)])


@bp.get('/tickets/<int:ticket_id>')
@requires(*ANY)
def get_ticket(ticket_id):
    return jsonify(ticket_dict(tickets.find_ticket(ticket_id), private=sees_personal_data()))


def remember_counter(number):
    """A staff session keeps the counter it works at, so that its logout leaves that counter (pages.logout)."""
    if number is not None and staff() is not None and not g.get('bearer') and session.get('counter') != number:
        session['counter'] = number


def acting_counter(body):
    """The optional "counter" of a ticket action: the ticket must be at that counter (409 wrong_counter)."""
    return integer(body, 'counter', minimum=1, maximum=999)


@bp.post('/counters/<int:number>/call-next')
@requires('counter')
def call_next(number):
    """Optional body {"finish_current": "no_show"}: the current citizen did not come (default "done");
    {"resume": true}: a paused counter opens again and calls (else 409 counter_paused)."""
    body = json_body(required=False)
    finish_as = text(body, 'finish_current', 16, default='done')
    ticket = tickets.call_next(number, staff=staff(), actor=actor(), finish_as=finish_as,
                               resume=boolean(body, 'resume'))
    remember_counter(number)
    return jsonify(ticket_dict(ticket))


@bp.post('/counters/<int:number>/call')
@requires('counter')
def call_number(number):
    """{"number": "A025"}: call that waiting ticket to this counter; "finish_current" and "resume" as call-next."""
    body = json_body()
    finish_as = text(body, 'finish_current', 16, default='done')
    ticket = calls.call_number(number, body.get('number'), staff=staff(), actor=actor(), finish_as=finish_as,
                               resume=boolean(body, 'resume'))
    remember_counter(number)
    return jsonify(ticket_dict(ticket))


@bp.get('/counters/<int:number>/no-shows')
@requires('counter', 'desk')
def counter_no_shows(number):
    """Today's absent citizens of a counter's lines, to call back (names: staff only)."""
    return jsonify(calls.absent_today(tickets.find_counter(number)))


@bp.get('/counters/<int:number>/line')
@requires('counter', 'desk')
def counter_line_view(number):
    """A counter's counts of today and its line in the order call-next takes it (names: staff only)."""
    limit = request.args.get('limit', default=100, type=int)
    if not 1 <= limit <= 1000:
        raise Invalid(_('Trường "%(field)s" nằm ngoài khoảng cho phép.', field=field_label('limit')), 'out_of_range')
    return jsonify(counter_line(tickets.find_counter(number), limit=limit))


def _ticket_action(action, roles=('counter',)):
    @requires(*roles)
    def view(ticket_id):
        number = acting_counter(json_body(required=False))
        ticket = action(ticket_id, actor=actor(), counter_number=number)
        remember_counter(number)
        return jsonify(ticket_dict(ticket))
    view.__name__ = action.__name__
    return view


bp.add_url_rule('/tickets/<int:ticket_id>/recall', view_func=_ticket_action(tickets.recall), methods=['POST'])
bp.add_url_rule('/tickets/<int:ticket_id>/start', view_func=_ticket_action(tickets.start_serving), methods=['POST'])
bp.add_url_rule('/tickets/<int:ticket_id>/no-show', view_func=_ticket_action(tickets.no_show), methods=['POST'])
bp.add_url_rule('/tickets/<int:ticket_id>/complete', view_func=_ticket_action(tickets.complete), methods=['POST'])
bp.add_url_rule('/tickets/<int:ticket_id>/hand-back', methods=['POST'],
                view_func=_ticket_action(tickets.hand_back))
bp.add_url_rule('/tickets/<int:ticket_id>/return', methods=['POST'],
                view_func=_ticket_action(tickets.return_to_line, STAFF))
bp.add_url_rule('/tickets/<int:ticket_id>/cancel', methods=['POST'],
                view_func=_ticket_action(tickets.cancel, STAFF))


@bp.post('/tickets/<int:ticket_id>/transfer')
@requires('counter', 'desk')
def transfer(ticket_id):
    body = json_body()
    service = text(body, 'service', 16, required=True)
    number = acting_counter(body)
    note = text(body, 'note', 200)   # for the counter that calls the citizen in the new line
    ticket = tickets.transfer(ticket_id, service, actor=actor(), counter_number=number, note=note)
    remember_counter(number)
    return jsonify(ticket_dict(ticket))


@bp.post('/tickets/<int:ticket_id>/reprint')
@requires('desk', 'kiosk')
def reprint(ticket_id):
    ticket = tickets.find_ticket(ticket_id)
    printer = printing.printer_for(g.principal)
    if printer is None:
        raise QueueError(_('Chưa cấu hình máy in cho thiết bị này.'), 'no_printer', 409)
    if printer.get('error'):
        raise QueueError(printer['error'], 'invalid_printer_uri', 409)
    printing.print_after_commit(printer)(ticket)
    return jsonify(printing.print_state(printer, True))


@bp.get('/queue')
@requires(*ANY)
def queue():
    board = board_for(request.args.get('board'))
    return jsonify(queue_state(board, private=sees_personal_data()))


@bp.get('/openapi.json')
def openapi():
    from server.api.openapi import spec
    return jsonify(spec(current_app))
