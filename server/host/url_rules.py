"""Flask's URL rules with their URL builders compiled when first used, not when the app is made.

Werkzeug compiles two Python functions per route as each rule is added (building a URL with and without
extra arguments). For the app's 130-odd routes that is two thirds of the CPU of `create_app` (about 0.08 of
0.13 s here), paid by every process start and by every test's app, while a process builds URLs for a few
dozen of them. `LazyBuildRule` compiles each of the two on its first use (url_for), and from then on the rule
holds Werkzeug's own compiled function.

The seam: this module is the only place that reaches into Werkzeug's internals (`Rule._compile_builder`,
and the `_build` / `_build_unknown` attributes `Rule.compile` sets from it). Werkzeug is pinned exactly
(TESTED_WITH, setup.cfg); `rule_class` checks the pin, then builds a set of URLs through both classes and
compares them, and when anything differs it logs why and the app keeps Werkzeug's stock Rule.
"""
import functools
import logging

from werkzeug.routing import Map, Rule

from server.extensions import unpinned

log = logging.getLogger(__name__)

TESTED_WITH = {'Werkzeug': '3.1.9'}


class LazyBuildRule(Rule):
    """A Rule whose URL builders are compiled on first use (see the module's docstring)."""

    def _compile_builder(self, append_unknown=True):
        stock = Rule._compile_builder
        name = '_build_unknown' if append_unknown else '_build'

        def build(rule, *args, **kwargs):
            compiled = stock(rule, append_unknown).__get__(rule, None)
            setattr(rule, name, compiled)   # the next build goes straight to Werkzeug's function
            return compiled(*args, **kwargs)
        return build


# (rule, endpoint, defaults) and the values built with each: path and int converters, a default, a trailing
# slash, extra arguments (the query string), characters to quote.
_SAMPLES = (
    ('/', 'root', None, [{}, {'q': 'a b'}]),
    ('/t/<track_id>', 'track', None, [{'track_id': 'abc-DEF_1'}, {'track_id': 'x y', 'lang': 'en'}]),
    ('/api/v1/tickets/<int:ticket_id>/call', 'call', None, [{'ticket_id': 7}, {'ticket_id': 12, 'a': [1, 2]}]),
    ('/files/<path:name>', 'files', None, [{'name': 'a/b c.mp4'}]),
    ('/board/', 'board', {'board_id': 'all'}, [{}, {'kiosk': '1'}]),
)


def _urls(rule_cls):
    url_map = Map([rule_cls(rule, endpoint=endpoint, defaults=defaults) for rule, endpoint, defaults, _v in _SAMPLES])
    adapter = url_map.bind('luot.local', '/')
    built = []
    for _rule, endpoint, _defaults, values in _SAMPLES:
        for value in values:
            built.append(adapter.build(endpoint, dict(value)))
            built.append(adapter.build(endpoint, dict(value), force_external=True))
            built.append(adapter.build(endpoint, dict(value), append_unknown=False))
    return built


def _why_not():
    why = unpinned(TESTED_WITH, 'tested with')
    if why:
        return why
    if not callable(getattr(Rule, '_compile_builder', None)):
        return 'Rule._compile_builder is gone'
    try:
        stock, lazy = _urls(Rule), _urls(LazyBuildRule)
    except Exception as error:  # noqa: BLE001 — any fault keeps the stock rules
        return 'building sample URLs failed: %r' % error
    differ = [(a, b) for a, b in zip(stock, lazy) if a != b]
    return 'sample URLs differ: %s stock, %s here' % differ[0] if differ else None


@functools.lru_cache(maxsize=None)
def rule_class():
    """LazyBuildRule when the installed Werkzeug is the tested one and builds the same URLs through it; else the
    stock Rule (said once in the log)."""
    why = _why_not()
    if why:
        log.warning('URL builders are compiled at start (the stock Werkzeug path): %s', why)
        return Rule
    return LazyBuildRule
