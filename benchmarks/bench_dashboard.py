"""How long the programme dashboard takes for a large programme, next to the coordinator
home's roll-up of the same database (the page a coordinator already opens every day).

    .venv/bin/python benchmarks/bench_dashboard.py [--mentees 10000] [--database URL]

Builds on a freshly migrated SQLite file (or the database given): ``--mentees`` mentees in the
general programme with profiles, a Match result for 70% of them, an accepted mentorship for
half of them with eight logged meetings each (bulk inserts), then times
``dashboard.report.dashboard`` (every programme, and the one programme), its CSV, and
``programmes.rollup.rollup``, best of three each.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mentormatch.app import create_app  # noqa: E402
from mentormatch.extensions import db  # noqa: E402
from mentormatch.models import (  # noqa: E402
    Meeting,
    MenteeProfile,
    Mentorship,
    Outcome,
    Programme,
    ProgrammeMember,
    User,
)
from mentormatch.services.dashboard import export, report  # noqa: E402
from mentormatch.services.programmes import rollup  # noqa: E402

COUNTRIES = ("IN", "EG", "NG", "PK", "PH", "BR", "MX", "IR")
VISAS = ("none", "j1", "h1b", "undecided")
SPECIALTIES = ("internal-medicine", "pediatrics", "family-medicine", "psychiatry", "neurology")
RESULTS = ("matched", "matched", "soap", "not-matched")


def seed(mentees: int) -> int:
    programme = db.session.scalar(select(Programme.id).where(Programme.slug == "general"))
    now = datetime(2026, 6, 1, tzinfo=UTC)
    mentor = User(email="mentor@example.org", full_name="Mentor", role="mentor")
    db.session.add(mentor)
    db.session.flush()
    db.session.execute(insert(User), [
        {"email": f"m{k}@example.org", "full_name": f"Mentee {k}", "role": "mentee",
         "session_token": f"t{k}"} for k in range(mentees)
    ])  # fmt: skip
    ids = list(db.session.scalars(select(User.id).where(User.role == "mentee").order_by(User.id)))
    db.session.execute(insert(ProgrammeMember), [
        {"programme_id": programme, "user_id": uid, "status": "active",
         "applied_at": now - timedelta(days=30 * (k % 30))} for k, uid in enumerate(ids)
    ])  # fmt: skip
    db.session.execute(insert(MenteeProfile), [
        {"user_id": uid, "home_country": COUNTRIES[k % 8], "visa_needed": VISAS[k % 4],
         "specialty": SPECIALTIES[k % 5]} for k, uid in enumerate(ids)
    ])  # fmt: skip
    db.session.execute(insert(Outcome), [
        {"mentee_id": uid, "kind": "match-result", "achieved_on": date(2026, 3, 20),
         "match_result": RESULTS[k % 4], "match_year": 2026,
         "specialty": None if RESULTS[k % 4] == "not-matched" else SPECIALTIES[(k + k // 7) % 5],
         "recorded_at": now, "recorded_by_id": uid}
        for k, uid in enumerate(ids) if k % 10 < 7
    ])  # fmt: skip
    db.session.execute(insert(Mentorship), [
        {"programme_id": programme, "mentee_id": uid, "mentor_id": mentor.id,
         "status": "accepted", "created_at": now, "responded_at": now - timedelta(days=200),
         "ends_on": date(2027, 1, 1)} for k, uid in enumerate(ids) if k % 2 == 0
    ])  # fmt: skip
    pairs = list(db.session.scalars(select(Mentorship.id)))
    db.session.execute(insert(Meeting), [
        {"mentorship_id": pid, "starts_at": now - timedelta(days=20 * j), "duration_minutes": 60,
         "time_zone": "UTC", "channel": "video", "agenda": "-", "status": "held",
         "uid": f"{pid}-{j}@bench", "sequence": 0, "created_at": now, "proposed_at": now}
        for pid in pairs for j in range(8)
    ])  # fmt: skip
    db.session.commit()
    return programme


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=10_000)
    parser.add_argument("--database", help="a database URL (default: a new SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{folder}/bench.db"
        app = create_app({"ENV": "testing", "DATABASE_URL": url})
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            programme = seed(args.mentees)
            print(f"seeded {args.mentees:,} mentees in {time.perf_counter() - started:.1f} s")
            today = date(2026, 6, 30)
            board = report.dashboard(None, today)
            figures = {
                "dashboard, every programme": lambda: report.dashboard(None, today),
                "dashboard, the programme": lambda: report.dashboard(
                    frozenset({programme}), today
                ),
                "its CSV (figures ready)": lambda: export.as_csv(board),
                "baseline: coordinator home roll-up": lambda: rollup.rollup(None),
            }
            for name, work in figures.items():
                print(f"{name:40s} {best_of(3, work):7.3f} s")
            rate = [
                row for s in board.sections for row in s.headlines if row.label == "Match rate"
            ]
            print(f"match rate shown: {rate[0].figure.text}")
            db.engine.dispose()


if __name__ == "__main__":
    main()
