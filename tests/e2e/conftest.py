"""End-to-end fixtures: the app in a real threaded server, and headless Debian chromium.

- ``live_server`` (one per module): a freshly migrated database, a threaded werkzeug server on
  a free loopback port, CSRF on as in production, rounds run in a background thread (so the
  progress page really polls) and mail written to the app log, where ``live_server.mails``
  finds it.
- ``chromium`` (one per session): Playwright's sync API driving the chromium binary named by
  MENTORMATCH_CHROMIUM, else ``/usr/bin/chromium``. A missing binary fails the tests, it
  does not skip them: CI installs the package.
- ``pages``: opens pages in their own browser contexts (their own cookies), records every
  console error and uncaught script error, and on a failed test saves a screenshot and the
  HTML of each page to a temporary folder whose path it prints.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.services import csv_profiles
from mentormatch.services.rounds import transitions
from mentormatch.services.rounds.settings import parse_settings
from tests import databases

# Read at import: tests/conftest.py clears MENTORMATCH_* variables around each test.
CHROMIUM = os.environ.get("MENTORMATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ACTION_TIMEOUT_MS = 10_000  # clicks, fills and expectations
NAVIGATION_TIMEOUT_MS = 15_000

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}

SAMPLE_FILES = Path(__file__).resolve().parent.parent / "data"

FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember a failed setup or call, for the ``pages`` fixture's teardown."""
    report = yield
    if report.failed and report.when in ("setup", "call"):
        item.stash[FAILED] = True
    return report


# --- the server ------------------------------------------------------------------------------


class _MailLog(logging.Handler):
    """Keeps the mails that MAIL_BACKEND "log" writes to the app log."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("MAIL_BACKEND is 'log'"):
            self.messages.append(message)


@dataclass
class LiveServer:
    app: object
    url: str
    _mail_log: _MailLog = field(repr=False)

    def mails_to(self, address: str) -> list[str]:
        wanted = f"to: {address.lower()}"
        return [m for m in self._mail_log.messages if wanted in m.lower().splitlines()]

    def link_in_mail(self, address: str, path: str) -> str:
        """The link to ``path`` (e.g. ``/auth/invitation/``) in the latest mail to ``address``;
        waits for it a while, since mail goes out from a background thread."""
        deadline = time.monotonic() + ACTION_TIMEOUT_MS / 1000
        while True:
            links = [
                found
                for mail in self.mails_to(address)
                for found in re.findall(rf"{re.escape(self.url + path)}\S+", mail)
            ]
            if links or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        headers = [m.splitlines()[1:3] for m in self._mail_log.messages]
        assert links, f"no mail to {address} with a {path} link; mails logged: {headers}"
        return links[-1]


def _warm_up_matching_engine(database_url: str) -> float:
    """Run a round of the sample files on a throwaway database; returns the seconds it took.

    Numba compiles the engine's kernels on their first use and caches them in
    ``mentormatch/matching/__pycache__``; with a cold cache (a fresh checkout, as in CI) that
    takes tens of seconds. Paying it here keeps the journeys' waits about the app."""
    app = create_app(
        {
            "ENV": "testing",
            "DATABASE_URL": database_url,
            "TASK_EXECUTOR": "inline",
            "REDIS_URL": None,
        }
    )
    with app.app_context():
        for kind in ("mentee", "mentor"):
            data = (SAMPLE_FILES / f"{kind}s.csv").read_bytes()
            assert csv_profiles.import_profiles(data, kind, dry_run=False).ok
        started = time.monotonic()
        warm_up = transitions.run_round_now(parse_settings({"name": "Warm-up"}), None)
        assert warm_up.status == "proposed", warm_up.error
        db.engine.dispose()
    return time.monotonic() - started


@pytest.fixture(scope="module")
def live_server(template_database, tmp_path_factory) -> Iterator[LiveServer]:
    with pytest.MonkeyPatch.context() as env:
        for key in list(os.environ):  # the developer's settings must not leak in
            if key.startswith("MENTORMATCH_") and not key.startswith("MENTORMATCH_TEST_"):
                env.delenv(key)
        with databases.database_copy(template_database, tmp_path_factory.mktemp("warm")) as url:
            seconds = _warm_up_matching_engine(url)
        print(f"\nMatching engine warm-up (numba compiles on a cold cache): {seconds:.1f} s")
        with databases.database_copy(template_database, tmp_path_factory.mktemp("e2e")) as url:
            yield from _serve(url)


def _serve(url: str) -> Iterator[LiveServer]:
    app = create_app(
        {
            "ENV": "testing",
            "DATABASE_URL": url,
            "WTF_CSRF_ENABLED": True,
            "TASK_EXECUTOR": "thread",  # rounds and mail in a background thread
            "MAIL_BACKEND": "log",
            "REDIS_URL": None,
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base_url  # links in mails point at this server
    mail_log = _MailLog()
    app.logger.addHandler(mail_log)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield LiveServer(app, base_url, mail_log)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.logger.removeHandler(mail_log)
        with app.app_context():
            db.engine.dispose()


# --- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"No chromium at {CHROMIUM}: the browser tests need Debian's chromium package "
            "(apt-get install chromium), or MENTORMATCH_CHROMIUM naming another binary.",
            pytrace=False,
        )
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=30_000
        )
    except Exception as exc:
        playwright.stop()
        pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}", pytrace=False)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


class Pages:
    """Pages of one test, each in its own context; console errors gathered from all."""

    def __init__(self, browser, base_url: str) -> None:
        self._browser = browser
        self._base_url = base_url
        self.contexts: list = []
        self.pages: list = []
        self.console_errors: list[str] = []

    def open(self, label: str, device: dict | None = None):
        context = self._browser.new_context(base_url=self._base_url, **(device or DESKTOP))
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        page = context.new_page()
        page.on("console", lambda message: self._console(label, message))
        page.on("pageerror", lambda error: self.console_errors.append(f"[{label}] {error}"))
        self.contexts.append(context)
        self.pages.append((label, page))
        return page

    def _console(self, label: str, message) -> None:
        if message.type != "error":  # errors include CSP violations and failed loads
            return
        where = message.location.get("url", "")
        self.console_errors.append(f"[{label}] {message.text} ({where})")

    def assert_no_console_errors(self) -> None:
        assert not self.console_errors, "errors in the browser console:\n" + "\n".join(
            self.console_errors
        )

    def save_artifacts(self, test_name: str) -> Path:
        folder = Path(tempfile.mkdtemp(prefix=f"mentormatch-e2e-{test_name[:40]}-"))
        for number, (label, page) in enumerate(self.pages):
            stem = folder / f"{number}-{re.sub(r'[^a-z0-9]+', '-', label.lower())}"
            try:
                (stem.with_suffix(".url")).write_text(page.url + "\n")
                stem.with_suffix(".html").write_text(page.content(), encoding="utf-8")
                page.screenshot(path=str(stem.with_suffix(".png")), full_page=True, timeout=5_000)
            except Exception as exc:  # noqa: BLE001 - a closed page must not hide the failure
                stem.with_suffix(".error.txt").write_text(repr(exc))
        if self.console_errors:
            (folder / "console-errors.txt").write_text("\n".join(self.console_errors) + "\n")
        return folder

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(request, chromium, live_server) -> Iterator[Pages]:
    opened = Pages(chromium, live_server.url)
    try:
        yield opened
    finally:
        if request.node.stash.get(FAILED, False):
            folder = opened.save_artifacts(request.node.name)
            print(f"\nBrowser screenshots and HTML of the failed test: {folder}")
        opened.close()
