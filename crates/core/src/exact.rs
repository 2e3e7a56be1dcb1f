//! Exact polish of a small day: a branch and bound over every plan that serves every
//! need, for days of at most [`MAX_NEEDS`] needs and [`MAX_SLOTS`] carer shifts with
//! nothing but windows (soft or hard), the carers who may serve each need (skills,
//! exclusions, reach), shifts, travel and links, and a cost of travel and lateness —
//! the day of a small station, where a user should get the best plan, not a good one.
//!
//! The plans are enumerated route by route: the first shift's route visit by visit
//! (the visit that could start soonest first), then closed, then the next shift's.
//! Each visit starts as early as its route, its window and its links allow: the least
//! solution of the difference constraints a plan sets (route order with travel and
//! service; window opens; a `together` link's equal starts; a `sequence`'s gaps both
//! ways — a first visit waits when its second could not follow in time). Lateness only
//! grows with starts, so that least schedule is the best timing of the plan, and a
//! partial plan's is a lower bound on every completion's. A branch is cut when its
//! travel so far, plus for each visit still to place the cheapest arc into it from what
//! can still precede it, plus the lateness so far, costs no less than the best plan
//! known (the search's); or when a visit still to place has no shift left that could
//! take it.
//!
//! The search runs first, with a third of the time left (a small day's search mostly
//! ends by itself well before); the polish has the rest. The branches of its root (the
//! first visit of the first shift's route) run side by side on the solve's threads,
//! each of at most [`NODES`] nodes against the search's cost: the plan it finds depends
//! on the problem alone, not on which branch ends first.
//! Its plan replaces the search's only when the routes, rebuilt from its stops, keep
//! every rule and score better. When the branch and bound closes, the plan is proven
//! optimal (`summary.search.optimal`); when it does not, the polish was one more
//! search. The bound is weak where windows, not distance, shape the routes, so proofs
//! come for days of up to about a dozen visits within a second (measured:
//! `benches/healthcare_peers.py --exact`).

use std::time::Instant;

use rayon::prelude::*;

use crate::feasibility::Candidates;
use crate::model::{LinkRule, NeedIdx, Problem, Slot};
use crate::objective::{self, Terms};
use crate::routes::{Builder, Construction, RouteState, StopState};
use crate::wire::LinkProvider;

/// Most needs a day may have for the polish.
pub(crate) const MAX_NEEDS: usize = 24;
/// Most carer shifts that may serve them.
const MAX_SLOTS: usize = 8;
/// Nodes of each branch of the root before the branch and bound gives up the proof.
const NODES: u64 = 2_000_000;
/// Rounds of the schedule's fixpoint before a plan is taken as infeasible. Each round
/// relaxes every constraint once (Bellman–Ford), so a plan with a schedule settles
/// within as many rounds as it has visits ([`MAX_NEEDS`]); one still moving after more
/// has a cycle of links and routes that only pushes starts later.
const ROUNDS: usize = MAX_NEEDS + 2;

/// What the polish found: a better plan, if any, and whether the plan it leaves (the
/// better one or the search's) is proven optimal.
pub(crate) struct Polish {
    pub(crate) better: Option<Construction>,
    pub(crate) proven: bool,
    /// Whether the deadline, not the node budget or the proof, ended it (the plan then
    /// depends on the machine).
    pub(crate) timed_out: bool,
}

/// How two visits' starts are tied.
#[derive(Clone, Copy)]
enum Tie {
    /// Equal starts, different carers.
    Together(usize, usize),
    /// `b` starts `min` to `max` seconds after `a`; the carers as `who` says.
    Sequence {
        a: usize,
        b: usize,
        min: i64,
        max: i64,
        who: LinkProvider,
    },
}

/// The day as the polish sees it: visits, shifts and the travel between them.
pub(crate) struct Day {
    needs: Vec<NeedIdx>,
    slots: Vec<Slot>,
    /// Per slot: shift open and close.
    shift: Vec<(i64, i64)>,
    /// Per slot, `(m + 2)²` travel times: visits, then the start, then the end.
    tt: Vec<Vec<i64>>,
    /// Per visit: duration, window open, latest start, and where lateness begins (its
    /// window's close; `i64::MAX` for a need that may not be late).
    dur: Vec<i64>,
    late_from: Vec<i64>,
    open: Vec<i64>,
    hard: Vec<i64>,
    /// Per visit, the slots that may serve it (bit per slot).
    qual: Vec<u32>,
    ties: Vec<Tie>,
    /// Per visit, the visits tied to it.
    tied: Vec<Vec<usize>>,
    /// Per visit, the other visits that may come right before it (in some slot that
    /// may make both, in time), cheapest arc first.
    into: Vec<Vec<(i64, usize)>>,
}

impl Day {
    /// The day of `problem`, when the polish applies to it.
    fn of(problem: &Problem, cands: &Candidates) -> Option<Self> {
        let m = problem.needs().len();
        if !(2..=MAX_NEEDS).contains(&m) || !plain(problem) {
            return None;
        }
        let needs: Vec<NeedIdx> = (0..m as u32).map(NeedIdx).collect();
        let mut slots: Vec<Slot> = needs
            .iter()
            .flat_map(|&n| cands.all_of(problem, n).into_owned())
            .collect();
        slots.sort_unstable();
        slots.dedup();
        if slots.is_empty() || slots.len() > MAX_SLOTS {
            return None;
        }
        let mut qual = vec![0u32; m];
        for (i, &n) in needs.iter().enumerate() {
            for s in cands.all_of(problem, n).iter() {
                let k = slots.iter().position(|x| x == s)?;
                qual[i] |= 1 << k;
            }
        }
        let mut day = Day {
            shift: slots
                .iter()
                .map(|s| {
                    let w = problem.provider(s.provider).shifts[s.shift as usize];
                    (w.open, w.close)
                })
                .collect(),
            tt: slots.iter().map(|s| times(problem, &needs, *s)).collect(),
            dur: needs.iter().map(|&n| problem.need(n).duration).collect(),
            open: needs
                .iter()
                .map(|&n| problem.allowed_starts(n)[0].open)
                .collect(),
            hard: needs
                .iter()
                .map(|&n| problem.allowed_starts(n)[0].close)
                .collect(),
            late_from: needs
                .iter()
                .map(|&n| {
                    let need = problem.need(n);
                    if need.late_by > 0 {
                        need.windows[0].close
                    } else {
                        i64::MAX
                    }
                })
                .collect(),
            qual,
            ties: ties(problem),
            tied: Vec::new(),
            into: Vec::new(),
            needs,
            slots,
        };
        let arc = day.arcs();
        day.tied = vec![Vec::new(); m];
        for tie in &day.ties {
            let (a, b) = match *tie {
                Tie::Together(a, b) | Tie::Sequence { a, b, .. } => (a, b),
            };
            day.tied[a].push(b);
            day.tied[b].push(a);
        }
        day.into = (0..m)
            .map(|v| {
                let mut l: Vec<(i64, usize)> = (0..m)
                    .filter(|&u| arc[u * m + v] != i64::MAX)
                    .map(|u| (arc[u * m + v], u))
                    .collect();
                l.sort_unstable();
                l
            })
            .collect();
        Some(day)
    }

    fn m(&self) -> usize {
        self.needs.len()
    }

    /// The cheapest arcs between visits (`m × m`) over every slot that may make both,
    /// kept only where the second can still start in time after the first at its
    /// earliest (`i64::MAX` elsewhere).
    fn arcs(&self) -> Vec<i64> {
        let m = self.m();
        let mut out = vec![i64::MAX; m * m];
        for u in 0..m {
            for v in 0..m {
                if u == v {
                    continue;
                }
                for k in 0..self.slots.len() {
                    let both = self.qual[u] & self.qual[v] & (1 << k) != 0;
                    let t = self.tt[k][u * (m + 2) + v];
                    if both && self.open[u] + self.dur[u] + t <= self.hard[v] {
                        out[u * m + v] = out[u * m + v].min(t);
                    }
                }
            }
        }
        out
    }

    /// Travel from `a` to `b` (visits, `m` the start, `m + 1` the end) in slot `k`.
    fn t(&self, k: usize, a: usize, b: usize) -> i64 {
        self.tt[k][a * (self.m() + 2) + b]
    }
}

/// Whether `problem` has only what the polish models: one day, one window per need,
/// one carer per visit, no pins, series, venues, budgets, breaks or carers' limits, and
/// a cost of travel and lateness alone.
fn plain(problem: &Problem) -> bool {
    let w = &problem.options().weights;
    // Plan changes are only priced against a reference plan (an event batch's).
    let changes = if problem.reference.is_some() {
        w.plan_changes
    } else {
        0
    };
    let priced_else = [
        w.carer_changes,
        changes,
        w.overtime,
        w.under_hours,
        w.balance,
        w.preferred,
        w.primary,
    ];
    let needs_ok = problem.needs().iter().enumerate().all(|(i, n)| {
        n.caregivers == 1
            && n.pinned.is_none()
            && n.series.is_none()
            && n.response_within.is_none()
            && n.windows.len() == 1
            && problem.allowed_starts(NeedIdx(i as u32)).len() == 1
    });
    let providers_ok = problem.providers().iter().all(|p| {
        p.max_visits.is_none()
            && p.max_work.is_none()
            && p.max_visits_total.is_none()
            && p.max_work_total.is_none()
            && p.max_travel.is_none()
            && p.regular_work.is_none()
            && p.regular_work_total.is_none()
            && p.breaks.is_empty()
            && p.capacity.is_none()
    });
    !problem.has_horizon()
        && priced_else.iter().all(|&x| x == 0)
        && needs_ok
        && providers_ok
        && problem.venues().is_empty()
        && problem.elders().iter().all(|e| e.budget.is_none())
}

/// Slot `s`'s travel times between the needs' places, its start and its end.
fn times(problem: &Problem, needs: &[NeedIdx], s: Slot) -> Vec<i64> {
    let (start, end) = problem.ends_of(s.provider);
    let places: Vec<u32> = needs
        .iter()
        .map(|&n| problem.place_of(n))
        .chain([start, end])
        .collect();
    let mut out = Vec::with_capacity(places.len() * places.len());
    for &a in &places {
        for &b in &places {
            out.push(problem.time(s.provider, a, b));
        }
    }
    out
}

/// The links as ties between visits.
fn ties(problem: &Problem) -> Vec<Tie> {
    let mut out = Vec::new();
    for l in problem.links() {
        match l.rule {
            LinkRule::Together => {
                for (i, a) in l.needs.iter().enumerate() {
                    for b in &l.needs[i + 1..] {
                        out.push(Tie::Together(a.ix(), b.ix()));
                    }
                }
            }
            LinkRule::Sequence {
                min_gap,
                max_gap,
                provider,
            } => out.push(Tie::Sequence {
                a: l.needs[0].ix(),
                b: l.needs[1].ix(),
                min: min_gap,
                max: max_gap,
                who: provider,
            }),
        }
    }
    out
}

/// A (partial) plan: per slot its visits in order, and the least schedule.
struct Partial {
    routes: Vec<Vec<usize>>,
    /// Per visit: its slot, or `usize::MAX` when not placed.
    slot: Vec<usize>,
    start: Vec<i64>,
}

impl Partial {
    /// Times the visit just appended to slot `k`'s route, arriving at `arrival`: false
    /// when the plan has no schedule then. A visit tied to none placed starts on
    /// arrival or at its window's open and moves nothing else; else the whole least
    /// schedule is recomputed.
    fn append(&mut self, day: &Day, k: usize, arrival: i64) -> bool {
        let v = *self.routes[k].last().expect("a visit was appended");
        if day.tied[v].iter().any(|&u| self.slot[u] != usize::MAX) {
            return self.schedule(day);
        }
        let s = arrival.max(day.open[v]);
        self.start[v] = s;
        s <= day.hard[v] && s + day.dur[v] + day.t(k, v, day.m() + 1) <= day.shift[k].1
    }

    /// Computes the least schedule of the placed visits into `start`: false when there
    /// is none (a start past its latest, a shift overrun, or a link the slots break).
    fn schedule(&mut self, day: &Day) -> bool {
        for (i, s) in self.start.iter_mut().enumerate() {
            *s = day.open[i];
        }
        for _ in 0..ROUNDS {
            let mut changed = false;
            for (k, route) in self.routes.iter().enumerate() {
                let (mut t, mut prev) = (day.shift[k].0, day.m());
                for &v in route {
                    let s = (t + day.t(k, prev, v)).max(self.start[v]);
                    changed |= s > self.start[v];
                    self.start[v] = s;
                    if s > day.hard[v] {
                        return false;
                    }
                    (t, prev) = (s + day.dur[v], v);
                }
                if !route.is_empty() && t + day.t(k, prev, day.m() + 1) > day.shift[k].1 {
                    return false;
                }
            }
            for tie in &day.ties {
                match self.tie(day, *tie) {
                    None => return false,
                    Some(c) => changed |= c,
                }
            }
            if !changed {
                return true;
            }
        }
        false
    }

    /// Applies one tie between placed visits: `None` when their slots break it, else
    /// whether a start moved.
    fn tie(&mut self, day: &Day, tie: Tie) -> Option<bool> {
        let placed = |v: usize| self.slot[v] != usize::MAX;
        match tie {
            Tie::Together(a, b) if placed(a) && placed(b) => {
                if day.slots[self.slot[a]].provider == day.slots[self.slot[b]].provider {
                    return None;
                }
                let s = self.start[a].max(self.start[b]);
                let moved = self.start[a] != s || self.start[b] != s;
                (self.start[a], self.start[b]) = (s, s);
                Some(moved)
            }
            Tie::Sequence {
                a,
                b,
                min,
                max,
                who,
            } if placed(a) && placed(b) => {
                let same = day.slots[self.slot[a]].provider == day.slots[self.slot[b]].provider;
                let ok = match who {
                    LinkProvider::Any => true,
                    LinkProvider::Same => same,
                    LinkProvider::Different => !same,
                };
                if !ok {
                    return None;
                }
                let mut moved = false;
                if self.start[b] < self.start[a] + min {
                    self.start[b] = self.start[a] + min;
                    moved = true;
                }
                if self.start[a] < self.start[b] - max {
                    self.start[a] = self.start[b] - max;
                    moved = true;
                }
                Some(moved)
            }
            _ => Some(false),
        }
    }

    /// Lateness (sum, largest) of the placed visits at their least starts.
    fn lateness(&self, day: &Day) -> (i64, i64) {
        let (mut sum, mut max) = (0, 0);
        for (v, &k) in self.slot.iter().enumerate() {
            if k != usize::MAX && day.late_from[v] < i64::MAX {
                let l = (self.start[v] - day.late_from[v]).max(0);
                sum += l;
                max = max.max(l);
            }
        }
        (sum, max)
    }
}

/// The branch and bound's state: the day, the plan being built, the best plan known.
struct Bnb<'a> {
    problem: &'a Problem,
    day: &'a Day,
    plan: Partial,
    best_cost: i64,
    best: Option<Vec<Vec<usize>>>,
    nodes: u64,
    /// Nodes it may take.
    budget: u64,
    /// Visits not placed yet.
    left: usize,
    /// Set when the search stopped before it closed (nodes or deadline).
    gave_up: bool,
    /// Set when the deadline stopped it.
    timed_out: bool,
    deadline: Instant,
}

impl<'a> Bnb<'a> {
    /// A search of `day` with nothing placed, `best_cost` the cost to beat, at most
    /// `budget` nodes.
    fn new(
        problem: &'a Problem,
        day: &'a Day,
        best_cost: i64,
        deadline: Instant,
        budget: u64,
    ) -> Self {
        let m = day.m();
        Bnb {
            problem,
            day,
            plan: Partial {
                routes: vec![Vec::new(); day.slots.len()],
                slot: vec![usize::MAX; m],
                start: vec![0; m],
            },
            best_cost,
            best: None,
            nodes: 0,
            budget,
            left: m,
            gave_up: false,
            timed_out: false,
            deadline,
        }
    }

    /// Searches the branch of the root where the first shift's route begins with
    /// `first` (`None`: stays empty).
    fn root(&mut self, first: Option<usize>) {
        let day = self.day;
        match first {
            None => self.branch(1, 0, 0),
            Some(v) => {
                self.plan.routes[0].push(v);
                self.plan.slot[v] = 0;
                self.left -= 1;
                let leg = day.t(0, day.m(), v);
                if self.plan.append(day, 0, day.shift[0].0 + leg) {
                    self.branch(0, 0, leg);
                }
            }
        }
    }

    /// Extends the plan with slot `k`'s route open: `open` its travel so far, `closed`
    /// the travel of the routes before it.
    fn branch(&mut self, k: usize, closed: i64, open: i64) {
        self.nodes += 1;
        if self.nodes % 4096 == 0 && Instant::now() >= self.deadline {
            self.timed_out = true;
        }
        self.gave_up |= self.timed_out || self.nodes >= self.budget;
        if self.gave_up {
            return;
        }
        let day = self.day;
        let Some(bound) = self.bound(k, closed + open) else {
            return;
        };
        if bound >= self.best_cost {
            return;
        }
        let last = self.plan.routes[k].last().copied();
        let back = last.map_or(0, |u| day.t(k, u, day.m() + 1));
        if self.left == 0 {
            self.leaf(closed + open + back);
            return;
        }
        let last = last.unwrap_or(day.m());
        // Soonest start first: with windows, routes run in time order.
        let end = match self.plan.routes[k].last() {
            Some(&u) => self.plan.start[u] + day.dur[u],
            None => day.shift[k].0,
        };
        let mut next = [(0, 0); MAX_NEEDS];
        let mut len = 0;
        for v in 0..day.m() {
            if self.plan.slot[v] == usize::MAX && day.qual[v] & (1 << k) != 0 {
                next[len] = ((end + day.t(k, last, v)).max(day.open[v]), v);
                len += 1;
            }
        }
        next[..len].sort_unstable();
        let mut saved = [0; MAX_NEEDS];
        saved[..day.m()].copy_from_slice(&self.plan.start);
        for &(_, v) in &next[..len] {
            self.plan.routes[k].push(v);
            self.plan.slot[v] = k;
            self.left -= 1;
            let leg = day.t(k, last, v);
            if self.plan.append(day, k, end + leg) {
                self.branch(k, closed, open + leg);
            }
            self.plan.routes[k].pop();
            self.plan.slot[v] = usize::MAX;
            self.left += 1;
            self.plan.start.copy_from_slice(&saved[..day.m()]);
        }
        if k + 1 < day.slots.len() {
            // Close this route; the next shift's begins.
            self.branch(k + 1, closed + open + back, 0);
        }
    }

    /// A lower bound on every completion's cost with slot `k` open and `travel` so
    /// far, or `None` when a visit still to place has no slot left.
    fn bound(&self, k: usize, travel: i64) -> Option<i64> {
        let day = self.day;
        let m = day.m();
        let last = self.plan.routes[k].last().copied();
        let mut more = 0;
        // The open route, begun, goes back to its end: from its last visit or from one
        // still to place that it may make (an arc into no visit).
        let mut back = last.map_or(0, |u| day.t(k, u, m + 1));
        for v in 0..m {
            if self.plan.slot[v] != usize::MAX {
                continue;
            }
            if last.is_some() && day.qual[v] & (1 << k) != 0 {
                back = back.min(day.t(k, v, m + 1));
            }
            let later = day.qual[v] >> k;
            if later == 0 {
                return None;
            }
            let mut best = i64::MAX;
            if later & 1 != 0 {
                best = day.t(k, last.unwrap_or(m), v);
            }
            for s in k + 1..day.slots.len() {
                if day.qual[v] & (1 << s) != 0 {
                    best = best.min(day.t(s, m, v));
                }
            }
            if let Some(&(t, _)) = day.into[v]
                .iter()
                .find(|&&(_, u)| self.plan.slot[u] == usize::MAX)
            {
                best = best.min(t);
            }
            more += if best == i64::MAX { 0 } else { best };
        }
        let (late, late_max) = self.plan.lateness(day);
        Some(self.cost(travel + more + back, late, late_max))
    }

    fn cost(&self, travel: i64, lateness: i64, max_lateness: i64) -> i64 {
        let t = Terms {
            travel,
            lateness,
            max_lateness,
            ..Terms::default()
        };
        objective::cost(self.problem, &t)
    }

    /// Every visit placed: the plan's cost with `travel`, kept when better.
    fn leaf(&mut self, travel: i64) {
        let (late, late_max) = self.plan.lateness(self.day);
        let cost = self.cost(travel, late, late_max);
        if cost < self.best_cost {
            self.best_cost = cost;
            self.best = Some(self.plan.routes.clone());
        }
    }
}

/// The day of `problem` as the polish sees it, when the polish applies to it.
pub(crate) fn day(problem: &Problem, cands: &Candidates) -> Option<Day> {
    Day::of(problem, cands)
}

/// The exact polish of `plan` on `day` (see [`day`]) when `plan` serves every need: a
/// better plan if there is one, and whether the plan left is proven optimal (the
/// search closed before `deadline`).
pub(crate) fn polish(
    problem: &Problem,
    day: &Day,
    plan: &Construction,
    deadline: Instant,
) -> Polish {
    if !plan.unassigned.is_empty() {
        return Polish {
            better: None,
            proven: false,
            timed_out: false,
        };
    }
    let score = plan.score(problem);
    // The root's branches side by side (the first visit of the first shift's route, or
    // none), each its own search of at most NODES nodes with the search's plan as the
    // best known: the result depends on the problem alone.
    let m = day.m();
    let mut firsts: Vec<(i64, usize)> = (0..m)
        .filter(|&v| day.qual[v] & 1 != 0)
        .map(|v| ((day.shift[0].0 + day.t(0, m, v)).max(day.open[v]), v))
        .collect();
    // Soonest start first, as within the search, so the likeliest branches begin first.
    firsts.sort_unstable();
    let firsts: Vec<Option<usize>> = firsts
        .into_iter()
        .map(|(_, v)| Some(v))
        .chain((day.slots.len() > 1).then_some(None))
        .collect();
    let runs: Vec<Bnb<'_>> = firsts
        .par_iter()
        .map(|&first| {
            let mut bnb = Bnb::new(problem, day, score.cost, deadline, NODES);
            bnb.root(first);
            bnb
        })
        .collect();
    let gave_up = runs.iter().any(|b| b.gave_up);
    let timed_out = runs.iter().any(|b| b.timed_out);
    // The cheapest, ties to the earlier branch.
    let best = runs
        .into_iter()
        .filter_map(|b| Some((b.best_cost, b.best?)))
        .min_by_key(|(c, _)| *c);
    let found = best.is_some();
    let better = best
        .and_then(|(_, routes)| rebuild(problem, day, plan, routes))
        .filter(|c| c.score(problem) > score);
    Polish {
        // Closed: the plan found is the best (when it passed the rules), or nothing
        // beats the search's.
        proven: !gave_up && (better.is_some() || !found),
        timed_out,
        better,
    }
}

/// The plan with the polish's `routes` (per slot of `day`), each rebuilt with its
/// linked visits fixed at their least starts; `None` unless every route is feasible
/// and keeps every rule.
fn rebuild(
    problem: &Problem,
    day: &Day,
    plan: &Construction,
    routes: Vec<Vec<usize>>,
) -> Option<Construction> {
    let m = day.m();
    let mut partial = Partial {
        slot: vec![usize::MAX; m],
        start: vec![0; m],
        routes: routes.clone(),
    };
    for (k, r) in routes.iter().enumerate() {
        for &v in r {
            partial.slot[v] = k;
        }
    }
    if !partial.schedule(day) {
        return None;
    }
    let mut out = plan.routes.clone();
    for route in &mut out {
        let stops = match day.slots.iter().position(|s| *s == route.slot) {
            Some(k) => routes[k]
                .iter()
                .map(|&v| StopState {
                    need: day.needs[v],
                    fixed: problem.need(day.needs[v]).link.map(|_| partial.start[v]),
                    within: None,
                })
                .collect(),
            None => Vec::new(),
        };
        *route = RouteState::with_stops(problem, route.slot, stops);
    }
    let placed: usize = out.iter().map(|r| r.stops().len()).sum();
    let b = Builder::from_routes(problem, out.clone());
    let ok = placed == m && (0..out.len()).all(|ri| out[ri].is_consistent() && b.holds(ri));
    ok.then_some(Construction {
        routes: out,
        unassigned: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The docs' small day: the aide (slot 0) and the nurse (slot 1, there from
    /// 6,000 s), care then medication 1,800–3,600 s later.
    fn day() -> (Problem, Day) {
        let p = Problem::from_json(
            br#"{
          "travel": {"metric": "euclidean", "speed": 1.0},
          "elders": [{"id": "a", "location": [0.0, 0.0]}],
          "needs": [
            {"id": "care", "elder": "a", "service": "personal_care", "duration": 600, "windows": [[0, 10000]]},
            {"id": "meds", "elder": "a", "service": "medication", "duration": 300, "windows": [[0, 10000]]}
          ],
          "providers": [
            {"id": "aide", "kind": "staff", "skills": ["personal_care"], "level": 2, "start": [0.0, 0.0], "shifts": [[0, 20000]]},
            {"id": "nurse", "kind": "staff", "skills": ["medication"], "level": 2, "start": [1000.0, 0.0], "shifts": [[5000, 20000]]}
          ],
          "links": [{"id": "l", "type": "sequence", "needs": ["care", "meds"], "min_gap": 1800, "max_gap": 3600}]
        }"#,
        )
        .expect("valid");
        let cands = Candidates::new(&p);
        let day = Day::of(&p, &cands).expect("a plain small day");
        (p, day)
    }

    fn partial(day: &Day, routes: Vec<Vec<usize>>) -> Partial {
        let mut slot = vec![usize::MAX; day.m()];
        for (k, r) in routes.iter().enumerate() {
            for &v in r {
                slot[v] = k;
            }
        }
        Partial {
            routes,
            slot,
            start: vec![0; day.m()],
        }
    }

    #[test]
    fn the_least_schedule_makes_a_first_visit_wait_for_its_second() {
        let (_, day) = day();
        // Alone, the care starts at once.
        let mut one = partial(&day, vec![vec![0], vec![]]);
        assert!(one.schedule(&day));
        assert_eq!(one.start[0], 0);
        // With the medication placed, it waits until 6,000 − 3,600.
        let mut both = partial(&day, vec![vec![0], vec![1]]);
        assert!(both.schedule(&day));
        assert_eq!((both.start[0], both.start[1]), (2_400, 6_000));
        // A nurse who could only come after 2,400 + 3,600 + 10,000 − 6,000: no schedule.
        let mut late = day;
        late.hard[0] = 2_000;
        assert!(!partial(&late, vec![vec![0], vec![1]]).schedule(&late));
    }

    #[test]
    fn the_polish_proves_the_small_day() {
        let (p, _) = day();
        let plan = crate::solve::solve(&p).expect("solves");
        assert!(plan.summary.search.as_ref().is_some_and(|s| s.optimal));
        // The nurse's way there and back: nothing cheaper serves both.
        assert_eq!(plan.summary.objective.cost, Some(2_000));
    }
}
