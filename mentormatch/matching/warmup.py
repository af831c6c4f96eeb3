"""Compiling the engine ahead of its first real use.

numba compiles each kernel the first time it runs, about a minute on two cores for all of
them, and keeps the result in its cache folder (see `_compile_cache`), from which a later
process loads it in a second or two. `warm_up` runs every kernel a round uses on small
synthetic rounds (both objectives, scarce and plentiful seats, forbidden and locked pairs,
the optional extras off and on, the certificate, the explanations of who is unmatched and the
stable matching), so that the first real round finds them compiled. `ensure_warm` does it
once per process, and waits when another thread of the process is already doing it.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from .certificate import check_optimal
from .explain import blocking_details, explain_unmatched, mentor_options
from .problem import MatchingProblem
from .scoring import FeatureScores, ScoreWeights, pair_components
from .solver import solve
from .stable import blocking_pairs, solve_stable
from .synthetic import synthetic_features

_lock = threading.Lock()
_warm = threading.Event()


def is_warm() -> bool:
    return _warm.is_set()


def warm_up() -> float:
    """Run every kernel of a round once; returns the seconds it took."""
    started = time.perf_counter()
    mentees, mentors = synthetic_features(120, 30, seed=7)
    extras = ScoreWeights(support=0.1, language=0.1, img_mentor=0.1, visa=0.1)
    # scarce seats (60 for 120) with the extras off, plenty (180) with them on
    for seats_each, weights in ((2, ScoreWeights()), (6, extras)):
        seats = np.full(30, seats_each, dtype=np.int64)
        forbidden = np.array([[0, 0], [1, 1], [2, 2]], dtype=np.int64)
        locked = np.array([[3, 3], [4, 4]], dtype=np.int64)
        for objective in ("coverage", "score"):
            problem = MatchingProblem(
                FeatureScores(mentees, mentors, weights),
                seats,
                forbidden=forbidden,
                locked=locked,
                min_score=0.05,
                objective=objective,
            )
            result = solve(problem)
            if not check_optimal(problem, result):
                raise RuntimeError("the engine failed its own warm-up check")
            explain_unmatched(problem, result)
            unmatched = np.flatnonzero(result.mentor_of < 0)
            mentor_options(problem, result.mentor_of, unmatched, 3)
            blocking = blocking_pairs(problem, result.mentor_of, limit=10)
            blocking_details(problem, result.mentor_of, blocking.pairs)
            solve_stable(problem)
            matched = np.flatnonzero(result.mentor_of >= 0)
            pair_components(mentees, mentors, weights, matched, result.mentor_of[matched])
    return time.perf_counter() - started


def ensure_warm() -> bool:
    """Warm the engine once per process. Returns True if this call did the work."""
    if _warm.is_set():
        return False
    with _lock:
        if _warm.is_set():
            return False
        warm_up()
        _warm.set()
        return True


def warm_in_background() -> threading.Thread:
    """Start warming in a daemon thread (a process that serves or works, at its start)."""
    thread = threading.Thread(target=ensure_warm, name="engine-warm-up", daemon=True)
    thread.start()
    return thread
