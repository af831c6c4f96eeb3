"""Test databases: a fresh SQLite file per test by default, or a fresh PostgreSQL database per
test when MENTORMATCH_TEST_DATABASE_URL names a PostgreSQL server.

Either way each test starts from a copy of a template that Alembic migrations built once per
session, so the schema under test is the one the migrations produce.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

TEST_DATABASE_ENV = "MENTORMATCH_TEST_DATABASE_URL"
TEMPLATE_NAME = "mentormatch_test_template"


# Read once at import: the tests clear MENTORMATCH_* variables around each test.
_SERVER_URL = os.environ.get(TEST_DATABASE_ENV, "").strip() or None


def server_url() -> str | None:
    """The PostgreSQL server to test against, or None for SQLite."""
    return _SERVER_URL


def backend() -> str:
    return "postgresql" if server_url() else "sqlite"


@contextmanager
def _admin() -> Iterator:
    engine = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _database_url(name: str) -> str:
    return make_url(server_url()).set(database=name).render_as_string(hide_password=False)


def create_postgres_database(template: str | None = None) -> str:
    name = f"mentormatch_test_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        clause = f" TEMPLATE {template} STRATEGY WAL_LOG" if template else ""
        admin.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    return _database_url(name)


def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    with _admin() as admin:
        admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def build_template(directory: Path, migrate) -> str:
    """Migrate an empty database once; returns its URL (SQLite file or PostgreSQL name)."""
    if backend() == "sqlite":
        url = f"sqlite:///{directory / 'template.sqlite3'}"
    else:
        with _admin() as admin:
            admin.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE_NAME}" WITH (FORCE)'))
            admin.execute(text(f'CREATE DATABASE "{TEMPLATE_NAME}"'))
        url = _database_url(TEMPLATE_NAME)
    migrate(url)
    return url


@contextmanager
def database_copy(template_url: str, directory: Path) -> Iterator[str]:
    """A database of its own for one test, dropped afterwards."""
    if backend() == "sqlite":
        path = directory / "test.sqlite3"
        shutil.copyfile(make_url(template_url).database, path)
        yield f"sqlite:///{path}"
        return
    url = create_postgres_database(template=TEMPLATE_NAME)
    try:
        yield url
    finally:
        drop_postgres_database(url)


@contextmanager
def empty_database(directory: Path) -> Iterator[str]:
    """An empty database (no tables), for the migration tests."""
    if backend() == "sqlite":
        yield f"sqlite:///{directory / 'empty.sqlite3'}"
        return
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)
