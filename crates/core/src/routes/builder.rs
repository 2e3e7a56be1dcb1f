//! [`Builder`]: every route of a plan under construction, the books of every rule, and
//! the one way to change a route, to ask what a change would cost, and to take a
//! change back.
//!
//! Moves ask the builder, never a rule: [`Builder::room`] and [`Builder::pricing`] for
//! an insertion, [`Builder::admits`], [`Builder::delta_cost`] and [`Builder::cost_if`]
//! for a [`Proposal`]. Every change goes through [`Builder::place`],
//! [`Builder::remove`] or [`Builder::set_route`], which keep the routes serving each
//! need, the plan's figures and every rule's books. Between [`Builder::checkpoint`]
//! and [`Builder::commit`] the builder journals what it changes, so that
//! [`Builder::rollback`] gives back exactly the plan of the checkpoint.

use std::collections::BTreeSet;

use crate::feasibility::Candidates;
use crate::model::{NeedIdx, Problem, ProviderIdx, Slot};
use crate::objective::{self, Terms};

use super::proposal::{Addition, Applied, Figures, Proposal, Room, Stage};
use super::rules::Rules;
use super::{Insertion, RouteState, StopState};

/// The routes serving one need: none, one, or two (a synchronised two-carer need), the
/// first one first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Serving([u32; 2]);

/// No route, inside [`Serving`].
const NO: u32 = u32::MAX;

impl Serving {
    /// Not served.
    pub(crate) const NONE: Serving = Serving([NO, NO]);

    /// The first route serving the need.
    #[inline]
    pub(crate) fn first(self) -> Option<usize> {
        (self.0[0] != NO).then_some(self.0[0] as usize)
    }

    /// The second route (a synchronised need).
    #[inline]
    pub(crate) fn second(self) -> Option<usize> {
        (self.0[1] != NO).then_some(self.0[1] as usize)
    }

    /// Whether some route serves the need.
    #[inline]
    pub(crate) fn is_served(self) -> bool {
        self.0[0] != NO
    }

    /// The routes serving the need, the first one first.
    pub(crate) fn routes(self) -> impl Iterator<Item = usize> {
        self.0.into_iter().filter(|&r| r != NO).map(|r| r as usize)
    }

    /// The routes, in either order (for comparisons).
    pub(crate) fn sorted(self) -> [u32; 2] {
        let mut a = self.0;
        a.sort_unstable();
        a
    }

    /// Route `ri` serves the need too (when it did not).
    fn add(&mut self, ri: usize) {
        let ri = ri as u32;
        if self.0[0] != ri && self.0[1] != ri {
            self.0[usize::from(self.0[0] != NO)] = ri;
        }
    }

    /// Route `ri` no longer serves the need.
    fn drop(&mut self, ri: usize) {
        let ri = ri as u32;
        if self.0[0] == ri {
            self.0 = [self.0[1], NO];
        } else if self.0[1] == ri {
            self.0[1] = NO;
        }
    }
}

/// What a journal saved since the checkpoint: each route and each need's routes as
/// they were when first changed.
#[derive(Debug, Default)]
struct Journal {
    on: bool,
    stamp: u64,
    route_stamp: Vec<u64>,
    routes: Vec<(u32, RouteState)>,
    need_stamp: Vec<u64>,
    needs: Vec<(u32, Serving)>,
    /// Routes no longer needed, whose buffers the next saves reuse.
    spare: Vec<RouteState>,
}

/// What changed between a checkpoint and its commit.
#[derive(Debug, Default)]
pub(crate) struct Touched {
    /// The routes changed, in the order first changed.
    pub(crate) routes: Vec<u32>,
    /// The needs whose routes changed.
    pub(crate) needs: Vec<u32>,
}

/// How insertions of one need into one route are priced ([`Builder::pricing`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pricing {
    /// What the rules add wherever the visit goes in the route.
    fixed: Terms,
    /// Whether the place and start matter too.
    timed: bool,
    /// Whether what the place and start add is never below zero.
    floored: bool,
}

/// Routes of every provider shift under construction, with every rule's books.
pub(crate) struct Builder<'a> {
    pub(super) problem: &'a Problem,
    routes: Vec<RouteState>,
    /// First route index of each provider.
    base: Vec<usize>,
    /// The routes serving each need.
    pub(super) at: Vec<Serving>,
    /// The empty routes of every profile, once asked for ([`Builder::first_empty`]).
    empty: Option<Vec<BTreeSet<u32>>>,
    /// A stamp per route, for de-duplicating route lists.
    pub(super) seen: Vec<u64>,
    pub(super) stamp: u64,
    /// The routes' travel, summed.
    travel: i64,
    /// Per provider, its work (travel and service) over the horizon: the tie-break.
    work: Vec<i64>,
    rules: Rules,
    journal: Journal,
    /// No visit placed from now on starts before this ([`Builder::not_before`]).
    pub(super) floor: Option<i64>,
}

impl<'a> Builder<'a> {
    /// Empty routes for every provider shift.
    pub(crate) fn new(problem: &'a Problem) -> Self {
        let mut routes = Vec::new();
        let mut base = Vec::with_capacity(problem.providers().len());
        for (i, p) in problem.providers().iter().enumerate() {
            base.push(routes.len());
            for s in 0..p.shifts.len() {
                let slot = Slot {
                    provider: ProviderIdx(i as u32),
                    shift: s as u16,
                };
                routes.push(RouteState::new(problem, slot));
            }
        }
        let journal = Journal {
            route_stamp: vec![0; routes.len()],
            need_stamp: vec![0; problem.needs().len()],
            ..Journal::default()
        };
        Self {
            problem,
            seen: vec![0; routes.len()],
            routes,
            base,
            at: vec![Serving::NONE; problem.needs().len()],
            empty: None,
            stamp: 0,
            travel: 0,
            work: vec![0; problem.providers().len()],
            rules: Rules::new(problem),
            journal,
            floor: None,
        }
    }

    /// From now on, no visit this builder places starts before `t` (a dispatch told a
    /// `now`); the visits already in its routes keep their own windows.
    pub(crate) fn not_before(&mut self, t: i64) {
        self.floor = Some(t);
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
    /// [`Builder::new`] makes them).
    pub(crate) fn from_routes(problem: &'a Problem, routes: Vec<RouteState>) -> Self {
        let mut b = Self::new(problem);
        debug_assert_eq!(b.routes.len(), routes.len());
        b.routes = routes;
        let empty = Figures::default();
        for ri in 0..b.routes.len() {
            for k in 0..b.routes[ri].stops().len() {
                let n = b.routes[ri].stops()[k].need;
                b.at[n.ix()].add(ri);
            }
            b.tell(ri, empty, &[], None);
        }
        b
    }

    /// The needs `cands` seats at venues: visits outside the routes, which the rules
    /// that count every visit (budgets) count.
    pub(crate) fn at_venues(&mut self, cands: &Candidates) {
        let seated: Vec<(NeedIdx, Option<ProviderIdx>)> =
            cands.seats().iter().map(|s| (s.need, None)).collect();
        if !seated.is_empty() {
            self.elsewhere(&seated, 1);
        }
    }

    /// The problem the routes are of.
    pub(crate) fn problem(&self) -> &'a Problem {
        self.problem
    }

    /// Every route, in slot order.
    pub(crate) fn routes(&self) -> &[RouteState] {
        &self.routes
    }

    /// Route `ri`.
    #[inline]
    pub(crate) fn route(&self, ri: usize) -> &RouteState {
        &self.routes[ri]
    }

    /// The routes, given up.
    pub(crate) fn into_routes(self) -> Vec<RouteState> {
        self.routes
    }

    /// The routes serving need `n`.
    #[inline]
    pub(crate) fn at(&self, n: NeedIdx) -> Serving {
        self.at[n.ix()]
    }

    /// The indices of provider `p`'s routes, in shift order.
    pub(crate) fn routes_of(&self, p: ProviderIdx) -> std::ops::Range<usize> {
        let first = self.base[p.ix()];
        first..first + self.problem.provider(p).shifts.len()
    }

    /// The index of `slot`'s route.
    pub(crate) fn route_ix(&self, slot: Slot) -> usize {
        self.base[slot.provider.ix()] + slot.shift as usize
    }

    // ------------------------------------------------------------ what a move costs

    /// The plan's terms as the routes are now.
    pub(crate) fn terms(&self) -> Terms {
        let mut t = Terms {
            travel: self.travel,
            ..Terms::default()
        };
        for r in self.rules.iter() {
            r.terms(&mut t);
        }
        t
    }

    /// The plan's cost (level 3 of the objective) as the routes are now.
    pub(crate) fn cost(&self) -> i64 {
        objective::cost(self.problem, &self.terms())
    }

    /// Whether a move judged on its figures is priced exactly by
    /// [`Builder::delta_cost`]: travel weighs in the cost, and every rule's terms
    /// follow from figures. Otherwise moves are re-timed and priced by
    /// [`Builder::cost_if`].
    pub(crate) fn by_delta(&self) -> bool {
        objective::prices_travel(self.problem) && self.rules.exact()
    }

    /// What `p` changes in the terms.
    fn change(&self, p: &Proposal<'_>) -> Terms {
        let mut t = Terms {
            travel: p.routes.iter().map(|c| c.travel).sum(),
            ..Terms::default()
        };
        for r in self.rules.iter() {
            r.change(self, p, &mut t);
        }
        t
    }

    /// What `p` adds to the cost (negative: saves), exact when [`Builder::by_delta`].
    pub(crate) fn delta_cost(&self, p: &Proposal<'_>) -> i64 {
        objective::cost(self.problem, &self.change(p))
    }

    /// The plan's cost once `p` (its routes re-timed) is applied.
    pub(crate) fn cost_if(&self, p: &Proposal<'_>) -> i64 {
        let mut t = self.terms();
        t += self.change(p);
        objective::cost(self.problem, &t)
    }

    /// Whether every rule allows `p` at `stage`.
    pub(crate) fn admits(&self, p: &Proposal<'_>, stage: Stage) -> bool {
        self.rules.iter().all(|r| r.admits(self, p, stage))
    }

    /// Whether `add` may go into route `ri`, and the most travel it may bring there.
    pub(crate) fn room(&self, ri: usize, add: &Addition<'_>) -> Option<Room> {
        let mut room = Room::ANY;
        for r in self.rules.iter() {
            room = room.and(r.room(self, ri, add)?);
        }
        Some(room)
    }

    /// How insertions of `n` into route `ri` are priced: what the rules add wherever it
    /// goes, and whether the place matters too ([`Builder::price`]).
    pub(crate) fn pricing(&self, ri: usize, n: NeedIdx) -> Pricing {
        let mut fixed = Terms::default();
        for r in self.rules.iter() {
            r.placing(self, ri, n, &mut fixed);
        }
        Pricing {
            fixed,
            timed: self.rules.timed(),
            floored: self.rules.floored(),
        }
    }

    /// A lower bound on what a placement adding `delta` travel costs, priced as
    /// `pricing` says, whatever its place and start ([`Builder::price`] is never
    /// below it: weights are never negative, and every timed rule vouches that it
    /// adds nothing below zero); `None` when a timed rule does not vouch for it.
    pub(crate) fn floor(&self, pricing: &Pricing, delta: i64) -> Option<i64> {
        if pricing.timed && !pricing.floored {
            return None;
        }
        let mut t = pricing.fixed;
        t.travel += delta;
        Some(objective::cost(self.problem, &t))
    }

    /// The cost `ins` of `n` into `route` adds, starting at `start`, priced as
    /// `pricing` says.
    pub(crate) fn price(
        &self,
        pricing: &Pricing,
        route: &RouteState,
        n: NeedIdx,
        ins: &Insertion,
        start: i64,
    ) -> i64 {
        let mut t = pricing.fixed;
        t.travel += ins.delta;
        if pricing.timed {
            for r in self.rules.iter() {
                r.timed(self, route, n, ins, start, &mut t);
            }
        }
        objective::cost(self.problem, &t)
    }

    /// Whether route `ri` is feasible and keeps every rule: what a removal can break
    /// when travel breaks the triangle inequality (a matrix may).
    pub(crate) fn holds(&self, ri: usize) -> bool {
        self.routes[ri].is_consistent() && self.rules.iter().all(|r| r.holds(self, ri))
    }

    /// Whether some rule prices who serves an elder across visits and days (moves of
    /// an elder's visits as a whole are then worth trying).
    pub(crate) fn per_elder(&self) -> bool {
        self.rules.iter().any(|r| r.per_elder())
    }

    /// Other providers the rules suggest for the visit of `n` that `from` makes.
    pub(crate) fn suggest(&self, n: NeedIdx, from: ProviderIdx) -> Vec<ProviderIdx> {
        let mut out = Vec::new();
        for r in self.rules.iter() {
            r.suggest(self, n, from, &mut out);
        }
        out
    }

    /// What route `row`'s visits add to the terms when `to` — the carer of route
    /// `col` — makes them in place of `col`'s, the other routes held; `None` when a
    /// rule forbids it.
    pub(crate) fn handover(&self, row: usize, col: usize, to: ProviderIdx) -> Option<Terms> {
        let mut t = Terms::default();
        for r in self.rules.iter() {
            t += r.handover(self, row, col, to)?;
        }
        Some(t)
    }

    /// Why need `n`, left out for want of room, is a rule's doing, if it is.
    pub(crate) fn reason(
        &self,
        cands: &Candidates,
        n: NeedIdx,
    ) -> Option<(crate::wire::Reason, String)> {
        self.rules.iter().find_map(|r| r.reason(self, cands, n))
    }

    /// Whether `p` is one of the trusted carers of `n`'s elder.
    pub(crate) fn trusted(&self, n: NeedIdx, p: ProviderIdx) -> bool {
        let e = self.problem.elder(self.problem.need(n).elder);
        e.prefers.contains(&p)
    }

    /// The objective's tie-break ([`crate::objective::tie`]) for `p` serving `n`.
    pub(crate) fn tie(&self, n: NeedIdx, p: ProviderIdx) -> (bool, i64) {
        objective::tie(self.trusted(n, p), self.work[p.ix()])
    }

    // ------------------------------------------------------------ changes

    /// Visits the plan makes outside the routes held — at venues (no provider), or in
    /// routes not read back (dispatch) — counted (`sign` 1) or forgotten (−1) by the
    /// rules that count them.
    pub(crate) fn elsewhere(&mut self, visits: &[(NeedIdx, Option<ProviderIdx>)], sign: i64) {
        for r in self.rules.iter_mut() {
            r.elsewhere(self.problem, visits, sign);
        }
    }

    /// Whether some rule counts the visits made elsewhere ([`Builder::elsewhere`]).
    pub(crate) fn counts_elsewhere(&self) -> bool {
        self.rules.iter().any(|r| r.counts_elsewhere())
    }

    /// Tells the plan's figures and every rule that route `ri`, whose figures were
    /// `before`, lost the stops `left` and gained `came` (`None`: its stops, all of
    /// them).
    fn tell(&mut self, ri: usize, before: Figures, left: &[StopState], came: Option<&[StopState]>) {
        let route = &self.routes[ri];
        let after = route.figures();
        let change = Applied {
            ri,
            provider: route.provider(),
            before,
            after,
            left,
            came: came.unwrap_or(route.stops()),
        };
        self.travel += after.travel - before.travel;
        self.work[route.provider().ix()] += after.work() - before.work();
        for r in self.rules.iter_mut() {
            r.apply(self.problem, &change);
        }
    }

    /// Inserts `stop` at `pos` of route `ri` (a feasible place for it, as it is).
    pub(crate) fn place(&mut self, ri: usize, stop: StopState, pos: usize) {
        self.save_route(ri);
        let before = self.routes[ri].figures();
        self.routes[ri].insert_stop(self.problem, stop, pos);
        debug_assert!(self.routes[ri].is_consistent());
        self.tell(ri, before, &[], Some(&[stop]));
        self.mark(stop.need, ri, true);
        self.track(ri);
    }

    /// Removes the stop at `pos` of route `ri`.
    pub(crate) fn remove(&mut self, ri: usize, pos: usize) -> StopState {
        self.save_route(ri);
        let before = self.routes[ri].figures();
        let s = self.routes[ri].remove(self.problem, pos);
        self.tell(ri, before, &[s], Some(&[]));
        self.mark(s.need, ri, false);
        self.track(ri);
        s
    }

    /// Replaces route `ri` (same slot).
    pub(crate) fn set_route(&mut self, ri: usize, route: RouteState) {
        self.save_route(ri);
        let old = std::mem::replace(&mut self.routes[ri], route);
        self.tell(ri, old.figures(), old.stops(), None);
        for s in old.stops() {
            if !self.routes[ri].stops().iter().any(|x| x.need == s.need) {
                self.mark(s.need, ri, false);
            }
        }
        for k in 0..self.routes[ri].stops().len() {
            let n = self.routes[ri].stops()[k].need;
            self.mark(n, ri, true);
        }
        self.track(ri);
    }

    /// Replaces each route `ri` of `new` by its stops in the given order, when every
    /// one is feasible (re-timed, O(route)), every rule admits the change and — when
    /// `gain` — the plan's cost falls. True when replaced.
    pub(crate) fn try_replace(&mut self, new: Vec<(usize, Vec<StopState>)>, gain: bool) -> bool {
        let mut built = Vec::with_capacity(new.len());
        for (ri, stops) in new {
            match RouteState::rebuilt(self.problem, self.routes[ri].slot, stops) {
                Some(r) => built.push((ri, r)),
                None => return false,
            }
        }
        let ok = {
            let changes: Vec<super::RouteChange<'_>> = built
                .iter()
                .map(|(ri, r)| super::RouteChange::rebuilt(*ri, &self.routes[*ri], r))
                .collect();
            let p = Proposal::new(&changes, &[]);
            self.admits(&p, Stage::Final) && !(gain && self.cost_if(&p) >= self.cost())
        };
        if !ok {
            return false;
        }
        for (ri, r) in built {
            self.set_route(ri, r);
        }
        true
    }

    /// Records that route `ri` serves (`on`) or no longer serves need `n`.
    fn mark(&mut self, n: NeedIdx, ri: usize, on: bool) {
        self.save_need(n);
        let a = &mut self.at[n.ix()];
        if on {
            a.add(ri);
        } else {
            a.drop(ri);
        }
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

    // ------------------------------------------------------------ checkpoints

    /// Begins journaling every change, for [`Builder::rollback`] or
    /// [`Builder::commit`].
    pub(crate) fn checkpoint(&mut self) {
        debug_assert!(self.journal.routes.is_empty() && self.journal.needs.is_empty());
        self.journal.on = true;
        self.journal.stamp += 1;
    }

    /// Gives back the plan of the checkpoint: every route, the routes of every need and
    /// every rule's books as they were.
    pub(crate) fn rollback(&mut self) {
        self.journal.on = false;
        let mut routes = std::mem::take(&mut self.journal.routes);
        for (ri, r) in routes.drain(..) {
            let ri = ri as usize;
            let old = std::mem::replace(&mut self.routes[ri], r);
            self.tell(ri, old.figures(), old.stops(), None);
            self.track(ri);
            self.journal.spare.push(old);
        }
        self.journal.routes = routes;
        for (n, a) in self.journal.needs.drain(..) {
            self.at[n as usize] = a;
        }
    }

    /// Keeps the changes since the checkpoint, and says what they touched.
    pub(crate) fn commit(&mut self) -> Touched {
        let j = &mut self.journal;
        j.on = false;
        let mut routes = Vec::with_capacity(j.routes.len());
        for (ri, r) in j.routes.drain(..) {
            routes.push(ri);
            j.spare.push(r);
        }
        Touched {
            routes,
            needs: j.needs.drain(..).map(|(n, _)| n).collect(),
        }
    }

    /// Saves route `ri` when it is first changed after the checkpoint.
    fn save_route(&mut self, ri: usize) {
        let j = &mut self.journal;
        if j.on && j.route_stamp[ri] != j.stamp {
            j.route_stamp[ri] = j.stamp;
            let copy = match j.spare.pop() {
                Some(mut spare) => {
                    spare.clone_from(&self.routes[ri]);
                    spare
                }
                None => self.routes[ri].clone(),
            };
            j.routes.push((ri as u32, copy));
        }
    }

    /// Saves the routes of need `n` when they are first changed after the checkpoint.
    fn save_need(&mut self, n: NeedIdx) {
        let j = &mut self.journal;
        if j.on && j.need_stamp[n.ix()] != j.stamp {
            j.need_stamp[n.ix()] = j.stamp;
            j.needs.push((n.0, self.at[n.ix()]));
        }
    }

    /// In debug builds, checks the needs' routes against the routes themselves.
    pub(crate) fn debug_assert_at(&self) {
        if cfg!(debug_assertions) {
            let mut at = vec![Serving::NONE; self.at.len()];
            for (ri, r) in self.routes.iter().enumerate() {
                for s in r.stops() {
                    at[s.need.ix()].add(ri);
                }
            }
            for (n, (a, b)) in at.iter().zip(&self.at).enumerate() {
                debug_assert_eq!(a.sorted(), b.sorted(), "need {n}");
            }
        }
    }
}
