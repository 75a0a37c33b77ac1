"""Exports: a typed text that begins like a formula (=, +, -, @, tab, CR) stays text in every workbook."""
import io

import pytest
from openpyxl import Workbook, load_workbook

from server.extensions import db
from server.queueing import tickets
from server.spreadsheets import append_row
from tests.conftest import bearer, open_weekday

API = '/api/v1'
HYPERLINK = '=HYPERLINK("http://x","y")'


def formula_free(cell, text):
    """The cell holds `text` (XML reads a CR back as LF), as a string Excel will not evaluate, even once edited."""
    return cell.value == text.replace('\r', '\n') and cell.data_type == 's' and cell.quotePrefix


def workbook_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return load_workbook(io.BytesIO(response.data))


@pytest.mark.parametrize('text', [HYPERLINK, '+84-1+cmd|x', '-2+3', '@SUM(A1:A9)', '\t=1+1', '\r=1+1'])
def test_a_text_that_begins_like_a_formula_is_written_as_text(text):
    book = Workbook()
    append_row(book.active, [text, 'Nguyễn Văn An', 7])
    buffer = io.BytesIO()
    book.save(buffer)
    first, plain, number = load_workbook(io.BytesIO(buffer.getvalue())).active[1]
    assert formula_free(first, text)
    assert plain.value == 'Nguyễn Văn An' and not plain.quotePrefix
    assert number.value == 7 and number.data_type == 'n'


def test_the_hotline_day_list_keeps_a_callers_formula_as_text(client, office, tokens):
    day = open_weekday()
    booked = client.post(API + '/appointments', headers=bearer(tokens['hotline']), json={
        'service': 'CT', 'date': day.isoformat(), 'start': '08:00', 'name': HYPERLINK, 'phone': '0905123456',
        'source': 'hotline', 'note': '@SUM(1+1)*cmd|" /C calc"!A0'})
    assert booked.status_code == 201, booked.get_json()
    sheet = workbook_of(client.get('/hotline/day.xlsx?date=%s' % day.isoformat(),
                                   headers=bearer(tokens['hotline']))).active
    row = sheet[4]
    assert row[3].value == booked.get_json()['code']
    assert formula_free(row[4], HYPERLINK)
    assert formula_free(row[9], '@SUM(1+1)*cmd|" /C calc"!A0')
    assert row[5].value == '0905123456' and not row[5].quotePrefix
    formulas = [cell.coordinate for line in sheet.iter_rows() for cell in line if cell.data_type == 'f']
    assert formulas == []


def test_the_report_workbook_keeps_typed_names_as_text(app, client, office, tokens):
    admin = bearer(tokens['admin'])
    assert client.patch(API + '/settings', headers=admin, json={'office_name': '=1+2'}).status_code == 200
    assert client.patch(API + '/services/CT', headers=admin, json={'name': '-2+3+cmd|x'}).status_code == 200
    with app.app_context(), db.connection_context():
        tickets.issue_ticket('CT')
    from server.clock import local_naive
    today = local_naive().strftime('%d/%m/%Y')
    book = workbook_of(client.get('/admin/report.xlsx?from=%s&to=%s' % (today, today), headers=admin))
    services = book['Lĩnh vực']
    assert services['A1'].value.startswith('=1+2') and formula_free(services['A1'], services['A1'].value)
    assert formula_free(services['B4'], '-2+3+cmd|x')
    for sheet in book:
        assert [c.coordinate for line in sheet.iter_rows() for c in line if c.data_type == 'f'] == []
