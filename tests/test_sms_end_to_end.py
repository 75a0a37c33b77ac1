"""A citizen books by SMS through a real Kannel into a real Lượt server, and gets the reply and the reminders."""
import datetime
import re

from server.booking import appointments
from server.clock import local_naive, utc_from_local
from server.extensions import db
from server.sms import outbox
from server.sms.transports import open_transport
from tests.conftest import free_port
from tests.helpers import api, wait_for
from tests.kannel import kannel  # noqa: F401  (a fixture)

CODE = re.compile(r'Ma hen: ([A-Z2-9]{6})')


def free_weekday(server, admin_token, days=3):
    """A working day at least `days` ahead that is not one of the server's holidays."""
    holidays = {row['date'] for row in api(server, 'GET', '/holidays', admin_token)}
    day = local_naive().date() + datetime.timedelta(days=days)
    while day.weekday() >= 5 or day.isoformat() in holidays:
        day += datetime.timedelta(days=1)
    return day


def test_sms_booking_through_kannel_into_luot(kannel, live_server, tmp_path):  # noqa: F811
    port = free_port()
    data_dir = tmp_path / 'office'
    data_dir.mkdir()
    # The token must exist before Kannel is configured with it, so the server starts on a known port and data.
    from tests.conftest import LiveServer
    token = LiveServer(data_dir).token('gateway', 'Kannel')
    gateway = kannel(get_url='http://127.0.0.1:%d/api/v1/sms/inbound?token=%s&from=%%p&text=%%a' % (port, token))
    server = live_server(env={'LUOT_SMS': gateway.sendsms_uri(**{'from': '8188'})}, demo=True, data_dir=data_dir,
                         port=port)
    admin = server.token('admin', 'checks')
    day = free_weekday(server, admin)
    gateway.inject('0905123456', '8188', 'HG, Nguyen Van An, chung thuc, 8h30, %s' % day.strftime('%d/%m/%Y'))
    reply = gateway.wait_for_message(lambda m: m.receiver == '0905123456', timeout=20)
    assert reply.sender == '8188' and reply.kind == 'text', reply
    code = CODE.search(reply.text).group(1)
    assert '08:30 %s' % day.strftime('%d/%m/%Y') in reply.text and 'Chung thuc' in reply.text

    gateway.inject('0905123456', '8188', 'kt %s' % code.lower())
    status = gateway.wait_for_message(lambda m: m.receiver == '0905123456' and m is not reply and 'Trang thai' in m.text)
    assert code in status.text and 'da dat' in status.text

    gateway.inject('0912345678', '8188', 'alo')
    help_text = gateway.wait_for_message(lambda m: m.receiver == '0912345678')
    assert 'HG, ho ten, thu tuc, gio, ngay' in help_text.text

    # Help again the same day is an empty answer, and Kannel (omit-empty) sends the phone nothing: the status
    # asked next from that phone is the next message it gets.
    gateway.inject('0912345678', '8188', 'alo alo')
    assert wait_for(lambda: len(api(server, 'GET', '/sms/inbox', admin)) == 4)
    gateway.inject('0912345678', '8188', 'kt %s' % code)
    refused = gateway.wait_for_message(lambda m: m.receiver == '0912345678' and m is not help_text)
    assert 'khong thuoc' in refused.text


def reminder_states(appointment):
    from server.models import OutboxMessage
    return sorted((m.key.rsplit(':', 1)[1], m.state) for m in OutboxMessage.select().where(
        OutboxMessage.appointment == appointment, OutboxMessage.kind == 'reminder'))


def test_reminders_go_out_through_kannel_at_their_time(kannel, office):  # noqa: F811
    gateway = kannel(get_url='http://127.0.0.1:9/unused?from=%p&text=%a')
    transport = open_transport(gateway.sendsms_uri(**{'from': '8188'}))
    monday = datetime.date(2030, 3, 4)
    slot = datetime.datetime.combine(monday, datetime.time(9, 30))
    expected = [  # (office time, the reminders' states after the worker ran then)
        (slot - datetime.timedelta(hours=15), [('before', 'pending'), ('evening', 'pending')]),       # 18:30
        (slot - datetime.timedelta(hours=14, minutes=30), [('before', 'pending'), ('evening', 'sent')]),
        (slot - datetime.timedelta(minutes=61), [('before', 'pending'), ('evening', 'sent')]),
        (slot - datetime.timedelta(minutes=60), [('before', 'sent'), ('evening', 'sent')]),
        (slot - datetime.timedelta(minutes=30), [('before', 'sent'), ('evening', 'sent')]),
    ]
    with office.app_context(), db.connection_context():
        booked = appointments.book('CT', monday, slot.time(), 'Phạm Thị Dung', '0987654321',
                                   now=utc_from_local(slot - datetime.timedelta(days=3)))
        outbox.deliver_due(transport, now=utc_from_local(slot - datetime.timedelta(days=3)))
        for moment, states in expected:
            outbox.deliver_due(transport, now=utc_from_local(moment))
            assert reminder_states(booked) == states, moment
    confirmation = gateway.wait_for_message(lambda m: 'Da dat lich' in m.text)
    assert booked.code in confirmation.text and confirmation.receiver == '0987654321'
    gateway.wait_for_message(lambda m: len([x for x in gateway.messages if 'Nhac lich hen' in x.text]) >= 2)
    reminders = [m for m in gateway.messages if 'Nhac lich hen' in m.text]
    assert len(reminders) == 2
    assert all('09:30 04/03/2030' in m.text and booked.code in m.text and m.receiver == '0987654321'
               for m in reminders)


def test_sms_booking_through_a_usb_modem(tmp_path):
    """gsm://: the SMS round reads the message off the modem, books, and the reply goes back out the modem."""
    from server import create_app
    from server.models import Appointment
    from server.sms import messaging
    from tests.conftest import make_service, open_weekday
    from tests.fake_modem import FakeModem, decode_submit, deliver_pdu
    with FakeModem() as modem:
        app = create_app({'DATA_DIR': str(tmp_path / 'data'), 'SCHEDULER': False, 'PRINTING': False,
                          'TESTING': True, 'SMS': 'gsm://%s?baud=115200' % modem.path})
        make_service('CT', 'Chứng thực', 'A')
        day = open_weekday(3)
        modem.receive(deliver_pdu('+84905123456', 'HG, Nguyễn Văn An, chứng thực, 9h, %s' % day.strftime('%d/%m'),
                                  ucs2=True))
        try:
            with app.app_context(), db.connection_context():
                messaging.sms_round(app)
                appointment = Appointment.get()
            assert (appointment.phone, appointment.name, appointment.start) == ('0905123456', 'Nguyễn Văn An', '09:00')
            assert modem.storage == {}    # read and deleted
            [reply] = [decode_submit(pdu) for _length, pdu in modem.submitted]
            assert reply['number'] == '+84905123456' and appointment.code in reply['text']
        finally:
            messaging.forget(app)
            db.close() if not db.is_closed() else None
            db.obj.close_all()
