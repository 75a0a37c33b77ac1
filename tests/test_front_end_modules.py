"""The pages' scripts are ES modules sharing one fetch wrapper, one Socket.IO helper and one set of texts.

A static read of templates/ and the two static folders: every <script> is a module or JSON, every script
file is reached from a page by imports, none sets or reads a global of another script, only api.js calls
fetch, only socket.js opens a Socket.IO connection, only strings.js reads the page's texts, and no script
carries interface text of its own. Each rule is also run on a bad example, so that it can fail.
"""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {'static': ROOT / 'server/pages/static', 'display.static': ROOT / 'display/static'}
SCRIPT_TAG = re.compile(r'<script\b([^>]*)>', re.I)
SOURCE = re.compile(r'''src="\{\{ url_for\('([\w.]+)', filename='([\w./-]+)'\) \}\}"''')
IMPORT = re.compile(r'''^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]''', re.M)
# What a page may use of `window`: the browser's own, never a name another script put there.
BROWSER_WINDOW = {'addEventListener', 'confirm', 'location', 'print', 'innerHeight', 'innerWidth', 'speechSynthesis'}
# The one module allowed each thing, and a pattern that finds it.
OWNED = [
    ('api.js', re.compile(r'\bfetch\s*\('), 'calls fetch() instead of api.js'),
    ('api.js', re.compile(r'csrf-token'), 'reads the CSRF token instead of leaving it to api.js'),
    ('socket.js', re.compile(r'(?<![\w.])io\s*\('), 'opens a Socket.IO connection instead of socket.js'),
    ('socket.js', re.compile(r'''['"][./]*vendor/'''), 'imports the vendored client instead of socket.js'),
    ('strings.js', re.compile(r'''getElementById\(\s*['"]strings['"]'''), 'reads the page texts instead of strings.js'),
    ('strings.js', re.compile(r'\bfunction\s+fill\s*\(|\bconst\s+fill\s*='), 'defines its own fill() for the texts'),
]
NOWHERE = [
    (re.compile(r'\b(?:window|globalThis|self)\s*(?:\.\s*[\w$]+|\[[^\]]*\])\s*=(?!=)'), 'assigns a global'),
    (re.compile(r'\bXMLHttpRequest\b|\bnew\s+WebSocket\b|\bEventSource\b|\bsendBeacon\b'), 'talks to the server itself'),
    (re.compile(r'''^\s*(?:\(\s*function|['"]use strict['"])''', re.M), 'is written as a classic script'),
]
# Vietnamese letters in code (comments aside) are interface text that belongs in the catalog; the card
# reader's values are data printed on the CCCD, not text shown.
VIETNAMESE = re.compile(r'[À-ỹ]')
CARD_VALUES = re.compile(r"""'nữ'""")


def script_files():
    """Every page script (the vendored client aside), by the URL path it is served at."""
    return {f'/{"display/static" if name == "display.static" else "static"}/{path.name}': path
            for name, folder in FOLDERS.items() for path in sorted(folder.glob('*.js'))}


def page_entries():
    """(template, attributes of each <script> tag) for every template."""
    return [(path.relative_to(ROOT).as_posix(), attributes) for path in sorted((ROOT / 'templates').rglob('*.html'))
            for attributes in SCRIPT_TAG.findall(path.read_text(encoding='utf-8'))]


def tag_problem(attributes):
    """What is wrong with one <script> tag's attributes, or None: a module from a file, or JSON data."""
    if 'type="application/json"' in attributes and 'id="' in attributes and 'src=' not in attributes:
        return None
    if 'type="module"' not in attributes:
        return 'a script that is not a module'
    return None if SOURCE.search(attributes) else 'a module not loaded from a static folder by url_for'


def imports_of(url, text):
    """The URL paths a module imports (relative specifiers resolved against its own URL path)."""
    found = []
    for match in IMPORT.finditer(text):
        specifier = match.group(1) or match.group(2)
        base = url.rsplit('/', 1)[0].split('/')
        for part in specifier.split('/'):
            if part == '..':
                base.pop()
            elif part != '.':
                base.append(part)
        found.append('/'.join(base))
    return found


def code_only(text):
    """The script without its comments (block comments, and // comments that start a line or follow a space)."""
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    return re.sub(r'(^|\s)//.*', r'\1', text)


def script_problems(name, text):
    """What a page script does that only the shared modules may do, or that no script may do."""
    code = code_only(text)
    problems = [what for owner, pattern, what in OWNED if name != owner and pattern.search(code)]
    problems += [what for pattern, what in NOWHERE if pattern.search(code)]
    problems += ['reads window.%s, which is not the browser\'s' % used
                 for used in sorted(set(re.findall(r'\bwindow\.([\w$]+)', code)) - BROWSER_WINDOW)]
    if VIETNAMESE.search(CARD_VALUES.sub('', code)):
        problems.append('carries interface text of its own (it belongs in the catalog, read through strings.js)')
    return problems


def test_every_script_tag_is_a_module_or_data():
    entries = page_entries()
    assert len(entries) > 10
    assert [(template, attributes) for template, attributes in entries if tag_problem(attributes)] == []


def test_every_script_file_is_a_module_a_page_reaches():
    files = script_files()
    loaded = {'/%s/%s' % ('display/static' if source == 'display.static' else 'static', filename)
              for _template, attributes in page_entries() for source, filename in SOURCE.findall(attributes)}
    assert loaded and loaded <= set(files), loaded - set(files)
    reached, pending = set(), list(loaded)
    while pending:
        url = pending.pop()
        if url in reached:
            continue
        reached.add(url)
        if url.startswith(('/static/vendor/',)):
            assert (FOLDERS['static'] / url[len('/static/'):]).exists(), url
            continue
        assert url in files, 'imported but missing: ' + url
        pending += imports_of(url, files[url].read_text(encoding='utf-8'))
    assert set(files) - reached == set(), 'script files no page loads as a module'
    assert {'/static/api.js', '/static/socket.js', '/static/strings.js',
            '/static/vendor/socket.io.esm.min.js'} <= reached


def test_no_script_sets_or_reads_globals_or_wraps_fetch_or_socket_io_itself():
    found = {url: script_problems(path.name, path.read_text(encoding='utf-8')) for url, path in script_files().items()}
    assert {url: problems for url, problems in found.items() if problems} == {}


def test_the_shared_modules_are_the_ones_used():
    files = script_files()
    socket = files['/static/socket.js'].read_text(encoding='utf-8')
    assert "import {io} from './vendor/socket.io.esm.min.js';" in socket and "transports: ['websocket']" in socket
    users = {url for url, path in files.items() if re.search(r'''from\s+['"][./]*(?:\.\./static/)?api\.js['"]''',
                                                             path.read_text(encoding='utf-8'))}
    assert {'/static/admin.js', '/static/counter.js', '/static/kiosk.js', '/display/static/track.js'} <= users


@pytest.mark.parametrize('name, text, expected', [
    ('page.js', "const r = await fetch('/api/v1/queue');", 'calls fetch() instead of api.js'),
    ('page.js', "const socket = io('/display', {});", 'opens a Socket.IO connection instead of socket.js'),
    ('page.js', "import {io} from './vendor/socket.io.esm.min.js';", 'imports the vendored client instead of socket.js'),
    ('page.js', "const t = document.querySelector('meta[name=\"csrf-token\"]');",
     'reads the CSRF token instead of leaving it to api.js'),
    ('page.js', "const S = JSON.parse(document.getElementById('strings').textContent);",
     'reads the page texts instead of strings.js'),
    ('page.js', "window.LuotKiosk = {post};", 'assigns a global'),
    ('page.js', "globalThis['x'] = 1;", 'assigns a global'),
    ('page.js', "const kiosk = window.LuotKiosk;", "reads window.LuotKiosk, which is not the browser's"),
    ('page.js', "(function () {\n  'use strict';\n}());", 'is written as a classic script'),
    ('page.js', "const fill = (t, v) => t.replace('{n}', v);", 'defines its own fill() for the texts'),
    ('page.js', "node.textContent = 'Mất kết nối';",
     'carries interface text of its own (it belongs in the catalog, read through strings.js)'),
    ('page.js', "const x = new XMLHttpRequest();", 'talks to the server itself'),
])
def test_each_rule_can_fail(name, text, expected):
    assert expected in script_problems(name, text)


def test_the_rules_pass_what_they_should():
    assert script_problems('page.js', "// Mất kết nối: a comment\nwindow.addEventListener('resize', f);\n"
                                      "if (sex === 'nữ') x();\nconst url = 'tcp://x';") == []
    assert tag_problem('type="module" src="{{ url_for(\'static\', filename=\'kiosk.js\') }}"') is None
    assert tag_problem('src="{{ url_for(\'static\', filename=\'kiosk.js\') }}" defer') == 'a script that is not a module'
    assert tag_problem('type="application/json" id="strings"') is None
    assert tag_problem('') == 'a script that is not a module'
    assert imports_of('/display/static/board.js', "import {connect} from '../../static/socket.js';\n"
                                                  "import {Announcer} from './announcer.js';") == [
        '/static/socket.js', '/display/static/announcer.js']
