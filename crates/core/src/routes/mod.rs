//! The rules a plan's routes keep while they are built and searched: the one home of
//! feasibility during construction, search and dispatch.
//!
//! - [`RouteState`] (`route.rs`): one provider shift's route with each stop's earliest
//!   and latest start; rule 3 (travel, windows, shift) and rule 4's fixed starts, an
//!   insertion checked in O(1) per position.
//! - [`Builder`] (here): every route of a plan, with the per-provider and per-route
//!   limits of rule 5 (`max_visits`, `max_work`, `capacity`), the only way the
//!   constructions, the search and dispatch add or remove a visit.
//! - Insertion moves (`insert.rs`): the cheapest place for a one-carer visit, the
//!   cheapest pair of places at one common start for a two-carer visit, ordered by the
//!   objective ([`crate::objective`]).
//! - Pins (`pins.rs`): rule 6, placed once by validation with the moves above; every
//!   construction starts from that placement ([`Builder::with_pins`]).
//!
//! A new constraint on routes belongs here (and in the checker); nothing downstream
//! re-derives a rule.

mod insert;
mod pins;
mod route;
mod segment;

pub(crate) use insert::{Unit, UnitMove};
pub(crate) use pins::place_pins;
pub(crate) use route::{Insertion, RouteState, StopState};

use std::collections::BTreeSet;

use crate::model::{NeedIdx, Problem, ProviderIdx, Slot};
use crate::objective::{plan_cost, route_cost, Score};
use crate::wire::Reason;

/// The result of a construction: routes (some empty) and the needs left out.
#[derive(Debug, Clone)]
pub(crate) struct Construction {
    /// One route per provider shift, in slot order.
    pub(crate) routes: Vec<RouteState>,
    /// Needs not served, with reason and detail, in need order.
    pub(crate) unassigned: Vec<(NeedIdx, Reason, String)>,
}

impl Construction {
    /// The plan's score under the spec's objective.
    pub(crate) fn score(&self, problem: &Problem) -> Score {
        Score::without(
            problem,
            self.unassigned.iter().map(|u| u.0),
            cost_of(problem, &self.routes),
        )
    }
}

/// The cost (level 3 of the objective) of `routes`.
pub(crate) fn cost_of(problem: &Problem, routes: &[RouteState]) -> i64 {
    let sum = routes
        .iter()
        .map(|r| route_cost(problem, r.travel, r.late))
        .sum();
    let max = routes.iter().map(|r| r.late_max).max().unwrap_or(0);
    plan_cost(problem, sum, max)
}

/// Routes of every provider shift under construction, with the per-provider limits
/// (`max_visits`, `max_work`) and the insertion moves shared by the constructions.
pub(crate) struct Builder<'a> {
    problem: &'a Problem,
    pub(crate) routes: Vec<RouteState>,
    /// First route index of each provider.
    base: Vec<usize>,
    /// Per provider: visits so far.
    visits: Vec<u32>,
    /// Per provider: travel and service seconds so far.
    work: Vec<i64>,
    /// The empty routes of every profile, once asked for ([`Builder::first_empty`]).
    empty: Option<Vec<BTreeSet<u32>>>,
    /// The routes serving each need ([`NONE`] when unused; two for a synchronised one).
    at: Vec<[u32; 2]>,
    /// A stamp per route, for de-duplicating route lists.
    seen: Vec<u64>,
    stamp: u64,
    /// The routes' costs added up ([`route_cost`]).
    cost_sum: i64,
    /// How many routes have each largest lateness (those above 0).
    maxes: std::collections::BTreeMap<i64, u32>,
}

/// No route.
pub(crate) const NONE: u32 = u32::MAX;

impl<'a> Builder<'a> {
    /// Empty routes for every provider shift.
    pub(crate) fn new(problem: &'a Problem) -> Self {
        let mut routes = Vec::new();
        let mut base = Vec::with_capacity(problem.providers().len());
        for (i, p) in problem.providers().iter().enumerate() {
            base.push(routes.len());
            for s in 0..p.shifts.len() {
                routes.push(RouteState::new(
                    problem,
                    Slot {
                        provider: ProviderIdx(i as u32),
                        shift: s as u16,
                    },
                ));
            }
        }
        let n = problem.providers().len();
        Self {
            problem,
            seen: vec![0; routes.len()],
            routes,
            base,
            visits: vec![0; n],
            work: vec![0; n],
            empty: None,
            at: vec![[NONE; 2]; problem.needs().len()],
            stamp: 0,
            cost_sum: 0,
            maxes: std::collections::BTreeMap::new(),
        }
    }

    /// The plan's cost (level 3 of the objective) as the routes are now.
    pub(crate) fn cost(&self) -> i64 {
        plan_cost(self.problem, self.cost_sum, self.max_late())
    }

    /// The plan's cost if routes `ri` were replaced by the routes given.
    pub(crate) fn cost_if(&self, replaced: &[(usize, &RouteState)]) -> i64 {
        let mut sum = self.cost_sum;
        let mut maxes = self.maxes.clone();
        for &(ri, new) in replaced {
            let old = &self.routes[ri];
            sum += route_cost(self.problem, new.travel, new.late)
                - route_cost(self.problem, old.travel, old.late);
            if old.late_max > 0 {
                if let Some(c) = maxes.get_mut(&old.late_max) {
                    *c -= 1;
                    if *c == 0 {
                        maxes.remove(&old.late_max);
                    }
                }
            }
            if new.late_max > 0 {
                *maxes.entry(new.late_max).or_insert(0) += 1;
            }
        }
        let max = maxes.keys().next_back().copied().unwrap_or(0);
        plan_cost(self.problem, sum, max)
    }

    /// The largest lateness of any visit.
    pub(crate) fn max_late(&self) -> i64 {
        self.maxes.keys().next_back().copied().unwrap_or(0)
    }

    /// Adds (`sign` 1) or takes away (−1) route `ri`'s part of the cost.
    fn account(&mut self, ri: usize, sign: i64) {
        let r = &self.routes[ri];
        self.cost_sum += sign * route_cost(self.problem, r.travel, r.late);
        if r.late_max > 0 {
            let c = self.maxes.entry(r.late_max).or_insert(0);
            if sign > 0 {
                *c += 1;
            } else {
                *c -= 1;
                if *c == 0 {
                    self.maxes.remove(&r.late_max);
                }
            }
        }
    }

    /// The routes with every pinned visit where validation placed it (rule 6): where
    /// every construction starts.
    pub(crate) fn with_pins(problem: &'a Problem) -> Self {
        let mut b = Self::new(problem);
        for pinned in &problem.pinned_routes {
            let stops = pinned
                .stops
                .iter()
                .map(|&(need, start)| StopState {
                    need,
                    fixed: Some(start),
                })
                .collect();
            let ri = b.route_ix(pinned.slot);
            b.set_route(ri, RouteState::with_stops(problem, pinned.slot, stops));
        }
        b
    }

    /// A builder holding `routes` (one per provider shift, in slot order, as
    /// [`Builder::new`] makes them), with the providers' counters recomputed.
    pub(crate) fn from_routes(problem: &'a Problem, routes: Vec<RouteState>) -> Self {
        let mut b = Self::new(problem);
        debug_assert_eq!(b.routes.len(), routes.len());
        b.routes = routes;
        for ri in 0..b.routes.len() {
            b.account(ri, 1);
        }
        for (ri, r) in b.routes.iter().enumerate() {
            let p = r.provider().ix();
            b.visits[p] += r.stops().len() as u32;
            b.work[p] += r.travel + r.service;
            for s in r.stops() {
                let a = &mut b.at[s.need.ix()];
                a[usize::from(a[0] != NONE)] = ri as u32;
            }
        }
        b
    }

    /// The routes serving need `n` ([`NONE`] when unused).
    pub(crate) fn at(&self, n: NeedIdx) -> [u32; 2] {
        self.at[n.ix()]
    }

    /// In debug builds, checks the needs' routes against the routes themselves.
    pub(crate) fn debug_assert_at(&self) {
        if cfg!(debug_assertions) {
            let mut at = vec![[NONE; 2]; self.at.len()];
            for (ri, r) in self.routes.iter().enumerate() {
                for s in r.stops() {
                    let a = &mut at[s.need.ix()];
                    a[usize::from(a[0] != NONE)] = ri as u32;
                }
            }
            for (n, (a, b)) in at.iter().zip(&self.at).enumerate() {
                let (mut a, mut b) = (*a, *b);
                a.sort_unstable();
                b.sort_unstable();
                debug_assert_eq!(a, b, "need {n}");
            }
        }
    }

    /// Sets the routes serving need `n` (undoing a tentative move).
    pub(crate) fn set_at(&mut self, n: NeedIdx, a: [u32; 2]) {
        self.at[n.ix()] = a;
    }

    /// Records that route `ri` serves (`on`) or no longer serves need `n`.
    fn mark(&mut self, n: NeedIdx, ri: usize, on: bool) {
        let a = &mut self.at[n.ix()];
        let ri = ri as u32;
        if on {
            if a[0] != ri && a[1] != ri {
                a[usize::from(a[0] != NONE)] = ri;
            }
        } else if a[0] == ri {
            *a = [a[1], NONE];
        } else if a[1] == ri {
            a[1] = NONE;
        }
    }

    /// Replaces route `ri` (same slot) and updates its provider's counters.
    pub(crate) fn set_route(&mut self, ri: usize, route: RouteState) {
        let p = route.provider().ix();
        self.account(ri, -1);
        let old = std::mem::replace(&mut self.routes[ri], route);
        self.account(ri, 1);
        for s in old.stops() {
            if !self.routes[ri].stops().iter().any(|x| x.need == s.need) {
                self.mark(s.need, ri, false);
            }
        }
        for k in 0..self.routes[ri].stops().len() {
            let n = self.routes[ri].stops()[k].need;
            self.mark(n, ri, true);
        }
        let new = &self.routes[ri];
        self.visits[p] = self.visits[p] + new.stops().len() as u32 - old.stops().len() as u32;
        self.work[p] += new.travel + new.service - old.travel - old.service;
        self.track(ri);
    }

    /// Puts `route` back as route `ri` as it was (undoing a tentative move); the
    /// provider's counters and the needs' routes are the caller's
    /// ([`Builder::set_counters`], [`Builder::set_at`]).
    pub(crate) fn restore(&mut self, ri: usize, route: RouteState) {
        self.account(ri, -1);
        self.routes[ri] = route;
        self.account(ri, 1);
        self.track(ri);
    }

    /// Keeps route `ri`'s place among its profile's empty routes right.
    fn track(&mut self, ri: usize) {
        if let Some(empty) = &mut self.empty {
            let set = &mut empty[self.problem.profile_of(ri) as usize];
            if self.routes[ri].stops().is_empty() {
                set.insert(ri as u32);
            } else {
                set.remove(&(ri as u32));
            }
        }
    }

    /// The first empty routes of `profile`, at most `k` of them.
    pub(crate) fn first_empty(&mut self, profile: u32, k: usize) -> Vec<usize> {
        let problem = self.problem;
        let routes = &self.routes;
        let empty = self.empty.get_or_insert_with(|| {
            let mut sets = vec![BTreeSet::new(); problem.profiles.count];
            for (ri, r) in routes.iter().enumerate() {
                if r.stops().is_empty() {
                    sets[problem.profile_of(ri) as usize].insert(ri as u32);
                }
            }
            sets
        });
        empty[profile as usize]
            .iter()
            .take(k)
            .map(|&ri| ri as usize)
            .collect()
    }

    /// Provider `p`'s visits and work so far.
    pub(crate) fn counters(&self, p: ProviderIdx) -> (u32, i64) {
        (self.visits[p.ix()], self.work[p.ix()])
    }

    /// Restores provider `p`'s counters (after undoing a tentative move).
    pub(crate) fn set_counters(&mut self, p: ProviderIdx, visits: u32, work: i64) {
        self.visits[p.ix()] = visits;
        self.work[p.ix()] = work;
    }

    /// The index in [`Builder::routes`] of `slot`'s route.
    pub(crate) fn route_ix(&self, slot: Slot) -> usize {
        self.base[slot.provider.ix()] + slot.shift as usize
    }

    /// Whether route `ri` is feasible and its provider within `max_work`: what a
    /// removal can break when travel breaks the triangle inequality (a matrix may).
    pub(crate) fn holds(&self, ri: usize) -> bool {
        let r = &self.routes[ri];
        let p = r.provider();
        r.is_consistent()
            && self
                .problem
                .provider(p)
                .max_work
                .is_none_or(|m| self.work[p.ix()] <= m)
    }

    /// The provider's limits for one more visit of `n` in `slot`: `None` when
    /// `max_visits` or the route's `capacity` leave no room; otherwise the most travel
    /// the visit may add within `max_work` (`None` inside: unlimited).
    fn room(&self, slot: Slot, n: NeedIdx) -> Option<Option<i64>> {
        let p = slot.provider;
        let prov = self.problem.provider(p);
        let need = self.problem.need(n);
        let r = &self.routes[self.route_ix(slot)];
        if prov.max_visits.is_some_and(|m| self.visits[p.ix()] >= m)
            || prov.capacity.is_some_and(|c| r.load + need.load > c)
        {
            return None;
        }
        Some(prov.max_work.map(|m| m - self.work[p.ix()] - need.duration))
    }

    /// Inserts `n` into `slot`'s route as `ins` says (fixed at `fixed` when given) and
    /// updates the provider's counters.
    pub(crate) fn apply(&mut self, slot: Slot, n: NeedIdx, ins: &Insertion, fixed: Option<i64>) {
        let p = slot.provider.ix();
        let ri = self.route_ix(slot);
        let before = self.routes[ri].travel + self.routes[ri].service;
        self.account(ri, -1);
        self.routes[ri].insert(self.problem, n, ins.pos, fixed);
        self.account(ri, 1);
        debug_assert!(self.routes[ri].is_consistent());
        self.work[p] += self.routes[ri].travel + self.routes[ri].service - before;
        self.visits[p] += 1;
        self.mark(n, ri, true);
        self.track(ri);
    }

    /// Removes the stop at `pos` of route `ri` and updates the provider's counters.
    pub(crate) fn remove(&mut self, ri: usize, pos: usize) -> StopState {
        let p = self.routes[ri].provider().ix();
        let before = self.routes[ri].travel + self.routes[ri].service;
        self.account(ri, -1);
        let s = self.routes[ri].remove(self.problem, pos);
        self.account(ri, 1);
        self.work[p] += self.routes[ri].travel + self.routes[ri].service - before;
        self.visits[p] -= 1;
        self.mark(s.need, ri, false);
        self.track(ri);
        s
    }

    /// Whether route changes keep every per-route and per-provider limit: each change
    /// is (route, travel, service, load, visits) added (negative: taken). Only what
    /// grows is checked, so a move that lightens a route is never refused.
    pub(crate) fn allows(&self, changes: &[(usize, i64, i64, i64, i64)]) -> bool {
        let mut per: [(ProviderIdx, i64, i64); 4] = [(ProviderIdx(u32::MAX), 0, 0); 4];
        for (k, &(ri, travel, service, load, visits)) in changes.iter().enumerate().take(4) {
            let r = &self.routes[ri];
            let prov = self.problem.provider(r.provider());
            if load > 0 && prov.capacity.is_some_and(|c| r.load + load > c) {
                return false;
            }
            per[k] = (r.provider(), travel + service, visits);
        }
        for &(p, ..) in per.iter().take(changes.len()) {
            let (work, visits) = per
                .iter()
                .filter(|x| x.0 == p)
                .fold((0, 0), |(w, v), x| (w + x.1, v + x.2));
            let prov = self.problem.provider(p);
            if work > 0 && prov.max_work.is_some_and(|m| self.work[p.ix()] + work > m) {
                return false;
            }
            if visits > 0
                && prov
                    .max_visits
                    .is_some_and(|m| i64::from(self.visits[p.ix()]) + visits > i64::from(m))
            {
                return false;
            }
        }
        true
    }

    /// Whether `p` is one of the trusted carers of `n`'s elder.
    pub(crate) fn trusted(&self, n: NeedIdx, p: ProviderIdx) -> bool {
        let e = self.problem.elder(self.problem.need(n).elder);
        e.prefers.contains(&p)
    }

    /// The objective's tie-break ([`crate::objective::tie`]) for `p` serving `n`.
    pub(crate) fn tie(&self, n: NeedIdx, p: ProviderIdx) -> (bool, i64) {
        crate::objective::tie(self.trusted(n, p), self.work[p.ix()])
    }
}
