"""The texts Lượt sends by SMS, written with diacritics; the outbox strips them unless the office opts in.

Each stays under 160 characters once stripped, so it goes as one SMS. The README documents them for the office.
"""
import re

from server import settings
from server.sms.text import outgoing_text, sms_parts

PICKUP_CODE = re.compile(r'((?:Mã nhận kết quả|Ma nhan ket qua): )\d+')


def _day(date):
    return date.strftime('%d/%m/%Y')


def _office():
    return settings.get('office_name') or 'Bộ phận một cửa'


def booking_line(appointment):
    """"08:30 25/11/2026, Chứng thực" — the slot and the service of a booking."""
    return '%s %s, %s' % (appointment.start, _day(appointment.date), appointment.service.name)


def confirmation(appointment):
    return ('Đã đặt lịch %s. Mã hẹn: %s. Khi đến, nhập mã tại máy lấy số. Hủy: HUY %s'
            % (booking_line(appointment), appointment.code, appointment.code))


def moved(appointment):
    return 'Đã đổi lịch hẹn %s sang %s.' % (appointment.code, booking_line(appointment))


def cancelled(appointment):
    return 'Đã hủy lịch hẹn %s (%s).' % (appointment.code, booking_line(appointment))


def reminder(appointment):
    return ('Nhắc lịch hẹn %s: %s tại %s. Mã hẹn: %s.'
            % (appointment.code, booking_line(appointment), _office(), appointment.code))


def status(appointment, label):
    return 'Lịch hẹn %s: %s. Trạng thái: %s.' % (appointment.code, booking_line(appointment), label)


def turn_near(ticket, low, high):
    """The forecast call is near: when, as the range the ticket shows."""
    if high <= 1:
        when = 'sắp được gọi'
    elif low == high:
        when = 'dự kiến được gọi sau khoảng %d phút' % high
    else:
        when = 'dự kiến được gọi sau khoảng %d-%d phút' % (low, high)
    return 'Sắp đến lượt số %s (%s): %s. Mời đến khu vực chờ.' % (ticket.number, ticket.service.name, when)


def result_ready(dossier):
    """The result is ready: the deadline and the pickup code the desk asks for, in one SMS (the office's name is
    left out when a long name and a long file code would not fit)."""
    code, day, pickup = dossier.code, _day(dossier.pickup_by), dossier.pickup_code
    forms = ['Hồ sơ %s đã có kết quả. Mời đến nhận tại %s trước ngày %s. Mã nhận kết quả: %s.'
             % (code, _office(), day, pickup),
             'Hồ sơ %s đã có kết quả. Mời đến nhận trước ngày %s. Mã nhận kết quả: %s.' % (code, day, pickup)]
    return next((form for form in forms if sms_parts(outgoing_text(form)) == 1), forms[-1])


def shown_text(message):
    """An outgoing message's text as staff screens list it: a pickup code hidden (the desk checks it at hand-over)."""
    return PICKUP_CODE.sub(r'\1******', message.text) if message.kind == 'result_ready' else message.text


def slot_list(moments):
    """"08:30 25/11/2026, 09:00 25/11/2026" — a few free slots to offer instead, dates in full as everywhere."""
    return ', '.join(moment.strftime('%H:%M %d/%m/%Y') for moment in moments)


def office_closed(appointments, holiday_name):
    """One citizen's bookings of a day the office closes are cancelled: the most detailed text that still goes
    as one SMS once stripped of diacritics (the bookings, in slot order, are all on that day)."""
    first, day = appointments[0], _day(appointments[0].date)
    codes = ', '.join(a.code for a in appointments)
    heads = (['Lịch hẹn %s (%s)' % (first.code, booking_line(first))] if len(appointments) == 1 else []) + [
        'Lịch hẹn %s ngày %s' % (codes, day), '%d lịch hẹn ngày %s' % (len(appointments), day)]
    tails = [' đã bị hủy vì %s nghỉ ngày này (%s). Mời đặt lịch ngày khác.' % (_office(), holiday_name),
             ' đã bị hủy vì %s nghỉ ngày này. Mời đặt lịch ngày khác.' % _office(),
             ' đã bị hủy vì bộ phận một cửa nghỉ ngày này. Mời đặt lịch ngày khác.']
    forms = [head + tail for head in heads for tail in tails]
    return next((form for form in forms if sms_parts(outgoing_text(form)) == 1), forms[-1])
