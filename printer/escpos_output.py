"""ESC/POS bytes for a ticket, built on python-escpos's Dummy printer so it stays pure.

The QR codes are sent as raster (GS v 0) by default, not as the native `GS ( k` symbol:
many cheap 58 mm printers (python-escpos's own profiles for the ZJ-5870, POS-5890 and
NT-5890K list no qrCode support) ignore `GS ( k` or print garbage, and those that support
it differ in module size and quiet zone. Every printer that prints our raster text prints a
raster QR exactly as the admin's preview shows it, and the cost is only a few kilobytes.
`native_qr=True` is there for printers known to do `GS ( k` on slow serial links.
"""
import functools
import struct

from escpos.capabilities import BaseProfile, get_profile_class
from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy

from .layout import QrCode, paper_dots, render_ticket, stack, ticket_blocks

# Bands of 256 dot rows (18 KB at 80 mm): some cheap firmwares mishandle one tall GS v 0
# image or overflow a small receive buffer; bands print seamlessly on the rest.
FRAGMENT_HEIGHT = 256
ALIGN_LEFT, ALIGN_CENTER = b'\x1ba\x00', b'\x1ba\x01'
_INVERT = bytes(255 - value for value in range(256))


@functools.lru_cache(maxsize=None)
def _profile_class(width_dots: int) -> type:
    """The default profile with the media width set (python-escpos prints a warning without it)."""
    data = dict(get_profile_class('default').profile_data)
    data['media'] = {'dpi': 203, 'width': {'pixels': width_dots, 'mm': width_dots // 8}}
    return type(f'LuotTicket{width_dots}', (BaseProfile,), {'profile_data': data})


def new_dummy(paper_width_mm: int = 80) -> Dummy:
    """A Dummy printer that collects bytes, with a profile of the roll's printable width."""
    printer = Dummy()
    printer.profile = _profile_class(paper_dots(paper_width_mm))()
    return printer


def _raster(printer: Dummy, image) -> None:
    """GS v 0 bands of a mode "1" image (PIL's set bit is white, the printer's is a dot).

    The same bytes as python-escpos's image(impl="bitImageRaster"), without its RGBA, grey
    and invert round trip, which took most of a ticket's 40 ms.
    """
    width_bytes = (image.width + 7) // 8
    for top in range(0, image.height, FRAGMENT_HEIGHT):
        band = image.crop((0, top, image.width, min(top + FRAGMENT_HEIGHT, image.height)))
        header = b'\x1dv0\x00' + struct.pack('<HH', width_bytes, band.height)
        printer._raw(header + band.tobytes().translate(_INVERT))


def _native_blocks(printer: Dummy, blocks: list, width: int) -> None:
    """Raster strips as images, QR placeholders as the printer's own `GS ( k` symbols."""
    pending = []
    for block in blocks + [None]:
        if isinstance(block, QrCode) or block is None:
            if pending:
                _raster(printer, stack(pending, width))
                pending = []
            if block is not None:
                printer._raw(ALIGN_CENTER)
                printer.qr(block.content, ec=QR_ECLEVEL_M, size=block.scale, native=True)
                printer._raw(ALIGN_LEFT)
        else:
            pending.append(block)


def ticket_bytes(data: dict, paper_width_mm: int = 80, native_qr: bool = False) -> bytes:
    """Initialise, the ticket raster (QR codes included unless native_qr), feed and cut."""
    printer = new_dummy(paper_width_mm)
    printer.hw('INIT')
    if native_qr:
        _native_blocks(printer, ticket_blocks(data, paper_width_mm), paper_dots(paper_width_mm))
    else:
        _raster(printer, render_ticket(data, paper_width_mm))
    # A partial cut leaves the ticket hanging at the kiosk's slot until the citizen takes it,
    # instead of dropping it; printers without one fall back to a full cut (profile).
    printer.cut(mode='PART')
    return printer.output
