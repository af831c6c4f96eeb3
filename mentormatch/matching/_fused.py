"""Fused scans for scores computed from features: score a pair and use it in the same pass.

At 100,000 x 20,000 every full scan scores 2 billion pairs. `FeatureScores.rows` would
materialise each block of float scores first; the kernels here never do: per mentee row they
build small lookup tables (the weighted specialty term for each distinct mentor
(specialty, subspecialty) combination, the weighted region term per state, the weighted
research term per (overlap, mentor research count)), so a pair costs three lookups and one
popcount, and the row's top candidates or violated arcs are kept as the row is scanned.

The floats are exactly those of `FeatureScores.rows` (same operations in the same order:
(ws * sp + wr * rg) + wq * rs, with rs = inter / max(union, 1)); a test checks it bit for
bit, and `check_optimal` recomputes every score from the features with its own kernel.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import njit, prange

from ._kernels import _sift_down_max, _sift_up_max
from .scoring import _popcount, mentee_region_rows, mentee_specialty_rows

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

    def row_tables(self, rows: np.ndarray):
        src = self.source
        spec_rows = np.ascontiguousarray(mentee_specialty_rows(src.mentees, rows, src._sim))
        reg_rows = np.ascontiguousarray(mentee_region_rows(src.mentees, rows))
        return spec_rows, reg_rows, np.ascontiguousarray(src.mentees.research[rows])


@njit(cache=True, inline="always")
def _row_setup(spec_row, reg_row, a, combo_spec, combo_sub, max_nb, ws, wr, wq, wsp, wrg, wqr):
    for c in range(combo_spec.shape[0]):
        sp = spec_row[combo_spec[c]]
        if combo_sub[c] >= 0:
            sp2 = spec_row[combo_sub[c]]
            if sp2 > sp:
                sp = sp2
        wsp[c] = ws * sp
    for s in range(reg_row.shape[0]):
        wrg[s] = wr * reg_row[s]
    na = np.int64(_popcount(a))
    for x in range(max_nb + 1):
        for nb in range(max_nb + 1):
            union = np.float64(na + nb - x)
            wqr[x * (max_nb + 1) + nb] = wq * (np.float64(x) / max(union, 1.0))


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
            spec_rows[i], reg_rows[i], a, combo_spec, combo_sub, max_nb, ws, wr, wq, wsp, wrg, wqr
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
            x = np.int64(_popcount(a & mres[j]))
            s = wsp[combo[j]] + wrg[mstate[j]] + wqr[x * stride + mnb[j]]
            if s < min_score:
                continue
            rc = ui + v[j] - (np.int64(np.rint(s / unit)) * factor + offset)
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
            if size < r:
                keys[size] = rc
                cols[size] = j
                _sift_up_max(keys, cols, size)
                size += 1
            elif rc < keys[0]:
                keys[0] = rc
                cols[0] = j
                _sift_down_max(keys, cols, size, 0)
        count[i] = c
        for k in range(r):
            out_c[i, k] = -1
            out_k[i, k] = 0
        if size > 0:
            order = np.argsort(cols[:size])
            for k in range(size):
                out_c[i, k] = cols[order[k]]
                out_k[i, k] = keys[order[k]]


def scan_features(problem, tables: FeatureTables, iw, mentor_ok, min_score, u, v, r, col_k=None):
    """`solver._scan` for a `FeatureScores` source: one fused pass over all free rows.

    With col_k (per mentor), also returns each mentor's col_k[j] best rows as a fourth item:
    (row positions, mentors, reduced costs).
    """
    free = problem.free_mentees
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
    for start in range(0, nf, BLOCK_ROWS):
        rows = free[start : start + BLOCK_ROWS]
        sl = slice(start, start + len(rows))
        spec_rows, reg_rows, res_e = tables.row_tables(rows)
        fused_scan(
            spec_rows, reg_rows, res_e, rows, tables.combo, tables.combo_spec, tables.combo_sub,
            tables.state, tables.research, tables.n_research, tables.max_nb,
            tables.ws, tables.wr, tables.wq, float(min_score), iw.unit, iw.factor, iw.offset,
            u[sl], v, mentor_ok, r, problem._forbidden_ptr, problem._forbidden_cols,
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
