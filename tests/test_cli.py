"""The mentormatch command line."""

import subprocess
import sys

from click.testing import CliRunner
from flask import Flask
from gunicorn.util import import_app

from mentormatch.commands.serve import APP_FACTORY
from mentormatch.demo.seeding import DEMO_LOGINS
from mentormatch.entry import main
from tests.helpers import TEST_PASSWORD


def test_create_coordinator_reads_the_password_from_the_environment(runner, auth, monkeypatch):
    monkeypatch.setenv("MENTORMATCH_PASSWORD", TEST_PASSWORD)
    result = runner.invoke(args=["create-coordinator", "Head@Example.org", "--name", "Dr Head"])
    assert result.exit_code == 0, result.output
    assert "Created coordinator head@example.org" in result.output
    assert auth.login("head@example.org").headers["Location"] == "/coordinator/"


def test_create_coordinator_prompts_for_the_password(runner, auth):
    result = runner.invoke(
        args=["create-coordinator", "prompt@example.org"],
        input=f"{TEST_PASSWORD}\n{TEST_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert auth.login("prompt@example.org").status_code == 302


def test_create_coordinator_explains_a_refusal(runner, auth, monkeypatch):
    auth.create("mentee", email="taken@example.org")
    monkeypatch.setenv("MENTORMATCH_PASSWORD", TEST_PASSWORD)
    result = runner.invoke(args=["create-coordinator", "TAKEN@example.org"])
    assert result.exit_code == 1
    assert "already exists" in result.output
    monkeypatch.setenv("MENTORMATCH_PASSWORD", "short")
    result = runner.invoke(args=["create-coordinator", "new@example.org"])
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output


def test_seed_demo_is_idempotent_and_prints_working_logins(runner, auth):
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == second.exit_code == 0
    for login in DEMO_LOGINS:
        assert login.email in first.output
        response = auth.login(login.email, login.password)
        assert response.headers["Location"] == f"/{login.role}/"
        auth.logout()


def test_console_script_works_without_flask_app(tmp_path, monkeypatch):
    monkeypatch.setenv("MENTORMATCH_ENV", "testing")
    monkeypatch.setenv("MENTORMATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("MENTORMATCH_PASSWORD", TEST_PASSWORD)
    monkeypatch.delenv("FLASK_APP", raising=False)
    cli = CliRunner()
    assert cli.invoke(main, ["db", "upgrade"]).exit_code == 0
    result = cli.invoke(main, ["create-coordinator", "boss@example.org"])
    assert result.exit_code == 0, result.output
    helptext = subprocess.run(
        [sys.executable, "-m", "mentormatch", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("run", "db", "create-coordinator", "seed-demo"):
        assert command in helptext


def test_gunicorn_gets_the_app_from_the_entry_module(tmp_path, monkeypatch):
    monkeypatch.setenv("MENTORMATCH_ENV", "testing")
    monkeypatch.setenv("MENTORMATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    app = import_app(APP_FACTORY)  # what `mentormatch serve` has each gunicorn worker do
    assert isinstance(app, Flask)
    assert app.config["DATABASE_URL"].endswith("serve.sqlite3")


def test_engine_warm_compiles_ahead_and_says_where_the_cache_is(runner):
    result = runner.invoke(args=["engine", "warm"])
    assert result.exit_code == 0, result.output
    assert "cache:" in result.output and "is ready" in result.output
