//! Local search: after each recreate, the visits that moved in the iteration, and
//! their neighbours in their routes, try the operators (`operators/`) relocate, swap
//! and 2-opt* with their granular neighbours, and — where a rule suggests carers for a
//! visit (continuity over a horizon) — familiar; first improvement: a move is applied
//! when it lowers the cost and keeps every rule, and a visit that moved is tried again.
//! A plan about to become the best one also tries or-opt and SWAP* (measured on
//! generated one-station problems: in every iteration they cost more search time than
//! they win).
//!
//! Every operator runs the same loop ([`Search::operate`]): it scans candidate moves
//! for one visit, describing each as a [`Proposal`] judged by the builder ([`Scan`]:
//! its priced delta, then the rules), keeps the first one (or, when moves must be
//! re-timed to be priced, up to [`EXACT_TRIES`]), and applies them in order until one
//! holds. Moves are evaluated on the routes' segment data in O(1) or O(k) (see
//! [`crate::routes`]). Pinned and synchronised visits, and `together` links, never move;
//! a `sequence`'s visits move within the windows that keep its gap.

use std::collections::VecDeque;

use super::{Op, Search};
use crate::model::NeedIdx;
use crate::routes::{Builder, Proposal, Stage, StopState};

/// Neighbours of a visit each move looks at.
pub(super) const LS_K: usize = 20;

/// Candidate moves looked at, in order, when each must be re-timed to be priced.
pub(super) const EXACT_TRIES: usize = 8;

/// What an operator's scan found: the moves worth applying, and how many it tried.
pub(super) struct Scan<M> {
    by_delta: bool,
    /// Candidate moves tried (for `summary.search.operators`).
    pub(super) tried: u64,
    found: Vec<M>,
}

impl<M> Scan<M> {
    /// Whether `p` is worth keeping: it lowers the cost, when moves are judged by
    /// their delta ([`Builder::by_delta`]; otherwise it is priced once re-timed), and
    /// the rules admit it at `stage`.
    pub(super) fn judge(&self, b: &Builder<'_>, p: &Proposal<'_>, stage: Stage) -> bool {
        (!self.by_delta || b.delta_cost(p) < 0) && b.admits(p, stage)
    }

    /// Keeps `m`; true when the scan should stop: at the first move when moves are
    /// judged by their delta, else at [`EXACT_TRIES`].
    pub(super) fn keep(&mut self, m: M) -> bool {
        self.found.push(m);
        self.by_delta || self.found.len() >= EXACT_TRIES
    }

    /// Whether moves are judged by their delta.
    pub(super) fn by_delta(&self) -> bool {
        self.by_delta
    }
}

impl Search<'_> {
    /// Improves what this iteration moved (see the module docs): relocate, swap and
    /// 2-opt*, and or-opt and SWAP* too when `deep`.
    pub(super) fn local_search(&mut self, deep: bool) {
        // The visits that moved in this iteration, and their neighbours in their routes.
        let mut queue: VecDeque<NeedIdx> = VecDeque::new();
        self.seen_stamp += 1;
        let stamp = self.seen_stamp;
        let moved: Vec<u32> = self.moved.list.clone();
        for n in moved {
            let Some((ri, pos)) = self.locate(NeedIdx(n)) else {
                continue;
            };
            let stops = self.st.route(ri).stops();
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

    /// One operator's move for a visit: `scan` looks for candidates, `apply` applies
    /// one (false when it turns out not to hold once re-timed); the candidates are
    /// applied in order until one holds. True when a move was applied.
    pub(super) fn operate<M>(
        &mut self,
        op: Op,
        scan: impl FnOnce(&Self, &mut Scan<M>),
        mut apply: impl FnMut(&mut Self, M) -> bool,
    ) -> bool {
        let mut s = Scan {
            by_delta: self.st.by_delta(),
            tried: 0,
            found: Vec::new(),
        };
        scan(self, &mut s);
        self.moves[op as usize].0 += s.tried;
        for m in s.found {
            if apply(self, m) {
                self.moves[op as usize].1 += 1;
                return true;
            }
        }
        false
    }

    /// The route and position of one-carer need `u` when it may move: served, not
    /// synchronised, not fixed.
    pub(super) fn locate(&self, u: NeedIdx) -> Option<(usize, usize)> {
        let at = self.st.at(u);
        let ra = at.first()?;
        if at.second().is_some() {
            return None;
        }
        let route = self.st.route(ra);
        let pos = route.stops().iter().position(|s| s.need == u)?;
        route.movable(pos).then_some((ra, pos))
    }

    /// The neighbours of `u` (in route `ra`) it could exchange with: each movable, in
    /// another route, with its route, its position, and each carer qualified for the
    /// other's visit (rule 2).
    pub(super) fn partners(
        &self,
        u: NeedIdx,
        ra: usize,
    ) -> impl Iterator<Item = (NeedIdx, usize, usize)> + '_ {
        let (problem, pa) = (self.problem, self.st.route(ra).provider());
        self.ls_near(u).iter().filter_map(move |&v| {
            let v = NeedIdx(v);
            let (rb, j) = self.locate(v).filter(|x| x.0 != ra)?;
            let pb = self.st.route(rb).provider();
            let qualified = problem.disqualification(pa, v).is_none()
                && problem.disqualification(pb, u).is_none();
            qualified.then_some((v, rb, j))
        })
    }

    /// The route and position of need `v` (its first route when synchronised), to
    /// place a visit next to it.
    pub(super) fn anchor(&self, v: u32) -> Option<(usize, usize)> {
        let ri = self.at(v).first()?;
        let pos = self
            .st
            .route(ri)
            .stops()
            .iter()
            .position(|s| s.need.0 == v)?;
        Some((ri, pos))
    }

    /// Replaces each route `ri` of `new` by its stops in the given order, when every
    /// one is feasible and the rules admit it, and — unless moves are judged by their
    /// delta, which the caller has — the plan's cost falls. True when replaced.
    pub(super) fn rewrite(&mut self, new: Vec<(usize, Vec<StopState>)>) -> bool {
        let gain = !self.st.by_delta();
        let routes: Vec<usize> = new.iter().map(|x| x.0).collect();
        if !self.st.try_replace(new, gain) {
            return false;
        }
        for ri in routes {
            for k in 0..self.st.route(ri).stops().len() {
                let s = self.st.route(ri).stops()[k];
                if s.is_free() {
                    self.moved.note(s.need);
                }
            }
        }
        self.score.cost = self.st.cost();
        true
    }

    /// Replaces route `ri` by the same visits in the order `stops` when that is
    /// feasible and lowers the cost within the rules; true when replaced.
    pub(super) fn try_order(&mut self, ri: usize, stops: Vec<StopState>) -> bool {
        if !self.st.try_replace(vec![(ri, stops)], true) {
            return false;
        }
        self.score.cost = self.st.cost();
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

/// The stop at position `pos` of a route of `len` stops (`None`: the end).
pub(super) fn at_or_end(pos: usize, len: usize) -> Option<usize> {
    (pos < len).then_some(pos)
}
