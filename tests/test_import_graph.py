"""ember's modules import one another without circles, and ops/ keeps few function-level imports.

The graph holds the imports a module runs when it is first imported (anything outside a function
body, except `if TYPE_CHECKING:` blocks). `from pkg import name` imports the submodule pkg.name
when one exists, and importing a module runs the __init__ of every package above it that is not
already above the importer. Cycles are the strongly connected components (Tarjan) of that graph.
"""
from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = "ember"

# Function-level `import`/`from` statements left in ember/ops (imports that only dodge a cycle or
# defer an optional package); lower it as they go, never raise it.
OPS_FUNCTION_IMPORT_CEILING = 2


def _module_names(root: pathlib.Path) -> dict[str, pathlib.Path]:
    """Every module of the package: dotted name -> file (a package's name maps to __init__.py)."""
    names = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _is_package(name: str, files: dict[str, pathlib.Path]) -> bool:
    return files[name].name == "__init__.py" if name in files else any(
        m.startswith(name + ".") for m in files)


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST, in_function: bool = False):
    """(node, inside a function body) for every import statement in the tree."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, in_function
        elif isinstance(child, ast.If) and not in_function and _is_type_checking(child):
            yield from ((n, True) for n, _ in _import_nodes(child, True))
            continue
        inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                  ast.Lambda))
        yield from _import_nodes(child, inner)


def _targets(module: str, node, files: dict[str, pathlib.Path]) -> list[str]:
    """The ember modules one import statement in `module` names (before parent packages)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if node.level:
        base = module.split(".") if _is_package(module, files) else module.split(".")[:-1]
        base = base[:len(base) - node.level + 1]
        pkg = ".".join(base + ([node.module] if node.module else []))
    else:
        pkg = node.module or ""
    out = []
    for alias in node.names:
        sub = f"{pkg}.{alias.name}"
        out.append(sub if sub in files or _is_package(sub, files) else pkg)
    return out


def import_graph(root: pathlib.Path = ROOT) -> dict[str, set[str]]:
    """Module-level import edges between ember modules (only modules with code are nodes)."""
    files = _module_names(root)
    graph: dict[str, set[str]] = {m: set() for m in files}
    for module, path in files.items():
        tree = ast.parse(path.read_text(), str(path))
        ancestors = {".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 2)}
        for node, in_function in _import_nodes(tree):
            if in_function:
                continue
            for target in _targets(module, node, files):
                if not (target == PACKAGE or target.startswith(PACKAGE + ".")):
                    continue
                parts = target.split(".")
                for i in range(1, len(parts)):  # the packages above run first
                    parent = ".".join(parts[:i])
                    if parent not in ancestors and parent in files:
                        graph[module].add(parent)
                if target in files and target != module:
                    graph[module].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        m = stack.pop()
                        on_stack.discard(m)
                        component.append(m)
                        if m == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return sorted(found)


def function_level_imports(folder: pathlib.Path, root: pathlib.Path = ROOT) -> list[str]:
    """'file:line' (relative to root) of every import statement inside a function body."""
    out = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        out += [f"{path.relative_to(root)}:{n.lineno}" for n, inner in _import_nodes(tree)
                if inner]
    return out


def test_no_import_cycles():
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_ops_function_level_imports_under_ceiling():
    found = function_level_imports(ROOT / PACKAGE / "ops")
    assert len(found) <= OPS_FUNCTION_IMPORT_CEILING, "\n".join(found)


def _tree(tmp_path, modules: dict[str, str]) -> pathlib.Path:
    for name, text in modules.items():
        path = tmp_path / (name.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_graph_finds_relative_submodule_and_package_cycles(tmp_path):
    root = _tree(tmp_path, {
        "ember.__init__": "from . import a\n",
        "ember.a": "from .sub import c\n",             # c is a name in sub/__init__
        "ember.sub.__init__": "from .b import x\n",
        "ember.sub.b": "def f():\n    from ..a import y\n",  # function level: no edge
        "ember.d": "from . import e\n",               # e is a submodule
        "ember.e": "import ember.d\n",
        "ember.f": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import d\n",
    })
    graph = import_graph(root)
    assert graph["ember.a"] == {"ember.sub"}
    assert graph["ember.sub"] == {"ember.sub.b"}
    assert graph["ember.sub.b"] == set()
    assert graph["ember.f"] == set()
    assert cycles(graph) == [["ember.d", "ember.e"]]
    graph["ember.sub.b"].add("ember.a")
    assert cycles(graph) == [["ember.a", "ember.sub", "ember.sub.b"], ["ember.d", "ember.e"]]


def test_function_level_imports_are_counted(tmp_path):
    root = _tree(tmp_path, {"ember.ops.k": "import math\ndef f():\n    import os\n"
                                           "class C:\n    def g(self):\n        from . import k\n"})
    assert function_level_imports(root / "ember" / "ops", root) == [
        "ember/ops/k.py:3", "ember/ops/k.py:6"]
