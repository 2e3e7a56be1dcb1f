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
//! carer could reach: `seat` takes such needs first when asked (`first`), and the
//! solver keeps whichever plan is better (`solve`).

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

/// Largest penalty the instance may have (the kernel takes costs below 2^60; OR-Tools
/// wants penalty × needs inside 64 bits, which the benchmark's cities keep).
const MAX_PENALTY: i128 = 1 << 58;

/// The exact seating of `problem`'s needs: most priority seated, then most needs,
/// then least walking; the needs of `first` (by need) ahead of every other, then by
/// priority. In need order; empty without venues.
pub(crate) fn seat(problem: &Problem, first: &[bool]) -> Vec<Seat> {
    if problem.venues().is_empty() {
        return Vec::new();
    }
    let (inst, rows) = instance(problem, first);
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

/// The seating of `problem` as an assignment instance (needs that may sit × every
/// venue's sessions, in venue then session order, of their seats; edge cost the
/// seconds walked, penalty the seat's worth): what the solver solves, and what
/// `examples/seats.rs` writes in the kernel file format for the peers.
///
/// ```
/// let p = carematch_core::Problem::from_json(br#"{
///   "travel": {"metric": "euclidean"},
///   "elders": [{"id": "e", "location": [0, 0], "walk_limit": 600}],
///   "needs": [{"id": "n", "elder": "e", "service": "meals", "windows": [[39600, 43200]]}],
///   "providers": [],
///   "venues": [{"id": "c", "location": [300, 0], "services": ["meals"],
///               "sessions": [{"window": [41400, 45000], "seats": 10}]}]
/// }"#)?;
/// let inst = carematch_core::venues::seating_instance(&p);
/// assert_eq!((inst.needs(), inst.providers(), inst.costs[0]), (1, 1, 300));
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn seating_instance(problem: &Problem) -> Instance {
    instance(problem, &[]).0
}

/// [`seating_instance`] with the needs of `first` ahead, and each row's need and
/// seat options.
fn instance(problem: &Problem, first: &[bool]) -> (Instance, Vec<(NeedIdx, Vec<SeatOption>)>) {
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
    let rows: Vec<(NeedIdx, Vec<SeatOption>)> = (0..problem.needs().len() as u32)
        .map(NeedIdx)
        .map(|n| (n, options(problem, n)))
        .filter(|(_, o)| !o.is_empty())
        .collect();
    // Scales, exact and lexicographic: a need seated (`level`) is worth more than all
    // the walking of every seated need, and a point of priority (`point`) more than
    // every need seated. When that would not fit, walking is left out (cost 0).
    let walk = rows
        .iter()
        .flat_map(|r| r.1.iter().map(|o| o.3))
        .max()
        .unwrap_or(0);
    let count = rows.len() as i128 + 1;
    let fits = |walk: i128| (count * walk + 1) * (count + 1) * 202 < MAX_PENALTY;
    let walked = fits(i128::from(walk));
    let level = if walked { count as i64 * walk + 1 } else { 1 };
    let point = (count as i64 + 1) * level;
    for (n, opts) in &rows {
        for &(v, s, _, w) in opts {
            inst.targets.push(base[v as usize] + s);
            inst.costs.push(if walked { w } else { 0 });
        }
        inst.offsets.push(inst.targets.len());
        inst.demand.push(1);
        let first = first.get(n.ix()) == Some(&true);
        let priority = i64::from(problem.need(*n).priority) + if first { 101 } else { 0 };
        inst.penalty.push(priority * point + level);
    }
    (inst, rows)
}

/// Rule 9 on the seats: the budget covers an elder's needs most important first, so
/// each elder's needs are taken in priority order, a need at home reserving its
/// service's price and a seated one keeping its seat only when the budget has room
/// left; the others give their seats back (their needs may still go to a carer,
/// within what is left).
fn within_budgets(problem: &Problem, seats: &mut Vec<Seat>) {
    if !problem.has_budgets() || seats.is_empty() {
        return;
    }
    let mut seat_of: std::collections::HashMap<NeedIdx, usize> = std::collections::HashMap::new();
    let mut elders: Vec<crate::model::ElderIdx> = Vec::new();
    for (k, s) in seats.iter().enumerate() {
        seat_of.insert(s.need, k);
        elders.push(problem.need(s.need).elder);
    }
    elders.sort_unstable();
    elders.dedup();
    let mut needs_of: std::collections::HashMap<crate::model::ElderIdx, Vec<NeedIdx>> =
        elders.iter().map(|&e| (e, Vec::new())).collect();
    for i in 0..problem.needs().len() as u32 {
        let n = NeedIdx(i);
        if let Some(list) = needs_of.get_mut(&problem.need(n).elder) {
            list.push(n);
        }
    }
    let mut keep = vec![true; seats.len()];
    for e in elders {
        let Some(budget) = problem.elder(e).budget else {
            continue;
        };
        let mut list = needs_of.remove(&e).unwrap_or_default();
        list.sort_by_key(|&n| (std::cmp::Reverse(problem.need(n).priority), n));
        let mut left = budget;
        for n in list {
            let price = problem.need(n).price;
            match seat_of.get(&n) {
                Some(&k) => {
                    keep[k] = price <= left;
                    if keep[k] {
                        left -= price;
                    }
                }
                None if price <= left => left -= price,
                None => {}
            }
        }
    }
    let mut k = 0;
    seats.retain(|_| {
        k += 1;
        keep[k - 1]
    });
}
