"""The texts Lượt sends by SMS, written with diacritics; the outbox strips them unless the office opts in.

Each stays under 160 characters once stripped, so it goes as one SMS. The README documents them for the office.
"""
from .. import settings


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


def turn_near(ticket, ahead):
    return ('Sắp đến lượt số %s (%s): còn %d người trước bạn. Mời đến khu vực chờ.'
            % (ticket.number, ticket.service.name, ahead))


def result_ready(dossier):
    return ('Hồ sơ %s đã có kết quả. Mời đến nhận tại %s trước ngày %s.'
            % (dossier.code, _office(), _day(dossier.pickup_by)))


def slot_list(moments):
    """"08:30 25/11, 09:00 25/11" — a few free slots to offer instead."""
    return ', '.join(moment.strftime('%H:%M %d/%m') for moment in moments)
