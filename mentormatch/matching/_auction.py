"""Compiled warm start for the exact solver: a forward auction with epsilon-scaling.

The shortest-path core (`_kernels.ssp_solve`) is exact but slow in the end game when it starts
from zero prices: with seats == mentees the last augmenting paths cross most of the graph. The
auction (Bertsekas) gets near-final prices cheaply: each unplaced mentee bids for the seat that
gives it the most value (weight minus the seat's price), raising that seat's price by the
difference to its second-best option plus epsilon; epsilon shrinks phase by phase. Seats of one
mentor are separate objects with their own prices.

The auction only proposes. `warm_state` turns its prices into mentor prices v_j (the cheapest
seat) and keeps a mentee placed only where the placement is exactly tight and dual feasible on
every candidate arc; everyone else is left for the exact shortest-path core, which finishes the
job and yields the exact dual prices. So the auction can only change the speed, never the
result's optimality (the certificate is checked the same way).
"""

from __future__ import annotations

import numpy as np
from numba import njit

UNMATCHED = -1
EXCESS = -2
NO_SEAT = -1
UNMATCHED_SEAT = -2


@njit(cache=True)
def _min_two(seat_price, lo, hi):
    """Index of the cheapest seat in [lo, hi) (ties: lower index) and the second price."""
    best = lo
    p1 = seat_price[lo]
    p2 = np.int64(1) << np.int64(62)
    for s in range(lo + 1, hi):
        p = seat_price[s]
        if p < p1:
            p2 = p1
            p1 = p
            best = s
        elif p < p2:
            p2 = p
    return best, p2


@njit(cache=True)
def _sift_down(heap, lo, hi, pos, seat_price):
    """Restore the min-heap of seats heap[lo:hi] (by price, then seat) below `pos`."""
    size = hi - lo
    s = heap[lo + pos]
    p = seat_price[s]
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        c = heap[lo + child]
        pc = seat_price[c]
        if child + 1 < size:
            r = heap[lo + child + 1]
            pr = seat_price[r]
            if pr < pc or (pr == pc and r < c):
                child += 1
                c = r
                pc = pr
        if pc < p or (pc == p and c < s):
            heap[lo + pos] = c
            pos = child
        else:
            break
    heap[lo + pos] = s


@njit(cache=True)
def _heapify(heap, seat_ptr, seat_price, j):
    lo, hi = seat_ptr[j], seat_ptr[j + 1]
    for pos in range((hi - lo) // 2 - 1, -1, -1):
        _sift_down(heap, lo, hi, pos, seat_price)


@njit(cache=True)
def _second_price(heap, lo, hi, seat_price):
    """The second-lowest seat price of a mentor (its heap's cheaper child of the top)."""
    size = hi - lo
    if size < 2:
        return np.int64(1) << np.int64(62)
    p = seat_price[heap[lo + 1]]
    if size > 2:
        p = min(p, seat_price[heap[lo + 2]])
    return p


@njit(cache=True)
def auction(
    indptr,
    indices,
    weights,
    seat_ptr,
    seat_price,
    seat_holder,
    own_seat,
    eps0,
    eps_min,
    budget,
    check_first=False,
    floor=-1,
):
    """Forward auction with epsilon-scaling; arrays updated in place.

    own_seat[i]: seat index, NO_SEAT (unplaced) or UNMATCHED_SEAT. Mentees already holding a
    seat keep it in the first phase (warm start); when eps shrinks, only the placements that
    break eps-complementary slackness for the new eps are undone (prices are kept).
    Returns the number of bids made (stops early once `budget` is spent).
    check_first: apply that eps-complementary-slackness check before the first phase too (a
    warm restart after pricing: a placement stays unless a new arc beats it by more than eps).
    floor: the reserve price every seat started at (scarce seats), or -1. A seat emptied when
    eps shrank goes back to it at the end of the phase, and the unmatched mentees bid again.

    "Unmatched" is every mentee's outside option of value 0: a bid never sets a seat's price
    above the bidder's weight (its value stays >= 0; the price still rises by >= 1 since
    the seat was worth best1 > best2 >= 0), and an unmatched mentee bids again as soon as any
    arc is worth > 0 to it (no eps slack: warm_state keeps it unmatched only if u_i == 0).
    Prices fall only at phase ends, so every phase, and the auction, ends.
    """
    n = own_seat.shape[0]
    m = seat_ptr.shape[0] - 1
    for a in range(indptr[n]):
        if seat_ptr[indices[a] + 1] == seat_ptr[indices[a]]:
            # a bid would take a seat of the next mentor (solve never gives such arcs)
            raise ValueError("an arc to a mentor with no seat")
    minp = np.zeros(m, np.int64)
    # each mentor's seats as a min-heap by price: a bid finds the cheapest seat and the
    # second price in O(1) and re-sorts in O(log seats), where a scan of every seat cost
    # O(seats) (merged identical mentors hold hundreds)
    heap = np.arange(seat_price.shape[0])
    for j in range(m):
        lo, hi = seat_ptr[j], seat_ptr[j + 1]
        if hi > lo:
            _heapify(heap, seat_ptr, seat_price, j)
            minp[j] = seat_price[heap[lo]]
    queue = np.empty(n + 1, np.int64)
    bids = 0
    eps = eps0
    first = not check_first
    while True:
        if not first:
            # keep every placement that already satisfies eps-complementary slackness for
            # the new eps; unplace the rest (their seats keep their prices)
            for i in range(n):
                s = own_seat[i]
                if s == NO_SEAT:
                    continue
                best = np.int64(0)
                mine = np.int64(0)
                for a in range(indptr[i], indptr[i + 1]):
                    j = indices[a]
                    val = weights[a] - minp[j]
                    if val > best:
                        best = val
                    if s >= 0 and seat_ptr[j] <= s < seat_ptr[j + 1]:
                        mine = weights[a] - seat_price[s]
                if mine < best - eps or (s == UNMATCHED_SEAT and best > 0):
                    if s >= 0:
                        seat_holder[s] = -1
                    own_seat[i] = NO_SEAT
        while True:
            head = 0
            tail = 0
            for i in range(n):
                if own_seat[i] == NO_SEAT:
                    queue[tail] = i
                    tail += 1
            cnt = tail
            while cnt > 0:
                if bids >= budget:
                    return bids
                i = queue[head]
                head = head + 1 if head < n else 0
                cnt -= 1
                best1 = np.int64(0)
                best2 = np.int64(0)
                j1 = -1
                a1 = -1
                for a in range(indptr[i], indptr[i + 1]):
                    val = weights[a] - minp[indices[a]]
                    if val > best1:
                        best2 = best1
                        best1 = val
                        j1 = indices[a]
                        a1 = a
                    elif val > best2:
                        best2 = val
                if j1 < 0:
                    own_seat[i] = UNMATCHED_SEAT
                    continue
                lo, hi = seat_ptr[j1], seat_ptr[j1 + 1]
                s = heap[lo]
                p2 = _second_price(heap, lo, hi, seat_price)
                if hi - lo > 1:
                    alt = weights[a1] - p2
                    if alt > best2:
                        best2 = alt
                bids += 1
                # never above the bidder's own weight (see the docstring: outside option)
                seat_price[s] = min(weights[a1] - best2 + eps, weights[a1])
                h = seat_holder[s]
                if h >= 0:
                    own_seat[h] = NO_SEAT
                    queue[tail] = h
                    tail = tail + 1 if tail < n else 0
                    cnt += 1
                seat_holder[s] = i
                own_seat[i] = s
                _sift_down(heap, lo, hi, 0, seat_price)
                minp[j1] = seat_price[heap[lo]]
            if floor < 0:
                break
            # outside-option auction (reserve price `floor`): a seat left empty at a price
            # above the floor (its holder moved on when eps shrank) goes back to the floor,
            # and the unmatched mentees look again; seats are only emptied by that check, so
            # this happens at most once per phase
            reset = False
            for j in range(m):
                lo, hi = seat_ptr[j], seat_ptr[j + 1]
                changed = False
                for s in range(lo, hi):
                    if seat_holder[s] < 0 and seat_price[s] > floor:
                        seat_price[s] = floor
                        changed = True
                if changed:
                    _heapify(heap, seat_ptr, seat_price, j)
                    minp[j] = seat_price[heap[lo]]
                    reset = True
            if not reset:
                break
            for i in range(n):
                if own_seat[i] == UNMATCHED_SEAT:
                    own_seat[i] = NO_SEAT
        first = False
        if eps <= eps_min:
            return bids
        eps = max(eps_min, eps // 8)


@njit(cache=True)
def warm_state(
    indptr,
    indices,
    weights,
    cap,
    seat_ptr,
    seat_price,
    own_seat,
    mentor_of,
    w_of,
    load,
    deficit,
    seats,
    seat_pos,
    pi_e,
    pi_m,
    state,
    zero_nonfull,
    tighten,
):
    """Build the shortest-path core's state from auction prices; returns the unplaced mentees.

    v_j = the cheapest seat's price (0 for a mentor with a never-bid seat), then for full
    mentors moved between floor and ceiling by `_tighten_prices` (`tighten` passes);
    u_i = max(0, max over i's candidate arcs of w_ij - v_j), so every candidate arc is dual
    feasible. A mentee stays placed only if its arc is tight (u_i + v_j == w_ij), an unmatched
    one only if u_i == 0. Seats of positively priced mentors left empty become "owed" (deficit),
    exactly as in a warm restart of the core.
    """
    n = own_seat.shape[0]
    m = cap.shape[0]
    holders = np.zeros(m, np.int64)
    owner = np.empty(n, np.int64)
    for i in range(n):
        owner[i] = -1
        s = own_seat[i]
        if s >= 0:
            lo = 0
            hi = m
            while hi - lo > 1:
                mid = (lo + hi) >> 1
                if seat_ptr[mid] <= s:
                    lo = mid
                else:
                    hi = mid
            owner[i] = lo
            holders[lo] += 1
    for j in range(m):
        lo, hi = seat_ptr[j], seat_ptr[j + 1]
        v = np.int64(0)
        if hi > lo and not (zero_nonfull and holders[j] < cap[j]):
            s, _ = _min_two(seat_price, lo, hi)
            v = max(np.int64(0), seat_price[s])
        pi_m[j] = -v
        load[j] = 0
        deficit[j] = 0
    if tighten > 0:
        _tighten_prices(indptr, indices, weights, cap, own_seat, owner, holders, pi_m, tighten)
    for s in range(seats.shape[0]):
        seats[s] = -1
    owed = n
    excess = np.empty(n, np.int64)
    n_excess = 0
    for i in range(n):
        u = np.int64(0)
        for a in range(indptr[i], indptr[i + 1]):
            val = weights[a] + pi_m[indices[a]]
            if val > u:
                u = val
        pi_e[i] = u
        s = own_seat[i]
        placed = False
        if s >= 0:
            j = owner[i]
            w = np.int64(-1)
            found = False
            for a in range(indptr[i], indptr[i + 1]):
                if indices[a] == j:
                    w = weights[a]
                    found = True
                    break
            if found and w + pi_m[j] == u and load[j] < cap[j]:
                p = seat_ptr[j] + load[j]
                seats[p] = i
                seat_pos[i] = p
                load[j] += 1
                mentor_of[i] = j
                w_of[i] = w
                owed -= 1
                placed = True
        elif s == UNMATCHED_SEAT and u == 0:
            mentor_of[i] = UNMATCHED
            w_of[i] = 0
            owed -= 1
            placed = True
        if not placed:
            mentor_of[i] = EXCESS
            w_of[i] = 0
            excess[n_excess] = i
            n_excess += 1
    for j in range(m):
        if pi_m[j] < 0:
            deficit[j] = cap[j] - load[j]
            owed -= deficit[j]
    state[0] = 0
    state[1] = owed
    return excess[:n_excess]


@njit(cache=True)
def _tighten_prices(indptr, indices, weights, cap, own_seat, owner, holders, pi_m, iters):
    """Move full mentors' prices so that the auction's placements are exactly tight.

    The auction stops at eps-slackness: a placed mentee may be up to eps short of its best
    arc at the mentors' prices, and `warm_state` would send it (and its emptied seat) to the
    exact core, whose search for it crosses the whole plateau of tied scores (100,000 x
    20,000 with half as many seats as mentees: ~5,000 such searches of ~15 ms). A full
    mentor's price may be anything between the best arc of an unmatched mentee (who must not
    want it: the floor) and the least its own mentees concede (each mentee's arc to it less
    its best other option: the ceiling). Each pass sets every full mentor's price to its
    ceiling (kept >= the floor); a few passes (Jacobi) reach prices at which most placements
    are tight. Only the warm start changes: exactness still comes from the core.
    """
    n = own_seat.shape[0]
    m = cap.shape[0]
    floor = np.zeros(m, np.int64)
    for i in range(n):
        if own_seat[i] == UNMATCHED_SEAT:
            for a in range(indptr[i], indptr[i + 1]):
                j = indices[a]
                if weights[a] > floor[j]:
                    floor[j] = weights[a]
    v = np.empty(m, np.int64)
    for j in range(m):
        v[j] = -pi_m[j]
    ceil = np.empty(m, np.int64)
    big = np.int64(1) << np.int64(62)
    for _ in range(iters):
        for j in range(m):
            ceil[j] = big
        for i in range(n):
            j = owner[i]
            if j < 0:
                continue
            w_own = np.int64(-1)
            alt = np.int64(0)
            for a in range(indptr[i], indptr[i + 1]):
                jj = indices[a]
                if jj == j:
                    w_own = weights[a]
                else:
                    val = weights[a] - v[jj]
                    if val > alt:
                        alt = val
            if w_own >= 0 and w_own - alt < ceil[j]:
                ceil[j] = w_own - alt
        changed = 0
        for j in range(m):
            if cap[j] == 0 or holders[j] < cap[j] or ceil[j] == big:
                continue
            nv = max(ceil[j], floor[j])
            if nv != v[j]:
                v[j] = nv
                changed += 1
        if changed == 0:
            break
    for j in range(m):
        pi_m[j] = -v[j]
