import pytest

from mentormatch.app import create_app
from mentormatch.settings import ConfigurationError, load_settings


@pytest.fixture
def config_dir(tmp_path):
    (tmp_path / "staging.toml").write_text(
        'password_min_length = 12\nfrom_file = "file"\nfrom_env = "file"\nfrom_mapping = "file"\n'
    )
    return tmp_path


def test_later_sources_win_defaults_then_file_then_env_then_mapping(config_dir):
    settings = load_settings(
        {"ENV": "staging", "SECRET_KEY": "k" * 40, "FROM_MAPPING": "mapping"},
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
    overrides = {"ENV": "production"}
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
            "ENV": "production",
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
    (tmp_path / "broken.toml").write_text("this is = = not toml")
    with pytest.raises(ConfigurationError, match="broken.toml"):
        load_settings({"ENV": "broken"}, environ={}, config_dir=tmp_path)


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
