"""Warming the engine compiles every kernel a round uses, so the first real round of a fresh
process compiles nothing more (it would otherwise spend about a minute compiling)."""

from __future__ import annotations

import sys

import numpy as np
from numba.core.registry import CPUDispatcher

from mentormatch.matching import (
    FeatureScores,
    MatchingProblem,
    ScoreWeights,
    _compile_cache,
    blocking_details,
    blocking_pairs,
    check_optimal,
    explain_unmatched,
    mentor_options,
    pair_components,
    solve,
    solve_stable,
    warmup,
)
from mentormatch.matching.synthetic import synthetic_features


def _compiled_signatures() -> set[tuple[str, str]]:
    found = set()
    for name, module in list(sys.modules.items()):
        if not name.startswith("mentormatch.matching"):
            continue
        for attr, value in vars(module).items():
            if isinstance(value, CPUDispatcher):
                found.update((f"{name}.{attr}", str(sig)) for sig in value.signatures)
    return found


def test_after_warm_up_a_demo_sized_round_compiles_nothing_new():
    warmup.ensure_warm()
    assert warmup.is_warm()
    before = _compiled_signatures()
    assert before, "the engine's kernels should be compiled by now"

    mentees, mentors = synthetic_features(200, 60, seed=1)
    seats = np.random.default_rng(1).integers(0, 5, 60).astype(np.int64)
    extras = ScoreWeights(0.4, 0.1, 0.2, support=0.1, language=0.1, img_mentor=0.05, visa=0.05)
    for objective, weights in (
        ("coverage", ScoreWeights(specialty=0.6, region=0.1, research=0.3)),
        ("score", ScoreWeights(specialty=0.6, region=0.1, research=0.3)),
        ("coverage", extras),
        ("score", extras),
        ("coverage", ScoreWeights(visa=0.5)),  # one extra alone: groups split by mentor code
        ("coverage", ScoreWeights(support=0.3, language=0.3)),  # extras, groups not split
    ):
        problem = MatchingProblem(
            FeatureScores(mentees, mentors, weights),
            seats,
            forbidden=np.array([[5, 7]], dtype=np.int64),
            locked=np.array([[9, 11]], dtype=np.int64),
            min_score=0.2,
            objective=objective,
        )
        result = solve(problem)
        assert check_optimal(problem, result)
        explain_unmatched(problem, result)
        mentor_options(problem, result.mentor_of, np.flatnonzero(result.mentor_of < 0), 3)
        blocking = blocking_pairs(problem, result.mentor_of, limit=50)
        blocking_details(problem, result.mentor_of, blocking.pairs)
        solve_stable(problem)
        matched = np.flatnonzero(result.mentor_of >= 0)
        pair_components(mentees, mentors, weights, matched, result.mentor_of[matched])

    assert _compiled_signatures() - before == set()


def test_the_compile_cache_lives_outside_the_package(tmp_path):
    package_dir = _compile_cache.__file__.rsplit("/", 1)[0]
    assert not str(_compile_cache.CACHE_DIR).startswith(package_dir)


def test_an_unwritable_choice_falls_through_to_the_next(tmp_path, monkeypatch):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    monkeypatch.setenv(_compile_cache.ENV_VAR, str(blocked / "engine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    assert _compile_cache.choose_cache_dir() == tmp_path / "xdg" / "mentormatch" / "engine"
