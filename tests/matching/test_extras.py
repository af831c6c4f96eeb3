"""The optional extras (support, language, img_mentor, visa): their rules, the compiled scans
and the certificate against the numpy reference, and the solver against the scipy oracle with
them on. With their weights at 0 (the default) every score is the float it was without them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch.matching import (
    FeatureScores,
    MatchingProblem,
    ScoreWeights,
    _fused,
    certificate,
    compute_components,
    compute_scores,
    encode_mentees,
    encode_mentors,
    explain_pair,
    pair_components,
    solve,
)
from mentormatch.matching.scoring import COMPONENTS, LANGUAGE_WORDS, shared_language_masks
from mentormatch.matching.synthetic import synthetic_features

from .test_pruned import _prices
from .test_solver import assert_optimal

EXTRAS = ScoreWeights(0.4, 0.1, 0.2, support=0.1, language=0.1, img_mentor=0.05, visa=0.05)
# each extra alone (the others at 0), and all of them at once
WEIGHT_CHOICES = (
    EXTRAS,
    ScoreWeights(0.5, 0.2, 0.3, support=0.4),
    ScoreWeights(0.5, 0.2, 0.3, language=0.4),
    ScoreWeights(0.5, 0.2, 0.3, img_mentor=0.4),
    ScoreWeights(0.5, 0.2, 0.3, visa=0.4),
    ScoreWeights(0, 0, 0, support=1, language=1, img_mentor=1, visa=1),
)


def one(mentee: dict, mentor: dict, weights: ScoreWeights = EXTRAS):
    mentees = encode_mentees(["internal-medicine"], **{k: [v] for k, v in mentee.items()})
    mentors = encode_mentors(["internal-medicine"], ["NY"], **{k: [v] for k, v in mentor.items()})
    return compute_components(mentees, mentors, weights)


@pytest.mark.parametrize(
    ("sought", "offered", "expected"),
    [
        (("visa-guidance", "networking"), ("networking", "usce-access", "visa-guidance"), 1.0),
        (("visa-guidance", "interview-prep"), ("visa-guidance",), 0.5),
        (("visa-guidance", "interview-prep", "networking", "usce-access"), ("networking",), 0.25),
        (("visa-guidance",), ("networking",), 0.0),
        ((), ("networking",), 0.5),  # seeks nothing: neutral
    ],
)  # fmt: skip
def test_support_is_the_share_of_sought_codes_offered(sought, offered, expected):
    assert one({"support": sought}, {"support": offered}).support[0, 0] == expected


@pytest.mark.parametrize(
    ("mentee", "mentor", "expected"),
    [
        (("en", "hi"), ("en", "hi", "ur"), 1.0),
        (("hi", "en"), ("en",), 0.0),  # English alone is not counted
        (("en",), ("en", "es"), 0.5),  # the mentee speaks only English: neutral
        ((), ("es",), 0.5),
        (("YO",), ("yo",), 1.0),
        (("zu", "es"), ("es",), 1.0),  # far apart in the code space: other mask words
    ],
)
def test_language_counts_a_shared_language_other_than_english(mentee, mentor, expected):
    assert one({"languages": mentee}, {"languages": mentor}).language[0, 0] == expected


@pytest.mark.parametrize(
    ("prefers", "is_img", "expected"),
    [(True, True, 1.0), (True, False, 0.0), (False, True, 0.5), (False, False, 0.5)],
)
def test_img_mentor(prefers, is_img, expected):
    assert one({"prefers_img": prefers}, {"is_img": is_img}).img_mentor[0, 0] == expected


@pytest.mark.parametrize(
    ("needed", "sponsors", "expected"),
    [
        ("j1", "j1", 1.0), ("j1", "both", 1.0), ("j1", "h1b", 0.0), ("j1", "none", 0.0),
        ("j1", "unknown", 0.5), ("j1", None, 0.5),
        ("h1b", "h1b", 1.0), ("h1b", "both", 1.0), ("h1b", "j1", 0.0),
        ("undecided", "j1", 1.0), ("undecided", "h1b", 1.0), ("undecided", "both", 1.0),
        ("undecided", "none", 0.0), ("undecided", "unknown", 0.5),
        ("none", "none", 0.5), ("none", "both", 0.5), (None, "j1", 0.5),
    ],
)  # fmt: skip
def test_visa_sponsorship_for_mentees_who_need_a_visa(needed, sponsors, expected):
    got = one({"visa_needed": needed}, {"visa_sponsorship": sponsors}).visa[0, 0]
    assert got == expected


def test_bad_extra_codes_name_the_row():
    with pytest.raises(ValueError, match="row 1: unknown support"):
        encode_mentees(["cardiology"] * 2, support=[(), ("astrology",)])
    with pytest.raises(ValueError, match="row 0: unknown language"):
        encode_mentors(["cardiology"], ["NY"], languages=[("english",)])
    with pytest.raises(ValueError, match="row 0: unknown visa-sponsorship"):
        encode_mentors(["cardiology"], ["NY"], visa_sponsorship=["sometimes"])


def test_extras_change_the_total_only_when_weighted():
    mentees = encode_mentees(
        ["cardiology"], [None], [("NY",)], [("oncology",)], support=[("visa-guidance",)],
        languages=[("hi",)], prefers_img=[True], visa_needed=["j1"],
    )  # fmt: skip
    mentors = encode_mentors(
        ["cardiology"], ["NJ"], [("oncology", "imaging")], support=[("visa-guidance",)],
        languages=[("hi",)], is_img=[True], visa_sponsorship=["j1"],
    )  # fmt: skip
    base = 0.5 * 1.0 + 0.2 * 0.7 + 0.3 * 0.5
    assert compute_scores(mentees, mentors)[0, 0] == pytest.approx(base)
    weights = ScoreWeights(0.5, 0.2, 0.3, support=0.25, language=0.25, img_mentor=0.25, visa=0.25)
    assert compute_scores(mentees, mentors, weights)[0, 0] == pytest.approx((base + 1.0) / 2)
    expl = explain_pair(mentees, mentors, 0, 0, weights)
    assert [c.name for c in expl.components] == list(COMPONENTS)
    assert sum(c.contribution for c in expl.components) == pytest.approx(expl.total)
    only_visa = explain_pair(mentees, mentors, 0, 0, ScoreWeights(visa=0.5))
    assert [c.name for c in only_visa.components] == ["specialty", "region", "research", "visa"]


def test_with_the_extras_off_every_score_is_the_float_it_was():
    """Extras in the features but weight 0: the same bits as features without extras, and the
    base weights are normalised to the same floats as with three components."""
    mentees, mentors = synthetic_features(200, 70, seed=12)
    bare_e = dataclasses.replace(
        mentees, support=None, languages=None, prefers_img=None, visa_needed=None
    )
    bare_m = dataclasses.replace(
        mentors, support=None, languages=None, is_img=None, visa_sponsorship=None
    )
    for weights in (ScoreWeights(), ScoreWeights(0.37, 0.11, 0.29)):
        raw = np.array([weights.specialty, weights.region, weights.research])
        assert weights.normalised()[:3] == tuple((raw / raw.sum()).tolist())
        assert weights.normalised()[3:] == (0.0, 0.0, 0.0, 0.0)
        with_features = FeatureScores(mentees, mentors, weights).rows(np.arange(200))
        without = FeatureScores(bare_e, bare_m, weights).rows(np.arange(200))
        assert np.array_equal(with_features, without)
        reference = compute_scores(bare_e, bare_m, weights)
        assert np.array_equal(with_features, reference)


@pytest.mark.parametrize("weights", WEIGHT_CHOICES)
def test_compiled_scores_equal_the_reference_bit_for_bit(weights):
    mentees, mentors = synthetic_features(250, 90, seed=5)
    reference = compute_components(mentees, mentors, weights)
    source = FeatureScores(mentees, mentors, weights)
    assert np.array_equal(source.rows(np.arange(250)), reference.total)
    rng = np.random.default_rng(5)
    rows, cols = rng.integers(0, 250, 400), rng.integers(0, 90, 400)
    assert np.array_equal(source.pairs(rows, cols), reference.total[rows, cols])
    pairs = pair_components(mentees, mentors, weights, rows, cols)
    for name in (*COMPONENTS, "total"):
        assert np.array_equal(getattr(pairs, name), getattr(reference, name)[rows, cols])
    for name in COMPONENTS:
        values = getattr(reference, name)
        assert (values >= 0).all() and (values <= 1).all()
    assert (reference.total <= 1 + 1e-12).all()


def _many_languages(n: int, m: int, seed: int):
    """Features whose people speak random languages among all 676 two-letter codes, so that
    far more than 64 languages are shared (several words in the compacted masks)."""
    mentees, mentors = synthetic_features(n, m, seed)
    rng = np.random.default_rng(seed)

    def masks(count):
        bits = rng.integers(0, 26 * 26, (count, 3))
        out = np.zeros((count, LANGUAGE_WORDS), np.uint64)
        for k in range(3):
            keep = rng.random(count) < 0.8
            np.bitwise_or.at(
                out, (np.arange(count)[keep], bits[keep, k] // 64),
                np.uint64(1) << (bits[keep, k] % 64).astype(np.uint64),
            )  # fmt: skip
        return out

    return (
        dataclasses.replace(mentees, languages=masks(n)),
        dataclasses.replace(mentors, languages=masks(m)),
    )


def test_languages_beyond_64_shared_codes_are_exact():
    mentees, mentors = _many_languages(300, 200, seed=3)
    lang_e, lang_m = shared_language_masks(mentees, mentors)
    assert lang_e.shape[1] > 1
    weights = ScoreWeights(0.2, 0.2, 0.2, language=0.4)
    reference = compute_components(mentees, mentors, weights)
    assert 0 < (reference.language == 1.0).sum() < reference.language.size
    assert np.array_equal(FeatureScores(mentees, mentors, weights).rows(np.arange(300)),
                          reference.total)  # fmt: skip
    problem = MatchingProblem(FeatureScores(mentees, mentors, weights), np.full(200, 2))
    assert_optimal(problem, solve(problem))


def _extras_problem(n, m, seed, weights, min_score, objective, with_locks):
    mentees, mentors = synthetic_features(n, m, seed)
    rng = np.random.default_rng(seed)
    capacity = rng.integers(0, 4, m)
    forbidden = np.stack([rng.integers(0, n, 3), rng.integers(0, m, 3)], axis=1)
    locked = []
    if with_locks:
        load = np.zeros(m, int)
        for i in rng.permutation(n)[: n // 4]:
            j = int(rng.integers(0, m))
            if (
                load[j] < capacity[j]
                and not ((forbidden[:, 0] == i) & (forbidden[:, 1] == j)).any()
            ):
                locked.append((int(i), j))
                load[j] += 1
    allowed = np.ones((n, m), dtype=bool)  # the forbidden pairs again, for the oracle
    allowed[forbidden[:, 0], forbidden[:, 1]] = False
    return MatchingProblem(
        FeatureScores(mentees, mentors, weights), capacity, allowed=allowed, locked=locked,
        min_score=min_score, objective=objective, forbidden=forbidden,
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 12),
    st.integers(0, 2**16),
    st.sampled_from(WEIGHT_CHOICES),
    st.sampled_from([None, 0.3, 0.5]),
    st.sampled_from(["coverage", "score"]),
    st.booleans(),
    st.integers(1, 4),
)
def test_solver_with_extras_matches_the_oracle(n, m, seed, weights, min_score, objective,
                                               with_locks, k):  # fmt: skip
    """scipy on the dense scores (the oracle), the certificate, and a tiny k that forces
    pricing rounds through the fused and pruned scans with the extras on."""
    problem = _extras_problem(n, m, seed, weights, min_score, objective, with_locks)
    assert_optimal(problem, solve(problem, k=k, max_add=1))


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 80),
    st.integers(1, 40),
    st.integers(0, 2**16),
    st.sampled_from(WEIGHT_CHOICES),
    st.sampled_from(["coverage", "score"]),
    st.booleans(),
    st.integers(0, 5),
)
def test_pruned_scan_with_extras_equals_full_scan(n, m, seed, weights, objective, zero, r):
    problem = _extras_problem(n, m, seed, weights, None, objective, False)
    scale, u, v = _prices(problem, seed, zero)
    tables = _fused.FeatureTables(problem.source)
    ok = problem.residual_capacity > 0
    full = _fused.scan_features(problem, tables, scale, ok, -np.inf, u, v, r, pruned=False)
    fast = _fused.scan_features(problem, tables, scale, ok, -np.inf, u, v, r, pruned=True)
    assert np.array_equal(full[0], fast[0])
    assert np.array_equal(full[1], fast[1])
    assert np.array_equal(full[2] > 0, fast[2] > 0)
    if r == 0:
        assert np.array_equal(full[2], fast[2])


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 80),
    st.integers(1, 40),
    st.integers(0, 2**16),
    st.sampled_from(WEIGHT_CHOICES),
    st.sampled_from([None, 0.3]),
    st.sampled_from(["coverage", "score"]),
)
def test_pruned_certificate_with_extras_counts_every_violation(n, m, seed, weights, min_score,
                                                               objective):  # fmt: skip
    problem = _extras_problem(n, m, seed, weights, min_score, objective, False)
    scale, u, v = _prices(problem, seed, False)
    ok = problem.residual_capacity > 0
    ms = -np.inf if min_score is None else min_score
    full = certificate._violations_from_features(problem, scale, u, v, ok, ms, pruned=False)
    fast = certificate._violations_from_features(problem, scale, u, v, ok, ms, pruned=True)
    assert full == fast


def test_visa_weight_gives_a_j1_mentee_the_j1_sponsoring_mentor():
    """Mentor 1 shares the J-1 mentee's research interest but its institution sponsors no
    visa; mentor 0 sponsors J-1. Without the visa weight the J-1 mentee gets mentor 1, with it
    mentor 0 (one seat each; the other mentee needs no visa and scores both mentors alike)."""
    mentees = encode_mentees(
        ["internal-medicine"] * 2, [None, None], [(), ()], [(), ("case-report",)],
        visa_needed=["none", "j1"],
    )  # fmt: skip
    mentors = encode_mentors(
        ["internal-medicine"] * 2, ["NY", "NY"], [(), ("case-report",)],
        visa_sponsorship=["j1", "none"],
    )  # fmt: skip
    off = solve(MatchingProblem(FeatureScores(mentees, mentors), [1, 1]))
    assert off.mentor_of.tolist() == [0, 1]
    problem = MatchingProblem(FeatureScores(mentees, mentors, ScoreWeights(visa=1.0)), [1, 1])
    on = solve(problem)
    assert on.mentor_of.tolist() == [1, 0]
    assert_optimal(problem, on)
