"""Ticket layout: the ticket drawn as a 1-bit raster, pure (reads only the bundled fonts).

Every word is rasterised here with Noto Sans, so Vietnamese prints on any ESC/POS printer
whatever code pages its firmware has.
"""
import functools
import io
import os
import re
import threading
import unicodedata
from typing import NamedTuple

import segno
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fonts')
# Printable dots at 203 dpi: 48 mm of a 58 mm roll, 72 mm of an 80 mm roll.
PAPER_DOTS = {58: 384, 80: 576}
QR_ERROR = 'm'          # level M survives a smudged or creased thermal print
WHITE, BLACK = 1, 0     # mode "1": 0 is a printed dot
# FreeType faces are not thread-safe, and the spooler's workers and the admin's preview may
# render at once; a ticket takes milliseconds, so one lock costs nothing that matters.
_FONT_LOCK = threading.RLock()


class QrCode(NamedTuple):
    """A QR symbol in the ticket: pasted as raster, or drawn by the printer (native mode)."""
    content: str
    scale: int          # dots per module


# Font sizes in dots. 58 mm is not scaled linearly: below ~20 dots Vietnamese tone marks
# blur together on a 203 dpi head, so the narrow roll keeps the text nearly as large.
_SIZES = {
    576: dict(margin=8, header=28, small=22, body=26, label=28, service=34, gap=14),
    384: dict(margin=4, header=23, small=19, body=22, label=23, service=27, gap=10),
}


def paper_dots(paper_width_mm: int) -> int:
    """Printable width in dots for a roll width in millimetres (58 or 80)."""
    try:
        return PAPER_DOTS[int(paper_width_mm)]
    except (KeyError, TypeError, ValueError):
        raise ValueError(f'Khổ giấy không hỗ trợ: {paper_width_mm} (chỉ 58 hoặc 80 mm)') from None


@functools.lru_cache(maxsize=64)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = 'NotoSans-Bold.ttf' if bold else 'NotoSans-Regular.ttf'
    return ImageFont.truetype(os.path.join(FONT_DIR, name), size)


def clean_text(value) -> str:
    """NFC-normalised text: decomposed input would otherwise print tone marks as boxes."""
    return unicodedata.normalize('NFC', '' if value is None else str(value)).strip()


def _ink_width(text: str, font) -> int:
    left, _, right, _ = font.getbbox(text, anchor='ls')
    return right - min(left, 0)


def _break_word(word: str, font, max_width: int) -> list:
    """Hard-break a word wider than the paper, never separating a combining mark."""
    pieces, current = [], ''
    for char in word:
        candidate = current + char
        if current and not unicodedata.combining(char) and _ink_width(candidate, font) > max_width:
            pieces.append(current)
            candidate = char
        current = candidate
    return pieces + [current]


def wrap_text(text: str, font, max_width: int) -> list:
    """Lines of text that each fit max_width: wrap at spaces, hard-break over-long words."""
    lines = []
    for paragraph in clean_text(text).split('\n'):
        # Split on plain spaces only: a no-break space binds a number to its unit.
        words = [word for word in re.split(r'[ \t]+', paragraph) if word]
        if _ink_width(' '.join(words), font) <= max_width:     # most lines: one measurement
            lines.append(' '.join(words))
            continue
        line = ''
        for word in words:
            candidate = f'{line} {word}' if line else word
            if _ink_width(candidate, font) <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            if _ink_width(word, font) > max_width:
                *full, line = _break_word(word, font, max_width)
                lines.extend(full)
        lines.append(line)
    return lines


def _line_box(line: str, font, ascent: int, descent: int, tight: bool) -> tuple:
    """(left, right, above, below) of a line: the font's line box grown to the ink's box."""
    left, top, right, bottom = font.getbbox(line, anchor='ls') if line else (0, 0, 0, 0)
    if tight:   # only the ink: the huge number needs no room for marks it does not have
        return left, right, -top, bottom
    return left, right, max(ascent, -top), max(descent, bottom)


@functools.lru_cache(maxsize=512)
def _text_strip(text: str, font, width: int, margin: int, tight: bool = False) -> Image.Image:
    """Centred, wrapped text; each line's box covers its ink, so stacked marks are never cut.

    Cached: the office name, labels and footer are the same on every ticket. Callers only
    paste the strip, never draw on it.
    """
    ascent, descent = font.getmetrics()
    spacing = 0 if tight else max(2, font.size // 8)
    lines = wrap_text(text, font, width - 2 * margin)
    boxes = [_line_box(line, font, ascent, descent, tight) for line in lines]
    total = sum(above + below for _, _, above, below in boxes) + spacing * (len(lines) - 1)
    image = Image.new('1', (width, max(total, 1)), WHITE)
    draw = ImageDraw.Draw(image)
    draw.fontmode = '1'     # hinted, unsmoothed glyphs: what a 1-bit thermal head can print
    y = 0
    for line, (left, right, above, below) in zip(lines, boxes):
        draw.text(((width - (right - left)) // 2 - left, y + above), line, font=font, fill=BLACK,
                  anchor='ls')
        y += above + below + spacing
    return image


@functools.lru_cache(maxsize=1024)
def _number_size(number: str, width: int, margin: int) -> int:
    """The largest bold size for the number: at most a third of the width tall, fits the width."""
    def extent(size):
        left, top, right, _ = _font(True, size).getbbox(number, anchor='ls')
        return right - left, -top
    # Ink grows linearly with the size: estimate from one measurement, then step down to fit.
    ink_width, ink_height = extent(100)
    size = int(100 * min((width - 2 * margin) / max(ink_width, 1), (width // 3) / max(ink_height, 1)))
    while size > 24 and (extent(size)[0] > width - 2 * margin or extent(size)[1] > width // 3):
        size -= 2
    return max(size, 24)


@functools.lru_cache(maxsize=256)
def _qr_modules(content: str) -> tuple:
    """The QR matrix as rows of booleans (encoding is most of a ticket's cost: cache it)."""
    qr = segno.make_qr(content, error=QR_ERROR)
    return tuple(tuple(bool(dark) for dark in row) for row in qr.matrix_iter(scale=1, border=0))


def _qr_scale(content: str, width: int, share: float) -> int:
    """Whole dots per module so the symbol takes about `share` of the width."""
    return max(2, min(10, int(width * share) // len(_qr_modules(content))))


class _Page:
    """Builds the strips of one ticket: remembers the width and the sizes for that roll."""

    def __init__(self, paper_width_mm: int):
        self.width = paper_dots(paper_width_mm)
        self.sizes = _SIZES[self.width]
        self.blocks = []

    def text(self, text: str, size, bold: bool = False, tight: bool = False):
        """Add wrapped, centred text; size is a name from _SIZES or a number of dots."""
        font = _font(bold, size if isinstance(size, int) else self.sizes[size])
        self.blocks.append(_text_strip(text, font, self.width, self.sizes['margin'], tight))

    def labelled(self, label: str, value: str, size: str):
        """"Label: value" on one line when it fits, else the label above the value."""
        font = _font(True, self.sizes[size])
        if _ink_width(f'{label}: {value}', font) <= self.width - 2 * self.sizes['margin']:
            return self.text(f'{label}: {value}', size, bold=True)
        self.text(label, 'body')
        self.text(value, size, bold=True)

    def space(self, height: int = None):
        self.blocks.append(Image.new('1', (self.width, height or self.sizes['gap']), WHITE))

    def rule(self):
        margin, gap = self.sizes['margin'], self.sizes['gap']
        image = Image.new('1', (self.width, 2 * gap + 2), WHITE)
        ImageDraw.Draw(image).rectangle((margin, gap, self.width - margin - 1, gap + 1), fill=BLACK)
        self.blocks.append(image)

    def qr(self, content: str, share: float):
        self.space()
        self.blocks.append(QrCode(content, _qr_scale(content, self.width, share)))


def _bind(words: str) -> str:
    """Join words with no-break spaces so "khoảng 15 phút" never wraps apart."""
    return words.replace(' ', '\u00a0')


def _wait_line(data: dict):
    """The forecast's range as a person plans by it: "khoảng 20-30 phút", "dưới 5 phút", or the turn is near
    (both ends 0). A job queued before tickets carried a range has only the point forecast."""
    low, high = data.get('estimated_wait_low_min'), data.get('estimated_wait_high_min')
    if low is None or high is None:
        wait = data.get('estimated_wait_min')
        return None if wait is None else f"Thời gian chờ dự kiến: {_bind(f'khoảng {max(int(wait), 1)} phút')}"
    low, high = int(low), int(high)
    if high <= 0:
        return 'Sắp đến lượt ông/bà'
    words = f'dưới {high} phút' if low <= 0 else f'khoảng {low} phút' if low == high else f'khoảng {low}-{high} phút'
    return f'Thời gian chờ dự kiến: {_bind(words)}'


def _info_lines(data: dict) -> list:
    lines = []
    if clean_text(data.get('issued_at')):
        lines.append(f"Giờ lấy số: {_bind(clean_text(data['issued_at']))}")
    ahead = data.get('ahead')
    if ahead is not None:
        lines.append('Ông/bà là người tiếp theo' if int(ahead) <= 0
                     else f"Trước ông/bà còn {_bind(f'{int(ahead)} người')}")
    wait = _wait_line(data)
    return lines + [wait] if wait else lines


def ticket_blocks(data: dict, paper_width_mm: int = 80) -> list:
    """The ticket top to bottom: 1-bit strips (shared, read-only) and QrCode placeholders."""
    with _FONT_LOCK:
        return _blocks(data, paper_width_mm)


def _blocks(data: dict, paper_width_mm: int) -> list:
    page, text = _Page(paper_width_mm), lambda key: clean_text(data.get(key))  # noqa: E731
    if text('office_name'):
        page.text(text('office_name').upper(), 'header', bold=True)
    if text('office_address'):
        page.text(text('office_address'), 'small')
    page.rule()
    page.text('SỐ THỨ TỰ', 'label')
    page.space()
    number = text('number') or '?'
    page.text(number, _number_size(number, page.width, page.sizes['margin']), bold=True, tight=True)
    page.space(page.sizes['gap'] * 2)
    if text('service_name'):
        page.labelled('Lĩnh vực', text('service_name'), 'service')
    if text('name'):
        page.text(f"Họ tên: {text('name')}", 'body')
    if _info_lines(data):
        page.rule()
        page.text('\n'.join(_info_lines(data)), 'body')
    if text('track_url'):
        page.qr(text('track_url'), 0.5)
        page.text('Quét mã QR để theo dõi lượt của ông/bà', 'small')
    if text('footer_text') or text('footer_qr_url'):
        page.rule()
    if text('footer_text'):
        page.text(text('footer_text'), 'small')
    if text('footer_qr_url'):
        page.qr(text('footer_qr_url'), 0.3)
        if text('footer_qr_caption'):
            page.text(text('footer_qr_caption'), 'small')
    return page.blocks


def qr_strip(code: QrCode, width: int) -> Image.Image:
    """A QR symbol centred on a strip of the paper width, with a two-module quiet zone."""
    rows = _qr_modules(code.content)
    modules = len(rows)
    symbol = Image.frombytes('L', (modules, modules),
                             bytes(0 if dark else 255 for row in rows for dark in row))
    side = modules * code.scale
    symbol = symbol.resize((side, side), Image.Resampling.NEAREST).convert('1', dither=Image.Dither.NONE)
    quiet = 2 * code.scale
    strip = Image.new('1', (width, side + 2 * quiet), WHITE)
    strip.paste(symbol, ((width - side) // 2, quiet))
    return strip


def stack(strips: list, width: int) -> Image.Image:
    """Paste 1-bit strips of one width below each other."""
    image = Image.new('1', (width, max(1, sum(strip.height for strip in strips))), WHITE)
    y = 0
    for strip in strips:
        image.paste(strip, (0, y))
        y += strip.height
    return image


def render_ticket(data: dict, paper_width_mm: int = 80) -> Image.Image:
    """The whole ticket, QR codes included, as one mode "1" image of the printable width."""
    width = paper_dots(paper_width_mm)
    strips = [qr_strip(block, width) if isinstance(block, QrCode) else block
              for block in ticket_blocks(data, paper_width_mm)]
    return stack(strips + [Image.new('1', (width, 8), WHITE)], width)


def preview_png(data: dict, paper_width_mm: int = 80) -> bytes:
    """The rendered ticket as PNG bytes, for the admin console's preview."""
    buffer = io.BytesIO()
    render_ticket(data, paper_width_mm).save(buffer, format='PNG', optimize=True)
    return buffer.getvalue()
