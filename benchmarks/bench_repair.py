"""Re-pairing one mentee in a 10,000 x 2,000 programme, against a full engine round of the
same programme in the same run.

    .venv/bin/python benchmarks/bench_repair.py [--mentees 12500 --mentors 2625] [--database URL]

Seeds the demo cohort (demo.seeding.seed_demo) into a fresh, migrated SQLite file (or the
database given); its main programme holds 10,000 mentees and 2,000 mentors with the default
sizes. Runs a round of that programme and publishes it, so every matched mentee holds a
proposal and its seat (everyone else fixed). DECLINES mentors then decline one proposal each
(after the round every seat is taken: declines are what free them). Re-pairing the first of
those mentees is timed (services.mentorships.repair.options: load her and every mentor with a
free seat and the programme's pair rules, solve her one-mentee problem with the engine, rank
the best five, word their reasons), median of several calls after a first one.

Baseline, same run: the full round of the programme (services.rounds.transitions.
run_round_now, load to save), which is what re-pairing her would otherwise take.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mentormatch.app import create_app  # noqa: E402
from mentormatch.demo import seeding  # noqa: E402
from mentormatch.extensions import db  # noqa: E402
from mentormatch.models import Mentorship, MentorshipStatus  # noqa: E402
from mentormatch.services import accounts, proposals  # noqa: E402
from mentormatch.services.mentorships import repair  # noqa: E402
from mentormatch.services.programmes import catalogue  # noqa: E402
from mentormatch.services.rounds import publishing, transitions  # noqa: E402
from mentormatch.services.rounds.settings import parse_settings  # noqa: E402

TARGET_SECONDS = 1.0
DECLINES = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # the demo puts 80% of its mentees and 76% of its mentors in its main programme: these
    # defaults make that programme 10,000 x 2,000
    parser.add_argument("--mentees", type=int, default=12_500)
    parser.add_argument("--mentors", type=int, default=2_625)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'repair.sqlite3'}"
        app = create_app({"ENV": "testing", "DATABASE_URL": url, "TASK_EXECUTOR": "inline"})
        app.logger.setLevel(logging.ERROR)  # the log mail backend would print every proposal
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            seeding.seed_demo(mentees=args.mentees, mentors=args.mentors, seed=args.seed)
            print(f"seeded {args.mentees:,} mentees and {args.mentors:,} mentors "
                  f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
            main_id = catalogue.by_slug(seeding.MAIN_PROGRAMME).id
            coordinator = accounts.create_coordinator(
                accounts.NewAccount(
                    "bench@example.org", "bench-password-1", "Bench", "coordinator"
                )
            )

            settings = parse_settings({"name": "benchmark", "programme_id": main_id})
            started = time.perf_counter()
            matching_round = transitions.run_round_now(settings, None)
            full_round = time.perf_counter() - started
            if matching_round.status != "proposed":
                sys.exit(f"round failed: {matching_round.error}")
            summary = matching_round.summary
            print(f"baseline, a full engine round of the programme (load to save): "
                  f"{full_round:.2f} s; {summary['mentees']:,} mentees, "
                  f"{summary['mentors']:,} mentors, {summary['seats']:,} seats, "
                  f"matched {summary['matched']:,}")  # fmt: skip
            started = time.perf_counter()
            published = publishing.publish_round(matching_round.id)
            print(f"published {published:,} proposals (everyone else fixed) "
                  f"in {time.perf_counter() - started:.1f} s")  # fmt: skip

            declines = db.session.scalars(
                select(Mentorship)
                .where(
                    Mentorship.round_id == matching_round.id,
                    Mentorship.status == MentorshipStatus.PROPOSED,
                )
                .order_by(Mentorship.id)
                .limit(DECLINES)
            ).all()
            declined = declines[0]
            mentee_id = declined.mentee_id
            for proposal in declines:
                proposals.decline(proposal.id, proposal.mentor_id, "No time this term")

            first_started = time.perf_counter()
            found = repair.options(coordinator, main_id, mentee_id)
            first = time.perf_counter() - first_started
            times = []
            for _ in range(args.repeats):
                db.session.expire_all()
                started = time.perf_counter()
                found = repair.options(coordinator, main_id, mentee_id)
                times.append(time.perf_counter() - started)
            ours = statistics.median(times)
            best = found.options[0]
            print(f"re-pair one mentee: {ours:.3f} s median of {args.repeats} "
                  f"(first call {first:.3f} s); {len(found.options)} options, best "
                  f"{best.mentor.full_name!r} score {best.score:.3f}, engine's choice "
                  f"{best.best}; declined mentor offered: "
                  f"{declined.mentor_id in {o.mentor.id for o in found.options}}")  # fmt: skip
            print(f"ratio full round / re-pair: {full_round / ours:.0f}x; "
                  f"target <= {TARGET_SECONDS:.0f} s: "
                  f"{'met' if ours <= TARGET_SECONDS else 'MISSED'}")  # fmt: skip
            db.engine.dispose()


if __name__ == "__main__":
    main()
