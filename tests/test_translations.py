"""Every interface string has an English translation, and the compiled catalog is current."""
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parent.parent / 'server' / 'translations' / 'en' / 'LC_MESSAGES'


def test_every_message_is_translated_to_english():
    with open(CATALOG / 'messages.po', 'rb') as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert missing == []


def test_compiled_catalog_matches_the_source():
    with open(CATALOG / 'messages.po', 'rb') as handle:
        source = {m.id: m.string for m in read_po(handle) if m.id}
    with open(CATALOG / 'messages.mo', 'rb') as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert compiled == source


def test_source_strings_are_all_in_the_catalog():
    from babel.messages.extract import extract_from_dir
    root = CATALOG.parents[3]
    with open(CATALOG / 'messages.po', 'rb') as handle:
        known = {m.id for m in read_po(handle) if m.id}
    found = set()
    method_map = [('server/**.py', 'python'), ('display/**.py', 'python'), ('printer/**.py', 'python'),
                  ('templates/**.html', 'jinja2')]
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), method_map, keywords={'_': None, 'gettext': None, 'lazy_gettext': None, 'ngettext': (1, 2)}):
        found.add(message if isinstance(message, str) else message[0])
    assert sorted(found - known) == []
