"""URL builders compiled on first use (server/host/url_rules.py): the same URLs as Werkzeug's stock rules for every
route of the app, compiled once, and the stock path when the pin or the self-check fails."""
import logging

import pytest
from flask import url_for
from werkzeug.routing import Map, Rule

from server.host import url_rules


def test_every_route_builds_the_same_url_as_the_stock_rules(app):
    assert app.url_rule_class is url_rules.LazyBuildRule
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != 'static']
    assert len(rules) > 100
    stock = Map([Rule(rule.rule, endpoint=rule.endpoint, defaults=rule.defaults, methods=rule.methods)
                 for rule in rules], converters=dict(app.url_map.converters))
    ours, theirs = app.url_map.bind('luot.local', '/'), stock.bind('luot.local', '/')
    for rule in rules:
        values = {name: 7 for name in rule.arguments}
        method = sorted(rule.methods - {'HEAD', 'OPTIONS'})[0]
        for extra in ({}, {'lang': 'en', 'q': 'a b'}):
            assert ours.build(rule.endpoint, dict(values, **extra), method=method) == \
                theirs.build(rule.endpoint, dict(values, **extra), method=method), rule.rule


def test_a_builder_is_compiled_on_first_use_and_then_is_werkzeugs(app):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == 'pages.track')
    assert rule._build_unknown.__name__ == 'build'         # not compiled yet
    with app.test_request_context():
        first = url_for('pages.track', track_id='abc', lang='en')
        compiled = rule._build_unknown
        assert compiled.__name__ != 'build'
        assert url_for('pages.track', track_id='abc', lang='en') == first == '/t/abc?lang=en'
        assert rule._build_unknown is compiled


@pytest.mark.parametrize('break_it', ['pin', 'internals'])
def test_the_stock_rules_when_the_pin_or_the_check_fails(monkeypatch, caplog, break_it):
    url_rules.rule_class.cache_clear()
    if break_it == 'pin':
        monkeypatch.setitem(url_rules.TESTED_WITH, 'Werkzeug', '0.0.1')
    else:
        monkeypatch.setattr(url_rules.LazyBuildRule, '_compile_builder',
                            lambda self, append_unknown=True: Rule._compile_builder(self, not append_unknown))
    try:
        with caplog.at_level(logging.WARNING, logger='server.host.url_rules'):
            assert url_rules.rule_class() is Rule
        assert 'stock Werkzeug path' in caplog.text
    finally:
        url_rules.rule_class.cache_clear()
