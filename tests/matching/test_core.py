"""The exact core on its own, without the pricing loop that would repair its mistakes.

`solve` keeps adding arcs and re-solving until no pair anywhere violates its prices, so a
core that returned slightly wrong prices could still end optimal (only slower). Here the
candidate arcs are fixed: the auction's warm start (with `_tighten_prices`), then
`_State.run`, and a warm restart of some rows (`rewarm`), each must leave a matching that is
optimal on those arcs with prices that prove it exactly: every arc's reduced cost >= 0,
matched arcs tight, unmatched mentees and mentors with a free seat at price 0. Seats scarcer
than mentees make every path cross "unmatched" (the core's per-mentor best unmatched arc).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from mentormatch.matching import _kernels, solver


def random_arcs(rng, n, m, density, levels):
    """CSR candidate arcs with tied integer weights (coverage-like: all positive)."""
    mask = rng.random((n, m)) < density
    mask[np.arange(n), rng.integers(0, m, n)] = True  # every mentee has an arc
    big = 10_000
    values = rng.integers(0, levels, (n, m)) * 97 + big
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(mask.sum(axis=1), out=indptr[1:])
    rows, cols = np.nonzero(mask)
    return indptr, cols.astype(np.int64), values[rows, cols].astype(np.int64)


def optimum(n, m, cap, indptr, indices, weights):
    """Best total on exactly these arcs: seats as repeated columns, "unmatched" as 0."""
    forbid = -(10**9)
    dense = np.full((n, m), forbid, np.int64)
    for i in range(n):
        dense[i, indices[indptr[i] : indptr[i + 1]]] = weights[indptr[i] : indptr[i + 1]]
    table = np.concatenate([np.repeat(dense, cap, axis=1), np.zeros((n, n), np.int64)], axis=1)
    r, c = linear_sum_assignment(table, maximize=True)
    return int(table[r, c].sum())


def assert_exact(state, n, m, cap, indptr, indices, weights):
    u, v = state.duals()
    mentor_of = state.mentor_of
    assert (mentor_of != _kernels.EXCESS).all()
    assert (u >= 0).all() and (v >= 0).all()
    rows = np.repeat(np.arange(n), np.diff(indptr))
    assert (u[rows] + v[indices] >= weights).all(), "an arc has a negative reduced cost"
    matched = np.flatnonzero(mentor_of >= 0)
    for i in matched:
        a = indptr[i] + np.flatnonzero(indices[indptr[i] : indptr[i + 1]] == mentor_of[i])[0]
        assert u[i] + v[mentor_of[i]] == weights[a], "a matched arc is not tight"
    assert (u[mentor_of == _kernels.UNMATCHED] == 0).all()
    load = np.bincount(mentor_of[matched], minlength=m)
    assert (load <= cap).all()
    assert (v[load < cap] == 0).all()
    total = sum(
        int(weights[indptr[i] + np.flatnonzero(indices[indptr[i] : indptr[i + 1]] == j)[0]])
        for i, j in zip(matched, mentor_of[matched], strict=True)
    )
    assert total == optimum(n, m, cap, indptr, indices, weights)
    # the duals' total equals the primal's: the prices prove the optimum
    assert int(u.sum() + (v * cap).sum()) == total


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([0.3, 0.6, 1.0]),
    st.sampled_from([0.4, 0.7, 1.5]),
    st.sampled_from([1, 2, 5]),
)
def test_core_is_exact_on_its_arcs(seed, density, seat_share, levels):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(8, 40)), int(rng.integers(2, 10))
    cap = rng.integers(1, 4, m).astype(np.int64)
    total = max(1, int(seat_share * n))
    while cap.sum() > total and cap.max() > 1:
        cap[int(np.argmax(cap))] -= 1
    indptr, indices, weights = random_arcs(rng, n, m, density, levels)
    seat_ptr = np.zeros(m + 1, np.int64)
    np.cumsum(cap, out=seat_ptr[1:])
    state = solver._State(n, m, seat_ptr)
    price0 = int(weights.min()) - 1 if cap.sum() < n else 0
    order, indptr, indices, weights = state.warm_start(indptr, indices, weights, cap, None, price0)
    state.run(indptr, indices, weights, cap, seat_ptr, order)
    assert_exact(state, n, m, cap, indptr, indices, weights)

    # a warm restart: new, heavier arcs for some rows, which leave their places
    rows = np.sort(rng.choice(n, size=int(rng.integers(1, n // 2 + 1)), replace=False))
    new_cols = np.full((len(rows), 1), -1, np.int64)
    new_w = np.zeros((len(rows), 1), np.int64)
    for k, i in enumerate(rows):
        free = np.setdiff1d(np.arange(m), indices[indptr[i] : indptr[i + 1]])
        if len(free):
            new_cols[k, 0] = rng.choice(free)
            new_w[k, 0] = int(weights.max()) + 97 * int(rng.integers(0, 3))
    full_cols = np.full((n, 1), -1, np.int64)
    full_w = np.zeros((n, 1), np.int64)
    full_cols[rows], full_w[rows] = new_cols, new_w
    indptr, indices, weights = solver._merge_arcs(indptr, indices, weights, full_cols, full_w)
    u, v = state.duals()
    order = state.rewarm(indptr, indices, weights, cap, rows, v)
    state.run(indptr, indices, weights, cap, seat_ptr, order)
    assert_exact(state, n, m, cap, indptr, indices, weights)
