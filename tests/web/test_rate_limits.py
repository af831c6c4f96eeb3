"""Rate limits on signing in, password reset requests and registration: per account and per
address, a clear page saying when to try again, and nothing that tells accounts apart."""

from __future__ import annotations

import hashlib
import os
import time

import pytest

from mentormatch.app import create_app
from mentormatch.extensions import db, limiter
from tests.helpers import TEST_PASSWORD, make_user

WRONG = "not-the-password"
INCORRECT = b"Email or password is incorrect."
OTHER_ADDRESS = {"REMOTE_ADDR": "203.0.113.7"}


@pytest.fixture
def app_config(app_config):
    # Switched on explicitly, whatever the testing configuration says.
    return {**app_config, "RATELIMIT_ENABLED": True}


def log_in(client, email, password=WRONG, **kwargs):
    return client.post("/auth/login", data={"email": email, "password": password}, **kwargs)


def test_five_failed_logins_pause_the_account_with_a_page_saying_when(client, auth):
    email = auth.create("mentee")
    for _ in range(5):
        response = log_in(client, email)
        assert response.status_code == 400 and INCORRECT in response.data
    paused = log_in(client, email, TEST_PASSWORD)  # even the right password waits now
    assert paused.status_code == 429
    page = paused.get_data(as_text=True)
    assert "Too many attempts" in page and "Try again in 15 minutes" in page
    assert "MentorMatch" in page and 'class="site-header"' in page  # the site's look
    assert 890 <= int(paused.headers["Retry-After"]) <= 901
    assert "Content-Security-Policy" in paused.headers
    assert client.get("/mentee/").status_code == 302  # not signed in
    # the page to sign in still shows; only submitting it waits
    assert client.get("/auth/login").status_code == 200


def test_the_pause_is_per_account(client, auth):
    locked, other = auth.create("mentee"), auth.create("mentor")
    for _ in range(6):
        log_in(client, locked)
    assert log_in(client, locked, TEST_PASSWORD).status_code == 429
    assert log_in(client, other, TEST_PASSWORD).status_code == 302


def test_case_and_spaces_in_the_address_do_not_buy_more_attempts(client, auth):
    email = auth.create("mentee")
    variants = [email, email.upper(), f"  {email} ", email.title(), email]
    for variant in variants:
        assert log_in(client, variant).status_code == 400
    assert log_in(client, email.capitalize()).status_code == 429


def test_an_unknown_address_is_paused_exactly_like_a_real_account(client, auth):
    """The limiter must not become a way to find out who has an account."""
    real, unknown = auth.create("mentee"), "nobody-here@example.org"
    answers = {}
    for email in (real, unknown):
        responses = [log_in(client, email) for _ in range(6)]
        answers[email] = [(r.status_code, INCORRECT in r.data) for r in responses]
    assert answers[real] == answers[unknown] == [(400, True)] * 5 + [(429, False)]


def test_successful_sign_ins_are_never_counted(client, auth):
    email = auth.create("mentee")
    for _ in range(25):
        assert log_in(client, email, TEST_PASSWORD).status_code == 302
        auth.logout()
    # a few typos after all that still get the normal answer
    assert log_in(client, email).status_code == 400


def test_guesses_at_the_current_password_are_limited_too(client, auth):
    auth.login_as("mentee")
    change = {"current_password": WRONG, "new_password": "x" * 12, "confirm": "x" * 12}
    statuses = [client.post("/auth/password", data=change).status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]
    assert client.get("/mentee/").status_code == 200  # still signed in, just waiting


def test_one_address_trying_many_accounts_is_paused_and_others_are_not(client, auth):
    email = auth.create("mentee")
    for number in range(20):
        assert log_in(client, f"guess{number}@example.org").status_code == 400
    assert log_in(client, "guess-more@example.org").status_code == 429
    assert log_in(client, email, TEST_PASSWORD).status_code == 429
    assert log_in(client, email, TEST_PASSWORD, environ_base=OTHER_ADDRESS).status_code == 302


def test_the_limits_are_settings_and_lift_when_the_window_has_passed(app_config):
    app = create_app({**app_config, "LOGIN_LIMIT_PER_EMAIL": "2 per 1 second"})
    client = app.test_client()
    assert [log_in(client, "x@example.org").status_code for _ in range(3)] == [400, 400, 429]
    time.sleep(1.1)
    assert log_in(client, "x@example.org").status_code == 400


def test_limits_can_be_switched_off(app_config):
    client = create_app({**app_config, "RATELIMIT_ENABLED": False}).test_client()
    assert {log_in(client, "x@example.org").status_code for _ in range(8)} == {400}


def test_password_reset_requests_are_limited_per_address_asked_about(client, auth):
    email = auth.create("mentee")
    for _ in range(5):
        response = client.post("/auth/forgot-password", data={"email": email})
        assert response.status_code == 302
    paused = client.post("/auth/forgot-password", data={"email": email.upper()})
    assert paused.status_code == 429
    assert b"Try again in 60 minutes" in paused.data
    other = client.post("/auth/forgot-password", data={"email": "someone@example.org"})
    assert other.status_code == 302


def full_width(text: str) -> str:
    """'example.org' as 'ｅｘａｍｐｌｅ．ｏｒｇ': the same address to the accounts, other bytes."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def test_full_width_and_other_spellings_of_one_address_share_its_reset_limit(app, client):
    """A full-width or mixed-case domain reaches the same account (and mails it), so it must
    count; full-width letters before the @ count with it too."""
    make_user(app, "mentee", email="ana@example.org")
    spellings = [
        "ana@" + full_width("example.org"),
        "ana@" + full_width("EXAMPLE.ORG"),
        full_width("ana") + "@example.org",
        "ANA@ExAmPlE.oRg",
        full_width("ANA") + "@" + full_width("example") + ".org",
    ]
    for spelling in spellings:
        assert client.post("/auth/forgot-password", data={"email": spelling}).status_code == 302
    paused = client.post("/auth/forgot-password", data={"email": "ana@example.org"})
    assert paused.status_code == 429


def test_an_international_domain_counts_once_in_unicode_and_in_punycode(app, client):
    make_user(app, "mentor", email="jan@bücher.de")
    spellings = ["jan@bücher.de", "jan@xn--bcher-kva.de", "JAN@BÜCHER.DE"] * 2
    statuses = [
        client.post("/auth/forgot-password", data={"email": spelling}).status_code
        for spelling in spellings
    ]
    assert statuses == [302] * 5 + [429]


def test_full_width_spellings_share_the_failed_login_limit(client, auth):
    email = auth.create("mentee", email="omar@example.org")
    spellings = [email, "omar@" + full_width("example.org"), full_width(email)]
    for spelling in spellings + spellings[:2]:
        assert log_in(client, spelling).status_code == 400
    assert log_in(client, email, TEST_PASSWORD).status_code == 429


def test_password_reset_requests_are_limited_per_client_address(client):
    for number in range(20):
        response = client.post("/auth/forgot-password", data={"email": f"p{number}@example.org"})
        assert response.status_code == 302
    assert client.post("/auth/forgot-password", data={"email": "q@example.org"}).status_code == 429


def test_registration_is_limited_per_client_address(app, client):
    def register(number, **kwargs):
        data = {
            "full_name": f"Person {number}",
            "email": f"person{number}@example.org",
            "password": "long-enough-password",
            "confirm": "long-enough-password",
            "role": "mentee",
        }
        response = client.post("/auth/register", data=data, **kwargs)
        client.post("/auth/logout")
        return response.status_code

    assert [register(number) for number in range(20)] == [302] * 20
    assert register(20) == 429
    assert register(21, environ_base=OTHER_ADDRESS) == 302
    with app.app_context():
        from mentormatch.models import User

        assert db.session.query(User).count() == 21


@pytest.fixture
def redis_url():
    url = os.environ.get("MENTORMATCH_TEST_REDIS_URL")
    if not url:
        pytest.skip("MENTORMATCH_TEST_REDIS_URL is not set (CI starts a Redis server)")
    return url


def test_with_redis_configured_the_counts_live_in_redis(app_config, redis_url):
    """Every gunicorn worker then shares the counts (memory would give each its own)."""
    import redis

    app = create_app({**app_config, "REDIS_URL": redis_url})
    client = app.test_client()
    email = f"redis-{os.urandom(4).hex()}@example.org"
    for _ in range(5):
        assert log_in(client, email).status_code == 400
    assert log_in(client, email).status_code == 429
    digest = hashlib.sha256(email.encode()).hexdigest()
    keys = redis.Redis.from_url(redis_url).keys(f"*{digest}*")
    assert keys, "no rate-limit key for this address in Redis"
    assert type(limiter.storage).__name__.lower().startswith("redis")
