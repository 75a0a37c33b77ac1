"""Personal data (issue 17, point 10): names, phones and message texts are erased after `personal_data_days`
(the nightly job and `run.py purge`), the rows stay for the reports, one citizen's data is erased on request
(admin only, audited without the number), and the kiosk and the phone page say what is kept and how long."""
import datetime
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from server.db import personal_data
from server.extensions import db
from server.models import Appointment, AuditEvent, Dossier, InboundMessage, OutboxMessage, PrintJob, Service, Ticket
from server.queueing import reports, tickets
from tests.conftest import ROOT, bearer, open_weekday
from tests.pages import WAIT, open_kiosk, paired

NOW = datetime.datetime(2026, 6, 1, 3, 0)      # naive UTC, 10:00 in the office
OLD = NOW - datetime.timedelta(days=91)
RECENT = NOW - datetime.timedelta(days=89)
PHONE, NAME = '0905123456', 'Nguyễn Văn An'
OTHER_PHONE, OTHER_NAME = '0912345678', 'Trần Thị Bình'


def database_text(app):
    """Every row of the office's SQLite file as SQL text: what a copy of the disk would reveal."""
    path = app.config['DATABASE_URL'][len('sqlite:///'):]
    connection = sqlite3.connect(path)
    try:
        return '\n'.join(connection.iterdump())
    finally:
        connection.close()


def citizen_rows(moment, phone, name, code):
    """One citizen's traces at `moment`: a ticket (and its print job), a booking, a ready file, SMS in and out."""
    ticket = tickets.issue_ticket('CT', name=name, phone=phone, now=moment)
    PrintJob.create(printer_uri='dummy://', ticket=ticket, state='done', created_at=moment,
                    payload=json.dumps({'number': ticket.number, 'name': name}, ensure_ascii=False))
    day = (moment + datetime.timedelta(hours=7)).date()
    Appointment.create(code=code, service=Service.by_code('CT'), date=day, start='08:00', end='08:30', name=name,
                       phone=phone, status='checked_in', note='Mang theo CCCD của ' + name, created_at=moment)
    Dossier.create(code='HS-' + code, name=name, phone=phone, ready_at=moment, pickup_by=day, collected_at=moment,
                   status='collected')
    OutboxMessage.create(key='confirm:' + code, kind='confirmation', phone=phone, text='Xac nhan lich hen ' + name,
                         state='sent', created_at=moment)
    InboundMessage.create(phone=phone, text='HG, %s, chung thuc' % name, received_at=moment, reply='Da dat lich')
    return ticket


def test_purge_erases_only_what_is_older_than_the_setting_and_the_reports_still_count(app, office):
    with app.app_context(), db.connection_context():
        old = citizen_rows(OLD, PHONE, NAME, 'OLD001')
        recent = citizen_rows(RECENT, OTHER_PHONE, OTHER_NAME, 'NEW001')
        before = reports.figures(old.day, recent.day)
        counts = personal_data.purge(now=NOW)
        after = reports.figures(old.day, recent.day)
        assert counts == {'tickets': 1, 'print_jobs': 1, 'appointments': 1, 'dossiers': 1, 'sms_out': 1, 'sms_in': 1,
                          'ratings': 0}
        assert after == before and Ticket.select().count() == 2 and Appointment.select().count() == 2
        erased = Ticket.get_by_id(old.id)
        assert erased.name is None and erased.phone is None and erased.number == old.number
        assert Appointment.get(Appointment.code == 'OLD001').status == 'checked_in'
        assert OutboxMessage.get(OutboxMessage.key == 'confirm:OLD001').state == 'sent'
        audit = AuditEvent.get(AuditEvent.action == 'personal_data_purged')
        assert json.loads(audit.detail)['rows'] == 6 and audit.actor == 'system'
        assert personal_data.purge(now=NOW) == dict.fromkeys(counts, 0)   # nothing left to erase, nothing audited
        assert AuditEvent.select().where(AuditEvent.action == 'personal_data_purged').count() == 1
    text = database_text(app)
    assert NAME not in text and PHONE not in text
    assert OTHER_NAME in text and OTHER_PHONE in text      # 89 days old: kept


def test_a_shorter_setting_erases_more_and_waiting_messages_are_kept(app, client, office, tokens):
    answer = client.patch('/api/v1/settings', json={'personal_data_days': 30}, headers=bearer(tokens['admin']))
    assert answer.status_code == 200 and answer.get_json()['personal_data_days'] == 30
    for bad in (29, 3651, '90', None):
        refused = client.patch('/api/v1/settings', json={'personal_data_days': bad}, headers=bearer(tokens['admin']))
        assert refused.status_code == 400
    with app.app_context(), db.connection_context():
        citizen_rows(RECENT, OTHER_PHONE, OTHER_NAME, 'NEW001')
        OutboxMessage.create(key='remind:later', kind='reminder', phone=OTHER_PHONE, text='Nhac lich', state='pending',
                             created_at=RECENT)
        counts = personal_data.purge(now=NOW)
        assert counts['tickets'] == 1 and counts['sms_out'] == 1   # the sent one; the pending one is still to send
        assert OutboxMessage.get(OutboxMessage.key == 'remind:later').phone == OTHER_PHONE


def test_run_py_purge_erases_now(app, office):
    with app.app_context(), db.connection_context():
        citizen_rows(OLD.replace(year=2020), PHONE, NAME, 'OLD001')     # long past, whatever today is
    db.obj.close_all()
    out = subprocess.run([sys.executable, str(ROOT / 'run.py'), 'purge', '--data-dir', app.config['DATA_DIR']],
                         cwd=str(ROOT), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert '90' in out.stdout and '6' in out.stdout and 'Traceback' not in out.stderr
    text = database_text(app)
    assert NAME not in text and PHONE not in text


def test_one_phone_is_erased_on_request_and_audited_without_the_number(app, client, office, tokens):
    kiosk, hotline, admin = bearer(tokens['kiosk']), bearer(tokens['hotline']), bearer(tokens['admin'])
    mine = client.post('/api/v1/tickets', json={'service': 'CT', 'print': False, 'name': NAME, 'phone': PHONE},
                       headers=kiosk).get_json()
    theirs = client.post('/api/v1/tickets', json={'service': 'CT', 'print': False, 'name': OTHER_NAME,
                                                  'phone': OTHER_PHONE}, headers=kiosk).get_json()
    booking = client.post('/api/v1/appointments', headers=hotline, json={
        'service': 'CT', 'date': open_weekday().isoformat(), 'start': '08:00', 'name': NAME, 'phone': PHONE,
        'source': 'hotline'}).get_json()
    assert booking['status'] == 'booked'
    with app.app_context(), db.connection_context():
        InboundMessage.create(phone=PHONE, text='HG, %s, chung thuc' % NAME, reply='Da dat lich')
        pending = OutboxMessage.select().where(OutboxMessage.phone == PHONE, OutboxMessage.state == 'pending').count()
    assert pending >= 1          # the booking's confirmation (and reminders) wait to be sent

    for role in ('hotline', 'desk', 'kiosk', 'counter', 'display'):
        refused = client.post('/api/v1/personal-data/erase', json={'phone': PHONE}, headers=bearer(tokens[role]))
        assert refused.status_code == 403, role
    for body, code in (({'phone': '12'}, 'invalid_phone'), ({}, 'missing_field'), ({'phone': 5}, 'invalid_type')):
        refused = client.post('/api/v1/personal-data/erase', json=body, headers=admin)
        assert refused.status_code == 400 and refused.get_json()['error']['code'] == code

    answer = client.post('/api/v1/personal-data/erase', json={'phone': '+84 905 123 456'}, headers=admin)
    assert answer.status_code == 200
    result = answer.get_json()
    assert result['erased']['tickets'] == 1 and result['erased']['appointments'] == 1
    assert result['erased']['sms_in'] == 1 and result['erased']['sms_out'] == pending
    assert result['rows'] == sum(result['erased'].values())
    text = database_text(app)
    assert PHONE not in text and NAME not in text and '905123456' not in text
    assert OTHER_PHONE in text and OTHER_NAME in text
    with app.app_context(), db.connection_context():
        assert Ticket.get_by_id(mine['id']).status == 'waiting'          # still in line, nameless
        assert Ticket.get_by_id(theirs['id']).phone == OTHER_PHONE
        assert Appointment.get(Appointment.code == booking['code']).status == 'cancelled'
        assert not OutboxMessage.select().where(OutboxMessage.state == 'pending').exists()   # nothing sent to nobody
        audit = AuditEvent.get(AuditEvent.action == 'personal_data_erased')
    detail = json.loads(audit.detail)
    assert detail['rows'] == result['rows'] and detail['phone'] == '090****456' and audit.actor == 'token:test admin'


def test_the_kiosk_and_the_phone_page_say_what_is_kept_and_how_long(app, client, office, tokens):
    page = paired(client, tokens).get_data(as_text=True)
    assert 'Họ tên và số điện thoại chỉ được lưu 90 ngày, sau đó tự động xóa.' in page
    client.patch('/api/v1/settings', json={'personal_data_days': 45}, headers=bearer(tokens['admin']))
    ticket = client.post('/api/v1/tickets', json={'service': 'CT', 'print': False},
                         headers=bearer(tokens['kiosk'])).get_json()
    track = '/t/' + ticket['track_url'].rsplit('/t/', 1)[1]
    assert 'chỉ được lưu 45 ngày' in client.get(track).get_data(as_text=True)
    assert 'chỉ được lưu 45 ngày' in client.get('/kiosk').get_data(as_text=True)
    client.set_cookie('lang', 'en')
    assert 'Names and phone numbers are kept for 45 days only' in client.get(track).get_data(as_text=True)


def test_the_console_page_lists_backups_and_answers_admins_only(app, client, office, tokens):
    folder = Path(app.config['DATA_DIR']) / 'backups'
    folder.mkdir()
    (folder / 'luot-20260601-003000.db').write_bytes(b'x' * 2_500_000)
    page = client.get('/admin/records', headers=bearer(tokens['admin']))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'luot-20260601-003000.db' in html and '2.5' in html
    assert 'id="erase-phone"' in html and '90 ngày' in html
    assert client.get('/admin/records', headers=bearer(tokens['desk'])).status_code == 403


# In Chromium ---------------------------------------------------------------------------------------------

@pytest.mark.browser
def test_kiosk_and_phone_page_show_the_line_in_a_browser(live_server, page_in):
    from playwright.sync_api import expect

    from tests.helpers import api
    server = live_server(demo=True)
    api(server, 'PATCH', '/settings', server.token('admin'), {'personal_data_days': 60})
    kiosk = open_kiosk(page_in, server, 1280, 800)
    expect(kiosk.locator('#privacy')).to_have_text('Họ tên và số điện thoại chỉ được lưu 60 ngày, sau đó tự động xóa.')
    expect(kiosk.locator('#privacy')).to_be_visible()
    ticket = api(server, 'POST', '/tickets', server.token('kiosk'), {'service': 'CT', 'print': False})
    phone = page_in(360, 740)
    phone.goto(ticket['track_url'])
    expect(phone.locator('#privacy')).to_have_text('Họ tên và số điện thoại chỉ được lưu 60 ngày, sau đó tự động xóa.',
                                                   timeout=WAIT)
    expect(phone.locator('#privacy')).to_be_in_viewport()


@pytest.mark.browser
def test_the_console_erases_one_phone_after_asking(live_server, page_in):
    from playwright.sync_api import expect

    from tests.helpers import api
    server = live_server(demo=True)
    admin = server.token('admin')
    mine = api(server, 'POST', '/tickets', server.token('kiosk'),
               {'service': 'CT', 'print': False, 'name': NAME, 'phone': PHONE})
    page = page_in(1366, 768)
    page.context.set_extra_http_headers({'Authorization': 'Bearer ' + admin})
    page.goto(server.url + '/admin/records')
    form = page.locator('#erase-phone')
    form.locator('[name="phone"]').fill(PHONE)
    asked = page.locator('#confirm-dialog')     # the console's own dialog, in Vietnamese
    form.locator('button[type="submit"]').click()
    expect(asked).to_contain_text('Không thể hoàn tác')
    asked.get_by_role('button', name='Không', exact=True).click()
    expect(asked).to_be_hidden()
    expect(form.locator('button[type="submit"]')).to_be_enabled()
    assert api(server, 'GET', '/tickets/%d' % mine['id'], admin)['name'] == NAME    # "Cancel": nothing erased
    form.locator('button[type="submit"]').click()
    asked.get_by_role('button', name='Đồng ý').click()
    expect(page.locator('#notice')).to_have_text('Đã xóa dữ liệu của số điện thoại này khỏi 1 dòng.', timeout=WAIT)
    assert api(server, 'GET', '/tickets/%d' % mine['id'], admin)['name'] is None
