"""Benchmark a round with stated preferences: 10,000 x 2,000 x 5 seats, ten ranks per mentee.

    .venv/bin/python benchmarks/bench_preferences.py [--mentees 10000 --mentors 2000]

Scores from the synthetic features (specialty, region, research) plus the preference bonus
(`matching.preferences`, weight 0.5): each mentee ranks ten mentors drawn from their 40 best
by features, with a skew towards popular mentors (so some are over-requested), and mentors
mark "prefer" on a tenth of the mentees who ranked them. Prints our solve from the features
(the path a round takes), check_optimal, the stable mode and scipy's repeated-column solve
on the same dense totals in the same run, and whether both reach the same optimum.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mentormatch.matching import (  # noqa: E402
    FeatureScores,
    MatchingProblem,
    ScoreWeights,
    check_optimal,
    solve,
    top_k_mentors,
)
from mentormatch.matching.preferences import (  # noqa: E402
    PreferenceScores,
    preference_bonus,
    stable_on_preferences,
)
from mentormatch.matching.synthetic import synthetic_features  # noqa: E402


def rank_lists(source: FeatureScores, ranks: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n, m = source.shape
    best, _ = top_k_mentors(source, min(40, m))
    popularity = rng.pareto(1.5, size=m) + 1.0
    rows = []
    for i in range(n):
        p = popularity[best[i]] / popularity[best[i]].sum()
        chosen = rng.choice(best[i], size=min(ranks, best.shape[1]), replace=False, p=p)
        rows.extend((i, int(j), r) for r, j in enumerate(chosen, start=1))
    return np.array(rows, np.int64)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentees", type=int, default=10_000)
    parser.add_argument("--mentors", type=int, default=2_000)
    parser.add_argument("--seats", type=int, default=5)
    parser.add_argument("--ranks", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    n, m = args.mentees, args.mentors
    mentees, mentors = synthetic_features(n, m, seed=n)
    base = FeatureScores(mentees, mentors, ScoreWeights())
    ranked = rank_lists(base, args.ranks, seed=1)
    rng = np.random.default_rng(2)
    # mentors mark "prefer" on a tenth of the mentees who ranked them (they see only those)
    pref = ranked[rng.random(len(ranked)) < 0.1][:, :2]
    bonus = preference_bonus((n, m), ranked, pref, args.ranks)
    capacity = np.full(m, args.seats)
    problem = MatchingProblem(PreferenceScores(base, bonus), capacity)
    print(f"{n:,} x {m:,} x {args.seats} seats, {len(ranked):,} ranks, {len(pref):,} prefer "
          f"marks, {len(bonus):,} bonus pairs", flush=True)  # fmt: skip
    solve(problem)  # warm-up
    times = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        result = solve(problem)
        times.append(time.perf_counter() - t)
    t = time.perf_counter()
    report = check_optimal(problem, result)
    t_check = time.perf_counter() - t
    got = np.bincount(
        [r for i, j, r in ranked.tolist() if result.mentor_of[i] == j], minlength=args.ranks + 1
    )
    print(
        f"ours (from features + bonus): median {np.median(times):.3f} s of {times}   "
        f"check_optimal {t_check:.3f} s   certified: {report.ok}   matched "
        f"{result.n_matched:,}   total {result.total_score:.6f}   first choice "
        f"{got[1] / n:.1%}, top three {got[1:4].sum() / n:.1%}",
        flush=True,
    )
    t = time.perf_counter()
    stable = stable_on_preferences(problem, ranked, pref)
    print(f"stable mode: {time.perf_counter() - t:.2f} s, matched {(stable >= 0).sum():,}",
          flush=True)  # fmt: skip
    if args.no_baseline:
        return
    dense = problem.source.rows(np.arange(n))
    cols = np.repeat(np.arange(m), capacity)
    t = time.perf_counter()
    rows, picked = linear_sum_assignment(dense[:, cols], maximize=True)
    t_scipy = time.perf_counter() - t
    total = float(dense[rows, cols[picked]].sum())
    same = len(rows) == result.n_matched and abs(total - result.total_score) < 1e-6 * n
    print(
        f"scipy repeated columns on the same totals: {t_scipy:.2f} s   same optimum: {same}   "
        f"ratio {t_scipy / np.median(times):.1f}x",
        flush=True,
    )


if __name__ == "__main__":
    main()
