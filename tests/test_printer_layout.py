"""The ticket layout: Vietnamese glyphs, paper widths, wrapping without clipping, the big number."""
import io
import unicodedata

import pytest
from PIL import Image, ImageChops, ImageDraw

from printer import layout
from printer.layout import preview_png, render_ticket, wrap_text
from tests.fake_printer import find_qr

VIETNAMESE = ('aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợ'
              'pqrstuùúủũụưừứửữựvxyỳýỷỹỵ')


def make_ticket(**changes):
    data = {
        'office_name': 'UBND phường Bến Nghé', 'office_address': '29 Lê Duẩn, Quận 1',
        'service_name': 'Đất đai - Xây dựng', 'number': 'A025', 'issued_at': '23/11/2025 09:15',
        'ahead': 5, 'estimated_wait_min': 15, 'name': 'Nguyễn Văn An',
        'track_url': 'http://192.168.1.10:5000/t/Xk3Jd9s0aPq1LmN2bV7cWw',
        'footer_text': 'Đường dây nóng: 028 3823 4567', 'footer_qr_url': None,
    }
    data.update(changes)
    return data


def ink_box(image):
    """The bounding box of the printed (black) dots."""
    return ImageChops.invert(image.convert('L')).getbbox()


def tallest_line(image):
    """The band of consecutive rows that all have ink, tallest first: the biggest text line."""
    gray = image.convert('L')
    best, start = (0, 0), None
    for y in range(image.height + 1):
        inked = y < image.height and gray.crop((0, y, image.width, y + 1)).getextrema()[0] == 0
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            best, start = max(best, (y - start, start)), None
    height, top = best
    return image.crop((0, top, image.width, top + height))


@pytest.mark.parametrize('paper_width_mm, dots', [(58, 384), (80, 576)])
def test_ticket_is_one_bit_and_as_wide_as_the_printable_paper(paper_width_mm, dots):
    image = render_ticket(make_ticket(), paper_width_mm)
    assert image.mode == '1'
    assert image.width == dots
    assert image.height > dots  # a receipt, not a stamp


def test_unknown_paper_width_is_refused():
    with pytest.raises(ValueError, match='58 hoặc 80'):
        render_ticket(make_ticket(), 76)


def test_vietnamese_marks_change_the_pixels():
    marked = render_ticket(make_ticket(service_name='Đất đai - Xây dựng'))
    plain = render_ticket(make_ticket(service_name='Dat dai - Xay dung'))
    assert marked.size == plain.size
    assert ImageChops.difference(marked.convert('L'), plain.convert('L')).getbbox() is not None


@pytest.mark.parametrize('bold', [False, True])
def test_bundled_font_has_every_vietnamese_letter(bold):
    font = layout._font(bold, 40)

    def glyph(char):
        image = Image.new('1', (80, 80), 1)
        ImageDraw.Draw(image).text((10, 60), char, font=font, fill=0, anchor='ls')
        return image.tobytes()
    missing = glyph('\ue000')   # a private-use code point: drawn as the .notdef box
    absent = [char for char in VIETNAMESE + VIETNAMESE.upper() if glyph(char) == missing]
    assert absent == []


def test_decomposed_text_prints_like_composed_text():
    composed = make_ticket(name='Nguyễn Thị Hồng Nhung')
    decomposed = make_ticket(name=unicodedata.normalize('NFD', composed['name']))
    assert decomposed['name'] != composed['name']
    assert render_ticket(decomposed).tobytes() == render_ticket(composed).tobytes()


@pytest.mark.parametrize('paper_width_mm', [58, 80])
def test_long_name_wraps_and_nothing_touches_the_edges(paper_width_mm):
    short = render_ticket(make_ticket(name='An'), paper_width_mm)
    name = 'Tôn Nữ Thị Phương Thảo ' * 8 + 'Xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
    long = render_ticket(make_ticket(name=name), paper_width_mm)
    assert long.width == short.width
    assert long.height > short.height + 100     # it grew several lines instead of clipping
    left, _, right, _ = ink_box(long)
    assert left >= 2 and right <= long.width - 2


def test_wrap_keeps_every_word_and_fits_each_line():
    font = layout._font(False, 26)
    text = 'Thủ tục chứng thực bản sao từ bản chính ' * 5 + 'Siêudàimàkhôngcódấucáchnàocảđểngắtdòng' * 3
    lines = wrap_text(text, font, 300)
    assert len(lines) > 5
    assert all(layout._ink_width(line, font) <= 300 for line in lines)
    assert ''.join(lines).replace(' ', '') == text.replace(' ', '')


def test_no_break_space_keeps_a_number_with_its_unit():
    font = layout._font(False, 22)
    lines = wrap_text('Thời gian chờ dự kiến: khoảng\u00a015\u00a0phút', font, 376)
    assert lines[-1].startswith('khoảng')


@pytest.mark.parametrize('low, high, words', [
    (20, 30, 'Thời gian chờ dự kiến: khoảng\u00a020-30\u00a0phút'),
    (3, 8, 'Thời gian chờ dự kiến: khoảng\u00a03-8\u00a0phút'),
    (0, 4, 'Thời gian chờ dự kiến: dưới\u00a04\u00a0phút'),
    (7, 7, 'Thời gian chờ dự kiến: khoảng\u00a07\u00a0phút'),
    (0, 0, 'Sắp đến lượt ông/bà'),
])
def test_the_wait_prints_as_the_forecasts_range(low, high, words):
    lines = layout._info_lines(make_ticket(estimated_wait_low_min=low, estimated_wait_high_min=high))
    assert lines[-2:] == ['Trước ông/bà còn 5\u00a0người', words]


def test_a_job_queued_before_ranges_prints_its_point_forecast():
    assert layout._info_lines(make_ticket())[-1] == 'Thời gian chờ dự kiến: khoảng\u00a015\u00a0phút'
    assert layout._info_lines(make_ticket(ahead=None, estimated_wait_min=None, issued_at=None)) == []


@pytest.mark.parametrize('paper_width_mm', [58, 80])
def test_the_range_never_wraps_apart_and_fits_the_paper(paper_width_mm):
    page = layout._Page(paper_width_mm)
    font = layout._font(False, page.sizes['body'])
    line = layout._info_lines(make_ticket(estimated_wait_low_min=120, estimated_wait_high_min=145))[-1]
    wrapped = wrap_text(line, font, page.width - 2 * page.sizes['margin'])
    assert wrapped[-1] == 'khoảng\u00a0120-145\u00a0phút' or wrapped == [line]
    assert all(layout._ink_width(part, font) <= page.width - 2 * page.sizes['margin'] for part in wrapped)
    image = render_ticket(make_ticket(estimated_wait_low_min=120, estimated_wait_high_min=145), paper_width_mm)
    left, _, right, _ = ink_box(image)
    assert image.width == layout.paper_dots(paper_width_mm) and left >= 2 and right <= image.width - 2


def test_footer_lines_each_get_a_line():
    one = render_ticket(make_ticket(footer_text='Đường dây nóng: 1900 1234'))
    three = render_ticket(make_ticket(footer_text='Đường dây nóng: 1900 1234\nThứ Hai - Thứ Sáu\n7:30 - 17:00'))
    assert three.height > one.height + 40


@pytest.mark.parametrize('paper_width_mm', [58, 80])
def test_number_is_very_large(paper_width_mm):
    image = render_ticket({'number': 'A025'}, paper_width_mm)
    number = tallest_line(image)    # nothing else on the ticket is half as tall
    assert number.height >= image.width // 4
    left, _, right, _ = ink_box(number)
    assert right - left >= image.width * 0.6


def test_track_url_qr_is_in_the_image():
    data = make_ticket(footer_qr_url='http://192.168.1.10:5000/huong-dan/dat-dai')
    image = render_ticket(data)
    track = find_qr(image, data['track_url'])
    guide = find_qr(image, data['footer_qr_url'])
    assert track is not None and guide is not None
    assert track[1] < guide[1]          # the tracking code first, the guide in the footer
    assert track[2] >= 4                # whole dots per module, big enough for a phone
    assert find_qr(render_ticket(make_ticket(track_url='')), data['track_url']) is None


def test_missing_optional_fields_still_render():
    image = render_ticket({'number': 'B001', 'ahead': 0, 'estimated_wait_min': None}, 58)
    assert image.width == 384


def test_preview_png_is_the_rendered_ticket():
    data = make_ticket()
    png = preview_png(data, 58)
    assert png.startswith(b'\x89PNG')
    decoded = Image.open(io.BytesIO(png))
    assert decoded.convert('1').tobytes() == render_ticket(data, 58).tobytes()
