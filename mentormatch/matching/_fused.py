"""Fused scans for scores computed from features: score a pair and use it in the same pass.

At 100,000 x 20,000 every full scan scores 2 billion pairs. `FeatureScores.rows` would
materialise each block of float scores first; the kernels here never do: per mentee row they
build small lookup tables (the weighted specialty term for each distinct mentor
(specialty, subspecialty) combination, the weighted region term per state, the weighted
research term per (overlap, mentor research count)), so a pair costs three lookups and one
popcount, and the row's top candidates or violated arcs are kept as the row is scanned.

The floats are exactly those of `FeatureScores.rows`: the tables hold the weighted parts of
`_pair_score.pair_score` and a pair adds them with its `weighted_total` (the same operations
in the same order); a test checks it bit for bit. With the optional extras on (`extras`), a
row also gets the weighted support term per overlap, the language term for "shares a
language" or not, and the weighted img_mentor + visa term per mentor code; a pair adds them
with `extras_total` and `with_extras`, as `_pair_score.pair_extras` does. With them off the
kernels never touch them.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import njit, prange

from ._kernels import _emit_sorted, _keep_best, _sift_down_max, _sift_up_max
from ._pair_score import (
    N_MENTOR_CODES,
    extras_total,
    img_visa_part,
    language_value,
    popcount,
    research_value,
    specialty_value,
    support_value,
    weighted_total,
    with_extras,
)
from .integer_scores import arc_weight
from .scoring import mentee_region_rows, mentee_specialty_rows

BLOCK_ROWS = 8192
SUPPORT_TABLE = 65  # a support overlap is at most 64 codes


class FeatureTables:
    """Mentor-side arrays of a `FeatureScores`, prepared once per solve."""

    def __init__(self, source) -> None:
        mt = source.mentors
        combo_key = mt.specialty * 1024 + (mt.subspecialty + 1)
        uniq, self.combo = np.unique(combo_key, return_inverse=True)
        self.combo = self.combo.astype(np.int32)
        self.combo_spec = (uniq // 1024).astype(np.int64)
        self.combo_sub = (uniq % 1024 - 1).astype(np.int64)
        self.state = mt.state.astype(np.int32)
        self.research = mt.research.astype(np.uint64)
        self.n_research = np.array([bin(int(x)).count("1") for x in mt.research], np.int32)
        self.max_nb = int(self.n_research.max()) if len(self.n_research) else 0
        self.source = source
        self.ws, self.wr, self.wq = source.base_weights
        self.wu, self.wl, self.wi, self.wv = source.extra_weights
        self.extras = source.extras
        self.support, self.languages, self.codes = source.mentor_extras()
        self._groups = None

    def groups(self) -> MentorGroups:
        if self._groups is None:
            self._groups = MentorGroups(self)
        return self._groups

    def row_tables(self, rows: np.ndarray):
        src = self.source
        spec_rows = np.ascontiguousarray(mentee_specialty_rows(src.mentees, rows, src._sim))
        reg_rows = np.ascontiguousarray(mentee_region_rows(src.mentees, rows))
        return spec_rows, reg_rows, np.ascontiguousarray(src.mentees.research[rows])

    def extra_args(self, rows: np.ndarray) -> tuple:
        """The arguments a scan takes for the extras: the rows' support masks, language masks
        and flags, the mentors' (in their order), the four weights and `extras`."""
        return (
            *self.source.mentee_extras(rows), self.support, self.languages, self.codes,
            self.wu, self.wl, self.wi, self.wv, self.extras,
        )  # fmt: skip


@njit(cache=True, inline="always")
def _row_setup(
    spec_rows, reg_rows, i, a, combo_spec, combo_sub, max_nb, ws, wr, wq, wsp, wrg, wqr
):
    """Fill row i's tables of weighted parts: per mentor (specialty, subspecialty) combo, per
    state, and per (overlap x, mentor research count nb) with |A | B| = na + nb - x."""
    for c in range(combo_spec.shape[0]):
        spec, sub = combo_spec[c], combo_sub[c]
        wsp[c] = ws * specialty_value(spec_rows[i, spec], spec_rows[i, sub], sub >= 0)
    for s in range(reg_rows.shape[1]):
        wrg[s] = wr * reg_rows[i, s]
    na = np.int64(popcount(a))
    for x in range(max_nb + 1):
        for nb in range(max_nb + 1):
            wqr[x * (max_nb + 1) + nb] = wq * research_value(x, na + nb - x)


@njit(cache=True, inline="always")
def _row_setup_extras(i, sup_e, flags_e, wu, wl, wi, wv, wsup, wlang, wiv):
    """Fill row i's tables of the extras' weighted parts: support per overlap x (x <= the
    mentee's sought count), language for "shares one" 0 / 1, img_mentor + visa per mentor
    code."""
    sought = np.int64(popcount(sup_e[i]))
    for x in range(sought + 1):
        wsup[x] = wu * support_value(x, sought)
    flags = flags_e[i]
    wlang[0] = wl * language_value(False, flags & 1)
    wlang[1] = wl * language_value(True, flags & 1)
    for c in range(N_MENTOR_CODES):
        wiv[c] = img_visa_part(flags, c, wi, wv)


@njit(cache=True, parallel=True)
def fused_scan(
    spec_rows, reg_rows, res_e, rows, combo, combo_spec, combo_sub, mstate, mres, mnb, max_nb,
    ws, wr, wq, min_score, unit, factor, offset, u, v, mentor_ok, r,
    fptr, fcols, allowed, use_allowed, out_c, out_k, count, pos0, col_k, ck, cc, csize,
    sup_e, lang_e, flags_e, sup_m, lang_m, code_m, wu, wl, wi, wv, extras,
):  # fmt: skip
    """For each row: the r most negative u_i + v_j - w_ij < 0 (ties: lower j), and how many.

    Writes out_c / out_k (mentor, reduced cost; -1 / 0 unused) and count, row by row. When
    col_k[j] > 0 it also keeps, per thread t, mentor j's col_k[j] most negative reduced costs
    in ck[t, j] / cc[t, j] (row position pos0 + i; ties: lower row), for the column-side
    candidates of the first scan.
    """
    b = spec_rows.shape[0]
    m = combo.shape[0]
    nt = ck.shape[0]
    use_cols = ck.shape[1] == m
    per = (b + nt - 1) // nt
    for t in prange(nt):
        _fused_rows(
            t * per, min(b, (t + 1) * per), t, spec_rows, reg_rows, res_e, rows, combo,
            combo_spec, combo_sub, mstate, mres, mnb, max_nb, ws, wr, wq, min_score, unit,
            factor, offset, u, v, mentor_ok, r, fptr, fcols, allowed, use_allowed, out_c, out_k,
            count, pos0, use_cols, col_k, ck, cc, csize, sup_e, lang_e, flags_e, sup_m, lang_m,
            code_m, wu, wl, wi, wv, extras,
        )  # fmt: skip


@njit(cache=True)
def _fused_rows(
    lo, hi, t, spec_rows, reg_rows, res_e, rows, combo, combo_spec, combo_sub, mstate, mres,
    mnb, max_nb, ws, wr, wq, min_score, unit, factor, offset, u, v, mentor_ok, r,
    fptr, fcols, allowed, use_allowed, out_c, out_k, count, pos0, use_cols, col_k, ck, cc, csize,
    sup_e, lang_e, flags_e, sup_m, lang_m, code_m, wu, wl, wi, wv, extras,
):  # fmt: skip
    m = combo.shape[0]
    nc = combo_spec.shape[0]
    ns = reg_rows.shape[1]
    nw = lang_e.shape[1]
    stride = max_nb + 1
    wsup = np.empty(SUPPORT_TABLE, np.float64)
    wlang = np.empty(2, np.float64)
    wiv = np.empty(N_MENTOR_CODES, np.float64)
    for i in range(lo, hi):
        wsp = np.empty(nc, np.float64)
        wrg = np.empty(ns, np.float64)
        wqr = np.empty(stride * stride, np.float64)
        a = res_e[i]
        _row_setup(
            spec_rows, reg_rows, i, a, combo_spec, combo_sub, max_nb, ws, wr, wq, wsp, wrg, wqr
        )
        if extras:
            _row_setup_extras(i, sup_e, flags_e, wu, wl, wi, wv, wsup, wlang, wiv)
        se = sup_e[i]
        keys = np.empty(max(r, 1), np.int64)
        cols = np.empty(max(r, 1), np.int64)
        size = 0
        ui = u[i]
        row = rows[i]
        fp = fptr[row]
        fe = fptr[row + 1]
        c = 0
        for j in range(m):
            if not mentor_ok[j]:
                continue
            x = np.int64(popcount(a & mres[j]))
            s = weighted_total(wsp[combo[j]], wrg[mstate[j]], wqr[x * stride + mnb[j]])
            if extras:
                shared = 0
                for w in range(nw):
                    if lang_e[i, w] & lang_m[j, w] != 0:
                        shared = 1
                        break
                s = with_extras(
                    s, extras_total(wsup[popcount(se & sup_m[j])], wlang[shared], wiv[code_m[j]])
                )
            if s < min_score:
                continue
            rc = ui + v[j] - arc_weight(s, unit, factor, offset)
            if rc >= 0:
                continue
            if fp < fe:
                while fp < fe and fcols[fp] < j:
                    fp += 1
                if fp < fe and fcols[fp] == j:
                    continue
            if use_allowed and not allowed[row, j]:
                continue
            c += 1
            if use_cols and col_k[j] > 0:
                kc = col_k[j]
                sz = csize[t, j]
                if sz < kc:
                    ck[t, j, sz] = rc
                    cc[t, j, sz] = pos0 + i
                    _sift_up_max(ck[t, j], cc[t, j], sz)
                    csize[t, j] = sz + 1
                elif rc < ck[t, j, 0]:
                    ck[t, j, 0] = rc
                    cc[t, j, 0] = pos0 + i
                    _sift_down_max(ck[t, j], cc[t, j], kc, 0)
            if r == 0:
                continue
            size = _keep_best(keys, cols, size, r, rc, j)
        count[i] = c
        for k in range(r):
            out_c[i, k] = -1
            out_k[i, k] = 0
        _emit_sorted(keys, cols, size, out_c, out_k, i)


def scan_features(
    problem, tables: FeatureTables, scale, mentor_ok, min_score, u, v, r, col_k=None, pruned=True,
    sel=None,
):  # fmt: skip
    """`solver._scan` for a `FeatureScores` source: one fused pass over all free rows.

    With col_k (per mentor), also returns each mentor's col_k[j] best rows as a fourth item:
    (row positions, mentors, reduced costs). pruned: skip mentor groups by their bound
    (`pruned_scan`; same top-r output); False scores every pair (`fused_scan`).
    sel: scan only these positions of the free mentees (rows of the output, in that order).
    """
    free = problem.free_mentees
    if sel is not None:
        free = free[sel]
        u = u[sel]
    nt = numba.get_num_threads()
    m = problem.n_mentors
    if col_k is not None:
        kmax = max(1, int(col_k.max()))
        ck = np.zeros((nt, m, kmax), np.int64)
        cc = np.full((nt, m, kmax), -1, np.int64)
        csize = np.zeros((nt, m), np.int64)
        col_k = col_k.astype(np.int64)
    else:
        ck = np.zeros((nt, 0, 1), np.int64)
        cc = np.zeros((nt, 0, 1), np.int64)
        csize = np.zeros((nt, 0), np.int64)
        col_k = np.zeros(m, np.int64)
    nf = len(free)
    r = max(int(r), 0)
    out_c = np.empty((nf, r), np.int64)
    out_k = np.empty((nf, r), np.int64)
    counts = np.zeros(nf, np.int64)
    use_allowed = problem.allowed is not None
    allowed = problem.allowed if use_allowed else np.zeros((1, 1), dtype=bool)
    if pruned:
        grp = tables.groups()
        g_minv, c_minv = grp.min_prices(v, mentor_ok)
        first = not u.any() and not v.any()
    for start in range(0, nf, BLOCK_ROWS):
        rows = free[start : start + BLOCK_ROWS]
        sl = slice(start, start + len(rows))
        spec_rows, reg_rows, res_e = tables.row_tables(rows)
        if pruned:
            pruned_scan(
                spec_rows, reg_rows, res_e, rows, tables.combo_spec, tables.combo_sub,
                tables.max_nb, grp.perm, grp.p_res, grp.p_nb, grp.g_ptr, grp.g_state,
                grp.g_nblo, grp.g_nbhi, grp.g_or, g_minv, grp.c_ptr, grp.c_id, grp.c_nblo,
                grp.c_nbhi, grp.c_or, c_minv, first, tables.ws, tables.wr, tables.wq,
                float(min_score), scale.unit, scale.factor, scale.offset, u[sl], v, mentor_ok, r,
                problem._forbidden_ptr, problem._forbidden_cols, allowed, use_allowed,
                out_c[sl], out_k[sl], counts[sl], start, col_k, ck, cc, csize,
                grp.p_sup, grp.p_lang, grp.p_code, grp.g_sup, grp.g_lang, grp.g_code, grp.c_sup,
                grp.c_lang, grp.c_code, *tables.extra_args(rows),
            )  # fmt: skip
            continue
        fused_scan(
            spec_rows, reg_rows, res_e, rows, tables.combo, tables.combo_spec, tables.combo_sub,
            tables.state, tables.research, tables.n_research, tables.max_nb,
            tables.ws, tables.wr, tables.wq, float(min_score), scale.unit, scale.factor,
            scale.offset, u[sl], v, mentor_ok, r, problem._forbidden_ptr, problem._forbidden_cols,
            allowed, use_allowed, out_c[sl], out_k[sl], counts[sl], start, col_k, ck, cc, csize,
            *tables.extra_args(rows),
        )  # fmt: skip
    if ck.shape[1] == 0:
        return out_c, out_k, counts
    # merge the threads' column heaps: mentor j keeps its col_k[j] best (rc, then row)
    valid = np.arange(ck.shape[2])[None, None, :] < csize[:, :, None]
    mentor = np.broadcast_to(np.arange(m)[None, :, None], ck.shape)[valid]
    rows_c, keys_c = cc[valid], ck[valid]
    order = np.lexsort((rows_c, keys_c, mentor))
    mentor, rows_c, keys_c = mentor[order], rows_c[order], keys_c[order]
    first = np.searchsorted(mentor, mentor, side="left")
    keep = (np.arange(len(mentor)) - first) < col_k[mentor]
    return out_c, out_k, counts, (rows_c[keep], mentor[keep], keys_c[keep])


# -- pruned scans: mentors grouped by (combo, state), whole groups skipped by a bound --------
#
# Soundness of the skip (the only thing that makes a pruned scan differ from a full one):
# inside a group every mentor has the same combo c and state t, so a pair's score is
#     s_ij = (wsp[c] + wrg[t]) + wqr[x, nb_j]
# evaluated in that order, and x = |A & B_j| <= X_g := |A & OR_g| (OR_g: the union of the
# group's research masks; also x <= min(na, nb_j)), so wqr[x, nb_j] <= pm[min(X_g, na, nb_j),
# nb_j] where pm[x, nb] := max over x' <= x of wqr[x', nb] (a prefix maximum, so no
# monotonicity of wqr in x is assumed). IEEE addition, multiplication by a positive
# constant, division and rint are monotone (a <= b implies fl(a op c) <= fl(b op c)), so
#     s_ij <= B_g := (wsp[c] + wrg[t]) + max over nb in [nb_lo, nb_hi] of pm[.., nb]  and
#     w_ij = rint(s_ij / unit) * factor + offset <= W_g := rint(B_g / unit) * factor + offset.
# With min_v_g the lowest price of a usable mentor of the group, every reduced cost
# u_i + v_j - w_ij >= u_i + min_v_g - W_g, so a group with u_i + min_v_g >= W_g holds no
# violated pair (and, when the row's heap of r is full, a group whose lower bound is above the
# heap's worst key holds nothing that would enter it). The same argument one level up uses
# wrg[t] <= max over states of wrg and the combo's union of masks (it covers its groups).
#
# With the extras on, s_ij = base_ij + ((wsup[y] + wlang[l]) + wiv[code_j]) with
# y = |S & S_j| (S: sought, S_j: offered) <= min(|S & SOR_g|, |S|) (SOR_g: the union of the
# group's support masks), so wsup[y] <= psup[that] (a prefix maximum again); l = 1 only when the
# mentee shares a language with some mentor of the group, so with the union of the group's
# language masks wlang[l] <= max(wlang) when they intersect and == wlang[0] when not; and
# code_j is the group's code (`MentorGroups`: a combo holds one code too), so wiv[code_j] is
# exact. Addition is monotone in each operand, so base_ij <= B_g and the extras bound
# give s_ij <= B_g + E_g, and the argument above goes through with that bound.


class MentorGroups:
    """Mentors sorted by (combo, code, state, index); groups are the runs of equal (combo,
    code, state) and "combos" the runs of equal (combo, code), where code is the mentor's
    extras code (`_pair_score`) when the img_mentor or visa weight is above 0, else 0 (then
    every img_mentor + visa part is 0.0 anyway, and the order is (combo, state, index) as
    without the extras). So within a combo, and a group, that part is one value, and the
    extras' bound is loose only in support and language."""

    def __init__(self, tables: FeatureTables) -> None:
        m = len(tables.combo)
        by_code = tables.extras and (tables.wi > 0 or tables.wv > 0)
        code_key = tables.codes if by_code else np.zeros(m, np.int64)
        self.perm = np.lexsort((np.arange(m), tables.state, code_key, tables.combo)).astype(
            np.int64
        )
        p = self.perm
        p_combo = tables.combo[p].astype(np.int64)
        p_state = tables.state[p].astype(np.int64)
        self.p_res = tables.research[p]
        self.p_nb = tables.n_research[p].astype(np.int64)
        self.p_sup = tables.support[p]
        self.p_lang = np.ascontiguousarray(tables.languages[p])
        self.p_code = tables.codes[p].astype(np.int64)
        if m == 0:
            self.g_start = np.zeros(0, np.int64)
            self.g_ptr = np.zeros(1, np.int64)
            self.c_start = np.zeros(0, np.int64)
            self.c_ptr = np.zeros(1, np.int64)
            z = np.zeros(0, np.int64)
            self.g_or = self.c_or = self.g_sup = self.c_sup = np.zeros(0, np.uint64)
            self.g_lang = self.c_lang = np.zeros((0, tables.languages.shape[1]), np.uint64)
            self.g_state = self.g_nblo = self.g_nbhi = self.c_id = self.c_nblo = self.c_nbhi = z
            self.g_code = self.c_code = z
            return
        p_kind = p_combo * 16 + code_key[p]  # combo and code
        key = p_kind * 64 + p_state
        self.g_start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]).astype(np.int64)
        self.g_ptr = np.r_[self.g_start, m].astype(np.int64)
        self.g_state = p_state[self.g_start]
        self.g_nblo = np.minimum.reduceat(self.p_nb, self.g_start)
        self.g_nbhi = np.maximum.reduceat(self.p_nb, self.g_start)
        g_kind = p_kind[self.g_start]
        self.c_start = np.flatnonzero(np.r_[True, g_kind[1:] != g_kind[:-1]]).astype(np.int64)
        self.c_ptr = np.r_[self.c_start, len(self.g_start)].astype(np.int64)
        self.c_id = p_combo[self.g_start][self.c_start]
        self.c_nblo = np.minimum.reduceat(self.g_nblo, self.c_start)
        self.c_nbhi = np.maximum.reduceat(self.g_nbhi, self.c_start)
        self.g_or = np.bitwise_or.reduceat(self.p_res, self.g_start)
        self.c_or = np.bitwise_or.reduceat(self.g_or, self.c_start)
        # the extras: unions of support and language masks, and each group's mentor code
        self.g_sup = np.bitwise_or.reduceat(self.p_sup, self.g_start)
        self.c_sup = np.bitwise_or.reduceat(self.g_sup, self.c_start)
        self.g_lang = np.ascontiguousarray(np.bitwise_or.reduceat(self.p_lang, self.g_start))
        self.c_lang = np.ascontiguousarray(np.bitwise_or.reduceat(self.g_lang, self.c_start))
        self.g_code = self.p_code[self.g_start]
        self.c_code = self.g_code[self.c_start]

    def min_prices(self, v: np.ndarray, mentor_ok: np.ndarray):
        """Lowest price of a usable mentor per group and per combo (INF: none usable)."""
        if len(self.perm) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        vp = np.where(mentor_ok[self.perm], v[self.perm], INF).astype(np.int64)
        g_minv = np.minimum.reduceat(vp, self.g_start)
        return g_minv, np.minimum.reduceat(g_minv, self.c_start)


INF = np.int64(1) << np.int64(62)


@njit(cache=True, inline="always")
def _forbidden(fcols, fp, fe, j):
    lo = fp
    hi = fe
    while lo < hi:
        mid = (lo + hi) >> 1
        if fcols[mid] < j:
            lo = mid + 1
        else:
            hi = mid
    return lo < fe and fcols[lo] == j


@njit(cache=True, inline="always")
def _research_bound(pm, stride, na, xg, nblo, nbhi):
    """max over nb in [nblo, nbhi] of pm[min(xg, na, nb), nb] (see the note above)."""
    best = -np.inf
    for nb in range(nblo, nbhi + 1):
        x = min(xg, min(na, nb))
        if pm[x * stride + nb] > best:
            best = pm[x * stride + nb]
    return best


@njit(cache=True, parallel=True)
def pruned_scan(
    spec_rows, reg_rows, res_e, rows, combo_spec, combo_sub, max_nb, perm, p_res, p_nb, g_ptr,
    g_state, g_nblo, g_nbhi, g_or, g_minv, c_ptr, c_id, c_nblo, c_nbhi, c_or, c_minv, sort_combos,
    ws, wr, wq, min_score, unit, factor, offset, u, v, mentor_ok, r,
    fptr, fcols, allowed, use_allowed, out_c, out_k, count, pos0, col_k, ck, cc, csize,
    p_sup, p_lang, p_code, g_sup, g_lang, g_code, c_sup, c_lang, c_code,
    sup_e, lang_e, flags_e, sup_m, lang_m, code_m, wu, wl, wi, wv, extras,
):  # fmt: skip
    """`fused_scan` over grouped mentors, skipping groups that cannot matter (bound above).

    Same out_c / out_k as `fused_scan` (the heap keeps the r smallest (rc, j) whatever the
    visiting order); count[i] > 0 exactly when row i has a violated pair (it counts the ones
    found, which may be fewer than all once the heap is full). With sort_combos, combos are
    visited by increasing lower bound and the scan of a row stops at the first combo that
    cannot enter the full heap (the first candidate scan, u = v = 0). Column heaps (col_k)
    see only the pairs visited.
    """
    b = spec_rows.shape[0]
    nt = ck.shape[0]
    per = (b + nt - 1) // nt
    for t in prange(nt):
        _pruned_rows(
            t * per, min(b, (t + 1) * per), t, spec_rows, reg_rows, res_e, rows, combo_spec,
            combo_sub, max_nb, perm, p_res, p_nb, g_ptr, g_state, g_nblo,
            g_nbhi, g_or, g_minv, c_ptr, c_id, c_nblo, c_nbhi, c_or, c_minv, sort_combos, ws, wr,
            wq, min_score, unit, factor, offset, u, v, mentor_ok, r, fptr, fcols, allowed,
            use_allowed, out_c, out_k, count, pos0, col_k, ck, cc, csize, p_sup, p_lang, p_code,
            g_sup, g_lang, g_code, c_sup, c_lang, c_code, sup_e, lang_e, flags_e, wu, wl, wi, wv,
            extras,
        )  # fmt: skip


@njit(cache=True, inline="always")
def _extras_bound(sup_part, lang_possible, lang_no, lang_yes, iv):
    """An upper bound of the extras of any mentor of a group (see the note above), from the
    support part at the group's largest possible overlap, whether the mentee shares a
    language with the union of the group's, the language parts for "no" and "yes", and the
    group's img_mentor + visa part. Scalars only: an array handed to an
    inlined function in a loop costs a reference count per call."""
    lang = max(lang_no, lang_yes) if lang_possible else lang_no
    return extras_total(sup_part, lang, iv)


@njit(cache=True)
def _pruned_rows(
    lo, hi, t, spec_rows, reg_rows, res_e, rows, combo_spec, combo_sub, max_nb, perm, p_res,
    p_nb, g_ptr, g_state, g_nblo, g_nbhi, g_or, g_minv, c_ptr, c_id, c_nblo,
    c_nbhi, c_or, c_minv, sort_combos, ws, wr, wq, min_score, unit, factor, offset, u, v,
    mentor_ok, r, fptr, fcols, allowed, use_allowed, out_c, out_k, count, pos0, col_k, ck, cc,
    csize, p_sup, p_lang, p_code, g_sup, g_lang, g_code, c_sup, c_lang, c_code, sup_e, lang_e,
    flags_e,
    wu, wl, wi, wv, extras,
):  # fmt: skip
    nc = combo_spec.shape[0]
    ns = reg_rows.shape[1]
    stride = max_nb + 1
    n_combo = c_id.shape[0]
    use_cols = ck.shape[1] == perm.shape[0] and perm.shape[0] > 0
    wsp = np.empty(nc, np.float64)
    wrg = np.empty(ns, np.float64)
    wqr = np.empty(stride * stride, np.float64)
    pm = np.empty(stride * stride, np.float64)
    c_lb = np.empty(n_combo, np.int64)
    keys = np.empty(max(r, 1), np.int64)
    cols = np.empty(max(r, 1), np.int64)
    nw = lang_e.shape[1]
    wsup = np.empty(SUPPORT_TABLE, np.float64)
    psup = np.empty(SUPPORT_TABLE, np.float64)
    wlang = np.empty(2, np.float64)
    wiv = np.empty(N_MENTOR_CODES, np.float64)
    for i in range(lo, hi):
        a = res_e[i]
        _row_setup(
            spec_rows, reg_rows, i, a, combo_spec, combo_sub, max_nb, ws, wr, wq, wsp, wrg, wqr
        )
        se = sup_e[i]
        sought = np.int64(popcount(se))
        if extras:
            _row_setup_extras(i, sup_e, flags_e, wu, wl, wi, wv, wsup, wlang, wiv)
            psup[0] = wsup[0]
            for x in range(1, sought + 1):
                psup[x] = max(psup[x - 1], wsup[x])
        lang_no = wlang[0]
        lang_yes = wlang[1]
        na = np.int64(popcount(a))
        for nb in range(stride):
            pm[nb] = wqr[nb]
        for x in range(1, stride):
            for nb in range(stride):
                pm[x * stride + nb] = max(pm[(x - 1) * stride + nb], wqr[x * stride + nb])
        wrg_max = wrg[0]
        for s in range(1, ns):
            if wrg[s] > wrg_max:
                wrg_max = wrg[s]
        ui = u[i]
        for k in range(n_combo):
            xc = np.int64(popcount(a & c_or[k]))
            rqc = _research_bound(pm, stride, na, xc, c_nblo[k], c_nbhi[k])
            sb = weighted_total(wsp[c_id[k]], wrg_max, rqc)
            if extras:
                shared_c = False
                for w in range(nw):
                    if lang_e[i, w] & c_lang[k, w] != 0:
                        shared_c = True
                        break
                xc_s = min(np.int64(popcount(se & c_sup[k])), sought)
                sb = with_extras(
                    sb, _extras_bound(psup[xc_s], shared_c, lang_no, lang_yes, wiv[c_code[k]])
                )
            wb = arc_weight(sb, unit, factor, offset)
            c_lb[k] = ui + c_minv[k] - wb if c_minv[k] < INF else INF
        c_order = np.argsort(c_lb, kind="mergesort") if sort_combos else np.arange(n_combo)
        size = 0
        row = rows[i]
        fp = fptr[row]
        fe = fptr[row + 1]
        c = 0
        for kk in range(n_combo):
            k = c_order[kk]
            lb = c_lb[k]
            if lb >= 0 or (r > 0 and size == r and lb > keys[0]):
                if sort_combos:
                    break
                continue
            cid = c_id[k]
            base_sp = wsp[cid]
            for g in range(c_ptr[k], c_ptr[k + 1]):
                gm = g_minv[g]
                if gm >= INF:
                    continue
                xg = np.int64(popcount(a & g_or[g]))
                rqg = _research_bound(pm, stride, na, xg, g_nblo[g], g_nbhi[g])
                base_rg = wrg[g_state[g]]
                sg = weighted_total(base_sp, base_rg, rqg)
                if extras:
                    shared_g = False
                    for w in range(nw):
                        if lang_e[i, w] & g_lang[g, w] != 0:
                            shared_g = True
                            break
                    xg_s = min(np.int64(popcount(se & g_sup[g])), sought)
                    sg = with_extras(
                        sg, _extras_bound(psup[xg_s], shared_g, lang_no, lang_yes, wiv[g_code[g]])
                    )
                wg = arc_weight(sg, unit, factor, offset)
                glb = ui + gm - wg
                if glb >= 0 or (r > 0 and size == r and glb > keys[0] and not use_cols):
                    continue
                for p in range(g_ptr[g], g_ptr[g + 1]):
                    j = perm[p]
                    if not mentor_ok[j]:
                        continue
                    vj = v[j]
                    if ui + vj - wg >= 0:
                        continue
                    x = np.int64(popcount(a & p_res[p]))
                    s = weighted_total(base_sp, base_rg, wqr[x * stride + p_nb[p]])
                    if extras:
                        shared = 0
                        for w in range(nw):
                            if lang_e[i, w] & p_lang[p, w] != 0:
                                shared = 1
                                break
                        s = with_extras(
                            s,
                            extras_total(
                                wsup[popcount(se & p_sup[p])], wlang[shared], wiv[p_code[p]]
                            ),
                        )
                    if s < min_score:
                        continue
                    rc = ui + vj - arc_weight(s, unit, factor, offset)
                    if rc >= 0:
                        continue
                    if fp < fe and _forbidden(fcols, fp, fe, j):
                        continue
                    if use_allowed and not allowed[row, j]:
                        continue
                    c += 1
                    if use_cols and col_k[j] > 0:
                        kc = col_k[j]
                        sz = csize[t, j]
                        if sz < kc:
                            ck[t, j, sz] = rc
                            cc[t, j, sz] = pos0 + i
                            _sift_up_max(ck[t, j], cc[t, j], sz)
                            csize[t, j] = sz + 1
                        elif rc < ck[t, j, 0] or (rc == ck[t, j, 0] and pos0 + i < cc[t, j, 0]):
                            ck[t, j, 0] = rc
                            cc[t, j, 0] = pos0 + i
                            _sift_down_max(ck[t, j], cc[t, j], kc, 0)
                    if r == 0:
                        continue
                    if size < r:
                        keys[size] = rc
                        cols[size] = j
                        _sift_up_max(keys, cols, size)
                        size += 1
                    elif rc < keys[0] or (rc == keys[0] and j < cols[0]):
                        keys[0] = rc
                        cols[0] = j
                        _sift_down_max(keys, cols, size, 0)
        count[i] = c
        for k in range(r):
            out_c[i, k] = -1
            out_k[i, k] = 0
        _emit_sorted(keys, cols, size, out_c, out_k, i)
