"""The layout is the architecture: layers only import downwards, nothing imports in a circle,
and no module grows into a god object.

The layers are import-linter contracts in pyproject.toml; these tests run them, and prove on a
copy of the package that a broken rule is caught.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULE_LINES = 800


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    # A process of its own, so the package it analyses is the one in ``cwd`` (a copy, below).
    code = ("import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))")
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env={"PYTHONPATH": str(cwd), "PATH": ""},
                          capture_output=True, text=True, timeout=120)


def test_the_layer_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize("module, line, broken", [
    ("app/engine/core/fileio.py", "from app.engine.review import session", "The engine in layers"),
    ("app/engine/atlas/client.py", "from app.engine.run.records import JobState", "The engine in layers"),
    ("app/engine/run/store.py", "import app.ui.window", "Entry points on top"),
    ("app/sim/media.py", "from app.distributed import tasks", "Entry points on top"),
    ("app/engine/jobs/spec.py", "from PySide6.QtCore import QObject", "never import Qt"),
])
def test_a_layer_importing_upwards_breaks_a_contract(tmp_path, module, line, broken):
    shutil.copytree(ROOT / "app", tmp_path / "app", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", "resources"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / module).open("a", encoding="utf-8") as source:
        source.write(f"\n{line}\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout


def _import_circles(package: str) -> list[list[str]]:
    graph = grimp.build_graph(package)
    edges = {module: {other for other in graph.find_modules_directly_imported_by(module)
                      if other.startswith(package + ".") and other != module}
             for module in graph.modules if module.startswith(package)}
    # Tarjan's strongly connected components, iteratively (the graph is a few hundred modules).
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    return circles


def test_no_module_imports_in_a_circle():
    assert _import_circles("app") == []


def test_a_circle_is_found(tmp_path):
    shutil.copytree(ROOT / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__", "resources"))
    with (tmp_path / "app/engine/jobs/tutorial.py").open("a", encoding="utf-8") as source:
        source.write("\nfrom app.engine.jobs.jobset import JobSet\n")
    code = "from tests.test_architecture import _import_circles; print(_import_circles('app'))"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}", "PATH": ""})
    assert result.stdout.strip() == "[['app.engine.jobs.jobset', 'app.engine.jobs.tutorial']]", result.stderr


def test_no_module_grows_into_a_god_object():
    too_long = {}
    for path in (ROOT / "app").rglob("*.py"):
        if "resources" in path.relative_to(ROOT).parts:
            continue
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MAX_MODULE_LINES:
            too_long[str(path.relative_to(ROOT))] = lines
    assert too_long == {}, f"split these by concern: {too_long}"
