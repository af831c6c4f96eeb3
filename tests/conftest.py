"""Shared fixtures: a fresh app and database per test, a client, a CLI runner, an auth helper.

Each test gets its own database (a SQLite file, or a PostgreSQL database when
MENTORMATCH_TEST_DATABASE_URL is set), copied from a template that Alembic migrations built
once per session, so the schema under test is the one the migrations produce.
"""

from __future__ import annotations

import os

import pytest
from flask_migrate import upgrade

from mentormatch.app import create_app
from mentormatch.extensions import db
from tests import databases
from tests.helpers import AuthActions


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    """Settings from the developer's shell must not leak into tests."""
    for key in list(os.environ):
        if key.startswith("MENTORMATCH_") and not key.startswith("MENTORMATCH_TEST_"):
            monkeypatch.delenv(key)


def _migrate(url: str) -> None:
    app = create_app({"ENV": "testing", "DATABASE_URL": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory) -> str:
    return databases.build_template(tmp_path_factory.mktemp("template"), _migrate)


@pytest.fixture
def database_url(tmp_path, template_database):
    """A migrated database of this test's own."""
    with databases.database_copy(template_database, tmp_path) as url:
        yield url


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with no tables at all."""
    with databases.empty_database(tmp_path) as url:
        yield url


@pytest.fixture
def app_config(database_url) -> dict:
    return {"ENV": "testing", "DATABASE_URL": database_url}


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def auth(app, client) -> AuthActions:
    return AuthActions(app, client)
