"""The matching engine: exact, capacity-aware assignment of mentees to mentors.

Indices in, indices out: numpy plus numba kernels. Of the project it imports only the domain
vocabulary `mentormatch.codes` (plain data), never Flask, SQLAlchemy or the app
(tests/matching/test_purity.py), so the rounds service, the CLI and the benchmarks can all
call it.

    from mentormatch.matching import MatchingProblem, solve
    result = solve(MatchingProblem(scores, capacity))
    result.mentor_of, result.total_score
"""

# First: numba takes a kernel's cache folder when the kernel is decorated.
from . import _compile_cache  # noqa: F401  # isort: skip
from .certificate import OptimalityReport, check_feasible, check_optimal
from .explain import (
    BlockingDetails,
    MentorOptions,
    UnmatchedReason,
    blocking_details,
    explain_unmatched,
    mentor_options,
)
from .problem import DenseScores, InvalidProblem, MatchingProblem, ScoreSource
from .scoring import (
    FeatureScores,
    MenteeFeatures,
    MentorFeatures,
    PairExplanation,
    ScoreComponents,
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
from .solver import ENGINE_VERSION, Duals, MatchingResult, SolveStats, solve
from .stable import BlockingPairs, StableResult, blocking_pairs, solve_stable

from . import warmup  # noqa: E402  # isort: skip - after the kernels it runs

__all__ = [
    "ENGINE_VERSION",
    "BlockingDetails",
    "BlockingPairs",
    "DenseScores",
    "Duals",
    "FeatureScores",
    "InvalidProblem",
    "MatchingProblem",
    "MatchingResult",
    "MenteeFeatures",
    "MentorOptions",
    "MentorFeatures",
    "OptimalityReport",
    "PairExplanation",
    "ScoreComponents",
    "ScoreSource",
    "ScoreWeights",
    "SolveStats",
    "StableResult",
    "UnmatchedReason",
    "blocking_details",
    "blocking_pairs",
    "check_feasible",
    "check_optimal",
    "compute_components",
    "compute_scores",
    "encode_mentees",
    "encode_mentors",
    "explain_pair",
    "explain_unmatched",
    "iter_score_blocks",
    "mentor_options",
    "pair_components",
    "solve",
    "solve_stable",
    "top_k_mentors",
    "warmup",
]
