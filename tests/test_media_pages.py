"""Board media in Chromium: uploaded through the console's Trình chiếu page, played in a panel of the chosen board
that never covers a call (1920x1080 and 1366x768), and a video made in the browser plays there, muted."""
import base64
import io

from PIL import Image

from tests.helpers import api, log_in_new_admin
from tests.pages import WAIT, expect_page, screenshot

# The boxes the media panel must never cover, and whether the called number is what is on top at its centre.
GEOMETRY = """() => {
  const box = (node) => { const r = node.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const number = document.getElementById('hero-number').getBoundingClientRect();
  const top = document.elementFromPoint((number.left + number.right) / 2, (number.top + number.bottom) / 2);
  return {media: box(document.getElementById('media')),
          others: [...document.querySelectorAll('#hero, #counters, .tile, .b-recent, .b-lines, .b-foot')].map(box),
          numberOnTop: top !== null && top.closest('#hero-number') !== null,
          scrolls: document.documentElement.scrollHeight > innerHeight};
}"""

# A short WebM made by the browser itself: a canvas drawn for about two seconds, recorded by MediaRecorder.
RECORD_WEBM = """() => new Promise((resolve, reject) => {
  const canvas = document.createElement('canvas');
  canvas.width = 320; canvas.height = 180;
  const context = canvas.getContext('2d');
  const recorder = new MediaRecorder(canvas.captureStream(25), {mimeType: 'video/webm'});
  const parts = [];
  recorder.ondataavailable = (event) => parts.push(event.data);
  recorder.onerror = reject;
  recorder.onstop = () => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result.split(',')[1]);
    reader.readAsDataURL(new Blob(parts, {type: 'video/webm'}));
  };
  let frame = 0;
  const draw = () => {
    context.fillStyle = frame % 20 < 10 ? '#1e7d3a' : '#ffd23f';
    context.fillRect(0, 0, 320, 180);
    frame += 1;
    if (recorder.state === 'recording') requestAnimationFrame(draw);
  };
  recorder.start(250);
  draw();
  setTimeout(() => recorder.stop(), 2000);
})"""


def overlaps(a, b):
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


def small_office(server, admin):
    api(server, 'POST', '/services', admin, {'code': 'CT', 'name': 'Chứng thực', 'prefix': 'A'})
    api(server, 'POST', '/services', admin, {'code': 'HT', 'name': 'Hộ tịch', 'prefix': 'B'})
    for number, codes in ((1, ['CT']), (2, ['CT', 'HT']), (3, ['HT'])):
        api(server, 'POST', '/counters', admin, {'number': number, 'name': 'Quầy %d' % number, 'services': codes})
    return api(server, 'POST', '/boards', admin, {'name': 'Màn hình sảnh'})['id']


def poster(path):
    image = Image.new('RGB', (1600, 900), (11, 79, 138))
    for x in range(0, 1600, 200):
        image.paste((255, 210, 63), (x, 0, x + 100, 900))
    image.save(path, 'PNG')
    return path


def assert_panel_beside_the_call(page, expect, name):
    geometry = page.evaluate(GEOMETRY)
    screenshot(page, name)
    assert geometry['numberOnTop'] and not geometry['scrolls'], geometry
    assert not [other for other in geometry['others'] if overlaps(geometry['media'], other)], geometry
    media = geometry['media']
    assert media[2] - media[0] > 200 and media[3] - media[1] > 120, media   # a panel one can see from the hall


def test_an_image_uploaded_in_the_console_plays_beside_a_call(live_server, page_in, tmp_path):
    server = live_server()
    admin = server.token('admin')
    board = small_office(server, admin)
    expect = expect_page()
    console = page_in(1366, 768)
    log_in_new_admin(console, server)
    console.goto(server.url + '/admin/media')
    console.click('#add-media button[type=submit]')
    expect(console.locator('#add-media .form-error')).to_have_text('Hãy chọn một tệp ảnh hoặc video.')
    fake = tmp_path / 'anh-gia.jpg'
    fake.write_text('đây không phải là ảnh')
    console.set_input_files('#add-media input[type=file]', str(fake))
    console.fill('#add-media input[name=title]', 'Ảnh giả')
    console.click('#add-media button[type=submit]')
    expect(console.locator('#add-media .form-error')).to_contain_text('JPEG, PNG, WebP')
    console.set_input_files('#add-media input[type=file]', str(poster(tmp_path / 'lich.png')))
    console.fill('#add-media input[name=title]', 'Lịch tiếp công dân')
    console.fill('#add-media input[name=seconds]', '8')
    console.check('#add-media input[name=boards][value="%d"]' % board)
    console.click('#add-media button[type=submit]')
    expect(console.locator('#notice')).to_have_text('Đã tải lên.')
    row = console.locator('#media-list tr[data-media]')
    expect(row).to_have_count(1)
    expect(row.locator('td.strong')).to_have_text('Lịch tiếp công dân')
    console.wait_for_function("document.querySelector('#media-list td.thumb img').naturalWidth > 0", timeout=WAIT)
    screenshot(console, 'media-console-1366x768')
    assert console.evaluate('document.documentElement.scrollWidth <= innerWidth')   # every button in view

    screen = page_in(1920, 1080)
    screen.goto(server.url + '/display?token=%s&board=%d' % (server.token('display'), board))
    expect(screen.locator('#media img')).to_be_visible()
    screen.wait_for_function("document.querySelector('#media img').naturalWidth === 1600", timeout=WAIT)
    ticket = api(server, 'POST', '/tickets', server.token('kiosk'), {'service': 'CT', 'print': False})
    api(server, 'POST', '/counters/1/call-next', admin)
    expect(screen.locator('#hero-number')).to_have_text(ticket['number'])
    expect(screen.locator('#media')).to_have_class('b-media calling')   # it steps back while the call flashes
    assert_panel_beside_the_call(screen, expect, 'media-board-1920x1080')
    screen.set_viewport_size({'width': 1366, 'height': 768})
    screen.wait_for_timeout(300)
    assert_panel_beside_the_call(screen, expect, 'media-board-1366x768')
    expect(screen.locator('#media')).to_have_class('b-media', timeout=WAIT)   # the call's flash is over
    screen.set_viewport_size({'width': 1080, 'height': 1920})                  # a portrait TV
    screen.wait_for_timeout(300)
    assert_panel_beside_the_call(screen, expect, 'media-board-1080x1920')

    # Paused in the console: the board lets its panel go and looks as it did before media.
    console.click('#media-list tr[data-media] button.danger:not(.quiet)')
    expect(screen.locator('#media')).to_be_hidden()
    assert 'has-media' not in screen.locator('#board').get_attribute('class')
    # The console reloads to show what is stored: closing a page while its reload commits can hang Chromium
    # for good (Playwright issues 41900, 42366), so the test ends once it is back.
    expect(console.locator('#notice')).to_have_text('Đã lưu.')


def test_a_video_made_in_the_browser_plays_muted_on_the_board(live_server, page_in):
    server = live_server()
    admin = server.token('admin')
    board = small_office(server, admin)
    expect = expect_page()
    screen = page_in(1920, 1080)
    screen.goto(server.url + '/display?token=%s&board=%d' % (server.token('display'), board))
    expect(screen.locator('.tile').first).to_be_visible()
    expect(screen.locator('#media')).to_be_hidden()
    clip = base64.b64decode(screen.evaluate(RECORD_WEBM))
    assert clip[:4] == bytes.fromhex('1a45dfa3')
    status, item = upload_clip(server, admin, clip)
    assert status == 201 and item['content_type'] == 'video/webm', item
    video = screen.locator('#media video')
    expect(video).to_be_visible()
    screen.wait_for_function("""() => { const v = document.querySelector('#media video');
        return v && v.muted && !v.paused && v.currentTime > 0.3 && v.readyState >= 2; }""", timeout=WAIT)
    screenshot(screen, 'media-board-video-1920x1080')


def upload_clip(server, token, clip, title='Video', name='clip.webm'):
    """POST a file as the console's form would (multipart), with the admin token."""
    import json
    import urllib.error
    import urllib.request

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart
    boundary, body = encode_multipart({'file': FileStorage(io.BytesIO(clip), name), 'title': title})
    request = urllib.request.Request(server.url + '/api/v1/media', data=body, method='POST', headers={
        'Authorization': 'Bearer ' + token, 'Content-Type': 'multipart/form-data; boundary=' + boundary})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


def test_the_console_reorders_and_deletes_after_asking(live_server, page_in, tmp_path):
    server = live_server()
    admin = server.token('admin')
    small_office(server, admin)
    for title in ('Thứ nhất', 'Thứ hai'):
        status, _item = upload_clip(server, admin, poster_bytes(tmp_path), title=title, name='anh.png')
        assert status == 201
    expect = expect_page()
    console = page_in(1366, 768)
    log_in_new_admin(console, server)
    console.goto(server.url + '/admin/media')
    titles = console.locator('#media-list tr[data-media] td.strong')
    expect(titles).to_have_text(['Thứ nhất', 'Thứ hai'])
    console.locator('#media-list tr[data-media]').first.locator('button[data-move="1"]').click()
    expect(titles).to_have_text(['Thứ hai', 'Thứ nhất'])
    # The page reloaded to show the new order: its buttons answer once its scripts have run.
    expect(console.locator('#notice')).to_have_text('Đã lưu.')
    console.wait_for_load_state('load')
    assert [m['title'] for m in api(server, 'GET', '/media', admin)] == ['Thứ hai', 'Thứ nhất']
    console.locator('#media-list tr[data-media]').nth(1).locator('button[data-edit]').click()
    dialog = console.locator('#edit-media')
    dialog.locator('input[name=seconds]').fill('1')
    dialog.locator('button[type=submit]').click()
    expect(dialog.locator('.form-error')).to_contain_text('Thời gian hiện ảnh (giây)')   # the page's own words
    dialog.locator('input[name=seconds]').fill('25')
    dialog.locator('input[name=title]').fill('Thứ nhất, sửa')
    dialog.locator('button[type=submit]').click()
    expect(titles).to_have_text(['Thứ hai', 'Thứ nhất, sửa'])
    assert api(server, 'GET', '/media', admin)[1]['seconds'] == 25
    console.locator('#media-list tr[data-media]').first.locator('button[data-delete]').click()
    expect(console.locator('#confirm-dialog')).to_contain_text('Xóa “Thứ hai”? Tệp bị xóa khỏi máy chủ')
    console.locator('#confirm-dialog button[value=""]').click()                 # "Không": nothing happens
    expect(titles).to_have_count(2)
    console.locator('#media-list tr[data-media]').first.locator('button[data-delete]').click()
    console.locator('#confirm-dialog button[value="yes"]').click()
    expect(titles).to_have_text(['Thứ nhất, sửa'])
    screenshot(console, 'media-console-after-delete-1366x768')
    assert [m['title'] for m in api(server, 'GET', '/media', admin)] == ['Thứ nhất, sửa']
    assert len(list((server.data_dir / 'media').iterdir())) == 1


def poster_bytes(tmp_path):
    return poster(tmp_path / 'poster.png').read_bytes()
