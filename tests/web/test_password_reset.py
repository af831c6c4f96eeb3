"""Password reset by email, followed end to end through a real SMTP server."""

from __future__ import annotations

import statistics
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import select

from mentormatch import tasks
from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.models import OutboxMessage, OutboxStatus, User
from mentormatch.models.user import utcnow
from mentormatch.services import tokens
from tests.helpers import TEST_PASSWORD, csrf_token_from, make_user
from tests.smtp_server import SMTPSink

BASE_URL = "https://mentormatch.example.org"
NEW_PASSWORD = "a-brand-new-passphrase"
SAME_ANSWER = b"If an account exists for that address, we have sent it a link"


@pytest.fixture
def smtp():
    with SMTPSink() as sink:
        yield sink


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, **smtp.settings(), "BASE_URL": BASE_URL}


@pytest.fixture
def mentee(app):
    return make_user(app, "mentee")[1]


def ask_for_reset(client, email):
    return client.post("/auth/forgot-password", data={"email": email}, follow_redirects=True)


def set_password(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


def signed_in(client) -> bool:
    return client.get("/auth/password").status_code == 200


def token_for(app, email, issued_at=None, purpose=tokens.RESET):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return tokens.make_token(user, purpose, now=issued_at)


def test_the_login_page_offers_a_reset(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'href="/auth/forgot-password">Forgot your password?' in page


def test_a_reset_link_arrives_by_email_and_sets_a_new_password(app, client, auth, smtp, mentee):
    page = ask_for_reset(client, mentee.upper())
    assert page.status_code == 200
    assert SAME_ANSWER in page.data

    [mail] = smtp.received
    assert mail.envelope_to == [mentee]
    assert mail.subject == "Reset your MentorMatch password"
    assert "1 hour" in mail.body
    path = mail.link_path(BASE_URL)

    form = client.get(path)
    assert form.status_code == 200
    assert mentee in form.get_data(as_text=True)
    assert form.headers["Referrer-Policy"] == "no-referrer"

    response = set_password(client, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/mentee/"
    assert signed_in(client)

    auth.logout()
    assert auth.login(mentee, TEST_PASSWORD).status_code == 400
    assert auth.login(mentee, NEW_PASSWORD).status_code == 302

    again = client.get(path)
    assert again.status_code == 400
    assert b"already been used" in again.data
    assert set_password(client, path, "yet-another-password").status_code == 400
    auth.logout()
    assert auth.login(mentee, NEW_PASSWORD).status_code == 302


def test_unknown_and_deactivated_addresses_get_the_same_answer_and_no_mail(app, client, smtp):
    _, inactive = make_user(app, "mentor")
    with app.app_context():
        db.session.scalar(select(User).where(User.email == inactive)).active = False
        db.session.commit()
    for email in ("nobody@example.org", inactive):
        page = ask_for_reset(client, email)
        assert page.status_code == 200
        assert SAME_ANSWER in page.data
    assert smtp.received == []


def test_a_malformed_address_is_explained(client, smtp):
    response = client.post("/auth/forgot-password", data={"email": "not-an-address"})
    assert response.status_code == 400
    assert b"valid email address" in response.data
    assert smtp.received == []


def test_pressing_the_button_twice_sends_one_mail(client, smtp, mentee):
    ask_for_reset(client, mentee)
    ask_for_reset(client, mentee)
    assert len(smtp.received) == 1


def test_a_short_password_is_refused_and_the_link_still_works(client, auth, smtp, mentee):
    ask_for_reset(client, mentee)
    path = smtp.received[0].link_path(BASE_URL)
    response = set_password(client, path, "short")
    assert response.status_code == 400
    assert b"at least 10 characters" in response.data
    assert not signed_in(client)
    assert set_password(client, path, NEW_PASSWORD, confirm="something-else").status_code == 400
    assert set_password(client, path).status_code == 302
    assert auth.login(mentee, NEW_PASSWORD).status_code == 302


def test_a_reset_signs_out_every_other_session(app, client, auth, smtp, mentee):
    other_device = app.test_client()
    other_device.post("/auth/login", data={"email": mentee, "password": TEST_PASSWORD})
    assert signed_in(other_device)
    ask_for_reset(client, mentee)
    set_password(client, smtp.received[0].link_path(BASE_URL))
    assert signed_in(client)
    assert not signed_in(other_device)


def test_an_expired_link_is_refused_with_a_way_forward(app, client, mentee):
    path = f"/auth/reset-password/{token_for(app, mentee, utcnow() - timedelta(minutes=61))}"
    for response in (client.get(path), set_password(client, path)):
        assert response.status_code == 400
        assert b"has expired: links work for 1 hour" in response.data
        assert b'href="/auth/forgot-password"' in response.data
    assert not signed_in(client)


def test_a_link_still_works_just_before_it_expires(app, client, mentee):
    token = token_for(app, mentee, issued_at=utcnow() - timedelta(minutes=59))
    assert client.get(f"/auth/reset-password/{token}").status_code == 200


@pytest.mark.parametrize(
    "make_path",
    [
        lambda token: f"/auth/reset-password/{token[:-2]}xx",
        lambda token: "/auth/reset-password/not-a-token",
    ],
)
def test_a_damaged_link_is_refused(app, client, mentee, make_path):
    response = client.get(make_path(token_for(app, mentee)))
    assert response.status_code == 400
    assert b"not valid" in response.data


def test_an_invitation_link_is_no_reset_link(app, client, mentee):
    token = token_for(app, mentee, purpose=tokens.INVITATION)
    response = set_password(client, f"/auth/reset-password/{token}")
    assert response.status_code == 400
    assert b"not valid" in response.data


def test_a_link_from_another_secret_key_is_refused(app_config, app, client, mentee):
    other = create_app({**app_config, "SECRET_KEY": "another-key-another-key-another-key"})
    token = token_for(other, mentee)
    assert client.get(f"/auth/reset-password/{token}").status_code == 400


def test_a_deactivated_account_cannot_use_its_link(app, client, smtp, mentee):
    ask_for_reset(client, mentee)
    with app.app_context():
        db.session.scalar(select(User).where(User.email == mentee)).active = False
        db.session.commit()
    response = set_password(client, smtp.received[0].link_path(BASE_URL))
    assert response.status_code == 400
    assert b"deactivated" in response.data


def test_the_reset_forms_need_the_csrf_token(app_config, smtp):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    _, email = make_user(app, "mentee")
    client = app.test_client()
    assert client.post("/auth/forgot-password", data={"email": email}).status_code == 400
    assert smtp.received == []
    page = client.get("/auth/forgot-password").get_data(as_text=True)
    client.post(
        "/auth/forgot-password", data={"email": email, "csrf_token": csrf_token_from(page)}
    )
    path = smtp.received[0].link_path(BASE_URL)
    assert set_password(client, path).status_code == 400
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    response = client.post(
        path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


# --- the answer takes as long whether or not an account has the address ----------------------

BARRIER, HOLD = "tests.password_reset.barrier", "tests.password_reset.hold"


def run_in_background(app, name: str, function) -> None:
    tasks.TASKS[name] = tasks.Task(name, function, tasks.MAIL_QUEUE, timeout=30)
    with app.app_context():
        tasks.enqueue(name)


def wait_for_background_work(app) -> None:
    """Until the background thread has run everything queued so far: a marker task queued
    behind it, twice (a reset link queues its delivery when it commits)."""
    for _ in range(2):
        done = threading.Event()
        run_in_background(app, BARRIER, done.set)
        assert done.wait(30), "the background thread did not get to the marker"


@contextmanager
def background_thread_busy(app):
    """The background thread kept busy while the block runs, as a worker process elsewhere
    would be: what the block times is the request's own work, not the work it handed over."""
    wait_for_background_work(app)
    started, release = threading.Event(), threading.Event()
    run_in_background(app, HOLD, lambda: started.set() or release.wait(30))
    assert started.wait(30)
    try:
        yield
    finally:
        release.set()


@pytest.fixture
def timing_app(app_config):
    """As a server runs: background work in a thread, and every request for the account
    mailing a link (no limit, no minimum interval)."""
    app = create_app(
        {
            **app_config,
            "TASK_EXECUTOR": "thread",
            "MAIL_BACKEND": "log",  # no mail server thread in this process to compete with
            "LOG_LEVEL": "ERROR",  # nor a log line per request, nor the mail written to it
            "RATELIMIT_ENABLED": False,
            "PASSWORD_RESET_MIN_INTERVAL": 0,
        }
    )
    yield app
    wait_for_background_work(app)
    for name in (BARRIER, HOLD):
        tasks.TASKS.pop(name, None)


def test_an_existing_account_is_answered_in_the_same_time_as_an_unknown_address(timing_app):
    """Someone timing the answers must not learn who has an account. 20 requests each,
    alternating: the typical answer for an existing account and for an unknown address may
    differ by noise, a small part of the answer, not by the work of writing a mail."""
    _, email = make_user(timing_app, "mentee")
    client = timing_app.test_client()

    def answer_time(address: str) -> float:
        with background_thread_busy(timing_app):
            started = time.perf_counter()
            response = client.post("/auth/forgot-password", data={"email": address})
            elapsed = time.perf_counter() - started
        assert response.status_code == 302
        return elapsed

    for number in range(3):  # warm up: templates compiled, connections open
        answer_time(email), answer_time(f"warm-up-{number}@example.org")
    known, unknown = [], []
    for number in range(20):  # alternately first, so neither comes after the other's work
        if number % 2:
            known.append(answer_time(email))
        unknown.append(answer_time(f"nobody-{number}@example.org"))
        if not number % 2:
            known.append(answer_time(email))
    wait_for_background_work(timing_app)
    with timing_app.app_context():  # the existing account really was mailed every time
        sent = db.session.scalars(
            select(OutboxMessage.status).where(OutboxMessage.to_address == email)
        )
        assert list(sent) == [OutboxStatus.SENT] * 23

    known_time, unknown_time = typical(known), typical(unknown)
    slower = max(known_time, unknown_time)
    assert abs(known_time - unknown_time) < 0.25 * slower, (known_time, unknown_time)


def typical(durations: list[float]) -> float:
    """The median of the faster half: the request's own time. On a shared machine the other
    processes stretch a random part of the requests, of either kind, by far more."""
    return statistics.median(sorted(durations)[: len(durations) // 2])
