import logging

import pytest

from mentormatch.app import create_app
from mentormatch.settings import ConfigurationError, load_settings

# What production needs besides a secret key: somewhere all workers share rate-limit counts.
PRODUCTION = {"ENV": "production", "SECRET_KEY": "k" * 40, "REDIS_URL": "redis://127.0.0.1:1/0"}


@pytest.fixture
def config_dir(tmp_path):
    (tmp_path / "production.toml").write_text(
        'password_min_length = 12\nfrom_file = "file"\nfrom_env = "file"\nfrom_mapping = "file"\n'
    )
    return tmp_path


def test_later_sources_win_defaults_then_file_then_env_then_mapping(config_dir):
    settings = load_settings(
        {**PRODUCTION, "FROM_MAPPING": "mapping"},
        environ={"MENTORMATCH_FROM_ENV": "env", "MENTORMATCH_FROM_MAPPING": "env"},
        config_dir=config_dir,
    )
    assert settings["WTF_CSRF_ENABLED"] is True  # default kept
    assert settings["PASSWORD_MIN_LENGTH"] == 12  # file over default
    assert settings["FROM_FILE"] == "file"
    assert settings["FROM_ENV"] == "env"  # environment over file
    assert settings["FROM_MAPPING"] == "mapping"  # mapping over environment


def test_environment_values_are_read_as_toml_literals(config_dir):
    settings = load_settings(
        environ={
            "MENTORMATCH_ENV": "testing",
            "MENTORMATCH_PASSWORD_MIN_LENGTH": "14",
            "MENTORMATCH_WTF_CSRF_ENABLED": "false",
            "MENTORMATCH_DATABASE_URL": "postgresql+psycopg://u@127.0.0.1/db",
        },
        config_dir=config_dir,
    )
    assert settings["ENV"] == "testing"
    assert settings["PASSWORD_MIN_LENGTH"] == 14
    assert settings["WTF_CSRF_ENABLED"] is False
    assert settings["DATABASE_URL"] == "postgresql+psycopg://u@127.0.0.1/db"


@pytest.mark.parametrize("key", [None, "", "short", "dev-only-insecure-secret-key"])
def test_production_refuses_to_start_without_a_real_secret_key(config_dir, key):
    overrides = {**PRODUCTION}
    del overrides["SECRET_KEY"]
    if key is not None:
        overrides["SECRET_KEY"] = key
    with pytest.raises(ConfigurationError, match="MENTORMATCH_SECRET_KEY"):
        load_settings(overrides, environ={}, config_dir=config_dir)


def test_create_app_refuses_production_without_secret_key(monkeypatch):
    monkeypatch.setenv("MENTORMATCH_ENV", "production")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app()


def test_production_starts_with_a_long_random_key(tmp_path):
    app = create_app(
        {
            **PRODUCTION,
            "SECRET_KEY": "x" * 48,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        }
    )
    assert app.config["SECRET_KEY"] == "x" * 48


def test_development_gets_a_development_key_and_sqlite_in_the_instance_folder(monkeypatch):
    app = create_app({"ENV": "development"})
    assert app.config["SECRET_KEY"]
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/mentormatch.sqlite3")


def test_bad_toml_file_is_reported_with_its_path(tmp_path):
    (tmp_path / "development.toml").write_text("this is = = not toml")
    with pytest.raises(ConfigurationError, match="development.toml"):
        load_settings({"ENV": "development"}, environ={}, config_dir=tmp_path)


@pytest.mark.parametrize(
    ("redis_url", "executor"), [(None, "thread"), ("redis://127.0.0.1:6379/0", "rq")]
)
def test_background_work_runs_on_redis_when_there_is_one(config_dir, redis_url, executor):
    settings = load_settings(
        {"ENV": "testing", "REDIS_URL": redis_url}, environ={}, config_dir=config_dir
    )
    assert settings["TASK_EXECUTOR"] == executor


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"TASK_EXECUTOR": "celery"}, "TASK_EXECUTOR must be one of inline, thread, rq"),
        ({"TASK_EXECUTOR": "rq"}, "set MENTORMATCH_REDIS_URL"),
        ({"ROUNDS_EXECUTOR": "inline"}, "ROUNDS_EXECUTOR setting was replaced by TASK_EXECUTOR"),
        ({"MAIL_SEND_INLINE": False}, "MAIL_SEND_INLINE setting was replaced by TASK_EXECUTOR"),
    ],
)
def test_a_wrong_task_executor_is_refused_at_start(overrides, message):
    with pytest.raises(ConfigurationError, match=message):
        create_app({"ENV": "testing", **overrides})


@pytest.mark.parametrize("env", ["Production", "PRODUCTION", "staging", "prod", "test", "dev"])
def test_an_unknown_environment_is_refused_naming_the_allowed_ones(config_dir, env):
    """'Production' or 'staging' used to run as development: no Secure cookie, a known key."""
    with pytest.raises(ConfigurationError) as refused:
        load_settings({**PRODUCTION, "ENV": env}, environ={}, config_dir=config_dir)
    message = str(refused.value)
    assert repr(env) in message
    assert "development, testing, production" in message and "MENTORMATCH_ENV" in message


def test_the_app_refuses_an_unknown_environment_from_the_shell(monkeypatch):
    monkeypatch.setenv("MENTORMATCH_ENV", "Production")
    monkeypatch.setenv("MENTORMATCH_SECRET_KEY", "k" * 40)
    with pytest.raises(ConfigurationError, match="Unknown environment 'Production'"):
        create_app()


@pytest.mark.parametrize("env", ["development", "testing", "production"])
def test_the_three_environments_start(config_dir, env):
    assert (
        load_settings({**PRODUCTION, "ENV": env}, environ={}, config_dir=config_dir)["ENV"] == env
    )


def test_production_refuses_rate_limits_counted_per_worker(config_dir):
    without_redis = {key: value for key, value in PRODUCTION.items() if key != "REDIS_URL"}
    with pytest.raises(ConfigurationError) as refused:
        load_settings(without_redis, environ={}, config_dir=config_dir)
    message = str(refused.value)
    assert "rate-limit counters in process memory" in message
    assert "MENTORMATCH_REDIS_URL" in message and "MENTORMATCH_RATELIMIT_STORAGE_URI" in message


@pytest.mark.parametrize(
    "storage",
    [{"REDIS_URL": "redis://cache:6379/0"}, {"RATELIMIT_STORAGE_URI": "memcached://cache:11211"}],
)
def test_production_starts_with_shared_rate_limit_storage(config_dir, storage):
    without_redis = {key: value for key, value in PRODUCTION.items() if key != "REDIS_URL"}
    settings = load_settings({**without_redis, **storage}, environ={}, config_dir=config_dir)
    assert settings["ENV"] == "production"


def test_development_and_tests_may_count_in_memory(config_dir):
    for env in ("development", "testing"):
        assert load_settings({"ENV": env}, environ={}, config_dir=config_dir)["ENV"] == env


@pytest.mark.parametrize(
    ("settings", "warning"),
    [
        ({"RATELIMIT_STORAGE_URI": "memory://"}, "this process counts rate limits on its own"),
        ({"RATELIMIT_ENABLED": False}, "RATELIMIT_ENABLED is false"),
    ],
)
def test_production_counting_in_memory_on_purpose_starts_with_a_warning(
    tmp_path, caplog, settings, warning
):
    without_redis = {key: value for key, value in PRODUCTION.items() if key != "REDIS_URL"}
    with caplog.at_level(logging.WARNING):
        app = create_app(
            {**without_redis, **settings, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}"}
        )
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(warning in message for message in warnings), warnings
