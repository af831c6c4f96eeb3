"""Fused scans for scores computed from features: score a pair and use it in the same pass.

At 100,000 x 20,000 every full scan scores 2 billion pairs. `FeatureScores.rows` would
materialise each block of float scores first; the kernels here never do: per mentee row they
build small lookup tables (the weighted specialty term for each distinct mentor
(specialty, subspecialty) combination, the weighted region term per state, the weighted
research term per (overlap, mentor research count)), so a pair costs three lookups and one
popcount, and the row's top candidates or violated arcs are kept as the row is scanned.

The floats are exactly those of `FeatureScores.rows`: the tables hold the weighted parts of
`_pair_score.pair_score` and a pair adds them with its `weighted_total` (the same operations
in the same order); a test checks it bit for bit.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import njit, prange

from ._kernels import _emit_sorted, _keep_best, _sift_down_max, _sift_up_max
from ._pair_score import popcount, research_value, specialty_value, weighted_total
from .integer_scores import arc_weight
from .scoring import mentee_region_rows, mentee_specialty_rows

BLOCK_ROWS = 8192


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
        self.ws, self.wr, self.wq = source._w
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


@njit(cache=True, parallel=True)
def fused_scan(
    spec_rows, reg_rows, res_e, rows, combo, combo_spec, combo_sub, mstate, mres, mnb, max_nb,
    ws, wr, wq, min_score, unit, factor, offset, u, v, mentor_ok, r,
    fptr, fcols, allowed, use_allowed, out_c, out_k, count, pos0, col_k, ck, cc, csize,
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
            count, pos0, use_cols, col_k, ck, cc, csize,
        )  # fmt: skip


@njit(cache=True)
def _fused_rows(
    lo, hi, t, spec_rows, reg_rows, res_e, rows, combo, combo_spec, combo_sub, mstate, mres,
    mnb, max_nb, ws, wr, wq, min_score, unit, factor, offset, u, v, mentor_ok, r,
    fptr, fcols, allowed, use_allowed, out_c, out_k, count, pos0, use_cols, col_k, ck, cc, csize,
):  # fmt: skip
    m = combo.shape[0]
    nc = combo_spec.shape[0]
    ns = reg_rows.shape[1]
    stride = max_nb + 1
    for i in range(lo, hi):
        wsp = np.empty(nc, np.float64)
        wrg = np.empty(ns, np.float64)
        wqr = np.empty(stride * stride, np.float64)
        a = res_e[i]
        _row_setup(
            spec_rows, reg_rows, i, a, combo_spec, combo_sub, max_nb, ws, wr, wq, wsp, wrg, wqr
        )
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
            )  # fmt: skip
            continue
        fused_scan(
            spec_rows, reg_rows, res_e, rows, tables.combo, tables.combo_spec, tables.combo_sub,
            tables.state, tables.research, tables.n_research, tables.max_nb,
            tables.ws, tables.wr, tables.wq, float(min_score), scale.unit, scale.factor,
            scale.offset, u[sl], v, mentor_ok, r, problem._forbidden_ptr, problem._forbidden_cols,
            allowed, use_allowed, out_c[sl], out_k[sl], counts[sl], start, col_k, ck, cc, csize,
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


class MentorGroups:
    """Mentors sorted by (combo, state, index); groups are the runs of equal (combo, state)."""

    def __init__(self, tables: FeatureTables) -> None:
        m = len(tables.combo)
        self.perm = np.lexsort((np.arange(m), tables.state, tables.combo)).astype(np.int64)
        p = self.perm
        p_combo = tables.combo[p].astype(np.int64)
        p_state = tables.state[p].astype(np.int64)
        self.p_res = tables.research[p]
        self.p_nb = tables.n_research[p].astype(np.int64)
        if m == 0:
            self.g_start = np.zeros(0, np.int64)
            self.g_ptr = np.zeros(1, np.int64)
            self.c_start = np.zeros(0, np.int64)
            self.c_ptr = np.zeros(1, np.int64)
            z = np.zeros(0, np.int64)
            self.g_or = self.c_or = np.zeros(0, np.uint64)
            self.g_state = self.g_nblo = self.g_nbhi = self.c_id = self.c_nblo = self.c_nbhi = z
            return
        key = p_combo * 64 + p_state
        self.g_start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]).astype(np.int64)
        self.g_ptr = np.r_[self.g_start, m].astype(np.int64)
        self.g_state = p_state[self.g_start]
        self.g_nblo = np.minimum.reduceat(self.p_nb, self.g_start)
        self.g_nbhi = np.maximum.reduceat(self.p_nb, self.g_start)
        g_combo = p_combo[self.g_start]
        self.c_start = np.flatnonzero(np.r_[True, g_combo[1:] != g_combo[:-1]]).astype(np.int64)
        self.c_ptr = np.r_[self.c_start, len(self.g_start)].astype(np.int64)
        self.c_id = g_combo[self.c_start]
        self.c_nblo = np.minimum.reduceat(self.g_nblo, self.c_start)
        self.c_nbhi = np.maximum.reduceat(self.g_nbhi, self.c_start)
        self.g_or = np.bitwise_or.reduceat(self.p_res, self.g_start)
        self.c_or = np.bitwise_or.reduceat(self.g_or, self.c_start)

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
            use_allowed, out_c, out_k, count, pos0, col_k, ck, cc, csize,
        )  # fmt: skip


@njit(cache=True)
def _pruned_rows(
    lo, hi, t, spec_rows, reg_rows, res_e, rows, combo_spec, combo_sub, max_nb, perm, p_res,
    p_nb, g_ptr, g_state, g_nblo, g_nbhi, g_or, g_minv, c_ptr, c_id, c_nblo,
    c_nbhi, c_or, c_minv, sort_combos, ws, wr, wq, min_score, unit, factor, offset, u, v,
    mentor_ok, r, fptr, fcols, allowed, use_allowed, out_c, out_k, count, pos0, col_k, ck, cc,
    csize,
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
    for i in range(lo, hi):
        a = res_e[i]
        _row_setup(
            spec_rows, reg_rows, i, a, combo_spec, combo_sub, max_nb, ws, wr, wq, wsp, wrg, wqr
        )
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
            wb = arc_weight(weighted_total(wsp[c_id[k]], wrg_max, rqc), unit, factor, offset)
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
                wg = arc_weight(weighted_total(base_sp, base_rg, rqg), unit, factor, offset)
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
