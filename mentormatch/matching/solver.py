"""`solve`: the exact optimum, found on a small candidate set and certified on all pairs.

Why not one big assignment problem: a dense solve on 100,000 x 20,000 pairs neither fits in
memory nor finishes. Why not just each mentee's top k: with tied, structured scores the top-k
guess loses seats and score (engine-notes.md). So:

1. Candidates: each free mentee's `k` heaviest usable arcs (computed in row blocks).
2. Solve exactly on the candidates: a forward auction with epsilon-scaling (`_auction`)
   proposes prices and placements; only the placements that are exactly tight are kept, and
   successive shortest paths (`_kernels.ssp_solve`) place the rest, keeping exact dual prices
   u (mentees) and v (mentors). When the first candidates cannot place everyone (the auction
   spends a small bid budget in a price war), the unplaced mentees get arcs to the mentors
   with free seats before the real auction starts (`_State.warm_start`).
3. Pricing: scan every allowed pair in row blocks (for scores from features, groups of
   mentors whose score bound cannot beat u_i + v_j are skipped: `_fused.pruned_scan`, same
   result as the full scan); a pair with u_i + v_j < w_ij could improve the matching. Add
   each mentee's most violated ones and re-solve, warm-started: only the mentees with a new
   violated arc are taken out and placed again.
4. When a scan finds nothing, the duals prove optimality over all pairs (`check_optimal`
   verifies the same statement independently).

Locked pairs are fixed first: their mentees leave the problem and their mentors' capacity
shrinks; the rest is solved on the residual capacity. For a dense score matrix, mentors whose
scores are identical for every free mentee are merged into one mentor holding all their seats
(`_solve_merged`; exact, and the prices carry over), which makes one-component and other
heavily tied rounds small.

Tie-break (documented for coordinators): among matchings with the same objective value the
one returned is the one the deterministic procedure above finds (auction bids in mentee index
order, first-best mentor on ties, cheapest seat to the lower seat index; candidate lists in
mentor-index order, chosen among tied scores in each mentee's own rotation of the mentors;
merged identical mentors filled in index order; the auction's prices tightened to each full
mentor's ceiling (`_auction._tighten_prices`) before the exact core keeps the placements
that are tight; shortest-path ties to the lower node index, and when a path crosses
"unmatched", the lowest-index unmatched mentee among those with a mentor's heaviest arc).
Version 1.1.0 (the tightening and that crossing) can choose a different one of several equally
good matchings than 1.0.0 on tied scores; a round records the version it ran with.
The same input always gives the same result; permuting rows or columns gives the same
objective values but may choose a different one of several equally good matchings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import _auction, _fused, _kernels
from .integer_scores import IntegerScale, integer_scale
from .preferences import bonus_of, feature_source
from .problem import MatchingProblem

ENGINE_VERSION = "1.1.0"
REWARM_EPS_DIVISOR = 64  # a warm restart's first eps: the weight spread / 64
AUCTION_BUDGET = 200
RESERVE_EPS_DIVISOR = 256  # first eps of the auction from a reserve price (seats < mentees)
RESERVE_EPS_MIN = 128  # and its last (smaller: many more bids, and no fewer mentees to the core)
AUCTION_EPS_MIN = 16
REWARM_RELEASE_MAX = 64
REWARM_RELEASE_SHARE = 50  # up to 1/50 of the rows go straight back to the exact core
REWARM_KEEP = True  # a warm restart keeps placements that pass the eps check (see rewarm)
CACHE_PAIRS = 64_000_000
AUGMENT_ROUNDS = 40  # first auction: small budgets, arcs to free seats in between
AUGMENT_BUDGET = 8  # bids per mentee before the unplaced ones get arcs to free seats
AUGMENT_MIN_BIDS = 10_000
AUGMENT_K = 32  # arcs per unplaced mentee and augmentation
AUGMENT_COL = 16  # and per free seat of a mentor
COL_FACTOR = 2  # column-side candidates per seat (scores from features)
COL_MAX = 64  # int32 cache of rounded scores up to 256 MB
TIGHTEN = 30  # passes of `_auction._tighten_prices` in the warm start
COL_PAIRS_MAX = 500_000_000  # column-side candidates only up to this many free pairs


@dataclass(frozen=True)
class Duals:
    """LP dual prices in integer weight units (see `integer_scores.py`).

    mentee[i] (u) is 0 for locked and unmatched mentees; mentor[j] (v) is 0 when j has a free
    seat. For every allowed free pair u_i + v_j >= w_ij, with equality on matched pairs, and
    sum(u) + sum(residual_capacity * v) equals the total weight of the matching.
    """

    mentee: np.ndarray
    mentor: np.ndarray
    scale: IntegerScale


@dataclass(frozen=True)
class SolveStats:
    rounds: int
    candidate_arcs: int
    arcs_added: int
    seconds_candidates: float
    seconds_solve: float
    seconds_pricing: float
    mentees_scanned: int


@dataclass(frozen=True)
class MatchingResult:
    """The matching, its value, and the prices that prove it optimal."""

    mentor_of: np.ndarray
    total_score: float
    n_matched: int
    objective: str
    duals: Duals
    stats: SolveStats = field(repr=False)
    engine_version: str = ENGINE_VERSION

    @property
    def unmatched(self) -> np.ndarray:
        return np.flatnonzero(self.mentor_of < 0)


def default_k(problem: MatchingProblem) -> int:
    """Candidate arcs per mentee: enough that most mentees find a seat among them."""
    n_free = max(1, len(problem.free_mentees))
    seats = max(1, int(problem.residual_capacity.sum()))
    pressure = n_free / seats
    return int(min(problem.n_mentors, max(8, round(8 + 40 * min(pressure, 1.0)))))


def solve(
    problem: MatchingProblem, k: int | None = None, max_add: int | None = None
) -> MatchingResult:
    """Find an optimal matching of `problem` (exact for the integer-scaled scores).

    Args:
        problem: a validated `MatchingProblem`.
        k: initial candidate arcs per mentee (default from the seat pressure); any k gives
           the same optimum, it only changes the speed.
        max_add: arcs added per mentee per pricing round (default k).
    """
    return _solve(problem, k, max_add)


def _solve(problem, k=None, max_add=None, scale=None, merge=True, q=None) -> MatchingResult:
    """`solve`; `scale` forces the integer scale (a merged problem keeps its parent's), `q`
    gives the rounded scores when the caller has them (a merged problem: its parent's
    columns)."""
    n_free_idx = problem.free_mentees
    nf = len(n_free_idx)
    m = problem.n_mentors
    rescap = problem.residual_capacity.astype(np.int64)
    if scale is None:
        scale = integer_scale(
            problem.objective, problem.source.bound(), nf, int(rescap.max()) if m else 0
        )
    if m == 0:
        # No mentor at all: every mentee stays unmatched, and zero prices prove it.
        return _unmatched_result(problem, scale)
    if merge and nf and problem.scores is not None:
        q = _q_cache(problem, scale)
        merged = _merged_mentors(problem, q, rescap) if q is not None else None
        if merged is not None:
            return _solve_merged(problem, q, rescap, scale, merged, k, max_add)
    k = default_k(problem) if k is None else max(1, min(int(k), m))
    max_add = k if max_add is None else max(1, int(max_add))
    mentor_ok = rescap > 0
    min_score = -np.inf if problem.min_score is None else problem.min_score

    t0 = time.perf_counter()
    zeros_u = np.zeros(nf, np.int64)
    zeros_v = np.zeros(m, np.int64)
    if q is None and not (merge and nf and problem.scores is not None):
        q = _q_cache(problem, scale)
    features = feature_source(problem.source)
    tables = _fused.FeatureTables(features) if features is not None else None
    bonus = bonus_of(problem.source) if tables is not None else None
    if tables is not None:
        # scores from features: one fused pass also keeps each mentor's best mentees, so a
        # mentor nobody ranks in their top k still gets candidate arcs (without them the
        # candidate graph lacks seats and the first solve is slow)
        if nf * m <= COL_PAIRS_MAX:
            col_k = np.where(mentor_ok, np.minimum(COL_FACTOR * rescap, COL_MAX), 0)
            cols, rcs, _, extra = _fused.scan_features(
                problem, tables, scale, mentor_ok, min_score, zeros_u, zeros_v, k, col_k
            )
            indptr, indices, weights = _csr_from_lists(cols, -rcs)
            indptr, indices, weights = _add_arcs(indptr, indices, weights, m, *extra)
        else:
            # at this size the column heaps cost as much as the scan itself; the first
            # auction's augmentation gives the mentors nobody ranks their arcs instead
            cols, rcs, _ = _fused.scan_features(
                problem, tables, scale, mentor_ok, min_score, zeros_u, zeros_v, k
            )
            indptr, indices, weights = _csr_from_lists(cols, -rcs)
    else:
        cols, rcs, _ = _scan(problem, scale, mentor_ok, min_score, zeros_u, zeros_v, k, q)
        indptr, indices, weights = _csr_from_lists(cols, -rcs)
        if q is not None:
            # each mentor's best mentees too (see `_kernels.col_best_q`)
            col_k = np.where(mentor_ok, np.minimum(COL_FACTOR * rescap, COL_MAX), 0)
            er, ec, erc = _kernels.col_best_q(q, scale.factor, scale.offset, col_k)
            ok = er >= 0
            indptr, indices, weights = _add_arcs(
                indptr, indices, weights, m, er[ok], ec[ok], erc[ok]
            )
    if bonus is not None:
        # the fused scans see the features only: every usable bonus pair is a candidate from
        # the start, at its total weight, and the scans' arcs never replace it
        bonus_pos, bonus_cols, bonus_w = _bonus_arcs(problem, scale, mentor_ok, bonus)
        indptr, indices, weights = _set_arcs(
            indptr, indices, weights, m, bonus_pos, bonus_cols, bonus_w
        )
    t_cand = time.perf_counter() - t0

    seat_ptr = np.zeros(m + 1, np.int64)
    np.cumsum(rescap, out=seat_ptr[1:])
    state = _State(nf, m, seat_ptr, scale.factor)
    if problem.objective == "score" and len(weights) and weights.min() > 0:
        state.bid_offset = 2 * int(weights.max()) + 1
        if int(rescap.sum()) < nf:
            state.price_shift = state.bid_offset
    t_solve = t_price = 0.0
    rounds = 0
    added_total = 0
    t1 = time.perf_counter()
    augment = None
    if tables is not None:

        def augment(rows, free_seats):
            # the unplaced mentees' best arcs to the mentors that still have a free seat, and
            # each such mentor's best unplaced mentees (so that every free seat gets arcs)
            mask = mentor_ok & (free_seats > 0)
            c, rc, _, (er, ec, erc) = _fused.scan_features(
                problem, tables, scale, mask, min_score, zeros_u, zeros_v, AUGMENT_K,
                np.where(mask, AUGMENT_COL * free_seats, 0), sel=rows,
            )  # fmt: skip
            ok = c >= 0
            add_r = np.concatenate([np.repeat(rows, ok.sum(axis=1)), rows[er]])
            add_c, add_rc = np.concatenate([c[ok], ec]), np.concatenate([rc[ok], erc])
            if bonus is not None and len(add_r):
                # a bonus pair's arc is already there at its total: drop the features' copy
                keep = ~bonus.lookup(problem.free_mentees[add_r], add_c)[0]
                add_r, add_c, add_rc = add_r[keep], add_c[keep], add_rc[keep]
            return add_r, add_c, add_rc

    elif q is not None:

        def augment(rows, free_seats):
            # the same from the cached rounded scores of a dense problem: when most mentees'
            # first candidates lie in their own group of mentors (a specialty), a group with
            # more mentees than seats fights a price war that ends only when its losers get
            # arcs to other groups (2,000 x 500 x 4 "spread": the whole bid budget, twice)
            mask = mentor_ok & (free_seats > 0)
            sub_q = q[rows]
            c, rc, _ = _kernels.price_block_q(
                sub_q, scale.factor, scale.offset, zeros_u[: len(rows)], zeros_v, mask,
                min(AUGMENT_K, m),
            )  # fmt: skip
            er, ec, erc = _kernels.col_best_q(
                sub_q, scale.factor, scale.offset, np.where(mask, AUGMENT_COL * free_seats, 0)
            )
            ok = c >= 0
            eok = er >= 0
            add_r = np.concatenate([np.repeat(rows, ok.sum(axis=1)), rows[er[eok]]])
            return add_r, np.concatenate([c[ok], ec[eok]]), np.concatenate([rc[ok], erc[eok]])

    if nf:
        price0 = _reserve_price(problem, weights, nf, state.price_shift)
        order, indptr, indices, weights = state.warm_start(
            indptr, indices, weights, rescap, augment, price0
        )
    else:
        order = np.arange(0)
    t_solve += time.perf_counter() - t1
    while True:
        rounds += 1
        t1 = time.perf_counter()
        state.run(indptr, indices, weights, rescap, seat_ptr, order)
        t2 = time.perf_counter()
        u, v = state.duals()
        new_cols, new_rcs, counts = _scan(
            problem, scale, mentor_ok, min_score, u, v, max_add, q, tables
        )
        t_price += time.perf_counter() - t2
        t_solve += t2 - t1
        if bonus is not None and counts.any():
            # a bonus pair is a candidate at its total, so it never violates; a features-only
            # scan could only report it from its lower score: drop such reports
            hit = bonus.lookup(
                np.repeat(n_free_idx, new_cols.shape[1]), np.maximum(new_cols, 0).reshape(-1)
            )[0].reshape(new_cols.shape)
            new_cols = np.where(hit & (new_cols >= 0), -1, new_cols)
            counts = (new_cols >= 0).sum(axis=1)
        if not counts.any():
            break
        rows_new = np.flatnonzero(counts > 0)
        added_total += int((new_cols >= 0).sum())
        # the scan returns reduced costs; the arc weight is w = u_i + v_j - rc (exact integers)
        new_w = u[:, None] + v[np.maximum(new_cols, 0)] - new_rcs
        indptr, indices, weights = _merge_arcs(indptr, indices, weights, new_cols, new_w)
        t1 = time.perf_counter()
        order = state.rewarm(indptr, indices, weights, rescap, rows_new, v)
        t_solve += time.perf_counter() - t1

    mentor_of = problem.locked_mentor_of.copy()
    mentor_of[n_free_idx] = state.mentor_of
    u_full = np.zeros(problem.n_mentees, np.int64)
    u_full[n_free_idx] = u
    stats = SolveStats(
        rounds=rounds,
        candidate_arcs=int(indptr[-1]),
        arcs_added=added_total,
        seconds_candidates=t_cand,
        seconds_solve=t_solve,
        seconds_pricing=t_price,
        mentees_scanned=int(state.state[2]),
    )
    return MatchingResult(
        mentor_of=mentor_of,
        total_score=matched_total(problem, mentor_of),
        n_matched=int((mentor_of >= 0).sum()),
        objective=problem.objective,
        duals=Duals(u_full, v, scale),
        stats=stats,
    )


MERGE_SHARE = 0.6  # merge identical mentors when that leaves at most this share of columns


def _merged_mentors(problem, q, rescap) -> tuple[np.ndarray, np.ndarray] | None:
    """Mentors whose columns of rounded scores are identical (same score for every free
    mentee, same unusable pairs), as (class of each mentor, first mentor of each class), or
    None when merging them would not shrink the problem enough to pay."""
    usable = np.flatnonzero(rescap > 0)
    if len(usable) < 2:
        return None
    h = _kernels.col_hash(q)
    h[rescap <= 0] = 0  # a mentor without seats is left out of the merged problem anyway
    _, first, cls = np.unique(h, return_index=True, return_inverse=True)
    n_classes = len(first) - (1 if (rescap <= 0).any() else 0)
    if n_classes > MERGE_SHARE * len(usable):
        return None
    rep = first[cls]
    rep[rescap <= 0] = np.flatnonzero(rescap <= 0)
    if not _kernels.same_cols(q, rep):
        return None  # a hash collision: solve unmerged
    cls = cls.astype(np.int64)
    cls[rescap <= 0] = -1
    keep = np.unique(cls[cls >= 0])
    renumber = np.full(len(first), -1, np.int64)
    renumber[keep] = np.arange(len(keep))
    cls = np.where(cls >= 0, renumber[np.maximum(cls, 0)], -1)
    reps = first[keep]
    return cls, reps


def _solve_merged(problem, q, rescap, scale, merged, k, max_add) -> MatchingResult:
    """Solve with identical mentors merged into one mentor holding all their seats.

    Ties are the common case in this domain: on scores with few distinct values (one
    component only, all equal, a specialty-only round) many mentors score every mentee the
    same. The merged problem is exact (any matching of the merged problem splits into one of
    the original with the same weight, and back), and its prices are the original's: every
    mentor of a class gets the class's price v, so u_i + v_j >= w_ij still holds on every
    pair and the dual total sum(u) + sum(seats x v) is unchanged; a class with a free seat has
    v = 0. The merged problem keeps the original's integer scale, so the certificate checks
    the same weights.
    """
    cls, reps = merged
    free = problem.free_mentees
    cap_c = np.bincount(cls[cls >= 0], weights=rescap[cls >= 0], minlength=len(reps))
    sub_q = q[:, reps]
    allowed = sub_q != _kernels.Q_SKIP
    sub = MatchingProblem(
        _ClassColumns(problem.scores, free, reps, problem.source.bound()),
        cap_c.astype(np.int64),
        allowed=None if allowed.all() else allowed,
        objective=problem.objective,
    )
    res = _solve(sub, k, max_add, scale=scale, merge=False, q=sub_q)  # a new C array
    # split each class's mentees over its mentors, filling them in index order
    mentor_of = problem.locked_mentor_of.copy()
    members = np.argsort(cls, kind="stable")
    members = members[cls[members] >= 0]
    starts = np.searchsorted(cls[members], np.arange(len(reps) + 1))
    seat_mentor = np.repeat(members, rescap[members])
    seat_start = np.concatenate([[0], np.cumsum(rescap[members])])[starts]
    sub_of = res.mentor_of
    placed = np.flatnonzero(sub_of >= 0)
    c = sub_of[placed]
    # the k-th mentee (in index order) of class c takes the class's k-th seat
    order = np.argsort(c, kind="stable")
    rank = np.empty(len(c), np.int64)
    first = np.searchsorted(c[order], c[order])
    rank[order] = np.arange(len(c)) - first
    mentor_of[free[placed]] = seat_mentor[seat_start[c] + rank]
    v = np.zeros(problem.n_mentors, np.int64)
    v[cls >= 0] = res.duals.mentor[cls[cls >= 0]]
    return MatchingResult(
        mentor_of=mentor_of,
        total_score=matched_total(problem, mentor_of),
        n_matched=int((mentor_of >= 0).sum()),
        objective=problem.objective,
        duals=Duals(_full_u(problem, res), v, scale),
        stats=res.stats,
    )


class _ClassColumns:
    """The merged problem's scores, read from its parent's matrix when asked (a score source).

    The solver of the merged problem works from the parent's rounded scores (`q`), so only a
    few pairs are ever read as floats; copying the class columns of a 10,000 x 2,000 matrix
    (and checking them again) cost more than the rest of its set-up.
    """

    def __init__(self, matrix: np.ndarray, free: np.ndarray, reps: np.ndarray, bound: float):
        self.matrix, self.free, self.reps, self._bound = matrix, free, reps, bound

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.free), len(self.reps)

    def rows(self, index: np.ndarray) -> np.ndarray:
        return self.matrix[np.ix_(self.free[np.asarray(index)], self.reps)]

    def pairs(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return self.matrix[self.free[rows], self.reps[cols]]

    def bound(self) -> float:
        return self._bound


def _full_u(problem, res) -> np.ndarray:
    u = np.zeros(problem.n_mentees, np.int64)
    u[problem.free_mentees] = res.duals.mentee
    return u


def _unmatched_result(problem: MatchingProblem, scale: IntegerScale) -> MatchingResult:
    mentor_of = problem.locked_mentor_of.copy()
    return MatchingResult(
        mentor_of=mentor_of,
        total_score=matched_total(problem, mentor_of),
        n_matched=int((mentor_of >= 0).sum()),
        objective=problem.objective,
        duals=Duals(np.zeros(problem.n_mentees, np.int64), np.zeros(0, np.int64), scale),
        stats=SolveStats(0, 0, 0, 0.0, 0.0, 0.0, 0),
    )


def matched_total(problem: MatchingProblem, mentor_of: np.ndarray) -> float:
    """Sum of the float scores of the matched pairs (locked included)."""
    rows = np.flatnonzero(mentor_of >= 0)
    return float(problem.pair_scores(rows, mentor_of[rows]).sum())


class _State:
    """The solver's primal and dual state, kept between pricing rounds (warm start)."""

    def __init__(self, nf: int, m: int, seat_ptr: np.ndarray, unit: int = 1) -> None:
        self.mentor_of = np.full(nf, _kernels.EXCESS, np.int64)
        self.w_of = np.zeros(nf, np.int64)
        self.load = np.zeros(m, np.int64)
        self.deficit = np.zeros(m, np.int64)
        self.seat_ptr = seat_ptr
        self.seats = np.full(int(seat_ptr[-1]), -1, np.int64)
        self.seat_pos = np.zeros(nf, np.int64)
        self.pi_e = np.zeros(nf, np.int64)
        self.pi_m = np.zeros(m, np.int64)
        self.state = np.array([0, nf, 0], np.int64)  # pi_T, seats owed to T, work counter
        self.floor = -1  # the auction's outside option (see warm_start); -1: none
        # one step of rounded score in weight units (the "score" objective multiplies by
        # n + 1): the auction's last eps is a multiple of it, so that both objectives stop
        # at the same precision relative to the scores (16 units of 1e-6 score)
        self.unit = unit
        # Added to every arc while the auction bids (never to the arcs the exact core and the
        # certificate see): under "score" (every candidate arc is then worth > 0), a mentee
        # whose arcs are light gives up as soon as prices reach them ("unmatched" is worth 0
        # to it) and the exact core then places hundreds of them by long paths (2,000 x 500
        # x 4: 276,000 mentee scans instead of 6,000 under "coverage"). With the offset they
        # bid on as under "coverage"; the optimum itself is unchanged (set by `solve`).
        self.bid_offset = 0
        # Seats scarcer than mentees under "score" (every candidate arc worth > 0): the
        # auction then runs as under "coverage", from a reserve price, on the offset weights;
        # its prices carry the offset too and lose it before `warm_state` reads them.
        self.price_shift = 0

    def warm_start(self, indptr, indices, weights, cap, augment=None, price0=0):
        """Auction prices and placements (`_auction`).

        Returns (the mentees left to place, and the candidate arcs indptr, indices, weights,
        which `augment` may have extended).

        When the candidate arcs cannot place every mentee who could be placed (a Hall
        violator: at 100,000 x 20,000 the first candidates matched only 96.5% of the mentees
        that all seats could take), the auction turns into a price war that climbs by small
        steps towards the huge "coverage" constant and spends its whole bid budget. So the
        auction first runs on a small budget; when that runs out, `augment(rows, mask)` gives
        the still unplaced mentees arcs to the mentors that have a never-taken seat, and the
        auction continues from its prices. Only the proposal changes; exactness still comes
        from the shortest-path core and pricing.

        Seats scarcer than mentees under "coverage" (`price0` > 0): every seat is filled at the
        optimum and its price ends near the coverage constant, which a climb from zero reaches
        only after a price war by the mentees who cannot all be placed (20,000 x 4,000 with
        10,031 seats: the whole 4 M bid budget, 16,000 mentees left to the core). So every
        seat starts at a reserve price just below the lightest candidate arc, and the auction
        treats "unmatched" as each mentee's outside option of value 0 (`_auction.auction`,
        `floor`): a mentee whose every arc is worth <= 0 stays unmatched with u_i = 0.
        """
        n_seats = len(self.seats)
        if len(indices) == 0 or n_seats == 0:
            return np.arange(len(self.mentor_of), dtype=np.int64), indptr, indices, weights
        n = len(self.mentor_of)
        m = len(cap)
        seat_price = np.full(n_seats, price0, np.int64)
        seat_holder = np.full(n_seats, -1, np.int64)
        own_seat = np.full(n, _auction.NO_SEAT, np.int64)
        spread = int(weights.max() - weights.min())
        eps0 = max(1, spread // 4)
        floor = price0 if price0 > 0 else -1
        self.floor = floor
        if floor >= 0:
            eps0 = max(1, spread // RESERVE_EPS_DIVISOR)
        augmented = 0
        if augment is not None:
            seat_mentor = np.repeat(np.arange(m), np.diff(self.seat_ptr))
            give_up_counts = bool(self.bid_offset) and not self.price_shift
            for _ in range(AUGMENT_ROUNDS):
                budget = max(AUGMENT_BUDGET * n, AUGMENT_MIN_BIDS)
                bids = _auction.auction(
                    indptr, indices, weights + self.bid_offset, self.seat_ptr, seat_price,
                    seat_holder, own_seat, eps0, eps0, budget, False, floor,
                )  # fmt: skip
                # under "score" (offset bids, seats enough) a price war ends in mentees
                # giving up, not in a spent budget: augment for them too
                gave_up = give_up_counts and (own_seat == _auction.UNMATCHED_SEAT).any()
                if bids < budget and not gave_up:
                    break
                rows = np.flatnonzero(own_seat < 0)
                free_seats = np.bincount(seat_mentor[seat_holder < 0], minlength=m)
                if len(rows) == 0 or not free_seats.any():
                    break
                add_r, add_c, add_rc = augment(rows, free_seats)
                if len(add_r) == 0:
                    break
                indptr, indices, weights = _add_arcs(
                    indptr, indices, weights, m, add_r, add_c, add_rc
                )
                own_seat[own_seat == _auction.UNMATCHED_SEAT] = _auction.NO_SEAT
                augmented += len(add_r)
            if augmented:
                # the price war before each augmentation inflated some prices far beyond the
                # score range (which would make every row violate pricing); the augmented
                # arcs can now place everyone, so the real auction starts from zero prices
                # (from the reserve price when seats are scarce)
                seat_price[:] = price0
                seat_holder[:] = -1
                own_seat[:] = _auction.NO_SEAT
        excess = self._auction_then_state(
            indptr, indices, weights, cap, seat_price, seat_holder, own_seat, eps0, False, floor
        )
        return excess, indptr, indices, weights

    def rewarm(self, indptr, indices, weights, cap, rows, v) -> np.ndarray:
        """Warm restart after pricing: current prices and placements, `rows` unplaced.

        A few rows go straight back to the shortest-path core (`release`); many rows get an
        auction first, which moves many prices at once much faster than one path at a time.
        """
        if len(rows) <= max(REWARM_RELEASE_MAX, len(self.mentor_of) // REWARM_RELEASE_SHARE):
            return self.release(rows, v)
        seat_price = np.repeat(v, np.diff(self.seat_ptr)).astype(np.int64) + self.price_shift
        seat_holder = self.seats.copy()
        own_seat = np.where(self.mentor_of >= 0, self.seat_pos, _auction.NO_SEAT)
        own_seat[self.mentor_of == _kernels.UNMATCHED] = _auction.UNMATCHED_SEAT
        if not REWARM_KEEP:
            placed = rows[self.mentor_of[rows] >= 0]
            seat_holder[self.seat_pos[placed]] = -1
            own_seat[rows] = _auction.NO_SEAT
        # else: every placement stays unless the first phase's eps-slackness check (against
        # the new arcs) undoes it, so rows whose violations are small do not move at all
        spread = int(weights.max() - weights.min()) if len(weights) else 0
        return self._auction_then_state(
            indptr, indices, weights, cap, seat_price, seat_holder, own_seat,
            max(1, spread // REWARM_EPS_DIVISOR), REWARM_KEEP, self.floor,
        )  # fmt: skip

    def _auction_then_state(
        self, indptr, indices, weights, cap, seat_price, seat_holder, own_seat, eps0,
        check_first=False, floor=-1,
    ):  # fmt: skip
        budget = AUCTION_BUDGET * len(own_seat) + 10_000
        # see `bid_offset`; warm_state below judges the auction's prices on the true weights
        bid_weights = weights + self.bid_offset if self.bid_offset else weights
        _auction.auction(
            indptr, indices, bid_weights, self.seat_ptr, seat_price, seat_holder, own_seat,
            eps0, min(eps0, (AUCTION_EPS_MIN if floor < 0 else RESERVE_EPS_MIN) * self.unit),
            budget,
            check_first, floor,
        )  # fmt: skip
        if self.price_shift:
            np.maximum(seat_price - self.price_shift, 0, out=seat_price)
        elif self.bid_offset and len(seat_price):
            # With the offset the auction's price level drifts up (every seat taken, each
            # bid raises one): prices above the true weights make no placement tight. One
            # constant off every seat keeps every placement's eps-slackness.
            seat_price -= seat_price.min()
        for zero_nonfull in (False, True):
            excess = _auction.warm_state(
                indptr, indices, weights, cap, self.seat_ptr, seat_price, own_seat,
                self.mentor_of, self.w_of, self.load, self.deficit, self.seats,
                self.seat_pos, self.pi_e, self.pi_m, self.state, zero_nonfull, TIGHTEN,
            )  # fmt: skip
            if self.state[1] >= 0:
                return excess
        raise RuntimeError("auction warm start left more seats owed than mentees")

    def run(self, indptr, indices, weights, cap, seat_ptr, order) -> None:
        _kernels.ssp_solve(
            indptr,
            indices,
            weights,
            cap,
            self.mentor_of,
            self.w_of,
            self.load,
            self.deficit,
            seat_ptr,
            self.seats,
            self.seat_pos,
            self.pi_e,
            self.pi_m,
            self.state,
            order,
        )

    def duals(self) -> tuple[np.ndarray, np.ndarray]:
        # pi_T is normalised to 0 by the kernel
        return self.pi_e.copy(), -self.pi_m

    def release(self, rows: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Take mentees with a new violated arc out of the matching, keeping the invariants.

        A seat emptied at a positive price is owed (deficit) until someone fills it or a path
        lowers its price; a seat at price 0 just becomes free.
        """
        _kernels.release(
            rows.astype(np.int64),
            v,
            self.mentor_of,
            self.load,
            self.deficit,
            self.seat_ptr,
            self.seats,
            self.seat_pos,
            self.state,
        )
        return rows.astype(np.int64)


def _reserve_price(problem, weights: np.ndarray, nf: int, shift: int = 0) -> int:
    """The first auction's starting seat price (see `_State.warm_start`), in the auction's
    units (`shift`: the score objective's offset while bidding, see `_State.price_shift`)."""
    seats = int(problem.residual_capacity.sum())
    if (problem.objective != "coverage" and not shift) or seats >= nf or len(weights) == 0:
        return 0
    return max(0, int(weights.min()) + shift - 1)


def _q_cache(problem, scale: IntegerScale) -> np.ndarray | None:
    """Rounded scores of the free rows as int32 (unusable pairs marked), for dense problems.

    Pricing runs several times per solve; on a dense matrix of moderate size it is cheaper to
    round once and scan int32 afterwards. Large or lazy sources are scanned from the floats.
    """
    if problem.scores is None or len(problem.free_mentees) * problem.n_mentors > CACHE_PAIRS:
        return None
    if problem.source.bound() / scale.unit >= 2**31 - 2:
        return None
    free = problem.free_mentees
    q = np.empty((len(free), problem.n_mentors), np.int32)
    pos = 0
    for idx, block in problem.row_blocks(free):
        qb = q[pos : pos + len(idx)]
        _kernels.round_block(block, scale.unit, qb)
        if problem.allowed is not None or problem.min_score is not None or problem.forbidden_rows:
            qb[~problem.allowed_mask(idx, block)] = _kernels.Q_SKIP
        pos += len(idx)
    return q


def _scan(problem, scale: IntegerScale, mentor_ok, min_score, u, v, r, q=None, tables=None):
    """Blockwise over free mentees: the r most negative u_i + v_j - w_ij per row."""
    free = problem.free_mentees
    nf = len(free)
    if q is not None:
        return _kernels.price_block_q(q, scale.factor, scale.offset, u, v, mentor_ok, max(r, 0))
    features = feature_source(problem.source)
    if features is not None:
        if tables is None:
            tables = _fused.FeatureTables(features)
        return _fused.scan_features(problem, tables, scale, mentor_ok, min_score, u, v, r)
    out_c = np.full((nf, max(r, 0)), -1, np.int64)
    out_k = np.zeros((nf, max(r, 0)), np.int64)
    counts = np.zeros(nf, np.int64)
    use_allowed = problem.allowed is not None or problem.forbidden_rows
    dummy = np.zeros((1, 1), dtype=bool)
    pos = 0
    for idx, block in problem.row_blocks(free):
        b = len(idx)
        allowed = np.ascontiguousarray(problem.pair_mask(idx)) if use_allowed else dummy
        c, kk, cnt = _kernels.price_block(
            block,
            allowed,
            use_allowed,
            float(min_score),
            scale.unit,
            scale.factor,
            scale.offset,
            u[pos : pos + b],
            v,
            mentor_ok,
            r,
            pos,
        )
        out_c[pos : pos + b] = c
        out_k[pos : pos + b] = kk
        counts[pos : pos + b] = cnt
        pos += b
    return out_c, out_k, counts


def _csr_from_lists(cols: np.ndarray, w: np.ndarray):
    nf = cols.shape[0]
    valid = cols >= 0
    indptr = np.zeros(nf + 1, np.int64)
    np.cumsum(valid.sum(axis=1), out=indptr[1:])
    return indptr, cols[valid].astype(np.int64), w[valid].astype(np.int64)


def _merge_arcs(indptr, indices, weights, new_cols, new_w):
    """Add the new arcs (never already present: present arcs have non-negative slack) in one
    compiled pass (both sides are sorted by mentor within a row)."""
    add_counts = (new_cols >= 0).sum(axis=1)
    new_indptr = np.zeros(len(indptr), np.int64)
    np.cumsum(np.diff(indptr) + add_counts, out=new_indptr[1:])
    out_i, out_w = _kernels.merge_rows(
        indptr, indices, weights, np.ascontiguousarray(new_cols, np.int64),
        np.ascontiguousarray(new_w, np.int64), new_indptr,
    )  # fmt: skip
    return new_indptr, out_i, out_w


def _add_arcs(indptr, indices, weights, m, rows, cols, rcs):
    """Candidate CSR plus the arcs (rows[k], cols[k]) of weight -rcs[k], duplicates dropped."""
    nf = len(indptr) - 1
    old_rows = np.repeat(np.arange(nf, dtype=np.int64), np.diff(indptr))
    key = np.concatenate([old_rows * m + indices, rows.astype(np.int64) * m + cols])
    w = np.concatenate([weights, -rcs.astype(np.int64)])
    key, first = np.unique(key, return_index=True)
    new_indptr = np.zeros(nf + 1, np.int64)
    np.cumsum(np.bincount(key // m, minlength=nf), out=new_indptr[1:])
    return new_indptr, key % m, w[first]


def _bonus_arcs(problem, scale, mentor_ok, bonus):
    """The usable bonus pairs of free mentees: (free position, mentor, total arc weight)."""
    pos_of = np.full(problem.n_mentees, -1, np.int64)
    pos_of[problem.free_mentees] = np.arange(len(problem.free_mentees))
    rows, cols = bonus.rows, bonus.cols
    keep = (pos_of[rows] >= 0) & mentor_ok[cols]
    rows, cols = rows[keep], cols[keep]
    totals = problem.pair_scores(rows, cols)
    ok = problem.pairs_allowed(rows, cols, totals)
    return pos_of[rows[ok]], cols[ok], scale.arc_weights(totals[ok])


def _set_arcs(indptr, indices, weights, m, rows, cols, w):
    """Candidate CSR with the arcs (rows[k], cols[k]) set to weight w[k] (added or replaced)."""
    nf = len(indptr) - 1
    old_rows = np.repeat(np.arange(nf, dtype=np.int64), np.diff(indptr))
    key = np.concatenate([rows.astype(np.int64) * m + cols, old_rows * m + indices])
    all_w = np.concatenate([w.astype(np.int64), weights])
    key, first = np.unique(key, return_index=True)  # the first copy: the one given here
    new_indptr = np.zeros(nf + 1, np.int64)
    np.cumsum(np.bincount(key // m, minlength=nf), out=new_indptr[1:])
    return new_indptr, key % m, all_w[first]
