"""The desk's "results to collect" section: mark a file ready (SMS queued), list overdue ones first, hand over."""
import datetime
import re
import sqlite3
from contextlib import closing

import pytest

from server.extensions import db, socketio
from server.models import Dossier, OutboxMessage
from tests.conftest import make_staff
from tests.helpers import call_api, embedded_json, log_in_client, log_in_page
from tests.pages import expect_page, screenshot


def test_the_desk_page_has_the_results_section(client, office):
    make_staff('letan', 'desk')
    log_in_client(client, 'letan')
    html = client.get('/desk').get_data(as_text=True)
    for text in ('Hồ sơ: tiếp nhận và trả kết quả', 'Tiếp nhận hồ sơ', 'Mã hồ sơ', 'Họ tên người nộp', 'Ngày hẹn trả',
                 'Hồ sơ chờ trả', 'Hồ sơ đang giải quyết', 'Hạn nhận', 'Báo có kết quả', 'Mã nhận kết quả',
                 'Công dân không có mã: đối chiếu CCCD', 'Mất hoặc không nhận được tin nhắn'):
        assert text in html, text
    assert 'id="dossier-form"' in html and 'name="dossier_code" required maxlength="32"' in html
    assert 'id="handover-dialog"' in html
    strings = embedded_json(html, 'strings')
    assert strings['handover'] == 'Trả kết quả' and strings['make_ready'] == 'Có kết quả'
    assert strings['overdue'] == 'Quá hạn' and strings['dossier_collected'] == 'Đã trả kết quả hồ sơ {code}.'


def test_the_api_the_section_uses(app, client, office):
    """Ready files with a phone queue one SMS; overdue ones are flagged; a hand-over is final."""
    make_staff('letan', 'desk')
    log_in_client(client, 'letan')
    page = client.get('/desk').get_data(as_text=True)
    csrf = {'X-CSRFToken': re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)}
    made = client.post('/api/v1/dossiers', headers=csrf, json={'code': 'HS-1', 'name': 'Lê Văn Tám',
                                                              'phone': '0905123456', 'service': 'CT'})
    assert made.status_code == 201, made.get_data(as_text=True)
    assert client.post('/api/v1/dossiers', headers=csrf, json={'code': 'HS-2', 'name': 'Võ Thị Sáu'}).status_code == 201
    with app.app_context(), db.connection_context():
        assert OutboxMessage.select().where(OutboxMessage.kind == 'result_ready').count() == 1
        Dossier.update(pickup_by=datetime.date(2020, 1, 1)).where(Dossier.code == 'HS-2').execute()
    ready = client.get('/api/v1/dossiers?status=ready').get_json()
    assert [(d['code'], d['overdue']) for d in ready] == [('HS-2', True), ('HS-1', False)]
    with app.app_context(), db.connection_context():
        pickup = {'pickup_code': Dossier.get(Dossier.code == 'HS-1').pickup_code}
    assert client.post('/api/v1/dossiers/HS-1/collected', headers=csrf, json=pickup).status_code == 200
    assert client.post('/api/v1/dossiers/HS-1/collected', headers=csrf, json=pickup).status_code == 409
    assert [d['code'] for d in client.get('/api/v1/dossiers?status=ready').get_json()] == ['HS-2']


def test_desks_are_told_when_a_result_changes_and_boards_are_not(app, client, office, tokens):
    """Every desk reloads its list when another marks a file ready or hands it over; the event goes to
    staff pages only and carries no name."""
    make_staff('letan', 'desk')
    log_in_client(client, 'letan')
    page = client.get('/desk').get_data(as_text=True)
    csrf = {'X-CSRFToken': re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)}
    desk = socketio.test_client(app, namespace='/display', flask_test_client=client)
    board = socketio.test_client(app, namespace='/display', auth={'token': tokens['display']})
    assert desk.is_connected('/display') and board.is_connected('/display')
    desk.get_received('/display'), board.get_received('/display')

    def events(socket):
        return [(e['name'], e['args']) for e in socket.get_received('/display') if e['name'] == 'dossiers_changed']

    made = client.post('/api/v1/dossiers', headers=csrf, json={'code': 'HS-7', 'name': 'Lê Văn Tám'})
    assert made.status_code == 201
    assert events(desk) == [('dossiers_changed', [{}])] and events(board) == []
    pickup = {'pickup_code': made.get_json()['pickup_code']}    # no phone: the desk is shown the code
    assert client.post('/api/v1/dossiers/HS-7/collected', headers=csrf, json={'pickup_code': '000000' if
                       pickup['pickup_code'] != '000000' else '111111'}).status_code == 400
    assert events(desk) == []                   # a wrong code changes nothing
    assert client.post('/api/v1/dossiers/HS-7/collected', headers=csrf, json=pickup).status_code == 200
    assert events(desk) == [('dossiers_changed', [{}])] and events(board) == []
    assert client.post('/api/v1/dossiers/HS-7/collected', headers=csrf, json=pickup).status_code == 409
    assert events(desk) == []                   # nothing changed, nothing sent


def stored_pickup_code(server, code):
    with closing(sqlite3.connect(str(server.data_dir / 'luot.db'))) as connection:
        return connection.execute('SELECT pickup_code FROM dossier WHERE code = ?', (code,)).fetchone()[0]


@pytest.mark.browser
def test_desk_receives_marks_ready_and_hands_over_against_the_code(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    page = page_in(1920, 1080)
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    log_in_page(page, server, '/desk', 'letan', server.password('letan'))
    expect(page.locator('#dossiers-empty')).to_be_visible()
    expect(page.locator('#processing-empty')).to_be_visible()
    other_desk = page_in(1280, 800)                 # a second desk sees the same lists without reloading
    log_in_page(other_desk, server, '/desk', 'letan', server.password('letan'))
    expect(other_desk.locator('#dossiers-empty')).to_be_visible()

    form = page.locator('#dossier-form')
    form.locator('[name=dossier_code]').fill('000.00.20.H57-231205-0001')
    form.locator('[name=dossier_name]').fill('Nguyễn Thị Hoa')
    form.locator('[name=dossier_phone]').fill('0905 123 456')
    form.locator('[name=dossier_service]').select_option('HT')
    form.locator('.receive-button').click()
    expect(page.locator('#message')).to_have_text('Hãy nhập ngày hẹn trả (dd/mm/yyyy) để tiếp nhận hồ sơ.')
    due = (datetime.date.today() + datetime.timedelta(days=5)).strftime('%d/%m/%Y')
    form.locator('[name=dossier_due_on]').fill(due)
    with page.expect_response(lambda r: r.url.endswith('/api/v1/dossiers') and r.request.method == 'POST') as answer:
        form.locator('.receive-button').click()
    assert answer.value.status == 201, answer.value.text()
    expect(page.locator('#message')).to_have_text('Đã tiếp nhận hồ sơ 000.00.20.H57-231205-0001, hẹn trả ngày %s.' % due)
    received = page.locator('#processing tr[data-dossier="000.00.20.H57-231205-0001"]')
    expect(received).to_contain_text('Nguyễn Thị Hoa')
    expect(received).to_contain_text('0905 *** 456')
    expect(received).to_contain_text(due)
    expect(other_desk.locator('#processing tr[data-dossier="000.00.20.H57-231205-0001"]')).to_be_visible(timeout=5000)

    with page.expect_response(lambda r: r.url.endswith('/ready')) as answer:
        received.locator('[data-action=make_ready]').click()
    pickup = datetime.date.fromisoformat(answer.value.json()['pickup_by']).strftime('%d/%m/%Y')
    expect(page.locator('#message')).to_have_text(
        'Đã báo hồ sơ 000.00.20.H57-231205-0001 có kết quả, hạn nhận %s. Tin nhắn báo đã được xếp gửi.' % pickup)
    expect(page.locator('#pickup-note')).to_be_hidden()        # the SMS carries the code: staff do not see it
    row = page.locator('#dossiers tr[data-dossier="000.00.20.H57-231205-0001"]')
    expect(row).to_contain_text('Hộ tịch')
    expect(row).to_contain_text(pickup)
    expect(page.locator('#processing-empty')).to_be_visible()

    # A file received elsewhere, ready now, with no phone: staff are shown its code for the citizen.
    form.locator('[name=dossier_code]').fill('HS-2026-0099')
    form.locator('[name=dossier_name]').fill('Phan Văn Khải')
    with page.expect_response(lambda r: r.url.endswith('/api/v1/dossiers') and r.request.method == 'POST') as answer:
        form.locator('.ready-button').click()
    shown = answer.value.json()['pickup_code']
    expect(page.locator('#pickup-note')).to_contain_text('mã nhận kết quả của hồ sơ HS-2026-0099 là %s' % shown)
    expect(page.locator('#dossiers tbody tr')).to_have_count(2)
    with closing(sqlite3.connect(str(server.data_dir / 'luot.db'))) as connection, connection:
        connection.execute("UPDATE dossier SET pickup_by = '2020-01-01' WHERE code = 'HS-2026-0099'")
    page.reload()
    first = page.locator('#dossiers tbody tr').first
    expect(first).to_have_attribute('data-dossier', 'HS-2026-0099')
    expect(first).to_have_class(re.compile(r'\boverdue\b'))
    expect(page.locator('#dossier-count')).to_have_text('(2 hồ sơ, 1 quá hạn)')
    screenshot(page, 'desk-dossiers-1920x1080', full_page=True)

    # The hand-over asks for the SMS's code: a wrong one is refused in the dialog and changes nothing.
    secret = stored_pickup_code(server, '000.00.20.H57-231205-0001')
    row.locator('[data-action=handover]').click()
    dialog = page.locator('#handover-dialog')
    expect(dialog).to_be_visible()
    expect(dialog.locator('.handover-name')).to_have_text('Nguyễn Thị Hoa')
    dialog.locator('[name=pickup_code]').fill('%06d' % ((int(secret) + 1) % 10 ** 6))
    dialog.locator('button[value=code]').click()
    expect(dialog.locator('.handover-error')).to_have_text('Mã nhận kết quả không đúng.')
    expect(dialog).to_be_visible()
    screenshot(page, 'desk-handover-1920x1080')
    dialog.locator('[name=pickup_code]').fill(secret[:3] + ' ' + secret[3:])
    dialog.locator('button[value=code]').click()
    expect(dialog).to_be_hidden()
    expect(page.locator('#message')).to_have_text('Đã trả kết quả hồ sơ 000.00.20.H57-231205-0001.')
    expect(page.locator('#dossiers tbody tr')).to_have_count(1)
    expect(other_desk.locator('#dossiers tbody tr')).to_have_count(1, timeout=5000)

    # The citizen without the code: a CCCD check, with its reason.
    first.locator('[data-action=handover]').click()
    dialog.locator('[name=reason]').select_option('no_phone')
    dialog.locator('button[value=checked_id]').click()
    expect(page.locator('#message')).to_have_text('Đã trả kết quả hồ sơ HS-2026-0099.')
    expect(page.locator('#dossiers-empty')).to_be_visible()
    status, collected = call_api(server, 'GET', '/dossiers?status=collected', server.token('desk'))
    assert status == 200 and sorted(d['code'] for d in collected) == ['000.00.20.H57-231205-0001', 'HS-2026-0099']
    assert errors == []


@pytest.mark.browser
def test_desk_dossiers_at_laptop_size(live_server, page_in):
    expect = expect_page()
    server = live_server(demo=True)
    due = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    status, _made = call_api(server, 'POST', '/dossiers', server.token('desk'), {
        'code': 'HS-2026-0153', 'name': 'Lê Văn Tám', 'status': 'processing', 'due_on': due})
    assert status == 201
    page = page_in(1366, 768)
    log_in_page(page, server, '/desk', 'letan', server.password('letan'))
    expect(page.locator('#processing tr[data-dossier="HS-2026-0153"]')).to_be_visible()
    page.locator('#dossier-form').scroll_into_view_if_needed()
    screenshot(page, 'desk-dossiers-1366x768')
    box = page.locator('#dossier-form .receive-button').bounding_box()
    assert box and box['x'] + box['width'] <= 1366
