"""The shape docs/architecture.md describes, checked like the missing-migrations test.

Campaign builds on petition, never the reverse; lib/ is below both apps; config/ wires them
together. No module imports, even inside a function, a module that imports it back, directly
or through others: such a circle hides which module depends on which.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("petition", "campaign", "lib", "config")
MAX_LINES = 500
# What each package may import from the others (config may import everything).
ALLOWED = {
    "lib": set(),
    "petition": {"lib"},
    "campaign": {"lib", "petition"},
    "config": {"lib", "petition", "campaign"},
}


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules():
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def imports_of(name, path, known):
    """The project modules `name` imports, wherever in the file (functions included)."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import sub` imports the submodule pkg.sub when there is one.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]  # an attribute of a module
            if target and target != name:
                found.add(target)
    return found


@pytest.fixture(scope="module")
def graph():
    modules = project_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def test_each_package_imports_only_what_it_builds_on(graph):
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in graph.items()
        for target in targets
        if target.split(".")[0] not in ALLOWED[name.split(".")[0]] | {name.split(".")[0]}
    )
    assert not wrong, "\n".join(wrong)


def test_no_import_circles(graph):
    circles = []
    state = {}  # name -> "visiting" | "done"

    def visit(name, trail):
        state[name] = "visiting"
        for target in sorted(graph[name]):
            if state.get(target) == "visiting":
                circles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not circles, "Import circles:\n" + "\n".join(circles)


def test_the_walk_sees_imports_inside_functions(tmp_path):
    """The walk would be blind to the circles a function-level import hides otherwise."""
    known = {"petition", "petition.tasks", "petition.actions", "petition.models"}
    source = tmp_path / "actions.py"
    source.write_text("def f():\n    from . import tasks\n    from .models import Signer\n")
    found = imports_of("petition.actions", source, known)
    assert found == {"petition.tasks", "petition.models"}


@pytest.mark.parametrize("package", [*PACKAGES, "tests", "benchmarks", "static/css", "static/js"])
def test_files_stay_small_enough_to_read_in_one_sitting(package):
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in (ROOT / package).rglob("*")
        if path.suffix in (".py", ".css", ".js")
        and "migrations" not in path.parts
        and (lines := len(path.read_text().splitlines())) > MAX_LINES
    ]
    assert not long, "\n".join(long)
