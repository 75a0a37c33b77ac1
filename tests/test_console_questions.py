"""The console's "are you sure?" questions reach the page whole: a question whose text quotes a name ("Xóa màn
hình "Sảnh"?") once ended its HTML attribute at the first quote, and the dialog asked only "Xóa màn hình "."""
from html.parser import HTMLParser

from tests.conftest import bearer


class Questions(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get('data-confirm-text'):   # the dialog's own empty one aside
            self.found.append(attributes['data-confirm-text'])


def questions(client, path, token):
    parser = Questions()
    parser.feed(client.get(path, headers=bearer(token)).get_data(as_text=True))
    return parser.found


def test_a_question_naming_a_board_keeps_its_quotes_and_its_end(client, tokens):
    name = 'Sảnh "A" & <b>'
    assert client.post('/api/v1/boards', headers=bearer(tokens['admin']), json={'name': name}).status_code == 201
    asked = questions(client, '/admin/boards', tokens['admin'])
    assert asked == ['Xóa màn hình "%s"? TV đang mở màn hình này sẽ hiện tất cả lĩnh vực và quầy.' % name]


def test_a_question_closing_a_service_keeps_its_end(client, tokens):
    client.post('/api/v1/services', headers=bearer(tokens['admin']), json={'code': 'CT', 'name': 'Chứng "thực"',
                                                                           'prefix': 'A'})
    asked = questions(client, '/admin/services', tokens['admin'])
    assert asked and all('"Chứng "thực""' in question and question.endswith(('.', '?')) for question in asked), asked
