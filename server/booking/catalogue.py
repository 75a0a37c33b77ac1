"""The shipped catalogue of common ward-level procedures (thủ tục), grouped by field (lĩnh vực), with the short
names citizens use ("khai sinh"). A service named after a standard field gets that field's procedures."""
import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from server.sms.text import fold

# Words a service's name may add around a field's name without meaning another field.
FILLER_WORDS = frozenset({'linh', 'vuc', 'va'})


@dataclass(frozen=True)
class Field:
    """A standard field (lĩnh vực) of procedures: key 'ho-tich', name 'Hộ tịch', other names it goes by."""
    key: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """A procedure of the catalogue; field is a Field.key, aliases the short names citizens use."""
    key: str
    field: str
    name: str
    aliases: tuple[str, ...]
    guide_url: str


def _rows(filename):
    """The rows of a CSV file shipped beside this module."""
    text = resources.files(__package__).joinpath(filename).read_text(encoding='utf-8')
    return list(csv.DictReader(text.splitlines()))


def _split(text):
    return tuple(part.strip() for part in (text or '').split('|') if part.strip())


FIELDS = tuple(Field(row['key'], row['name'], _split(row['aliases'])) for row in _rows('catalogue_fields.csv'))
ENTRIES = tuple(Entry(row['key'], row['field'], row['name'], _split(row['aliases']), (row.get('guide_url') or ''))
                for row in _rows('catalogue.csv'))


def name_key(text):
    """A field's or service's name reduced for comparison: folded, letters and digits only, filler words out
    ("Lĩnh vực Tư pháp – Hộ tịch" -> "tu phap ho tich")."""
    words = re.findall(r'[a-z0-9]+', fold(text or ''))
    return ' '.join(word for word in words if word not in FILLER_WORDS)


@lru_cache(maxsize=1)
def _field_names():
    names = {}
    for field in FIELDS:
        for name in (field.name, field.key, *field.aliases):
            names.setdefault(name_key(name), field)
            names.setdefault(name_key(name).replace(' ', ''), field)
    return names


def field_for_service(name):
    """The standard field a service is named after ("Hộ tịch", "HO TICH", "Tư pháp - Hộ tịch"), or None."""
    key = name_key(name)
    if not key:
        return None
    names = _field_names()
    return names.get(key) or names.get(key.replace(' ', ''))


def field_by_key(key):
    """The field with this key, or None."""
    return next((field for field in FIELDS if field.key == key), None)


def entries_of(field_key):
    """The catalogue's procedures of a field, in catalogue order."""
    return tuple(entry for entry in ENTRIES if entry.field == field_key)


def entry_by_key(key):
    """The catalogue entry with this key, or None."""
    return next((entry for entry in ENTRIES if entry.key == key), None)
