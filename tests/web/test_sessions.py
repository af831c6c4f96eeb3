"""Sessions: a new one on signing in (no fixation), and a copied cookie stops working once the
password changes (logout everywhere)."""

from __future__ import annotations

from tests.helpers import TEST_PASSWORD

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
