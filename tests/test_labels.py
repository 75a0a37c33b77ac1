"""One set of labels (server/labels.py): weekdays, statuses and printer states read the same on every page and
in the API, in the language asked for."""
import datetime

import pytest

from display import _board_strings as board_strings
from server import labels
from server.extensions import db
from server.models import Printer
from server.pages import admin, counter, hotline
from tests.conftest import bearer, open_weekday

WEEKDAYS = {'vi': ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ nhật'],
            'en': ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']}


def in_language(client, language):
    """The client set to a page language the way the language switch sets it."""
    client.set_cookie('lang', language)
    return client


@pytest.mark.parametrize('language', ['vi', 'en'])
def test_the_office_hours_name_weekdays_in_the_language_asked(client, tokens, language):
    answer = client.get('/api/v1/office-hours', headers=bearer(tokens['admin'], **{'Accept-Language': language}))
    assert [day['name'] for day in answer.get_json()] == WEEKDAYS[language]


@pytest.mark.parametrize('language', ['vi', 'en'])
def test_the_calendar_page_and_its_refusals_name_weekdays_in_the_page_language(client, tokens, language):
    html = in_language(client, language).get('/admin/calendar', headers=bearer(tokens['admin'])).get_data(as_text=True)
    other = 'en' if language == 'vi' else 'vi'
    assert all(name in html for name in WEEKDAYS[language])
    assert not any(name in html for name in WEEKDAYS[other])
    week = [{'weekday': 0, 'sessions': {'morning': {'start': '11:00', 'end': '08:00'}}}]
    refused = client.put('/api/v1/office-hours', json=week,
                         headers=bearer(tokens['admin'], **{'Accept-Language': language}))
    assert refused.status_code == 400 and refused.get_json()['error']['message'].startswith(WEEKDAYS[language][0])


@pytest.mark.parametrize('language', ['vi', 'en'])
def test_every_page_has_the_same_weekday_names(app, client, office, tokens, language):
    with app.test_request_context(headers={'Cookie': 'lang=' + language}):
        assert hotline.page_strings()['weekdays'] == WEEKDAYS[language]
        assert board_strings()['weekdays'] == WEEKDAYS[language][6:] + WEEKDAYS[language][:6]   # Sunday first
    day_list = in_language(client, language).get('/hotline/day?date=2026-11-25', headers=bearer(tokens['admin']))
    assert WEEKDAYS[language][2] + ', 25/11/2026' in day_list.get_data(as_text=True)


@pytest.mark.parametrize('language', ['vi', 'en'])
def test_printer_states_and_ticket_statuses_read_the_same_everywhere(app, client, tokens, language):
    with app.app_context(), db.connection_context():
        Printer.create(name='Máy in sảnh', uri='tcp://192.0.2.10:9100', status='paper_out',
                       status_at=datetime.datetime(2026, 11, 24, 2, 0))
    with app.test_request_context(headers={'Cookie': 'lang=' + language}):
        printer_states, statuses = labels.texts(labels.PRINTER_STATE), labels.texts(labels.TICKET_STATUS)
        staff = counter.common_strings()
        console = admin.js_strings()
    assert printer_states['paper_out'] == {'vi': 'hết giấy', 'en': 'out of paper'}[language]
    assert staff['printer_state'] == printer_states and staff['status'] == statuses
    assert console['printer_status'] == {code: text[0].upper() + text[1:] for code, text in printer_states.items()}
    page = in_language(client, language).get('/admin/printers', headers=bearer(tokens['admin']))
    assert page.status_code == 200 and '>%s<' % console['printer_status']['paper_out'] in page.get_data(as_text=True)
    assert '24/11/2026 09:00' in page.get_data(as_text=True)   # when it said so, in office time


def test_an_appointment_status_reads_the_same_in_the_api_and_on_the_day_list(client, office, tokens):
    day = open_weekday()
    hotline = bearer(tokens['hotline'])
    booked = client.post('/api/v1/appointments', headers=hotline, json={
        'service': 'CT', 'date': day.isoformat(), 'start': '08:00', 'name': 'Nguyễn Văn An',
        'phone': '0905123456', 'source': 'hotline'}).get_json()
    assert booked['status_label'] == 'đã đặt'
    day_list = client.get('/hotline/day?date=' + day.isoformat(), headers=bearer(tokens['admin']))
    assert '<td>đã đặt</td>' in day_list.get_data(as_text=True)
