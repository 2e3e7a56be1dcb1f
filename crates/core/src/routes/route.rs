//! One route under construction, with O(1) insertion checks.
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

use crate::model::{earliest_in, latest_in, NeedIdx, Problem, ProviderIdx, Slot, Window};
use crate::wire;

/// The start times a stop may take: its fixed start (written into `buf`), or its
/// need's allowed starts.
pub(super) fn stop_windows<'a>(
    problem: &'a Problem,
    s: &StopState,
    buf: &'a mut [Window; 1],
) -> &'a [Window] {
    match (s.fixed, s.within) {
        (Some(t), _) => {
            buf[0] = Window { open: t, close: t };
            buf
        }
        (None, Some(w)) => {
            buf[0] = w;
            buf
        }
        (None, None) => match problem.allowed_starts(s.need) {
            Cow::Borrowed(w) => w,
            Cow::Owned(w) => {
                buf[0] = w[0];
                buf
            }
        },
    }
}

/// Provider `p`'s travel times from place `here`, read from one row of the table
/// when it has one.
pub(super) fn from_place(problem: &Problem, p: ProviderIdx, here: u32) -> impl Fn(u32) -> i64 + '_ {
    let row = problem.times_from(p, here);
    move |x: u32| match row.and_then(|r| r.get(x as usize)) {
        Some(&t) if t != crate::model::FAR => i64::from(t),
        _ => problem.time(p, here, x),
    }
}

/// The parts of `windows` inside `w`.
pub(crate) fn restrict(windows: &[Window], w: Window) -> Vec<Window> {
    windows
        .iter()
        .filter(|x| x.open <= w.close && w.open <= x.close)
        .map(|x| Window {
            open: x.open.max(w.open),
            close: x.close.min(w.close),
        })
        .collect()
}

/// One visit in a [`RouteState`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopState {
    /// The need visited.
    pub need: NeedIdx,
    /// The start this stop is fixed at, if any.
    pub fixed: Option<i64>,
    /// The part of one of its need's windows its start keeps to, if any: a visit of a
    /// series, whose siblings were placed knowing it (the series rule).
    pub within: Option<Window>,
}

impl StopState {
    /// Whether the local search may move this stop on its own: not fixed. A visit
    /// kept to part of a window moves with it: every move times it there.
    pub fn is_free(&self) -> bool {
        self.fixed.is_none()
    }
}

/// A feasible way to insert one visit into a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insertion {
    /// Position in the stop list (0 = first).
    pub pos: usize,
    /// Added travel seconds.
    pub delta: i64,
    /// Added cost (level 3 of the objective) at the earliest start, once the builder
    /// has priced it; the travel until then.
    pub cost: i64,
    /// Earliest feasible start.
    pub earliest: i64,
    /// Latest feasible start.
    pub latest: i64,
}

/// A place in a route for a visit, before the visit's windows are applied
/// ([`RouteState::each_frame`]): where it goes, the travel it adds, when the carer
/// could be there at the earliest, and the latest start that still lets the route go on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pos: usize,
    delta: i64,
    arrive: i64,
    leave_by: i64,
}

impl Frame {
    /// The insertion at this place starting within `windows` (sorted, disjoint), priced
    /// at its added travel; `None` when no start fits.
    pub(crate) fn within(&self, windows: &[Window]) -> Option<Insertion> {
        let earliest = earliest_in(windows, self.arrive)?;
        let latest = latest_in(windows, self.leave_by)?;
        (earliest <= latest).then_some(Insertion {
            pos: self.pos,
            delta: self.delta,
            cost: self.delta,
            earliest,
            latest,
        })
    }

    /// The travel the visit adds here.
    pub(crate) fn delta(&self) -> i64 {
        self.delta
    }
}

/// A stop's place and its visit's duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Spot {
    place: u32,
    duration: i64,
}

impl Spot {
    fn of(problem: &Problem, n: NeedIdx) -> Self {
        Spot {
            place: problem.place_of(n),
            duration: problem.need(n).duration,
        }
    }
}

/// A provider shift's route with its forward / backward time bounds.
#[derive(Debug)]
pub struct RouteState {
    /// The provider shift.
    pub slot: Slot,
    /// Shift bounds.
    pub shift: Window,
    stops: Vec<StopState>,
    /// Where each stop is and how long its visit takes, beside the stops: what the
    /// insertion checks read at every position, without a look into the needs.
    spots: Vec<Spot>,
    /// Earliest start of every stop.
    pub(super) e: Vec<i64>,
    /// Latest start of every stop that keeps the rest of the route feasible.
    pub(super) l: Vec<i64>,
    /// `legs[i]`: travel into stop `i` (from the shift start for the first);
    /// `legs[len]`: back to `end`. Empty when the route is.
    pub(super) legs: Vec<i64>,
    /// Travel seconds of the route (0 when empty: an unused shift travels nowhere).
    pub travel: i64,
    /// Service seconds.
    pub service: i64,
    /// Summed load.
    pub load: i64,
    /// Seconds of lateness, summed over the stops at their earliest starts (soft
    /// windows; 0 when the problem has none).
    pub late: i64,
    /// The largest lateness of a stop.
    pub late_max: i64,
    /// The breaks of the shift (`breaks.rs`); empty for most carers, whose timing is
    /// `e` and `l` alone.
    pub(super) brk: Vec<crate::model::Break>,
    /// With breaks: per stop and count of breaks taken before it, the earliest start
    /// (`eb`) and the latest that lets the rest finish (`lb`), row-major.
    pub(super) eb: Vec<i64>,
    pub(super) lb: Vec<i64>,
    /// With breaks: the breaks the schedule has taken before each stop.
    pub(super) taken: Vec<u8>,
}

/// A copy; [`Clone::clone_from`] reuses the target's buffers (the search copies
/// routes into the ones it saved before, thousands of times a second).
impl Clone for RouteState {
    fn clone(&self) -> Self {
        let mut copy = RouteState::empty(self.slot, self.shift, Vec::new());
        copy.clone_from(self);
        copy
    }

    fn clone_from(&mut self, src: &Self) {
        // Every field named, so that a new one cannot be left out.
        let RouteState {
            slot,
            shift,
            stops,
            spots,
            e,
            l,
            legs,
            travel,
            service,
            load,
            late,
            late_max,
            brk,
            eb,
            lb,
            taken,
        } = src;
        self.slot = *slot;
        self.shift = *shift;
        self.stops.clone_from(stops);
        self.spots.clone_from(spots);
        self.e.clone_from(e);
        self.l.clone_from(l);
        self.legs.clone_from(legs);
        self.travel = *travel;
        self.service = *service;
        self.load = *load;
        self.late = *late;
        self.late_max = *late_max;
        self.brk.clone_from(brk);
        self.eb.clone_from(eb);
        self.lb.clone_from(lb);
        self.taken.clone_from(taken);
    }
}

impl RouteState {
    /// An empty route for `slot`.
    pub fn new(problem: &Problem, slot: Slot) -> Self {
        let shift = problem.provider(slot.provider).shifts[slot.shift as usize];
        Self::empty(slot, shift, problem.breaks_of(slot))
    }

    /// A route of `slot` over `shift` with breaks `brk` and no stops.
    fn empty(slot: Slot, shift: Window, brk: Vec<crate::model::Break>) -> Self {
        Self {
            slot,
            shift,
            stops: Vec::new(),
            spots: Vec::new(),
            e: Vec::new(),
            l: Vec::new(),
            legs: Vec::new(),
            travel: 0,
            service: 0,
            load: 0,
            late: 0,
            late_max: 0,
            brk,
            eb: Vec::new(),
            lb: Vec::new(),
            taken: Vec::new(),
        }
    }

    /// The route of `slot` visiting `stops` in order (e.g. read back from a plan);
    /// check [`RouteState::is_consistent`] before trusting it.
    pub fn with_stops(problem: &Problem, slot: Slot, stops: Vec<StopState>) -> Self {
        let mut r = Self::new(problem, slot);
        for s in &stops {
            let need = problem.need(s.need);
            r.service += need.duration;
            r.load += need.load;
        }
        r.spots = stops.iter().map(|s| Spot::of(problem, s.need)).collect();
        r.stops = stops;
        r.recompute(problem);
        r
    }

    /// The stops, in order.
    pub fn stops(&self) -> &[StopState] {
        &self.stops
    }

    /// The provider.
    pub fn provider(&self) -> ProviderIdx {
        self.slot.provider
    }

    /// The route's figures, as the rules beyond its timing read them.
    pub(crate) fn figures(&self) -> super::proposal::Figures {
        super::proposal::Figures {
            visits: self.stops.len() as i64,
            travel: self.travel,
            service: self.service,
            load: self.load,
            late: self.late,
            late_max: self.late_max,
        }
    }

    /// How long stop `i`'s visit takes.
    #[inline]
    pub(super) fn dur(&self, i: usize) -> i64 {
        self.spots[i].duration
    }

    /// The place of stop `i`.
    #[inline]
    pub(super) fn loc(&self, i: usize) -> u32 {
        self.spots[i].place
    }

    /// Calls `f` with every feasible insertion of `n` (its start restricted to
    /// `within` when given), in position order, without allocating (unless
    /// restricted).
    pub fn each_insertion(
        &self,
        problem: &Problem,
        n: NeedIdx,
        within: Option<Window>,
        f: impl FnMut(Insertion),
    ) {
        // Borrowed (no allocation) unless restricted.
        let windows: Cow<[Window]> = match within {
            Some(w) => Cow::Owned(restrict(&problem.allowed_starts(n), w)),
            None => problem.allowed_starts(n),
        };
        self.each_insertion_in(problem, n, &windows, f);
    }

    /// Calls `f` with every feasible insertion of `n` starting in `windows` (sorted,
    /// disjoint; the caller's restriction of the need's allowed starts), in position
    /// order.
    pub(crate) fn each_insertion_in(
        &self,
        problem: &Problem,
        n: NeedIdx,
        windows: &[Window],
        mut f: impl FnMut(Insertion),
    ) {
        let (Some(first), Some(last)) = (windows.first(), windows.last()) else {
            return;
        };
        if !self.brk.is_empty() {
            return self.each_insertion_breaks(problem, n, windows, &mut f);
        }
        self.each_frame(problem, n, (first.open, last.close), |fr| {
            if let Some(i) = fr.within(windows) {
                f(i);
            }
        });
    }

    /// Calls `f` with every place of the route where a visit of `n` could start
    /// within `span` (the first open and last close of its starts), before its
    /// windows are applied ([`Frame::within`]), in position order; none on a route with
    /// breaks (see [`RouteState::each_insertion_in`]).
    pub(crate) fn each_frame(
        &self,
        problem: &Problem,
        n: NeedIdx,
        (open, close): (i64, i64),
        mut f: impl FnMut(Frame),
    ) {
        if !self.brk.is_empty() {
            return;
        }
        let p = self.slot.provider;
        let (start, end) = problem.ends_of(p);
        let need = problem.need(n);
        let here = problem.place_of(n);
        let len = self.stops.len();
        // Latest starts only grow along the route: before `lo`, the next stop (or the
        // return) leaves no time for the visit whatever the travel.
        let lo = self.l.partition_point(|&l| l - need.duration < open);
        let symmetric = problem.symmetric_travel();
        // With symmetric travel, every time this scan needs is from the visit's place:
        // one row of the table.
        let from_here = from_place(problem, p, here);
        // Travel from the visit to the previous position's next stop: with symmetric
        // travel, this position's travel to the visit.
        let mut carry: Option<(usize, i64)> = None;
        for pos in lo..=len {
            let (prev_loc, prev_end) = if pos == 0 {
                (start, self.shift.open)
            } else {
                let i = pos - 1;
                (self.loc(i), self.e[i] + self.spots[i].duration)
            };
            // Ends of earlier stops only grow along the route: from here on, the
            // visit would start after its last window whatever the travel.
            if prev_end > close {
                break;
            }
            let (next_loc, next_latest) = if pos == len {
                (end, self.shift.close)
            } else {
                (self.loc(pos), self.l[pos])
            };
            let to = match carry {
                Some((at, t)) if at == pos => t,
                _ if symmetric => from_here(prev_loc),
                _ => problem.time(p, prev_loc, here),
            };
            let from = from_here(next_loc);
            if symmetric {
                carry = Some((pos + 1, from));
            }
            let delta = if len == 0 {
                to + from
            } else {
                to + from - self.legs[pos]
            };
            f(Frame {
                pos,
                delta,
                arrive: prev_end + to,
                leave_by: next_latest - from - need.duration,
            });
        }
    }

    /// Inserts `n` at `pos` (fixed at `fixed` when given) and updates the bounds.
    /// The caller must have obtained `pos` from [`RouteState::insertions`].
    ///
    /// Only what the visit changes is recomputed: two legs, earliest starts from `pos`
    /// on until one comes out as before, latest starts from `pos` back likewise.
    pub fn insert(&mut self, problem: &Problem, n: NeedIdx, pos: usize, fixed: Option<i64>) {
        let stop = StopState {
            need: n,
            fixed,
            within: None,
        };
        self.insert_stop(problem, stop, pos);
    }

    /// Inserts `stop` (fixed or kept within part of a window as it says) at `pos`; see
    /// [`RouteState::insert`].
    pub(crate) fn insert_stop(&mut self, problem: &Problem, stop: StopState, pos: usize) {
        let n = stop.need;
        let p = self.slot.provider;
        let (start, end) = problem.ends_of(p);
        self.stops.insert(pos, stop);
        self.spots.insert(pos, Spot::of(problem, n));
        let need = problem.need(n);
        self.service += need.duration;
        self.load += need.load;
        let here = problem.place_of(n);
        let len = self.stops.len();
        let prev = if pos == 0 { start } else { self.loc(pos - 1) };
        let next = if pos + 1 == len {
            end
        } else {
            self.loc(pos + 1)
        };
        let legs = [problem.time(p, prev, here), problem.time(p, here, next)];
        let old = if len == 1 { 0 } else { self.legs[pos] };
        let replaced = if len == 1 { 0..0 } else { pos..pos + 1 };
        self.legs.splice(replaced, legs);
        self.travel += legs[0] + legs[1] - old;
        self.e.insert(pos, 0);
        self.l.insert(pos, 0);
        if self.brk.is_empty() {
            self.forward_from(problem, pos);
            self.backward_from(problem, pos);
        } else {
            self.retime_breaks(problem, pos, false);
        }
        self.tally_lateness(problem);
        self.debug_assert_fresh(problem);
    }

    /// Removes the stop at `pos` and updates the bounds. When travel times break the
    /// triangle inequality (a matrix may), the shortcut can be slower than the detour
    /// and the route infeasible: callers check [`RouteState::is_consistent`].
    pub fn remove(&mut self, problem: &Problem, pos: usize) -> StopState {
        let p = self.slot.provider;
        let (start, end) = problem.ends_of(p);
        let s = self.stops.remove(pos);
        self.spots.remove(pos);
        let need = problem.need(s.need);
        self.service -= need.duration;
        self.load -= need.load;
        self.e.remove(pos);
        self.l.remove(pos);
        let len = self.stops.len();
        let old = self.legs[pos] + self.legs[pos + 1];
        if len == 0 {
            self.legs.clear();
            self.travel = 0;
            self.time_breaks_if_any(problem);
        } else if !self.brk.is_empty() {
            let prev = if pos == 0 { start } else { self.loc(pos - 1) };
            let next = if pos == len { end } else { self.loc(pos) };
            let leg = problem.time(p, prev, next);
            self.legs.splice(pos..pos + 2, [leg]);
            self.travel += leg - old;
            self.retime_breaks(problem, pos, true);
        } else {
            let prev = if pos == 0 { start } else { self.loc(pos - 1) };
            let next = if pos == len { end } else { self.loc(pos) };
            let leg = problem.time(p, prev, next);
            self.legs.splice(pos..pos + 2, [leg]);
            self.travel += leg - old;
            self.forward_from(problem, pos);
            if pos > 0 {
                self.backward_from(problem, pos - 1);
            }
        }
        self.tally_lateness(problem);
        self.debug_assert_fresh(problem);
        s
    }

    /// Sums the stops' lateness at their earliest starts (nothing to do without soft
    /// windows). O(len).
    fn tally_lateness(&mut self, problem: &Problem) {
        if !problem.has_soft_windows() {
            return;
        }
        let (mut sum, mut max) = (0i64, 0);
        for (s, &e) in self.stops.iter().zip(&self.e) {
            // Saturating: a route being rebuilt may be infeasible (a start past every
            // window, far out), and is then thrown away by its caller.
            let late = problem.lateness(s.need, e);
            sum = sum.saturating_add(late);
            max = late.max(max);
        }
        self.late = sum;
        self.late_max = max;
    }

    /// What inserting `n` at `pos`, starting at `start` (between the insertion's
    /// earliest and latest), does to the lateness: the added sum, and the route's
    /// largest lateness then. O(k): the later stops are pushed only until one keeps
    /// its start (lateness only grows when starts do, so the old largest one stands).
    pub fn late_after(&self, problem: &Problem, n: NeedIdx, pos: usize, start: i64) -> (i64, i64) {
        if !problem.has_soft_windows() {
            return (0, 0);
        }
        if !self.brk.is_empty() {
            // The breaks may move to other legs: time the route with the visit.
            let mut r = self.clone();
            r.insert(problem, n, pos, Some(start));
            return (r.late - self.late, r.late_max);
        }
        let own = problem.lateness(n, start);
        let (mut added, mut max) = (own, self.late_max.max(own));
        let p = self.slot.provider;
        let mut t = start + problem.need(n).duration;
        let mut loc = problem.place_of(n);
        let mut buf = [Window { open: 0, close: 0 }];
        for i in pos..self.stops.len() {
            let here = self.loc(i);
            let leg = if i == pos {
                problem.time(p, loc, here)
            } else {
                self.legs[i]
            };
            let w = stop_windows(problem, &self.stops[i], &mut buf);
            let e = earliest_in(w, t + leg).unwrap_or(i64::MAX / 4);
            if e == self.e[i] {
                break;
            }
            let (old, new) = (
                problem.lateness(self.stops[i].need, self.e[i]),
                problem.lateness(self.stops[i].need, e),
            );
            added += new - old;
            max = max.max(new);
            t = e + self.spots[i].duration;
            loc = here;
        }
        (added, max)
    }

    /// Recomputes earliest starts from stop `from` on, stopping once one (after
    /// `from`) comes out unchanged: the rest then is too.
    fn forward_from(&mut self, problem: &Problem, from: usize) {
        let mut t = match from {
            0 => self.shift.open,
            _ => self.e[from - 1] + self.spots[from - 1].duration,
        };
        let mut buf = [Window { open: 0, close: 0 }];
        for i in from..self.stops.len() {
            let w = stop_windows(problem, &self.stops[i], &mut buf);
            // Feasible by construction; saturate rather than panic if a caller erred.
            let e = earliest_in(w, t + self.legs[i]).unwrap_or(i64::MAX / 4);
            if i > from && e == self.e[i] {
                break;
            }
            self.e[i] = e;
            t = e + self.spots[i].duration;
        }
    }

    /// Recomputes latest starts from stop `from` back, stopping once one (before
    /// `from`) comes out unchanged.
    fn backward_from(&mut self, problem: &Problem, from: usize) {
        let len = self.stops.len();
        let mut t = if from + 1 == len {
            self.shift.close
        } else {
            self.l[from + 1]
        };
        let mut buf = [Window { open: 0, close: 0 }];
        for i in (0..=from).rev() {
            let w = stop_windows(problem, &self.stops[i], &mut buf);
            let bound = t - self.legs[i + 1] - self.spots[i].duration;
            let l = latest_in(w, bound).unwrap_or(i64::MIN / 4);
            if i < from && l == self.l[i] {
                break;
            }
            self.l[i] = l;
            t = l;
        }
    }

    /// In debug builds, checks the incremental bounds against a full recomputation.
    fn debug_assert_fresh(&self, problem: &Problem) {
        if cfg!(debug_assertions) {
            let mut fresh = self.clone();
            fresh.recompute(problem);
            debug_assert_eq!(
                (&fresh.e, &fresh.l, &fresh.legs, fresh.travel, fresh.late),
                (&self.e, &self.l, &self.legs, self.travel, self.late)
            );
            debug_assert_eq!((&fresh.eb, &fresh.lb), (&self.eb, &self.lb));
            debug_assert!(self
                .stops
                .iter()
                .zip(&self.spots)
                .all(|(s, spot)| *spot == Spot::of(problem, s.need)));
            debug_assert_eq!(self.stops.len(), self.spots.len());
        }
    }

    fn recompute(&mut self, problem: &Problem) {
        let p = self.slot.provider;
        let (start, end) = problem.ends_of(p);
        let len = self.stops.len();
        self.e.resize(len, 0);
        self.l.resize(len, 0);
        self.legs.clear();
        self.legs.reserve(len + 1);
        let mut loc = start;
        let mut travel = 0;
        for i in 0..len {
            let here = self.loc(i);
            let leg = problem.time(p, loc, here);
            self.legs.push(leg);
            travel += leg;
            loc = here;
        }
        if len > 0 {
            let leg = problem.time(p, loc, end);
            self.legs.push(leg);
            travel += leg;
            // Full passes: no old value can match (both saturate short of MIN).
            self.e.iter_mut().for_each(|e| *e = i64::MIN);
            self.l.iter_mut().for_each(|l| *l = i64::MIN);
            if self.brk.is_empty() {
                self.forward_from(problem, 0);
                self.backward_from(problem, len - 1);
            }
        }
        self.time_breaks_if_any(problem);
        self.travel = travel;
        self.tally_lateness(problem);
    }

    /// With breaks, the full passes of `breaks.rs` (an empty route takes none).
    fn time_breaks_if_any(&mut self, problem: &Problem) {
        if !self.brk.is_empty() {
            self.time_breaks(problem);
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
        let (depart, breaks, arrivals, ret) = if self.brk.is_empty() {
            let first_leg = self.legs.first().copied().unwrap_or(0);
            let depart = self.e.first().map_or(self.shift.open, |&e| e - first_leg);
            // Leave each place once done there, travel straight on.
            let leave = |i: usize| match i {
                0 => depart,
                _ => self.e[i - 1] + self.spots[i - 1].duration,
            };
            let arrivals = (0..self.stops.len()).map(|i| leave(i) + self.legs[i]);
            let ret = leave(self.stops.len()) + self.legs.last().copied().unwrap_or(0);
            (depart, Vec::new(), arrivals.collect(), ret)
        } else {
            self.break_times()
        };
        let stops = self.stops.iter().enumerate().map(|(i, s)| {
            let need = problem.need(s.need);
            let start = self.e[i];
            wire::Stop {
                need: need.id.clone(),
                elder: problem.elder(need.elder).id.clone(),
                arrival: arrivals[i],
                start,
                end: start + need.duration,
                late: problem.lateness(s.need, start),
                // A visit of a series by its place in the series (the plan's
                // assembly renumbers them in start order).
                visit: problem
                    .series_of(s.need)
                    .and_then(|sr| sr.needs.iter().position(|&m| m == s.need))
                    .map(|v| v as u32),
            }
        });
        wire::Route {
            provider: prov.id.clone(),
            shift: self.slot.shift as usize,
            depart,
            return_: ret,
            stops: stops.collect(),
            travel: self.travel,
            service: self.service,
            load: self.load,
            breaks,
        }
    }

    /// The start time of stop `i` in the plan.
    pub fn start_of(&self, i: usize) -> i64 {
        self.e[i]
    }

    /// The earliest a carer who learns of need `n` at `now` can be at it, were it
    /// inserted at `pos`: she leaves the stop before (or her shift's start place) once
    /// done with it, and not before `now` — a visit in progress is finished, a carer
    /// between visits turns round where she last was, or where she last said she was
    /// (a `carer_position` after that visit, by `now`).
    pub(crate) fn reach(&self, problem: &Problem, n: NeedIdx, pos: usize, now: i64) -> i64 {
        let p = self.slot.provider;
        let (from, free) = match pos.checked_sub(1) {
            None => (problem.ends_of(p).0, self.shift.open),
            Some(k) => (self.loc(k), self.e[k] + self.spots[k].duration),
        };
        if let Some((t, at)) = problem
            .position_of(p)
            .filter(|&(t, _)| free <= t && t <= now)
        {
            let home = problem.elder(problem.need(n).elder).location;
            return t.max(now) + problem.travel_time(p, &at, &home);
        }
        free.max(now) + problem.time(p, from, problem.place_of(n))
    }

    /// The start of need `n` placed as `ins` says, told at `now`: the earliest allowed
    /// start the carer can make ([`RouteState::reach`]) within the place's band; `None`
    /// when the band closes first.
    pub(crate) fn start_at(
        &self,
        problem: &Problem,
        n: NeedIdx,
        ins: &Insertion,
        now: i64,
    ) -> Option<i64> {
        let from = ins.earliest.max(self.reach(problem, n, ins.pos, now));
        earliest_in(&problem.allowed_starts(n), from).filter(|&t| t <= ins.latest)
    }
}
