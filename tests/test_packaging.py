"""The package as pip installs it: every Python package and the migrations are shipped."""

import tomllib
from pathlib import Path

from mentormatch.app import MIGRATIONS_DIR

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_of_the_source_tree_is_listed_for_the_wheel():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "mentormatch").rglob("__init__.py")
    }
    assert found | {"mentormatch.migrations"} == listed


def test_the_app_finds_the_migrations_it_ships():
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert any((MIGRATIONS_DIR / "versions").glob("0001_*.py"))
