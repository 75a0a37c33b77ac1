"""The office's reports for a range of days, tested against a day whose figures are worked out by hand:
GET /api/v1/reports, its .xlsx (read back with openpyxl) and CSV, the console page, the period before, week and
month ranges, bad input and roles."""
import csv
import datetime
import io

import pytest

from server.api.openapi import spec
from server.auth import hash_password
from server.extensions import db
from server.models import Appointment, Rating, Service, Staff, Ticket
from server.queueing import reports, tickets
from tests.conftest import bearer
from tests.contract import Contract
from tests.helpers import local

API = '/api/v1'
DAY = datetime.date(2026, 12, 3)          # a Thursday
BEFORE = DAY - datetime.timedelta(days=1)
AFTER = DAY + datetime.timedelta(days=1)


def at(hour, minute=0, day=DAY):
    return local(day, hour, minute)


def make_staff(username, full_name):
    return Staff.create(username=username, full_name=full_name, role='counter', password_hash=hash_password('x'))


def rate(ticket, score):
    ticket = Ticket.get_by_id(ticket.id)
    Rating.create(ticket=ticket, score=score, service=ticket.service, counter=ticket.counter, staff=ticket.staff)


def appointment(code, service, day, status):
    Appointment.create(code=code, service=Service.by_code(service), date=day, start='09:00', end='09:30',
                       name='Trần Thị Bích', phone='0905123456', status=status)


def known_day(app):
    """DAY: six tickets (one transferred CT -> HT, one absent, one still waiting), four ratings and four
    appointments; BEFORE: one ticket served after 30 minutes, rated 1; AFTER: one ticket, outside the range."""
    with app.app_context(), db.connection_context():
        lan, minh = make_staff('lan', 'Nguyễn Thị Lan'), make_staff('minh', 'Trần Văn Minh')
        t1 = tickets.issue_ticket('CT', now=at(8, 0))
        t2 = tickets.issue_ticket('CT', now=at(8, 10))
        t3 = tickets.issue_ticket('HT', now=at(8, 30))
        assert tickets.call_next(1, staff=lan, actor='staff:lan', now=at(8, 5)).id == t1.id      # waited 5
        tickets.complete(t1.id, now=at(8, 15))                                                   # served 10
        assert tickets.call_next(1, staff=lan, actor='staff:lan', now=at(8, 20)).id == t2.id     # waited 10
        tickets.complete(t2.id, now=at(8, 26))                                                   # served 6
        assert tickets.call_next(3, staff=minh, actor='staff:minh', now=at(8, 42)).id == t3.id   # waited 12
        tickets.no_show(t3.id, now=at(8, 45))
        t4 = tickets.issue_ticket('CT', now=at(9, 0))
        assert tickets.call_next(2, staff=minh, actor='staff:minh', now=at(9, 4)).id == t4.id    # waited 4, at CT
        tickets.transfer(t4.id, 'HT', actor='staff:minh', counter_number=2, now=at(9, 6))
        assert tickets.call_next(3, staff=minh, actor='staff:minh', now=at(9, 16)).id == t4.id   # waited 10 in HT
        tickets.complete(t4.id, now=at(9, 36))                                                   # served 20
        t6 = tickets.issue_ticket('CT', now=at(10, 5))
        assert tickets.call_next(2, staff=lan, actor='staff:lan', now=at(10, 8)).id == t6.id     # waited 3
        tickets.complete(t6.id, now=at(10, 20))                                                  # served 12
        tickets.issue_ticket('HT', now=at(10, 10))                                               # never called
        for ticket, score in ((t1, 4), (t2, 3), (t4, 2), (t6, 4)):
            rate(ticket, score)
        old = tickets.issue_ticket('CT', now=at(9, 0, BEFORE))
        tickets.call_next(1, staff=lan, now=at(9, 30, BEFORE))
        tickets.complete(old.id, now=at(9, 40, BEFORE))
        rate(old, 1)
        tickets.issue_ticket('HT', now=at(9, 0, AFTER))
        for code, service, day, status in (('AP01', 'CT', DAY, 'booked'), ('AP02', 'CT', DAY, 'checked_in'),
                                           ('AP03', 'HT', DAY, 'no_show'), ('AP04', 'CT', DAY, 'cancelled'),
                                           ('AP05', 'HT', BEFORE, 'checked_in')):
            appointment(code, service, day, status)


def timings(called, served, no_show, transferred, waits, services, ratings=(0, None), issued=0):
    return dict(issued=issued, called=called, served=served, no_show=no_show, transferred=transferred,
                wait_median_min=waits[0], wait_p90_min=waits[1], service_median_min=services[0],
                service_p90_min=services[1], satisfaction_count=ratings[0], satisfaction_mean=ratings[1])


EXPECTED_SERVICES = [  # CT waits 3, 5, 10 and services 6, 10, 12; HT waits 10, 12 and a service of 20
    dict(code='CT', name='Chứng thực', **timings(3, 3, 0, 1, (5.0, 10.0), (10.0, 12.0), (3, 3.67), issued=4)),
    dict(code='HT', name='Hộ tịch', **timings(2, 1, 1, 0, (11.0, 12.0), (20.0, 20.0), (1, 2.0), issued=2)),
]
EXPECTED_COUNTERS = [
    dict(number=1, name='Quầy 1', **timings(2, 2, 0, 0, (7.5, 10.0), (8.0, 10.0), (2, 3.5))),
    dict(number=2, name='Quầy 2', **timings(1, 1, 0, 1, (3.0, 3.0), (12.0, 12.0), (1, 4.0))),
    dict(number=3, name='Quầy 3', **timings(2, 1, 1, 0, (11.0, 12.0), (20.0, 20.0), (1, 2.0))),
]
EXPECTED_STAFF = [
    dict(username='lan', name='Nguyễn Thị Lan', **timings(3, 3, 0, 0, (5.0, 10.0), (10.0, 12.0), (3, 3.67))),
    dict(username='minh', name='Trần Văn Minh', **timings(2, 1, 1, 1, (11.0, 12.0), (20.0, 20.0), (1, 2.0))),
]
# All waits 3, 5, 10, 10, 12 (median 10, nearest rank 5 of 5 = 12); services 6, 10, 12, 20 (11, and rank 4 = 20).
EXPECTED_TOTAL = dict(code='', name='Tổng cộng', **timings(5, 4, 1, 1, (10.0, 12.0), (11.0, 20.0), (4, 3.25),
                                                              issued=6))


def without_means(row):
    return {key: value for key, value in row.items() if not key.startswith('mean_')}


def test_the_known_day_through_the_api(app, client, office, tokens):
    known_day(app)
    response = client.get(API + '/reports?from=2026-12-03&to=2026-12-03', headers=bearer(tokens['admin']))
    report = Contract(spec(app)).check('GET', '/reports', response)
    assert (report['from'], report['to']) == ('2026-12-03', '2026-12-03')
    assert [without_means(row) for row in report['services']] == EXPECTED_SERVICES
    assert [without_means(row) for row in report['counters']] == EXPECTED_COUNTERS
    assert [without_means(row) for row in report['staff']] == EXPECTED_STAFF
    assert without_means(report['total']) == EXPECTED_TOTAL
    assert report['total']['mean_wait_min'] == 8.0 and report['total']['mean_service_min'] == 12.0
    assert len(report['hours']) == 24
    assert {row['hour']: row['arrivals'] for row in report['hours'] if row['arrivals']} == {8: 3, 9: 1, 10: 2}
    assert report['appointments'] == {'booked': 3, 'kept': 1, 'missed': 1, 'services': [
        {'code': 'CT', 'name': 'Chứng thực', 'booked': 2, 'kept': 1, 'missed': 0},
        {'code': 'HT', 'name': 'Hộ tịch', 'booked': 1, 'kept': 0, 'missed': 1}]}
    assert report['satisfaction'] == {'count': 4, 'by_score': {'1': 0, '2': 1, '3': 1, '4': 2}, 'mean': 3.25}

    previous = report['previous']
    assert (previous['from'], previous['to']) == ('2026-12-02', '2026-12-02')
    assert without_means(previous['total']) == dict(code='', name='Tổng cộng', **timings(
        1, 1, 0, 0, (30.0, 30.0), (10.0, 10.0), (1, 1.0), issued=1))
    assert [row['username'] for row in previous['staff']] == ['lan']
    assert {row['hour']: row['arrivals'] for row in previous['hours'] if row['arrivals']} == {9: 1}
    assert previous['appointments']['booked'] == 1 and previous['appointments']['kept'] == 1
    assert previous['satisfaction'] == {'count': 1, 'by_score': {'1': 1, '2': 0, '3': 0, '4': 0}, 'mean': 1.0}


def test_week_and_month_ranges_and_their_previous_periods(app, client, office, tokens):
    known_day(app)
    admin = bearer(tokens['admin'])
    week = client.get(API + '/reports?from=2026-11-30&to=2026-12-06', headers=admin).get_json()
    assert week['total']['issued'] == 8 and week['total']['served'] == 5          # BEFORE, DAY and AFTER
    assert (week['previous']['from'], week['previous']['to']) == ('2026-11-23', '2026-11-29')
    assert week['previous']['total']['issued'] == 0 and week['previous']['total']['wait_median_min'] is None
    month = client.get(API + '/reports?from=2026-12-01&to=2026-12-31', headers=admin).get_json()
    assert month['total']['issued'] == 8 and month['satisfaction']['count'] == 5
    assert (month['previous']['from'], month['previous']['to']) == ('2026-11-01', '2026-11-30')
    three = client.get(API + '/reports?from=2026-12-02&to=2026-12-04', headers=admin).get_json()
    assert (three['previous']['from'], three['previous']['to']) == ('2026-11-29', '2026-12-01')
    after = client.get(API + '/reports?from=2026-12-04', headers=admin).get_json()
    assert (after['from'], after['to'], after['total']['issued']) == ('2026-12-04', '2026-12-04', 1)
    assert (after['previous']['from'], after['previous']['total']['issued']) == ('2026-12-03', 6)


def test_percentiles_are_the_documented_ones():
    assert reports.median([3, 5, 10, 10, 12]) == 10.0 and reports.median([6, 10, 12, 20]) == 11.0
    assert reports.percentile_90(list(range(1, 11))) == 9.0      # rank ceil(9.0) = 9
    assert reports.percentile_90(list(range(1, 12))) == 10.0     # rank ceil(9.9) = 10
    assert reports.percentile_90([4]) == 4.0 and reports.percentile_90([]) is None and reports.median([]) is None


def cells(sheet, first_row=4):
    return [list(row) for row in sheet.iter_rows(min_row=first_row, values_only=True)]


def test_the_workbook_has_real_numbers_dates_and_vietnamese_headers(app, client, office, tokens):
    from openpyxl import load_workbook
    known_day(app)
    response = client.get(API + '/reports.xlsx?from=2026-12-03&to=2026-12-03', headers=bearer(tokens['admin']))
    assert response.status_code == 200 and response.mimetype.endswith('spreadsheetml.sheet')
    assert 'bao-cao-2026-12-03_2026-12-03.xlsx' in response.headers['Content-Disposition']
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ['Tổng hợp', 'Lĩnh vực', 'Quầy', 'Cán bộ', 'Theo giờ', 'Lịch hẹn', 'Mức độ hài lòng']
    summary = book['Tổng hợp']
    assert [c.value for c in summary[3]][:3] == ['Kỳ báo cáo', datetime.datetime(2026, 12, 3), datetime.datetime(2026, 12, 3)]
    assert [c.value for c in summary[4]][:3] == ['Kỳ trước', datetime.datetime(2026, 12, 2), datetime.datetime(2026, 12, 2)]
    assert summary['B3'].number_format == 'dd/mm/yyyy' and summary['C4'].number_format == 'dd/mm/yyyy'
    assert [c.value for c in summary[6]] == ['Chỉ số', 'Kỳ này', 'Kỳ trước', 'Thay đổi']
    rows = {row[0]: row[1:] for row in cells(summary, 7)}
    assert rows['Đã lấy số'] == [6, 1, 5] and rows['Chờ trung vị (phút)'] == [10.0, 30.0, -20.0]
    assert rows['Lịch hẹn không đến'] == [1, 0, 1] and rows['Điểm hài lòng trung bình (1-4)'] == [3.25, 1.0, 2.25]
    services = book['Lĩnh vực']
    assert [c.value for c in services[3]] == [
        'Mã', 'Tên', 'Đã lấy số', 'Đã gọi', 'Đã phục vụ', 'Vắng mặt', 'Đã chuyển', 'Chờ trung vị (phút)',
        'Chờ P90 (phút)', 'Phục vụ trung vị (phút)', 'Phục vụ P90 (phút)', 'Số lượt đánh giá',
        'Điểm hài lòng trung bình (1-4)', 'Đã lấy số (kỳ trước)', 'Đã gọi (kỳ trước)', 'Đã phục vụ (kỳ trước)',
        'Vắng mặt (kỳ trước)', 'Đã chuyển (kỳ trước)', 'Chờ trung vị (phút) (kỳ trước)', 'Chờ P90 (phút) (kỳ trước)',
        'Phục vụ trung vị (phút) (kỳ trước)', 'Phục vụ P90 (phút) (kỳ trước)', 'Số lượt đánh giá (kỳ trước)',
        'Điểm hài lòng trung bình (1-4) (kỳ trước)']
    # Each figure, then the same figures of the day before (one CT ticket: waited 30, served 10, rated 1).
    assert [row[13:] for row in cells(services)] == [[1, 1, 1, 0, 0, 30.0, 30.0, 10.0, 10.0, 1, 1.0],
                                                    [0, 0, 0, 0, 0, None, None, None, None, 0, None],
                                                    [1, 1, 1, 0, 0, 30.0, 30.0, 10.0, 10.0, 1, 1.0]]
    assert services['N4'].number_format == '#,##0' and services['S4'].number_format == '0.0'
    assert [row[:13] for row in cells(services)] == [
        ['CT', 'Chứng thực', 4, 3, 3, 0, 1, 5.0, 10.0, 10.0, 12.0, 3, 3.67],
        ['HT', 'Hộ tịch', 2, 2, 1, 1, 0, 11.0, 12.0, 20.0, 20.0, 1, 2.0],
        [None, 'Tổng cộng', 6, 5, 4, 1, 1, 10.0, 12.0, 11.0, 20.0, 4, 3.25]]
    assert services['C4'].number_format == '#,##0' and services['H4'].number_format == '0.0'
    assert services['M4'].number_format == '0.00'
    assert cells(book['Quầy'])[1][:12] == [2, 'Quầy 2', 1, 1, 0, 1, 3.0, 3.0, 12.0, 12.0, 1, 4.0]
    assert cells(book['Quầy'])[0][12:] == [1, 1, 0, 0, 30.0, 30.0, 10.0, 10.0, 1, 1.0]
    assert cells(book['Cán bộ']) == [   # minh worked only on DAY: 0 and nothing the day before
        ['lan', 'Nguyễn Thị Lan', 3, 3, 0, 0, 5.0, 10.0, 10.0, 12.0, 3, 3.67,
         1, 1, 0, 0, 30.0, 30.0, 10.0, 10.0, 1, 1.0],
        ['minh', 'Trần Văn Minh', 2, 1, 1, 1, 11.0, 12.0, 20.0, 20.0, 1, 2.0,
         0, 0, 0, 0, None, None, None, None, 0, None]]
    hours = book['Theo giờ']
    assert [c.value for c in hours[3]] == ['Giờ', 'Lượt đến', 'Kỳ trước']
    assert cells(hours)[8:11] == [[8, 3, 0], [9, 1, 1], [10, 2, 0]] and len(cells(hours)) == 24
    assert hours['A12'].number_format == '00":00"'
    assert cells(book['Lịch hẹn']) == [['CT', 'Chứng thực', 2, 1, 0, 0, 0, 0], ['HT', 'Hộ tịch', 1, 0, 1, 1, 1, 0],
                                       [None, 'Tổng cộng', 3, 1, 1, 1, 1, 0]]
    assert cells(book['Mức độ hài lòng']) == [['Rất hài lòng', 4, 2, 0.5, 0], ['Hài lòng', 3, 1, 0.25, 0],
                                              ['Bình thường', 2, 1, 0.25, 0], ['Không hài lòng', 1, 0, 0, 1]]
    assert book['Mức độ hài lòng']['D4'].number_format == '0.0%'
    for sheet in book:
        assert [c.coordinate for line in sheet.iter_rows() for c in line if c.data_type == 'f'] == []


def csv_sections(data):
    """{title: [header, rows...]} of the CSV's sections (a title line, then lines up to an empty one)."""
    assert data.startswith('\ufeff'.encode())
    lines = list(csv.reader(io.StringIO(data.decode('utf-8-sig'))))
    sections, current = {'': []}, ''
    for line in lines:
        if not line:
            current = None
        elif current is None:
            current = line[0]
            sections[current] = []
        else:
            sections[current].append(line)
    return sections


def test_the_csv_has_every_table_with_a_bom(app, client, office, tokens):
    known_day(app)
    response = client.get(API + '/reports.csv?from=2026-12-03&to=2026-12-03', headers=bearer(tokens['admin']))
    assert response.status_code == 200 and response.mimetype == 'text/csv'
    assert 'bao-cao-2026-12-03_2026-12-03.csv' in response.headers['Content-Disposition']
    sections = csv_sections(response.data)
    assert sections[''][1:] == [['Kỳ báo cáo', '03/12/2026', '03/12/2026'], ['Kỳ trước', '02/12/2026', '02/12/2026']]
    assert list(sections) == ['', 'Tổng hợp', 'Lĩnh vực', 'Quầy', 'Cán bộ', 'Theo giờ', 'Lịch hẹn',
                              'Mức độ hài lòng']
    assert ['Đã phục vụ', '4', '1'] in sections['Tổng hợp']
    assert [row[:13] for row in sections['Lĩnh vực'][1:]] == [
        ['CT', 'Chứng thực', '4', '3', '3', '0', '1', '5.0', '10.0', '10.0', '12.0', '3', '3.67'],
        ['HT', 'Hộ tịch', '2', '2', '1', '1', '0', '11.0', '12.0', '20.0', '20.0', '1', '2.0'],
        ['', 'Tổng cộng', '6', '5', '4', '1', '1', '10.0', '12.0', '11.0', '20.0', '4', '3.25']]
    assert sections['Cán bộ'][0][:3] == ['Tài khoản', 'Họ tên', 'Đã gọi'] and len(sections['Cán bộ']) == 3
    assert sections['Theo giờ'][9] == ['8', '3', '0'] and len(sections['Theo giờ']) == 25
    assert sections['Lĩnh vực'][-1][13:] == ['1', '1', '1', '0', '0', '30.0', '30.0', '10.0', '10.0', '1', '1.0']
    assert sections['Lịch hẹn'][-1] == ['', 'Tổng cộng', '3', '1', '1', '1', '1', '0']
    assert sections['Mức độ hài lòng'][1] == ['Rất hài lòng', '4', '2', '0.5', '0']


def test_a_typed_name_that_looks_like_a_formula_stays_text_in_the_csv(app, client, office, tokens):
    admin = bearer(tokens['admin'])
    assert client.patch(API + '/services/CT', headers=admin, json={'name': '=HYPERLINK("x")'}).status_code == 200
    sections = csv_sections(client.get(API + '/reports.csv', headers=admin).data)
    assert sections['Lĩnh vực'][1][:2] == ['CT', '\'=HYPERLINK("x")']


def test_the_console_page_shows_each_figure_beside_the_period_before(app, client, office, tokens):
    known_day(app)
    page = client.get('/admin/reports?from=03/12/2026&to=03/12/2026', headers=bearer(tokens['admin']))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'Ngày 03/12/2026' in html and 'So với kỳ trước: từ 02/12/2026 đến 02/12/2026' in html
    assert '<td class="num">10,0<span class="was">trước: 30,0</span></td>' in html     # the median wait
    assert '<td class="num">6<span class="was">trước: 1</span></td>' in html           # issued
    assert 'report.xlsx?from=03/12/2026&amp;to=03/12/2026' in html
    assert 'report.csv?from=03/12/2026&amp;to=03/12/2026' in html
    assert 'reports?from=02/12/2026&amp;to=02/12/2026' in html and 'reports?from=04/12/2026&amp;to=04/12/2026' in html
    assert html.count('class="bar c1" data-series="issued"') == 2                      # one per service
    assert html.count('data-series="arrivals"') == 10                                 # 07:00 to 16:00
    assert 'data-series="count" data-value="2"' in html and 'Rất hài lòng' in html
    assert 'reports.css' in html
    month = client.get('/admin/reports?from=01/12/2026&to=31/12/2026', headers=bearer(tokens['admin']))
    assert 'So với kỳ trước: từ 01/11/2026 đến 30/11/2026' in month.get_data(as_text=True)
    assert 'reports?from=01/01/2027&amp;to=31/01/2027' in month.get_data(as_text=True)


def test_the_console_downloads_are_the_same_files(app, client, office, tokens):
    known_day(app)
    admin = bearer(tokens['admin'])
    console = client.get('/admin/report.csv?from=03/12/2026&to=03/12/2026', headers=admin)
    api = client.get(API + '/reports.csv?from=2026-12-03&to=2026-12-03', headers=admin)
    assert console.status_code == 200 and console.data == api.data


@pytest.mark.parametrize('query, code, vietnamese, english', [
    ('from=03/12/2026', 'invalid_date', 'hãy dùng dạng YYYY-MM-DD', 'YYYY-MM-DD'),
    ('from=2026-02-31', 'invalid_date', 'không hợp lệ', 'YYYY-MM-DD'),
    ('from=2026-12-06&to=2026-12-01', 'invalid_range', 'Ngày bắt đầu phải trước', 'start'),
    ('from=2025-01-01&to=2026-12-31', 'range_too_long', 'tối đa 366 ngày', '366'),
    ('to=hôm nay', 'invalid_date', 'Đến ngày', 'YYYY-MM-DD'),
])
def test_bad_ranges_are_a_400_in_the_asked_language(client, office, tokens, query, code, vietnamese, english):
    for path in ('/reports?', '/reports.xlsx?', '/reports.csv?'):
        answer = client.get(API + path + query, headers=bearer(tokens['admin']))
        assert answer.status_code == 400 and answer.get_json()['error']['code'] == code
        assert vietnamese in answer.get_json()['error']['message']
        english_answer = client.get(API + path + query, headers=bearer(tokens['admin'], **{'Accept-Language': 'en'}))
        message = english_answer.get_json()['error']['message']
        assert english_answer.status_code == 400 and english in message and vietnamese not in message


def test_without_a_range_the_report_is_today(client, office, tokens):
    from server.clock import office_day
    report = client.get(API + '/reports', headers=bearer(tokens['admin'])).get_json()
    assert report['from'] == report['to'] == office_day().isoformat()


@pytest.mark.parametrize('path', ['/reports', '/reports.xlsx', '/reports.csv'])
def test_only_admins_read_the_reports(client, office, tokens, path):
    for role in ('kiosk', 'display', 'counter', 'desk', 'hotline'):
        answer = client.get(API + path, headers=bearer(tokens[role]))
        assert answer.status_code == 403 and answer.get_json()['error']['code'] == 'forbidden', role
    assert client.get(API + path).status_code == 401
    assert client.get(API + path, headers=bearer(tokens['admin'])).status_code == 200


def test_the_api_is_documented_with_its_roles(app):
    paths = spec(app)['paths']
    for path in ('/reports', '/reports.xlsx', '/reports.csv'):
        operation = paths[API + path]['get']
        assert operation['x-roles'] == ['admin'] and {'400', '401', '403'} <= set(operation['responses'])
        assert [p['name'] for p in operation['parameters']] == ['from', 'to']
