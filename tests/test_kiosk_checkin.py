"""The kiosk's appointment check-in (code or phone) and the kind "the area is full" answer to walk-ins."""
import json
import re
import time

import pytest

from tests.conftest import bearer
from tests.helpers import call_api, issue
from tests.pages import KIOSK_SIZES, WAIT, kiosk_fits, open_kiosk, paired, screenshot, take_ticket

ALL_DAY = [{'weekday': day, 'sessions': {'morning': {'start': '00:00', 'end': '23:59'}}} for day in range(7)]


def kiosk_strings(html):
    return json.loads(re.search(r'id="strings">(.*?)</script>', html, re.S).group(1))


# Without a browser: the page.

def test_the_code_keyboard_has_digits_and_the_codes_letters(client, tokens, office):
    html = paired(client, tokens).get_data(as_text=True)
    keys = re.findall(r'data-keypad="code">(.*?)</div>', html, re.S)[0]
    typed = re.findall(r'data-key="(\w)"', keys)
    assert typed == list('1234567890ABCDEFGHJKLMNPQRSTUVWXYZ')     # no I or O: codes never hold them
    assert 'data-key="clear"' in keys and 'data-key="back"' in keys
    assert 'Nhập mã lịch hẹn trong tin nhắn xác nhận' in html and 'id="screen-full"' in html
    strings = kiosk_strings(html)
    assert strings['code_invalid'].startswith('Mã lịch hẹn gồm 6 ký tự')
    assert strings['appointment'] == 'Có lịch hẹn: được ưu tiên gọi'


def test_the_page_is_in_english_with_the_cookie(client, tokens, office):
    paired(client, tokens)
    client.set_cookie('lang', 'en')
    html = client.get('/kiosk').get_data(as_text=True)
    assert '<html lang="en">' in html and 'I have an appointment' in html


# Real browsers against `python run.py --demo`.

def open_all_day(server):
    """Every day open 00:00-23:59, today not a holiday (the server seeds the public ones) and wide
    check-in windows, so a slot near now can always be booked."""
    admin = server.token('admin')
    assert call_api(server, 'PUT', '/office-hours', admin, ALL_DAY)[0] == 200
    status, days = call_api(server, 'GET', '/calendar?service=CT&days=1', admin)
    assert status == 200, days
    today = days[0]['date']
    for _ in range(100):      # the scheduler seeds the year's holidays just after start: not under our feet
        if call_api(server, 'GET', '/holidays?year=' + today[:4], admin)[1]:
            break
        time.sleep(0.1)
    assert call_api(server, 'DELETE', '/holidays/' + today, admin)[0] in (200, 404)
    status, _ = call_api(server, 'PATCH', '/settings', admin,
                         {'checkin_early_minutes': 240, 'checkin_late_minutes': 240})
    assert status == 200
    return admin


def office_zone_with_slots_left():
    """A time zone in which the day is not in its last hour: run there, the office always has a slot
    left today. Ho Chi Minh City unless it is near midnight there; then Tokyo (two hours ahead)."""
    import datetime
    from zoneinfo import ZoneInfo
    for name in ('Asia/Ho_Chi_Minh', 'Asia/Tokyo'):
        if datetime.datetime.now(ZoneInfo(name)).hour < 23:
            return name
    raise AssertionError('unreachable: two zones two hours apart cannot both be past 23:00')


def book_next_slot(server, hotline, phone, name='Nguyễn Văn An'):
    """Book today's next free slot of CT through the hotline API; the appointment."""
    status, days = call_api(server, 'GET', '/calendar?service=CT&days=1', hotline)
    assert status == 200, days
    today = days[0]['date']
    status, slots = call_api(server, 'GET', '/slots?service=CT&date=' + today, hotline)
    free = [slot for slot in slots if not slot['past'] and slot['booked'] < slot['capacity']]
    assert free, slots
    status, appointment = call_api(server, 'POST', '/appointments', hotline, {
        'service': 'CT', 'date': today, 'start': free[0]['start'], 'name': name, 'phone': phone,
        'source': 'hotline'})
    assert status == 201, appointment
    return appointment


def type_on(page, text):
    for key in text:
        page.click('#screen-appointment .key[data-key="%s"]' % key)


def check_in(page):
    with page.expect_response(lambda r: '/check-in' in r.url, timeout=WAIT) as answer:
        page.click('#check-in')
    return answer.value


@pytest.mark.browser
def test_a_booking_code_gets_a_ticket_with_appointment_priority(live_server, page_in):
    from playwright.sync_api import expect
    server = live_server(demo=True, env={'LUOT_TIMEZONE': office_zone_with_slots_left()})
    open_all_day(server)
    hotline = server.token('hotline')
    booked = book_next_slot(server, hotline, '0905123456')
    by_phone = book_next_slot(server, hotline, '0912345678', 'Trần Thị Bình')
    page = open_kiosk(page_in, server, 1920, 1080)
    issue(server, server.token('desk'))   # A001 waits

    page.click('#appointment-button')
    expect(page.locator('#screen-appointment')).to_be_visible()
    type_on(page, booked['code'][:3] + 'Z')
    page.click('#screen-appointment .key[data-key="back"]')
    type_on(page, booked['code'][3:])
    expect(page.locator('#code-display')).to_have_text(booked['code'])
    answer = check_in(page)
    assert answer.status == 200, answer.text()
    ticket = answer.json()
    assert ticket['priority'] is True and ticket['priority_reason'] == 'appointment' and ticket['service'] == 'CT'
    expect(page.locator('#ticket-number')).to_have_text(ticket['number'])
    expect(page.locator('#ticket-priority')).to_have_text('Có lịch hẹn: được ưu tiên gọi')
    expect(page.locator('#ticket-ahead')).to_have_text('Không có ai đứng trước ông/bà')   # ahead of the walk-in
    screenshot(page, 'kiosk-checkin-ticket-1920x1080')

    page.wait_for_timeout(1600)
    page.click('#screen-ticket [data-action=start]')
    page.click('#appointment-button')
    expect(page.locator('#code-display')).to_have_text('')
    type_on(page, booked['code'])
    answer = check_in(page)
    assert answer.status == 409 and answer.json()['error']['code'] == 'already_checked_in'
    expect(page.locator('#appointment-error')).to_have_text(answer.json()['error']['message'])

    page.click('#screen-appointment .key-word[data-key="clear"]')
    type_on(page, '0912345678')
    expect(page.locator('#code-display')).to_have_text('0912 345 678')
    answer = check_in(page)
    assert answer.status == 200, answer.text()
    expect(page.locator('#ticket-number')).to_have_text(answer.json()['number'])
    status, stored = call_api(server, 'GET', '/appointments/' + by_phone['code'], hotline)
    assert stored['status'] == 'checked_in'


@pytest.mark.browser
def test_a_full_office_turns_walk_ins_away_kindly(live_server, page_in):
    from playwright.sync_api import expect
    server = live_server(demo=True)
    admin = server.token('admin')
    assert call_api(server, 'PATCH', '/settings', admin,
                    {'admission_cap': 1, 'hotline_phone': '0236 3822 111'})[0] == 200
    assert call_api(server, 'POST', '/tickets', admin, {'service': 'HT', 'print': False})[0] == 201
    page = open_kiosk(page_in, server, 1366, 768)
    page.locator('.service', has_text='Chứng thực').click()
    with page.expect_response(lambda r: r.url.endswith('/api/v1/tickets'), timeout=WAIT) as answer:
        page.click('#issue')
    assert answer.value.status == 409 and answer.value.json()['error']['code'] == 'office_full'
    message = page.locator('#full-message')
    expect(message).to_have_text(answer.value.json()['error']['message'])
    expect(message).to_contain_text('gọi tổng đài 0236 3822 111')
    assert float(message.evaluate('el => getComputedStyle(el).fontSize')[:-2]) >= 28
    expect(page.locator('#screen-options')).to_be_hidden()
    screenshot(page, 'kiosk-office-full-1366x768')

    page.click('#screen-full [data-action=start]')
    expect(page.locator('#screen-start')).to_be_visible()
    page.locator('.service', has_text='Chứng thực').click()      # a priority citizen still gets a number
    page.click('.choice[data-reason=elderly]')
    ticket = take_ticket(page)
    assert ticket['number'] == 'A001' and ticket['priority_reason'] == 'elderly'
    expect(page.locator('#ticket-number')).to_have_text('A001')


@pytest.mark.browser
def test_the_new_screens_fit_without_scrollbars(live_server, page_in):
    server = live_server(demo=True)
    admin = server.token('admin')
    call_api(server, 'PATCH', '/settings', admin, {'admission_cap': 1, 'hotline_phone': '0236 3822 111',
                                               'sms_shortcode': '8188'})
    issue(server, admin, 'HT')
    for width, height in KIOSK_SIZES:
        page = open_kiosk(page_in, server, width, height)
        size = '%dx%d' % (width, height)
        page.click('#appointment-button')
        type_on(page, 'K7M2QX')
        kiosk_fits(page, 'appointment', size)
        page.click('#screen-appointment [data-action=start]')
        page.locator('.service').first.click()
        with page.expect_response(lambda r: r.url.endswith('/api/v1/tickets'), timeout=WAIT):
            page.click('#issue')
        page.locator('#full-message').wait_for(timeout=WAIT)
        kiosk_fits(page, 'full', size)


def test_check_in_answers_the_kiosk_with_a_ticket(client, tokens, office):
    """The API the screen relies on: an unknown code is a 404 with a message to show as it is."""
    answer = client.post('/api/v1/appointments/K7M2QX/check-in', headers=bearer(tokens['kiosk']), json={})
    assert answer.status_code == 404
    assert answer.get_json()['error']['message'] == 'Không có lịch hẹn mã "K7M2QX".'
