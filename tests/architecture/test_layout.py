"""The layout issue's rules that import-linter does not state: no import cycle (also none through
a function-level import), few function-level imports, nothing in naskah/ but the factory,
config and extensions beside the area packages, and no registration on import."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "naskah"
AREAS = ("agenda", "audit", "auth", "complaints", "core", "correspondents", "crypto", "decryption", "intake",
         "models", "notifications", "operations", "paper", "printing", "sla", "workflow")


def _modules():
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = ("naskah",) + path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _targets(mods, name, path, node):
    is_pkg = path.name == "__init__.py"
    if isinstance(node, ast.Import):
        stems = [a.name for a in node.names]
    else:
        base = name.split(".") if is_pkg else name.split(".")[:-1]
        if node.level:
            base = base[: len(base) - node.level + 1]
            stem = ".".join(base + ([node.module] if node.module else []))
        else:
            stem = node.module or ""
        stems = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in mods else stem for a in node.names]
    out = set()
    for t in stems:
        while t and t not in mods:
            t = t.rpartition(".")[0]
        if t and t != name:
            out.add(t)
    return out


def _graph():
    mods = _modules()
    graph, lazy = {m: set() for m in mods}, []
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                targets = _targets(mods, name, path, node)
                graph[name] |= targets
                if targets and id(node) not in top:
                    lazy.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    return graph, lazy


def _cycles(graph):
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_not_even_through_function_level_imports():
    graph, _ = _graph()
    # the root package imports every area to list them; leave it out of the cycle search
    graph = {m: {t for t in ts if t != "naskah"} for m, ts in graph.items() if m != "naskah"}
    assert _cycles(graph) == []


def test_at_most_a_dozen_function_level_imports_of_our_own_modules():
    _, lazy = _graph()
    assert len(lazy) <= 12, lazy


def test_naskah_holds_only_the_factory_config_and_extensions_beside_the_areas():
    files = sorted(p.name for p in ROOT.iterdir() if p.suffix == ".py")
    dirs = sorted(p.name for p in ROOT.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert files == ["__init__.py", "config.py", "extensions.py"]
    assert tuple(dirs) == AREAS


@pytest.mark.parametrize("area", [a for a in AREAS if a not in ("models", "crypto", "printing")])
def test_each_area_wires_itself_in_init_app(area):
    tree = ast.parse((ROOT / area / "__init__.py").read_text(encoding="utf-8"))
    assert any(isinstance(n, ast.FunctionDef) and n.name == "init_app" for n in tree.body)


def test_no_module_registers_anything_when_imported():
    """Module-level calls that add to a registry are the import side effects the layout removed."""
    suspicious = ("register", "add_hook", "add_nav", "listens_for", "register_defaults", "install", "update")
    found = []
    for path in ROOT.rglob("*.py"):
        if path.parts[-2] in ("models",):
            continue  # the audit table's DDL triggers are SQLAlchemy metadata events
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            calls = [node.value] if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) else []
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                calls = [d for d in node.decorator_list if isinstance(d, ast.Call)]
                calls = [c for c in calls if ast.unparse(c.func).split(".")[-1] in suspicious]
            for call in calls:
                name = ast.unparse(call.func)
                if name.split(".")[-1] in suspicious:
                    found.append(f"{path.relative_to(ROOT.parent)}:{call.lineno} {name}")
    assert found == []
