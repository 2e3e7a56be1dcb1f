//! Insertion moves: where a unit of visits goes, within every route rule and provider
//! limit.
//!
//! A unit ([`Unit`]) is what is placed or left out as one: a need, or the needs of a
//! link (rule 7). A one-carer visit goes where it adds the least cost (travel, and with
//! soft windows the lateness it adds to itself and to the visits it pushes later). A
//! two-carer need, or a `together` link, goes into routes of pairwise different
//! providers at one common start, chosen exactly from the places' earliest and latest
//! starts (their intersection, then the first second every visit's windows allow). A
//! `sequence` link puts its first need at a start from which the second can follow
//! within `[min_gap, max_gap]`, in another route or after it in the same one. Equal
//! costs are broken by the objective's tie-break ([`crate::objective::tie`]), then by
//! slot. Synchronised visits and `together` links are fixed at their start once placed; the
//! visits of a `sequence` any carers may serve keep to windows around theirs
//! ([`Builder::sequence_windows`]), so the routes may move them within the gap's slack.
//!
//! A sequence tries each of the first need's best places, and a few later starts at
//! each, against every route of the second: the second need's places in each route
//! are worked out once per sequence ([`Seconds`]: travel, room, the least each can
//! cost), so each try only applies its starts, prices a place at most once per start,
//! and stops at the first place whose least cost already loses to the best found.
//! The plan is the same as scanning every route for every try (a unit test holds the
//! two together); measured on a generated 100-patient day, the search runs about
//! twice as many iterations a second.

use std::cell::Cell;

use super::builder::Pricing;
use super::proposal::{Addition, Handover, Proposal, RouteChange, Stage};
use super::route::Frame;
use super::{Builder, Insertion, RouteState, StopState};
use crate::feasibility::Candidates;
use crate::model::{earliest_in, LinkIdx, LinkRule, NeedIdx, Problem, ProviderIdx, Slot, Window};
use crate::wire::LinkProvider;

/// Empty routes of one profile looked at for an elder who avoids some carers.
const EMPTY_TRIES: usize = 4;
/// Places kept per route and visit when several visits are placed together.
const KEEP: usize = 4;
/// Combinations tried for one `together` unit before the best so far is taken.
const NODES: usize = 20_000;
/// Places of a sequence's first need tried.
const FIRSTS: usize = 16;
/// Later starts of a sequence's first need tried per place (the soonest that let the
/// second follow where it could start on its own).
const WAITS: usize = 3;

/// How ways to place a sequence compare, smaller first: added cost, the first
/// visit's start, its slot, the second's slot.
type SequenceKey = (i64, i64, Slot, Slot);

/// How places for a one-carer need compare, smaller first: added cost, then
/// [`Builder::tie`], then the slot.
pub(crate) type InsertKey = (i64, (bool, i64), Slot);

/// What is placed, or left out, as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Unit {
    /// One need (one carer, or two carers at one start).
    Need(NeedIdx),
    /// The needs of a link.
    Link(LinkIdx),
}

impl Unit {
    /// The unit need `n` belongs to.
    pub(crate) fn of(problem: &Problem, n: NeedIdx) -> Self {
        match problem.need(n).link {
            Some(l) => Unit::Link(l),
            None => Unit::Need(n),
        }
    }

    /// Its needs (a need once, even with two carers).
    pub(crate) fn needs(self, problem: &Problem) -> Vec<NeedIdx> {
        match self {
            Unit::Need(n) => vec![n],
            Unit::Link(l) => problem.link(l).needs.clone(),
        }
    }
}

/// One visit of a unit move: the need, its slot, its place there, and its start.
pub(crate) type Place = (NeedIdx, Slot, Insertion, i64);

/// Where the visits of a unit go (fixed at their starts once placed).
#[derive(Debug, Clone)]
pub(crate) struct UnitMove {
    pub(crate) places: Vec<Place>,
    /// Whether the starts are fixed once placed.
    fixed: bool,
}

impl Builder<'_> {
    /// Where need `n` may go: its insertion neighbourhood. The routes of its candidate
    /// slots that have visits; the routes serving its `near` needs whose carer
    /// qualifies (rule 2); and for candidate slots whose route is empty, the elder's
    /// trusted carers' own, and the first empty route of each of their profiles
    /// ([`super::Profiles`]: one empty route stands for all those that would cost the
    /// same). When every carer leaves from one station, the nearest providers by start
    /// point are an arbitrary few; the routes of a need's neighbours are where it
    /// belongs.
    pub(crate) fn slots_for(&mut self, cands: &Candidates, near: &[u32], n: NeedIdx) -> Vec<Slot> {
        let problem = self.problem;
        self.stamp += 1;
        let stamp = self.stamp;
        let own = cands.of(n);
        let mut out: Vec<Slot> = Vec::with_capacity(own.len() + 2 * near.len());
        let mut profiles: Vec<u32> = Vec::new();
        for &slot in own {
            let ri = self.route_ix(slot);
            // (A route alone in its profile stands for itself: no need to look at it.)
            if problem.shares_profile(ri)
                && self.route(ri).stops().is_empty()
                && !self.trusted(n, slot.provider)
            {
                profiles.push(problem.profile_of(ri));
            } else if self.seen[ri] != stamp {
                self.seen[ri] = stamp;
                out.push(slot);
            }
        }
        for &m in near {
            for ri in self.at[m as usize].routes() {
                if self.seen[ri] == stamp {
                    continue;
                }
                self.seen[ri] = stamp;
                let slot = self.route(ri).slot;
                if problem.disqualification(slot.provider, n).is_none() {
                    out.push(slot);
                }
            }
        }
        profiles.sort_unstable();
        profiles.dedup();
        for pr in profiles {
            let first = self.first_empty(pr, EMPTY_TRIES).into_iter().find(|&ri| {
                problem
                    .disqualification(self.route(ri).provider(), n)
                    .is_none()
            });
            if let Some(ri) = first {
                if self.seen[ri] != stamp {
                    self.seen[ri] = stamp;
                    out.push(self.route(ri).slot);
                }
            }
        }
        out
    }

    /// `ins` of `n` into route `ri`, priced as if starting at `start`
    /// ([`Builder::price`]).
    fn priced(&self, ri: usize, n: NeedIdx, mut ins: Insertion, start: i64) -> Insertion {
        let pricing = self.pricing(ri, n);
        ins.cost = self.price(&pricing, self.route(ri), n, &ins, start);
        ins
    }

    /// What one visit of `n` brings to a route, for [`Builder::room`].
    fn one<'n>(&self, n: &'n NeedIdx) -> Addition<'n> {
        let need = self.problem.need(*n);
        Addition {
            needs: std::slice::from_ref(n),
            service: need.duration,
            load: need.load,
            travel: 0,
        }
    }

    /// Feasible insertions of `n` into `slot` (its start within `within`) that respect
    /// the provider's limits, priced at their earliest start, cheapest first, at most
    /// `keep` (all when 0).
    pub(crate) fn options(
        &self,
        slot: Slot,
        n: NeedIdx,
        within: Option<Window>,
        keep: usize,
    ) -> Vec<Insertion> {
        let ri = self.route_ix(slot);
        let Some(room) = self.room(ri, &self.one(&n)) else {
            return Vec::new();
        };
        let (route, pricing) = (self.route(ri), self.pricing(ri, n));
        let mut ins = Vec::new();
        route.each_insertion_in(self.problem, n, &self.starts_for(n, within), |mut i| {
            if room.fits(i.delta) {
                i.cost = self.price(&pricing, route, n, &i, i.earliest);
                ins.push(i);
            }
        });
        ins.sort_by_key(|i| (i.cost, i.pos));
        if keep > 0 {
            ins.truncate(keep);
        }
        ins
    }

    /// The cheapest feasible insertion of `n` into `slot` within the provider's limits
    /// (ties to the earlier position), its start restricted to `fixed` when given,
    /// passing over the places for which `skip` answers true.
    pub(crate) fn best_option(
        &self,
        slot: Slot,
        n: NeedIdx,
        fixed: Option<i64>,
        skip: impl FnMut() -> bool,
    ) -> Option<Insertion> {
        let within = fixed.map(|t| Window { open: t, close: t });
        self.best_option_in(slot, n, &self.starts_for(n, within), skip)
    }

    /// [`Builder::best_option`] with the need's starts given ([`Builder::starts_for`]:
    /// the same for every slot, so computed once per need).
    fn best_option_in(
        &self,
        slot: Slot,
        n: NeedIdx,
        starts: &[Window],
        mut skip: impl FnMut() -> bool,
    ) -> Option<Insertion> {
        let ri = self.route_ix(slot);
        let room = self.room(ri, &self.one(&n))?;
        let (r, pricing) = (self.route(ri), self.pricing(ri, n));
        let mut best: Option<Insertion> = None;
        r.each_insertion_in(self.problem, n, starts, |mut i| {
            if !room.fits(i.delta) {
                return;
            }
            i.cost = self.price(&pricing, r, n, &i, i.earliest);
            if best.as_ref().is_some_and(|b| b.cost <= i.cost) || skip() {
                return;
            }
            best = Some(i);
        });
        best
    }

    /// The cheapest place for one-carer need `n` among `slots`, by [`InsertKey`],
    /// passing over the places for which `skip` answers true.
    pub(crate) fn best_single(
        &self,
        slots: &[Slot],
        n: NeedIdx,
        fixed: Option<i64>,
        mut skip: impl FnMut() -> bool,
    ) -> Option<(InsertKey, Insertion)> {
        let mut best: Option<(InsertKey, Insertion)> = None;
        let starts = self.starts_for(n, fixed.map(|t| Window { open: t, close: t }));
        for &slot in slots {
            if let Some(ins) = self.best_option_in(slot, n, &starts, &mut skip) {
                let key = (ins.cost, self.tie(n, slot.provider), slot);
                if best.as_ref().is_none_or(|(k, _)| key < *k) {
                    best = Some((key, ins));
                }
            }
        }
        best
    }

    /// Inserts a one-carer need where it costs least. Returns false when it fits nowhere.
    pub(crate) fn insert_single(&mut self, slots: &[Slot], n: NeedIdx, fixed: Option<i64>) -> bool {
        match self.best_single(slots, n, fixed, || false) {
            Some(((_, _, slot), ins)) => {
                self.apply(slot, n, &ins, fixed);
                true
            }
            None => false,
        }
    }

    /// Inserts need `n` (not in a link) where it costs least among `slots`: into one
    /// route, or, for a two-carer need, into two routes of different providers at one
    /// common start; a pinned need at its pin. `Err(true)` when one carer could take a
    /// two-carer need but no pair could, `Err(false)` when it fits nowhere.
    pub(crate) fn insert(&mut self, slots: &[Slot], n: NeedIdx) -> Result<(), bool> {
        let need = self.problem.need(n);
        if need.caregivers == 1 {
            let fixed = need.pinned.map(|p| p.start);
            self.insert_single(slots, n, fixed)
                .then_some(())
                .ok_or(false)
        } else {
            let mv =
                self.best_together(&[(n, slots), (n, slots)], need.pinned.map(|p| p.provider))?;
            self.apply_move(&mv);
            Ok(())
        }
    }

    /// Inserts `unit` where it costs least, each need among `slots_of` it. `Err(true)`
    /// when some of its visits could go in but not all of them together.
    pub(crate) fn insert_unit(
        &mut self,
        unit: Unit,
        slots_of: &mut impl FnMut(&mut Self, NeedIdx) -> Vec<Slot>,
    ) -> Result<(), bool> {
        let mv = match unit {
            Unit::Need(n) => {
                let slots = slots_of(self, n);
                return self.insert(&slots, n);
            }
            Unit::Link(l) => {
                let members = self.problem.link(l).needs.clone();
                let slots: Vec<Vec<Slot>> = members.iter().map(|&n| slots_of(self, n)).collect();
                self.best_link(l, &slots)?
            }
        };
        self.apply_move(&mv);
        Ok(())
    }

    /// The cheapest way to place link `l`, each need among its `slots`.
    pub(crate) fn best_link(&self, l: LinkIdx, slots: &[Vec<Slot>]) -> Result<UnitMove, bool> {
        let link = self.problem.link(l);
        match link.rule {
            LinkRule::Together => {
                let members: Vec<(NeedIdx, &[Slot])> = link
                    .needs
                    .iter()
                    .zip(slots)
                    .map(|(&n, s)| (n, s.as_slice()))
                    .collect();
                self.best_together(&members, None)
            }
            LinkRule::Sequence {
                min_gap,
                max_gap,
                provider,
            } => self.best_sequence(
                (link.needs[0], &slots[0]),
                (link.needs[1], &slots[1]),
                (min_gap, max_gap),
                provider,
            ),
        }
    }

    /// Inserts `n` into `slot`'s route as `ins` says (fixed at `fixed` when given).
    pub(crate) fn apply(&mut self, slot: Slot, n: NeedIdx, ins: &Insertion, fixed: Option<i64>) {
        // A visit of a series keeps to part of its window (the series rule).
        let within = (fixed.is_none() && self.problem.need(n).series.is_some())
            .then(|| self.series_within(n, ins));
        let stop = StopState {
            need: n,
            fixed,
            within,
        };
        self.place(self.route_ix(slot), stop, ins.pos);
    }

    /// Applies a move found by [`Builder::best_link`] or [`Builder::best_together`].
    /// The visits of a sequence that any carers may serve keep to windows around the
    /// starts found, which keep its gap whatever each start within them
    /// ([`Builder::sequence_windows`]); other linked visits are fixed at their starts.
    pub(crate) fn apply_move(&mut self, mv: &UnitMove) {
        let windows = self.sequence_windows(mv);
        for (k, (n, slot, ins, start)) in mv.places.iter().enumerate() {
            match windows {
                Some(w) => {
                    let stop = StopState {
                        need: *n,
                        fixed: None,
                        within: Some(w[k]),
                    };
                    self.place(self.route_ix(*slot), stop, ins.pos);
                }
                None => self.apply(*slot, *n, ins, mv.fixed.then_some(*start)),
            }
        }
    }

    /// For a move placing a sequence that any carers may serve (its first visit
    /// first, neither of a series nor pinned), a window for each visit around the
    /// start found: the slack its gaps leave split evenly, so that any start of the
    /// first within its window and of the second within its keeps the gap. Each
    /// window lies within the window its start is in, and after the builder's floor.
    fn sequence_windows(&self, mv: &UnitMove) -> Option<[Window; 2]> {
        let problem = self.problem;
        let [(a, _, _, ta), (b, _, _, tb)] = mv.places.as_slice() else {
            return None;
        };
        let link = problem.link(problem.need(*a).link?);
        let LinkRule::Sequence {
            min_gap,
            max_gap,
            provider: LinkProvider::Any,
        } = link.rule
        else {
            return None;
        };
        let plain = |n: NeedIdx| {
            let need = problem.need(n);
            need.series.is_none() && need.pinned.is_none()
        };
        if !mv.fixed || link.needs[..] != [*a, *b] || !plain(*a) || !plain(*b) {
            return None;
        }
        // Slack above the least gap, and below the most.
        let (above, below) = (tb - ta - min_gap, max_gap.saturating_sub(tb - ta));
        let around = |n: NeedIdx, t: i64, early: i64, late: i64| {
            let w = *problem
                .allowed_starts(n)
                .iter()
                .find(|w| w.open <= t && t <= w.close)?;
            let open = w
                .open
                .max(t.saturating_sub(early))
                .max(self.floor.unwrap_or(i64::MIN));
            Some(Window {
                open: open.min(t),
                close: w.close.min(t.saturating_add(late)),
            })
        };
        Some([
            around(*a, *ta, below / 2, above / 2)?,
            around(*b, *tb, above - above / 2, below - below / 2)?,
        ])
    }

    /// The cheapest way to place `members` (each a need and its slots; a two-carer
    /// need is two members) in routes of pairwise different providers at one common
    /// start; `must` names a provider that must be among them (a pin). `Err(true)` when
    /// some member could go in alone but no combination fits.
    pub(crate) fn best_together(
        &self,
        members: &[(NeedIdx, &[Slot])],
        must: Option<ProviderIdx>,
    ) -> Result<UnitMove, bool> {
        let mut opts: Vec<Vec<(Slot, Insertion)>> = Vec::with_capacity(members.len());
        for &(n, slots) in members {
            let mut o: Vec<(Slot, Insertion)> = slots
                .iter()
                .flat_map(|&s| {
                    self.options(s, n, None, KEEP)
                        .into_iter()
                        .map(move |i| (s, i))
                })
                .collect();
            // Cheapest first, so that the search below stops once no choice can beat
            // the best.
            o.sort_by_key(|(s, i)| (i.cost, *s, i.pos));
            opts.push(o);
        }
        let any = opts.iter().any(|o| !o.is_empty());
        let mut g = Group {
            b: self,
            members,
            opts: &opts,
            must,
            floor: suffix_minima(&opts),
            chosen: Vec::with_capacity(members.len()),
            best: None,
            nodes: 0,
        };
        g.search(0, i64::MIN, i64::MAX, 0);
        match g.best {
            Some((_, places)) => Ok(UnitMove {
                places,
                fixed: true,
            }),
            None => Err(any),
        }
    }

    /// The cheapest way to place a sequence link: `a` first, then `b` starting
    /// `gap.0` to `gap.1` seconds after it, by the providers `rule` allows. `Err(true)`
    /// when one of them could go in alone.
    fn best_sequence(
        &self,
        (a, slots_a): (NeedIdx, &[Slot]),
        (b, slots_b): (NeedIdx, &[Slot]),
        gap: (i64, i64),
        rule: LinkProvider,
    ) -> Result<UnitMove, bool> {
        let problem = self.problem;
        let mut first: Vec<(Slot, Insertion)> = slots_a
            .iter()
            .flat_map(|&s| {
                self.options(s, a, None, KEEP)
                    .into_iter()
                    .map(move |i| (s, i))
            })
            .collect();
        first.sort_by_key(|(s, i)| (i.cost, *s, i.pos));
        first.truncate(FIRSTS);
        let any = !first.is_empty()
            || slots_b
                .iter()
                .any(|&s| !self.options(s, b, None, 1).is_empty());
        let (windows_a, windows_b) = (problem.allowed_starts(a), problem.allowed_starts(b));
        let seconds: Vec<Option<Seconds>> = slots_b
            .iter()
            .map(|&s| self.seconds(s, b, &windows_b))
            .collect();
        // Where `b` could start at the earliest in each of its slots, on its own: a
        // first visit that waits until that start less `gap.1` lets it follow there.
        let own_b = self.starts_for(b, None);
        let alone_b: Vec<Option<i64>> = slots_b
            .iter()
            .zip(&seconds)
            .map(|(&s, sec)| {
                let i = match sec {
                    Some(sec) => self.cheapest_second(sec, b, &own_b, None),
                    None => self.options(s, b, None, 1).into_iter().next(),
                };
                i.map(|i| i.earliest)
            })
            .collect();
        let slots_b = (slots_b, &seconds[..]);
        let mut found = Found {
            best: None,
            with_a: None,
        };
        for (sa, ia) in &first {
            // The earliest start of `a` from which `b`'s windows can still follow.
            let open_b = windows_b.first().map_or(i64::MAX, |w| w.open);
            let Some(ta) = earliest_in(&windows_a, ia.earliest.max(open_b.saturating_sub(gap.1)))
                .filter(|&t| t <= ia.latest)
            else {
                continue;
            };
            let first = (a, *sa, ia);
            self.followers(first, ta, (b, slots_b), gap, rule, &mut found);
            // `a` may wait for `b`: the few soonest starts that let `b` follow where it
            // could start on its own.
            let mut later: Vec<i64> = alone_b
                .iter()
                .filter_map(|&e| earliest_in(&windows_a, e?.saturating_sub(gap.1)))
                .filter(|&t| t > ta && t <= ia.latest)
                .collect();
            later.sort_unstable();
            later.dedup();
            for &t in later.iter().take(WAITS) {
                self.followers(first, t, (b, slots_b), gap, rule, &mut found);
            }
        }
        found.best.map(|(_, mv)| mv).ok_or(any)
    }

    /// [`Builder::best_sequence`] with the first need `a` placed as `ia` says in `sa`,
    /// starting at `ta`: each place of `b` among `slots_b` that may follow, kept in
    /// `found` when cheaper (then earlier, then by slots).
    fn followers(
        &self,
        (a, sa, ia): (NeedIdx, Slot, &Insertion),
        ta: i64,
        (b, (slots_b, seconds)): (NeedIdx, (&[Slot], &[Option<Seconds>])),
        gap: (i64, i64),
        rule: LinkProvider,
        found: &mut Found,
    ) {
        let within = Window {
            open: ta + gap.0,
            close: ta.saturating_add(gap.1),
        };
        let ra = self.route_ix(sa);
        // The route with `a`, for `b` after it in the same route: built only then, in
        // the buffer of the last one.
        let mut built = false;
        let cost_a = self.price(&self.pricing(ra, a), self.route(ra), a, ia, ta);
        let starts_b = self.starts_for(b, Some(within));
        for (&sb, second) in slots_b.iter().zip(seconds) {
            let route = if sb == sa {
                if !built {
                    let r = match &mut found.with_a {
                        Some(r) => {
                            r.clone_from(self.route(ra));
                            r
                        }
                        none => none.insert(self.route(ra).clone()),
                    };
                    r.insert(self.problem, a, ia.pos, Some(ta));
                    built = true;
                }
                found.with_a.as_ref().unwrap_or(self.route(ra))
            } else {
                self.route(ra)
            };
            let first = Leader {
                need: a,
                slot: sa,
                ins: ia,
                route,
            };
            // A second place costing more than the best so far less `a`'s can only lose.
            let bound = found.best.as_ref().map(|(k, _)| k.0 - cost_a);
            let second = Follower {
                need: b,
                slot: sb,
                known: second.as_ref(),
                starts: &starts_b,
                bound,
            };
            let Some((tb, ib)) = self.follower(&first, &second, within, rule) else {
                continue;
            };
            let cost = cost_a + ib.cost;
            let key = (cost, ta, sa, sb);
            if found.best.as_ref().is_none_or(|(k, _)| key < *k) {
                let a_ins = Insertion {
                    cost: cost_a,
                    ..ia.clone()
                };
                found.best = Some((
                    key,
                    UnitMove {
                        places: vec![(a, sa, a_ins, ta), (b, sb, ib, tb)],
                        fixed: true,
                    },
                ));
            }
        }
    }

    /// The place of `b`, second of a sequence, in `sb`'s route, its start within
    /// `within`, once the first is placed as `first` says: its start and insertion,
    /// when `rule` allows that provider and every rule the two visits together.
    fn follower(
        &self,
        first: &Leader<'_>,
        second: &Follower<'_>,
        within: Window,
        rule: LinkProvider,
    ) -> Option<(i64, Insertion)> {
        let (a, sa) = (first.need, first.slot);
        let (b, sb) = (second.need, second.slot);
        let ok = match rule {
            LinkProvider::Any => true,
            LinkProvider::Same => sb.provider == sa.provider,
            LinkProvider::Different => sb.provider != sa.provider,
        };
        if !ok {
            return None;
        }
        let (tb, ib) = if sb == sa {
            self.second_in(first.route, sb, b, within, first.ins.pos)?
        } else {
            let i = match second.known {
                Some(sec) => self.cheapest_second(sec, b, second.starts, second.bound)?,
                None => self.options(sb, b, Some(within), 1).into_iter().next()?,
            };
            (i.earliest, i)
        };
        // Two routes, perhaps of one provider: the rules on both at once (one route:
        // its room was asked for both visits).
        let (na, nb) = (self.problem.need(a), self.problem.need(b));
        let changes = [
            RouteChange::by(self.route_ix(sa), first.ins.delta, na.duration, na.load, 1),
            RouteChange::by(self.route_ix(sb), ib.delta, nb.duration, nb.load, 1),
        ];
        let routes = if sb == sa {
            &changes[..0]
        } else {
            &changes[..]
        };
        let visits = [
            Handover::new_visit(a, sa.provider),
            Handover::new_visit(b, sb.provider),
        ];
        self.admits(&Proposal::new(routes, &visits), Stage::Final)
            .then_some((tb, ib))
    }

    /// The places in `slot` for second need `b` of a sequence, its starts within
    /// `windows` (its allowed starts) — `None` when the route has breaks (then each
    /// start is asked of [`Builder::options`]) or no room for `b`.
    fn seconds(&self, slot: Slot, b: NeedIdx, windows: &[Window]) -> Option<Seconds> {
        let ri = self.route_ix(slot);
        if !self.route(ri).brk.is_empty() {
            return None;
        }
        let room = self.room(ri, &self.one(&b))?;
        let (first, last) = (windows.first()?, windows.last()?);
        let pricing = self.pricing(ri, b);
        let mut places = Vec::new();
        self.route(ri)
            .each_frame(self.problem, b, (first.open, last.close), |frame| {
                if room.fits(frame.delta()) {
                    places.push(SecondPlace {
                        frame,
                        floor: self.floor(&pricing, frame.delta()),
                        priced: Cell::new(None),
                    });
                }
            });
        // Least travel first: once a place's floor passes the best, so do the rest's.
        places.sort_by_key(|p| p.frame.delta());
        Some(Seconds {
            ri,
            pricing,
            places,
        })
    }

    /// The cheapest place of [`Seconds`] for `b` starting in `starts` (ties to the
    /// earlier position): what [`Builder::options`] keeps first, without scanning
    /// the route again — or `None` when every place costs more than `bound`.
    fn cheapest_second(
        &self,
        sec: &Seconds,
        b: NeedIdx,
        starts: &[Window],
        bound: Option<i64>,
    ) -> Option<Insertion> {
        let route = self.route(sec.ri);
        let mut best: Option<Insertion> = None;
        for place in &sec.places {
            let cap = match (bound, &best) {
                (Some(b), Some(x)) => Some(b.min(x.cost)),
                (b, x) => b.or(x.as_ref().map(|x| x.cost)),
            };
            if let (Some(floor), Some(cap)) = (place.floor, cap) {
                if floor > cap {
                    break;
                }
            }
            let Some(mut i) = place.frame.within(starts) else {
                continue;
            };
            // Where the carer gets there after the window opens, the start (and so
            // the price) is the same for every window: priced once.
            i.cost = match place.priced.get() {
                Some((t, cost)) if t == i.earliest => cost,
                _ => {
                    let cost = self.price(&sec.pricing, route, b, &i, i.earliest);
                    place.priced.set(Some((i.earliest, cost)));
                    cost
                }
            };
            if best
                .as_ref()
                .is_none_or(|x| (i.cost, i.pos) < (x.cost, x.pos))
            {
                best = Some(i);
            }
        }
        best
    }

    /// The cheapest place for `b` in `route` (the first need of its sequence already in
    /// it at position `after`), its start within `within`, after the first need and
    /// within the provider's limits: its start and place.
    fn second_in(
        &self,
        route: &RouteState,
        slot: Slot,
        b: NeedIdx,
        within: Window,
        after: usize,
    ) -> Option<(i64, Insertion)> {
        let ri = self.route_ix(slot);
        let first = route.stops()[after].need;
        let (na, nb) = (self.problem.need(first), self.problem.need(b));
        let both = [first, b];
        let add = Addition {
            needs: &both,
            service: na.duration + nb.duration,
            load: na.load + nb.load,
            travel: route.travel - self.route(ri).travel,
        };
        let room = self.room(ri, &add)?;
        let pricing = self.pricing(ri, b);
        let mut best: Option<Insertion> = None;
        route.each_insertion(self.problem, b, Some(within), |i| {
            if i.pos <= after || !room.fits(i.delta) {
                return;
            }
            let cost = self.price(&pricing, route, b, &i, i.earliest);
            if best.as_ref().is_none_or(|x| cost < x.cost) {
                best = Some(Insertion { cost, ..i });
            }
        });
        best.map(|i| (i.earliest, i))
    }
}

/// Where the second need of a sequence may go in one route, worked out once per
/// sequence ([`Builder::seconds`]): the route, how the need is priced there, and the
/// places the route's limits leave room for, before its starts are applied, least
/// travel first. Every place of the first need, and every wait, then only applies
/// its starts.
struct Seconds {
    ri: usize,
    pricing: Pricing,
    places: Vec<SecondPlace>,
}

/// One place of [`Seconds`]: the place, the least it can cost ([`Builder::floor`]),
/// and its last price with the start it was priced at.
struct SecondPlace {
    frame: Frame,
    floor: Option<i64>,
    priced: Cell<Option<(i64, i64)>>,
}

/// The second need of a sequence, to place in one slot: its places there when worked
/// out ([`Seconds`]; else the route is scanned), the starts it may take, and the most
/// it may cost to matter (`None`: any).
struct Follower<'s> {
    need: NeedIdx,
    slot: Slot,
    known: Option<&'s Seconds>,
    starts: &'s [Window],
    bound: Option<i64>,
}

/// What the search of a sequence's places carries from one place of its first need
/// to the next ([`Builder::followers`]): the best found so far, and a buffer for the
/// route with the first need in it.
struct Found {
    best: Option<(SequenceKey, UnitMove)>,
    with_a: Option<RouteState>,
}

/// The first need of a sequence as placed: its slot, its insertion and the route with
/// it.
struct Leader<'r> {
    need: NeedIdx,
    slot: Slot,
    ins: &'r Insertion,
    route: &'r RouteState,
}

/// For every member, the least cost any of its places adds, summed over it and the
/// members after it: a lower bound on what is left to choose.
fn suffix_minima(opts: &[Vec<(Slot, Insertion)>]) -> Vec<i64> {
    let mut floor = vec![0; opts.len() + 1];
    for m in (0..opts.len()).rev() {
        let least = opts[m].first().map_or(i64::MAX / 4, |o| o.1.cost);
        floor[m] = floor[m + 1] + least;
    }
    floor
}

/// The depth-first search of [`Builder::best_together`].
struct Group<'b, 'a, 'm> {
    b: &'b Builder<'a>,
    members: &'m [(NeedIdx, &'m [Slot])],
    opts: &'m [Vec<(Slot, Insertion)>],
    must: Option<ProviderIdx>,
    floor: Vec<i64>,
    chosen: Vec<usize>,
    best: Option<(GroupKey, Vec<Place>)>,
    nodes: usize,
}

/// How combinations compare: cost, start, whether none is a trusted carer, the
/// carers' work, the slots.
type GroupKey = (i64, i64, bool, i64, Vec<Slot>);

impl Group<'_, '_, '_> {
    /// Chooses a place for member `m` on, the common start within `[lo, hi]`, `cost`
    /// added so far (at the places' earliest starts).
    fn search(&mut self, m: usize, lo: i64, hi: i64, cost: i64) {
        if let Some((k, _)) = &self.best {
            if cost + self.floor[m] > k.0 {
                return;
            }
        }
        if m == self.members.len() {
            self.leaf(lo, hi);
            return;
        }
        for k in 0..self.opts[m].len() {
            self.nodes += 1;
            if self.nodes > NODES && self.best.is_some() {
                return;
            }
            let (slot, ins) = &self.opts[m][k];
            if self
                .best
                .as_ref()
                .is_some_and(|(b, _)| cost + ins.cost + self.floor[m + 1] > b.0)
            {
                break;
            }
            let used = self
                .chosen
                .iter()
                .enumerate()
                .any(|(j, &c)| self.opts[j][c].0.provider == slot.provider);
            let (lo2, hi2) = (lo.max(ins.earliest), hi.min(ins.latest));
            if used || lo2 > hi2 {
                continue;
            }
            self.chosen.push(k);
            self.search(m + 1, lo2, hi2, cost + ins.cost);
            self.chosen.pop();
        }
    }

    /// Every member has a place: the first common start in `[lo, hi]` every member's
    /// windows allow, and the combination priced there.
    fn leaf(&mut self, lo: i64, hi: i64) {
        let problem = self.b.problem;
        if let Some(m) = self.must {
            if !self
                .chosen
                .iter()
                .enumerate()
                .any(|(j, &c)| self.opts[j][c].0.provider == m)
            {
                return;
            }
        }
        let mut t = lo;
        loop {
            let mut moved = false;
            for &(n, _) in self.members {
                let Some(t2) = earliest_in(&problem.allowed_starts(n), t) else {
                    return;
                };
                if t2 > t {
                    t = t2;
                    moved = true;
                }
            }
            if t > hi {
                return;
            }
            if !moved {
                break;
            }
        }
        let mut places = Vec::with_capacity(self.members.len());
        let (mut cost, mut untrusted, mut work) = (0, true, 0);
        let mut slots = Vec::with_capacity(self.members.len());
        for (j, &c) in self.chosen.iter().enumerate() {
            let (slot, ins) = &self.opts[j][c];
            let n = self.members[j].0;
            let ri = self.b.route_ix(*slot);
            let ins = self.b.priced(ri, n, ins.clone(), t);
            let (not_trusted, w) = self.b.tie(n, slot.provider);
            untrusted &= not_trusted;
            work += w;
            cost += ins.cost;
            slots.push(*slot);
            places.push((n, *slot, ins, t));
        }
        let visits: Vec<Handover<'_>> = places
            .iter()
            .map(|p| Handover::new_visit(p.0, p.1.provider))
            .collect();
        if !self.b.admits(&Proposal::new(&[], &visits), Stage::Final) {
            return;
        }
        slots.sort_unstable();
        let key = (cost, t, untrusted, work, slots);
        if self.best.as_ref().is_none_or(|(k, _)| key < *k) {
            self.best = Some((key, places));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An aide's route of four visits, some of them soft (late visits priced), and a
    /// fifth need, two windows, to place after them.
    fn day() -> Problem {
        Problem::from_json(
            br#"{
          "travel": {"metric": "euclidean", "speed": 1.0},
          "elders": [
            {"id": "a", "location": [0.0, 0.0]}, {"id": "b", "location": [900.0, 100.0]},
            {"id": "c", "location": [300.0, 800.0]}, {"id": "d", "location": [1200.0, 900.0]},
            {"id": "e", "location": [600.0, 400.0]}
          ],
          "needs": [
            {"id": "n0", "elder": "a", "service": "personal_care", "duration": 600, "windows": [[0, 3000]]},
            {"id": "n1", "elder": "b", "service": "personal_care", "duration": 900, "windows": [[2000, 4000]], "late_by": 2000},
            {"id": "n2", "elder": "c", "service": "personal_care", "duration": 600, "windows": [[5000, 6000]], "late_by": 3000},
            {"id": "n3", "elder": "d", "service": "personal_care", "duration": 300, "windows": [[8000, 12000]]},
            {"id": "n4", "elder": "e", "service": "personal_care", "duration": 450, "windows": [[1000, 5000], [7000, 9000]]}
          ],
          "providers": [
            {"id": "aide", "kind": "staff", "skills": ["personal_care"], "level": 2, "start": [0.0, 0.0], "shifts": [[0, 20000]]}
          ],
          "options": {"weights": {"travel": 1, "lateness": 3, "max_lateness": 2}}
        }"#,
        )
        .expect("valid")
    }

    /// The second visit's places worked out once give, for every window it may be
    /// asked to start in, the same cheapest place as scanning the route for that
    /// window.
    #[test]
    fn seconds_worked_out_once_agree_with_a_scan_per_window() {
        let p = day();
        let slot = Slot {
            provider: ProviderIdx(0),
            shift: 0,
        };
        let mut b = Builder::new(&p);
        let b_need = NeedIdx(4);
        let mut compared = 0;
        for k in 0..4 {
            assert!(b.insert_single(&[slot], NeedIdx(k), None), "n{k} fits");
            let sec = b
                .seconds(slot, b_need, &p.allowed_starts(b_need))
                .expect("no breaks, room");
            for open in (0..14_000).step_by(250) {
                for width in [0, 600, 1_800, 3_600] {
                    let w = Window {
                        open,
                        close: open + width,
                    };
                    let starts = b.starts_for(b_need, Some(w));
                    let once = b.cheapest_second(&sec, b_need, &starts, None);
                    let scan = b.options(slot, b_need, Some(w), 1).into_iter().next();
                    assert_eq!(once, scan, "{k} visits in the route, window {w:?}");
                    compared += usize::from(scan.is_some());
                    // Under a bound: the same place when it costs no more, else
                    // nothing that costs as little as the bound.
                    let Some(cheapest) = scan else { continue };
                    for bound in [cheapest.cost - 1, cheapest.cost, cheapest.cost + 500] {
                        let got = b.cheapest_second(&sec, b_need, &starts, Some(bound));
                        if cheapest.cost <= bound {
                            assert_eq!(got.as_ref(), Some(&cheapest), "bound {bound}");
                        } else {
                            assert!(got.is_none_or(|g| g.cost > bound), "bound {bound}");
                        }
                    }
                }
            }
        }
        // Most windows admit a place: the comparison is not between two `None`s.
        assert!(compared > 100, "{compared} places compared");
    }

    /// A nurse's visit, then an aide's 30 to 60 minutes later (a sequence any carers
    /// may serve), and a nurse's visit `c` that fits before the first only if that
    /// one starts later than where it was placed.
    fn sequence_day() -> Problem {
        Problem::from_json(
            br#"{
          "travel": {"metric": "euclidean", "speed": 1.0},
          "elders": [{"id": "x", "location": [1000.0, 0.0]}, {"id": "y", "location": [500.0, 0.0]}],
          "needs": [
            {"id": "a", "elder": "x", "service": "nursing", "duration": 600, "windows": [[0, 20000]]},
            {"id": "b", "elder": "x", "service": "personal_care", "duration": 600, "windows": [[4000, 20000]]},
            {"id": "c", "elder": "y", "service": "nursing", "duration": 100, "windows": [[900, 2000]]}
          ],
          "links": [{"id": "l", "type": "sequence", "needs": ["a", "b"], "min_gap": 1800, "max_gap": 3600}],
          "providers": [
            {"id": "nurse", "kind": "staff", "skills": ["nursing"], "level": 3, "start": [0.0, 0.0], "shifts": [[0, 20000]]},
            {"id": "aide", "kind": "staff", "skills": ["personal_care"], "level": 2, "start": [3000.0, 0.0], "shifts": [[0, 20000]]}
          ]
        }"#,
        )
        .expect("valid")
    }

    /// A placed sequence keeps to windows around its starts, not to the starts: any
    /// start of each within its window keeps the gap, and a visit put before the
    /// first later pushes it later (with fixed starts, `c` would fit nowhere).
    #[test]
    fn a_placed_sequence_keeps_its_gap_from_windows_and_lets_a_visit_push_it_later() {
        let p = sequence_day();
        let (nurse, aide) = (
            Slot {
                provider: ProviderIdx(0),
                shift: 0,
            },
            Slot {
                provider: ProviderIdx(1),
                shift: 0,
            },
        );
        let mut b = Builder::new(&p);
        let l = p.need(NeedIdx(0)).link.expect("linked");
        // Each need among the slots of the carers qualified for it.
        b.insert_unit(Unit::Link(l), &mut |_, n| {
            vec![if n == NeedIdx(0) { nurse } else { aide }]
        })
        .expect("the sequence fits");
        let stop = |b: &Builder<'_>, ri: usize, n: u32| {
            let r = b.route(ri);
            let i = r
                .stops()
                .iter()
                .position(|s| s.need == NeedIdx(n))
                .expect("placed");
            (r.stops()[i], r.start_of(i))
        };
        let (rn, ra) = (b.route_ix(nurse), b.route_ix(aide));
        let ((sa, ta), (sb, tb)) = (stop(&b, rn, 0), stop(&b, ra, 1));
        assert_eq!((ta, tb), (1000, 4000), "the earliest starts");
        let (wa, wb) = (sa.within.expect("a window"), sb.within.expect("a window"));
        assert!(sa.fixed.is_none() && sb.fixed.is_none());
        assert!(wa.contains(ta) && wb.contains(tb));
        // The gap holds at the extremes of the windows: 1,800 to 3,600 s.
        assert!(wb.open - wa.close >= 1800, "{wa:?} {wb:?}");
        assert!(wb.close - wa.open <= 3600, "{wa:?} {wb:?}");
        assert!(wb.open >= 4000, "within b's own window: {wb:?}");
        // Slack above the least gap (1,200 s) and below the most (600 s), split.
        assert_eq!(
            (wa, wb),
            (
                Window {
                    open: 700,
                    close: 1600
                },
                Window {
                    open: 4000,
                    close: 4300
                }
            )
        );
        assert!(
            b.insert_single(&[nurse], NeedIdx(2), None),
            "c goes before a"
        );
        let (_, ta) = stop(&b, rn, 0);
        assert_eq!(b.route(rn).stops()[0].need, NeedIdx(2));
        assert_eq!(ta, 1500, "a pushed later, within its window");
        assert!((1800..=3600).contains(&(tb - ta)));
    }

    /// A route copied into the buffers of another (`clone_from`, as the journal and
    /// the sequence search reuse them) is the route, whatever the buffers held: a
    /// longer route, a shorter one, an empty one.
    #[test]
    fn a_route_copied_into_old_buffers_is_the_route() {
        let p = day();
        let slot = Slot {
            provider: ProviderIdx(0),
            shift: 0,
        };
        let mut b = Builder::new(&p);
        let mut seen = vec![format!("{:?}", b.route(0))];
        let mut states = vec![b.route(0).clone()];
        for k in 0..5 {
            assert!(b.insert_single(&[slot], NeedIdx(k), None), "n{k} fits");
            states.push(b.route(0).clone());
            seen.push(format!("{:?}", b.route(0)));
        }
        for (i, src) in states.iter().enumerate() {
            for old in &states {
                let mut buf = old.clone();
                buf.clone_from(src);
                assert_eq!(
                    format!("{buf:?}"),
                    seen[i],
                    "{} stops over {}",
                    i,
                    old.stops().len()
                );
            }
        }
        // The states differ: the copies are not all of one route.
        seen.dedup();
        assert_eq!(seen.len(), 6);
    }
}
