"""The layout rules of DESIGN.md: short modules, a short server/ top level, no import cycles between our modules."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ('server', 'display', 'printer')
MAX_LINES = 300
MAX_TOP_MODULES = 16


def module_name(path, root):
    parts = list(path.relative_to(root).with_suffix('').parts)
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def imported(node, module, is_package, modules):
    """Our modules an import statement names: `from a.b import c` is a.b.c when that is a module, else a.b."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ''
        if node.level:   # relative: counted from the importing module's package
            package = module.split('.') if is_package else module.split('.')[:-1]
            base = '.'.join(package[:len(package) - node.level + 1] + ([base] if base else []))
        names = [base + '.' + alias.name if base + '.' + alias.name in modules else base for alias in node.names]
    found = set()
    for name in names:
        while name and name not in modules:
            name = name.rpartition('.')[0]
        if name and name != module:
            found.add(name)
    return found


def import_graph(root, packages=PACKAGES):
    """{module: the modules it imports}, from imports anywhere in the file, functions included."""
    files = {module_name(path, root): path for package in packages for path in (root / package).rglob('*.py')}
    graph = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding='utf-8'))
        graph[module] = set().union(*[imported(node, module, path.name == '__init__.py', files)
                                      for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))])
    return graph


def cycles(graph):
    """Each group of modules that import one another (strongly connected, more than one), with one loop of it."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(start):
        # Tarjan's algorithm without recursion: (node, iterator over its imports)
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.get(target, ())))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(_loop(graph, group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _loop(graph, group):
    """One import loop inside a strongly connected group: a -> b -> ... -> a (shortest from its first module)."""
    start = min(group)
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop(0)
        for target in sorted(graph[path[-1]] & group):
            if target == start:
                return path + [start]
            if target not in seen:
                seen.add(target)
                paths.append(path + [target])
    return sorted(group)


def test_no_module_is_longer_than_300_lines():
    paths = sorted(path for package in PACKAGES for path in (ROOT / package).rglob('*.py'))
    long = {str(path.relative_to(ROOT)): count for path in paths
            if (count := len(path.read_text(encoding='utf-8').splitlines())) > MAX_LINES}
    assert not long, 'modules over %d lines: %s' % (MAX_LINES, long)


def test_the_server_package_keeps_a_short_top_level():
    top = sorted(path.name for path in (ROOT / 'server').glob('*.py'))
    assert len(top) <= MAX_TOP_MODULES, '%d modules directly in server/ (at most %d): %s' % (
        len(top), MAX_TOP_MODULES, top)


def test_no_import_cycles():
    found = cycles(import_graph(ROOT))
    assert not found, 'import cycles:\n' + '\n'.join(' -> '.join(loop) for loop in found)


def test_the_cycle_check_finds_a_cycle_through_a_function_level_import(tmp_path):
    """The checker itself: a package whose modules import each other, one of them inside a function."""
    package = tmp_path / 'server'
    (package / 'feature').mkdir(parents=True)
    (package / '__init__.py').write_text('def main():\n    from server.cli import run\n    run()\n')
    (package / 'cli.py').write_text('from server import feature\n\n\n'
                                    'def run():\n    from server.feature.rules import go\n    go()\n')
    (package / 'feature' / '__init__.py').write_text('')
    (package / 'feature' / 'rules.py').write_text('def go():\n    from server import main\n    return main\n')
    (package / 'feature' / 'leaf.py').write_text('import json\nfrom . import rules\n')
    graph = import_graph(tmp_path, ('server',))
    assert graph == {'server': {'server.cli'}, 'server.cli': {'server.feature', 'server.feature.rules'},
                     'server.feature': set(), 'server.feature.rules': {'server'},
                     'server.feature.leaf': {'server.feature.rules'}}
    assert cycles(graph) == [['server', 'server.cli', 'server.feature.rules', 'server']]
    (package / 'feature' / 'rules.py').write_text('def go():\n    return 1\n')   # the loop broken
    assert cycles(import_graph(tmp_path, ('server',))) == []
