"""The health endpoint and request-id logging."""

import json
import logging
import threading
import urllib.error
import urllib.request

import pytest
from flask import request
from werkzeug.serving import make_server

from mentormatch import logs
from mentormatch.app import create_app


def test_health_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_health_fails_when_the_database_is_unreachable(tmp_path):
    app = create_app(
        {"ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}"}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["database"].startswith("error")


def test_health_fails_when_redis_is_unreachable(app_config):
    app = create_app({**app_config, "REDIS_URL": "redis://127.0.0.1:1/0"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["redis"].startswith("error")


def test_every_response_carries_a_request_id_and_a_log_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="mentormatch.access"):
        response = client.get("/auth/login")
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    lines = [r for r in caplog.records if r.name == "mentormatch.access"]
    assert lines and lines[-1].request_id == request_id
    assert lines[-1].status == 200 and lines[-1].path == "/auth/login"


def test_a_proxy_request_id_is_kept_and_a_hostile_one_replaced(client):
    kept = client.get("/", headers={"X-Request-ID": "edge-1234abcd"})
    assert kept.headers["X-Request-ID"] == "edge-1234abcd"
    replaced = client.get("/", headers={"X-Request-ID": "bad id <script>"})
    assert replaced.headers["X-Request-ID"] != "bad id <script>"
    assert len(replaced.headers["X-Request-ID"]) == 32


def test_json_log_lines_in_production_format(app_config, capsys):
    app = create_app({**app_config, "LOG_FORMAT": "json"})
    app.test_client().get("/auth/login", headers={"X-Request-ID": "trace-0000000042"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    access = [line for line in lines if line["logger"] == "mentormatch.access"]
    assert access[-1]["request_id"] == "trace-0000000042"
    assert access[-1]["status"] == 200 and access[-1]["method"] == "GET"
    assert "duration_ms" in access[-1]


# --- what a visitor sends cannot forge a log line or leak a token into it -------------------

FORGED = "2026-01-01 00:00:00,000 INFO [abcdef0123] mentormatch.access: GET /admin 200"
TOKEN = "eyJ1c2VyIjoxLCJzdGF0ZSI6IjdhZGRlNmFj.aw5CJQ.s8wY1qH002c2WainiJGUIimVJhc"


def logging_app(app_config, log_format="text"):
    app = create_app({**app_config, "LOG_FORMAT": log_format, "PROPAGATE_EXCEPTIONS": False})

    @app.before_request
    def _fail_on_purpose():
        if request.path.startswith("/fail"):
            raise RuntimeError("a server error, on purpose")

    return app


def logged_lines(capsys) -> list[str]:
    return capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("line_break", ["%0D%0A", "%0A", "%0D", "%E2%80%A8", "%C2%85"])
def test_a_line_break_in_the_address_cannot_start_a_log_line(app_config, capsys, line_break):
    client = logging_app(app_config).test_client()
    client.get(f"/nowhere{line_break}{FORGED}")
    client.get(f"/fail/here{line_break}{FORGED}")  # Flask's "Exception on <path>" line too
    lines = logged_lines(capsys)
    assert not [line for line in lines if line.startswith(FORGED)]
    access = [line for line in lines if "mentormatch.access: GET /nowhere" in line]
    assert len(access) == 1 and access[0].endswith(f"{FORGED} 404")
    error = [line for line in lines if "Exception on /fail/here" in line]
    assert len(error) == 1 and FORGED in error[0]
    # every other line of the record (its traceback) is indented under it
    records = [line for line in lines if line[:4].isdigit()]
    assert all(line in records or line.startswith("    ") for line in lines), lines


def test_control_characters_are_escaped_in_every_access_field(app_config, capsys):
    client = logging_app(app_config).test_client()
    client.get("/a%0D%0Ab%1B[31mred%E2%80%AEevil?q=%0D%0A&raw=\x1b[0m")
    [access] = [line for line in logged_lines(capsys) if "mentormatch.access" in line]
    assert "GET /a\\r\\nb\\x1b[31mred\\u202eevil?q=%0D%0A&raw=\\x1b[0m 404" in access
    assert not any(ch in access for ch in "\r\x1b\u202e")


def test_json_lines_stay_one_object_per_line_whatever_the_address(app_config, capsys):
    client = logging_app(app_config, "json").test_client()
    client.get(f"/x%0D%0A{FORGED}%E2%80%A8%C2%85%E2%80%AE")
    entries = [json.loads(line) for line in logged_lines(capsys)]  # splitlines: U+2028 too
    [access] = [entry for entry in entries if entry["logger"] == "mentormatch.access"]
    assert access["path"] == f"/x\\r\\n{FORGED}\\u2028\\x85\\u202e"
    assert access["status"] == 404


def test_reset_and_invitation_tokens_are_redacted_in_the_access_log(app_config, capsys):
    client = logging_app(app_config).test_client()
    client.get(f"/auth/reset-password/{TOKEN}")
    client.get(f"/auth/invitation/{TOKEN}?from=mail")
    client.get(f"/auth/login?next=%2Fauth%2Freset-password%2F{TOKEN}&x=1")
    client.get(f"/auth/login?next=/auth/invitation/{TOKEN}")
    output = "\n".join(logged_lines(capsys))
    assert TOKEN not in output and TOKEN[:12] not in output
    assert "GET /auth/reset-password/[redacted] 400" in output
    assert "GET /auth/invitation/[redacted]?from=mail 400" in output
    assert "GET /auth/login?next=%2Fauth%2Freset-password%2F[redacted]&x=1 200" in output
    assert "GET /auth/login?next=/auth/invitation/[redacted] 200" in output


def test_json_access_fields_carry_no_token(app_config, capsys):
    client = logging_app(app_config, "json").test_client()
    client.get(f"/auth/invitation/{TOKEN}?next=%2Fauth%2Freset-password%2F{TOKEN}")
    [access] = [
        entry
        for entry in map(json.loads, logged_lines(capsys))
        if entry["logger"] == "mentormatch.access"
    ]
    assert access["path"] == "/auth/invitation/[redacted]"
    assert access["query"] == "next=%2Fauth%2Freset-password%2F[redacted]"
    assert TOKEN not in json.dumps(access)


def test_the_development_server_log_carries_no_token(app_config, capsys):
    """`mentormatch run` prints werkzeug's own line per request, with the address."""
    app = logging_app(app_config)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    try:
        with pytest.raises(urllib.error.HTTPError):  # 400: the token is not a valid one
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}/auth/reset-password/{TOKEN}")
    finally:
        thread.join(10)
        server.server_close()
    output = "\n".join(logged_lines(capsys))
    assert "GET /auth/reset-password/[redacted] HTTP/1.1" in output  # werkzeug's line
    assert TOKEN not in output


def test_every_route_with_a_token_is_redacted(app):
    """A new emailed link with a token in its address must be added to logs.TOKEN_ROUTES."""
    token_routes = {
        rule.rule.split("<token>")[0]
        for rule in app.url_map.iter_rules()
        if "token" in rule.arguments
    }
    assert token_routes and token_routes <= set(logs.TOKEN_ROUTES)
