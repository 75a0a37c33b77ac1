"""The citizen's phone page behind the ticket's QR code: public, masked, and live over /track."""
import re

import pytest

from tests.conftest import bearer
from tests.helpers import api, issue
from tests.pages import screenshot

expect = pytest.importorskip('playwright.sync_api').expect


def track_path(ticket):
    return '/t/' + ticket['track_url'].rsplit('/t/', 1)[1]


def test_page_needs_no_login_and_masks_the_name(client, office, tokens):
    ticket = issue(client, tokens['kiosk'], name='Nguyễn Văn An', phone='0905123456')
    page = client.get(track_path(ticket))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and ticket['number'] in html and 'đang chờ' in html
    assert 'Nguyễn Văn An' not in html and '0905123456' not in html


def test_a_called_ticket_names_its_counter(client, office, tokens):
    ticket = issue(client, tokens['kiosk'], service='HT')
    client.post('/api/v1/counters/3/call-next', headers=bearer(tokens['counter']))
    html = client.get(track_path(ticket)).get_data(as_text=True)
    assert 'đã gọi' in html and 'Mời ông/bà đến quầy số 3' in html


def test_json_is_public_masked_and_never_cached(client, office, tokens):
    ticket = issue(client, tokens['kiosk'], name='Nguyễn Văn An', phone='0905123456')
    answer = client.get(track_path(ticket) + '.json')
    data = answer.get_json()
    assert answer.status_code == 200 and answer.headers['Cache-Control'] == 'no-store'
    assert data['number'] == ticket['number'] and data['status'] == 'waiting' and data['ahead'] == 0
    assert data['name'] == 'Nguyễn V. A' and 'phone' not in data and 'track_url' not in data


def test_unknown_track_id_is_a_404(client, office):
    assert client.get('/t/khong-co-ve-nay').status_code == 404
    missing = client.get('/t/khong-co-ve-nay.json')
    assert missing.status_code == 404 and missing.get_json()['error']['code'] == 'not_found'


@pytest.mark.browser
def test_phone_follows_the_ticket_live(live_server, page_in):
    server = live_server(demo=True)
    kiosk, counter = server.token('kiosk'), server.token('counter')
    before = api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False})
    mine = api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False})
    page = page_in(360, 740)
    page.goto(mine['track_url'])
    expect(page.locator('#number')).to_have_text(mine['number'])
    expect(page.locator('#status')).to_have_text(re.compile('đang chờ', re.I))
    expect(page.locator('#ahead')).to_have_text('Trước ông/bà còn 1 người')
    screenshot(page, 'track-360x740-waiting')

    api(server, 'POST', '/counters/3/call-next', counter)  # the one before me: my line moved
    expect(page.locator('#ahead')).to_have_text('Trước ông/bà còn 0 người', timeout=2000)
    api(server, 'POST', '/tickets/%d/complete' % before['id'], counter)
    api(server, 'POST', '/counters/3/call-next', counter)  # now me
    expect(page.locator('#status')).to_have_text(re.compile('đã gọi', re.I), timeout=2000)
    expect(page.locator('#call')).to_have_text('Mời ông/bà đến quầy số 3')
    expect(page.locator('#ahead')).to_be_hidden()
    screenshot(page, 'track-360x740-called')
    fits = page.evaluate('document.documentElement.scrollWidth <= innerWidth')
    assert fits  # nothing wider than the phone

    api(server, 'POST', '/tickets/%d/complete' % mine['id'], counter)
    expect(page.locator('#status')).to_have_text(re.compile('đã xong', re.I), timeout=2000)
