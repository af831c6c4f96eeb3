"""Load test: simulated people against gunicorn on PostgreSQL, from a second process.

    .venv/bin/python benchmarks/load_test.py --database postgresql+psycopg://user@127.0.0.1/db \
        [--users 200 --duration 60 --workers 4 --signed-in 0.9 --pin]

Sets up the database (migrations, a demo cohort, one published round so that mentors have
proposals to answer), starts `mentormatch serve` (gunicorn, --workers) on a free loopback
port, then runs --users simulated people for --duration seconds from this process (asyncio,
one connection each, keep-alive).

A realistic mix: most people (--signed-in, default 90%) are already signed in when the
measurement starts (they sign in during a warm-up that is not timed, as people who opened
the app earlier in the day); the others arrive over the run and sign in (CSRF token from the
form, an Argon2id check). Everyone then loops over the pages a person uses (home, profile,
the programmes list, account; mentors accept or decline a pending proposal) with a think
time between pages (--think, default 2-6 s). Every request has a timeout; the run stops by
itself.

The generator's CPU is accounted: its own CPU time and the server's (gunicorn and its
workers, read when they exit) are reported beside the wall time, as shares of the machine;
with --pin the generator runs on the last core and the server on the others.

Reports: requests, errors (any status >= 400 other than the expected 409 for an answer that
lost a race, or a timeout), throughput, p50/p95/p99 latency for pages after sign-in and for
sign-ins, and per kind of request. Baseline: the same script against one gunicorn worker
(--baseline), named in the output. Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import resource
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


PAGES = {
    "mentee": ["/mentee/", "/mentee/profile", "/programmes", "/account/"],
    "mentor": ["/mentor/", "/mentor/profile", "/programmes", "/account/"],
}


async def sign_in(client: Client, email: str, password: str, recorder: Recorder | None) -> bool:
    """Sign in through the form; timed when ``recorder`` is given (the warm-up is not)."""
    if recorder is None:
        _, page = await client.request("GET", "/auth/login")
    else:
        _, page = await recorder.timed("login page", client, "GET", "/auth/login")
    token = CSRF.search(page or b"")
    if not token:
        if recorder is not None:
            recorder.errors.append("login page: no CSRF token")
        return False
    form = {"csrf_token": token.group(1).decode(), "email": email, "password": password}
    if recorder is None:
        status, _ = await client.request("POST", "/auth/login", form)
    else:
        status, _ = await recorder.timed("sign in", client, "POST", "/auth/login", form)
    return status == 302


async def person(client: Client, email: str, role: str, password: str, stop_at: float,
                 recorder: Recorder, arrives_in: float | None) -> None:  # fmt: skip
    """One person's visit: ``arrives_in`` seconds from now they sign in (None: they are
    signed in already), then they use the app until the run stops."""
    try:
        if arrives_in is None:
            await asyncio.sleep(random.uniform(0, THINK[1]))  # not all in step
        else:
            await asyncio.sleep(arrives_in)
            if not await sign_in(client, email, password, recorder):
                return
        while time.monotonic() < stop_at:
            path = random.choice(PAGES[role])
            status, page = await recorder.timed(path, client, "GET", path)
            if role == "mentor" and path == "/mentor/" and page:
                answer = ACCEPT_FORMS.search(page)
                token = CSRF.search(page)
                if answer and token and random.random() < 0.3:
                    await recorder.timed(
                        "accept/decline", client, "POST", answer.group(1).decode(),
                        {"csrf_token": token.group(1).decode(), "reason": "load test"},
                        ok=(200, 302, 409),
                    )  # fmt: skip
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
    port: int, logins, users: int, duration: float, password: str, signed_in: float
) -> tuple[Recorder, float]:
    """The recorder of the run and how long the (untimed) warm-up sign-ins took."""
    recorder = Recorder()
    started = time.monotonic()
    chosen = logins[:users]
    already = round(len(chosen) * signed_in)
    clients = [Client(port) for _ in chosen]
    # The warm-up, not timed: the people who are signed in already when the run starts.
    for start in range(0, already, 20):
        batch = range(start, min(start + 20, already))
        await asyncio.gather(*(sign_in(clients[i], chosen[i][0], password, None)
                               for i in batch))  # fmt: skip
    warm_up = time.monotonic() - started
    stop_at = time.monotonic() + duration
    await asyncio.gather(
        *(person(clients[i], email, role, password, stop_at, recorder,
                 None if i < already else random.uniform(0, duration * 0.8))
          for i, (email, role) in enumerate(chosen))
    )  # fmt: skip
    return recorder, warm_up


SIGN_IN_KINDS = ("sign in", "login page")


def cpu_seconds(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def report_cpu(wall: float, generator: float, server: float) -> None:
    """CPU seconds of each side over the whole run, warm-up included, as shares of what the
    machine's cores could give in that time."""
    cores = os.cpu_count() or 1
    machine = wall * cores
    print(f"  CPU over {wall:.0f} s on {cores} cores (warm-up included): generator "
          f"{generator:.1f} s ({generator / machine:.0%} of the machine), server (gunicorn "
          f"and its workers) {server:.1f} s ({server / machine:.0%})"
          + (f"; generator pinned to core {PINNED[0]}" if PINNED else ""))  # fmt: skip


PINNED: list[int] = []  # the generator's core when --pin


def report(label: str, recorder: Recorder, duration: float) -> None:
    total = sum(len(v) for v in recorder.latencies.values())
    every = [x for v in recorder.latencies.values() for x in v]
    print(f"\n{label}: {total:,} requests in {duration:.0f} s = {total / duration:.1f} req/s; "
          f"errors: {len(recorder.errors)}")  # fmt: skip
    if every:
        p50, p95, p99 = (percentile(every, q) * 1000 for q in (0.5, 0.95, 0.99))
        print(f"  all           p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms")
    pages = [x for k, v in recorder.latencies.items() if k not in SIGN_IN_KINDS for x in v]
    if pages:
        p50, p95, p99 = (percentile(pages, q) * 1000 for q in (0.5, 0.95, 0.99))
        print(f"  after sign-in p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms"
              f"  (target p95 <= 300 ms)")  # fmt: skip
    signs = recorder.latencies.get("sign in", [])
    if signs:
        p50, p95 = (percentile(signs, q) * 1000 for q in (0.5, 0.95))
        print(f"  sign-in       p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  (target p95 <= 500 ms)")
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
    command = [sys.executable, "-m", "mentormatch", "serve", "--bind", f"{HOST}:{port}",
               "--workers", str(workers)]  # fmt: skip
    if PINNED:  # the server on every core but the generator's
        others = sorted(set(range(os.cpu_count() or 1)) - set(PINNED)) or PINNED
        command = ["taskset", "--cpu-list", ",".join(map(str, others)), *command]
    process = subprocess.Popen(  # noqa: S603 - our own command on loopback
        command,
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


def stop_server(server: subprocess.Popen) -> float:
    """Stop gunicorn and return the CPU seconds it and its workers used (they are reaped by
    gunicorn, so their time is in its children's usage, which wait4 reports)."""
    server.terminate()
    _, _, usage = os.wait4(server.pid, 0)
    server.returncode = 0
    return cpu_seconds(usage)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="PostgreSQL URL of an empty database "
                        "(default: a SQLite file, which is not what production uses)")  # fmt: skip
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=600)
    parser.add_argument("--signed-in", type=float, default=0.9,
                        help="share of the people signed in before the run starts")  # fmt: skip
    parser.add_argument("--pin", action="store_true",
                        help="the generator on the last core, the server on the rest")  # fmt: skip
    parser.add_argument(
        "--think", type=float, nargs=2, default=THINK, metavar=("MIN", "MAX"),
        help="seconds a person spends on a page before the next request",
    )  # fmt: skip
    parser.add_argument("--baseline", action="store_true", help="also run with 1 worker")
    args = parser.parse_args()

    from mentormatch.demo.seeding import DEMO_PASSWORD

    THINK[:] = args.think
    if args.pin:
        PINNED.append((os.cpu_count() or 1) - 1)
        os.sched_setaffinity(0, PINNED)

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
            generator_before = cpu_seconds(resource.getrusage(resource.RUSAGE_SELF))
            try:
                started = time.monotonic()
                recorder, warm_up = asyncio.run(
                    run_load(port, logins, args.users, args.duration, DEMO_PASSWORD,
                             args.signed_in)
                )  # fmt: skip
                wall = time.monotonic() - started
                report(f"{label}, {args.users} users ({args.signed_in:.0%} signed in before, "
                       f"untimed warm-up {warm_up:.1f} s)", recorder, wall - warm_up)  # fmt: skip
            finally:
                server_cpu = stop_server(server)
            generator = cpu_seconds(resource.getrusage(resource.RUSAGE_SELF)) - generator_before
            report_cpu(wall, generator, server_cpu)


if __name__ == "__main__":
    main()
