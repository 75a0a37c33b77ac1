"""The JSON API of appointments and SMS: slots, booking, check-in, the gateway's webhooks, the outbox."""
import datetime

from flask import Response, g, jsonify, request
from flask_babel import gettext as _

from server.api.blueprint import actor, bp
from server.api.ticketing import issued_answer
from server.auth import gateway_only, requires
from server.booking import appointments, office_hours
from server.clock import iso, local_naive
from server.errors import Invalid, NotFound
from server.labels import field_label
from server.models import InboundMessage, OutboxMessage, Procedure
from server.queueing import printing
from server.sms import inbound, messages, outbox
from server.sms.text import is_gsm7
from server.validation import MAX_NAME, boolean, json_body, mask_phone, parse_day, phone_number, text

HOTLINE = ('hotline',)


def _day_arg(value, field='date'):
    if not value:
        raise Invalid(_('Thiếu trường bắt buộc "%(field)s".', field=field_label(field)), 'missing_field')
    return parse_day(value, field)


@bp.get('/slots')
@requires(*HOTLINE)
def slots():
    service = appointments.bookable_service(request.args.get('service') or '')
    day = _day_arg(request.args.get('date'))
    answer = office_hours.slots(service, day, local_naive())
    for slot in answer:
        slot['left'] = max(0, slot['capacity'] - slot['booked'])
    return jsonify(answer)


@bp.get('/calendar')
@requires(*HOTLINE)
def calendar():
    """The next days of a service with places left per day, for the hotline page's day picker."""
    service = appointments.bookable_service(request.args.get('service') or '')
    days = min(max(request.args.get('days', 14, type=int) or 14, 1), 60)
    now_local = local_naive()
    answer = []
    for offset in range(days):
        day = now_local.date() + datetime.timedelta(days=offset)
        day_slots = [s for s in office_hours.slots(service, day, now_local) if not s['past']]
        answer.append({'date': day.isoformat(), 'holiday': office_hours.holiday_name(day),
                       'open': bool(office_hours.sessions_on(day)),
                       'left': sum(max(0, s['capacity'] - s['booked']) for s in day_slots)})
    return jsonify(answer)


@bp.get('/appointments')
@requires('hotline', 'desk')
def list_appointments():
    """A caller's bookings (?phone=), or a day's list (?date=, optionally ?service=)."""
    phone = request.args.get('phone')
    if phone:
        return jsonify([appointments.appointment_dict(a) for a in appointments.for_phone(phone_number(phone))])
    day = _day_arg(request.args.get('date') or local_naive().date().isoformat())
    service = None
    if request.args.get('service'):
        service = appointments.tickets.open_service(request.args['service'])
    return jsonify([appointments.appointment_dict(a) for a in appointments.day_list(day, service)])


@bp.post('/appointments')
@requires(*HOTLINE)
def book():
    body = json_body()
    service = text(body, 'service', 16, required=True)
    day = parse_day(text(body, 'date', 10, required=True))
    start = office_hours.parse_clock(text(body, 'start', 5, required=True))
    name = text(body, 'name', MAX_NAME, required=True)
    phone = phone_number(text(body, 'phone', 20, required=True))
    source = text(body, 'source', 16) or 'hotline'
    if source not in ('hotline', 'desk', 'api', 'sms'):
        raise Invalid(_('Nguồn đặt lịch phải là hotline, desk, api hoặc sms.'), 'invalid_source')
    procedure = None
    if body.get('procedure') is not None:
        procedure = Procedure.get_or_none(Procedure.id == body['procedure']) if isinstance(
            body['procedure'], int) and not isinstance(body['procedure'], bool) else None
        if procedure is None:
            raise NotFound(_('Không có thủ tục này.'), 'unknown_procedure')
    note = text(body, 'note', 200) or ''
    appointment = appointments.book(service, day, start, name, phone, source, actor(), procedure, note)
    return jsonify(appointments.appointment_dict(appointment)), 201


@bp.get('/appointments/<code>')
@requires('hotline', 'desk')
def get_appointment(code):
    return jsonify(appointments.appointment_dict(appointments.find(code)))


@bp.post('/appointments/<code>/cancel')
@requires(*HOTLINE)
def cancel_appointment(code):
    return jsonify(appointments.appointment_dict(appointments.cancel(code, actor())))


@bp.post('/appointments/<code>/move')
@requires(*HOTLINE)
def move_appointment(code):
    body = json_body()
    day = parse_day(text(body, 'date', 10, required=True))
    start = office_hours.parse_clock(text(body, 'start', 5, required=True))
    return jsonify(appointments.appointment_dict(appointments.move(code, day, start, actor())))


@bp.post('/appointments/<code>/check-in')
@requires('kiosk', 'desk')
def check_in(code):
    """Check in by the booking code, or by the phone number that booked (today's booking)."""
    body = json_body(required=False)
    want_print = boolean(body, 'print', default=g.principal.role == 'kiosk')
    printer = printing.printer_for(g.principal) if want_print else None
    ticket = appointments.check_in(code, actor(), on_commit=printing.print_after_commit(printer))
    return jsonify(issued_answer(ticket, printer, want_print))


@bp.route('/sms/inbound', methods=['GET', 'POST'])
@gateway_only
def sms_inbound():
    """An SMS from a citizen, from the gateway: JSON in and out, or form/query in and the reply as text.

    GET is accepted only because Kannel's get-url can do nothing else; it needs the gateway token."""
    if request.is_json:
        body = json_body()
        sender, message = body.get('from'), body.get('text')
    else:
        sender, message = request.values.get('from'), request.values.get('text')
    if not isinstance(sender, str) or not sender.strip() or len(sender) > 20:
        raise Invalid(_('Thiếu hoặc sai số điện thoại người gửi ("from").'), 'invalid_phone')
    if not isinstance(message, str):
        raise Invalid(_('Thiếu nội dung tin nhắn ("text").'), 'missing_field')
    sender = inbound.sender_number(sender)
    reply, appointment, row = inbound.handle(sender, message)
    if not request.is_json:
        # Kannel sends the answer body back itself; coding 2 (UCS-2) keeps diacritics when the office wants them.
        headers = {} if is_gsm7(reply or '') else {'X-Kannel-Coding': '2'}
        return Response(reply or '', mimetype='text/plain', headers=headers)
    inbound.queue_reply(row, reply)
    return jsonify({'reply': reply or '', 'appointment': appointments.appointment_dict(appointment)
                    if appointment else None})


@bp.route('/sms/delivery', methods=['GET', 'POST'])
@gateway_only
def sms_delivery():
    """A delivery report from the gateway (Kannel's dlr-url can only GET): ?ref=<id>&status=<Kannel's type>.

    `ref` is the id the message was sent under (for Kannel, the reference our dlr-url carries). Kannel's
    types: 1 delivered, 2 undelivered, 16 refused by the SMS centre; 4 and 8 (queued, accepted by the
    centre) are steps on the way and change nothing. Only a sent message moves, once: a replay, or a report
    naming a message not sent, is answered 200 with "changed": false (a report is not a request to retry)."""
    reference = (request.values.get('ref') or '')[:100]
    status = request.values.get('status', type=int)
    if not reference or status is None:
        raise Invalid(_('Thiếu "ref" hoặc "status".'), 'missing_field')
    if status not in (1, 2, 16):
        return jsonify({'matched': outbox.find_sent(reference) is not None, 'changed': False})
    matched, changed = outbox.record_delivery(reference, status == 1, 'status %d' % status)
    return jsonify({'matched': matched, 'changed': changed})


def outbox_dict(message):
    return {'id': message.id, 'kind': message.kind, 'phone': mask_phone(message.phone),
            'text': messages.shown_text(message),
            'state': message.state, 'attempts': message.attempts, 'last_error': message.last_error,
            'send_after': iso(message.send_after), 'sent_at': iso(message.sent_at),
            'appointment': message.appointment.code if message.appointment_id else None}


@bp.get('/sms/outbox')
@requires('admin')
def list_outbox():
    query = OutboxMessage.select().order_by(OutboxMessage.id.desc())
    state = request.args.get('state')
    if state:
        query = query.where(OutboxMessage.state == state)
    return jsonify([outbox_dict(m) for m in query.limit(200)])


@bp.post('/sms/outbox/<int:message_id>/resend')
@requires('admin')
def resend(message_id):
    if not outbox.resend(message_id):
        raise NotFound(_('Không có tin nhắn lỗi số %(id)s để gửi lại.', id=message_id), 'unknown_message')
    return jsonify(outbox_dict(OutboxMessage.get_by_id(message_id)))


@bp.get('/sms/inbox')
@requires('admin')
def list_inbox():
    rows = InboundMessage.select().order_by(InboundMessage.id.desc()).limit(200)
    return jsonify([{'id': r.id, 'phone': mask_phone(r.phone), 'text': r.text, 'received_at': iso(r.received_at),
                     'command': r.command, 'outcome': r.outcome, 'reply': r.reply} for r in rows])
