"""Security headers on every response, cookie flags, and a strict Content-Security-Policy that
the real pages obey in a real browser (headless chromium against a running server)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.cookies import SimpleCookie

import pytest
from werkzeug.serving import make_server

from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.web.security import CONTENT_SECURITY_POLICY
from tests.helpers import TEST_PASSWORD, add_mentee, add_mentor, make_user

# Production, with what the tests need: no CSRF tokens to read, cheap password hashes, and
# rate limits counted in this one process.
PRODUCTION = {
    "ENV": "production",
    "SECRET_KEY": "p" * 48,
    "RATELIMIT_STORAGE_URI": "memory://",
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_COST": "test",
}

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def assert_hardened(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_the_policy_allows_no_inline_code_and_no_framing():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/", 200),
        ("get", "/auth/login", 200),
        ("post", "/auth/login", 400),  # a form with errors
        ("get", "/mentee/", 302),  # sent to sign in
        ("get", "/no/such/page", 404),
        ("post", "/", 405),
        ("get", "/static/style.css", 200),
        ("get", "/static/rounds.js", 200),
    ],
)
def test_every_kind_of_response_carries_the_headers(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert_hardened(response)
    assert "Strict-Transport-Security" not in response.headers  # plain http in tests


def test_a_server_error_page_carries_the_headers_too(app_config):
    app = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False})

    @app.route("/boom")
    def boom():
        raise RuntimeError("a bug")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert b"Something went wrong" in response.data
    assert_hardened(response)


def test_pages_with_a_token_in_their_address_keep_no_referrer(client):
    response = client.get("/auth/reset-password/not-a-real-token")
    assert response.status_code == 400
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_hsts_is_sent_over_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_sends_hsts_even_behind_a_plain_http_hop(app_config):
    app = create_app({**app_config, **PRODUCTION})
    assert "max-age=" in app.test_client().get("/").headers["Strict-Transport-Security"]


def test_a_trusted_proxy_tells_the_app_that_the_visitor_used_https(app_config):
    app = create_app({**app_config, "TRUSTED_PROXIES": 1})
    client = app.test_client()
    forwarded = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in forwarded.headers
    # without a trusted proxy configured, the header is ignored: anyone could send it
    plain = create_app(app_config).test_client()
    assert (
        "Strict-Transport-Security"
        not in plain.get("/", headers={"X-Forwarded-Proto": "https"}).headers
    )


def session_cookie(app) -> dict:
    """The attributes of the session cookie set when someone signs in."""
    _, email = make_user(app, "mentee")
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    header = next(
        value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")
    )
    morsel = SimpleCookie(header)["session"]
    return {
        "httponly": bool(morsel["httponly"]),
        "secure": bool(morsel["secure"]),
        "samesite": morsel["samesite"],
    }


def test_the_session_cookie_is_http_only_and_same_site_lax(app):
    assert session_cookie(app) == {"httponly": True, "secure": False, "samesite": "Lax"}


@pytest.mark.parametrize(
    "settings",
    [
        PRODUCTION,
        {"PREFERRED_URL_SCHEME": "https"},
    ],
    ids=["production", "https"],
)
def test_the_session_cookie_is_secure_in_production_and_over_https(app_config, settings):
    app = create_app({**app_config, **settings})
    assert session_cookie(app) == {"httponly": True, "secure": True, "samesite": "Lax"}


def test_a_weaker_same_site_setting_is_not_accepted(app_config):
    app = create_app({**app_config, "SESSION_COOKIE_SAMESITE": "None"})
    assert session_cookie(app)["samesite"] == "Lax"


# --- the pages in a real browser --------------------------------------------------------------

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Recorded in the page itself too, in case a violation never reaches the console.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@contextmanager
def running_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def live_app(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    yield app
    with app.app_context():
        db.engine.dispose()


def in_a_browser(work, timeout: float = 120):
    """Run ``work(chromium)`` in a thread of its own: Playwright's sync API refuses to start
    in a thread whose event loop is busy (the end-to-end tests keep one for the session)."""
    sync_api = pytest.importorskip("playwright.sync_api")

    def run():
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=BROWSER_ARGS
            )
            try:
                work(chromium)
            finally:
                chromium.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result(timeout=timeout)


class Visitor:
    """One browser context that remembers every console message and CSP violation."""

    def __init__(self, browser, base_url: str) -> None:
        self.context = browser.new_context(base_url=base_url)
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.console: list[str] = []
        self.violations: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))

    def visit(self, path: str) -> None:
        response = self.page.goto(path, wait_until="load")
        assert response is not None and response.status == 200, (path, response.status)
        self._collect(path)

    def sign_in(self, email: str) -> None:
        self.visit("/auth/login")
        self.page.fill("input[name=email]", email)
        self.page.fill("input[name=password]", TEST_PASSWORD)
        with self.page.expect_navigation(wait_until="load"):
            self.page.click("form button[type=submit], form input[type=submit]")
        assert "/auth/login" not in self.page.url, self.page.url
        self._collect("after signing in")

    def _collect(self, where: str) -> None:
        found = self.page.evaluate("window.__cspViolations.splice(0)")
        self.violations.extend(f"{where}: {violation}" for violation in found)

    def csp_messages(self) -> list[str]:
        return [text for text in self.console if "Content Security Policy" in text]

    def close(self) -> None:
        self.context.close()


def _people_and_a_round(app) -> dict[str, str]:
    from tests.proposal_helpers import run_round

    with app.app_context():
        add_mentee("ana", country="IN")
        add_mentee("ben", specialty="pediatrics", regions=("TX",), country="NG")
        add_mentee("cho", specialty="psychiatry", regions=("CA",), country="PH")
        add_mentor("dr_im")
        add_mentor("dr_peds", specialty="pediatrics", state="TX")
        db.session.commit()
    round_id = run_round(app, "Spring")
    return {
        "mentee": make_user(app, "mentee")[1],
        "mentor": make_user(app, "mentor")[1],
        "coordinator": make_user(app, "coordinator")[1],
        "round": f"/coordinator/rounds/{round_id}",
    }


@pytest.mark.slow
def test_the_main_pages_break_no_content_security_rule_in_chromium(live_app):
    data = _people_and_a_round(live_app)
    pages = {
        None: ["/", "/auth/login", "/auth/register", "/auth/forgot-password"],
        "mentee": ["/mentee/", "/mentee/profile"],
        "mentor": ["/mentor/", "/mentor/profile"],
        "coordinator": [
            "/coordinator/",
            "/coordinator/rounds/",
            data["round"],
            "/coordinator/rounds/new",
            "/coordinator/import",
        ],
    }

    def visit_every_page(browser, base_url: str) -> None:
        for role, paths in pages.items():
            visitor = Visitor(browser, base_url)
            try:
                if role:
                    visitor.sign_in(data[role])
                for path in paths:
                    visitor.visit(path)
                    if path == data["round"]:
                        assert visitor.page.locator("svg[role=img]").count() == 3  # the charts
                assert visitor.csp_messages() == [], (role, visitor.csp_messages())
                assert visitor.violations == [], (role, visitor.violations)
            finally:
                visitor.close()

        # The same watch does see a violation: an inline script and an inline style.
        canary = Visitor(browser, base_url)
        try:
            canary.visit("/")
            canary.page.evaluate(
                """() => {
                  const script = document.createElement("script");
                  script.textContent = "window.__ran = true";
                  document.body.appendChild(script);
                  document.body.setAttribute("style", "color: red");
                }"""
            )
            canary.page.wait_for_timeout(200)
            canary._collect("canary")
            assert canary.page.evaluate("window.__ran === undefined")
            assert canary.csp_messages() and canary.violations
        finally:
            canary.close()

    with running_server(live_app) as base_url:
        in_a_browser(lambda browser: visit_every_page(browser, base_url))
