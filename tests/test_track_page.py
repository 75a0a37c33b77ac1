"""The citizen's phone page behind the ticket's QR code: public, masked, and live over /track."""
import re

import pytest

from server.extensions import db, socketio
from server.models import Counter, CounterService, Service
from tests.conftest import bearer, make_counter, make_service
from tests.helpers import api, issue
from tests.pages import screenshot

expect = pytest.importorskip('playwright.sync_api').expect
NS = '/track'


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


def test_the_wait_shows_as_a_range_and_the_first_is_told_the_turn_is_near(client, office, tokens):
    """HT has counters 2 and 3 and no history: 6 minutes a citizen (default_service_minutes), so the fifth
    is called in about 12 minutes; the first is called now."""
    line = [issue(client, tokens['kiosk'], service='HT') for _ in range(5)]
    low, high = line[-1]['estimated_wait_low_min'], line[-1]['estimated_wait_high_min']
    assert 0 < low < high and high > 10
    html = client.get(track_path(line[-1])).get_data(as_text=True)
    assert 'Trước ông/bà còn 4 người' in html
    assert 'Thời gian chờ dự kiến: khoảng\u00a0%d-%d\u00a0phút' % (low, high) in html
    assert 'Sắp đến lượt' not in html
    first = client.get(track_path(line[0])).get_data(as_text=True)
    assert 'Không có ai đứng trước ông/bà' in first and 'Sắp đến lượt ông/bà, xin chú ý' in first
    assert 'Thời gian chờ dự kiến' not in first


def test_the_range_in_english(client, office, tokens):
    line = [issue(client, tokens['kiosk'], service='HT') for _ in range(5)]
    client.set_cookie('lang', 'en')
    html = client.get(track_path(line[-1])).get_data(as_text=True).replace('\u00a0', ' ')
    assert '4 people ahead of you' in html and 'Estimated wait: about %d-%d minutes' % (
        line[-1]['estimated_wait_low_min'], line[-1]['estimated_wait_high_min']) in html
    assert 'Your turn is near' in client.get(track_path(line[0])).get_data(as_text=True)


def test_wait_words_fit_each_range(app):
    from server.pages.wait_words import wait_strings, wait_text
    with app.test_request_context():
        words = wait_strings()
        said = {(low, high): wait_text({'estimated_wait_low_min': low, 'estimated_wait_high_min': high}, words)
                for low, high in ((20, 30), (0, 3), (7, 7), (0, 0))}
    assert said == {(20, 30): 'Thời gian chờ dự kiến: khoảng\u00a020-30\u00a0phút',
                    (0, 3): 'Thời gian chờ dự kiến: dưới\u00a03\u00a0phút',
                    (7, 7): 'Thời gian chờ dự kiến: khoảng\u00a07\u00a0phút', (0, 0): 'Sắp đến lượt ông/bà'}


def phones_of(app, client, tokens, codes):
    """A phone page (a Socket.IO test client on /track) for a ticket of each line; nothing received yet."""
    phones = {code: socketio.test_client(app, namespace=NS, auth={'track': track_path(issue(
        client, tokens['kiosk'], service=code))[3:]}) for code in codes}
    for phone in phones.values():
        assert phone.is_connected(NS)
        phone.get_received(NS)
    return phones


def told(phones):
    """The lines whose phone pages were told their line changed since the last look."""
    return sorted(code for code, phone in phones.items()
                  if any(e['name'] == 'line_changed' for e in phone.get_received(NS)))


def test_phones_of_lines_sharing_a_counter_are_told_when_the_forecast_may_move(app, client, office, tokens):
    """CT (counters 1, 2), HT (2, 3) and LT (3, 5) are linked through counters; DD (counter 4) is on its own."""
    make_service('LT', 'Lao động', 'D')
    make_service('DD', 'Đất đai', 'C')
    with db.connection_context():
        CounterService.create(counter=Counter.get(Counter.number == 3), service=Service.by_code('LT'))
    make_counter(5, ['LT'])
    make_counter(4, ['DD'])
    phones = phones_of(app, client, tokens, ('CT', 'HT', 'LT', 'DD'))
    issue(client, tokens['kiosk'], service='CT')
    assert told(phones) == ['CT', 'HT', 'LT']
    called = client.post('/api/v1/counters/4/call-next', headers=bearer(tokens['counter'])).get_json()
    assert told(phones) == ['DD']
    client.post('/api/v1/tickets/%d/complete' % called['id'], headers=bearer(tokens['counter']))
    assert told(phones) == ['DD']     # counter 4 is free again: DD's waits moved, nobody else's
    client.patch('/api/v1/counters/5', json={'paused': True}, headers=bearer(tokens['counter']))
    assert told(phones) == ['CT', 'HT', 'LT']
    with db.connection_context():
        Counter.update(active=False).where(Counter.number == 3).execute()   # closed: no longer a link
    client.patch('/api/v1/counters/5', json={'paused': False}, headers=bearer(tokens['counter']))
    assert told(phones) == ['LT']
    for phone in phones.values():
        phone.disconnect(NS)


def test_unknown_track_id_is_a_404(client, office):
    assert client.get('/t/khong-co-ve-nay').status_code == 404
    missing = client.get('/t/khong-co-ve-nay.json')
    assert missing.status_code == 404 and missing.get_json()['error']['code'] == 'not_found'


@pytest.mark.browser
def test_phone_follows_the_ticket_live(live_server, page_in):
    """Hộ tịch has one counter (3) and no history: 6 minutes a citizen, so with three ahead the call is clearly
    more than 10 minutes away. Each call and each finished citizen at counter 3 moves the wait, and the page
    follows without a reload."""
    server = live_server(demo=True)
    kiosk, counter = server.token('kiosk'), server.token('counter')
    before = [api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False}) for _ in range(3)]
    mine = api(server, 'POST', '/tickets', kiosk, {'service': 'HT', 'print': False})
    low, high = mine['estimated_wait_low_min'], mine['estimated_wait_high_min']
    assert 10 <= low < high
    page = page_in(360, 740)
    page.goto(mine['track_url'])
    expect(page.locator('#number')).to_have_text(mine['number'])
    expect(page.locator('#status')).to_have_text(re.compile('đang chờ', re.I))
    expect(page.locator('#ahead')).to_have_text('Trước ông/bà còn 3 người')
    expect(page.locator('#wait')).to_have_text('Thời gian chờ dự kiến: khoảng %d-%d phút' % (low, high))
    expect(page.locator('#call')).to_be_hidden()
    # The range and its words keep to one line at 360 px (a browser breaks "10-25" after the dash otherwise).
    expect(page.locator('#wait span')).to_have_text('khoảng %d-%d phút' % (low, high))
    assert page.locator('#wait span').evaluate('el => el.getClientRects().length') == 1
    screenshot(page, 'track-360x740-waiting')

    for ahead, ticket in enumerate(before):
        api(server, 'POST', '/counters/3/call-next', counter)   # the one before me: my line moved
        if ahead < 2:
            expect(page.locator('#ahead')).to_have_text('Trước ông/bà còn %d người' % (2 - ahead), timeout=2000)
        else:
            expect(page.locator('#ahead')).to_have_text('Không có ai đứng trước ông/bà', timeout=2000)
        expect(page.locator('#wait')).to_have_text(re.compile(r'^Thời gian chờ dự kiến:\s(khoảng\s\d+-\d+|dưới\s\d+)'
                                                              r'\sphút$'))
        api(server, 'POST', '/tickets/%d/complete' % ticket['id'], counter)
    # Counter 3 is free: the forecast says now (the page heard it from the finished citizen, not a call).
    expect(page.locator('#call')).to_have_text('Sắp đến lượt ông/bà, xin chú ý màn hình và loa gọi số.',
                                               timeout=2000)
    expect(page.locator('#wait')).to_be_hidden()
    screenshot(page, 'track-360x740-due')
    english = page_in(360, 740)
    english.goto(server.url + '/lang/en?next=' + track_path(mine))
    expect(english.locator('#call')).to_have_text('Your turn is near: please watch the screen and listen for '
                                                  'your number.')
    expect(english.locator('#ahead')).to_have_text('Nobody is ahead of you')

    api(server, 'POST', '/counters/3/call-next', counter)  # now me
    expect(page.locator('#status')).to_have_text(re.compile('đã gọi', re.I), timeout=2000)
    expect(page.locator('#call')).to_have_text('Mời ông/bà đến quầy số 3')
    expect(page.locator('#ahead')).to_be_hidden()
    expect(page.locator('#wait')).to_be_hidden()
    screenshot(page, 'track-360x740-called')
    fits = page.evaluate('document.documentElement.scrollWidth <= innerWidth')
    assert fits  # nothing wider than the phone

    api(server, 'POST', '/tickets/%d/complete' % mine['id'], counter)
    expect(page.locator('#status')).to_have_text(re.compile('đã xong', re.I), timeout=2000)
