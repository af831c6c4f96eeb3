"""The application factory: settings first, then logging, extensions, blueprints, error
handlers, template helpers and commands. Processes get their app from mentormatch.entry."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from mentormatch import (
    codes,
    models,  # noqa: F401 - registers the tables for Alembic
)
from mentormatch.commands import COMMANDS
from mentormatch.countries import language_list_text
from mentormatch.extensions import csrf, db, login_manager, migrate
from mentormatch.logs import configure_logging
from mentormatch.models import (
    MeetingStatus,
    MembershipStatus,
    MentorshipStatus,
    PairRuleKind,
    PairRuleSource,
    Role,
    RoundStatus,
    SignupMode,
)
from mentormatch.services.accounts import load_user_from_session
from mentormatch.services.outcomes import records as outcome_records
from mentormatch.services.profiles import completeness
from mentormatch.services.proposals import deadline_passed
from mentormatch.services.time_zones import local as local_time
from mentormatch.settings import load_settings
from mentormatch.web.account.views import bp as account_bp
from mentormatch.web.auth.views import bp as auth_bp
from mentormatch.web.choices import bp as choices_bp
from mentormatch.web.converters import DatabaseIdConverter
from mentormatch.web.coordinator import bp as coordinator_bp
from mentormatch.web.errors import register_error_handlers
from mentormatch.web.forms import EmptyForm
from mentormatch.web.health.views import bp as health_bp
from mentormatch.web.main.views import bp as main_bp
from mentormatch.web.meetings.views import bp as meetings_bp
from mentormatch.web.mentee.views import bp as mentee_bp
from mentormatch.web.mentor.views import bp as mentor_bp
from mentormatch.web.mentorships.views import bp as mentorships_bp
from mentormatch.web.profiles.views import bp as profiles_bp
from mentormatch.web.programmes.views import bp as programmes_bp
from mentormatch.web.security import init_security


def _migrations_dir() -> Path:
    """The migrations folder: the project's top-level migrations/, installed (editable or not)
    as the package mentormatch.migrations."""
    spec = importlib.util.find_spec("mentormatch.migrations")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parent.parent / "migrations"


MIGRATIONS_DIR = _migrations_dir()
BLUEPRINTS = (
    main_bp, auth_bp, account_bp, mentee_bp, mentor_bp, coordinator_bp, profiles_bp,
    programmes_bp, health_bp, mentorships_bp, meetings_bp, choices_bp,
)  # fmt: skip


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="web/templates",
        static_folder="web/static",
    )
    configure(app, config)
    configure_logging(app)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_context(app)
    register_commands(app)
    return app


def configure(app: Flask, config: Mapping[str, Any] | None) -> None:
    settings = load_settings(config)
    app.config.update(settings)
    if not settings.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        settings["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'mentormatch.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = settings["DATABASE_URL"]
    if settings["DATABASE_URL"].startswith("sqlite"):
        # Threaded servers write concurrently: wait for the write lock instead of failing.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Readers do not block the writer (and the other way round) in WAL mode.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user_from_session)
    init_security(app)


def register_url_converters(app: Flask) -> None:
    """Before the blueprints: a rule takes its converters from the map when it is added."""
    app.url_map.converters["int"] = DatabaseIdConverter


def register_blueprints(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def register_template_context(app: Flask) -> None:
    @app.context_processor
    def _inject() -> dict[str, Any]:
        return {
            "logout_form": EmptyForm,
            "codes": codes,
            "label": codes.label,
            "completeness": completeness,
            "deadline_passed": deadline_passed,
            # Templates compare with these, never with the bare strings.
            "Role": Role,
            "RoundStatus": RoundStatus,
            "MentorshipStatus": MentorshipStatus,
            "MeetingStatus": MeetingStatus,
            "PairRuleKind": PairRuleKind,
            "PairRuleSource": PairRuleSource,
            "MembershipStatus": MembershipStatus,
            "SignupMode": SignupMode,
            # a mentee's outcomes, in words (templates/_outcomes.html)
            "kind_labels": outcome_records.KIND_LABELS,
            "outcome_summary": outcome_records.summary,
            "outcome_version": outcome_records.version,
        }

    app.add_template_filter(codes.label, "label_of")
    app.add_template_filter(codes.usce_text, "usce_text")
    app.add_template_filter(codes.plural, "plural")  # {{ n | plural('mentor') }}: 1 mentor
    app.add_template_filter(language_list_text, "language_names")
    # {{ moment | local(current_user) }}: a stored UTC time in the viewer's time zone
    app.add_template_filter(local_time, "local")
    # {{ for_viewer(moment) }}: the same for whoever is signed in (macros imported without
    # context use it; UTC for a visitor)
    app.add_template_global(_for_viewer, "for_viewer")


def _for_viewer(moment) -> str:
    viewer = current_user if current_user and current_user.is_authenticated else None
    return local_time(moment, viewer)


def register_commands(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
