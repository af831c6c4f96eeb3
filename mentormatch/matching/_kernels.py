"""Compiled cores (numba): the shortest-augmenting-path solver and the pricing scan.

The solver is successive shortest paths on the flow network

    mentee i --(w_ij)--> mentor j --(capacity c_j)--> T,      mentee i --(0)--> T (unmatched)

with node potentials `pi` (reduced cost of arc a->b with cost c: c + pi[a] - pi[b] >= 0 on
every residual arc). A mentor is one node whose seats share one price, so capacities cost
nothing extra. Mentees with no flow yet ("excess") are placed one at a time by Dijkstra on
reduced costs; the path ends at T (a free seat or "unmatched") or at a mentor that owes a seat
("deficit": a seat that was emptied while its price was positive, which happens only when a
re-solve is warm-started). When no mentor owes a seat, T is an ordinary node a path may cross;
crossing it reaches every mentor through its heaviest arc from an unmatched mentee (kept per
mentor as mentees leave and join "unmatched"), since an unmatched mentee's potential cancels
out of that path: with seats scarcer than mentees half the mentees are unmatched, and
scanning all their arcs at every crossing was most of a 100,000-mentee solve.

From the potentials (normalised so pi_T = 0) come the LP duals of the b-matching:
    u_i = pi_i - pi_T  (>= 0, 0 when unmatched),  v_j = pi_T - pi_j  (>= 0, 0 when not full),
with u_i + v_j >= w_ij on every arc and equality on matched pairs.

Ties: the heap orders by (distance, node index), mentees are processed in the order given,
so the result is a deterministic function of the input.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .integer_scores import arc_weight

INF = np.int64(1) << np.int64(62)

# mentor_of states besides a mentor index
UNMATCHED = -1  # flow on mentee -> T
EXCESS = -2  # not placed yet


@njit(cache=True)
def _heap_push(hkey, hnode, size, key, node):
    pos = size
    hkey[pos] = key
    hnode[pos] = node
    while pos > 0:
        parent = (pos - 1) >> 1
        pk = hkey[parent]
        if pk < key or (pk == key and hnode[parent] < node):
            break
        hkey[pos] = pk
        hnode[pos] = hnode[parent]
        pos = parent
    hkey[pos] = key
    hnode[pos] = node
    return size + 1


@njit(cache=True)
def _heap_pop(hkey, hnode, size):
    key = hkey[0]
    node = hnode[0]
    size -= 1
    if size > 0:
        lk = hkey[size]
        ln = hnode[size]
        pos = 0
        while True:
            child = 2 * pos + 1
            if child >= size:
                break
            right = child + 1
            if right < size and (
                hkey[right] < hkey[child]
                or (hkey[right] == hkey[child] and hnode[right] < hnode[child])
            ):
                child = right
            if hkey[child] < lk or (hkey[child] == lk and hnode[child] < ln):
                hkey[pos] = hkey[child]
                hnode[pos] = hnode[child]
                pos = child
            else:
                break
        hkey[pos] = lk
        hnode[pos] = ln
    return key, node, size


@njit(cache=True)
def _seat_remove(i, j, seat_ptr, seats, seat_pos, load):
    last = seat_ptr[j] + load[j] - 1
    p = seat_pos[i]
    moved = seats[last]
    seats[p] = moved
    seat_pos[moved] = p
    seats[last] = -1
    load[j] -= 1


@njit(cache=True)
def _seat_add(i, j, seat_ptr, seats, seat_pos, load):
    p = seat_ptr[j] + load[j]
    seats[p] = i
    seat_pos[i] = p
    load[j] += 1


@njit(cache=True)
def _arc_weight(indptr, indices, weights, i, j):
    for a in range(indptr[i], indptr[i + 1]):
        if indices[a] == j:
            return weights[a]
    return -INF


@njit(cache=True)
def _push(hkey, hnode, hsize, key, node):
    if hsize == hkey.shape[0]:
        nk = np.empty(2 * hsize, np.int64)
        nn = np.empty(2 * hsize, np.int64)
        nk[:hsize] = hkey[:hsize]
        nn[:hsize] = hnode[:hsize]
        hkey = nk
        hnode = nn
    hsize = _heap_push(hkey, hnode, hsize, key, node)
    return hkey, hnode, hsize


@njit(cache=True)
def _columns(indptr, indices, weights, m):
    """The candidate arcs by mentor: (col_ptr, mentee of each arc, its weight)."""
    n = indptr.shape[0] - 1
    col_ptr = np.zeros(m + 1, np.int64)
    for a in range(indptr[n]):
        col_ptr[indices[a] + 1] += 1
    for j in range(m):
        col_ptr[j + 1] += col_ptr[j]
    fill = col_ptr[:m].copy()
    col_rows = np.empty(indptr[n], np.int64)
    col_w = np.empty(indptr[n], np.int64)
    for i in range(n):
        for a in range(indptr[i], indptr[i + 1]):
            j = indices[a]
            col_rows[fill[j]] = i
            col_w[fill[j]] = weights[a]
            fill[j] += 1
    return col_ptr, col_rows, col_w


@njit(cache=True)
def _best_add(i, indptr, indices, weights, best_w, best_i):
    """Mentee i is now unmatched: its arcs may be its mentors' heaviest from T's side."""
    for a in range(indptr[i], indptr[i + 1]):
        j = indices[a]
        w = weights[a]
        if w > best_w[j] or (w == best_w[j] and i < best_i[j]):
            best_w[j] = w
            best_i[j] = i


@njit(cache=True)
def _best_drop(i, indptr, indices, mentor_of, col_ptr, col_rows, col_w, best_w, best_i):
    """Mentee i is matched again: its mentors' heaviest unmatched arc is found anew."""
    for a in range(indptr[i], indptr[i + 1]):
        j = indices[a]
        if best_i[j] != i:
            continue
        bw = -INF
        bi = -1
        for b in range(col_ptr[j], col_ptr[j + 1]):
            r = col_rows[b]
            if mentor_of[r] != UNMATCHED:
                continue
            w = col_w[b]
            if w > bw or (w == bw and r < bi):
                bw = w
                bi = r
        best_w[j] = bw
        best_i[j] = bi


@njit(cache=True)
def ssp_solve(
    indptr,
    indices,
    weights,
    cap,
    mentor_of,
    w_of,
    load,
    deficit,
    seat_ptr,
    seats,
    seat_pos,
    pi_e,
    pi_m,
    state,
    order,
):
    """Place every mentee in `order` (all must be EXCESS) by shortest augmenting paths.

    state = [pi_T, t_deficit, mentees scanned (work counter)]; arrays are updated in place.
    w_of[i] is the weight of i's matched arc (kept so a matched arc's reduced cost is O(1)).
    """
    n = mentor_of.shape[0]
    m = cap.shape[0]
    tnode = m
    dist_m = np.empty(m + 1, np.int64)
    stamp_m = np.zeros(m + 1, np.int64)
    done_m = np.zeros(m + 1, np.int64)
    pred_m = np.empty(m + 1, np.int64)  # mentee that reached it, or -1 for "from T"
    dist_e = np.empty(n, np.int64)
    pred_e = np.empty(n, np.int64)  # mentor it left, or -1 for "from T"
    hkey = np.empty(64, np.int64)
    hnode = np.empty(64, np.int64)
    scanned_m = np.empty(m + 1, np.int64)
    scanned_e = np.empty(n, np.int64)
    mstack = np.empty(n, np.int64)
    path_i = np.empty(n + 1, np.int64)
    path_to = np.empty(n + 1, np.int64)
    t_from_mentor = False
    stamp = 0
    total_scanned = 0
    # each mentor's heaviest arc from an unmatched mentee (see the crossing of T), built the
    # first time a search crosses T (never, when seats are plentiful)
    best_w = np.full(m, -INF, np.int64)
    best_i = np.full(m, -1, np.int64)
    col_ptr = np.zeros(1, np.int64)
    col_rows = np.zeros(0, np.int64)
    col_w = np.zeros(0, np.int64)
    crossed = False
    for s in order:
        stamp += 1
        pi_t = state[0]
        # s carries no flow, so its potential is free: make every arc out of s non-negative.
        best = pi_t
        for a in range(indptr[s], indptr[s + 1]):
            val = weights[a] + pi_m[indices[a]]
            if val > best:
                best = val
        pi_e[s] = best
        hsize = 0
        n_sm = 0
        n_se = 0
        msize = 0
        dist_e[s] = 0
        mstack[msize] = s
        msize += 1
        stamp_m[tnode] = stamp
        dist_m[tnode] = INF
        terminal = -1
        big_d = INF
        while True:
            # scan the mentees reached so far (their arcs out)
            while msize > 0:
                msize -= 1
                cur = mstack[msize]
                scanned_e[n_se] = cur
                n_se += 1
                cur_d = dist_e[cur]
                pe = pi_e[cur]
                own = mentor_of[cur]
                for a in range(indptr[cur], indptr[cur + 1]):
                    j = indices[a]
                    if j == own:
                        continue
                    if stamp_m[j] != stamp:
                        stamp_m[j] = stamp
                        dist_m[j] = INF
                    elif done_m[j] == stamp:
                        continue
                    nd = cur_d - weights[a] + pe - pi_m[j]
                    if nd < dist_m[j]:
                        dist_m[j] = nd
                        pred_m[j] = cur
                        if nd == cur_d:
                            # cur_d is the smallest distance still open, so a path ending at
                            # j now is a shortest one: stop here (this is what makes large
                            # plateaus of tied scores cheap)
                            if deficit[j] > 0:
                                terminal = j
                                big_d = nd
                                break
                            if load[j] < cap[j] and state[1] > 0 and pi_m[j] == pi_t:
                                pred_m[tnode] = j
                                t_from_mentor = True
                                dist_m[tnode] = nd
                                terminal = tnode
                                big_d = nd
                                break
                        hkey, hnode, hsize = _push(hkey, hnode, hsize, nd, j)
                if terminal >= 0:
                    break
                if own != UNMATCHED and done_m[tnode] != stamp:
                    nd = cur_d + pe - pi_t
                    if nd < dist_m[tnode]:
                        dist_m[tnode] = nd
                        pred_m[tnode] = cur
                        t_from_mentor = False
                        hkey, hnode, hsize = _push(hkey, hnode, hsize, nd, tnode)
            if terminal >= 0:
                break
            if hsize == 0:
                raise RuntimeError("no augmenting path: solver invariant broken")
            d, node, hsize = _heap_pop(hkey, hnode, hsize)
            if done_m[node] == stamp or d != dist_m[node]:
                continue
            if node == tnode:
                if state[1] > 0:
                    terminal = tnode
                    big_d = d
                    break
                # No seat is owed to T: cross it, to mentors that may give up a seat and to
                # unmatched mentees that may come back.
                done_m[tnode] = stamp
                scanned_m[n_sm] = tnode
                n_sm += 1
                if not crossed:
                    crossed = True
                    col_ptr, col_rows, col_w = _columns(indptr, indices, weights, m)
                    for i in range(n):
                        if mentor_of[i] == UNMATCHED:
                            _best_add(i, indptr, indices, weights, best_w, best_i)
                # ... and through an unmatched mentee i to a mentor j: i's potential cancels
                # (d + (pi_t - pi_e[i]) + (pi_e[i] - w_ij - pi_m[j])), so only each mentor's
                # heaviest arc from an unmatched mentee matters (`best_w`), not every arc of
                # every unmatched mentee (half the mentees when seats are scarce)
                for j in range(m):
                    if stamp_m[j] != stamp:
                        stamp_m[j] = stamp
                        dist_m[j] = INF
                    elif done_m[j] == stamp:
                        continue
                    nd = INF
                    via = -2
                    if load[j] + deficit[j] > 0:
                        nd = d + pi_t - pi_m[j]
                        via = -1
                    if best_i[j] >= 0:
                        nd2 = d + pi_t - best_w[j] - pi_m[j]
                        if nd2 < nd:
                            nd = nd2
                            via = best_i[j]
                    if nd < dist_m[j]:
                        dist_m[j] = nd
                        pred_m[j] = via
                        if via >= 0:
                            pred_e[via] = -1
                        hkey, hnode, hsize = _push(hkey, hnode, hsize, nd, j)
                continue
            j = node
            if deficit[j] > 0:
                terminal = j
                big_d = d
                break
            done_m[j] = stamp
            scanned_m[n_sm] = j
            n_sm += 1
            if load[j] < cap[j]:
                rc = pi_m[j] - pi_t  # arc j -> T through a free seat
                nd = d + rc
                if state[1] > 0 and rc == 0:
                    pred_m[tnode] = j
                    t_from_mentor = True
                    dist_m[tnode] = nd
                    terminal = tnode
                    big_d = nd
                    break
                if done_m[tnode] != stamp and nd < dist_m[tnode]:
                    dist_m[tnode] = nd
                    pred_m[tnode] = j
                    t_from_mentor = True
                    hkey, hnode, hsize = _push(hkey, hnode, hsize, nd, tnode)
            p0 = seat_ptr[j]
            for k in range(load[j]):
                i = seats[p0 + k]
                dist_e[i] = d + w_of[i] - pi_e[i] + pi_m[j]
                pred_e[i] = j
                mstack[msize] = i
                msize += 1
        total_scanned += n_se
        # potentials: every scanned node moves by (its distance - D)
        for k in range(n_sm):
            node = scanned_m[k]
            if node == tnode:
                state[0] += dist_m[tnode] - big_d
            else:
                pi_m[node] += dist_m[node] - big_d
        for k in range(n_se):
            i = scanned_e[k]
            pi_e[i] += dist_e[i] - big_d
        # augment: walk back from the terminal recording (mentee, new place); apply from the
        # terminal end so that every mentee leaves its seat before the next one takes it
        if terminal == tnode:
            state[1] -= 1
        else:
            deficit[terminal] -= 1
        n_path = 0
        node = terminal
        at_mentor = True
        while True:
            if at_mentor:
                if node == tnode:
                    prev = pred_m[tnode]
                    if t_from_mentor:
                        node = prev
                    else:
                        path_i[n_path] = prev
                        path_to[n_path] = UNMATCHED
                        n_path += 1
                        node = prev
                        at_mentor = False
                else:
                    prev = pred_m[node]
                    if prev == -1:
                        node = tnode
                    else:
                        path_i[n_path] = prev
                        path_to[n_path] = node
                        n_path += 1
                        node = prev
                        at_mentor = False
            else:
                if node == s:
                    break
                prev = pred_e[node]
                node = tnode if prev == -1 else prev
                at_mentor = True
        for k in range(n_path):
            i = path_i[k]
            to = path_to[k]
            old = mentor_of[i]
            if old >= 0:
                _seat_remove(i, old, seat_ptr, seats, seat_pos, load)
            if to >= 0:
                _seat_add(i, to, seat_ptr, seats, seat_pos, load)
                w_of[i] = _arc_weight(indptr, indices, weights, i, to)
            else:
                w_of[i] = 0
            mentor_of[i] = to
            if old == UNMATCHED:
                # unmatched mentees' potentials are not moved one by one (see the crossing
                # of T): one that leaves T takes T's potential, its arc from T being tight
                pi_e[i] = state[0]
                if crossed:
                    _best_drop(
                        i, indptr, indices, mentor_of, col_ptr, col_rows, col_w, best_w, best_i
                    )
            elif to == UNMATCHED and crossed:
                _best_add(i, indptr, indices, weights, best_w, best_i)
    # normalise: pi_T = 0, and empty mentors priced at exactly 0 (v_j = 0)
    shift = state[0]
    for i in range(n):
        pi_e[i] = 0 if mentor_of[i] == UNMATCHED else pi_e[i] - shift
    for j in range(m):
        pi_m[j] -= shift
        if load[j] + deficit[j] == 0 and pi_m[j] > 0:
            pi_m[j] = 0
    state[0] = 0
    state[2] += total_scanned


@njit(cache=True)
def _sift_down_max(keys, cols, size, pos):
    # max-heap on (key, col): the worst kept candidate sits on top
    key = keys[pos]
    col = cols[pos]
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        right = child + 1
        if right < size and (
            keys[right] > keys[child] or (keys[right] == keys[child] and cols[right] > cols[child])
        ):
            child = right
        if keys[child] > key or (keys[child] == key and cols[child] > col):
            keys[pos] = keys[child]
            cols[pos] = cols[child]
            pos = child
        else:
            break
    keys[pos] = key
    cols[pos] = col


@njit(cache=True)
def _sift_up_max(keys, cols, pos):
    key = keys[pos]
    col = cols[pos]
    while pos > 0:
        parent = (pos - 1) >> 1
        if keys[parent] > key or (keys[parent] == key and cols[parent] > col):
            break
        keys[pos] = keys[parent]
        cols[pos] = cols[parent]
        pos = parent
    keys[pos] = key
    cols[pos] = col


@njit(cache=True, inline="always")
def _keep_best(keys, cols, size, r, rc, j):
    """Offer arc (rc, j) to a row's heap of the r most negative reduced costs; new size."""
    if size < r:
        keys[size] = rc
        cols[size] = j
        _sift_up_max(keys, cols, size)
        return size + 1
    if rc < keys[0]:
        keys[0] = rc
        cols[0] = j
        _sift_down_max(keys, cols, size, 0)
    return size


@njit(cache=True, inline="always")
def _emit_sorted(keys, cols, size, out_c, out_k, i, start=0, m=0):
    """Write a row's kept arcs to row i of the outputs, in mentor order (with m > 0, `cols`
    hold positions t in the row's rotated order: mentor (start + t) % m)."""
    if size > 0:
        if m > 0:
            for k in range(size):
                cols[k] = (start + cols[k]) % m
        order = np.argsort(cols[:size])
        for k in range(size):
            out_c[i, k] = cols[order[k]]
            out_k[i, k] = keys[order[k]]


TIE_HASH = 2654435761  # Knuth's multiplicative hash: spreads the rows' tie-break starts


@njit(cache=True, inline="always")
def tie_start(i, m):
    """Where row i's tie-break order over the mentors starts (see `price_block`)."""
    return ((i + 1) * TIE_HASH) % m if m > 0 else 0


@njit(cache=True, parallel=True)
def price_block(
    scores, allowed, use_allowed, min_score, unit, factor, offset, u, v, mentor_ok, r, row0
):
    """For each row, the r most negative reduced costs u_i + v_j - w_ij < 0.

    With u = v = 0 this is "the r heaviest usable arcs" (the initial candidate set); with the
    solver's duals it is the pricing step. Returns (cols, rcs, n_violations); unused slots -1.
    Ties go to the mentor that comes first in the row's own rotation of the mentors (starting
    at `tie_start(row0 + i)`), not to the lowest index: on tied scores (all equal, 0/1) every
    row would otherwise pick the same first mentors, whose few seats cannot place everyone,
    and each pricing round would add the same mentors again.
    """
    b, m = scores.shape
    out_c = np.full((b, r), -1, np.int64)
    out_k = np.zeros((b, r), np.int64)
    count = np.zeros(b, np.int64)
    for i in prange(b):
        keys = np.empty(max(r, 1), np.int64)
        cols = np.empty(max(r, 1), np.int64)
        size = 0
        ui = u[i]
        c = 0
        start = tie_start(row0 + i, m)
        for t in range(m):
            j = start + t
            if j >= m:
                j -= m
            if not mentor_ok[j]:
                continue
            s = scores[i, j]
            if s < min_score:
                continue
            if use_allowed and not allowed[i, j]:
                continue
            rc = ui + v[j] - arc_weight(s, unit, factor, offset)
            if rc >= 0:
                continue
            c += 1
            if r == 0:
                continue
            size = _keep_best(keys, cols, size, r, rc, t)
        count[i] = c
        _emit_sorted(keys, cols, size, out_c, out_k, i, start, m)
    return out_c, out_k, count


@njit(cache=True)
def release(rows, v, mentor_of, load, deficit, seat_ptr, seats, seat_pos, state):
    """Unplace `rows` before a warm re-solve (see solver._State.release)."""
    for i in rows:
        j = mentor_of[i]
        if j >= 0:
            _seat_remove(i, j, seat_ptr, seats, seat_pos, load)
            if v[j] > 0:
                deficit[j] += 1
            else:
                state[1] += 1
        elif j == UNMATCHED:
            state[1] += 1
        mentor_of[i] = EXCESS


Q_SKIP = np.int32(-(2**31))  # a pair that may not be used, in a cached integer score block


@njit(cache=True, parallel=True)
def price_block_q(q, factor, offset, u, v, mentor_ok, r):
    """`price_block` on cached rounded scores q (Q_SKIP: pair not usable); same output."""
    b, m = q.shape
    out_c = np.full((b, r), -1, np.int64)
    out_k = np.zeros((b, r), np.int64)
    count = np.zeros(b, np.int64)
    for i in prange(b):
        keys = np.empty(max(r, 1), np.int64)
        cols = np.empty(max(r, 1), np.int64)
        size = 0
        ui = u[i]
        c = 0
        start = tie_start(i, m)
        for t in range(m):
            j = start + t
            if j >= m:
                j -= m
            qq = q[i, j]
            if qq == Q_SKIP or not mentor_ok[j]:
                continue
            rc = ui + v[j] - (np.int64(qq) * factor + offset)
            if rc >= 0:
                continue
            c += 1
            if r == 0:
                continue
            size = _keep_best(keys, cols, size, r, rc, t)
        count[i] = c
        _emit_sorted(keys, cols, size, out_c, out_k, i, start, m)
    return out_c, out_k, count


@njit(cache=True, parallel=True)
def round_block(block, unit, out):
    """out[i, j] = rint(block[i, j] / unit) as int32 (the caller checked the range): the q of
    `arc_weight`, which `price_block_q` turns into q * factor + offset."""
    b, m = block.shape
    for i in prange(b):
        for j in range(m):
            out[i, j] = np.int32(np.rint(block[i, j] / unit))


@njit(cache=True)
def merge_rows(indptr, indices, weights, new_cols, new_w, new_indptr):
    """Per row, merge the CSR arcs with new_cols[i, :] (both ascending by mentor; -1 pads
    the new ones at the end; no mentor in both). Returns the merged indices and weights."""
    nf = indptr.shape[0] - 1
    out_i = np.empty(new_indptr[nf], np.int64)
    out_w = np.empty(new_indptr[nf], np.int64)
    r = new_cols.shape[1]
    for i in range(nf):
        a = indptr[i]
        ae = indptr[i + 1]
        b = 0
        o = new_indptr[i]
        while True:
            has_b = b < r and new_cols[i, b] >= 0
            if a < ae and (not has_b or indices[a] < new_cols[i, b]):
                out_i[o] = indices[a]
                out_w[o] = weights[a]
                a += 1
            elif has_b:
                out_i[o] = new_cols[i, b]
                out_w[o] = new_w[i, b]
                b += 1
            else:
                break
            o += 1
    return out_i, out_w


@njit(cache=True, parallel=True)
def col_best_q(q, factor, offset, kcol):
    """Each mentor j's kcol[j] heaviest usable arcs on cached rounded scores (ties rotated as
    in `price_block`, per mentor). Returns (rows, cols, rcs) of the kept arcs, rc = -w.

    Dense counterpart of the fused scan's column-side candidates: when most mentees agree
    which mentors are best (a few stars), every row's top k holds the same popular mentors,
    and the mentors who end up taking most mentees get no arc until pricing has added them
    round after round (2,000 x 500 x 4: 6 rounds, 285,000 arcs).
    """
    n, m = q.shape
    ptr = np.zeros(m + 1, np.int64)
    for j in range(m):
        ptr[j + 1] = ptr[j] + min(kcol[j], n)
    out_r = np.full(ptr[m], -1, np.int64)
    out_k = np.zeros(ptr[m], np.int64)
    for j in prange(m):
        r = ptr[j + 1] - ptr[j]
        if r == 0:
            continue
        keys = np.empty(r, np.int64)
        rows = np.empty(r, np.int64)
        size = 0
        start = tie_start(j, n)
        for t in range(n):
            i = start + t
            if i >= n:
                i -= n
            qq = q[i, j]
            if qq == Q_SKIP:
                continue
            rc = -(np.int64(qq) * factor + offset)
            if rc >= 0:
                continue
            size = _keep_best(keys, rows, size, r, rc, t)
        for k in range(size):
            out_r[ptr[j] + k] = (start + rows[k]) % n
            out_k[ptr[j] + k] = keys[k]
    cols = np.empty(ptr[m], np.int64)
    for j in range(m):
        for a in range(ptr[j], ptr[j + 1]):
            cols[a] = j
    return out_r, cols, out_k


@njit(cache=True)
def col_hash(q):
    """A 64-bit hash of every column of q (FNV-1a style, row by row so that q is read in
    memory order); equal columns hash equal, and `same_cols` rules out collisions."""
    n, m = q.shape
    h = np.full(m, np.uint64(14695981039346656037))
    prime = np.uint64(1099511628211)
    for i in range(n):
        for j in range(m):
            h[j] = (h[j] ^ np.uint64(np.int64(q[i, j]) & 0xFFFFFFFF)) * prime
    return h


@njit(cache=True)
def same_cols(q, rep):
    """True when every column j of q equals column rep[j]."""
    n, m = q.shape
    for i in range(n):
        for j in range(m):
            if q[i, j] != q[i, rep[j]]:
                return False
    return True
