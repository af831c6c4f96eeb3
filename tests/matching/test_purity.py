"""The engine stays a library: numpy, scipy, networkx and numba, itself, and nothing of the app.

The one project module it may use is `mentormatch.codes`, the domain's vocabulary of plain
data (no imports of its own) that the feature indices are built from.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import mentormatch.matching

ENGINE = Path(mentormatch.matching.__file__).parent
THIRD_PARTY = {"numpy", "scipy", "networkx", "numba"}
PROJECT = {"mentormatch", "mentormatch.codes"}


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            # `from mentormatch import codes` imports the module mentormatch.codes
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _allowed(name: str) -> bool:
    top = name.split(".")[0]
    if top in sys.stdlib_module_names or top in THIRD_PARTY or top == "__future__":
        return True
    return name in PROJECT or name.startswith("mentormatch.matching")


def test_engine_source_imports_only_its_libraries():
    found = {
        f"{path.name}: {name}"
        for path in sorted(ENGINE.glob("*.py"))
        for name in _imported_modules(path)
        if not _allowed(name)
    }
    assert not found, sorted(found)


def test_importing_the_engine_loads_nothing_of_the_app():
    code = (
        "import sys, mentormatch.matching\n"
        "bad = [m for m in ('flask', 'sqlalchemy', 'flask_sqlalchemy') if m in sys.modules]\n"
        "assert not bad, bad\n"
        "ours = sorted(m for m in sys.modules if m.split('.')[0] == 'mentormatch')\n"
        "print('\\n'.join(ours))\n"
    )
    out = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    assert [m for m in out if m not in PROJECT and not m.startswith("mentormatch.matching")] == []
