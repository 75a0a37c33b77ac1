"""gsm:// against a simulated modem on a pseudo-terminal, and the PDU codec on its own."""
import time
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.sms.transports import SmsSendError, gsm_pdu, open_transport, sms_text
from tests.fake_modem import FakeModem, decode_submit, deliver_pdu, status_report_pdu

VIETNAMESE = 'Lượt của bạn: A015, quầy số 3. Xin mời đến ngay!'
PLUS_SEVEN = timezone(timedelta(hours=7))


@pytest.fixture
def modem():
    with FakeModem() as fake:
        yield fake


def gsm(fake, options='', timeout=2.0):
    return open_transport(f'gsm://{fake.path}?baud=115200{options}', timeout=timeout)


# --- the codec -------------------------------------------------------------------------------

def test_decodes_published_deliver_pdus():
    hello = gsm_pdu.decode_pdu('07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37')
    assert (hello.sender, hello.text) == ('27838890001', 'hellohello')
    assert hello.timestamp.utcoffset() == timedelta(hours=2)
    test = gsm_pdu.decode_pdu('07916407058099F9040B916407950303F100008921222140140004D4E2940A')
    assert (test.sender, test.text, test.concat) == ('+46705930301', 'TEST', None)


def test_encodes_the_published_submit_pdu():
    [(pdu, length)] = gsm_pdu.submit_pdus('+46708251358', 'hellohello', unicode=False, concat_reference=0)
    # The published example uses validity AA (4 days); ours is A7 (24 hours).
    assert pdu == '00' + '11000B916407281553F80000AA0AE8329BFD4697D9EC37'.replace('AA0A', 'A70A')
    assert length == len(pdu) // 2 - 1


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=sms_text.GSM_BASIC.replace('\x1b', '') + '€[]{}^~|\\', max_size=500),
       st.booleans())
def test_submit_parts_decode_to_the_text(text, unicode):
    pdus = gsm_pdu.submit_pdus('+84905123456', text, unicode=unicode, concat_reference=9)
    decoded = [decode_submit(pdu) for pdu, _ in pdus]
    assert ''.join(part['text'] for part in decoded) == text
    for sequence, part in enumerate(decoded, start=1):
        assert part['number'] == '+84905123456'
        assert part['dcs'] == (0x08 if unicode else 0x00)
        assert part['udh'] == (bytes((5, 0, 3, 9, len(pdus), sequence)) if len(pdus) > 1 else b'')
        assert part['length_field'] <= (140 if unicode else 160)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=60).filter(lambda t: '\x00' not in t), st.integers(1, 3))
def test_deliver_pdus_decode(text, total):
    fits = sms_text.fits_gsm7(text)
    pdu = deliver_pdu('+84905123456', text, ucs2=not fits, concat=(200, total, total))
    decoded = gsm_pdu.decode_pdu(pdu)
    assert (decoded.sender, decoded.concat) == ('+84905123456', (200, total, total))
    assert decoded.text == (text if fits else text.encode('utf-16-be').decode('utf-16-be'))
    assert decoded.timestamp == datetime(2026, 3, 2, 9, 30, 15, tzinfo=PLUS_SEVEN)


def test_long_gsm_text_never_splits_an_escape_pair():
    text = 'a' * 152 + '€' + 'b' * 10
    parts = sms_text.encode_text(text, unicode=False).parts
    assert [len(part) for part in parts] == [152, 12]
    assert ''.join(sms_text.decode_gsm7(part) for part in parts) == text


# --- sending ---------------------------------------------------------------------------------

def test_sends_short_gsm7_after_initialising(modem):
    with gsm(modem) as transport:
        message_id = transport.send('0905123456', 'Luot A015: moi den quay 3', unicode=False, reference='r1')
    assert message_id == 'gsm:1'
    assert modem.commands[:5] == ['ATZ', 'ATE0', 'AT+CMEE=1', 'AT+CPIN?', 'AT+CMGF=0']
    [(length, pdu)] = modem.submitted
    part = decode_submit(pdu)
    assert (part['number'], part['dcs'], part['udh']) == ('+84905123456', 0x00, b'')
    assert part['text'] == 'Luot A015: moi den quay 3'
    assert not part['status_report']


def test_sends_vietnamese_as_ucs2(modem):
    with gsm(modem) as transport:
        transport.send('+84905123456', VIETNAMESE, unicode=True, reference='r2')
        transport.send('0905123456', 'Quầy 3', unicode=False, reference='r3')  # does not fit GSM-7
    first, second = (decode_submit(pdu) for _, pdu in modem.submitted)
    assert (first['dcs'], first['text']) == (0x08, VIETNAMESE)
    assert (second['dcs'], second['text']) == (0x08, 'Quầy 3')


def test_sends_a_400_character_message_in_three_concatenated_parts(modem):
    text = ''.join(chr(ord('A') + i % 26) for i in range(400))
    with gsm(modem) as transport:
        message_id = transport.send('0905123456', text, unicode=False, reference='r4')
    parts = [decode_submit(pdu) for _, pdu in modem.submitted]
    assert message_id == 'gsm:1-2-3'
    assert ''.join(part['text'] for part in parts) == text
    references = {part['udh'][3] for part in parts}
    assert len(references) == 1
    assert [part['udh'][:3] + part['udh'][4:] for part in parts] == [bytes((5, 0, 3, 3, n)) for n in (1, 2, 3)]
    assert [part['length_field'] for part in parts] == [160, 160, 7 + 400 - 2 * 153]


def test_unusable_phone_number_is_a_permanent_error(modem):
    with gsm(modem) as transport, pytest.raises(SmsSendError) as caught:
        transport.send('12', 'x', unicode=False, reference='r5')
    assert caught.value.temporary is False
    assert modem.submitted == []


# --- receiving -------------------------------------------------------------------------------

def test_receives_single_messages_and_deletes_them(modem):
    modem.receive(deliver_pdu('+84905123456', 'HG Nguyen Van An 0905123456'))
    modem.receive(deliver_pdu('+84912345678', 'Đặt lịch chứng thực sáng mai', ucs2=True))
    modem.receive(deliver_pdu('VNPT', 'Tai khoan cua ban con 5000d'))
    with gsm(modem) as transport:
        inbound, reports = transport.poll()
        assert transport.poll() == ([], [])
    assert reports == []
    assert [(m.phone, m.text) for m in inbound] == [
        ('0905123456', 'HG Nguyen Van An 0905123456'),
        ('0912345678', 'Đặt lịch chứng thực sáng mai'),
        ('VNPT', 'Tai khoan cua ban con 5000d')]
    assert inbound[0].received_at == datetime(2026, 3, 2, 9, 30, 15, tzinfo=PLUS_SEVEN)
    assert modem.storage == {}
    assert [c for c in modem.commands if c.startswith('AT+CMGD=')] == ['AT+CMGD=1', 'AT+CMGD=2', 'AT+CMGD=3']


def test_joins_multipart_messages_only_when_complete(modem):
    parts = ['Đặt lịch hộ tịch ', 'cho Nguyễn Thị Bình, ', 'sáng thứ Hai.']
    with gsm(modem) as transport:
        modem.receive(deliver_pdu('+84905123456', parts[2], ucs2=True, concat=(77, 3, 3)))
        modem.receive(deliver_pdu('+84905123456', parts[0], ucs2=True, concat=(77, 3, 1)))
        modem.receive(deliver_pdu('+84987654321', 'other sender, same ref', concat=(77, 2, 1)))
        assert transport.poll() == ([], [])
        assert modem.storage == {}      # held by the transport, not left on the SIM
        modem.receive(deliver_pdu('+84905123456', parts[1], ucs2=True, concat=(77, 3, 2)))
        inbound, _ = transport.poll()
    assert [(m.phone, m.text) for m in inbound] == [('0905123456', ''.join(parts))]


def test_status_reports_become_delivery_reports(modem):
    with gsm(modem, '&reports=1') as transport:
        single = transport.send('0905123456', 'Hello', unicode=False, reference='a')
        double = transport.send('0905123456', 'x' * 200, unicode=False, reference='b')
        assert decode_submit(modem.submitted[0][1])['status_report']
        assert 'AT+CNMI=2,1,0,2,0' in modem.commands
        modem.receive(status_report_pdu(1, '+84905123456', 0x00))
        modem.receive(status_report_pdu(2, '+84905123456', 0x00))
        _, reports = transport.poll()
        assert [(r.message_id, r.delivered) for r in reports] == [(single, True)]
        modem.receive(status_report_pdu(3, '+84905123456', 0x30))    # still trying: not final
        modem.receive(status_report_pdu(3, '+84905123456', 0x46))    # then failed
        _, reports = transport.poll()
    assert double == 'gsm:2-3'
    assert [(r.message_id, r.delivered, r.detail) for r in reports] == [(double, False, 'status report 0x46')]


# --- failures --------------------------------------------------------------------------------

def test_a_modem_that_stops_answering_is_a_temporary_error_then_the_port_reopens(modem):
    with gsm(modem, timeout=0.5) as transport:
        transport.send('0905123456', 'one', unicode=False, reference='1')
        modem.silent = True
        started = time.monotonic()
        with pytest.raises(SmsSendError) as caught:
            transport.send('0905123456', 'two', unicode=False, reference='2')
        assert caught.value.temporary is True
        assert 'stopped answering' in str(caught.value)
        assert time.monotonic() - started < 3.0
        with pytest.raises(SmsSendError):
            transport.poll()
        modem.silent = False
        transport.send('0905123456', 'three', unicode=False, reference='3')
    assert [decode_submit(pdu)['text'] for _, pdu in modem.submitted] == ['one', 'three']
    assert modem.commands.count('ATZ') == 3     # first open, poll's reopen (unanswered), the last send


def test_pin_prompt_is_answered_once():
    with FakeModem(pin='1234') as fake:
        with gsm(fake, '&pin=1234') as transport:
            transport.send('0905123456', 'after PIN', unicode=False, reference='p')
        assert fake.pin_attempts == ['1234']
        assert len(fake.submitted) == 1


def test_missing_or_wrong_pin_is_permanent_and_never_retried():
    with FakeModem(pin='1234') as fake:
        with gsm(fake) as transport, pytest.raises(SmsSendError) as missing:
            transport.send('0905123456', 'x', unicode=False, reference='p')
        assert missing.value.temporary is False and 'pin=' in str(missing.value)
        with gsm(fake, '&pin=9999') as transport:
            for _ in range(3):
                with pytest.raises(SmsSendError) as wrong:
                    transport.send('0905123456', 'x', unicode=False, reference='p')
                assert wrong.value.temporary is False and 'rejected' in str(wrong.value)
        assert fake.pin_attempts == ['9999']


def test_a_missing_port_is_a_temporary_error(tmp_path):
    with open_transport(f'gsm://{tmp_path}/ttyUSB9', timeout=0.5) as transport:
        with pytest.raises(SmsSendError) as caught:
            transport.send('0905123456', 'x', unicode=False, reference='m')
        assert caught.value.temporary is True
