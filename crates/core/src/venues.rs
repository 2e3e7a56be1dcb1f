//! Seats at venues (v1.1, "Venues"): which needs are met at a canteen, a day-care
//! centre or an activity room instead of by a carer.
//!
//! A need may take a seat when it is a one-carer need outside links and pins (a visit
//! of a series too, when its place in the series leaves it one window and the series
//! has no `min_gap` nor `all_visits`: lunch every weekday), its service is one of the
//! venue's, the elder's `walk_limit` reaches the venue, and a session's window meets
//! one of the need's windows; it starts at the earliest time in both. A seat takes no
//! carer time, so among plans of equal priority and count one with more seats costs
//! less.
//!
//! Which needs get the seats is a capacitated bipartite matching — needs × sessions,
//! each session of its seats — solved exactly by the assignment kernel
//! ([`crate::assign`]): most priority seated first, then most needs, then least
//! walking; then each elder keeps the seats its budget pays for, most important first
//! (rule 9). A need the routes then cannot serve may be worth a seat more than a need a
//! carer could reach: [`seat`] takes such needs first when asked (`first`), and the
//! solver keeps whichever plan is better ([`crate::solve`]).

use crate::assign::{self, Instance};
use crate::model::{NeedIdx, Problem};

/// One need met at a venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seat {
    /// The need.
    pub(crate) need: NeedIdx,
    /// Index into the problem's venues.
    pub(crate) venue: u32,
    /// Index into the venue's sessions.
    pub(crate) session: u32,
    /// When the visit starts.
    pub(crate) start: i64,
}

/// A seat a need could take: venue, session, start, seconds walked.
pub(crate) type SeatOption = (u32, u32, i64, i64);

/// Whether need `n` may be met at a venue at all (see the module docs).
pub(crate) fn may_sit(problem: &Problem, n: NeedIdx) -> bool {
    let need = problem.need(n);
    let single = need.part.1 - need.part.0 == 1;
    need.caregivers == 1
        && need.link.is_none()
        && need.pinned.is_none()
        && need.late_by == 0
        && problem
            .series_of(n)
            .is_none_or(|s| single && s.min_gap == 0 && !s.all)
        && problem.elder(need.elder).walk_limit > 0
}

/// The seats need `n` could take: (venue, session, start, seconds walked), in venue
/// and session order.
pub(crate) fn options(problem: &Problem, n: NeedIdx) -> Vec<SeatOption> {
    let mut out = Vec::new();
    if !may_sit(problem, n) {
        return out;
    }
    let need = problem.need(n);
    let limit = problem.elder(need.elder).walk_limit;
    for (v, venue) in problem.venues().iter().enumerate() {
        if venue.services.binary_search(&need.service).is_err() {
            continue;
        }
        let walk = problem.walk_time(need.elder, v);
        if walk > limit {
            continue;
        }
        for (s, session) in venue.sessions.iter().enumerate() {
            let start = need
                .own_windows()
                .iter()
                .filter(|w| w.open <= session.window.close && session.window.open <= w.close)
                .map(|w| w.open.max(session.window.open))
                .min();
            if let (Some(start), true) = (start, session.seats > 0) {
                out.push((v as u32, s as u32, start, walk));
            }
        }
    }
    out
}

/// Penalty scale: a seat is always worth more than the walk to it (`LEVEL`), and one
/// point of priority more than any number of needs and walks (`POINT`).
const LEVEL: i64 = 1 << 21;
const POINT: i64 = 1 << 43;

/// The exact seating of `problem`'s needs: most priority seated, then most needs,
/// then least walking; the needs of `first` (by need) ahead of every other, then by
/// priority. In need order; empty without venues.
pub(crate) fn seat(problem: &Problem, first: &[bool]) -> Vec<Seat> {
    if problem.venues().is_empty() {
        return Vec::new();
    }
    let mut sessions: Vec<(u32, u32)> = Vec::new();
    let mut base = Vec::with_capacity(problem.venues().len());
    for (v, venue) in problem.venues().iter().enumerate() {
        base.push(sessions.len() as u32);
        sessions.extend((0..venue.sessions.len() as u32).map(|s| (v as u32, s)));
    }
    let mut inst = Instance {
        capacity: sessions
            .iter()
            .map(|&(v, s)| problem.venues()[v as usize].sessions[s as usize].seats)
            .collect(),
        offsets: vec![0],
        ..Instance::default()
    };
    let mut rows: Vec<(NeedIdx, Vec<SeatOption>)> = Vec::new();
    for i in 0..problem.needs().len() {
        let n = NeedIdx(i as u32);
        let opts = options(problem, n);
        if opts.is_empty() {
            continue;
        }
        for &(v, s, _, walk) in &opts {
            inst.targets.push(base[v as usize] + s);
            inst.costs.push(walk);
        }
        inst.offsets.push(inst.targets.len());
        inst.demand.push(1);
        let priority =
            i64::from(problem.need(n).priority) + if first.get(i) == Some(&true) { 101 } else { 0 };
        inst.penalty.push(priority * POINT + LEVEL);
        rows.push((n, opts));
    }
    let sol = assign::solve(&inst);
    let mut out: Vec<Seat> = Vec::new();
    for (r, (n, opts)) in rows.iter().enumerate() {
        for (k, e) in inst.edge_range(r).enumerate() {
            if sol.flow[e] == 1 {
                let (venue, session, start, _) = opts[k];
                out.push(Seat {
                    need: *n,
                    venue,
                    session,
                    start,
                });
            }
        }
    }
    within_budgets(problem, &mut out);
    out
}

/// Rule 9 on the seats: each elder keeps the seats its budget pays for, most
/// important first; the others give their seats back (their needs may still go to a
/// carer, within what is left).
fn within_budgets(problem: &Problem, seats: &mut Vec<Seat>) {
    if !problem.has_budgets() {
        return;
    }
    let mut order: Vec<usize> = (0..seats.len()).collect();
    order.sort_by_key(|&k| {
        let need = problem.need(seats[k].need);
        (need.elder, std::cmp::Reverse(need.priority), seats[k].need)
    });
    let mut keep = vec![true; seats.len()];
    let mut left: Option<(crate::model::ElderIdx, i64)> = None;
    for k in order {
        let need = problem.need(seats[k].need);
        let budget = problem.elder(need.elder).budget.unwrap_or(i64::MAX);
        let l = match left {
            Some((e, l)) if e == need.elder => l,
            _ => budget,
        };
        keep[k] = need.price <= l;
        left = Some((need.elder, if keep[k] { l - need.price } else { l }));
    }
    let mut k = 0;
    seats.retain(|_| {
        k += 1;
        keep[k - 1]
    });
}
