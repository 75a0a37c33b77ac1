"""The admission cap: walk-ins wait outside once the one-stop area holds the set number of people."""
import math

from flask_babel import gettext as _

from server import settings
from server.clock import office_day
from server.errors import Conflict
from server.models import Counter, Ticket

PRESENT = ('waiting', 'called', 'serving')


def present_count(day):
    """People in the area: tickets of the day waiting, called or being served."""
    return Ticket.select().where(Ticket.day == day, Ticket.status.in_(PRESENT)).count()


def check_walk_in(now=None):
    """Refuse a walk-in ticket while the area is full, saying how to book and when to come back."""
    cap = int(settings.get('admission_cap'))
    if not cap:
        return
    present = present_count(office_day(now))
    if present < cap:
        return
    counters = max(1, Counter.select().where(Counter.active == True, Counter.paused == False).count())  # noqa: E712
    minutes = int(math.ceil((present - cap + 1) * float(settings.get('default_service_minutes')) / counters))
    ways = []
    if settings.get('hotline_phone'):
        ways.append(_('gọi tổng đài %(phone)s', phone=settings.get('hotline_phone')))
    if settings.get('sms_shortcode'):
        ways.append(_('nhắn tin "HG, họ tên, thủ tục, giờ, ngày" gửi %(code)s', code=settings.get('sms_shortcode')))
    ways = ways or [_('hỏi cán bộ tại quầy hướng dẫn')]
    raise Conflict(_('Khu vực một cửa đang đủ %(cap)s người. Mời ông/bà quay lại sau khoảng %(minutes)s phút, '
                     'hoặc đặt lịch hẹn: %(ways)s. Người cao tuổi, người khuyết tật, phụ nữ mang thai và người '
                     'có lịch hẹn vẫn được lấy số.', cap=cap, minutes=minutes, ways='; '.join(ways)), 'office_full')
