"""The health endpoint and request-id logging."""

import json
import logging

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
