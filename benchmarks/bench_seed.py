"""How fast `mentormatch seed-demo` fills a fresh SQLite database, against the naive ORM way.

    .venv/bin/python benchmarks/bench_seed.py [--mentees 100000 --mentors 20000]

Measured: ``demo.seeding.seed_demo`` (generate the people, bulk-insert users, then profiles
and programme memberships, one transaction) on a freshly migrated SQLite file. Baseline,
measured in the same run on its own fresh file: one ``db.session.add`` of a User with its
profile and one commit per person, on a slice of ``--baseline`` people (a sixth of them
mentors), extrapolated per person to the whole cohort. Both use the one shared password hash;
hashing every password separately would cost far more than either, so the hash time is
printed as well.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mentormatch.app import create_app  # noqa: E402
from mentormatch.demo import generator, seeding  # noqa: E402
from mentormatch.extensions import db  # noqa: E402
from mentormatch.models import MenteeProfile, MentorProfile, ProgrammeMember, User  # noqa: E402
from mentormatch.services.passwords import hash_password  # noqa: E402


def fresh_app(directory: Path, name: str):
    app = create_app({"ENV": "testing", "DATABASE_URL": f"sqlite:///{directory / name}"})
    with app.app_context():
        upgrade()
    return app


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def bulk_seed(app, mentees: int, mentors: int, seed: int) -> float:
    with app.app_context():
        started = time.perf_counter()
        report = seeding.seed_demo(mentees=mentees, mentors=mentors, seed=seed)
        elapsed = time.perf_counter() - started
        assert report.mentees_created == mentees and report.mentors_created == mentors
        assert count(MenteeProfile) == mentees + 1 and count(MentorProfile) == mentors + 1
        assert count(User) == mentees + mentors + len(seeding.DEMO_LOGINS)
        # everyone belongs to one of the demo's two programmes, some to both
        assert count(ProgrammeMember) > mentees + mentors
        db.engine.dispose()
    return elapsed


def naive_orm_seed(app, mentees: int, mentors: int, seed: int) -> float:
    """The obvious way: one add and one commit per person."""
    with app.app_context():
        password_hash = hash_password(seeding.DEMO_PASSWORD)
        started = time.perf_counter()
        for kind, total, make, profile_model, relation in (
            ("mentee", mentees, generator.mentee, MenteeProfile, "mentee_profile"),
            ("mentor", mentors, generator.mentor, MentorProfile, "mentor_profile"),
        ):
            for number in range(1, total + 1):
                person = make(seed, number)
                user = User(
                    email=person.email,
                    full_name=person.full_name,
                    password_hash=password_hash,
                    role=kind,
                )
                setattr(user, relation, profile_model(**person.profile))
                db.session.add(user)
                db.session.commit()
        elapsed = time.perf_counter() - started
        db.engine.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentees", type=int, default=100_000)
    parser.add_argument("--mentors", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--baseline", type=int, default=1_200, help="people seeded the naive way (default 1200)"
    )
    args = parser.parse_args()
    people = args.mentees + args.mentors

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        bulk = bulk_seed(
            fresh_app(directory, "bulk.sqlite3"), args.mentees, args.mentors, args.seed
        )
        base_mentors = args.baseline // 6
        base_mentees = args.baseline - base_mentors
        naive = naive_orm_seed(
            fresh_app(directory, "naive.sqlite3"), base_mentees, base_mentors, args.seed
        )

    started = time.perf_counter()
    for _ in range(3):
        hash_password(seeding.DEMO_PASSWORD)
    hash_seconds = (time.perf_counter() - started) / 3

    naive_per_person = naive / args.baseline
    naive_extrapolated = naive_per_person * people
    rows = 2 * people  # a user row and a profile row per person
    print(f"seed-demo, SQLite, {args.mentees:,} mentees + {args.mentors:,} mentors")
    print(
        f"  bulk (demo.seeding.seed_demo): {bulk:8.1f} s  "
        f"{people / bulk:10,.0f} people/s  {rows / bulk:10,.0f} rows/s"
    )
    print(
        f"  baseline, naive ORM add+commit per person ({args.baseline:,} people): "
        f"{naive:.1f} s = {1000 * naive_per_person:.2f} ms/person"
    )
    print(f"    extrapolated to {people:,} people: {naive_extrapolated:8.1f} s")
    print(f"  speed-up over the baseline: {naive_extrapolated / bulk:.1f}x")
    print(
        f"  one Argon2 hash: {1000 * hash_seconds:.0f} ms; one per person would add "
        f"{hash_seconds * people / 60:.0f} min (hence one shared hash for demo people)"
    )
    print(f"  target <= 60 s: {'met' if bulk <= 60 else 'NOT met'}")


if __name__ == "__main__":
    main()
