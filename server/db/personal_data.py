"""Personal data (Decree 13/2023/ND-CP): citizens' names, phone numbers and SMS texts are kept only as long
as the `personal_data_days` setting says, and erased at once for a citizen who asks.

What holds personal data: a ticket's name (typed, or read from the CCCD card at the kiosk), phone and
transfer note; the comment of its rating; an
appointment's name, phone and note; a ready file's (dossier) name and phone; every SMS in and out (number,
text, reply); a print job's frozen ticket (the name). The rows themselves stay, anonymous, so reports still
count every ticket, appointment and message. The audit trail holds no names or phones (codes only).
"""
import datetime
import json
import logging

from flask_babel import gettext as _

from server import settings
from server.audit import audit
from server.clock import office_day
from server.errors import Invalid
from server.extensions import db
from server.models import Appointment, Dossier, InboundMessage, OutboxMessage, PrintJob, Rating, Ticket, utcnow
from server.validation import mask_phone, phone_number

log = logging.getLogger(__name__)
NOT_SENT = ('pending', 'sending')   # a message still to send keeps its number and text until it is sent


def retention_days():
    return int(settings.get('personal_data_days'))


def retention_notice():
    """The one line the kiosk and the phone page show: what is kept and for how long."""
    return _('Họ tên và số điện thoại chỉ được lưu %(days)s ngày, sau đó tự động xóa.', days=retention_days())


def _erase_print_jobs(query):
    """Drop the name from print jobs' frozen tickets (only the jobs that carry one)."""
    erased = 0
    for job in query.where(PrintJob.payload.contains('"name": "')):
        payload = json.loads(job.payload or '{}')
        payload['name'] = None
        erased += PrintJob.update(payload=json.dumps(payload, ensure_ascii=False)).where(
            PrintJob.id == job.id).execute()
    return erased


def purge(now=None, actor='system'):
    """Erase what is older than `personal_data_days`: {table: rows changed}. Tickets by their day,
    appointments by their slot's day, files once collected (or past their pickup date), messages by when
    they came or were queued. Anonymous rows stay for the statistics."""
    now = now or utcnow()
    days = retention_days()
    before_day = office_day(now) - datetime.timedelta(days=days)
    before = now - datetime.timedelta(days=days)
    with db.atomic():
        counts = {
            'tickets': (Ticket.update(name=None, phone=None, transfer_note=None)
                        .where(Ticket.day < before_day, Ticket.name.is_null(False) | Ticket.phone.is_null(False)
                               | Ticket.transfer_note.is_null(False))
                        .execute()),
            'print_jobs': _erase_print_jobs(PrintJob.select().where(PrintJob.created_at < before,
                                                                    PrintJob.state.not_in(('queued', 'printing')))),
            'appointments': (Appointment.update(name='', phone='', note='')
                             .where(Appointment.date < before_day,
                                    (Appointment.name != '') | (Appointment.phone != '') | (Appointment.note != ''))
                             .execute()),
            'dossiers': (Dossier.update(name='', phone=None)
                         .where(Dossier.ready_at < before, Dossier.pickup_by < before_day,
                                Dossier.collected_at.is_null() | (Dossier.collected_at < before),
                                (Dossier.name != '') | Dossier.phone.is_null(False))
                         .execute()),
            'sms_out': (OutboxMessage.update(phone='', text='')
                        .where(OutboxMessage.created_at < before, OutboxMessage.state.not_in(NOT_SENT),
                               (OutboxMessage.phone != '') | (OutboxMessage.text != ''))
                        .execute()),
            'sms_in': (InboundMessage.update(phone='', text='', reply='')
                       .where(InboundMessage.received_at < before,
                              (InboundMessage.phone != '') | (InboundMessage.text != '') | (InboundMessage.reply != ''))
                       .execute()),
            # A rating's comment is the citizen's own words: erased with the rest; its score stays for the reports.
            'ratings': Rating.update(comment='').where(Rating.created_at < before, Rating.comment != '').execute(),
        }
        total = sum(counts.values())
        if total:
            audit(None, 'personal_data_purged', actor, before=before_day.isoformat(), days=days, rows=total,
                  tables=counts)
    if total:
        log.info('personal data older than %d days erased from %d rows', days, total)
    return counts


def phone_forms(raw):
    """The ways a number may be stored (0905..., +84905..., 84905...), or a 400 for something not a number."""
    try:
        national = phone_number(raw)
    except Invalid:
        national = None
    if national:
        return national, [national, '+84' + national[1:], '84' + national[1:]]
    compact = ''.join(ch for ch in (raw or '') if ch.isdigit() or ch == '+') if isinstance(raw, str) else ''
    if 6 <= len(compact) <= 20 and compact == raw.replace(' ', '').replace('.', '').replace('-', ''):
        return compact, [compact]     # a foreign sender of an SMS, stored as the gateway gave it
    raise Invalid(_('Số điện thoại không hợp lệ (dạng 0xxxxxxxxx hoặc +84xxxxxxxxx).'), 'invalid_phone')


def erase_phone(raw, actor='', now=None):
    """Erase everything about one phone number at the citizen's request: their tickets' names and number,
    their appointments (open ones are cancelled: nobody could tell them of a change any more), their files,
    and every message to or from the number (those not yet sent are cancelled). Returns {table: rows}; the
    audit row says that it happened and how many rows, with the number masked."""
    now = now or utcnow()
    phone, forms = phone_forms(raw)
    with db.atomic():
        tickets = [t.id for t in Ticket.select(Ticket.id).where(Ticket.phone.in_(forms))]
        (Appointment.update(status='cancelled', changed_at=now)
         .where(Appointment.phone.in_(forms), Appointment.status == 'booked').execute())
        (OutboxMessage.update(state='cancelled', last_error='erased on request')
         .where(OutboxMessage.phone.in_(forms), OutboxMessage.state == 'pending').execute())
        counts = {
            'tickets': (Ticket.update(name=None, phone=None, transfer_note=None).where(Ticket.id.in_(tickets))
                        .execute() if tickets else 0),
            'print_jobs': _erase_print_jobs(PrintJob.select().where(PrintJob.ticket.in_(tickets))) if tickets else 0,
            'appointments': Appointment.update(name='', phone='', note='').where(Appointment.phone.in_(forms)).execute(),
            'dossiers': Dossier.update(name='', phone=None).where(Dossier.phone.in_(forms)).execute(),
            'sms_out': OutboxMessage.update(phone='', text='').where(OutboxMessage.phone.in_(forms)).execute(),
            'sms_in': (InboundMessage.update(phone='', text='', reply='')
                       .where(InboundMessage.phone.in_(forms)).execute()),
            'ratings': (Rating.update(comment='').where(Rating.ticket.in_(tickets), Rating.comment != '').execute()
                        if tickets else 0),
        }
        total = sum(counts.values())
        audit(None, 'personal_data_erased', actor, phone=mask_phone(phone), rows=total, tables=counts)
    log.info('personal data of %s erased on request: %d rows', mask_phone(phone), total)
    return counts
