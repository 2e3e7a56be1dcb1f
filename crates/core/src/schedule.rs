//! Routes under construction: one per provider shift, with O(1) insertion checks.
//!
//! A [`RouteState`] keeps, for every stop, the earliest start `e[i]` (forward pass:
//! leave the shift start at its opening, start each visit as early as its windows
//! allow) and the latest start `l[i]` (backward pass: the latest start from which every
//! later stop and the return to `end` by the shift's close remain feasible). Because
//! starting earlier never hurts later stops, a visit `x` can go between stops `i` and
//! `i+1` exactly when some `t` in its windows satisfies
//! `e[i] + d[i] + travel(i, x) <= t <= l[i+1] - travel(x, i+1) - d[x]`.
//!
//! Stops may be *fixed* at one start (pinned or synchronised two-carer visits): their
//! window is that single second, so nothing later moves them.

use std::borrow::Cow;

use crate::feasibility::{allowed_starts, Slot};
use crate::model::{earliest_in, latest_in, NeedIdx, Problem, ProviderIdx, Window};
use crate::travel::Point;
use crate::wire;

/// One visit in a [`RouteState`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopState {
    /// The need visited.
    pub need: NeedIdx,
    /// The start this stop is fixed at, if any.
    pub fixed: Option<i64>,
}

/// A feasible way to insert one visit into a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insertion {
    /// Position in the stop list (0 = first).
    pub pos: usize,
    /// Added travel seconds.
    pub delta: i64,
    /// Earliest feasible start.
    pub earliest: i64,
    /// Latest feasible start.
    pub latest: i64,
}

/// A provider shift's route with its forward / backward time bounds.
#[derive(Debug, Clone)]
pub struct RouteState {
    /// The provider shift.
    pub slot: Slot,
    /// Shift bounds.
    pub shift: Window,
    stops: Vec<StopState>,
    e: Vec<i64>,
    l: Vec<i64>,
    /// Travel seconds of the route (0 when empty: an unused shift travels nowhere).
    pub travel: i64,
    /// Service seconds.
    pub service: i64,
    /// Summed load.
    pub load: i64,
}

impl RouteState {
    /// An empty route for `slot`.
    pub fn new(problem: &Problem, slot: Slot) -> Self {
        Self {
            slot,
            shift: problem.provider(slot.provider).shifts[slot.shift as usize],
            stops: Vec::new(),
            e: Vec::new(),
            l: Vec::new(),
            travel: 0,
            service: 0,
            load: 0,
        }
    }

    /// The stops, in order.
    pub fn stops(&self) -> &[StopState] {
        &self.stops
    }

    /// The provider.
    pub fn provider(&self) -> ProviderIdx {
        self.slot.provider
    }

    fn windows<'a>(&self, problem: &'a Problem, s: &StopState) -> Cow<'a, [Window]> {
        match s.fixed {
            Some(t) => Cow::Owned(vec![Window { open: t, close: t }]),
            None => allowed_starts(problem, s.need),
        }
    }

    fn loc<'a>(&self, problem: &'a Problem, i: usize) -> &'a Point {
        problem.need_location(self.stops[i].need)
    }

    /// Feasible insertions of `n` (start restricted to `fixed` when given), cheapest
    /// first, at most `keep` of them (all when `keep` is 0).
    pub fn insertions(
        &self,
        problem: &Problem,
        n: NeedIdx,
        fixed: Option<i64>,
        keep: usize,
    ) -> Vec<Insertion> {
        let p = self.slot.provider;
        let prov = problem.provider(p);
        let need = problem.need(n);
        let here = problem.need_location(n);
        let windows: Cow<[Window]> = match fixed {
            Some(t) => Cow::Owned(vec![Window { open: t, close: t }]),
            None => allowed_starts(problem, n),
        };
        let mut out = Vec::new();
        for pos in 0..=self.stops.len() {
            let (prev_loc, prev_end) = if pos == 0 {
                (&prov.start, self.shift.open)
            } else {
                let i = pos - 1;
                (
                    self.loc(problem, i),
                    self.e[i] + problem.need(self.stops[i].need).duration,
                )
            };
            let (next_loc, next_latest) = if pos == self.stops.len() {
                (&prov.end, self.shift.close)
            } else {
                (self.loc(problem, pos), self.l[pos])
            };
            let to = problem.travel_time(p, prev_loc, here);
            let Some(earliest) = earliest_in(&windows, prev_end + to) else {
                continue;
            };
            let from = problem.travel_time(p, here, next_loc);
            let Some(latest) = latest_in(&windows, next_latest - from - need.duration) else {
                continue;
            };
            if earliest > latest {
                continue;
            }
            let delta = if self.stops.is_empty() {
                to + from
            } else {
                to + from - problem.travel_time(p, prev_loc, next_loc)
            };
            out.push(Insertion {
                pos,
                delta,
                earliest,
                latest,
            });
        }
        out.sort_by_key(|i| (i.delta, i.pos));
        if keep > 0 {
            out.truncate(keep);
        }
        out
    }

    /// Inserts `n` at `pos` (fixed at `fixed` when given) and recomputes the bounds.
    /// The caller must have obtained `pos` from [`RouteState::insertions`].
    pub fn insert(&mut self, problem: &Problem, n: NeedIdx, pos: usize, fixed: Option<i64>) {
        self.stops.insert(pos, StopState { need: n, fixed });
        let need = problem.need(n);
        self.service += need.duration;
        self.load += need.load;
        self.recompute(problem);
    }

    fn recompute(&mut self, problem: &Problem) {
        let p = self.slot.provider;
        let prov = problem.provider(p);
        let len = self.stops.len();
        self.e.resize(len, 0);
        self.l.resize(len, 0);
        let mut loc = &prov.start;
        let mut t = self.shift.open;
        let mut travel = 0;
        for i in 0..len {
            let here = self.loc(problem, i);
            let leg = problem.travel_time(p, loc, here);
            travel += leg;
            let w = self.windows(problem, &self.stops[i]);
            // Feasible by construction; saturate rather than panic if a caller erred.
            self.e[i] = earliest_in(&w, t + leg).unwrap_or(i64::MAX / 4);
            t = self.e[i] + problem.need(self.stops[i].need).duration;
            loc = here;
        }
        if len > 0 {
            travel += problem.travel_time(p, loc, &prov.end);
        }
        self.travel = travel;
        let mut loc = &prov.end;
        let mut t = self.shift.close;
        for i in (0..len).rev() {
            let here = self.loc(problem, i);
            let w = self.windows(problem, &self.stops[i]);
            let bound =
                t - problem.travel_time(p, here, loc) - problem.need(self.stops[i].need).duration;
            self.l[i] = latest_in(&w, bound).unwrap_or(i64::MIN / 4);
            t = self.l[i];
            loc = here;
        }
    }

    /// Whether every stop's earliest start is within its latest start.
    pub fn is_consistent(&self) -> bool {
        self.e.iter().zip(&self.l).all(|(e, l)| e <= l)
    }

    /// The route on the wire: stops at their earliest starts, leaving the shift start
    /// just in time for the first visit.
    pub fn to_wire(&self, problem: &Problem) -> wire::Route {
        let p = self.slot.provider;
        let prov = problem.provider(p);
        let mut stops = Vec::with_capacity(self.stops.len());
        let mut loc = &prov.start;
        let first_leg = self.stops.first().map_or(0, |s| {
            problem.travel_time(p, &prov.start, problem.need_location(s.need))
        });
        let depart = self.e.first().map_or(self.shift.open, |&e| e - first_leg);
        let mut t = depart;
        for (i, s) in self.stops.iter().enumerate() {
            let here = problem.need_location(s.need);
            let arrival = t + problem.travel_time(p, loc, here);
            let need = problem.need(s.need);
            let start = self.e[i];
            stops.push(wire::Stop {
                need: need.id.clone(),
                elder: problem.elder(need.elder).id.clone(),
                arrival,
                start,
                end: start + need.duration,
            });
            t = start + need.duration;
            loc = here;
        }
        let ret = t + problem.travel_time(p, loc, &prov.end);
        wire::Route {
            provider: prov.id.clone(),
            shift: self.slot.shift as usize,
            depart,
            return_: ret,
            stops,
            travel: self.travel,
            service: self.service,
            load: self.load,
        }
    }

    /// The start time of stop `i` in the plan.
    pub fn start_of(&self, i: usize) -> i64 {
        self.e[i]
    }
}
