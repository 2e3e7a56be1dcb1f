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
mod series;
pub(crate) use series::whole_series;
mod segment;

pub(crate) use insert::{InsertKey, Unit, UnitMove};
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

/// v1.1: gives reason `over_budget` to the needs `built` leaves out for want of room
/// whose elder cannot pay for them at any of their candidate carers' prices, once the
/// plan's visits (and `seats`) are paid for (rule 9). Without budgets, nothing changes.
pub(crate) fn budget_reasons(
    problem: &Problem,
    cands: &crate::feasibility::Candidates,
    built: &mut Construction,
) {
    if !problem.has_budgets() {
        return;
    }
    let mut b = Builder::from_routes(problem, built.routes.clone());
    b.pay_seats(cands.seats());
    for u in &mut built.unassigned {
        if !matches!(u.1, Reason::OverCapacity | Reason::NoPartner) {
            continue;
        }
        let need = problem.need(u.0);
        let Some(left) = b.left(need.elder) else {
            continue;
        };
        let cheapest = cands
            .of(u.0)
            .iter()
            .map(|s| problem.price(u.0, s.provider))
            .min();
        if let Some(price) = cheapest.filter(|&p| p * i64::from(need.caregivers) > left) {
            u.1 = Reason::OverBudget;
            u.2 = format!(
                "the elder's budget has {left} left after visits of higher priority; this visit costs at least {price}"
            );
        }
    }
}

/// The cost (level 3 of the objective) of `routes`.
pub(crate) fn cost_of(problem: &Problem, routes: &[RouteState]) -> i64 {
    let sum = routes
        .iter()
        .map(|r| route_cost(problem, r.travel, r.late))
        .sum();
    let max = routes.iter().map(|r| r.late_max).max().unwrap_or(0);
    let w = problem.options().weights.carer_changes;
    let changes = if w > 0 {
        let visits = routes.iter().flat_map(|r| {
            let p = r.provider().0;
            r.stops()
                .iter()
                .map(move |s| (problem.need(s.need).elder.0, p))
        });
        crate::objective::carer_changes(&crate::objective::carers_per_elder(problem, visits))
    } else {
        0
    };
    plan_cost(problem, sum, max) + w * changes
}

/// Routes of every provider shift under construction, with the per-provider limits
/// (`max_visits`, `max_work`) and the insertion moves shared by the constructions.
pub(crate) struct Builder<'a> {
    problem: &'a Problem,
    pub(crate) routes: Vec<RouteState>,
    /// First route index of each provider.
    base: Vec<usize>,
    /// Per (provider, day) group ([`crate::model::Days`]): visits and work so far.
    day: Vec<Used>,
    /// Per provider, over the horizon: visits and work so far.
    total: Vec<Used>,
    /// Per elder, with a weight on carer changes: (provider, visits) of each carer.
    carers: Vec<Vec<(u32, u32)>>,
    /// Carer changes of the plan: per elder, distinct carers minus one, summed.
    changes: i64,
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
    /// v1.1, with budgets: what each elder may still spend (rule 9); empty otherwise.
    left: Vec<i64>,
}

/// No route.
pub(crate) const NONE: u32 = u32::MAX;

/// What a provider has used, on one day or over the horizon: visits, and seconds of
/// travel + service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Used {
    pub(crate) visits: u32,
    pub(crate) work: i64,
}

impl Used {
    /// `self` with `visits` more visits and `work` more seconds.
    fn plus(self, visits: i64, work: i64) -> Self {
        Self {
            visits: (i64::from(self.visits) + visits) as u32,
            work: self.work + work,
        }
    }

    /// Whether `visits` more visits and `work` more seconds stay within the limits
    /// (only what grows is checked).
    fn allows(
        self,
        max_visits: Option<u32>,
        max_work: Option<i64>,
        visits: i64,
        work: i64,
    ) -> bool {
        !(visits > 0 && max_visits.is_some_and(|m| i64::from(self.visits) + visits > i64::from(m))
            || work > 0 && max_work.is_some_and(|m| self.work + work > m))
    }
}

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
            day: vec![Used::default(); problem.day_groups()],
            total: vec![Used::default(); n],
            carers: if problem.options().weights.carer_changes > 0 {
                vec![Vec::new(); problem.elders().len()]
            } else {
                Vec::new()
            },
            changes: 0,
            empty: None,
            at: vec![[NONE; 2]; problem.needs().len()],
            stamp: 0,
            cost_sum: 0,
            maxes: std::collections::BTreeMap::new(),
            left: if problem.has_budgets() {
                problem
                    .elders()
                    .iter()
                    .map(|e| e.budget.unwrap_or(crate::limits::MAX_MONEY * 4))
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    /// v1.1: the needs met at venues pay their seats from their elders' budgets.
    pub(crate) fn pay_seats(&mut self, seats: &[crate::venues::Seat]) {
        if self.left.is_empty() {
            return;
        }
        for s in seats {
            let need = self.problem.need(s.need);
            self.left[need.elder.ix()] -= need.price;
        }
    }

    /// v1.1: `amount` more spent by elder `e` outside the routes held here (dispatch:
    /// the routes it has not read back, and the venue visits).
    pub(crate) fn spend_elsewhere(&mut self, e: crate::model::ElderIdx, amount: i64) {
        if let Some(l) = self.left.get_mut(e.ix()) {
            *l -= amount;
        }
    }

    /// Pays (`sign` 1) or refunds (−1) a visit of `p` to need `n` (rule 9).
    fn pay(&mut self, n: NeedIdx, p: ProviderIdx, sign: i64) {
        if self.left.is_empty() {
            return;
        }
        let e = self.problem.need(n).elder.ix();
        self.left[e] -= sign * self.problem.price(n, p);
    }

    /// Whether the elders can pay for the visits `visits` ((need, provider)) on top of
    /// what they spend now (rule 9).
    pub(crate) fn affordable(&self, visits: &[(NeedIdx, ProviderIdx)]) -> bool {
        if self.left.is_empty() {
            return true;
        }
        match visits {
            [] => true,
            [(n, p)] => self.problem.price(*n, *p) <= self.left[self.problem.need(*n).elder.ix()],
            _ => {
                let mut by: Vec<(usize, i64)> = visits
                    .iter()
                    .map(|&(n, p)| (self.problem.need(n).elder.ix(), self.problem.price(n, p)))
                    .collect();
                by.sort_unstable();
                by.chunk_by(|a, b| a.0 == b.0)
                    .all(|g| g.iter().map(|x| x.1).sum::<i64>() <= self.left[g[0].0])
            }
        }
    }

    /// Whether replacing routes `ri` by the routes given keeps every elder within
    /// budget (rule 9): only the elders who would spend more are checked.
    pub(crate) fn affordable_if(&self, replaced: &[(usize, &RouteState)]) -> bool {
        if self.left.is_empty() {
            return true;
        }
        let mut delta: Vec<(usize, i64)> = Vec::new();
        for &(ri, new) in replaced {
            let old = &self.routes[ri];
            let price = |r: &RouteState, s: &StopState| self.problem.price(s.need, r.provider());
            let elder = |s: &StopState| self.problem.need(s.need).elder.ix();
            delta.extend(old.stops().iter().map(|s| (elder(s), -price(old, s))));
            delta.extend(new.stops().iter().map(|s| (elder(s), price(new, s))));
        }
        delta.sort_unstable();
        delta
            .chunk_by(|a, b| a.0 == b.0)
            .all(|g| g.iter().map(|x| x.1).sum::<i64>() <= self.left[g[0].0])
    }

    /// Whether need `n`'s elder can pay for its visit going from provider `from` to
    /// `to` (rule 9).
    pub(crate) fn affordable_handover(
        &self,
        n: NeedIdx,
        from: ProviderIdx,
        to: ProviderIdx,
    ) -> bool {
        self.left.is_empty()
            || self.problem.price(n, to) - self.problem.price(n, from)
                <= self.left[self.problem.need(n).elder.ix()]
    }

    /// What elder `e` may still spend (`None`: no budgets in the problem).
    pub(crate) fn left(&self, e: crate::model::ElderIdx) -> Option<i64> {
        self.left.get(e.ix()).copied()
    }

    /// The plan's cost (level 3 of the objective) as the routes are now.
    pub(crate) fn cost(&self) -> i64 {
        plan_cost(self.problem, self.cost_sum, self.max_late())
            + self.problem.options().weights.carer_changes * self.changes
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
            + self.problem.options().weights.carer_changes * self.changes_if(replaced)
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
                    within: None,
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
        for ri in 0..b.routes.len() {
            let r = &b.routes[ri];
            b.count(ri, r.stops().len() as i64, r.travel + r.service);
            for k in 0..b.routes[ri].stops().len() {
                let n = b.routes[ri].stops()[k].need;
                let a = &mut b.at[n.ix()];
                a[usize::from(a[0] != NONE)] = ri as u32;
                b.carer(n, b.routes[ri].provider(), 1);
                b.pay(n, b.routes[ri].provider(), 1);
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
        self.account(ri, -1);
        let old = std::mem::replace(&mut self.routes[ri], route);
        self.account(ri, 1);
        self.recount_carers(ri, &old);
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
        let visits = new.stops().len() as i64 - old.stops().len() as i64;
        let work = new.travel + new.service - old.travel - old.service;
        self.count(ri, visits, work);
        self.track(ri);
    }

    /// Adds `visits` and `work` to route `ri`'s provider's day and horizon.
    fn count(&mut self, ri: usize, visits: i64, work: i64) {
        let g = self.problem.day_group(ri);
        let p = self.routes[ri].provider().ix();
        self.day[g] = self.day[g].plus(visits, work);
        self.total[p] = self.total[p].plus(visits, work);
    }

    /// Counts (`sign` 1) or stops counting (−1) a visit of `p` to need `n`'s elder in
    /// the carer changes (only with a weight on them).
    fn carer(&mut self, n: NeedIdx, p: ProviderIdx, sign: i32) {
        if self.carers.is_empty() {
            return;
        }
        let list = &mut self.carers[self.problem.need(n).elder.ix()];
        let before = list.len();
        match list.iter().position(|c| c.0 == p.0) {
            Some(k) if sign < 0 => {
                list[k].1 -= 1;
                if list[k].1 == 0 {
                    list.swap_remove(k);
                }
            }
            Some(k) => list[k].1 += 1,
            None if sign > 0 => list.push((p.0, 1)),
            None => debug_assert!(false, "no such carer"),
        }
        let changes = |len: usize| len.saturating_sub(1) as i64;
        self.changes += changes(list.len()) - changes(before);
    }

    /// Route `ri` replaced `old`: its visits' carers recounted, and paid for.
    fn recount_carers(&mut self, ri: usize, old: &RouteState) {
        if self.carers.is_empty() && self.left.is_empty() {
            return;
        }
        let p = old.provider();
        for s in old.stops() {
            self.carer(s.need, p, -1);
            self.pay(s.need, p, -1);
        }
        for k in 0..self.routes[ri].stops().len() {
            let n = self.routes[ri].stops()[k].need;
            self.carer(n, p, 1);
            self.pay(n, p, 1);
        }
    }

    /// The plan's carer changes if routes `ri` were replaced by the routes given.
    fn changes_if(&self, replaced: &[(usize, &RouteState)]) -> i64 {
        if self.carers.is_empty() {
            return self.changes;
        }
        let mut delta: Vec<(u32, u32, i32)> = Vec::new();
        for &(ri, new) in replaced {
            let p = new.provider().0;
            let elder = |s: &StopState| self.problem.need(s.need).elder.0;
            delta.extend(self.routes[ri].stops().iter().map(|s| (elder(s), p, -1)));
            delta.extend(new.stops().iter().map(|s| (elder(s), p, 1)));
        }
        self.changes_after(delta)
    }

    /// How many carer changes the plan gains (negative: loses) if each visit of
    /// `moved` goes from the first provider to the second. O(moves · carers).
    pub(crate) fn changes_if_moved(
        &self,
        moved: impl Iterator<Item = (NeedIdx, ProviderIdx, ProviderIdx)>,
    ) -> i64 {
        if self.carers.is_empty() {
            return 0;
        }
        let mut delta: Vec<(u32, u32, i32)> = Vec::new();
        for (n, from, to) in moved.filter(|m| m.1 != m.2) {
            let e = self.problem.need(n).elder.0;
            delta.extend([(e, from.0, -1), (e, to.0, 1)]);
        }
        if delta.is_empty() {
            return 0;
        }
        self.changes_after(delta) - self.changes
    }

    /// The plan's carer changes after `delta`: (elder, provider, visits added).
    fn changes_after(&self, mut delta: Vec<(u32, u32, i32)>) -> i64 {
        delta.sort_unstable();
        let mut changes = self.changes;
        for group in delta.chunk_by(|a, b| a.0 == b.0) {
            let mut list = self.carers[group[0].0 as usize].clone();
            let before = list.len();
            for &(_, p, d) in group {
                match list.iter().position(|c| c.0 == p) {
                    Some(k) => list[k].1 = (i64::from(list[k].1) + i64::from(d)) as u32,
                    None => list.push((p, d.max(0) as u32)),
                }
            }
            let after = list.iter().filter(|c| c.1 > 0).count();
            changes += after.saturating_sub(1) as i64 - before.saturating_sub(1) as i64;
        }
        changes
    }

    /// The problem the routes are of.
    pub(crate) fn problem(&self) -> &'a Problem {
        self.problem
    }

    /// How many visits `p` makes to elder `e` (0 without a weight on carer changes).
    pub(crate) fn carer_visits(&self, e: crate::model::ElderIdx, p: ProviderIdx) -> u32 {
        self.carers
            .get(e.ix())
            .and_then(|list| list.iter().find(|c| c.0 == p.0))
            .map_or(0, |c| c.1)
    }

    /// The carers of elder `e` with their visits (empty without a weight on carer
    /// changes).
    pub(crate) fn carers_of(&self, e: crate::model::ElderIdx) -> &[(u32, u32)] {
        self.carers.get(e.ix()).map_or(&[], Vec::as_slice)
    }

    /// The carer changes a visit of `p` to need `n` would add.
    pub(crate) fn new_carer(&self, n: NeedIdx, p: ProviderIdx) -> i64 {
        match self.carers.get(self.problem.need(n).elder.ix()) {
            Some(list) if !list.is_empty() => i64::from(!list.iter().any(|c| c.0 == p.0)),
            _ => 0,
        }
    }

    /// Puts `route` back as route `ri` as it was (undoing a tentative move); the
    /// provider's counters and the needs' routes are the caller's
    /// ([`Builder::set_counters`], [`Builder::set_at`]).
    pub(crate) fn restore(&mut self, ri: usize, route: RouteState) {
        self.account(ri, -1);
        let old = std::mem::replace(&mut self.routes[ri], route);
        self.account(ri, 1);
        self.recount_carers(ri, &old);
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

    /// Route `ri`'s provider's visits and work so far: on its day, over the horizon.
    pub(crate) fn counters(&self, ri: usize) -> (Used, Used) {
        let p = self.routes[ri].provider().ix();
        (self.day[self.problem.day_group(ri)], self.total[p])
    }

    /// Restores route `ri`'s provider's counters (after undoing a tentative move;
    /// several saved ones are restored newest first).
    pub(crate) fn set_counters(&mut self, ri: usize, (day, total): (Used, Used)) {
        let p = self.routes[ri].provider().ix();
        self.day[self.problem.day_group(ri)] = day;
        self.total[p] = total;
    }

    /// Whether route `ri`'s provider may take `visits` more visits and `work` more
    /// seconds there: on its day and over the horizon.
    pub(crate) fn within_limits(&self, ri: usize, visits: i64, work: i64) -> bool {
        let prov = self.problem.provider(self.routes[ri].provider());
        let (day, total) = self.counters(ri);
        day.allows(prov.max_visits, prov.max_work, visits, work)
            && total.allows(prov.max_visits_total, prov.max_work_total, visits, work)
    }

    /// The most seconds route `ri`'s provider may still add on its day and over the
    /// horizon (`None`: unlimited).
    fn work_room(&self, ri: usize) -> Option<i64> {
        let prov = self.problem.provider(self.routes[ri].provider());
        let (day, total) = self.counters(ri);
        let d = prov.max_work.map(|m| m - day.work);
        let t = prov.max_work_total.map(|m| m - total.work);
        match (d, t) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The indices in [`Builder::routes`] of provider `p`'s routes, in shift order.
    pub(crate) fn routes_of(&self, p: ProviderIdx) -> std::ops::Range<usize> {
        let first = self.base[p.ix()];
        first..first + self.problem.provider(p).shifts.len()
    }

    /// The index in [`Builder::routes`] of `slot`'s route.
    pub(crate) fn route_ix(&self, slot: Slot) -> usize {
        self.base[slot.provider.ix()] + slot.shift as usize
    }

    /// Whether route `ri` is feasible and its provider within `max_work`: what a
    /// removal can break when travel breaks the triangle inequality (a matrix may).
    pub(crate) fn holds(&self, ri: usize) -> bool {
        self.routes[ri].is_consistent() && self.work_room(ri).is_none_or(|room| room >= 0)
    }

    /// The provider's limits for one more visit of `n` in `slot`: `None` when
    /// `max_visits` or the route's `capacity` leave no room; otherwise the most travel
    /// the visit may add within `max_work` (`None` inside: unlimited).
    fn room(&self, slot: Slot, n: NeedIdx) -> Option<Option<i64>> {
        let prov = self.problem.provider(slot.provider);
        let need = self.problem.need(n);
        let ri = self.route_ix(slot);
        let r = &self.routes[ri];
        if !self.within_limits(ri, 1, 0)
            || prov.capacity.is_some_and(|c| r.load + need.load > c)
            || !self.affordable(&[(n, slot.provider)])
        {
            return None;
        }
        Some(self.work_room(ri).map(|room| room - need.duration))
    }

    /// Inserts `n` into `slot`'s route as `ins` says (fixed at `fixed` when given) and
    /// updates the provider's counters.
    pub(crate) fn apply(&mut self, slot: Slot, n: NeedIdx, ins: &Insertion, fixed: Option<i64>) {
        // A visit of a series keeps to part of its window (the series rule, [`series`]).
        let within = (fixed.is_none() && self.problem.need(n).series.is_some())
            .then(|| self.series_within(n, ins));
        let stop = StopState {
            need: n,
            fixed,
            within,
        };
        self.place(self.route_ix(slot), stop, ins.pos);
    }

    /// Inserts `stop` at `pos` of route `ri` (a feasible place for it, as it is) and
    /// updates the provider's counters.
    pub(crate) fn place(&mut self, ri: usize, stop: StopState, pos: usize) {
        let n = stop.need;
        let slot = self.routes[ri].slot;
        let before = self.routes[ri].travel + self.routes[ri].service;
        self.account(ri, -1);
        self.routes[ri].insert_stop(self.problem, stop, pos);
        self.account(ri, 1);
        debug_assert!(self.routes[ri].is_consistent());
        let work = self.routes[ri].travel + self.routes[ri].service - before;
        self.count(ri, 1, work);
        self.carer(n, slot.provider, 1);
        self.pay(n, slot.provider, 1);
        self.mark(n, ri, true);
        self.track(ri);
    }

    /// Removes the stop at `pos` of route `ri` and updates the provider's counters.
    pub(crate) fn remove(&mut self, ri: usize, pos: usize) -> StopState {
        let before = self.routes[ri].travel + self.routes[ri].service;
        self.account(ri, -1);
        let s = self.routes[ri].remove(self.problem, pos);
        self.account(ri, 1);
        let work = self.routes[ri].travel + self.routes[ri].service - before;
        self.count(ri, -1, work);
        self.carer(s.need, self.routes[ri].provider(), -1);
        self.pay(s.need, self.routes[ri].provider(), -1);
        self.mark(s.need, ri, false);
        self.track(ri);
        s
    }

    /// Whether route changes keep every per-route and per-provider limit: each change
    /// is (route, travel, service, load, visits) added (negative: taken). Only what
    /// grows is checked, so a move that lightens a route is never refused.
    pub(crate) fn allows(&self, changes: &[(usize, i64, i64, i64, i64)]) -> bool {
        let changes = &changes[..changes.len().min(4)];
        for &(ri, _, _, load, _) in changes {
            let r = &self.routes[ri];
            let prov = self.problem.provider(r.provider());
            if load > 0 && prov.capacity.is_some_and(|c| r.load + load > c) {
                return false;
            }
        }
        // Changes to routes of one provider's day add up; so do those over its horizon.
        let problem = self.problem;
        changes.iter().all(|&(ri, ..)| {
            let p = self.routes[ri].provider();
            let (g, gp) = (problem.day_group(ri), |x: usize| self.routes[x].provider());
            let sum = |same: &dyn Fn(usize) -> bool| {
                changes
                    .iter()
                    .filter(|c| same(c.0))
                    .fold((0, 0), |(v, w), c| (v + c.4, w + c.1 + c.2))
            };
            let (dv, dw) = sum(&|x| problem.day_group(x) == g);
            let (tv, tw) = sum(&|x| gp(x) == p);
            let prov = problem.provider(p);
            let (day, total) = self.counters(ri);
            day.allows(prov.max_visits, prov.max_work, dv, dw)
                && total.allows(prov.max_visits_total, prov.max_work_total, tv, tw)
        })
    }

    /// Whether `p` is one of the trusted carers of `n`'s elder.
    pub(crate) fn trusted(&self, n: NeedIdx, p: ProviderIdx) -> bool {
        let e = self.problem.elder(self.problem.need(n).elder);
        e.prefers.contains(&p)
    }

    /// The objective's tie-break ([`crate::objective::tie`]) for `p` serving `n`.
    pub(crate) fn tie(&self, n: NeedIdx, p: ProviderIdx) -> (bool, i64) {
        crate::objective::tie(self.trusted(n, p), self.total[p.ix()].work)
    }
}
