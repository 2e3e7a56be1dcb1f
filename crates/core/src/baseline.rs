//! The baseline solver: priority-ordered cheapest feasible insertion.
//!
//! Pinned needs go first, at their pinned start. Then every other need, in order of
//! priority (highest first), then two-carer needs before one-carer ones, then fewest
//! candidate slots first (most constrained), then earliest window close, then index,
//! is inserted where it adds the least travel among its candidate slots
//! ([`crate::feasibility`]) without breaking any rule: windows, shifts, `max_visits`,
//! `max_work`, `capacity`. A two-carer need is inserted into two routes of different
//! providers at one common start, fixed from then on. Ties (the same added travel) go
//! by `Builder::tie`: the elder's trusted carers (`prefers`, continuity of care), then
//! the provider with less work so far (balance), then the lower slot.
//!
//! It is simple and always feasible, and it stays as the reference the later solvers
//! are measured against. Cost: O(needs × candidate slots × route length).

use crate::error::{Error, FieldPath};
use crate::feasibility::{allowed_starts, Candidates, Slot};
use crate::model::{earliest_in, NeedIdx, Problem, ProviderIdx};
use crate::schedule::{Insertion, RouteState};
use crate::wire::Reason;

/// How places for a one-carer need compare, smaller first: added travel, then
/// [`Builder::tie`], then the slot.
pub(crate) type InsertKey = (i64, (bool, i64), Slot);

/// The result of a construction: routes (some empty) and the needs left out.
#[derive(Debug, Clone)]
pub struct Construction {
    /// One route per provider shift, in slot order.
    pub routes: Vec<RouteState>,
    /// Needs not served, with reason and detail, in need order.
    pub unassigned: Vec<(NeedIdx, Reason, String)>,
}

impl Construction {
    /// The spec's objective as a key, larger is better: (served priority, served
    /// needs, −travel).
    pub fn objective(&self, problem: &Problem) -> (i64, i64, i64) {
        let lost: i64 = self
            .unassigned
            .iter()
            .map(|u| i64::from(problem.need(u.0).priority))
            .sum();
        (
            problem.total_priority() - lost,
            (problem.needs().len() - self.unassigned.len()) as i64,
            -self.routes.iter().map(|r| r.travel).sum::<i64>(),
        )
    }
}

/// Routes of every provider shift under construction, with the per-provider limits
/// (`max_visits`, `max_work`) and the insertion moves shared by the constructions.
pub(crate) struct Builder<'a> {
    problem: &'a Problem,
    pub(crate) routes: Vec<RouteState>,
    /// First route index of each provider.
    pub(crate) base: Vec<usize>,
    pub(crate) visits: Vec<u32>,
    pub(crate) work: Vec<i64>,
}

impl<'a> Builder<'a> {
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
            routes,
            base,
            visits: vec![0; n],
            work: vec![0; n],
        }
    }

    /// A builder holding `routes` (one per provider shift, in slot order, as
    /// [`Builder::new`] makes them), with the providers' counters recomputed.
    pub(crate) fn from_routes(problem: &'a Problem, routes: Vec<RouteState>) -> Self {
        let mut b = Self::new(problem);
        debug_assert_eq!(b.routes.len(), routes.len());
        b.routes = routes;
        for r in &b.routes {
            let p = r.provider().ix();
            b.visits[p] += r.stops().len() as u32;
            b.work[p] += r.travel + r.service;
        }
        b
    }

    /// Replaces route `ri` (same slot) and updates its provider's counters.
    pub(crate) fn set_route(&mut self, ri: usize, route: RouteState) {
        let p = route.provider().ix();
        let old = std::mem::replace(&mut self.routes[ri], route);
        let new = &self.routes[ri];
        self.visits[p] = self.visits[p] + new.stops().len() as u32 - old.stops().len() as u32;
        self.work[p] += new.travel + new.service - old.travel - old.service;
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

    pub(crate) fn route_ix(&self, slot: Slot) -> usize {
        self.base[slot.provider.ix()] + slot.shift as usize
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

    /// Feasible insertions of `n` into `slot` that respect the provider's limits.
    pub(crate) fn options(
        &self,
        slot: Slot,
        n: NeedIdx,
        fixed: Option<i64>,
        keep: usize,
    ) -> Vec<Insertion> {
        let Some(room) = self.room(slot, n) else {
            return Vec::new();
        };
        let r = &self.routes[self.route_ix(slot)];
        let mut ins = r.insertions(self.problem, n, fixed, 0);
        if let Some(room) = room {
            ins.retain(|i| i.delta <= room);
        }
        if keep > 0 {
            ins.truncate(keep);
        }
        ins
    }

    /// The cheapest feasible insertion of `n` into `slot` within the provider's limits
    /// (ties to the earlier position), passing over the places for which `skip`
    /// answers true.
    pub(crate) fn best_option(
        &self,
        slot: Slot,
        n: NeedIdx,
        fixed: Option<i64>,
        mut skip: impl FnMut() -> bool,
    ) -> Option<Insertion> {
        let room = self.room(slot, n)?;
        let r = &self.routes[self.route_ix(slot)];
        let mut best: Option<Insertion> = None;
        r.each_insertion(self.problem, n, fixed, |i| {
            if room.is_some_and(|room| i.delta > room)
                || best.as_ref().is_some_and(|b| b.delta <= i.delta)
                || skip()
            {
                return;
            }
            best = Some(i);
        });
        best
    }

    pub(crate) fn apply(&mut self, slot: Slot, n: NeedIdx, ins: &Insertion, fixed: Option<i64>) {
        let p = slot.provider.ix();
        let ri = self.route_ix(slot);
        let before = self.routes[ri].travel + self.routes[ri].service;
        self.routes[ri].insert(self.problem, n, ins.pos, fixed);
        debug_assert!(self.routes[ri].is_consistent());
        self.work[p] += self.routes[ri].travel + self.routes[ri].service - before;
        self.visits[p] += 1;
    }

    pub(crate) fn prefers(&self, n: NeedIdx, p: ProviderIdx) -> bool {
        let e = self.problem.elder(self.problem.need(n).elder);
        e.prefers.contains(&p)
    }

    /// The tie-break between places for `n` that add the same travel, smaller first:
    /// not one of the elder's trusted carers (continuity of care), then the provider's
    /// work so far, travel and service (balance: carers who start from one station tie
    /// exactly whenever a visit would open a new route). Tie-breaks only: never at the
    /// cost of served priority, served needs or travel.
    pub(crate) fn tie(&self, n: NeedIdx, p: ProviderIdx) -> (bool, i64) {
        (!self.prefers(n, p), self.work[p.ix()])
    }

    /// Removes the stop at `pos` of route `ri` and updates the provider's counters.
    pub(crate) fn remove(&mut self, ri: usize, pos: usize) -> crate::schedule::StopState {
        let p = self.routes[ri].provider().ix();
        let before = self.routes[ri].travel + self.routes[ri].service;
        let s = self.routes[ri].remove(self.problem, pos);
        self.work[p] += self.routes[ri].travel + self.routes[ri].service - before;
        self.visits[p] -= 1;
        s
    }

    /// Inserts a one-carer need where it costs least. Returns false when it fits nowhere.
    pub(crate) fn insert_single(&mut self, slots: &[Slot], n: NeedIdx, fixed: Option<i64>) -> bool {
        let mut best: Option<(InsertKey, Insertion)> = None;
        for &slot in slots {
            if let Some(ins) = self.best_option(slot, n, fixed, || false) {
                let key = (ins.delta, self.tie(n, slot.provider), slot);
                if best.as_ref().is_none_or(|(k, _)| key < *k) {
                    best = Some((key, ins));
                }
            }
        }
        match best {
            Some(((_, _, slot), ins)) => {
                self.apply(slot, n, &ins, fixed);
                true
            }
            None => false,
        }
    }

    /// Inserts a two-carer need into two routes of different providers at one common
    /// start. `must` names a provider that must be one of the two (pinned).
    /// Returns `Err(true)` when some single route could take it but no pair could.
    pub(crate) fn insert_pair(
        &mut self,
        slots: &[Slot],
        n: NeedIdx,
        must: Option<ProviderIdx>,
    ) -> Result<(), bool> {
        let pair = self.best_pair(slots, n, must)?;
        self.apply_pair(n, &pair);
        Ok(())
    }

    /// Applies a move found by [`Builder::best_pair`].
    pub(crate) fn apply_pair(&mut self, n: NeedIdx, pair: &PairMove) {
        self.apply(pair.a.0, n, &pair.a.1, Some(pair.start));
        self.apply(pair.b.0, n, &pair.b.1, Some(pair.start));
    }

    /// The cheapest way to insert a two-carer need into two routes of different
    /// providers at one common start; `Err(true)` when some single route could take it
    /// but no pair could.
    pub(crate) fn best_pair(
        &self,
        slots: &[Slot],
        n: NeedIdx,
        must: Option<ProviderIdx>,
    ) -> Result<PairMove, bool> {
        const KEEP: usize = 4;
        let windows = allowed_starts(self.problem, n).into_owned();
        let mut opts: Vec<(Slot, Insertion)> = slots
            .iter()
            .flat_map(|&s| {
                self.options(s, n, None, KEEP)
                    .into_iter()
                    .map(move |i| (s, i))
            })
            .collect();
        // Cheapest first, so that both loops stop once no pair can beat the best.
        opts.sort_by_key(|(s, i)| (i.delta, *s, i.pos));
        type Key = (i64, i64, bool, i64, Slot, Slot);
        let mut best: Option<(Key, usize, usize, i64)> = None;
        for (a, (sa, ia)) in opts.iter().enumerate() {
            if best.as_ref().is_some_and(|(k, ..)| 2 * ia.delta > k.0) {
                break;
            }
            for (b, (sb, ib)) in opts.iter().enumerate().skip(a + 1) {
                if best
                    .as_ref()
                    .is_some_and(|(k, ..)| ia.delta + ib.delta > k.0)
                {
                    break;
                }
                if sa.provider == sb.provider {
                    continue;
                }
                if must.is_some_and(|m| sa.provider != m && sb.provider != m) {
                    continue;
                }
                let lo = ia.earliest.max(ib.earliest);
                let hi = ia.latest.min(ib.latest);
                let Some(t) = earliest_in(&windows, lo).filter(|&t| t <= hi) else {
                    continue;
                };
                let (ta, tb) = (self.tie(n, sa.provider), self.tie(n, sb.provider));
                let key = (
                    ia.delta + ib.delta,
                    t,
                    ta.0 && tb.0,
                    ta.1 + tb.1,
                    *sa.min(sb),
                    *sa.max(sb),
                );
                if best.as_ref().is_none_or(|(k, ..)| key < *k) {
                    best = Some((key, a, b, t));
                }
            }
        }
        match best {
            Some((_, a, b, start)) => Ok(PairMove {
                a: opts[a].clone(),
                b: opts[b].clone(),
                start,
            }),
            None => Err(!opts.is_empty()),
        }
    }
}

/// Two insertions of one synchronised need at one common start.
#[derive(Debug, Clone)]
pub(crate) struct PairMove {
    pub(crate) a: (Slot, Insertion),
    pub(crate) b: (Slot, Insertion),
    pub(crate) start: i64,
}

/// Builds a plan's routes with the baseline construction.
///
/// Fails only when a pinned two-carer need cannot find a partner at its pinned start
/// (rule 6: an impossible pin is an input error).
///
/// ```
/// use carematch_core::{baseline, feasibility::Candidates, Problem};
/// let problem = Problem::from_json(br#"{
///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
///   "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]}],
///   "providers": [{"id": "p1", "kind": "volunteer", "skills": ["meals"],
///                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]}]
/// }"#)?;
/// let c = baseline::construct(&problem, &Candidates::new(&problem))?;
/// assert!(c.unassigned.is_empty());
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn construct(problem: &Problem, cands: &Candidates) -> Result<Construction, Error> {
    let mut st = Builder::new(problem);
    place_pins(problem, cands, &mut st)?;
    let order = priority_order(problem, cands);
    let unassigned = insert_all(problem, cands, &mut st, &order);
    Ok(Construction {
        routes: st.routes,
        unassigned,
    })
}

/// Places every pinned need at its pinned start (one-carer pins first). An impossible
/// pin is an input error (rule 6).
pub(crate) fn place_pins(
    problem: &Problem,
    cands: &Candidates,
    st: &mut Builder,
) -> Result<(), Error> {
    let mut pinned: Vec<NeedIdx> = (0..problem.needs().len() as u32)
        .map(NeedIdx)
        .filter(|&n| problem.need(n).pinned.is_some())
        .collect();
    // One-carer pins first: they have no choice; a two-carer pin then picks a partner.
    pinned.sort_by_key(|&n| {
        let need = problem.need(n);
        (need.caregivers, need.pinned.map(|p| p.start), n)
    });
    for n in pinned {
        let need = problem.need(n);
        let Some(pin) = need.pinned else { continue };
        let slots = cands.of(n);
        let ok = if need.caregivers == 1 {
            st.insert_single(slots, n, Some(pin.start))
        } else {
            st.insert_pair(slots, n, Some(pin.provider)).is_ok()
        };
        if !ok {
            return Err(Error::invalid(
                &FieldPath::root().key("needs").index(n.ix()).key("pinned"),
                if need.caregivers == 2 {
                    "no second carer can join the pinned provider at the pinned start"
                } else {
                    "the pinned visit cannot be kept together with the other pinned visits"
                },
            ));
        }
    }
    Ok(())
}

/// The unpinned needs, most important first: priority (highest first), two-carer
/// before one-carer, fewest candidate slots, earliest window close, index.
pub(crate) fn priority_order(problem: &Problem, cands: &Candidates) -> Vec<NeedIdx> {
    let mut order: Vec<NeedIdx> = (0..problem.needs().len() as u32)
        .map(NeedIdx)
        .filter(|&n| problem.need(n).pinned.is_none())
        .collect();
    order.sort_by_key(|&n| {
        let need = problem.need(n);
        (
            std::cmp::Reverse(need.priority),
            std::cmp::Reverse(need.caregivers),
            cands.of(n).len(),
            need.windows.last().map_or(0, |w| w.close),
            n,
        )
    });
    order
}

/// Inserts the needs of `order`, each where it costs least among its candidate slots;
/// returns the needs that fit nowhere, with reasons, in need order.
pub(crate) fn insert_all(
    problem: &Problem,
    cands: &Candidates,
    st: &mut Builder,
    order: &[NeedIdx],
) -> Vec<(NeedIdx, Reason, String)> {
    let mut unassigned: Vec<_> = order
        .iter()
        .filter_map(|&n| insert_one(problem, cands, st, n))
        .collect();
    unassigned.sort_by_key(|u| u.0);
    unassigned
}

/// Inserts need `n` where it costs least among its candidate slots; when those are
/// full and its list was cut, among the slots of its `WIDEN` times more nearest reachable
/// providers ([`Candidates::widened`]). Returns why it fits
/// nowhere.
pub(crate) fn insert_one(
    problem: &Problem,
    cands: &Candidates,
    st: &mut Builder,
    n: NeedIdx,
) -> Option<(NeedIdx, Reason, String)> {
    if let Some((reason, detail)) = cands.reason(n) {
        return Some((n, *reason, detail.clone()));
    }
    let need = problem.need(n);
    let insert = |st: &mut Builder, slots: &[Slot]| {
        if need.caregivers == 1 {
            st.insert_single(slots, n, None).then_some(()).ok_or(false)
        } else {
            st.insert_pair(slots, n, None)
        }
    };
    let mut result = insert(st, cands.of(n));
    let mut slots = cands.of(n).len();
    if result.is_err() && cands.is_cut(n) {
        let all = cands.widened(problem, n);
        slots = all.len();
        result = insert(st, &all);
    }
    match result {
        Ok(()) => None,
        Err(true) => Some((
            n,
            Reason::NoPartner,
            "one carer can still fit it, but no second carer is free at the same start".to_owned(),
        )),
        Err(false) => Some((
            n,
            Reason::OverCapacity,
            format!(
                "{slots} candidate shift(s) can serve it, but their time is taken by needs of equal or higher priority"
            ),
        )),
    }
}
