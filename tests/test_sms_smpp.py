"""smpp:// against a fake SMS centre on 127.0.0.1 built on smpplib's PDU classes."""
import threading
import time

import pytest

from server.sms.transports import SmsSendError, open_transport
from server.sms.transports.sms_text import decode_gsm7, gsm7_units
from tests.fake_smsc import FakeSmsc

VIETNAMESE = 'Lượt của bạn: A015, quầy số 3. Xin mời đến ngay!'


@pytest.fixture
def smsc():
    with FakeSmsc() as fake:
        yield fake


@pytest.fixture
def transport(smsc):
    with open_transport(smsc.uri, timeout=2.0) as opened:
        yield opened


def poll_until(transport, count, timeout=5.0):
    """Poll until `count` items (messages plus reports) arrived, within a deadline."""
    inbound, reports = [], []
    deadline = time.monotonic() + timeout
    while len(inbound) + len(reports) < count and time.monotonic() < deadline:
        new_inbound, new_reports = transport.poll()
        inbound += new_inbound
        reports += new_reports
        time.sleep(0.02)
    return inbound, reports


def test_sends_a_short_gsm_message(smsc, transport):
    message_id = transport.send('0905123456', 'Luot A015 @ quay 3', unicode=False, reference='r1')
    [submit] = smsc.submitted
    assert message_id == format(smsc._next_id, 'X')
    assert smsc.binds == [(b'luot', b'secret', b'')]
    assert (submit.destination_addr, submit.dest_addr_ton, submit.dest_addr_npi) == (b'84905123456', 1, 1)
    assert (submit.source_addr, submit.source_addr_ton, submit.source_addr_npi) == (b'8188', 0, 1)
    assert (submit.data_coding, submit.esm_class, submit.registered_delivery) == (0, 0, 1)
    assert submit.short_message == b''.join(gsm7_units('Luot A015 @ quay 3'))


def test_sends_vietnamese_as_ucs2(smsc, transport):
    transport.send('+84905123456', VIETNAMESE, unicode=True, reference='r2')
    [submit] = smsc.submitted
    assert submit.data_coding == 8
    assert submit.short_message.decode('utf-16-be') == VIETNAMESE


def test_sends_a_long_message_in_concatenated_parts(smsc, transport):
    text = ''.join(chr(ord('a') + i % 26) for i in range(400))
    message_id = transport.send('0905123456', text, unicode=False, reference='r3')
    parts = smsc.submitted
    assert len(parts) == 3 and message_id == format(smsc._next_id - 2, 'X')
    assert all(part.esm_class == 0x40 for part in parts)
    headers = [part.short_message[:6] for part in parts]
    assert len({header[3] for header in headers}) == 1
    assert [header[:3] + header[4:] for header in headers] == [bytes((5, 0, 3, 3, n)) for n in (1, 2, 3)]
    assert ''.join(decode_gsm7(part.short_message[6:]) for part in parts) == text


def test_receives_messages_single_and_concatenated(smsc, transport):
    transport.poll()                                  # binds
    assert smsc.wait_for(lambda: smsc.binds)
    smsc.push_message('84905123456', 'Đặt lịch hộ tịch'.encode('utf-16-be'), data_coding=8)
    smsc.push_message('0912345678', b''.join(gsm7_units('HG An 0912345678')), source_ton=0)
    first = bytes((5, 0, 3, 42, 2, 1)) + 'Nguyễn Thị '.encode('utf-16-be')
    second = bytes((5, 0, 3, 42, 2, 2)) + 'Bình'.encode('utf-16-be')
    smsc.push_message('84987654321', second, data_coding=8, esm_class=0x40)
    smsc.push_message('84987654321', first, data_coding=8, esm_class=0x40)
    inbound, reports = poll_until(transport, 3)
    assert reports == []
    assert [(m.phone, m.text) for m in inbound] == [
        ('0905123456', 'Đặt lịch hộ tịch'), ('0912345678', 'HG An 0912345678'),
        ('0987654321', 'Nguyễn Thị Bình')]
    assert all(m.received_at is not None for m in inbound)
    assert smsc.wait_for(lambda: len(smsc.delivery_answers) == 4)
    assert all(answer.status == 0 for answer in smsc.delivery_answers)


def test_delivery_receipts_become_reports(smsc, transport):
    single = transport.send('0905123456', 'one', unicode=False, reference='a')
    failed = transport.send('0905123456', 'two', unicode=False, reference='b')
    multipart = transport.send('0905123456', 'x' * 200, unicode=False, reference='c')
    second_part = format(int(multipart, 16) + 1, 'X')
    smsc.push_receipt(str(int(single, 16)))           # decimal in the receipt, hex in submit_sm_resp
    smsc.push_receipt(failed, stat='UNDELIV', err='001')
    smsc.push_receipt(multipart, stat='ENROUTE')      # not final: no report
    smsc.push_receipt(multipart)
    smsc.push_receipt(second_part, tlv_state=2)       # receipted_message_id and message_state TLVs
    inbound, reports = poll_until(transport, 3)
    assert inbound == []
    assert [(r.message_id, r.delivered, r.detail) for r in reports] == [
        (single, True, 'stat:DELIVRD err:000'), (failed, False, 'stat:UNDELIV err:001'),
        (multipart, True, 'stat:DELIVRD err:000')]


def test_smsc_going_away_is_temporary_and_coming_back_rebinds(smsc, transport):
    transport.send('0905123456', 'before', unicode=False, reference='1')
    smsc.stop()
    with pytest.raises(SmsSendError) as caught:
        transport.send('0905123456', 'while away', unicode=False, reference='2')
    assert caught.value.temporary is True
    assert transport.poll() == ([], [])               # logs, does not raise
    smsc.start()
    transport.send('0905123456', 'after', unicode=False, reference='3')
    assert [decode_gsm7(s.short_message) for s in smsc.submitted] == ['before', 'after']
    assert len(smsc.binds) == 2


def test_refused_submits_are_temporary_or_permanent_by_status(smsc, transport):
    smsc.submit_status = 0x58                         # throttled
    with pytest.raises(SmsSendError) as throttled:
        transport.send('0905123456', 'x', unicode=False, reference='1')
    assert throttled.value.temporary is True and '0x58' in str(throttled.value)
    smsc.submit_status = 0x0B                         # invalid destination address
    with pytest.raises(SmsSendError) as invalid:
        transport.send('0905123456', 'x', unicode=False, reference='2')
    assert invalid.value.temporary is False
    assert len(smsc.binds) == 1                       # a refused message does not break the link


def test_wrong_password_is_a_clear_temporary_error(smsc):
    with open_transport(smsc.uri.replace(':secret@', ':wrong@'), timeout=2.0) as transport:
        with pytest.raises(SmsSendError) as caught:
            transport.send('0905123456', 'x', unicode=False, reference='1')
    assert caught.value.temporary is True and 'Invalid Password' in str(caught.value)


def test_enquire_link_keeps_the_link_and_detects_a_dead_one(smsc):
    with open_transport(smsc.uri + '&enquire_link=0.2', timeout=1.0) as transport:
        transport.send('0905123456', 'x', unicode=False, reference='1')
        assert smsc.wait_for(lambda: smsc.enquire_links >= 2)
        smsc.answer_enquire_link = False
        unanswered_from = smsc.enquire_links
        assert smsc.wait_for(lambda: smsc.enquire_links > unanswered_from)
        time.sleep(0.6)                               # an enquire_link unanswered for an interval breaks the link
        smsc.answer_enquire_link = True
        transport.send('0905123456', 'y', unicode=False, reference='2')
    assert len(smsc.binds) == 2


def test_sends_from_several_threads(smsc, transport):
    ids, errors = [], []

    def worker(number):
        try:
            for index in range(5):
                ids.append(transport.send('0905123456', f'{number}-{index}', unicode=False, reference='t'))
        except Exception as error:      # surfaced by the assertion below
            errors.append(error)
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == [] and len(set(ids)) == 20 and len(smsc.submitted) == 20
