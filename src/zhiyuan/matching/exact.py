"""The exact solve: an assignment problem on each demand's best candidates, proved optimal.

The problem is a transportation (b-matching) problem: demand d takes at most `places[d]`
volunteers, a volunteer serves at most once, pair e weighs w[e] = fill bonus + score units
(integers). Its linear programme

    max Σ w[e] x[e]   subject to   Σ_{e at d} x[e] <= places[d],  Σ_{e at v} x[e] <= 1,  x >= 0

has integral optimal vertices (the constraint matrix is totally unimodular), and its dual

    min Σ places[d] u[d] + Σ y[v]   subject to   u[d] + y[v] >= w[e] for every pair, u, y >= 0

proves optimality: any assignment whose total weight equals the dual objective of some
feasible (u, y) is optimal. `solve()` uses that to avoid the full graph:

1. sort the pairs once by demand, best weight first, and keep each demand's
   `places + margin` best candidates;
2. solve that restricted problem exactly (LAPJVsp on its expanded assignment graph, one
   connected component or a pack of small ones at a time; without the "leave unfilled"
   columns when every place can be filled, as LAPJVsp's work grows with rows × columns)
   and take the demands' duals u
   from shortest paths in its residual network (Bellman-Ford, int64);
3. only a pair with w[e] > u[d] can violate the dual constraints or raise a volunteer's
   dual, and those are a prefix of each demand's sorted pairs, found by binary search, so
   no round passes over every pair. Set y[v] = max(0, max over those pairs of w[e] − u[d])
   — feasible by construction — and compare Σ places·u + Σ y with the assignment's weight,
   in int64. Equal: the assignment is optimal on the full graph, done. Otherwise the
   dropped pairs with w[e] − u[d] above the restricted y[v] ("violators"), and those a
   tenth of the score range short of it (the likely next violators), join the restricted
   set, at most 2 × (places + margin) per demand (the largest excess first), and step 2
   repeats. A demand reads its prefix only as far as those largest can reach (the slack
   w − u[d] bounds the excess and does not increase along it), so the first round, where
   nearly every pair is a violator, reads a few hundred thousand pairs, not 16 million.
   SciPy's solver takes no starting duals; a round with few violators (the last, usually)
   is instead repaired from the last optimum and its duals (`repair`: a shortest
   augmenting path from each violator, within a budget). Other rounds are solved afresh,
   and what makes them cheap is fewer of them and fewer columns.

If the rounds run out or the duals do not settle, the full graph is solved directly, so the answer is
always the exact optimum; `stats` says which way it was proved.
"""

from __future__ import annotations

import heapq

import numpy as np
from scipy.sparse import coo_array, csr_array
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching

MARGIN = 2  # extra candidates kept per demand beyond its places
MAX_ROUNDS = 12
PRUNE_FROM = 20_000  # below this many pairs the full graph is solved directly
BATCH_PAIRS = 4_000  # small components are solved together up to this many pairs
REPAIR_VIOLATORS = 64  # a round with at most this many violators repairs the last optimum
REPAIR_STEPS = 100_000  # nodes a repair may visit before it gives way to a fresh solve


def assignment_graph(pair_v, pair_d, units, places, bonus, *, unfilled=True):
    """The expanded assignment graph of the given pairs: rows are places (a demand with k
    places is k rows), columns the volunteers with a pair then one "leave unfilled" column
    per row. A real edge weighs 1 + bonus + units, a row's unfilled edge 1, so a full
    matching of the rows always exists and its weight is rows + Σ (bonus + units) of the
    pairs chosen. unfilled=False leaves the "leave unfilled" columns out: the graph then has
    a full matching only if every place can be filled at once, and its maximum-weight full
    matching is the same optimum on far fewer columns.
    Returns (csr_array, row_demand, used volunteers, pairs sorted by demand).
    """
    n_d = len(places)
    order = np.argsort(pair_d, kind="stable")
    pv, un = pair_v[order], units[order]
    count = np.bincount(pair_d, minlength=n_d).astype(np.int64)
    rows_of = np.minimum(places, count)
    first = np.zeros(n_d, dtype=np.int64)
    np.cumsum(count[:-1], out=first[1:])
    row_demand = np.repeat(np.arange(n_d), rows_of)
    rows = len(row_demand)
    used, column = np.unique(pv, return_inverse=True)
    extra = 1 if unfilled else 0
    row_len = count[row_demand] + extra
    indptr = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(row_len, out=indptr[1:])
    row_of = np.repeat(np.arange(rows), row_len)
    within = np.arange(indptr[-1]) - indptr[row_of]
    dummy = (within == (row_len - 1)[row_of]) if unfilled else np.zeros(len(row_of), dtype=bool)
    pair = np.where(dummy, 0, first[row_demand][row_of] + within)
    indices = np.where(dummy, len(used) + row_of, column[pair] if len(pv) else 0)
    data = np.where(dummy, 1.0, float(1 + bonus) + (un[pair] if len(un) else 0))
    shape = (rows, len(used) + rows * extra)
    matrix = csr_array((data, indices.astype(np.int32), indptr), shape=shape)
    return matrix, row_demand, used, order


def matched_pairs(pair_v, pair_d, n_v, row_demand, used, rows, cols) -> np.ndarray:
    """Indices into the pairs of a matching of the assignment graph (real columns only)."""
    real = cols < len(used)
    demand = row_demand[rows[real]]
    volunteer = used[cols[real]]
    keys = pair_d.astype(np.int64) * n_v + pair_v
    sorter = np.argsort(keys)
    found = sorter[np.searchsorted(keys, demand * n_v + volunteer, sorter=sorter)]
    return np.sort(found)


def solve_assignment(pair_v, pair_d, units, places, bonus, n_v) -> np.ndarray:
    """The exact optimum of the given pairs by LAPJVsp on the expanded graph."""
    # LAPJVsp's work grows with rows × columns: first try without the "leave unfilled"
    # columns, which is the same optimum whenever every place can be filled (SciPy checks
    # that with Hopcroft-Karp first, cheaply, and refuses otherwise).
    graph = assignment_graph(pair_v, pair_d, units, places, bonus, unfilled=False)
    matrix, row_demand, used, _ = graph
    if matrix.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    try:
        if matrix.shape[0] > matrix.shape[1]:
            raise ValueError("fewer volunteers than places")
        rows, cols = min_weight_full_bipartite_matching(matrix, maximize=True)
    except ValueError:
        matrix, row_demand, used, _ = assignment_graph(pair_v, pair_d, units, places, bonus)
        rows, cols = min_weight_full_bipartite_matching(matrix, maximize=True)
    return matched_pairs(pair_v, pair_d, n_v, row_demand, used, rows, cols)


def potentials(pair_v, pair_d, weight, chosen, places, n_v, max_passes=100_000):
    """Optimal duals u of the demands, from an optimal assignment of the pairs (`chosen`):
    shortest-path distances in its residual network (Bellman-Ford from a root joined to
    every node, vectorised, in int64), which has no negative cycle because the assignment
    is optimal. Nodes: source s, sink t, demands, volunteers; arcs s→d while d has a free
    place, d→s once it has one filled, d→v (cost −w) for pairs not chosen, v→d (+w) for
    chosen ones, v→t for free volunteers, t→v for busy ones, t→s, and s→t if anyone is
    assigned. Then u[d] = max(0, dist[d] − dist[t]). None if it does not settle."""
    n_d = len(places)
    matched = np.zeros(len(pair_v), dtype=bool)
    matched[chosen] = True
    filled = np.bincount(pair_d[chosen], minlength=n_d)
    busy = np.zeros(n_v, dtype=bool)
    busy[pair_v[chosen]] = True
    dd = np.zeros(n_d, dtype=np.int64)
    dv = np.zeros(n_v, dtype=np.int64)
    s = t = 0
    free_d, some_d = filled < places, filled > 0
    fwd, back = ~matched, matched
    fd, fv, fw = pair_d[fwd], pair_v[fwd], weight[fwd]
    bd, bv, bw = pair_d[back], pair_v[back], weight[back]
    any_assigned = bool(matched.any())
    for _ in range(max_passes):
        old_d, old_v, old_s, old_t = dd.copy(), dv.copy(), s, t
        np.minimum.at(dv, fv, dd[fd] - fw)
        np.minimum.at(dd, bd, dv[bv] + bw)
        if free_d.any():
            dd[free_d] = np.minimum(dd[free_d], s)
        if some_d.any():
            s = min(s, int(dd[some_d].min()))
        if (~busy).any():
            t = min(t, int(dv[~busy].min()))
        if busy.any():
            dv[busy] = np.minimum(dv[busy], t)
        s = min(s, t)
        if any_assigned:
            t = min(t, s)
        if s == old_s and t == old_t and np.array_equal(dd, old_d) and np.array_equal(dv, old_v):
            return np.maximum(dd - t, 0)
    return None


def _max_by(keys, values, n, order=None) -> np.ndarray:
    """Per key 0..n-1, the max of values (0 where none or all below 0)."""
    out = np.zeros(n, dtype=np.int64)
    if len(values):
        if order is None:
            order = np.argsort(keys, kind="stable")
        k, v = keys[order], values[order]
        starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
        out[k[starts]] = np.maximum(np.maximum.reduceat(v, starts), 0)
    return out


def solve_components(pair_v, pair_d, units, places, bonus, n_v, batch=BATCH_PAIRS) -> np.ndarray:
    """solve_assignment on each connected component of the pairs' graph (demands and
    volunteers joined by pairs), small components packed together up to `batch` pairs.

    Components share no volunteer and no demand, so the optimum is the union of their
    optima; LAPJVsp's work grows with rows × columns of the graph it is given, so many small
    graphs are far cheaper than one large one."""
    m = len(pair_v)
    if m <= batch:
        return solve_assignment(pair_v, pair_d, units, places, bonus, n_v)
    n_d = len(places)
    graph = coo_array(
        (np.ones(m, dtype=np.int8), (pair_d, n_d + pair_v)), shape=(n_d + n_v, n_d + n_v)
    ).tocsr()
    _, label = connected_components(graph, directed=False)
    comp = label[pair_d]
    order = np.argsort(comp, kind="stable")
    comp_sorted = comp[order]
    starts = np.flatnonzero(np.r_[True, comp_sorted[1:] != comp_sorted[:-1]])
    ends = np.r_[starts[1:], m]
    out = []
    lo = 0
    cuts = []
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        if b - lo >= batch and a > lo:
            cuts.append((lo, a))
            lo = a
    cuts.append((lo, m))
    for a, b in cuts:
        idx = order[a:b]
        demands, local_d = np.unique(pair_d[idx], return_inverse=True)
        x = solve_assignment(pair_v[idx], local_d, units[idx], places[demands], bonus, n_v)
        out.append(idx[x])
    return np.sort(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)


def solve(
    pair_v: np.ndarray,
    pair_d: np.ndarray,
    units: np.ndarray,
    places: np.ndarray,
    bonus: int,
    n_v: int,
    *,
    prune: bool | None = None,
    margin: int = MARGIN,
    max_rounds: int = MAX_ROUNDS,
) -> tuple[np.ndarray, dict]:
    """Indices of the pairs of an optimal assignment, and how it was found and proved.

    prune=None prunes from PRUNE_FROM pairs up; True or False forces it (for tests).
    """
    n_d = len(places)
    if prune is None:
        prune = len(pair_v) >= PRUNE_FROM
    if not prune or len(pair_v) == 0:
        chosen = solve_components(pair_v, pair_d, units, places, bonus, n_v)
        return chosen, {"proof": "full graph", "rounds": 0, "kept_pairs": len(pair_v)}
    m = len(pair_v)
    units = np.asarray(units, dtype=np.int64)
    low, high = int(units.min()), int(units.max())
    span = high - low + 1
    top = high + int(bonus)
    # One sort: pairs by demand, best weight first (key = d·span + high − units). The
    # sorted pairs' demands and weights are read back from the key, their volunteers
    # through `order`, only at the positions a round looks at.
    key, order = _sorted_keys(pair_d, units, high, span)
    count = np.bincount(pair_d, minlength=n_d).astype(np.int64)
    first = np.zeros(n_d, dtype=np.int64)
    np.cumsum(count[:-1], out=first[1:])
    kept_pos = _ranges(first, np.minimum(count, places + margin))
    kept = np.zeros(m, dtype=bool)
    kept[kept_pos] = True
    near = span // 10  # pairs this close to violating join with the violators
    cap = 2 * (places + margin)  # pairs a round adds per demand, at most
    chosen_pos = u = y_kept = None
    repaired = 0
    for round_ in range(1, max_rounds + 1):
        k = key[kept_pos]
        pv, pd, w = pair_v[order[kept_pos]], k // span, top - k % span
        fixed = None
        if round_ > 1:
            # The last optimum with its duals, and the pairs just added: when few of them
            # violate the duals, a few short augmenting paths give the new optimum.
            matched = np.zeros(len(kept_pos), dtype=bool)
            matched[np.searchsorted(kept_pos, chosen_pos)] = True
            fixed = repair(pv, pd, w, matched, places, u, y_kept)
        if fixed is not None:
            matched, u = fixed
            chosen_pos = kept_pos[matched]
            repaired += 1
        else:
            x = solve_components(pv, pd, w - int(bonus), places, bonus, n_v)
            chosen_pos = kept_pos[x]
            u = potentials(pv, pd, w, x, places, n_v)
            if u is None:
                break
        u[places == 0] = top  # no place to fill: its pairs can never be chosen
        y_kept = _max_by(pv, w - u[pd], n_v)
        # Only pairs with w > u[d] can break the certificate or raise a volunteer's dual:
        # per demand a prefix of its pairs (sorted best first), found by binary search.
        cut = np.clip(top - u, 0, span)  # w > u  ⇔  high − units < top − u
        ends = np.searchsorted(key, np.arange(n_d, dtype=np.int64) * span + cut, side="left")
        live_len = np.maximum(np.minimum(ends, first + count), first) - first
        # Each demand's worst violators only, as many as twice its places plus the margin:
        # adding every violator would bring back most of the graph in one round. Pairs a
        # tenth of the score range short of violating join them (they tend to be the next
        # round's violators), which saves rounds.
        sorted_pairs = (key, span, top, order, pair_v)
        kept_count = np.bincount(pd, minlength=n_d)
        close, excess, plain = _close_pairs(
            sorted_pairs, first, live_len, kept, kept_count, u, y_kept, cap, near
        )
        if not (excess > 0).any():
            live = _ranges(first, live_len)
            slack = (top - key[live] % span) - u[key[live] // span]
            y = _max_by(pair_v[order[live]], slack, n_v)
            dual = int((places.astype(np.int64) * u).sum() + y.sum())
            primal = int((top - key[chosen_pos] % span).sum())
            if dual == primal:
                return np.sort(order[chosen_pos]), {
                    "proof": "duals",
                    "rounds": round_,
                    "repaired": repaired,
                    "kept_pairs": len(kept_pos),
                }
            break  # the duals do not close the gap: solve the full graph
        new = _largest_per_demand(close, key[close] // span, excess, cap, near, plain)
        kept[new] = True
        kept_pos = np.flatnonzero(kept)
    chosen = solve_components(pair_v, pair_d, units, places, bonus, n_v)
    return chosen, {"proof": "full graph", "rounds": max_rounds, "kept_pairs": len(pair_v)}


def repair(pair_v, pair_d, weight, matched, places, u, y, *, max_steps=None):
    """The optimum of the given pairs from an optimum of some of them: `matched` is optimal
    for the pairs it was solved on, (u, y) its optimal duals (u per demand, y per volunteer,
    complementary slack), and the other pairs were added since. (matched, u) with u the new
    optimal duals of the demands, or None when more than REPAIR_VIOLATORS added pairs
    violate the duals, the duals are not complementary slack, or the repair would visit
    more than `max_steps` nodes: then solve afresh.

    Min-cost flow with potentials: source s → demand (its places) → volunteer (−w) → sink t
    → s. The duals are the potentials (π[d] = u[d], π[v] = −y[v], π[s] = π[t] = 0), so
    every residual arc of the old optimum has a reduced cost c + π[tail] − π[head] ≥ 0. A
    violator's arc d → v has a negative one: it carries a unit at once, which leaves v a
    unit too many and d one short, and every residual arc is ≥ 0 again. Each surplus unit
    then goes to a short demand along a shortest path of reduced costs (Dijkstra, stopped at
    the first short demand reached; the potentials of the nodes it settled move by their
    distance less the path's, which keeps every reduced cost ≥ 0). When nothing is left
    over the flow is a matching with every residual reduced cost ≥ 0: optimal, with its
    duals. A few violators usually mean a few short paths; each search is in Python, so a
    budget bounds it."""
    if max_steps is None:
        max_steps = REPAIR_STEPS
    n_d = len(places)
    vols, local = np.unique(pair_v, return_inverse=True)
    n_l = len(vols)
    s, t = n_d + n_l, n_d + n_l + 1  # nodes: demands, volunteers (local), s, t
    pi_d = np.asarray(u, dtype=np.int64)
    pi_v = -np.asarray(y, dtype=np.int64)[vols]
    filled = np.bincount(pair_d[matched], minlength=n_d)
    busy = np.bincount(local[matched], minlength=n_l)
    reduced = pi_d[pair_d] - pi_v[local] - weight  # of the arc d → v
    violators = ~matched & (reduced < 0)
    n_viol = int(violators.sum())
    if (
        n_viol > REPAIR_VIOLATORS
        or (reduced[matched] != 0).any()
        or (busy > 1).any()
        or ((filled < places) & (pi_d != 0)).any()
        or ((filled > 0) & (pi_d < 0)).any()
        or ((busy == 0) & (pi_v != 0)).any()
        or (pi_v > 0).any()
    ):
        return None
    if not n_viol:
        return matched, np.maximum(pi_d, 0)
    pi = pi_d.tolist() + pi_v.tolist() + [0, 0]
    on = bytearray((matched | violators).astype(np.uint8).tobytes())  # pair carries a unit
    w, pd, pv = weight.tolist(), pair_d.tolist(), (local + n_d).tolist()
    by_d = np.argsort(pair_d, kind="stable").tolist()
    d_at = np.r_[0, np.cumsum(np.bincount(pair_d, minlength=n_d))].tolist()
    by_v = np.argsort(local, kind="stable").tolist()
    v_at = np.r_[0, np.cumsum(np.bincount(local, minlength=n_l))].tolist()
    room = (places - filled).tolist()  # free places: arc s → d
    filled_l = filled.tolist()  # arc d → s
    out = [0] * n_d + busy.tolist()  # volunteer → t carries a unit
    flow = int(filled.sum())  # t → s carries it all
    short = [0] * n_d
    for d in pair_d[violators].tolist():
        short[d] += 1
    surplus = (local[violators] + n_d).tolist()
    steps = 0
    far = 1 << 62
    for source in surplus:
        dist, settled, came = {source: 0}, {}, {}
        heap = [(0, source)]
        target = -1
        while heap:
            dx, a = heapq.heappop(heap)
            if a in settled or dx > dist[a]:
                continue
            settled[a] = dx
            steps += 1
            if a < n_d and short[a]:
                target = a
                break
            arcs = []  # (head, reduced cost, how: pair index, or −1 − tail for s/t arcs)
            pa = pi[a]
            if a < n_d:
                for p in by_d[d_at[a] : d_at[a + 1]]:
                    if not on[p]:
                        arcs.append((pv[p], pa - pi[pv[p]] - w[p], p))
                if filled_l[a]:
                    arcs.append((s, pa - pi[s], -1 - a))
            elif a < s:
                for p in by_v[v_at[a - n_d] : v_at[a - n_d + 1]]:
                    if on[p]:
                        arcs.append((pd[p], pa - pi[pd[p]] + w[p], p))
                if not out[a]:
                    arcs.append((t, pa - pi[t], -1 - a))
            elif a == s:
                arcs = [(d, pa - pi[d], -1 - s) for d in range(n_d) if room[d]]
                if flow:
                    arcs.append((t, pa - pi[t], -1 - s))
            else:
                arcs = [(b, pa - pi[b], -1 - t) for b in range(n_d, s) if out[b]]
                arcs.append((s, pa - pi[s], -1 - t))
            steps += len(arcs) // 8
            for b, cost, how in arcs:
                nd = dx + cost
                if nd < dist.get(b, far):
                    dist[b] = nd
                    came[b] = how
                    heapq.heappush(heap, (nd, b))
            if steps > max_steps:
                return None
        if target < 0:
            return None
        length = settled[target]
        for a, da in settled.items():
            pi[a] += da - length
        b = target
        while b != source:
            how = came[b]
            if how >= 0:
                a = pv[how] if on[how] else pd[how]
                on[how] ^= 1
            else:
                a = -1 - how
                if b == s and a == t:
                    flow += 1
                elif b == s:  # d → s: one place less filled
                    filled_l[a] -= 1
                    room[a] += 1
                elif b == t and a == s:
                    flow -= 1
                elif b == t:  # the volunteer is busy now
                    out[a] = 1
                elif a == s:  # s → d: one place more filled
                    filled_l[b] += 1
                    room[b] -= 1
                else:  # t → v: the volunteer is free now
                    out[b] = 0
            b = a
        short[target] -= 1
    matched = np.frombuffer(bytes(on), dtype=np.uint8).astype(bool)
    return matched, np.maximum(np.array(pi[:n_d], dtype=np.int64) - pi[s], 0)


def _sorted_keys(pair_d, units, high: int, span: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs' keys d·span + (high − units) in increasing order, and the pair of each
    (ties in pair order). When the pair indices fit in the key's spare low bits, the keys
    are sorted as values (several times faster than an argsort) with the index packed in;
    every array here is built in place, as each temporary at this size is a fresh mapping
    to fault in."""
    m = len(pair_d)
    key = pair_d.astype(np.int64)
    key *= span
    key += high
    key -= units
    shift = max((m - 1).bit_length(), 1)
    if m and int(key.max()) < 1 << (62 - shift):
        key <<= shift
        key |= np.arange(m, dtype=np.int64)
        key.sort()
        order = key & ((1 << shift) - 1)
        key >>= shift
        return key, order
    order = np.argsort(key, kind="stable")
    return key[order], order


def _close_pairs(sorted_pairs, first, live_len, kept, kept_count, u, y_kept, cap, near):
    """The positions of the live pairs not kept whose excess w − u[d] − y_kept[v] is above
    −near, as far as each demand needs to look for its `cap` largest; their excess; and
    whether it equals the slack w − u[d] (the volunteer has no restricted dual).

    Along a demand's live pairs (first[d] .. first[d] + live_len[d] − 1, best first) the
    slack does not increase, and the excess is at most the slack: once the slack just past
    the part looked at is no more than the cap-th largest excess found in it, no later pair
    can be among the cap largest (ties keep their order) nor be a larger violator. Each
    demand looks at its kept pairs, cap and a few more first, twice as many while that does
    not settle it; the first round's 13 million close pairs are never all gathered."""
    key, span, top, order, pair_v = sorted_pairs
    n_d = len(first)
    length = np.minimum(live_len, kept_count + cap + 16)
    todo = np.flatnonzero(live_len > 0)
    parts = []
    while len(todo):
        pos = _ranges(first[todo], length[todo])
        k = key[pos]
        d = k // span
        slack = top - k % span - u[d]
        excess = slack - y_kept[pair_v[order[pos]]]
        close = (excess > -near) & ~kept[pos]
        pos, d, plain, excess = pos[close], d[close], (excess == slack)[close], excess[close]
        floor = _kth_largest(d, excess, cap, n_d, near)[todo]
        past = np.minimum(first[todo] + length[todo], len(key) - 1)
        settled = (length[todo] == live_len[todo]) | (top - key[past] % span - u[todo] <= floor)
        done = np.zeros(n_d, dtype=bool)
        done[todo[settled]] = True
        mine = done[d]
        parts.append((pos[mine], excess[mine], plain[mine]))
        todo = todo[~settled]
        length[todo] = np.minimum(live_len[todo], 2 * length[todo])
    pos = np.concatenate([p for p, _, _ in parts]) if parts else np.zeros(0, dtype=np.int64)
    by_pos = np.argsort(pos, kind="stable")
    excess = np.concatenate([e for _, e, _ in parts]) if parts else pos
    plain = np.concatenate([q for _, _, q in parts]) if parts else pos.astype(bool)
    return pos[by_pos], excess[by_pos], plain[by_pos]


def _kth_largest(d, value, k, n, near) -> np.ndarray:
    """Per demand 0..n-1 the k[d]-th largest of its values (d in increasing order), or
    −near − 1 where it has fewer than k[d]; values are > −near."""
    out = np.full(n, -near - 1, dtype=np.int64)
    if not len(d):
        return out
    high = int(value.max())
    span = high + near + 1
    ranked = d.astype(np.int64) * span
    ranked += high
    ranked -= value
    ranked.sort()
    starts = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
    sizes = np.diff(np.r_[starts, len(d)])
    group = d[starts]
    full = np.flatnonzero((sizes >= k[group]) & (k[group] > 0))
    at = starts[full] + k[group[full]] - 1
    out[group[full]] = high - (ranked[at] - group[full] * span)
    return out


def _largest_per_demand(items, item_d, value, cap, near, ordered) -> np.ndarray:
    """The items (in demand order) with the `cap[d]` largest values of each demand d, ties
    kept in their order; values are > −near, and the values of the items marked `ordered`
    do not increase along each demand's items.

    One stable sort of one int64 key (demand, then largest value first), over only the items
    that can be among their demand's largest: those at least a value that cap of the
    demand's items reach (its cap-th ordered item, or the cap-th largest of its first cap)."""
    if not len(items):
        return items
    starts = np.flatnonzero(np.r_[True, item_d[1:] != item_d[:-1]])
    sizes = np.diff(np.r_[starts, len(items)])
    group_d = item_d[starts]
    group_cap = np.maximum(cap[group_d], 0)
    high = int(value.max())
    span = high + near + 1

    def by_value(idx):
        # The positions idx (in demand order) sorted by demand, then largest value first.
        key = item_d[idx].astype(np.int64)
        key *= span
        key += high
        key -= value[idx]
        return idx[np.argsort(key, kind="stable")]

    floor = np.full(len(cap), -near, dtype=np.int64)
    # The cap-th largest value of each demand's first cap items.
    head = by_value(_ranges(starts, np.minimum(sizes, group_cap)))
    full = np.flatnonzero((sizes >= group_cap) & (group_cap > 0))
    if len(full):
        at = np.searchsorted(item_d[head], group_d[full]) + group_cap[full] - 1
        floor[group_d[full]] = value[head[at]]
    # The value of each demand's cap-th ordered item.
    marked = np.flatnonzero(ordered)
    marked_d = item_d[marked]
    first = np.searchsorted(marked_d, group_d)
    enough = np.flatnonzero(
        (np.searchsorted(marked_d, group_d, side="right") - first >= group_cap) & (group_cap > 0)
    )
    if len(enough):
        reached = value[marked[first[enough] + group_cap[enough] - 1]]
        floor[group_d[enough]] = np.maximum(floor[group_d[enough]], reached)
    picked = by_value(np.flatnonzero(value >= floor[item_d]))
    d = item_d[picked]
    starts = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
    within = np.arange(len(picked)) - np.repeat(starts, np.diff(np.r_[starts, len(d)]))
    return items[picked[within < cap[d]]]


def _ranges(start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Concatenated start[i] .. start[i] + length[i] − 1, as int64."""
    length = np.maximum(length, 0)
    total = int(length.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(length) - length
    return np.repeat(start - offsets, length) + np.arange(total, dtype=np.int64)
