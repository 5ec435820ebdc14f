"""One folder per stage, imports one way: site -> search -> indexer. The indexer and the search
never import the web framework; `lupus-guide build` runs without loading it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CONTENT, ROOT

WEB = ("starlette", "uvicorn", "jinja2", "guide_site")
# What each package may not import, at any depth (lazy imports inside functions included).
FORBIDDEN = {"indexer": (*WEB, "search", "insights"), "search": (*WEB, "insights"),
             "insights": WEB}
# The command line is the application's entry point: its `serve` and `notice` commands reach
# the site and the search, inside those commands only (tested below for `build`).
ENTRY_POINT = ROOT / "indexer" / "cli.py"


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, whether at the module's top level) for every import in a file."""
    tree = ast.parse(path.read_text("utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, id(node) in top) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.module, id(node) in top))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_never_imports_the_stages_after_it(package: str) -> None:
    wrong = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for module, at_top in _imports(path):
            if module.split(".")[0] in FORBIDDEN[package]:
                if path == ENTRY_POINT and not at_top:
                    continue
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []


def test_the_site_holds_only_web_code() -> None:
    """Modules of the site that import no web framework belong to the search or the
    indexer (templates and static files aside)."""
    engine_only = []
    for path in sorted((ROOT / "site").rglob("*.py")):
        # openapi.py: the HTTP API as data; engine.py: the web process's threading rule.
        if path.name in ("__init__.py", "openapi.py", "engine.py"):
            continue
        modules = {module.split(".")[0] for module, _ in _imports(path)}
        if not modules & {"starlette", "jinja2", "markupsafe", "bs4", "guide_site"}:
            engine_only.append(str(path.relative_to(ROOT)))
    assert engine_only == []


def test_a_build_never_loads_the_web_framework(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from indexer.cli import main\n"
        f"main(['build', '--content', {str(CONTENT)!r}, '--index', {str(tmp_path)!r}],"
        " standalone_mode=False)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in"
        f" {(*WEB, 'search', 'insights')!r})\n"
        "print('LOADED', loaded)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "LOADED []" in run.stdout, run.stdout[-2000:]
    assert (tmp_path / "CURRENT").exists()
