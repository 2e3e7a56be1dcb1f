//! Local search: after each recreate, the visits that moved in the iteration, and
//! their neighbours in their routes, try the moves of `relocate.rs`, `swap.rs` and
//! `two_opt.rs` with their granular neighbours, and over a horizon with carer changes
//! priced those of `familiar.rs` with the routes of their elders' other carers, first
//! improvement: a move is applied
//! when it lowers the cost and keeps every rule, and a visit that moved is tried
//! again. A plan about to become the best one also tries `or_opt.rs` and
//! `swap_star.rs` (measured on generated one-station problems: in every iteration they
//! cost more search time than they win). Moves are evaluated on the routes' segment
//! data in O(1) or O(k) (see [`crate::routes`]); only an improving move is then checked
//! against the limits. Pinned and synchronised visits never move.

use std::collections::VecDeque;

use super::Search;
use crate::model::{NeedIdx, ProviderIdx};
use crate::routes::{RouteState, StopState, NONE};

/// Neighbours of a visit each move looks at.
pub(super) const LS_K: usize = 20;

impl Search<'_> {
    /// Improves what this iteration moved (see the module docs): relocate, swap and
    /// 2-opt*, and or-opt and SWAP* too when `deep`.
    pub(super) fn local_search(&mut self, deep: bool) {
        // The visits that moved in this iteration, and their neighbours in their routes.
        let mut queue: VecDeque<NeedIdx> = VecDeque::new();
        self.seen_stamp += 1;
        let stamp = self.seen_stamp;
        let moved: Vec<u32> = self.saved_at.iter().map(|x| x.0).collect();
        for n in moved {
            let Some((ri, pos)) = self.locate(NeedIdx(n)) else {
                continue;
            };
            let stops = self.st.routes[ri].stops();
            for s in &stops[pos.saturating_sub(1)..(pos + 2).min(stops.len())] {
                if s.is_free() && self.need_seen[s.need.ix()] != stamp {
                    self.need_seen[s.need.ix()] = stamp;
                    queue.push_back(s.need);
                }
            }
        }
        let mut budget = 2 * queue.len() + 8;
        while let Some(u) = queue.pop_front() {
            if budget == 0 {
                break;
            }
            budget -= 1;
            let moved = self.relocate(u)
                || self.swap(u)
                || self.two_opt(u)
                || self.familiar(u)
                || (deep && (self.or_opt(u) || self.swap_star(u)));
            if moved {
                queue.push_back(u);
            }
        }
    }

    /// The route and position of one-carer need `u` when it may move: served, not
    /// synchronised, not fixed.
    pub(super) fn locate(&self, u: NeedIdx) -> Option<(usize, usize)> {
        let [ra, rb] = self.st.at(u);
        if ra == NONE || rb != NONE {
            return None;
        }
        let route = &self.st.routes[ra as usize];
        let pos = route.stops().iter().position(|s| s.need == u)?;
        route.movable(pos).then_some((ra as usize, pos))
    }

    /// The route and position of need `v` (its first route when synchronised), to
    /// place a visit next to it.
    pub(super) fn anchor(&self, v: u32) -> Option<(usize, usize)> {
        let ri = self.at(v)[0];
        if ri == NONE {
            return None;
        }
        let route = &self.st.routes[ri as usize];
        let pos = route.stops().iter().position(|s| s.need.0 == v)?;
        Some((ri as usize, pos))
    }

    /// Whether a move can be judged by its priced delta ([`Search::move_cost`]): no
    /// soft windows, and travel weighs in the cost. Otherwise every candidate move is
    /// re-timed and priced exactly ([`Search::rewrite`]).
    pub(super) fn by_delta(&self) -> bool {
        !self.problem.has_soft_windows() && self.problem.options().weights.travel > 0
    }

    /// What a move judged by its delta changes in the cost: `travel` added (negative:
    /// saved), and the carer changes of the visits it hands from one provider to
    /// another (`moved`: need, from, to). Exact when [`Search::by_delta`] holds.
    pub(super) fn move_cost(
        &self,
        travel: i64,
        moved: impl Iterator<Item = (NeedIdx, ProviderIdx, ProviderIdx)>,
    ) -> i64 {
        let w = &self.problem.options().weights;
        let changes = if w.carer_changes > 0 {
            w.carer_changes * self.st.changes_if_moved(moved)
        } else {
            0
        };
        w.travel * travel + changes
    }

    /// Replaces each route `ri` of `new` by its stops in the given order, when every
    /// one is feasible (re-timed exactly, O(route)) and — unless moves are judged by
    /// their delta ([`Search::by_delta`]), which the caller has — the plan's cost
    /// falls; the caller has checked the limits. True when replaced.
    pub(super) fn rewrite(&mut self, new: Vec<(usize, Vec<StopState>)>) -> bool {
        let mut built = Vec::with_capacity(new.len());
        for (ri, stops) in new {
            match RouteState::rebuilt(self.problem, self.st.routes[ri].slot, stops) {
                Some(r) => built.push((ri, r)),
                None => return false,
            }
        }
        let replaced: Vec<(usize, &RouteState)> = built.iter().map(|(ri, r)| (*ri, r)).collect();
        if !self.st.affordable_if(&replaced)
            || !self.by_delta() && self.st.cost_if(&replaced) >= self.st.cost()
        {
            return false;
        }
        // Every moved need is logged before any route changes: replacing one route
        // already changes the record of needs that move into another.
        for (_, r) in &built {
            for s in r.stops().iter().filter(|s| s.is_free()) {
                self.touch_need(s.need);
            }
        }
        for (ri, r) in built {
            self.replace(ri, r);
        }
        true
    }

    /// The neighbours of `u` the moves look at.
    pub(super) fn ls_near(&self, u: NeedIdx) -> &[u32] {
        let near = self.near(u.0);
        &near[..near.len().min(LS_K)]
    }
}

/// The stop before position `pos` (`None`: the shift's start).
pub(super) fn before(pos: usize) -> Option<usize> {
    pos.checked_sub(1)
}

/// Candidate moves looked at, in order, when each must be priced exactly.
pub(super) const EXACT_TRIES: usize = 8;

/// The stop at position `pos` of a route of `len` stops (`None`: the end).
pub(super) fn at_or_end(pos: usize, len: usize) -> Option<usize> {
    (pos < len).then_some(pos)
}
