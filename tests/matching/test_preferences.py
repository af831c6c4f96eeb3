"""Stated preferences in the engine: the bonus term against an oracle, the certificate, and
the stable mode against daffidwilde/matching's hospital-resident solver."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from mentormatch.matching import (
    FeatureScores,
    InvalidProblem,
    MatchingProblem,
    ScoreWeights,
    check_optimal,
    solve,
)
from mentormatch.matching.preferences import (
    PairBonus,
    PreferenceScores,
    PreferenceValues,
    preference_bonus,
    stable_on_preferences,
    stated_blocking_pairs,
    stated_lists,
)
from mentormatch.matching.synthetic import synthetic_features

from .conftest import oracle


def _rank_lists(rng, n, m, max_ranks):
    rows = []
    for i in range(n):
        k = int(rng.integers(0, min(max_ranks, m) + 1))
        for r, j in enumerate(rng.permutation(m)[:k], start=1):
            rows.append((i, int(j), r))
    return np.array(rows, np.int64).reshape(-1, 3)


def _preferred(rng, n, m, share):
    pairs = [(i, j) for i in range(n) for j in range(m) if rng.random() < share]
    return np.array(pairs, np.int64).reshape(-1, 2)


def _problem(n, m, seed, weight, objective, min_score, forbid, with_locks):
    rng = np.random.default_rng(seed)
    mentees, mentors = synthetic_features(n, m, seed=seed)
    base = FeatureScores(mentees, mentors, ScoreWeights())
    ranked = _rank_lists(rng, n, m, 4)
    bonus = preference_bonus(
        (n, m), ranked, _preferred(rng, n, m, 0.1), 4, PreferenceValues(weight=weight)
    )
    capacity = rng.integers(0, 3, size=m)
    forbidden = [(int(i), int(j)) for i, j, _ in ranked[:forbid]]
    locked = []
    if with_locks:
        load = np.zeros(m, int)
        for i in rng.permutation(n)[: n // 4]:
            j = int(rng.integers(0, m))
            if load[j] < capacity[j] and (int(i), j) not in forbidden:
                locked.append((int(i), j))
                load[j] += 1
    problem = MatchingProblem(
        PreferenceScores(base, bonus), capacity, locked=locked, min_score=min_score,
        objective=objective, forbidden=forbidden,
    )  # fmt: skip
    return problem, ranked


def _oracle_without_forbidden(problem):
    dense = np.array(problem.source.rows(np.arange(problem.n_mentees)))
    allowed = problem.pair_mask(np.arange(problem.n_mentees))
    plain = MatchingProblem(
        dense, problem.capacity, allowed, [tuple(p) for p in problem.locked.tolist()],
        problem.min_score, problem.objective,
    )  # fmt: skip
    return oracle(plain)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 30),
    m=st.integers(1, 9),
    seed=st.integers(0, 2**31),
    weight=st.sampled_from([0.0, 0.25, 0.5, 2.0]),
    objective=st.sampled_from(["coverage", "score"]),
    min_score=st.sampled_from([None, 0.3, 0.6]),
    forbid=st.integers(0, 3),
    with_locks=st.booleans(),
)
def test_the_optimum_with_preferences_equals_the_oracle_and_is_certified(
    n, m, seed, weight, objective, min_score, forbid, with_locks
):
    problem, _ = _problem(n, m, seed, weight, objective, min_score, forbid, with_locks)
    result = solve(problem, k=2)  # few candidates: pricing must find the rest
    report = check_optimal(problem, result)
    assert report.ok, report.problems
    count, total = _oracle_without_forbidden(problem)
    if objective == "coverage":
        assert result.n_matched == count
    assert result.total_score == pytest.approx(total, abs=1e-6)


def test_a_first_choice_wins_a_tie_on_the_features():
    # two mentees, one mentor seat, equal feature scores: the one who ranked the mentor first
    base = np.array([[0.5], [0.5]])
    bonus = preference_bonus((2, 1), [(1, 0, 1), (0, 0, 3)], [], 3)
    result = solve(MatchingProblem(PreferenceScores(base, bonus), [1]))
    assert result.mentor_of.tolist() == [-1, 0]


def test_a_total_is_its_score_plus_its_bonus_bit_for_bit():
    mentees, mentors = synthetic_features(60, 20, seed=3)
    base = FeatureScores(mentees, mentors, ScoreWeights())
    rng = np.random.default_rng(3)
    bonus = preference_bonus(
        (60, 20), _rank_lists(rng, 60, 20, 5), _preferred(rng, 60, 20, 0.05), 5
    )
    source = PreferenceScores(base, bonus)
    rows = source.rows(np.arange(60))
    plain = base.rows(np.arange(60))
    hit = np.zeros((60, 20), bool)
    hit[bonus.rows, bonus.cols] = True
    assert np.array_equal(rows[~hit], plain[~hit])
    assert np.array_equal(rows[hit], plain[bonus.rows, bonus.cols] + bonus.values)
    i, j = np.nonzero(np.ones((60, 20), bool))
    assert np.array_equal(source.pairs(i, j), rows[i, j])


def test_bonus_values_follow_the_stated_formula():
    values = PreferenceValues(weight=1.0, prefer_value=0.5, mutual_value=0.5)
    bonus = preference_bonus((1, 3), [(0, 0, 1), (0, 1, 2)], [(0, 1), (0, 2)], 2, values)
    got = dict(zip(bonus.cols.tolist(), bonus.values.tolist(), strict=True))
    assert got == {0: 0.5, 1: (0.5 + 0.5 + 0.5) / 2, 2: 0.25}


def test_bad_bonuses_say_which_pair():
    with pytest.raises(InvalidProblem, match="bonus #1 .* given twice"):
        PairBonus((2, 2), [0, 0], [1, 1], [0.1, 0.2])
    with pytest.raises(InvalidProblem, match="must be a finite number >= 0"):
        PairBonus((2, 2), [0], [1], [-0.1])
    with pytest.raises(InvalidProblem, match="ranks run 1..3"):
        preference_bonus((2, 2), [(0, 1, 4)], [], 3)


def _peer_solution(problem, lists):
    residents = {}
    for i in problem.free_mentees.tolist():
        residents[i] = lists.mentee_list(i)
    hospital_prefs = {}
    for j in range(problem.n_mentors):
        if problem.residual_capacity[j] <= 0:
            continue
        keyed = [
            (lists.mentor_key(i, j, float(problem.pair_scores([i], [j])[0])), i)
            for i, plist in residents.items()
            if j in plist
        ]
        hospital_prefs[j] = [i for _, i in sorted(keyed, reverse=True)]
    residents = {i: plist for i, plist in residents.items() if plist}
    hospitals = {j: prefs for j, prefs in hospital_prefs.items() if prefs}
    mentor_of = problem.locked_mentor_of.copy()
    if not residents or not hospitals:
        return mentor_of
    residents = {i: [j for j in plist if j in hospitals] for i, plist in residents.items()}
    residents = {i: plist for i, plist in residents.items() if plist}
    if not residents:
        return mentor_of
    game = HospitalResident.create_from_dictionaries(
        residents, hospitals, {j: int(problem.residual_capacity[j]) for j in hospitals}
    )
    for hospital, matched in game.solve(optimal="resident").items():
        for resident in matched:
            mentor_of[resident.name] = hospital.name
    return mentor_of


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 25),
    m=st.integers(1, 8),
    seed=st.integers(0, 2**31),
    min_score=st.sampled_from([None, 0.4]),
    forbid=st.integers(0, 3),
    with_locks=st.booleans(),
)
def test_the_stable_mode_equals_the_peer_hospital_resident_solution(
    n, m, seed, min_score, forbid, with_locks
):
    problem, ranked = _problem(n, m, seed, 0.5, "coverage", min_score, forbid, with_locks)
    rng = np.random.default_rng(seed + 1)
    preferred = _preferred(rng, n, m, 0.2)
    lists = stated_lists(problem, ranked, preferred)
    ours = stable_on_preferences(problem, ranked, preferred)
    assert ours.tolist() == _peer_solution(problem, lists).tolist()
    assert stated_blocking_pairs(problem, ours, ranked, preferred).count == 0


def test_blocking_pairs_name_a_mentee_who_lost_their_first_choice_to_a_lower_one():
    # one seat; the optimum gives it to mentee 1 (higher score), mentee 0 ranked it first and
    # the mentor prefers mentee 0
    base = np.array([[0.1], [0.9]])
    problem = MatchingProblem(base, [1], objective="score")
    assert stated_blocking_pairs(problem, np.array([-1, 0]), [(0, 0, 1)], [(0, 0)]).pairs == [
        (0, 0)
    ]
    assert stated_blocking_pairs(problem, np.array([0, -1]), [(0, 0, 1)], [(0, 0)]).count == 0


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 12),
    m=st.integers(1, 5),
    seed=st.integers(0, 2**31),
    objective=st.sampled_from(["coverage", "score"]),
)
def test_a_bonus_over_a_dense_matrix_is_solved_and_certified_too(n, m, seed, objective):
    rng = np.random.default_rng(seed)
    scores = rng.choice([0.0, 0.25, 0.5, 1.0], size=(n, m))
    bonus = preference_bonus((n, m), _rank_lists(rng, n, m, 3), _preferred(rng, n, m, 0.2), 3)
    capacity = rng.integers(0, 3, size=m)
    problem = MatchingProblem(PreferenceScores(scores, bonus), capacity, objective=objective)
    result = solve(problem)
    assert check_optimal(problem, result).ok
    plain = MatchingProblem(problem.source.rows(np.arange(n)), capacity, objective=objective)
    assert result.total_score == pytest.approx(oracle(plain)[1], abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 15),
    m=st.integers(1, 6),
    seed=st.integers(0, 2**31),
    with_locks=st.booleans(),
)
def test_blocking_pairs_on_stated_lists_match_their_definition(n, m, seed, with_locks):
    problem, ranked = _problem(n, m, seed, 0.5, "coverage", 0.3, 1, with_locks)
    rng = np.random.default_rng(seed + 2)
    preferred = _preferred(rng, n, m, 0.3)
    mentor_of = solve(problem).mentor_of
    lists = stated_lists(problem, ranked, preferred)
    dense = problem.source.rows(np.arange(n))
    mask = problem.allowed_mask(np.arange(n), dense)
    free = problem.locked_mentor_of < 0

    def key(i, j):
        return lists.mentor_key(i, j, float(dense[i, j]))

    expected = 0
    for i, j, r in ranked.tolist():
        if not free[i] or mentor_of[i] == j or not mask[i, j]:
            continue
        if problem.residual_capacity[j] <= 0:
            continue
        got = lists.rank.get((i, int(mentor_of[i]))) if mentor_of[i] >= 0 else None
        if got is not None and got <= r:
            continue
        held = [k for k in range(n) if mentor_of[k] == j and free[k]]
        room = len(held) < problem.residual_capacity[j]
        if room or any(key(k, j) < key(i, j) for k in held):
            expected += 1
    assert stated_blocking_pairs(problem, mentor_of, ranked, preferred).count == expected
