"""`check_optimal`: verify a result's dual prices against every allowed pair.

LP duality for the b-matching (max sum w_ij x_ij, each mentee <= 1, mentor j <= r_j seats):
a feasible matching x and prices u, v >= 0 with u_i + v_j >= w_ij on every allowed pair and
sum(w x) == sum(u) + sum(r_j v_j) prove that no matching does better. All of it is checked
in int64 weight units (`integer_scores.py`), so "within tolerance" means exactly equal; the scan
over all pairs runs in row blocks, so it works when the score matrix does not fit in memory.

This module shares with the solver only the integer weight rule (`integer_scores`) and, for
scores from features, the pair-score function (`_pair_score`, checked against the numpy
reference by a test): it recomputes every weight and checks the statements above from scratch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit, prange

from ._pair_score import (
    N_MENTOR_CODES,
    extras_total,
    img_visa_part,
    language_value,
    pair_extras,
    pair_score,
    popcount,
    research_value,
    specialty_value,
    support_value,
    weighted_total,
    with_extras,
)
from .integer_scores import arc_weight, integer_scale
from .preferences import bonus_of, feature_source
from .problem import MatchingProblem
from .scoring import (
    mentee_flags,
    mentee_region_rows,
    mentee_specialty_rows,
    mentor_codes,
    shared_language_masks,
    specialty_similarity,
)
from .solver import MatchingResult


@dataclass(frozen=True)
class OptimalityReport:
    """ok is True when the result is feasible and its duals prove it optimal."""

    ok: bool
    feasible: bool
    dual_feasible: bool
    complementary: bool
    primal_weight: int
    dual_weight: int
    violations: int
    worst_violation: int
    problems: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return self.ok


@njit(cache=True, parallel=True)
def _dual_violations(scores, allowed, use_allowed, min_score, unit, factor, offset, u, v, ok):
    b, m = scores.shape
    count = np.zeros(b, np.int64)
    worst = np.zeros(b, np.int64)
    for i in prange(b):
        c = 0
        wv = 0
        for j in range(m):
            if not ok[j] or scores[i, j] < min_score:
                continue
            if use_allowed and not allowed[i, j]:
                continue
            slack = u[i] + v[j] - arc_weight(scores[i, j], unit, factor, offset)
            if slack < 0:
                c += 1
                if -slack > wv:
                    wv = -slack
        count[i] = c
        worst[i] = wv
    return count, worst


@njit(cache=True, parallel=True)
def _feature_violations(
    spec_rows, reg_rows, res_e, rows, ms, msub, mst, res_m, ws, wr, wq,
    min_score, unit, factor, offset, u, v, ok, fptr, fcols, allowed, use_allowed,
    sup_e, lang_e, flags_e, sup_m, lang_m, code_m, wu, wl, wi, wv_, extras,
):  # fmt: skip
    """`_dual_violations` scoring every pair from the features itself (no score block)."""
    b = spec_rows.shape[0]
    m = ms.shape[0]
    nw = lang_e.shape[1]
    count = np.zeros(b, np.int64)
    worst = np.zeros(b, np.int64)
    for i in prange(b):
        c = 0
        wv = 0
        a = res_e[i]
        row = rows[i]
        fp = fptr[row]
        fe = fptr[row + 1]
        for j in range(m):
            if not ok[j]:
                continue
            sp = specialty_value(spec_rows[i, ms[j]], spec_rows[i, msub[j]], msub[j] >= 0)
            s = pair_score(sp, reg_rows[i, mst[j]], a, res_m[j], ws, wr, wq)
            if extras:
                shared = False
                for w in range(nw):
                    if lang_e[i, w] & lang_m[j, w] != 0:
                        shared = True
                        break
                s = with_extras(
                    s,
                    pair_extras(
                        sup_e[i], sup_m[j], shared, flags_e[i], code_m[j], wu, wl, wi, wv_
                    ),
                )
            if s < min_score:
                continue
            slack = u[i] + v[j] - arc_weight(s, unit, factor, offset)
            if slack >= 0:
                continue
            while fp < fe and fcols[fp] < j:
                fp += 1
            if fp < fe and fcols[fp] == j:
                continue
            if use_allowed and not allowed[row, j]:
                continue
            c += 1
            if -slack > wv:
                wv = -slack
        count[i] = c
        worst[i] = wv
    return count, worst


_INF = np.int64(1) << np.int64(62)


@njit(cache=True, inline="always")
def _jaccard_bound(na, xg, lo, hi):
    """An upper bound of fl(|A & B| / max(|A | B|, 1)) for |A| = na, |B| = nb in [lo, hi] and
    |A & B| <= xg: max over nb of fl(x / max(na + nb - x, 1)) with x = min(xg, na, nb).

    As reals x / (na + nb - x) grows with x (for 0 <= x <= min(na, nb)) and |A | B| =
    na + nb - |A & B|, so the real Jaccard is at most that value; correctly rounded division
    is monotone, so the computed one is too."""
    best = 0.0
    for nb in range(lo, hi + 1):
        x = min(xg, min(na, nb))
        val = research_value(x, na + nb - x)
        if val > best:
            best = val
    return best


@njit(cache=True, inline="always")
def _extras_bound(se, or_sup, lang_possible, flags, iv, wu, wl):
    """An upper bound of the extras term of a mentee (support mask se, flags) and any mentor of
    a group: the support value at |se & or_sup| (the union of the group's offered support)
    bounds it at |se & offered_j| (x / sought grows with x; correctly rounded division is
    monotone), "shares a language" is possible only when the mentee's languages meet the
    union of the group's, and iv bounds the img_mentor + visa part."""
    sought = popcount(se)
    sup = support_value(popcount(se & or_sup), sought)
    listed = flags & 1
    lang = language_value(False, listed)
    if lang_possible:
        lang = max(lang, language_value(True, listed))
    return extras_total(wu * sup, wl * lang, iv)


@njit(cache=True, parallel=True)
def _grouped_violations(
    spec_rows, reg_rows, res_e, rows, ms, msub, mst, res_m, ws, wr, wq, min_score, unit,
    factor, offset, u, v, ok, fptr, fcols, allowed, use_allowed, order, g_ptr, g_minv, g_nblo,
    g_nbhi, g_or, k_ptr, k_minv, k_nblo, k_nbhi, k_or, g_sup, g_lang, k_sup, k_lang,
    sup_e, lang_e, flags_e, sup_m, lang_m, code_m, wu, wl, wi, wv_, extras,
):  # fmt: skip
    """`_feature_violations` skipping groups of mentors that cannot hold a violated pair.

    Mentors (in `order`) are grouped by (specialty, subspecialty, state) -> groups g, and the
    groups by (specialty, subspecialty) -> kinds k. Why a skipped group holds no violation:
    for every mentor j of group g the specialty value sp and the region value rg are the same
    (they depend on those three codes only), and the research value is
    fl(inter / max(union, 1)) <= fl(min(na, nb_j) / max(na, nb_j, 1)) <= R_g (the reals obey
    the same inequalities, and correctly rounded division is monotone), with R_g taken at the
    group's research-count range and |A & B_j| <= |A & OR_g| (OR_g: the union of the group's
    research masks), see `_jaccard_bound`. Float multiplication by a weight >= 0, addition and rint
    are monotone, so s_ij = ws*sp + wr*rg + wq*J <= S_g := ws*sp + wr*rg + wq*R_g and
    w_ij <= W_g := rint(S_g / unit) * factor + offset (factor > 0). Since v_j >= min_v_g
    (the lowest price of a usable mentor of g), u_i + v_j - w_ij >= u_i + min_v_g - W_g; when
    that is >= 0 no pair of the group is violated and skipping it changes neither the count
    nor the worst violation. A kind is skipped the same way with rg replaced by the row's
    largest region value (rg <= rg_max). Every other pair is scored and checked in full.

    With the extras on, the score adds E_ij = (wu*sup + wl*lang) + iv (`pair_extras`), and
    S_g adds the bound of `_extras_bound` (support and language from the unions of the group's
    masks g_sup, g_lang; iv exact: when the img_mentor or visa weight is above 0 the groups
    are also split by the mentor's code, else iv is 0.0 for every mentor); a kind uses the
    row's largest iv. Addition is monotone in each operand, so s_ij <= S_g still holds.
    """
    b = spec_rows.shape[0]
    nw = lang_e.shape[1]
    n_kind = k_ptr.shape[0] - 1
    count = np.zeros(b, np.int64)
    worst = np.zeros(b, np.int64)
    for i in prange(b):
        c = 0
        wv = 0
        a = res_e[i]
        na = np.int64(popcount(a))
        row = rows[i]
        fp = fptr[row]
        fe = fptr[row + 1]
        ui = u[i]
        rg_max = reg_rows[i, 0]
        for t in range(1, reg_rows.shape[1]):
            if reg_rows[i, t] > rg_max:
                rg_max = reg_rows[i, t]
        se = sup_e[i]
        flags = flags_e[i]
        iv_max = 0.0
        if extras:
            iv_max = img_visa_part(flags, 0, wi, wv_)
            for code in range(1, N_MENTOR_CODES):
                iv_max = max(iv_max, img_visa_part(flags, code, wi, wv_))
        for k in range(n_kind):
            if k_minv[k] >= _INF:
                continue
            j0 = order[g_ptr[k_ptr[k]]]
            sp = specialty_value(spec_rows[i, ms[j0]], spec_rows[i, msub[j0]], msub[j0] >= 0)
            jk = _jaccard_bound(na, np.int64(popcount(a & k_or[k])), k_nblo[k], k_nbhi[k])
            sk = weighted_total(ws * sp, wr * rg_max, wq * jk)
            if extras:
                shared_k = False
                for w in range(nw):
                    if lang_e[i, w] & k_lang[k, w] != 0:
                        shared_k = True
                        break
                sk = with_extras(sk, _extras_bound(se, k_sup[k], shared_k, flags, iv_max, wu, wl))
            if ui + k_minv[k] - arc_weight(sk, unit, factor, offset) >= 0:
                continue
            for g in range(k_ptr[k], k_ptr[k + 1]):
                if g_minv[g] >= _INF:
                    continue
                rg = reg_rows[i, mst[order[g_ptr[g]]]]
                jg = _jaccard_bound(na, np.int64(popcount(a & g_or[g])), g_nblo[g], g_nbhi[g])
                sg = weighted_total(ws * sp, wr * rg, wq * jg)
                if extras:
                    iv = img_visa_part(flags, code_m[order[g_ptr[g]]], wi, wv_)
                    shared_g = False
                    for w in range(nw):
                        if lang_e[i, w] & g_lang[g, w] != 0:
                            shared_g = True
                            break
                    sg = with_extras(sg, _extras_bound(se, g_sup[g], shared_g, flags, iv, wu, wl))
                if ui + g_minv[g] - arc_weight(sg, unit, factor, offset) >= 0:
                    continue
                for p in range(g_ptr[g], g_ptr[g + 1]):
                    j = order[p]
                    if not ok[j]:
                        continue
                    s = pair_score(sp, rg, a, res_m[j], ws, wr, wq)
                    if extras:
                        shared = False
                        for w in range(nw):
                            if lang_e[i, w] & lang_m[j, w] != 0:
                                shared = True
                                break
                        s = with_extras(
                            s, pair_extras(se, sup_m[j], shared, flags, code_m[j], wu, wl, wi, wv_)
                        )
                    if s < min_score:
                        continue
                    slack = u[i] + v[j] - arc_weight(s, unit, factor, offset)
                    if slack >= 0:
                        continue
                    lo = fp
                    hi = fe
                    while lo < hi:
                        mid = (lo + hi) >> 1
                        if fcols[mid] < j:
                            lo = mid + 1
                        else:
                            hi = mid
                    if lo < fe and fcols[lo] == j:
                        continue
                    if use_allowed and not allowed[row, j]:
                        continue
                    c += 1
                    if -slack > wv:
                        wv = -slack
        count[i] = c
        worst[i] = wv
    return count, worst


def _mentor_groups(mt, v, ok_mentor, extras):
    """Mentors sorted by (specialty, subspecialty, state, code, index), code being the mentor's
    extras code when the img_mentor or visa weight is above 0 (else 0): group and kind
    boundaries, research-count ranges, the lowest usable price of each, and the unions of the
    support and language masks (`_grouped_violations`)."""
    sup_m, lang_m, code_m, by_code = extras
    m = len(mt.specialty)
    code_key = code_m if by_code else np.zeros(m, np.int64)
    order = np.lexsort((np.arange(m), code_key, mt.state, mt.subspecialty, mt.specialty)).astype(
        np.int64
    )
    nb = np.bitwise_count(mt.research.astype(np.uint64)).astype(np.int64)
    kind = (mt.specialty[order] * 1024 + mt.subspecialty[order] + 1).astype(np.int64)
    key = (kind * 1024 + mt.state[order]) * 16 + code_key[order]
    g_start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    g_ptr = np.r_[g_start, m].astype(np.int64)
    vo = np.where(ok_mentor[order], v[order], _INF).astype(np.int64)
    g_minv = np.minimum.reduceat(vo, g_start)
    g_nblo = np.minimum.reduceat(nb[order], g_start)
    g_nbhi = np.maximum.reduceat(nb[order], g_start)
    g_or = np.bitwise_or.reduceat(mt.research.astype(np.uint64)[order], g_start)
    gk = kind[g_start]
    k_start = np.flatnonzero(np.r_[True, gk[1:] != gk[:-1]])
    k_ptr = np.r_[k_start, len(g_start)].astype(np.int64)
    g_sup = np.bitwise_or.reduceat(sup_m[order], g_start)
    g_lang = np.ascontiguousarray(np.bitwise_or.reduceat(lang_m[order], g_start))
    return (
        order, g_ptr, g_minv, g_nblo, g_nbhi, g_or, k_ptr, np.minimum.reduceat(g_minv, k_start),
        np.minimum.reduceat(g_nblo, k_start), np.maximum.reduceat(g_nbhi, k_start),
        np.bitwise_or.reduceat(g_or, k_start), g_sup, g_lang,
        np.bitwise_or.reduceat(g_sup, k_start),
        np.ascontiguousarray(np.bitwise_or.reduceat(g_lang, k_start)),
    )  # fmt: skip


def _extras_arrays(src):
    """The extras' arrays, recomputed from the features (not taken from the solver's source):
    mentee support masks, language masks and flags, mentor support masks, language masks and
    codes, the four normalised weights, whether any is on, and whether groups split by code."""
    weights = src.weights
    wu, wl, wi, wv = weights.normalised()[3:]
    on = weights.extras_on
    if on and wl > 0:
        lang_e, lang_m = shared_language_masks(src.mentees, src.mentors)
    else:
        lang_e = np.zeros((len(src.mentees), 1), np.uint64)
        lang_m = np.zeros((len(src.mentors), 1), np.uint64)
    mentee = (src.mentees.support, lang_e, mentee_flags(src.mentees))
    mentor = (src.mentors.support, lang_m, mentor_codes(src.mentors))
    return mentee, mentor, (wu, wl, wi, wv, on), on and (wi > 0 or wv > 0)


def _violations_from_features(problem, scale, u, v, ok_mentor, min_score, pruned=True):
    src = feature_source(problem.source)
    mt = src.mentors
    free = problem.free_mentees
    use_allowed = problem.allowed is not None
    allowed = problem.allowed if use_allowed else np.zeros((1, 1), dtype=bool)
    ws, wr, wq = src.weights.normalised()[:3]
    sim = specialty_similarity()
    violations = 0
    worst = 0
    pruned = pruned and problem.n_mentors > 0
    mentee_x, mentor_x, weights_x, by_code = _extras_arrays(src)
    if pruned:
        groups = _mentor_groups(mt, np.asarray(v, np.int64), ok_mentor, (*mentor_x, by_code))
    for start in range(0, len(free), 8192):
        rows = free[start : start + 8192]
        extras = (
            mentee_x[0][rows], np.ascontiguousarray(mentee_x[1][rows]), mentee_x[2][rows],
            *mentor_x, *weights_x,
        )  # fmt: skip
        if pruned:
            cnt, wv = _grouped_violations(
                np.ascontiguousarray(mentee_specialty_rows(src.mentees, rows, sim)),
                np.ascontiguousarray(mentee_region_rows(src.mentees, rows)),
                np.ascontiguousarray(src.mentees.research[rows]), rows,
                mt.specialty, mt.subspecialty, mt.state, mt.research, ws, wr, wq,
                min_score, scale.unit, scale.factor, scale.offset, u[start : start + len(rows)], v,
                ok_mentor, problem._forbidden_ptr, problem._forbidden_cols, allowed,
                use_allowed, *groups, *extras,
            )  # fmt: skip
            violations += int(cnt.sum())
            worst = max(worst, int(wv.max()) if len(wv) else 0)
            continue
        cnt, wv = _feature_violations(
            np.ascontiguousarray(mentee_specialty_rows(src.mentees, rows, sim)),
            np.ascontiguousarray(mentee_region_rows(src.mentees, rows)),
            np.ascontiguousarray(src.mentees.research[rows]), rows,
            mt.specialty, mt.subspecialty, mt.state, mt.research, ws, wr, wq,
            min_score, scale.unit, scale.factor, scale.offset, u[start : start + len(rows)], v,
            ok_mentor, problem._forbidden_ptr, problem._forbidden_cols, allowed, use_allowed,
            *extras,
        )  # fmt: skip
        violations += int(cnt.sum())
        worst = max(worst, int(wv.max()) if len(wv) else 0)
    return violations, worst


def _bonus_violations(problem, scale, u, v, ok_mentor, bonus) -> tuple[int, int]:
    pos_of = np.full(problem.n_mentees, -1, np.int64)
    pos_of[problem.free_mentees] = np.arange(len(problem.free_mentees))
    keep = (pos_of[bonus.rows] >= 0) & ok_mentor[bonus.cols]
    rows, cols = bonus.rows[keep], bonus.cols[keep]
    totals = problem.pair_scores(rows, cols)
    ok = problem.pairs_allowed(rows, cols, totals)
    gap = scale.arc_weights(totals[ok]) - (u[pos_of[rows[ok]]] + v[cols[ok]])
    bad = gap > 0
    return int(bad.sum()), int(gap[bad].max()) if bad.any() else 0


def check_feasible(problem: MatchingProblem, mentor_of: np.ndarray) -> list[str]:
    """Every rule of the problem, checked on a result; returns what is broken (empty: ok)."""
    errors: list[str] = []
    mentor_of = np.asarray(mentor_of)
    if mentor_of.shape != (problem.n_mentees,):
        return [f"mentor_of has shape {mentor_of.shape}, expected ({problem.n_mentees},)"]
    bad = (mentor_of < -1) | (mentor_of >= problem.n_mentors)
    if bad.any():
        return [f"mentee {int(np.flatnonzero(bad)[0])} has an invalid mentor index"]
    load = np.bincount(mentor_of[mentor_of >= 0], minlength=problem.n_mentors)
    over = np.flatnonzero(load > problem.capacity)
    if len(over):
        errors.append(
            f"mentor {int(over[0])} has {int(load[over[0]])} mentees, capacity "
            f"{int(problem.capacity[over[0]])}"
        )
    for i, j in problem.locked:
        if mentor_of[i] != j:
            errors.append(f"locked pair (mentee {i}, mentor {j}) is missing")
    rows = np.flatnonzero((mentor_of >= 0) & (problem.locked_mentor_of < 0))
    pick = problem.pairs_allowed(rows, mentor_of[rows])
    if not pick.all():
        i = int(rows[np.flatnonzero(~pick)[0]])
        errors.append(f"pair (mentee {i}, mentor {int(mentor_of[i])}) is not allowed")
    return errors


def check_optimal(problem: MatchingProblem, result: MatchingResult) -> OptimalityReport:
    """Verify feasibility, dual feasibility on every allowed pair, and zero duality gap."""
    problems = check_feasible(problem, result.mentor_of)
    feasible = not problems
    free = problem.free_mentees
    nf = len(free)
    rescap = problem.residual_capacity
    scale = integer_scale(
        problem.objective,
        problem.source.bound(),
        nf,
        int(rescap.max()) if problem.n_mentors else 0,
    )
    if scale != result.duals.scale:
        problems.append("the result's weight scale does not match the problem")
    u_all = np.asarray(result.duals.mentee, dtype=np.int64)
    v = np.asarray(result.duals.mentor, dtype=np.int64)
    u = u_all[free]
    signs_ok = bool((u >= 0).all() and (v >= 0).all())
    if not signs_ok:
        problems.append("a dual price is negative")

    # dual feasibility on every allowed free pair, in blocks
    min_score = -np.inf if problem.min_score is None else float(problem.min_score)
    use_allowed = problem.allowed is not None or problem.forbidden_rows
    dummy = np.zeros((1, 1), dtype=bool)
    ok_mentor = rescap > 0
    violations = 0
    worst = 0
    pos = 0
    scan_rows = free
    if feature_source(problem.source) is not None:
        violations, worst = _violations_from_features(problem, scale, u, v, ok_mentor, min_score)
        scan_rows = free[:0]  # every row was checked above, from the features
        bonus = bonus_of(problem.source)
        if bonus is not None:
            # and the bonus pairs against their totals (a total is never below its score, so
            # with the check above every pair is checked against its total)
            cnt, wv = _bonus_violations(problem, scale, u, v, ok_mentor, bonus)
            violations += cnt
            worst = max(worst, wv)
    for idx, block in problem.row_blocks(scan_rows):
        allowed = np.ascontiguousarray(problem.pair_mask(idx)) if use_allowed else dummy
        cnt, wv = _dual_violations(
            block, allowed, use_allowed, min_score, scale.unit, scale.factor, scale.offset,
            u[pos : pos + len(idx)], v, ok_mentor,
        )  # fmt: skip
        violations += int(cnt.sum())
        worst = max(worst, int(wv.max()) if len(wv) else 0)
        pos += len(idx)
    dual_feasible = signs_ok and violations == 0
    if violations:
        problems.append(f"{violations} allowed pairs have u_i + v_j < w_ij (worst by {worst})")

    # complementary slackness and equal objectives (exact integers)
    mo = result.mentor_of[free]
    matched = np.flatnonzero(mo >= 0)
    w_matched = scale.arc_weights(problem.pair_scores(free[matched], mo[matched]))
    tight = u[matched] + v[mo[matched]] == w_matched
    load = np.bincount(mo[matched], minlength=problem.n_mentors)
    complementary = bool(tight.all() and (u[mo < 0] == 0).all() and (v[load < rescap] == 0).all())
    if not complementary:
        problems.append(
            "complementary slackness fails (a matched pair is not tight, or a "
            "price is positive on an unmatched mentee or a free seat)"
        )
    primal = sum(int(x) for x in w_matched)
    dual = sum(int(x) for x in u) + sum(int(c) * int(x) for c, x in zip(rescap, v, strict=True))
    if primal != dual:
        problems.append(f"primal weight {primal} != dual weight {dual}")
    ok = feasible and dual_feasible and complementary and primal == dual and not problems
    return OptimalityReport(
        ok=ok,
        feasible=feasible,
        dual_feasible=dual_feasible,
        complementary=complementary,
        primal_weight=primal,
        dual_weight=dual,
        violations=violations,
        worst_violation=worst,
        problems=tuple(problems),
    )
