"""Scores follow domain.md's rules; the compiled block scorer equals the numpy reference."""

from __future__ import annotations

import numpy as np
import pytest

from mentormatch.matching import (
    FeatureScores,
    ScoreWeights,
    compute_components,
    compute_scores,
    encode_mentees,
    encode_mentors,
    explain_pair,
    iter_score_blocks,
    pair_components,
    top_k_mentors,
)
from mentormatch.matching.synthetic import synthetic_features


def one(mentee_spec="internal-medicine", second=None, regions=(), m_research=(), e_research=(),
        mentor_spec="internal-medicine", sub=None, state="NY"):  # fmt: skip
    mentees = encode_mentees([mentee_spec], [second], [regions], [e_research])
    mentors = encode_mentors([mentor_spec], [state], [m_research], [sub])
    return compute_components(mentees, mentors)


@pytest.mark.parametrize(
    ("mentee", "mentor", "expected"),
    [
        ("cardiology", "cardiology", 1.0),
        ("cardiology", "internal-medicine", 0.7),
        ("cardiology", "nephrology", 0.7),
        ("neonatology", "pediatrics", 0.7),
        ("family-medicine", "pediatrics", 0.3),
        ("psychiatry", "internal-medicine", 0.3),
        ("dermatology", "urology", 0.0),
        ("cardiology", "pediatrics", 0.0),
    ],
)
def test_specialty_component(mentee, mentor, expected):
    assert one(mentee_spec=mentee, mentor_spec=mentor).specialty[0, 0] == pytest.approx(expected)


def test_second_choice_and_mentor_subspecialty():
    assert one("dermatology", "cardiology", mentor_spec="cardiology").specialty[0, 0] == 0.8
    got = one("cardiology", mentor_spec="internal-medicine", sub="cardiology").specialty[0, 0]
    assert got == 1.0


@pytest.mark.parametrize(
    ("regions", "state", "expected"),
    [
        (("NY",), "NY", 1.0),
        (("NY",), "NJ", 0.7),  # middle-atlantic
        (("NY",), "MA", 0.4),  # northeast
        (("NY",), "CA", 0.0),
        ((), "CA", 0.5),
        (("new-england",), "VT", 1.0),
        (("new-england",), "PA", 0.4),
        (("TX", "pacific"), "OR", 1.0),
        (("TX",), "OK", 0.7),
    ],
)
def test_region_component(regions, state, expected):
    assert one(regions=regions, state=state).region[0, 0] == pytest.approx(expected)


def test_research_component_is_jaccard():
    comp = one(
        e_research=("case-report", "oncology"), m_research=("oncology", "imaging", "basic-lab")
    )
    assert comp.research[0, 0] == pytest.approx(1 / 4)
    assert one(e_research=(), m_research=("oncology",)).research[0, 0] == 0.0


def test_weighted_total_and_explain_pair():
    mentees = encode_mentees(["cardiology"], [None], [("NY",)], [("oncology",)])
    mentors = encode_mentors(["cardiology"], ["NJ"], [("oncology", "imaging")])
    total = compute_scores(mentees, mentors)[0, 0]
    assert total == pytest.approx(0.5 * 1.0 + 0.2 * 0.7 + 0.3 * 0.5)
    expl = explain_pair(mentees, mentors, 0, 0)
    assert [c.name for c in expl.components] == ["specialty", "region", "research"]
    assert sum(c.contribution for c in expl.components) == pytest.approx(expl.total)
    assert expl.total == pytest.approx(total)
    # weights are normalised, so doubling all of them changes nothing
    doubled = compute_scores(mentees, mentors, ScoreWeights(1.0, 0.4, 0.6))[0, 0]
    assert doubled == pytest.approx(total)


def test_invalid_codes_and_weights_name_the_row():
    with pytest.raises(ValueError, match="row 1: unknown specialty"):
        encode_mentees(["cardiology", "astrology"])
    with pytest.raises(ValueError, match="row 0: unknown state"):
        encode_mentors(["cardiology"], ["XX"])
    with pytest.raises(ValueError, match="row 0: unknown research"):
        encode_mentors(["cardiology"], ["NY"], [("alchemy",)])
    with pytest.raises(ValueError):
        ScoreWeights(-1, 0, 0).normalised()


def random_features(n, m, seed=0):
    return synthetic_features(n, m, seed)


def test_compiled_blocks_equal_reference_bit_for_bit():
    mentees, mentors = random_features(300, 120, seed=4)
    weights = ScoreWeights(0.4, 0.35, 0.25)
    reference = compute_scores(mentees, mentors, weights)
    fast = FeatureScores(mentees, mentors, weights).rows(np.arange(300))
    assert np.array_equal(reference, fast)
    assert (reference >= 0).all() and (reference <= 1 + 1e-12).all()
    stacked = np.vstack([c.total for _, _, c in iter_score_blocks(mentees, mentors, weights, 64)])
    assert np.array_equal(stacked, reference)


def test_top_k_in_blocks():
    mentees, mentors = random_features(50, 40, seed=1)
    cols, vals = top_k_mentors(FeatureScores(mentees, mentors), 5, block_rows=7)
    full = compute_scores(mentees, mentors)
    assert np.allclose(vals, -np.sort(-full, axis=1)[:, :5])
    assert np.allclose(np.take_along_axis(full, cols, axis=1), vals)


def test_pair_components_are_the_cells_of_compute_components():
    mentees, mentors = synthetic_features(60, 25, seed=4)
    weights = ScoreWeights(0.6, 0.1, 0.3)
    rng = np.random.default_rng(4)
    rows, cols = rng.integers(0, 60, 200), rng.integers(0, 25, 200)
    full = compute_components(mentees, mentors, weights)
    pairs = pair_components(mentees, mentors, weights, rows, cols)
    for name in ("specialty", "region", "research", "total"):
        assert np.array_equal(getattr(pairs, name), getattr(full, name)[rows, cols])
