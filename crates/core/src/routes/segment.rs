//! Moves evaluated on a route's segment data, for the local search.
//!
//! A route keeps, for every stop, its earliest start `e` (forward) and its latest start
//! `l` (backward) and the legs between stops. A move that keeps a prefix of a route
//! and a suffix of it (or of another route of the same travel profile) and puts `k`
//! visits in between is checked in O(k): leave the last kept stop at `e + duration`,
//! walk the `k` visits (each at the earliest start its windows allow), and arrive at
//! the first kept stop of the suffix by its `l` (or back at the end by the shift's
//! close). Starting earlier never hurts later stops, so this is exact. The travel
//! change is exact too, from the legs. Relocate, swap and or-opt use [`RouteState::gap`]
//! with `k` = 1, 1 and up to 3; 2-opt* joins a prefix to another route's suffix
//! ([`RouteState::join`]).

use super::route::stop_windows;
use super::{RouteState, StopState};
use crate::model::Slot;
use crate::model::{earliest_in, Problem, Window};

impl RouteState {
    /// Where the route stands after stop `after` (`None`: at the shift start): the
    /// place and the earliest time the carer can leave it.
    fn leave(&self, problem: &Problem, after: Option<usize>) -> (u32, i64) {
        match after {
            None => (problem.ends_of(self.slot.provider).0, self.shift.open),
            Some(a) => (
                self.loc(a),
                self.e[a] + problem.need(self.stops()[a].need).duration,
            ),
        }
    }

    /// The stops strictly between `after` and `before` (`None`: the shift's start, the
    /// end) replaced by the visits `seg`, in order, each keeping to its own starts (a
    /// visit of a series to its part of a window): the travel from `after` to
    /// `before` then, or `None` when that is infeasible (windows, the rest of the
    /// route, the shift). O(`seg.len()`). The prefix up to `after` and the suffix from
    /// `before` must be this route's, unchanged.
    pub(crate) fn gap(
        &self,
        problem: &Problem,
        after: Option<usize>,
        before: Option<usize>,
        seg: &[StopState],
    ) -> Option<i64> {
        if !self.brk.is_empty() {
            return self.gap_breaks(problem, after, before, seg);
        }
        let p = self.slot.provider;
        let (mut loc, mut t) = self.leave(problem, after);
        let mut travel = 0;
        let mut buf = [Window { open: 0, close: 0 }];
        for stop in seg {
            let n = stop.need;
            let windows = stop_windows(problem, stop, &mut buf);
            // Too late even with no travel: no need to compute the leg.
            if windows.last().is_none_or(|w| t > w.close) {
                return None;
            }
            let here = problem.place_of(n);
            let leg = problem.time(p, loc, here);
            let s = earliest_in(windows, t + leg)?;
            travel += leg;
            t = s + problem.need(n).duration;
            loc = here;
        }
        let (next, latest) = match before {
            Some(b) => (self.loc(b), self.l[b]),
            None => (problem.ends_of(p).1, self.shift.close),
        };
        if t > latest {
            return None;
        }
        let leg = problem.time(p, loc, next);
        (t + leg <= latest).then_some(travel + leg)
    }

    /// Travel of the legs from stop `after` to stop `before` as the route is now
    /// (`None`: the shift's start, the end).
    pub(crate) fn legs_between(&self, after: Option<usize>, before: Option<usize>) -> i64 {
        let from = after.map_or(0, |a| a + 1);
        let to = before.unwrap_or(self.stops().len());
        self.legs[from..=to].iter().sum()
    }

    /// This route's stops up to `after` (`None`: none), then `other`'s from `from` on,
    /// driven by this route's provider: the travel of the joined route, or `None` when
    /// infeasible. O(1) when both routes have one travel profile (`same_profile`: the
    /// same speed, end and shift close, so `other`'s legs and latest starts hold);
    /// otherwise the suffix is walked.
    pub(crate) fn join(
        &self,
        problem: &Problem,
        after: Option<usize>,
        other: &RouteState,
        from: usize,
        same_profile: bool,
    ) -> Option<i64> {
        let head: i64 = after.map_or(0, |a| self.legs[..=a].iter().sum());
        if from >= other.stops().len() {
            return self.gap(problem, after, None, &[]).map(|t| head + t);
        }
        // With breaks, the other route's latest starts hold for the same breaks only.
        if same_profile && !self.brk.is_empty() && self.brk == other.brk {
            return self.join_breaks(problem, after, other, from);
        }
        if same_profile && self.brk.is_empty() && other.brk.is_empty() {
            let p = self.slot.provider;
            let (loc, t) = self.leave(problem, after);
            let leg = problem.time(p, loc, other.loc(from));
            let rest = other.legs[from + 1..].iter().sum::<i64>();
            return (t + leg <= other.l[from]).then_some(head + leg + rest);
        }
        self.gap(problem, after, None, &other.stops()[from..])
            .map(|t| head + t)
    }

    /// Load and service of the stops before `upto` (exclusive). O(`upto`).
    pub(crate) fn prefix(&self, problem: &Problem, upto: usize) -> (i64, i64) {
        self.stops()[..upto].iter().fold((0, 0), |(l, s), x| {
            let need = problem.need(x.need);
            (l + need.load, s + need.duration)
        })
    }

    /// Whether stop `i` may leave this route: not fixed (a pinned or synchronised
    /// visit keeps its place; a visit of a series moves, keeping to its part of a
    /// window).
    pub(crate) fn movable(&self, i: usize) -> bool {
        self.stops()[i].is_free()
    }

    /// Whether every stop from `from` on may leave this route.
    pub(crate) fn movable_from(&self, from: usize) -> bool {
        self.stops()[from..].iter().all(|s| s.is_free())
    }

    /// The route of `slot` (its provider driving) visiting `stops`, with every stop at
    /// its earliest start; `None` when that breaks a window or the shift. O(len).
    pub(crate) fn rebuilt(problem: &Problem, slot: Slot, stops: Vec<StopState>) -> Option<Self> {
        let r = Self::with_stops(problem, slot, stops);
        r.is_consistent().then_some(r)
    }
}
