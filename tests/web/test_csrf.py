"""CSRF protection, with Flask-WTF's check switched on as in production."""

import pytest

from mentormatch.app import create_app
from tests.helpers import TEST_PASSWORD, csrf_token_from, make_user


@pytest.fixture
def csrf_app(app_config):
    return create_app({**app_config, "WTF_CSRF_ENABLED": True})


def test_a_form_post_without_the_token_is_refused(csrf_app):
    _, email = make_user(csrf_app, "mentee")
    client = csrf_app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert b"security token" in response.data
    assert client.get("/mentee/").status_code == 302  # not signed in


def test_a_form_post_with_the_token_works_and_logout_needs_it_too(csrf_app):
    _, email = make_user(csrf_app, "mentee")
    client = csrf_app.test_client()
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    response = client.post(
        "/auth/login", data={"email": email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    home = client.get("/mentee/")
    assert home.status_code == 200

    assert client.post("/auth/logout").status_code == 400  # no token: still signed in
    assert client.get("/mentee/").status_code == 200
    token = csrf_token_from(home.get_data(as_text=True))
    client.post("/auth/logout", data={"csrf_token": token})
    assert client.get("/mentee/").status_code == 302
