"""The OpenAPI document as a contract: real answers are checked against it (test_openapi, test_holidays)."""
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

API = '/api/v1'


def closed(node):
    """A copy of the document where documented objects allow no other keys: answers must be described exactly."""
    if isinstance(node, list):
        return [closed(item) for item in node]
    if not isinstance(node, dict):
        return node
    copy = {key: closed(value) for key, value in node.items()}
    if copy.get('type') == 'object' and 'properties' in copy:
        copy.setdefault('additionalProperties', False)
    return copy


class Contract:
    """Checks real answers against the document: the status is documented and the body fits its schema."""

    def __init__(self, doc):
        self.doc = doc
        self.registry = Registry().with_resource('urn:luot', Resource.from_contents(closed(doc), DRAFT202012))

    def check(self, method, path, response):
        operation = self.doc['paths'][API + path][method.lower()]
        assert str(response.status_code) in operation['responses'], (method, path, response.status_code)
        answer = operation['responses'][str(response.status_code)]
        if '$ref' in answer:  # the shared error answers
            pointer = answer['$ref']
            answer = self.doc['components']['responses'][pointer.rsplit('/', 1)[1]]
        else:
            pointer = '#/paths/%s/%s/responses/%d' % (
                (API + path).replace('~', '~0').replace('/', '~1'), method.lower(), response.status_code)
        assert 'application/json' in answer['content'] and response.mimetype == 'application/json'
        pointer += '/content/application~1json/schema'
        validator = Draft202012Validator({'$ref': 'urn:luot' + pointer}, registry=self.registry,
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(response.get_json()), key=str)
        assert not errors, '%s %s: %s' % (method, path, '\n'.join(e.message for e in errors))
        return response.get_json()
