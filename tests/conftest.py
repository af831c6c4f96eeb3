"""Shared fixtures: a fresh app and database per test, a client, a CLI runner, an auth helper.

Each test gets its own SQLite file, copied from a template that Alembic migrations built once
per session, so the schema under test is the one the migrations produce.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade

from mentormatch.app import create_app
from mentormatch.extensions import db
from tests.helpers import AuthActions


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    """Settings from the developer's shell must not leak into tests."""
    for key in list(os.environ):
        if key.startswith("MENTORMATCH_"):
            monkeypatch.delenv(key)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = create_app({"ENV": "testing", "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def app_config(tmp_path, template_database) -> dict:
    database = tmp_path / "test.sqlite3"
    shutil.copyfile(template_database, database)
    return {"ENV": "testing", "DATABASE_URL": f"sqlite:///{database}"}


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
