//! Floating breaks in a route's timing (v1.2, `providers[].breaks`): a carer with
//! breaks on a shift takes each of them, in window order, starting inside its window,
//! wherever she is — after a visit, on the way, or at the next door before the visit.
//! A break lies in a *leg* (the time between leaving one place and starting the next
//! visit, the return included): leaving at `t` with `travel` to go and breaks `j..k`
//! to take, she is ready at `max(t + travel + Σ durations, end of the last break)`,
//! the breaks starting as early as their windows allow. No break ever adds travel, so
//! no carer is sent home and back for one.
//!
//! Which leg takes which break is not stored: for every stop and every count `j` of
//! breaks taken before it, the route keeps the earliest start `eb` and the latest
//! start `lb` that lets the rest of the route take the other breaks and finish in the
//! shift. A visit goes between two stops exactly when, for some counts before and
//! after it, the prefix's earliest start reaches it and it reaches the suffix's latest
//! start — so an insertion is still checked in O(1) per position (O(m³) for m breaks
//! on the shift, nearly always one), and a segment of `k` visits in O(k m²). The
//! plan's times are then one schedule: each stop at its earliest start given the
//! breaks taken so far, a break taken as soon as taking it delays nothing.
//!
//! Routes of carers without breaks never come here: their timing is `route.rs`'s.

use super::route::stop_windows;
use super::{Insertion, RouteState, StopState};
use crate::model::{earliest_in, latest_in, Break, NeedIdx, Problem, Window};
use crate::wire::BreakTaken;

/// The most counts of breaks a stop may have behind it: every break of a shift, and
/// none.
const STATES: usize = crate::limits::MAX_BREAKS + 1;

/// Per count of breaks taken, a time (no allocation on the hot paths).
type PerCount = [i64; STATES];

/// An earliest start that cannot be reached.
pub(super) const NEVER: i64 = i64::MAX / 4;
/// A latest start that cannot be kept.
pub(super) const NONE: i64 = i64::MIN / 4;

/// When the carer, leaving at `t` with `travel` to go and breaks `brk[j..k]` to take
/// on the way, is ready at the next place; `None` when a break's window has closed.
pub(super) fn through(brk: &[Break], j: usize, k: usize, t: i64, travel: i64) -> Option<i64> {
    let (mut s, mut rest) = (t, 0);
    for b in &brk[j..k] {
        s = s.max(b.window.open);
        if s > b.window.close {
            return None;
        }
        s += b.duration;
        rest += b.duration;
    }
    Some(s.max(t + travel + rest))
}

/// The latest the carer may leave, with `travel` to go and breaks `brk[j..k]` to take
/// on the way, to be ready by `by`; `None` when no time works.
pub(super) fn back(brk: &[Break], j: usize, k: usize, by: i64, travel: i64) -> Option<i64> {
    let (mut latest, mut rest) = (by, 0);
    for b in brk[j..k].iter().rev() {
        latest = b.window.close.min(latest - b.duration);
        if latest < b.window.open {
            return None;
        }
        rest += b.duration;
    }
    Some(latest.min(by - travel - rest))
}

/// The starts of breaks `brk[j..k]` taken on a leg left at `t`.
fn starts(brk: &[Break], j: usize, k: usize, t: i64) -> impl Iterator<Item = (i64, i64)> + '_ {
    brk[j..k].iter().scan(t, |s, b| {
        let start = (*s).max(b.window.open);
        *s = start + b.duration;
        Some((start, b.duration))
    })
}

/// The earliest start of a visit with `windows` reached from `t` through
/// [`through`]; [`NEVER`] when none.
fn reach(brk: &[Break], j: usize, k: usize, t: i64, travel: i64, windows: &[Window]) -> i64 {
    through(brk, j, k, t, travel)
        .and_then(|r| earliest_in(windows, r))
        .unwrap_or(NEVER)
}

impl RouteState {
    /// The number of break counts a stop may have behind it: breaks + 1.
    fn states(&self) -> usize {
        self.brk.len() + 1
    }

    /// Where the route stands after stop `after` (`None`: the shift's start) with each
    /// count of breaks taken: the place, and per count the earliest time to leave
    /// ([`NEVER`] when that count cannot be reached).
    fn leaving(&self, problem: &Problem, after: Option<usize>) -> (u32, PerCount) {
        let m = self.states();
        let mut t = [NEVER; STATES];
        match after {
            None => {
                t[0] = self.shift.open;
                (problem.ends_of(self.slot.provider).0, t)
            }
            Some(a) => {
                let d = self.dur(a);
                for (j, e) in self.eb[a * m..(a + 1) * m].iter().enumerate() {
                    t[j] = if *e == NEVER { NEVER } else { e + d };
                }
                (self.loc(a), t)
            }
        }
    }

    /// Whether a carer leaving with `t` per count of breaks, `leg` from the next
    /// stop, can be ready by that stop's latest start per count (`by`; `None`: back at
    /// the end by the shift's close, every break taken).
    fn arrives(&self, t: &PerCount, leg: i64, by: Option<&[i64]>) -> bool {
        let m = self.states();
        (0..m).filter(|&j| t[j] != NEVER).any(|j| {
            (j..m).any(|j2| {
                let latest = match by {
                    Some(l) => l[j2],
                    None if j2 + 1 == m => self.shift.close,
                    None => return false,
                };
                latest != NONE && through(&self.brk, j, j2, t[j], leg).is_some_and(|r| r <= latest)
            })
        })
    }

    /// [`RouteState::join`] in O(m²) for a route with breaks, when `other` has the
    /// same breaks and travel profile (its latest starts then hold for this carer).
    pub(super) fn join_breaks(
        &self,
        problem: &Problem,
        after: Option<usize>,
        other: &RouteState,
        from: usize,
    ) -> Option<i64> {
        let p = self.slot.provider;
        let m = self.states();
        let (loc, t) = self.leaving(problem, after);
        let leg = problem.time(p, loc, other.loc(from));
        let by = &other.lb[from * m..(from + 1) * m];
        self.arrives(&t, leg, Some(by)).then(|| {
            let head: i64 = after.map_or(0, |a| self.legs[..=a].iter().sum());
            head + leg + other.legs[from + 1..].iter().sum::<i64>()
        })
    }

    /// Full passes of the earliest and latest starts per count of breaks, then the
    /// schedule (`e`, `l`, `taken`). O(len · m²).
    pub(super) fn time_breaks(&mut self, problem: &Problem) {
        let len = self.stops().len();
        let cells = len * self.states();
        // No old value can match: the passes run through.
        self.eb.clear();
        self.lb.clear();
        self.eb.resize(cells, i64::MIN);
        self.lb.resize(cells, i64::MIN);
        if len > 0 {
            self.forward_breaks(problem, 0);
            self.backward_breaks(problem, len - 1);
        }
        self.schedule(problem);
    }

    /// After stop `pos` was inserted (`removed`: false) or removed: the rows of the
    /// earliest and latest starts kept in step, each pass stopping once a row comes out
    /// as before (the rest then does too), then the schedule. O(len) for the schedule,
    /// O(changed rows · m²) for the passes.
    pub(super) fn retime_breaks(&mut self, problem: &Problem, pos: usize, removed: bool) {
        let (len, m) = (self.stops().len(), self.states());
        if removed {
            self.eb.drain(pos * m..(pos + 1) * m);
            self.lb.drain(pos * m..(pos + 1) * m);
        } else {
            self.eb
                .splice(pos * m..pos * m, std::iter::repeat_n(i64::MIN, m));
            self.lb
                .splice(pos * m..pos * m, std::iter::repeat_n(i64::MIN, m));
        }
        if len > 0 {
            if pos < len {
                self.forward_breaks(problem, pos);
            }
            match (removed, pos) {
                (true, 0) => {}
                (true, _) => self.backward_breaks(problem, pos - 1),
                (false, _) => self.backward_breaks(problem, pos),
            }
        }
        self.schedule(problem);
    }

    /// Earliest starts per count of breaks from stop `from` on.
    fn forward_breaks(&mut self, problem: &Problem, from: usize) {
        let (len, m) = (self.stops().len(), self.states());
        let mut buf = [Window { open: 0, close: 0 }];
        for k in from..len {
            let (_, leave) = self.leaving(problem, k.checked_sub(1));
            let w = stop_windows(problem, &self.stops()[k], &mut buf);
            let mut row = [NEVER; STATES];
            for (j2, cell) in row.iter_mut().enumerate().take(m) {
                *cell = (0..=j2)
                    .filter(|&j| leave[j] != NEVER)
                    .map(|j| reach(&self.brk, j, j2, leave[j], self.legs[k], w))
                    .min()
                    .unwrap_or(NEVER);
            }
            let old = &mut self.eb[k * m..(k + 1) * m];
            if k > from && old == &row[..m] {
                break;
            }
            old.copy_from_slice(&row[..m]);
        }
    }

    /// Latest starts per count of breaks from stop `from` back.
    fn backward_breaks(&mut self, problem: &Problem, from: usize) {
        let (len, m) = (self.stops().len(), self.states());
        let mut buf = [Window { open: 0, close: 0 }];
        for k in (0..=from).rev() {
            let w = stop_windows(problem, &self.stops()[k], &mut buf);
            let (d, last) = (self.dur(k), k + 1 == len);
            let mut row = [NONE; STATES];
            for (j, cell) in row.iter_mut().enumerate().take(m) {
                // The last stop's carer takes every break left on the way back.
                let counts = if last { m - 1..m } else { j..m };
                for j2 in counts {
                    let by = match last {
                        true => self.shift.close,
                        false => self.lb[(k + 1) * m + j2],
                    };
                    let leg = self.legs[k + 1];
                    let l = (by != NONE)
                        .then(|| back(&self.brk, j, j2, by, leg))
                        .flatten()
                        .and_then(|t| latest_in(w, t - d));
                    if let Some(l) = l {
                        *cell = (*cell).max(l);
                    }
                }
            }
            let old = &mut self.lb[k * m..(k + 1) * m];
            if k < from && old == &row[..m] {
                break;
            }
            old.copy_from_slice(&row[..m]);
        }
    }

    /// The plan's times: each stop at its earliest start given the breaks taken so far,
    /// choosing at each leg the count of breaks that starts the next visit soonest and
    /// still lets the rest finish (the most breaks on a tie: taken while waiting).
    fn schedule(&mut self, problem: &Problem) {
        let (len, m) = (self.stops().len(), self.states());
        self.e.clear();
        self.e.resize(len, NEVER);
        self.l.clear();
        self.l.resize(len, NONE);
        self.taken.clear();
        self.taken.resize(len, 0);
        let (mut state, mut t) = (0, self.shift.open);
        let mut buf = [Window { open: 0, close: 0 }];
        for k in 0..len {
            let w = stop_windows(problem, &self.stops()[k], &mut buf);
            let best = (state..m)
                .map(|j2| (reach(&self.brk, state, j2, t, self.legs[k], w), j2))
                .filter(|&(s, j2)| s != NEVER && s <= self.lb[k * m + j2])
                .min_by_key(|&(s, j2)| (s, std::cmp::Reverse(j2)));
            let Some((s, j2)) = best else {
                return;
            };
            (self.e[k], self.l[k], self.taken[k]) = (s, self.lb[k * m + j2], j2 as u8);
            state = j2;
            t = s + self.dur(k);
        }
    }

    /// Calls `f` with every feasible insertion of `n` starting in `windows`, the
    /// breaks split every way between the two new legs: at one position, one
    /// [`Insertion`] per run of feasible starts.
    pub(super) fn each_insertion_breaks(
        &self,
        problem: &Problem,
        n: NeedIdx,
        windows: &[Window],
        f: &mut impl FnMut(Insertion),
    ) {
        let p = self.slot.provider;
        let (len, m) = (self.stops().len(), self.states());
        let here = problem.place_of(n);
        let dur = problem.need(n).duration;
        let end = problem.ends_of(p).1;
        let mut runs: Vec<Window> = Vec::new();
        let (first, last) = match (windows.first(), windows.last()) {
            (Some(a), Some(b)) => (a.open, b.close),
            _ => return,
        };
        let from_here = super::route::from_place(problem, p, here);
        let to_here = |x: u32| match problem.symmetric_travel() {
            true => from_here(x),
            false => problem.time(p, x, here),
        };
        // The latest starts, at their best over the counts of breaks, only grow along
        // the route: before `lo`, the next stop leaves no time for the visit.
        let best_latest = |k: usize| self.lb[k * m..(k + 1) * m].iter().max().copied();
        let lo = binary_search(len, |k| best_latest(k).is_some_and(|l| l - dur < first));
        for pos in lo..=len {
            let (prev, leave) = self.leaving(problem, pos.checked_sub(1));
            // Leaving only gets later along the route, whatever breaks are taken.
            if leave[..m].iter().min().is_none_or(|&t| t > last) {
                break;
            }
            let next = if pos == len { end } else { self.loc(pos) };
            let to = to_here(prev);
            let soonest = leave[..m].iter().min().map_or(NEVER, |&t| t + to);
            let Some(earliest) = earliest_in(windows, soonest) else {
                continue;
            };
            // Without the breaks (a relaxation): the latest the next stop allows.
            let from = from_here(next);
            let by = match pos == len {
                true => self.shift.close,
                false => best_latest(pos).unwrap_or(NONE),
            };
            if latest_in(windows, by - from - dur).is_none_or(|l| l < earliest) {
                continue;
            }
            runs.clear();
            for (j, &t) in leave.iter().enumerate().filter(|x| *x.1 != NEVER) {
                for j1 in j..m {
                    let s = reach(&self.brk, j, j1, t, to, windows);
                    if s == NEVER {
                        continue;
                    }
                    for j2 in j1..m {
                        let by = match pos == len {
                            true if j2 + 1 < m => continue,
                            true => self.shift.close,
                            false => self.lb[pos * m + j2],
                        };
                        let latest = (by != NONE)
                            .then(|| back(&self.brk, j1, j2, by, from))
                            .flatten()
                            .and_then(|t| latest_in(windows, t - dur));
                        if let Some(l) = latest.filter(|&l| s <= l) {
                            runs.push(Window { open: s, close: l });
                        }
                    }
                }
            }
            let delta = if len == 0 {
                to + from
            } else {
                to + from - self.legs[pos]
            };
            for w in merge(&mut runs) {
                f(Insertion {
                    pos,
                    delta,
                    cost: delta,
                    earliest: w.open,
                    latest: w.close,
                });
            }
        }
    }

    /// [`RouteState::gap`] for a route with breaks.
    pub(super) fn gap_breaks(
        &self,
        problem: &Problem,
        after: Option<usize>,
        before: Option<usize>,
        seg: &[StopState],
    ) -> Option<i64> {
        let p = self.slot.provider;
        let m = self.states();
        let (mut loc, mut t) = self.leaving(problem, after);
        let mut travel = 0;
        let mut buf = [Window { open: 0, close: 0 }];
        for stop in seg {
            let w = stop_windows(problem, stop, &mut buf);
            // Too late even with no travel and no break.
            let soonest = t[..m].iter().min().copied().unwrap_or(NEVER);
            if w.last().is_none_or(|w| soonest > w.close) {
                return None;
            }
            let here = problem.place_of(stop.need);
            let leg = problem.time(p, loc, here);
            let d = problem.need(stop.need).duration;
            let mut next = [NEVER; STATES];
            for (j2, slot) in next.iter_mut().enumerate().take(m) {
                let s = (0..=j2)
                    .filter(|&j| t[j] != NEVER)
                    .map(|j| reach(&self.brk, j, j2, t[j], leg, w))
                    .min()
                    .unwrap_or(NEVER);
                *slot = if s == NEVER { NEVER } else { s + d };
            }
            if next[..m].iter().all(|&x| x == NEVER) {
                return None;
            }
            (t, loc, travel) = (next, here, travel + leg);
        }
        let (next, by) = match before {
            Some(b) => (self.loc(b), Some(&self.lb[b * m..(b + 1) * m])),
            None => (problem.ends_of(p).1, None),
        };
        let leg = problem.time(p, loc, next);
        self.arrives(&t, leg, by).then_some(travel + leg)
    }

    /// The route's departure, its breaks and every stop's arrival, as the plan shows
    /// them: leave the start as late as the first visit and the breaks before it
    /// allow, each break as early as its leg allows.
    pub(super) fn break_times(&self) -> (i64, Vec<BreakTaken>, Vec<i64>, i64) {
        let len = self.stops().len();
        let before = |k: usize| {
            if k == 0 {
                0
            } else {
                self.taken[k - 1] as usize
            }
        };
        let depart = match self.e.first() {
            None => return (self.shift.open, Vec::new(), Vec::new(), self.shift.open),
            Some(&e0) => back(&self.brk, 0, self.taken[0] as usize, e0, self.legs[0])
                .unwrap_or(self.shift.open)
                .max(self.shift.open),
        };
        let (mut t, mut breaks, mut arrivals) = (depart, Vec::new(), Vec::with_capacity(len));
        for k in 0..=len {
            let (j, j2) = (
                before(k),
                if k == len {
                    self.brk.len()
                } else {
                    self.taken[k] as usize
                },
            );
            let mut arrival = t + self.legs[k];
            for (s, d) in starts(&self.brk, j, j2, t) {
                breaks.push(BreakTaken {
                    start: s,
                    end: s + d,
                });
                if s < arrival {
                    arrival += d;
                }
            }
            if k == len {
                let ret = through(&self.brk, j, j2, t, self.legs[k]).unwrap_or(arrival);
                return (depart, breaks, arrivals, ret.max(arrival));
            }
            arrivals.push(arrival);
            t = self.e[k] + self.dur(k);
        }
        unreachable!("the loop returns at the end")
    }
}

/// The first `k` in `0..len` where `below(k)` is false (`below` true then false along
/// `0..len`), `len` when none.
fn binary_search(len: usize, below: impl Fn(usize) -> bool) -> usize {
    let (mut a, mut b) = (0, len);
    while a < b {
        let mid = (a + b) / 2;
        if below(mid) {
            a = mid + 1;
        } else {
            b = mid;
        }
    }
    a
}

/// `runs` sorted and merged, in place, where they meet or touch: the merged runs.
fn merge(runs: &mut Vec<Window>) -> &[Window] {
    runs.sort_unstable();
    let mut k = 0;
    for i in 0..runs.len() {
        if k > 0 && runs[i].open <= runs[k - 1].close.saturating_add(1) {
            runs[k - 1].close = runs[k - 1].close.max(runs[i].close);
        } else {
            runs[k] = runs[i];
            k += 1;
        }
    }
    runs.truncate(k);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lunch() -> Vec<Break> {
        vec![Break {
            window: Window {
                open: 43_200,
                close: 46_800,
            },
            duration: 1_800,
        }]
    }

    #[test]
    fn a_break_is_taken_on_the_way_or_waited_for() {
        let b = lunch();
        // Leaving at 11:00 with 20 minutes to go: she travels, waits for noon, and is
        // ready at 12:30.
        assert_eq!(through(&b, 0, 1, 39_600, 1_200), Some(45_000));
        // Leaving at 12:50: the break at once, ready 30 + 20 minutes later.
        assert_eq!(through(&b, 0, 1, 46_200, 1_200), Some(46_200 + 3_000));
        // Leaving after 13:00: too late for the break.
        assert_eq!(through(&b, 0, 1, 46_801, 0), None);
        // No break on the leg: travel only.
        assert_eq!(through(&b, 0, 0, 46_801, 60), Some(46_861));
    }

    #[test]
    fn back_is_the_latest_departure_through_allows() {
        let b = lunch();
        for by in [44_000, 45_000, 46_000, 48_000, 49_000, 52_000] {
            for travel in [0, 600, 2_400] {
                let Some(t) = back(&b, 0, 1, by, travel) else {
                    assert!(
                        (30_000..by).all(|t| through(&b, 0, 1, t, travel).is_none_or(|r| r > by))
                    );
                    continue;
                };
                assert!(through(&b, 0, 1, t, travel).is_some_and(|r| r <= by));
                assert!(through(&b, 0, 1, t + 1, travel).is_none_or(|r| r > by));
            }
        }
    }

    use crate::model::{NeedIdx, ProviderIdx, Slot};
    use proptest::prelude::*;

    /// A carer on a line (travel = distance) with one shift `[0, 20_000]`, the
    /// breaks given, and needs `(place, open, width, duration)`.
    fn problem(
        needs: &[(i64, i64, i64, i64)],
        brk: &[(i64, i64, i64)],
    ) -> Result<Problem, crate::Error> {
        let elders: Vec<_> = (0..needs.len())
            .map(|i| serde_json::json!({"id": format!("e{i}"), "location": [needs[i].0 as f64, 0.0]}))
            .collect();
        let ns: Vec<_> = (needs.iter().enumerate())
            .map(|(i, &(_, open, width, d))| {
                serde_json::json!({"id": format!("n{i}"), "elder": format!("e{i}"),
                    "service": "x", "duration": d, "windows": [[open, open + width]]})
            })
            .collect();
        let breaks: Vec<_> = (brk.iter())
            .map(|&(a, w, d)| serde_json::json!({"window": [a, a + w], "duration": d}))
            .collect();
        let v = serde_json::json!({
            "travel": {"metric": "euclidean", "speed": 1.0},
            "elders": elders, "needs": ns,
            "providers": [{"id": "p", "kind": "staff", "skills": ["x"], "start": [0.0, 0.0],
                "shifts": [[0, 20_000]], "breaks": breaks}]
        });
        Problem::from_json(v.to_string().as_bytes())
    }

    /// Brute force: whether the carer can visit `order` (each visit at a start in
    /// its window, or at the one given) taking each break in some leg, trying every
    /// assignment of breaks to legs and starting every visit as early as it can.
    fn feasible(pr: &Problem, order: &[(NeedIdx, Option<i64>)]) -> bool {
        let brk = pr.breaks_of(Slot {
            provider: ProviderIdx(0),
            shift: 0,
        });
        let legs = order.len() + 1;
        let mut legs_of = vec![0usize; brk.len()];
        loop {
            if legs_of.windows(2).all(|w| w[0] <= w[1]) && walk(pr, order, &brk, &legs_of) {
                return true;
            }
            // The next assignment, odometer-wise.
            let mut i = 0;
            while i < legs_of.len() && legs_of[i] + 1 == legs {
                legs_of[i] = 0;
                i += 1;
            }
            if i == legs_of.len() {
                return false;
            }
            legs_of[i] += 1;
        }
    }

    /// One assignment: the carer leaves each place when done, takes her leg's breaks
    /// as soon as their windows open (travelling meanwhile), starts each visit as
    /// early as it can.
    fn walk(
        pr: &Problem,
        order: &[(NeedIdx, Option<i64>)],
        brk: &[Break],
        legs_of: &[usize],
    ) -> bool {
        let p = ProviderIdx(0);
        let home = pr.provider(p).start;
        let (mut t, mut at) = (0i64, home);
        for k in 0..=order.len() {
            let to = order.get(k).map_or(home, |&(n, _)| *pr.need_location(n));
            let travel = pr.travel_time(p, &at, &to);
            let (mut s, mut rest) = (t, 0);
            for (b, _) in brk.iter().zip(legs_of).filter(|(_, &l)| l == k) {
                s = s.max(b.window.open);
                if s > b.window.close {
                    return false;
                }
                s += b.duration;
                rest += b.duration;
            }
            let ready = s.max(t + travel + rest);
            let Some(&(n, fixed)) = order.get(k) else {
                return ready <= 20_000;
            };
            let w = pr.need(n).windows[0];
            let start = match fixed {
                Some(f) => f,
                None => ready.max(w.open),
            };
            if start < ready || !w.contains(start) {
                return false;
            }
            t = start + pr.need(n).duration;
            at = to;
        }
        unreachable!()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn insertions_and_timing_with_breaks_match_brute_force(
            needs in proptest::collection::vec((0i64..3_000, 0i64..16_000, 0i64..4_000, 0i64..3_000), 2..6),
            brk in proptest::collection::vec((0i64..16_000, 0i64..4_000, 1i64..2_500), 1..3),
        ) {
            // Breaks that cannot fit the shift are an input error.
            let Ok(pr) = problem(&needs, &brk) else { return Ok(()) };
            let slot = Slot { provider: ProviderIdx(0), shift: 0 };
            let all: Vec<NeedIdx> = (0..needs.len() as u32).map(NeedIdx).collect();
            let (x, rest) = all.split_last().unwrap();
            let stops: Vec<StopState> = rest.iter()
                .map(|&n| StopState { need: n, fixed: None, within: None }).collect();
            let route = RouteState::with_stops(&pr, slot, stops);
            let order: Vec<_> = rest.iter().map(|&n| (n, None)).collect();
            prop_assert_eq!(route.is_consistent(), feasible(&pr, &order));
            // Built a visit at a time (the rows kept in step, checked in debug builds
            // against a full recomputation), and a visit taken out again.
            let mut inc = RouteState::new(&pr, slot);
            for (k, &n) in rest.iter().enumerate() {
                let at = if k % 2 == 0 { inc.stops().len() } else { inc.stops().len() - 1 };
                inc.insert(&pr, n, at, None);
            }
            let order_inc: Vec<_> = inc.stops().iter().map(|s| (s.need, None)).collect();
            prop_assert_eq!(inc.is_consistent(), feasible(&pr, &order_inc));
            inc.remove(&pr, rest.len() / 2);
            if !route.is_consistent() {
                return Ok(());
            }
            let mut found: Vec<Insertion> = Vec::new();
            route.each_insertion(&pr, *x, None, |i| found.push(i));
            let w = pr.need(*x).windows[0];
            for pos in 0..=rest.len() {
                for t in (w.open..=w.close).step_by(97).chain([w.close]) {
                    let mut o = order.clone();
                    o.insert(pos, (*x, Some(t)));
                    let listed = found.iter().any(|i| i.pos == pos && i.earliest <= t && t <= i.latest);
                    prop_assert_eq!(listed, feasible(&pr, &o), "pos {} start {}", pos, t);
                }
            }
            // A segment check: stop i replaced by x.
            let x_stop = StopState { need: *x, fixed: None, within: None };
            for i in 0..rest.len() {
                let (after, before) = (i.checked_sub(1), (i + 1 < rest.len()).then_some(i + 1));
                let mut o = order.clone();
                o[i] = (*x, None);
                prop_assert_eq!(route.gap(&pr, after, before, &[x_stop]).is_some(), feasible(&pr, &o), "gap at {}", i);
                // The join of the route's head to its own tail from i + 1 (one profile,
                // the same breaks): stop i left out.
                let mut o = order.clone();
                o.remove(i);
                if i + 1 < rest.len() {
                    prop_assert_eq!(route.join(&pr, after, &route, i + 1, true).is_some(), feasible(&pr, &o), "join at {}", i);
                }
            }
            // What the route shows takes every break inside its window.
            let owed = pr.breaks_of(slot);
            let wire = route.to_wire(&pr);
            prop_assert_eq!(wire.breaks.len(), owed.len());
            for (b, o) in wire.breaks.iter().zip(&owed) {
                prop_assert!(o.window.contains(b.start) && b.end - b.start == o.duration);
            }
        }
    }
}
