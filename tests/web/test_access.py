"""Every blueprint guards itself; redirects after login never leave the site."""

import pytest

HOMES = {"mentee": "/mentee/", "mentor": "/mentor/", "coordinator": "/coordinator/"}
GUARDED_PAGES = {
    "/mentee/": "mentee",
    "/mentor/": "mentor",
    "/coordinator/": "coordinator",
    "/coordinator/coordinators": "coordinator",
}


@pytest.mark.parametrize("role", list(HOMES))
@pytest.mark.parametrize(("page", "owner"), list(GUARDED_PAGES.items()))
def test_each_role_sees_only_its_own_pages(client, auth, role, page, owner):
    auth.login_as(role)
    response = client.get(page)
    assert response.status_code == (200 if role == owner else 403)
    if role != owner:
        assert b"Not allowed" in response.data


@pytest.mark.parametrize("page", list(GUARDED_PAGES))
def test_anonymous_visitors_are_sent_to_log_in_and_brought_back(client, auth, page):
    response = client.get(page)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
    owner = GUARDED_PAGES[page]
    email = auth.create(owner)
    response = auth.login(email, next_url=page)
    assert response.headers["Location"] == page


def test_a_coordinator_post_is_refused_to_a_mentee(client, auth, app):
    auth.login_as("mentee")
    response = client.post(
        "/coordinator/coordinators",
        data={"full_name": "Eve", "email": "eve@example.org", "password": "long-enough-pw"},
    )
    assert response.status_code == 403
    with app.app_context():
        from mentormatch.services.accounts import find_by_email

        assert find_by_email("eve@example.org") is None


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/",
        "//evil.example.com/",
        "/\\evil.example.com",
        "\\\\evil.example.com",
        "javascript:alert(1)",
        "http:/evil.example.com",
        "/%0d%0aLocation:%20https://evil.example.com",
    ],
)
def test_login_never_redirects_off_site(client, auth, target):
    email = auth.create("mentee")
    response = auth.login(email, next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/mentee/"


def test_signed_in_visitors_go_from_the_landing_page_to_their_home(client, auth):
    auth.login_as("coordinator")
    assert client.get("/").headers["Location"] == "/coordinator/"
