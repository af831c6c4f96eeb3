"""Sessions: a new one on signing in (no fixation), held on the server, so that a copied cookie
stops working once its session ends: at sign-out, after a password change, deactivation or
deletion, and after 12 idle hours or 14 days in all."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import func, select

from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.models import LoginSession, User
from mentormatch.models.times import as_utc
from tests.helpers import TEST_PASSWORD, make_user

NEW_PASSWORD = "a-new-long-password"


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_signing_in_starts_a_new_session(client, auth):
    email = auth.create("mentee")
    with client.session_transaction() as session:  # planted before signing in
        session["planted"] = "by someone else"
    before = session_cookie(client)
    assert auth.login(email).status_code == 302
    assert session_cookie(client) != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")


def test_a_cookie_from_before_signing_in_never_signs_anyone_in(app, client, auth):
    email = auth.create("mentee")
    client.get("/auth/login")
    with client.session_transaction() as session:
        session["planted"] = "fixed"
    planted = session_cookie(client)
    assert auth.login(email).status_code == 302

    attacker = app.test_client()
    attacker.set_cookie("session", planted)
    assert attacker.get("/mentee/").status_code == 302  # still sent to sign in


def test_a_copied_cookie_stops_working_when_the_password_changes(app, client, auth):
    email = auth.create("mentee")
    assert auth.login(email).status_code == 302
    stolen = app.test_client()
    stolen.set_cookie("session", session_cookie(client))
    assert stolen.get("/mentee/").status_code == 200  # a copy works until then

    response = client.post(
        "/auth/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.get("/mentee/").status_code == 200
    assert stolen.get("/mentee/").status_code == 302


# --- sessions held on the server --------------------------------------------------------------


def signed_in_copy(app, client):
    """Another browser holding a copy of ``client``'s login cookie (as a thief would)."""
    copy = app.test_client()
    copy.set_cookie("session", session_cookie(client))
    return copy


def session_key(client) -> str:
    with client.session_transaction() as session:
        return session["_user_id"]


def login_sessions(app) -> list:
    with app.app_context():
        return db.session.execute(
            select(LoginSession.user_id, LoginSession.key_hash, LoginSession.created_at,
                   LoginSession.last_seen_at, LoginSession.expires_at).order_by(LoginSession.id)
        ).all()  # fmt: skip


def age_sessions(app, **columns: timedelta) -> None:
    """Move every session's times back, as if that much time had passed."""
    with app.app_context():
        for row in db.session.scalars(db.select(LoginSession)):
            for column, ago in columns.items():
                setattr(row, column, as_utc(getattr(row, column)) - ago)
        db.session.commit()


def test_a_copied_cookie_stops_working_after_signing_out(app, client, auth):
    auth.login_as("mentee")
    stolen = signed_in_copy(app, client)
    assert stolen.get("/mentee/").status_code == 200
    assert stolen.get("/account/export.json").status_code == 200

    assert auth.logout().status_code == 302
    assert stolen.get("/mentee/").status_code == 302
    assert stolen.get("/account/export.json").headers["Location"].startswith("/auth/login")
    refused = stolen.post("/account/delete", data={"confirmation": TEST_PASSWORD})
    assert refused.headers["Location"].startswith("/auth/login")
    with app.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(User)) == 1
    assert login_sessions(app) == []  # ended on the server, not only in this browser


def test_signing_out_ends_only_that_session(app, auth):
    email = auth.create("mentor")
    phone, laptop = app.test_client(), app.test_client()
    for browser in (phone, laptop):
        assert browser.post("/auth/login", data={"email": email, "password": TEST_PASSWORD}
                            ).status_code == 302  # fmt: skip
    assert len(login_sessions(app)) == 2
    phone.post("/auth/logout")
    assert phone.get("/mentor/").status_code == 302
    assert laptop.get("/mentor/").status_code == 200


def test_a_remember_cookie_for_an_ended_session_signs_nobody_in(app, client, auth):
    """Flask-Login's remember cookie is never set, but one made for the session must die with
    the session all the same."""
    auth.login_as("mentee")
    with app.test_request_context():
        remember = encode_cookie(session_key(client))
    returning = app.test_client()
    returning.set_cookie("remember_token", remember)
    assert returning.get("/mentee/").status_code == 200  # honoured while the session lives

    logout = auth.logout()
    assert "remember_token=;" in " ".join(logout.headers.getlist("Set-Cookie"))
    later = app.test_client()
    later.set_cookie("remember_token", remember)
    assert later.get("/mentee/").status_code == 302


def test_the_cookie_holds_a_random_key_and_the_database_only_its_hash(app, client, auth):
    email = auth.create("mentee")
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == email))
    auth.login(email)
    key = session_key(client)
    assert not key.startswith(f"{user_id}:") and len(key) >= 40  # nothing but the random key
    [row] = login_sessions(app)
    assert row.user_id == user_id
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest() and key not in row
    created, ends = as_utc(row.created_at), as_utc(row.expires_at)
    assert ends - created == timedelta(days=14)


def test_a_session_idle_for_twelve_hours_has_ended(app, client, auth):
    auth.login_as("mentee")
    stolen = signed_in_copy(app, client)
    age_sessions(app, last_seen_at=timedelta(hours=11, minutes=59))
    assert stolen.get("/mentee/").status_code == 200  # and that counts as being seen
    age_sessions(app, last_seen_at=timedelta(hours=11, minutes=59))
    assert client.get("/mentee/").status_code == 200

    age_sessions(app, last_seen_at=timedelta(hours=12, seconds=1))
    assert stolen.get("/mentee/").status_code == 302
    assert client.get("/mentee/").status_code == 302
    assert login_sessions(app) == []  # cleared out when found expired


def test_a_session_ends_fourteen_days_after_signing_in_however_busy(app, client, auth):
    auth.login_as("mentee")
    stolen = signed_in_copy(app, client)
    age_sessions(app, created_at=timedelta(days=13, hours=23),
                 expires_at=timedelta(days=13, hours=23))  # fmt: skip
    assert client.get("/mentee/").status_code == 200  # used a moment ago, one hour to go
    age_sessions(app, created_at=timedelta(hours=2), expires_at=timedelta(hours=2))
    assert stolen.get("/mentee/").status_code == 302
    assert client.get("/mentee/").status_code == 302


def test_the_lifetimes_are_settings(app_config, auth):
    app = create_app({**app_config, "SESSION_IDLE_SECONDS": 60, "SESSION_MAX_SECONDS": 3600})
    client = app.test_client()
    email = make_user(app, "mentee")[1]
    client.post("/auth/login", data={"email": email, "password": TEST_PASSWORD})
    [row] = login_sessions(app)
    assert as_utc(row.expires_at) - as_utc(row.created_at) == timedelta(hours=1)
    age_sessions(app, last_seen_at=timedelta(seconds=61))
    assert client.get("/mentee/").status_code == 302
    with app.app_context():
        db.engine.dispose()


def test_signing_in_clears_out_everyones_expired_sessions(app, auth):
    first, second = auth.create("mentee"), auth.create("mentor")
    app.test_client().post("/auth/login", data={"email": first, "password": TEST_PASSWORD})
    age_sessions(app, last_seen_at=timedelta(days=1))
    app.test_client().post("/auth/login", data={"email": second, "password": TEST_PASSWORD})
    assert len(login_sessions(app)) == 1


def test_deactivation_ends_every_session_of_the_account(app, client, auth):
    auth.login_as("mentor")
    stolen = signed_in_copy(app, client)
    with app.app_context():
        mentor_id = db.session.scalar(db.select(User.id).where(User.role == "mentor"))
    coordinator = app.test_client()
    coordinator_email = make_user(app, "coordinator")[1]
    coordinator.post("/auth/login", data={"email": coordinator_email, "password": TEST_PASSWORD})
    done = coordinator.post(
        f"/coordinator/users/{mentor_id}/active", data={"active": "no", "confirm": "yes"}
    )
    assert done.status_code == 302
    assert client.get("/mentor/").status_code == 302
    assert stolen.get("/mentor/").status_code == 302
    # reactivated, the old cookies stay dead: only signing in again works
    coordinator.post(f"/coordinator/users/{mentor_id}/active", data={"active": "yes"})
    assert stolen.get("/mentor/").status_code == 302
    assert client.get("/mentor/").status_code == 302
    assert mentor_id not in [row.user_id for row in login_sessions(app)]


def test_a_password_change_ends_the_other_sessions_on_the_server(app, client, auth):
    auth.login_as("mentee")
    other_device = signed_in_copy(app, client)
    before = session_key(client)
    change = {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
              "confirm": NEW_PASSWORD}  # fmt: skip
    assert client.post("/auth/password", data=change).status_code == 302
    assert session_key(client) != before  # this browser gets a new session
    assert len(login_sessions(app)) == 1
    assert other_device.get("/mentee/").status_code == 302
    assert client.get("/mentee/").status_code == 200


# --- what browsers and proxies may keep -----------------------------------------------------


@pytest.mark.parametrize(
    ("role", "paths"),
    [
        ("mentee", ["/mentee/", "/mentee/profile", "/account/", "/auth/password", "/"]),
        ("mentor", ["/mentor/", "/mentor/profile", "/account/export.json"]),
        ("coordinator", ["/coordinator/", "/coordinator/mentees", "/coordinator/audit/"]),
    ],
)
def test_nothing_shown_to_a_signed_in_person_is_stored_by_caches(client, auth, role, paths):
    auth.login_as(role)
    for path in [*paths, "/people/999999", "/no-such-page"]:  # error pages too
        response = client.get(path)
        assert response.headers.get("Cache-Control") == "no-store", (path, response.status)


def test_sign_in_pages_are_not_stored_and_the_stylesheet_is_cacheable(client, auth):
    for path in ("/auth/login", "/auth/register", "/auth/forgot-password"):
        assert client.get(path).headers.get("Cache-Control") == "no-store", path
    signed_in = auth.login(auth.create("mentee"))
    assert signed_in.headers.get("Cache-Control") == "no-store"
    assert "no-store" not in client.get("/static/style.css").headers.get("Cache-Control", "")
