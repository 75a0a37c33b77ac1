"""Words a ward office uses (issue 19, point 9): what a clerk reads on the staff pages never says "Lễ tân"
(a hotel's word: "Tiếp nhận"), "không ghi" for an empty field ("—"), nor the technician's LUOT_PRINTER or
Bearer; a technical value may show small, in <code> or a .tech element, for whoever installs the server."""
import re
from pathlib import Path

import pytest

from server import labels
from tests.conftest import bearer

ROOT = Path(__file__).resolve().parent.parent
# "không ghi được" (could not write) is plain Vietnamese; "không ghi" alone stood for an empty field.
BANNED = re.compile(r'Lễ tân|lễ tân|không ghi(?! được)|LUOT_PRINTER|Bearer')
TECHNICAL = re.compile(r'<code\b.*?</code>|<(small|span) class="[^"]*\btech\b[^"]*">.*?</\1>|\{#.*?#\}', re.S)
STAFF_PAGES = ['/', '/desk', '/counter', '/hotline', '/admin', '/admin/services', '/admin/calendar',
               '/admin/counters', '/admin/boards', '/admin/devices', '/admin/printers', '/admin/staff',
               '/admin/sms', '/admin/settings', '/admin/records', '/admin/reports']


def clerk_text(html):
    """A page or template without what only a technician reads (code, .tech) and without template comments."""
    return TECHNICAL.sub('', html)


def test_no_template_says_what_a_clerk_should_not_read():
    found = [(path.relative_to(ROOT).as_posix(), match.group(0))
             for path in sorted((ROOT / 'templates').rglob('*.html'))
             for match in BANNED.finditer(clerk_text(path.read_text(encoding='utf-8')))]
    assert found == []


@pytest.mark.parametrize('path', STAFF_PAGES)
def test_no_staff_page_says_it(client, office, tokens, path):
    """The pages as served, with the texts their scripts show (the strings JSON) and an office printer set."""
    client.application.config['PRINTER'] = 'tcp://192.168.1.50:9100'
    response = client.get(path, headers=bearer(tokens['admin']))
    assert response.status_code == 200
    assert BANNED.findall(clerk_text(response.get_data(as_text=True))) == []


def test_the_labels_use_the_office_words(app):
    with app.test_request_context():
        assert labels.label(labels.ROLE, 'desk') == 'Tiếp nhận'
        assert labels.label(labels.OUTBOX_STATE, 'delivered') == 'Đã nhận'
        assert labels.field_label('prefix') == 'Ký hiệu'
