"""Load test: simulated people against gunicorn on PostgreSQL, from a second process.

    .venv/bin/python benchmarks/load_test.py --database postgresql+psycopg://user@127.0.0.1/db \
        [--users 200 --duration 60 --workers 4]

Sets up the database (migrations, a demo cohort, one published round so that mentors have
proposals to answer), starts `mentormatch serve` (gunicorn, --workers) on a free loopback
port, then runs --users simulated people for --duration seconds from this process (asyncio,
one connection each, keep-alive). Each person signs in (CSRF token from the form), then
loops: home page, profile or proposals, and mentors accept or decline a pending proposal,
with a random think time between pages (--think, default 2-6 s); people arrive over
--ramp-up seconds (each sign-in is a deliberately slow Argon2 check). Every request has a
timeout; the run stops by itself.

Reports: requests, errors (any status >= 400 other than the expected 409 for an answer that
lost a race, or a timeout), throughput, and p50/p95/p99 latency per kind of request.
Baseline: the same script against one gunicorn worker (--workers 1), named in the output.
Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
ACCEPT_FORMS = re.compile(rb'action="(/mentor/proposals/\d+/(?:accept|decline))"')
REQUEST_TIMEOUT = 15.0
THINK = [2.0, 6.0]  # seconds between pages (min, max); set by --think
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Client:
    """A minimal HTTP/1.1 keep-alive client with a cookie jar (one per simulated person)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.reader = self.writer = None

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

    async def request(self, method: str, path: str, form: dict | None = None):
        if self.writer is None:
            await self._connect()
        body = urllib.parse.urlencode(form).encode() if form is not None else b""
        headers = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}",
                   "Connection: keep-alive"]  # fmt: skip
        if self.cookies:
            headers.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            headers += ["Content-Type: application/x-www-form-urlencoded",
                        f"Content-Length: {len(body)}"]  # fmt: skip
        self.writer.write(("\r\n".join(headers) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        length, close = 0, False
        while True:
            line = (await self.reader.readline()).decode("latin-1").strip()
            if not line:
                break
            name, _, value = line.partition(":")
            name, value = name.lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                self.cookies[key] = val
            elif name == "connection" and value.lower() == "close":
                close = True
        data = await self.reader.readexactly(length) if length else b""
        if close:
            self.writer.close()
            self.writer = None
        return status, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class Recorder:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.finished: list[tuple[float, float]] = []  # (monotonic end time, latency)
        self.errors: list[str] = []

    async def timed(self, kind: str, client: Client, method: str, path: str, form=None,
                    ok=(200, 302)):  # fmt: skip
        started = time.perf_counter()
        try:
            status, data = await asyncio.wait_for(
                client.request(method, path, form), REQUEST_TIMEOUT
            )
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
            client.writer = None
            self.errors.append(f"{kind}: {type(exc).__name__}")
            return None, b""
        latency = time.perf_counter() - started
        self.latencies[kind].append(latency)
        self.finished.append((time.monotonic(), latency))
        if status not in ok:
            self.errors.append(f"{kind}: HTTP {status}")
        return status, data


async def person(port: int, email: str, role: str, password: str, stop_at: float,
                 recorder: Recorder, ramp_up: float) -> None:  # fmt: skip
    # People arrive over the ramp-up, as they do; an Argon2 sign-in costs real CPU each.
    await asyncio.sleep(random.uniform(0, ramp_up))
    client = Client(port)
    try:
        status, page = await recorder.timed("login page", client, "GET", "/auth/login")
        token = CSRF.search(page or b"")
        if not token:
            recorder.errors.append("login page: no CSRF token")
            return
        form = {"csrf_token": token.group(1).decode(), "email": email, "password": password}
        await recorder.timed("sign in", client, "POST", "/auth/login", form)
        home = f"/{role}/"
        while time.monotonic() < stop_at:
            status, page = await recorder.timed("home", client, "GET", home)
            if role == "mentor" and page:
                answer = ACCEPT_FORMS.search(page)
                token = CSRF.search(page)
                if answer and token and random.random() < 0.3:
                    await recorder.timed(
                        "accept/decline", client, "POST", answer.group(1).decode(),
                        {"csrf_token": token.group(1).decode(), "reason": "load test"},
                        ok=(200, 302, 409),
                    )  # fmt: skip
            else:
                await recorder.timed("profile", client, "GET", f"/{role}/profile")
            await asyncio.sleep(random.uniform(*THINK))
    finally:
        client.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def prepare(database: str, mentees: int, mentors: int) -> list[tuple[str, str]]:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from mentormatch.app import create_app
    from mentormatch.demo import seeding
    from mentormatch.extensions import db
    from mentormatch.models import Mentorship, User
    from mentormatch.services.programmes import catalogue
    from mentormatch.services.rounds import publishing, transitions
    from mentormatch.services.rounds.settings import parse_settings

    # The proposals' mail is delivered (to the log, kept quiet) while publishing, before the run.
    app = create_app({"ENV": "development", "DATABASE_URL": database,
                      "TASK_EXECUTOR": "inline", "LOG_LEVEL": "ERROR"})  # fmt: skip
    with app.app_context():
        upgrade()
        seeding.seed_demo(mentees=mentees, mentors=mentors, seed=11)
        main = catalogue.by_slug(seeding.MAIN_PROGRAMME).id  # the demo has two programmes
        settings = parse_settings({"name": "load test", "programme_id": main})
        matching_round = transitions.run_round_now(settings, None)
        publishing.publish_round(matching_round.id)
        mentor_ids = set(db.session.scalars(select(Mentorship.mentor_id)))
        people = db.session.execute(select(User.email, User.role, User.id)).all()
        logins = [(e, r) for e, r, i in people if r == "mentor" and i in mentor_ids]
        logins += [(e, r) for e, r, _ in people if r == "mentee"]
        db.engine.dispose()
    return logins


async def run_load(
    port: int, logins, users: int, duration: float, password: str, ramp_up: float
) -> Recorder:
    recorder = Recorder()
    stop_at = time.monotonic() + duration
    chosen = logins[:users]
    await asyncio.gather(
        *(person(port, email, role, password, stop_at, recorder, ramp_up)
          for email, role in chosen)
    )  # fmt: skip
    return recorder


def report_steady(recorder: Recorder, since: float) -> None:
    """Latency once everyone has arrived and signed in (Argon2 sign-ins dominate the ramp)."""
    steady = [latency for end, latency in recorder.finished if end >= since]
    if steady:
        p50, p95, p99 = (percentile(steady, q) * 1000 for q in (0.5, 0.95, 0.99))
        print(f"  steady     p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms  "
              f"(n={len(steady):,}, after the ramp-up)")  # fmt: skip


def report(label: str, recorder: Recorder, duration: float) -> None:
    total = sum(len(v) for v in recorder.latencies.values())
    every = [x for v in recorder.latencies.values() for x in v]
    print(f"\n{label}: {total:,} requests in {duration:.0f} s = {total / duration:.1f} req/s; "
          f"errors: {len(recorder.errors)}")  # fmt: skip
    if every:
        p50, p95, p99 = (percentile(every, q) * 1000 for q in (0.5, 0.95, 0.99))
        print(f"  all        p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms")
    for kind, values in sorted(recorder.latencies.items()):
        p50, p95 = (percentile(values, q) * 1000 for q in (0.5, 0.95))
        mean = statistics.mean(values) * 1000
        print(
            f"  {kind:<14} n={len(values):<6} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
            f"mean {mean:6.1f} ms"
        )
    if recorder.errors:
        print("  first errors:", recorder.errors[:5])


def start_server(database: str, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MENTORMATCH_")}
    # Mail of the answers goes out from a thread of each web worker (TASK_EXECUTOR "thread").
    env.update(MENTORMATCH_ENV="development", MENTORMATCH_DATABASE_URL=database)
    process = subprocess.Popen(  # noqa: S603 - our own command on loopback
        [sys.executable, "-m", "mentormatch", "serve", "--bind", f"{HOST}:{port}",
         "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="PostgreSQL URL of an empty database "
                        "(default: a SQLite file, which is not what production uses)")  # fmt: skip
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=600)
    parser.add_argument("--ramp-up", type=float, default=20.0, help="seconds to arrive over")
    parser.add_argument(
        "--think", type=float, nargs=2, default=THINK, metavar=("MIN", "MAX"),
        help="seconds a person spends on a page before the next request",
    )  # fmt: skip
    parser.add_argument("--baseline", action="store_true", help="also run with 1 worker")
    args = parser.parse_args()

    from mentormatch.demo.seeding import DEMO_PASSWORD

    THINK[:] = args.think

    with tempfile.TemporaryDirectory() as tmp:
        database = args.database or f"sqlite:///{Path(tmp) / 'load.sqlite3'}"
        logins = prepare(database, args.mentees, args.mentors)
        random.seed(5)
        random.shuffle(logins)
        runs = [(f"{args.workers} gunicorn workers", args.workers)]
        if args.baseline:
            runs.append(("baseline: 1 gunicorn worker", 1))
        for label, workers in runs:
            server, port = start_server(database, workers)
            try:
                started = time.monotonic()
                recorder = asyncio.run(
                    run_load(port, logins, args.users, args.duration, DEMO_PASSWORD, args.ramp_up)
                )
                report(f"{label}, {args.users} users", recorder, time.monotonic() - started)
                report_steady(recorder, started + args.ramp_up + 10)
            finally:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
