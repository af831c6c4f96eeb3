"""Benchmark the matching engine against scipy's repeated-column assignment, in one run.

    .venv/bin/python benchmarks/bench_engine.py            # all instances (the 100k one too)
    .venv/bin/python benchmarks/bench_engine.py --quick    # skip 100k, smaller baseline runs
    .venv/bin/python benchmarks/bench_engine.py --structured --no-baseline   # before/after
    .venv/bin/python benchmarks/bench_engine.py --structured --extras   # optional extras on
    .venv/bin/python benchmarks/bench_engine.py --matrix     # every cohort shape (issue 12)
    .venv/bin/python benchmarks/bench_engine.py --matrix --sizes 2k --shapes stars,equal \
        --objectives score                                   # a corner of it

For each instance: our time (median of repeats, after a warm-up call), the baseline's time on
the same scores in the same run, the ratio, and whether check_optimal certified the result.
Structured instances are also solved from their features (`FeatureScores`, the fused and
pruned scans a round uses) and checked to reach the dense solve's optimum. `--extras`
switches the optional score components on (support, language, img_mentor, visa; the weights
in EXTRAS_WEIGHTS) for the structured, round and 100k instances: the baseline then runs on
those scores. The 100,000 x 20,000 instance is scored from features in blocks; no dense
baseline can run on it (the matrix alone is 16 GB, the repeated-column one 80 GB), so the
script prints the engine-notes figure for scale and the peak RSS of this process.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from mentormatch.matching import (  # noqa: E402
    FeatureScores,
    MatchingProblem,
    ScoreWeights,
    blocking_pairs,
    check_optimal,
    explain_unmatched,
    solve,
    solve_stable,
)
from mentormatch.matching.synthetic import synthetic_features  # noqa: E402

from _shapes import SHAPES, build  # noqa: E402  # isort: skip

# the extras at a weight a coordinator might choose: 0.4 of 1.4 in all
EXTRAS_WEIGHTS = dict(support=0.1, language=0.1, img_mentor=0.1, visa=0.1)
WEIGHTS = ScoreWeights()  # --extras: ScoreWeights(**EXTRAS_WEIGHTS)


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def baseline(scores: np.ndarray, capacity: np.ndarray) -> tuple[float, int, float]:
    """scipy linear_sum_assignment on columns repeated per seat (coverage: all seats >= n)."""
    cols = np.repeat(np.arange(scores.shape[1]), capacity)
    t = time.perf_counter()
    rows, picked = linear_sum_assignment(scores[:, cols], maximize=True)
    elapsed = time.perf_counter() - t
    return elapsed, len(rows), float(scores[rows, cols[picked]].sum())


def timed_solve(problem: MatchingProblem, repeats: int):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        result = solve(problem)
        times.append(time.perf_counter() - t)
    return float(np.median(times)), result


def dense_instance(name, n, m, seats, kind, repeats, run_baseline=True):
    source = None
    if kind == "structured":
        mentees, mentors = synthetic_features(n, m, seed=n)
        source = FeatureScores(mentees, mentors, WEIGHTS)
        scores = source.rows(np.arange(n))
    else:
        scores = np.random.default_rng(n).random((n, m))
    capacity = np.full(m, seats)
    problem = MatchingProblem(scores, capacity)
    solve(problem)  # warm-up (compiled code loaded from cache)
    ours, result = timed_solve(problem, repeats)
    report = check_optimal(problem, result)
    line = f"{name:<34} ours {ours:8.3f} s"
    if run_baseline:
        base, count, total = baseline(scores, capacity)
        same = count == result.n_matched and abs(total - result.total_score) < 1e-6 * n
        line += f"   scipy {base:8.3f} s   ratio {base / ours:7.1f}x   same optimum: {same}"
    line += (
        f"   certified: {report.ok}   rounds {result.stats.rounds}   matched "
        f"{result.n_matched:,}   total {result.total_score:.6f}"
    )
    print(line, flush=True)
    if source is not None:
        lazy = MatchingProblem(source, capacity)
        check_optimal(lazy, solve(lazy))  # warm-up
        t_lazy, lazy_result = timed_solve(lazy, repeats)
        t = time.perf_counter()
        lazy_report = check_optimal(lazy, lazy_result)
        t_check = time.perf_counter() - t
        same = lazy_result.n_matched == result.n_matched and (
            abs(lazy_result.total_score - result.total_score) < 1e-6 * n
        )
        print(
            f"{'  same, from features':<34} ours {t_lazy:8.3f} s   check_optimal {t_check:.3f} s"
            f"   same optimum as dense: {same}   certified: {lazy_report.ok}   rounds "
            f"{lazy_result.stats.rounds}",
            flush=True,
        )
    return ours, result


def feature_instance(n, m, seats):
    t0 = time.perf_counter()
    mentees, mentors = synthetic_features(n, m, seed=7)
    t_gen = time.perf_counter() - t0
    problem = MatchingProblem(FeatureScores(mentees, mentors, WEIGHTS), np.full(m, seats))
    t = time.perf_counter()
    result = solve(problem)
    t_solve = time.perf_counter() - t
    t = time.perf_counter()
    report = check_optimal(problem, result)
    t_check = time.perf_counter() - t
    s = result.stats
    print(
        f"{n:,} x {m:,} x {seats} from features: solve (scores in blocks + exact + final "
        f"pricing proof) {t_solve:.1f} s [candidates {s.seconds_candidates:.1f} s, "
        f"solve {s.seconds_solve:.1f} s, pricing {s.seconds_pricing:.1f} s, "
        f"{s.rounds} rounds]; check_optimal {t_check:.1f} s, certified: {report.ok}; "
        f"matched {result.n_matched:,}, total {result.total_score:.3f}; "
        f"peak RSS {peak_rss_gb():.2f} GB; (features generated in {t_gen:.1f} s, not counted)",
        flush=True,
    )
    print(
        "  baseline: not runnable (dense 16 GB; repeated columns 100k x 100k = 80 GB). "
        "engine-notes: scipy took 48 s already at 10,000 x 2,000 x 5.",
        flush=True,
    )


def scarce_instance(n, m):
    """Seats scarcer than mentees ("coverage"): capacities 1-4, about 0.5 seats per mentee."""
    mentees, mentors = synthetic_features(n, m, seed=11)
    capacity = np.random.default_rng(11).integers(1, 5, m)
    problem = MatchingProblem(FeatureScores(mentees, mentors, WEIGHTS), capacity)
    t = time.perf_counter()
    result = solve(problem)
    t_solve = time.perf_counter() - t
    t = time.perf_counter()
    report = check_optimal(problem, result)
    t_check = time.perf_counter() - t
    s = result.stats
    print(
        f"scarce {n:,} x {m:,}, {int(capacity.sum()):,} seats: solve {t_solve:.1f} s "
        f"[candidates {s.seconds_candidates:.1f} s, solve {s.seconds_solve:.1f} s, pricing "
        f"{s.seconds_pricing:.1f} s, {s.rounds} rounds]; check_optimal {t_check:.1f} s, "
        f"certified: {report.ok}; matched {result.n_matched:,}",
        flush=True,
    )


def round_instance(n=10_000, m=2_000):
    """A realistic round as the rounds service runs it: seats < mentees, capacities 1-4."""
    mentees, mentors = synthetic_features(n, m, seed=11)
    capacity = np.random.default_rng(11).integers(1, 5, m)
    problem = MatchingProblem(FeatureScores(mentees, mentors, WEIGHTS), capacity)
    result = solve(problem)
    figures = []
    for name, call in (
        ("explain_unmatched", lambda: explain_unmatched(problem, result)),
        ("blocking_pairs(limit=50)", lambda: blocking_pairs(problem, result.mentor_of, limit=50)),
        ("solve_stable", lambda: solve_stable(problem)),
    ):
        call()  # warm-up
        t = time.perf_counter()
        out = call()
        figures.append(f"{name} {time.perf_counter() - t:.3f} s")
        if name == "solve_stable":
            figures.append(f"stable blocking pairs {blocking_pairs(problem, out).count}")
    print(
        f"round {n:,} x {m:,}, {int(capacity.sum()):,} seats, "
        f"{int((result.mentor_of < 0).sum()):,} unmatched: " + "; ".join(figures),
        flush=True,
    )


# size name: (mentees, mentors, seats per mentor when seats == mentees, timed repeats)
MATRIX_SIZES = {"2k": (2_000, 500, 4, 3), "10k": (10_000, 2_000, 5, 1)}
TARGETS = {"2k": (0.1, None), "10k": (1.0, 40.0)}  # seconds, ratio against scipy


def scipy_baseline(scores: np.ndarray, capacity: np.ndarray) -> tuple[float, int, float]:
    """scipy on columns repeated once per seat; rectangular when seats != mentees.

    Its optimum (min(n, seats) pairs of greatest total) is also the optimum of both of our
    objectives on these shapes (every pair allowed, every score >= 0): coverage fills
    min(n, seats) places too, and score gains nothing from a pair worth less. So one scipy
    solve per instance is the baseline of both objectives.
    """
    cols = np.repeat(np.arange(scores.shape[1]), capacity)
    t = time.perf_counter()
    rows, picked = linear_sum_assignment(scores[:, cols], maximize=True)
    elapsed = time.perf_counter() - t
    return elapsed, len(rows), float(scores[rows, cols[picked]].sum())


def matrix(shapes, sizes, objectives, run_baseline: bool) -> None:
    """Every shape x size x objective against scipy in the same run; a table, the worst."""
    rows = []
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    for size in sizes:
        n, m, seats, repeats = MATRIX_SIZES[size]
        limit, min_ratio = TARGETS[size]
        for shape in shapes:
            scores, capacity = build(shape, n, m, seats, seed=n + 12)
            base = None
            if run_baseline:
                base = scipy_baseline(scores, capacity)
            for objective in objectives:
                problem = MatchingProblem(scores, capacity, objective=objective)
                if repeats > 1:
                    solve(problem)  # warm-up: numba loads its kernels, caches warm
                ours, result = timed_solve(problem, repeats)
                report = check_optimal(problem, result)
                tol = 1e-6 * n
                same = "-"
                ratio = float("nan")
                if base is not None:
                    t_base, count, total = base
                    ratio = t_base / ours
                    same_total = abs(total - result.total_score) < tol
                    same = same_total and (objective == "score" or count == result.n_matched)
                met = ours <= limit and (min_ratio is None or base is None or ratio >= min_ratio)
                row = dict(
                    size=size, shape=shape, objective=objective, ours=ours,
                    scipy=None if base is None else base[0], ratio=ratio, same=same,
                    certified=report.ok, met=met, rounds=result.stats.rounds,
                    matched=result.n_matched, load=os.getloadavg()[0],
                )  # fmt: skip
                rows.append(row)
                print(_matrix_line(row), flush=True)
    print(
        "\n| size | shape | objective | ours (s) | scipy (s) | ratio | same optimum | "
        "certified | target | rounds | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['size']} | {row['shape']} | {row['objective']} | {row['ours']:.3f} | "
            + ("-" if row["scipy"] is None else f"{row['scipy']:.3f}")
            + f" | {row['ratio']:.1f}x | {row['same']} | {row['certified']} | "
            f"{'met' if row['met'] else 'MISSED'} | {row['rounds']} | {row['load']:.1f} |"
        )
    for size in sizes:
        of_size = [r for r in rows if r["size"] == size]
        if not of_size:
            continue
        slowest = max(of_size, key=lambda r: r["ours"])
        print(f"worst at {size} by time: {_matrix_line(slowest)}")
        with_ratio = [r for r in of_size if r["scipy"] is not None]
        if with_ratio:
            lowest = min(with_ratio, key=lambda r: r["ratio"])
            print(f"worst at {size} by ratio: {_matrix_line(lowest)}")
    bad = [r for r in rows if not r["certified"] or r["same"] is False]
    print(f"all certified and equal to scipy: {not bad}")


def _matrix_line(row) -> str:
    base = "" if row["scipy"] is None else f"   scipy {row['scipy']:8.3f} s   {row['ratio']:6.1f}x"
    return (
        f"{row['size']:<4} {row['shape']:<15} {row['objective']:<8} ours {row['ours']:8.3f} s"
        f"{base}   same optimum: {row['same']}   certified: {row['certified']}   "
        f"rounds {row['rounds']}   matched {row['matched']:,}   load {row['load']:.1f}"
    )


def _csv(value: str, known) -> list[str]:
    items = [x.strip() for x in value.split(",") if x.strip()]
    unknown = [x for x in items if x not in known]
    if unknown:
        raise SystemExit(f"unknown {', '.join(unknown)}; choose from {', '.join(known)}")
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100k instance")
    parser.add_argument("--only-100k", action="store_true", help="just the 100k instance")
    parser.add_argument("--only-round", action="store_true", help="just the 10k x 2k round")
    parser.add_argument(
        "--only-scarce", action="store_true", help="just the seats < mentees instances"
    )
    parser.add_argument(
        "--structured",
        action="store_true",
        help="just the 2k and 10k structured instances (compare a change with its parent)",
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip scipy (it takes ~50 s at 10k)"
    )
    parser.add_argument(
        "--extras",
        action="store_true",
        help="switch the optional score components on (support, language, img_mentor, visa "
        f"at {', '.join(f'{k}={v}' for k, v in EXTRAS_WEIGHTS.items())}) for the instances "
        "scored from features",
    )
    parser.add_argument("--matrix", action="store_true", help="every cohort shape (issue 12)")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="matrix: shapes, commas")
    parser.add_argument("--sizes", default="2k,10k", help="matrix: 2k and/or 10k")
    parser.add_argument("--objectives", default="coverage,score", help="matrix: objectives")
    args = parser.parse_args()
    global WEIGHTS
    if args.extras:
        WEIGHTS = ScoreWeights(**EXTRAS_WEIGHTS)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"python {platform.python_version()}, numpy {np.__version__}; weights {WEIGHTS}"
    )
    t = time.perf_counter()
    tiny = MatchingProblem(np.random.default_rng(0).random((30, 10)), np.full(10, 3))
    check_optimal(tiny, solve(tiny))
    print(
        f"first call (solve + check_optimal on 30 x 10; numba compiles here unless its cache "
        f"in mentormatch/matching/__pycache__ is warm): {time.perf_counter() - t:.2f} s",
        flush=True,
    )
    if args.matrix:
        matrix(
            _csv(args.shapes, SHAPES),
            _csv(args.sizes, MATRIX_SIZES),
            _csv(args.objectives, ("coverage", "score")),
            not args.no_baseline,
        )
        return
    if args.only_100k:
        feature_instance(100_000, 20_000, 5)
        return
    if args.only_round:
        round_instance()
        return
    if args.only_scarce:
        scarce_instance(20_000, 4_000)
        scarce_instance(100_000, 20_000)
        return
    baseline_on = not args.no_baseline
    dense_instance("2,000 x 500 x 4 structured", 2000, 500, 4, "structured", 7, baseline_on)
    if not args.structured:
        dense_instance("2,000 x 500 x 4 random", 2000, 500, 4, "random", 7, baseline_on)
    dense_instance("10,000 x 2,000 x 5 structured", 10000, 2000, 5, "structured", 3, baseline_on)
    if args.structured:
        return
    dense_instance("10,000 x 2,000 x 5 random", 10000, 2000, 5, "random", 3, baseline_on)
    round_instance()
    if not args.quick:
        feature_instance(100_000, 20_000, 5)


if __name__ == "__main__":
    main()
