"""A whole matching round from the database, against scipy on the same instance.

    .venv/bin/python benchmarks/bench_round.py [--mentees 10000 --mentors 2000] [--database URL]

Seeds a realistic demo cohort (demo.seeding.seed_demo) into a fresh, migrated SQLite file
(or the database given), then times one round end to end as a coordinator runs it
(services.rounds.transitions.run_round_now): load the participants, score, solve with the
certified exact engine, explain, and save the proposed pairs. Stage times come from the
round's own summary.

Baseline, on the same instance in the same run: scipy's linear_sum_assignment on the dense
score matrix with each mentor's column repeated once per free seat plus one zero "unmatched"
column per mentee (the method engine-notes.md measured), timed for the solve alone; the
objective values of both are compared.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from flask_migrate import upgrade
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mentormatch.app import create_app  # noqa: E402
from mentormatch.demo import seeding  # noqa: E402
from mentormatch.extensions import db  # noqa: E402
from mentormatch.matching import compute_scores, warmup  # noqa: E402
from mentormatch.services.programmes import catalogue  # noqa: E402
from mentormatch.services.rounds import transitions  # noqa: E402
from mentormatch.services.rounds.inputs import load_inputs  # noqa: E402
from mentormatch.services.rounds.settings import parse_settings  # noqa: E402

COVERAGE_BONUS = 1_000.0  # > any total score difference at these sizes (scores in [0, 1])


def scipy_baseline(settings, max_cells: int) -> tuple[float | None, float | None, int | None]:
    """(seconds, total score, matched) of the repeated-column method, or Nones if too big."""
    inputs = load_inputs(settings)
    n, seats = len(inputs.mentee_ids), int(inputs.seats.sum())
    if n * (seats + n) > max_cells:
        return None, None, None
    scores = compute_scores(inputs.mentees, inputs.mentors, settings.score_weights())
    started = time.perf_counter()
    columns = np.repeat(np.arange(len(inputs.mentor_ids)), inputs.seats)
    gain = np.hstack([scores[:, columns] + COVERAGE_BONUS, np.zeros((n, n))])
    rows, cols = linear_sum_assignment(gain, maximize=True)
    elapsed = time.perf_counter() - started
    real = cols < len(columns)
    return elapsed, float(scores[rows[real], columns[cols[real]]].sum()), int(real.sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=10_000)
    parser.add_argument("--mentors", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--baseline-max-cells", type=int, default=400_000_000)
    parser.add_argument(
        "--warm",
        action="store_true",
        help="load the engine's compiled kernels before the round, as a job worker does when "
        "it starts (`mentormatch worker`, gunicorn), so that the round's time leaves it out",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'round.sqlite3'}"
        app = create_app({"ENV": "testing", "DATABASE_URL": url})
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            seeding.seed_demo(mentees=args.mentees, mentors=args.mentors, seed=args.seed)
            print(f"seeded {args.mentees:,} mentees and {args.mentors:,} mentors "
                  f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
            # the demo's main programme (it holds most people; the other is a research track)
            main = catalogue.by_slug(seeding.MAIN_PROGRAMME).id
            settings = parse_settings({"name": "benchmark", "programme_id": main})
            if args.warm:
                print(f"engine warmed (a worker's start-up) in {warmup.warm_up():.1f} s")
            started = time.perf_counter()
            matching_round = transitions.run_round_now(settings, None)
            ours = time.perf_counter() - started
            if matching_round.status != "proposed":
                sys.exit(f"round failed: {matching_round.error}")
            summary = matching_round.summary
            stages = ", ".join(f"{k} {v:.2f} s" for k, v in summary["timings"].items())
            print(f"round: {summary['mentees']:,} mentees, {summary['mentors']:,} mentors, "
                  f"{summary['seats']:,} seats; matched {summary['matched']:,}, total "
                  f"{summary['total_score']:.3f}, certified {summary['certified']}")  # fmt: skip
            print(f"ours (whole round, load to save): {ours:.2f} s  [{stages}]")
            base_time, base_total, base_matched = scipy_baseline(settings, args.baseline_max_cells)
            if base_time is None:
                print("baseline: scipy repeated columns skipped (matrix too large for memory)")
            else:
                print(f"baseline scipy linear_sum_assignment (solve only): {base_time:.2f} s, "
                      f"matched {base_matched:,}, total {base_total:.3f}")  # fmt: skip
                same = base_matched == summary["matched"] and (
                    abs(base_total - summary["total_score"]) < 1e-3
                )
                print(
                    f"ratio baseline solve / our whole round: {base_time / ours:.1f}x; "
                    f"same optimum: {same}"
                )
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"peak RSS of this process: {peak:,.0f} MB")
            db.engine.dispose()


if __name__ == "__main__":
    main()
