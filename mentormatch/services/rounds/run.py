"""Running a round: load, score, solve (certified), explain, save; progress along the way.

Progress is written in short transactions of its own, so any web worker can show it. The
result (pairs, unmatched mentees, summary) is written in one final transaction: a crash at any
point leaves the round failed with its error, and nothing of the result half-written.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections import defaultdict
from dataclasses import replace

import numpy as np
from sqlalchemy import delete, insert, select, update

from mentormatch import tasks
from mentormatch.countries import world_region
from mentormatch.extensions import db
from mentormatch.matching import (
    ENGINE_VERSION,
    FeatureScores,
    MatchingProblem,
    UnmatchedReason,
    blocking_details,
    blocking_pairs,
    check_optimal,
    explain_unmatched,
    pair_components,
    solve,
    solve_stable,
    warmup,
)
from mentormatch.matching.preferences import (
    PreferenceScores,
    PreferenceValues,
    preference_bonus,
    stable_on_preferences,
)
from mentormatch.matching.solver import matched_total
from mentormatch.models import (
    MatchingRound,
    ProgressStage,
    RoundPair,
    RoundStatus,
    RoundUnmatched,
    User,
)
from mentormatch.models.times import utcnow
from mentormatch.services.preferences.figures import preference_figures
from mentormatch.services.rounds.inputs import RoundInputs, load_inputs
from mentormatch.services.rounds.settings import WEIGHT_NAMES, RoundSettings
from mentormatch.services.rounds.unmatched import option_details

log = logging.getLogger(__name__)

# Stability needs every mentee's full preference list: only for rounds up to this many pairs.
STABILITY_MAX_PAIRS = 50_000_000
# Blocking pairs kept with their scores for the review page (the count covers them all).
BLOCKING_PAIRS_KEPT = 50
HISTOGRAM_BINS = 10
RUN_TASK = "rounds.run"
# A round of 100,000 mentees takes about a minute; allow generously more before RQ stops it.
RUN_TIMEOUT = 30 * 60


def report_progress(round_id: int, stage: ProgressStage, percent: int) -> None:
    db.session.execute(
        update(MatchingRound)
        .where(MatchingRound.id == round_id)
        .values(progress_stage=stage, progress_percent=percent, progress_at=utcnow())
    )
    db.session.commit()


def has_preferences(inputs: RoundInputs) -> bool:
    return len(inputs.ranked) > 0 or len(inputs.preferred) > 0


def build_problem(inputs: RoundInputs, settings: RoundSettings) -> MatchingProblem:
    """The round's problem: scores from the profiles plus, when mentees ranked or mentors
    marked "prefer", the preference bonus at the round's preference weight; when the
    programme allows only ranked pairs, a pair the mentee did not rank is not allowed."""
    source = FeatureScores(inputs.mentees, inputs.mentors, settings.score_weights())
    if settings.preference_weight > 0 and has_preferences(inputs):
        max_ranks = max(inputs.max_ranks, int(inputs.ranked[:, 2].max(initial=0)))
        bonus = preference_bonus(
            source.shape, inputs.ranked, inputs.preferred, max_ranks,
            PreferenceValues(weight=settings.preference_weight),
        )  # fmt: skip
        source = PreferenceScores(source, bonus)
    allowed = None
    if not inputs.unranked_pairs and has_preferences(inputs):
        allowed = np.zeros(source.shape, dtype=bool)
        allowed[inputs.ranked[:, 0], inputs.ranked[:, 1]] = True
        for i, j in inputs.locked:
            allowed[i, j] = True
    return MatchingProblem(
        source,
        inputs.seats,
        allowed=allowed,
        forbidden=inputs.forbidden,
        locked=inputs.locked,
        min_score=settings.min_score,
        objective=settings.objective,
    )


def matched_components(inputs: RoundInputs, settings: RoundSettings, mentor_of: np.ndarray):
    """Rows: each part of the score (in WEIGHT_NAMES order), then the total; one column per
    matched pair."""
    matched = np.flatnonzero(mentor_of >= 0)
    comp = pair_components(
        inputs.mentees, inputs.mentors, settings.score_weights(), matched, mentor_of[matched]
    )
    parts = [getattr(comp, name) for name in WEIGHT_NAMES]
    return matched, np.vstack([*parts, comp.total])


def _group_table(keys: list[str], matched: np.ndarray, scores: np.ndarray) -> list[dict]:
    counts: dict[str, list] = defaultdict(lambda: [0, 0, 0.0])
    for key, is_matched, score in zip(keys, matched, scores, strict=True):
        entry = counts[key]
        entry[0] += 1
        if is_matched:
            entry[1] += 1
            entry[2] += float(score)
    table = [
        {
            "group": key,
            "mentees": n,
            "matched": k,
            "match_rate": k / n if n else 0.0,
            "mean_score": total / k if k else None,
        }
        for key, (n, k, total) in counts.items()
    ]
    return sorted(table, key=lambda row: (-row["mentees"], row["group"]))


def fairness(inputs: RoundInputs, mentor_of: np.ndarray, scores: np.ndarray) -> dict:
    """Match rate and mean score by home region, specialty and IMG-mentor preference."""
    matched = mentor_of >= 0
    prefers = inputs.mentee_prefers_img
    return {
        "home_region": _group_table(
            [world_region(c) for c in inputs.mentee_home_country], matched, scores
        ),
        "specialty": _group_table(inputs.mentee_specialty, matched, scores),
        "prefers_img_mentor": _group_table(
            ["prefers an IMG mentor" if p else "no preference" for p in prefers], matched, scores
        ),
    }


def summarise(inputs, problem, result, comps, matched_rows, timings, extra) -> dict:
    n = len(inputs.mentee_ids)
    per_mentee = np.zeros(n)
    totals = comps[-1]
    per_mentee[matched_rows] = totals
    histogram, _ = np.histogram(totals, bins=HISTOGRAM_BINS, range=(0.0, 1.0))
    img_prefs = np.array(inputs.mentee_prefers_img, dtype=bool)
    to_img = np.zeros(n, dtype=bool)
    if len(matched_rows):
        to_img[matched_rows] = np.array(inputs.mentor_is_img, dtype=bool)[
            result.mentor_of[matched_rows]
        ]
    return {
        "mentees": n,
        "mentors": len(inputs.mentor_ids),
        "seats": int(inputs.seats.sum()),
        "matched": int(result.n_matched),
        "unmatched": int(n - result.n_matched),
        "locked": len(inputs.locked),
        "forbidden": len(inputs.forbidden),
        "coverage": result.n_matched / n if n else 0.0,
        "total_score": float(result.total_score),
        "mean_score": float(totals.mean()) if len(matched_rows) else None,
        "component_means": {
            name: float(comps[k].mean()) if len(matched_rows) else None
            for k, name in enumerate(WEIGHT_NAMES)
        },
        "score_histogram": histogram.tolist(),
        "img_preference_met": int((img_prefs & to_img).sum()),
        "img_preference_total": int(img_prefs.sum()),
        "fairness": fairness(inputs, result.mentor_of, per_mentee),
        "excluded": [{"mentee_id": i, "reason": r} for i, r in inputs.excluded],
        "ignored_locks": [
            {"mentee_id": i, "mentor_id": j, "reason": r} for i, j, r in inputs.ignored_locks
        ],
        "timings": timings,
        **extra,
    }


def stability(problem: MatchingProblem, result, mentee_ids, mentor_ids) -> dict:
    """Blocking pairs of the optimal matching (as user ids), and the stable alternative's
    figures."""
    if problem.n_mentees * problem.n_mentors > STABILITY_MAX_PAIRS:
        return {"computed": False, "reason": "round too large for the stability view"}
    blocking = blocking_pairs(problem, result.mentor_of, limit=BLOCKING_PAIRS_KEPT)
    stable = solve_stable(problem)
    return {
        "computed": True,
        "blocking_pairs": int(blocking.count),
        "examples": blocking_examples(
            problem, result.mentor_of, blocking.pairs, mentee_ids, mentor_ids
        ),
        "stable_matched": int((stable.mentor_of >= 0).sum()),
        "stable_total_score": float(stable.total_score),
        "stable_mentor_of": stable.mentor_of.tolist(),
    }


def _user_or_none(ids: np.ndarray, index: int) -> int | None:
    return int(ids[index]) if index >= 0 else None


def _score_or_none(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4)


def blocking_examples(problem, mentor_of, pairs, mentee_ids, mentor_ids) -> list[dict]:
    """Each blocking pair by user ids, with their score together and each side's partner now
    (the mentee's mentor; the mentee the mentor would give up, None for a free seat)."""
    found = blocking_details(problem, mentor_of, pairs)
    return [
        {
            "mentee_id": int(mentee_ids[i]),
            "mentor_id": int(mentor_ids[j]),
            "score": round(float(found.score[k]), 4),
            "mentee_partner_id": _user_or_none(mentor_ids, int(found.mentee_partner[k])),
            "mentee_partner_score": _score_or_none(found.mentee_partner_score[k]),
            "mentor_partner_id": _user_or_none(mentee_ids, int(found.mentor_partner[k])),
            "mentor_partner_score": _score_or_none(found.mentor_partner_score[k]),
        }
        for k, (i, j) in enumerate(pairs.tolist())
    ]


@tasks.task(RUN_TASK, queue=tasks.ROUNDS_QUEUE, timeout=RUN_TIMEOUT)
def execute(round_id: int) -> None:
    """Run the round now (in this process). Never raises: failures are recorded on the round."""
    try:
        _execute(round_id)
    except Exception as exc:  # noqa: BLE001 - any failure must end as a failed round
        db.session.rollback()
        log.exception("Round %s failed", round_id)
        db.session.execute(
            update(MatchingRound)
            .where(MatchingRound.id == round_id)
            .values(
                status=RoundStatus.FAILED,
                error=f"{type(exc).__name__}: {exc}",
                finished_at=utcnow(),
                progress_at=utcnow(),
            )
        )
        db.session.commit()
        log.debug("".join(traceback.format_exception(exc)))


def _execute(round_id: int) -> None:
    matching_round = db.session.get(MatchingRound, round_id)
    settings = RoundSettings.from_json(matching_round.settings)
    timings: dict[str, float] = {}

    report_progress(round_id, ProgressStage.LOADING, 5)
    t0 = time.perf_counter()
    inputs = load_inputs(settings, round_id)
    timings["load"] = time.perf_counter() - t0

    if not warmup.is_warm():
        report_progress(round_id, ProgressStage.PREPARING, 10)
        t0 = time.perf_counter()
        warmup.ensure_warm()
        timings["prepare_engine"] = time.perf_counter() - t0

    report_progress(round_id, ProgressStage.SCORING, 20)
    t0 = time.perf_counter()
    problem = build_problem(inputs, settings)
    timings["score"] = time.perf_counter() - t0

    report_progress(round_id, ProgressStage.SOLVING, 35)
    t0 = time.perf_counter()
    result = solve(problem)
    timings["solve"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    certificate = check_optimal(problem, result)
    timings["certify"] = time.perf_counter() - t0
    if not certificate:
        raise RuntimeError(f"the engine's result failed its optimality check: {certificate}")
    optimum = result
    extra = {"certified": True}
    stable_mode = False
    if has_preferences(inputs):
        t0 = time.perf_counter()
        small = problem.n_mentees * problem.n_mentors <= STABILITY_MAX_PAIRS
        stable_of = (
            stable_on_preferences(problem, inputs.ranked, inputs.preferred) if small else None
        )
        if inputs.preference_mode == "stable" and stable_of is not None:
            # the programme asked for stability on the stated lists: the round proposes the
            # stable matching; the certified optimum is kept for comparison
            chosen, other = stable_of, result.mentor_of
            result = _stable_result(problem, result, stable_of)
            extra["certified"] = False
            stable_mode = True
        else:
            chosen, other = result.mentor_of, stable_of
        # a stable programme's round too large for the stable view is solved for the optimum
        extra["preferences"] = preference_figures(
            problem, inputs, chosen, other, "stable" if stable_mode else "optimal"
        )
        timings["preferences"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    reasons = _reasons(problem, result, optimum)
    details = option_details(problem, inputs, settings, result.mentor_of, reasons)
    timings["explain"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    stable = stability(problem, optimum, inputs.mentee_ids, inputs.mentor_ids)
    timings["stability"] = time.perf_counter() - t0

    report_progress(round_id, ProgressStage.SAVING, 80)
    t0 = time.perf_counter()
    matched_rows, comps = matched_components(inputs, settings, result.mentor_of)
    locked_rows = {i for i, _ in inputs.locked}
    timings["components"] = time.perf_counter() - t0
    summary = summarise(
        inputs, problem, result, comps, matched_rows, timings,
        {**extra, "stability": stable},
    )  # fmt: skip
    _save(round_id, inputs, result, matched_rows, comps, locked_rows, reasons, details, summary)
    timings["save"] = time.perf_counter() - t0


def _stable_result(problem: MatchingProblem, optimum, mentor_of: np.ndarray):
    """The stable matching in the optimum's shape (its duals are the optimum's: they certify
    the optimum only, and the summary says the round is not certified)."""
    return replace(
        optimum,
        mentor_of=mentor_of,
        total_score=matched_total(problem, mentor_of),
        n_matched=int((mentor_of >= 0).sum()),
    )


def _reasons(problem: MatchingProblem, result, optimum):
    """Why each unmatched mentee is unmatched: the engine's reasons on the certified optimum;
    a stable matching (result is not the optimum) leaves some mentees out whom the optimum
    places: for them, that every mentor on their list kept mentees they put first."""
    engine = explain_unmatched(problem, optimum)
    if result is optimum:
        return engine
    by_mentee = {reason.mentee: reason for reason in engine}
    return [
        by_mentee.get(int(i))
        or UnmatchedReason(
            mentee=int(i),
            code="stable_full",
            message="Every mentor on this mentee's list held mentees they put ahead of them.",
            mentors=np.zeros(0, np.int64),
            mentees=np.zeros(0, np.int64),
        )  # fmt: skip
        for i in np.flatnonzero(result.mentor_of < 0)
    ]


NAMES_SHOWN = 3


def _mentor_names(inputs: RoundInputs, reasons) -> dict[int, str]:
    """Names of the mentors the reasons will mention (a few per reason), in one query."""
    wanted = {
        int(inputs.mentor_ids[j]) for reason in reasons for j in reason.mentors[:NAMES_SHOWN]
    }
    if not wanted:
        return {}
    rows = db.session.execute(select(User.id, User.full_name).where(User.id.in_(wanted)))
    return dict(rows.all())


def _listed(names: list[str], total: int) -> str:
    more = total - len(names)
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def reason_message(reason, inputs: RoundInputs, names: dict[int, str]) -> str:
    """The engine's reason in people's terms (its own message speaks of matrix indices)."""
    mentor_names = [
        names.get(int(inputs.mentor_ids[j]), "?") for j in reason.mentors[:NAMES_SHOWN]
    ]
    mentors = _listed(mentor_names, len(reason.mentors))
    if reason.code == "no_allowed_mentor":
        return "No mentor may be proposed: every pair is forbidden or below the minimum score."
    if reason.code == "mentors_full":
        return (
            f"Every mentor who fits ({mentors}) is full with mentees who have no other "
            f"option: {len(reason.mentees)} mentees compete for "
            f"{len(reason.mentors)} mentor{'s' if len(reason.mentors) != 1 else ''}."
        )
    if reason.code == "no_seats":
        return f"The mentors who fit ({mentors}) have no free seat left."
    if reason.code == "lowers_total_score":
        return f"A mentor was free ({mentors}), but this pair would lower the total score."
    if reason.code == "only_negative_scores":
        return "Every allowed mentor scores below zero for this mentee."
    return reason.message


def _save(
    round_id, inputs, result, matched_rows, comps, locked_rows, reasons, details, summary
) -> None:
    """One transaction: replace any earlier result of this round with the new one."""
    db.session.execute(delete(RoundPair).where(RoundPair.round_id == round_id))
    db.session.execute(delete(RoundUnmatched).where(RoundUnmatched.round_id == round_id))
    mentor_ids = inputs.mentor_ids
    pair_rows = [
        {
            "round_id": round_id,
            "mentee_id": int(inputs.mentee_ids[i]),
            "mentor_id": int(mentor_ids[result.mentor_of[i]]),
            **{f"{name}_score": float(comps[c, k]) for c, name in enumerate(WEIGHT_NAMES)},
            "score": float(comps[-1, k]),
            "locked": int(i) in locked_rows,
        }
        for k, i in enumerate(matched_rows)
    ]
    if pair_rows:
        db.session.execute(insert(RoundPair), pair_rows)
    names = _mentor_names(inputs, reasons)
    unmatched_rows = [
        {
            "round_id": round_id,
            "mentee_id": int(inputs.mentee_ids[reason.mentee]),
            "reason": reason.code,
            "message": reason_message(reason, inputs, names),
            "details": details.get(reason.mentee),
        }
        for reason in reasons
    ]
    if unmatched_rows:
        db.session.execute(insert(RoundUnmatched), unmatched_rows)
    db.session.execute(
        update(MatchingRound)
        .where(MatchingRound.id == round_id)
        .values(
            status=RoundStatus.PROPOSED,
            summary=summary,
            engine_version=ENGINE_VERSION,
            input_fingerprint=inputs.fingerprint,
            finished_at=utcnow(),
            progress_stage=ProgressStage.DONE,
            progress_percent=100,
            progress_at=utcnow(),
            error=None,
        )
    )
    db.session.commit()
