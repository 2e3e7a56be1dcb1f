//! Least change, searched: once a batch's events are applied, the visits still to come
//! are re-optimised by the solver's own search ([`crate::search`]) with each visit
//! handed to another carer priced (`weights.plan_changes`, the `changes` route rule)
//! and each start held within `options.change_tolerance` of the one the elder was
//! told.
//!
//! The search runs on a copy of the problem that says what `now` means:
//!
//! - every visit started by `now`, and every visit that must keep its place (two
//!   carers, a link, a series, soft windows, a response target, a pin), is pinned
//!   where it is;
//! - a carer is free from `now` on: her last visit started by `now` lasts until `now`
//!   at least, a shift not started yet opens at `now` at the earliest;
//! - a carer who is absent, said where she is, or whose last visit was a two-carer one
//!   takes no visit (her route is kept whole);
//! - a visit still to come may start within the tolerance of its start before the
//!   batch (anywhere from `now` in its windows when the events moved it already); an
//!   unserved need left out for want of room may be served from `now`; any other
//!   unserved need (cancelled, missed, elder away…) stays out.
//!
//! The result is kept only when it is better under the objective, and only after the
//! past is checked unchanged in it; otherwise the plan stays as the events left it.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::feasibility::Candidates;
use crate::limits::MAX_TIME;
use crate::model::{NeedIdx, Pin, Problem, ProviderIdx, Slot, Window};
use crate::neighbours::Neighbours;
use crate::routes::{Builder, Construction, RouteState, StopState};
use crate::venues::Seat;
use crate::wire::{Placement, Plan, Reason, Route, Unassigned};

use super::Key;

/// Most iterations of one batch's search.
pub const MAX_IMPROVE: u64 = 100_000;

/// `plan` (a plan of `problem` at `now`, after a batch's events) with the visits still
/// to come re-optimised for `iterations` iterations; `before` is where every visit was
/// before the batch.
pub(super) fn improve(
    problem: &Problem,
    plan: Plan,
    before: &BTreeMap<Key, Placement>,
    now: i64,
    iterations: u64,
) -> Plan {
    let Some(copy) = Copy::of(problem, &plan, before, now) else {
        return plan;
    };
    let q = &copy.problem;
    let Ok(pool) = rayon::ThreadPoolBuilder::new()
        .num_threads(problem.options().threads)
        .build()
    else {
        return plan;
    };
    let score = copy.built.score(q);
    let stop = AtomicBool::new(false);
    let until = crate::search::Until {
        deadline: Instant::now() + Duration::from_millis(problem.options().time_limit_ms),
        stop: &stop,
    };
    let (found, _) = pool.install(|| {
        let mut cands = Candidates::new(q);
        cands.seat(q, copy.seats.clone());
        let near = Neighbours::new(q);
        crate::search::improve(
            q,
            &cands,
            &near,
            copy.built.clone(),
            crate::model::Budget::Fixed(iterations),
            until,
            &|_| {},
        )
    });
    if found.score(q) <= score {
        return plan;
    }
    copy.write_back(problem, plan, &found, now)
}

/// The problem as the search sees it at `now`, and the plan's routes in it.
struct Copy {
    problem: Problem,
    built: Construction,
    /// Per route of `built` with stops, the plan's route it was read from.
    from: HashMap<Slot, usize>,
    /// The plan's visits at venues, which stay where they are.
    seats: Vec<Seat>,
}

/// A route of the plan, read: its slot, its index in the plan, its visits (need and
/// start), and how many of the first ones are held at `now` ([`held`]).
struct Read {
    slot: Slot,
    index: usize,
    stops: Vec<(NeedIdx, i64)>,
    held: usize,
}

impl Copy {
    /// The copy of `problem` for `plan` at `now`; `None` when the plan cannot be read
    /// back into it (then nothing is searched).
    fn of(
        problem: &Problem,
        plan: &Plan,
        before: &BTreeMap<Key, Placement>,
        now: i64,
    ) -> Option<Copy> {
        let mut q = problem.clone();
        let mut frozen: Vec<bool> = (0..q.providers.len())
            .map(|p| {
                let p = ProviderIdx(p as u32);
                problem.absent_from(p).is_some() || problem.position_of(p).is_some()
            })
            .collect();
        let routes = plan
            .routes
            .iter()
            .enumerate()
            .map(|(i, r)| read(problem, &mut q, &mut frozen, i, r, now))
            .collect::<Option<Vec<Read>>>()?;
        let seats = seats(problem, plan)?;
        let mut served = vec![false; q.needs.len()];
        for s in &seats {
            served[s.need.ix()] = true;
        }
        for r in &routes {
            for &(n, _) in &r.stops {
                served[n.ix()] = true;
            }
        }
        let mut reference = vec![None; q.needs.len()];
        for (key, at) in before
            .iter()
            .filter(|(k, at)| k.1.is_none() && at.providers.len() == 1)
        {
            if let Some(n) = problem.need_by_id(&key.0) {
                reference[n.ix()] = problem.provider_by_id(&at.providers[0]);
            }
        }
        q.reference = Some(Arc::new(reference));
        bands(problem, &mut q, &routes, &frozen, before, now);
        let room = room_wanting(problem, plan);
        for k in (0..q.needs.len()).filter(|&k| !served[k]) {
            let band = if room[k] && simple(problem, NeedIdx(k as u32)) {
                Window {
                    open: now,
                    close: i64::MAX,
                }
            } else {
                NEVER
            };
            narrow(&mut q, NeedIdx(k as u32), band);
        }
        hold_carers(&mut q, &routes, &frozen, now);
        Copy::build(q, routes, &served, seats)
    }

    /// The copy with `routes` read into it as a construction.
    fn build(q: Problem, routes: Vec<Read>, served: &[bool], seats: Vec<Seat>) -> Option<Copy> {
        let mut b = Builder::new(&q);
        let mut from = HashMap::new();
        for r in routes {
            let stops = r
                .stops
                .into_iter()
                .map(|(n, start)| StopState {
                    need: n,
                    fixed: q.needs[n.ix()].pinned.map(|_| start),
                    within: None,
                })
                .collect();
            let route = RouteState::with_stops(&q, r.slot, stops);
            if !route.is_consistent() {
                return None;
            }
            let ri = b.route_ix(r.slot);
            b.set_route(ri, route);
            from.insert(r.slot, r.index);
        }
        let unassigned = (0..q.needs.len())
            .filter(|&k| !served[k])
            .map(|k| (NeedIdx(k as u32), Reason::OverCapacity, String::new()))
            .collect();
        let built = Construction {
            routes: b.routes().to_vec(),
            unassigned,
        };
        Some(Copy {
            problem: q,
            built,
            from,
            seats,
        })
    }

    /// `plan` with `found`'s routes, timed in `problem` at the starts the search gave
    /// them; `plan` unchanged when a route does not hold there or the past moved.
    fn write_back(&self, problem: &Problem, plan: Plan, found: &Construction, now: i64) -> Plan {
        let q = &self.problem;
        let mut routes: Vec<Route> = Vec::new();
        for r in found.routes.iter().filter(|r| !r.stops().is_empty()) {
            let timed = r.to_wire(q);
            let stops = r
                .stops()
                .iter()
                .zip(&timed.stops)
                .map(|(s, t)| StopState {
                    need: s.need,
                    fixed: Some(t.start),
                    within: None,
                })
                .collect();
            let route = RouteState::with_stops(problem, r.slot, stops);
            if !route.is_consistent() {
                debug_assert!(false, "a searched route does not hold in the problem");
                return plan;
            }
            let mut out = route.to_wire(problem);
            if let Some(&i) = self.from.get(&r.slot) {
                for (new, old) in out.stops.iter_mut().zip(&timed.stops) {
                    new.visit = plan.routes[i]
                        .stops
                        .iter()
                        .find(|o| o.need == new.need && o.start == old.start)
                        .and_then(|o| o.visit);
                }
            }
            routes.push(out);
        }
        if !same_past(&plan, &routes, now) {
            debug_assert!(false, "the search moved the past");
            return plan;
        }
        let mut out = plan;
        let served: std::collections::HashSet<&str> = routes
            .iter()
            .flat_map(|r| r.stops.iter().map(|s| s.need.as_str()))
            .collect();
        let was: Vec<String> = out
            .routes
            .iter()
            .flat_map(|r| r.stops.iter().map(|s| s.need.clone()))
            .filter(|n| !served.contains(n.as_str()))
            .collect();
        out.unassigned.retain(|u| !served.contains(u.need.as_str()));
        for need in was {
            if out.unassigned.iter().any(|u| u.need == need) {
                continue;
            }
            out.unassigned.push(Unassigned {
                need,
                reason: Reason::OverCapacity,
                detail: "left out when the rest of the day was re-optimised".to_owned(),
                visit: None,
            });
        }
        let index = |id: &str| problem.need_by_id(id).map_or(u32::MAX, |n| n.0);
        out.unassigned.sort_by_key(|u| (index(&u.need), u.visit));
        out.routes = routes;
        out.summary.bound = None;
        crate::explain::refresh(problem, &mut out);
        out
    }
}

/// How many of route `r`'s first visits (`stops`, of provider `p`) are held at `now`:
/// those started by then, and the next one when she has left for it (she leaves a
/// visit, or her start, as soon as she is done, and waits at the door).
fn held(problem: &Problem, r: &Route, p: ProviderIdx, stops: &[(NeedIdx, i64)], now: i64) -> usize {
    let past = stops.iter().take_while(|s| s.1 <= now).count();
    let Some(next) = r.stops.get(past) else {
        return past;
    };
    let left = match past.checked_sub(1) {
        None => r.depart,
        Some(k) => {
            let from = problem.place_of(stops[k].0);
            next.arrival - problem.time(p, from, problem.place_of(stops[past].0))
        }
    };
    past + usize::from(left < now)
}

/// Whether need `n`'s visit may move alone: one carer, no link, no series, hard
/// windows, no response target, no pin.
fn simple(problem: &Problem, n: NeedIdx) -> bool {
    let need = problem.need(n);
    need.caregivers == 1
        && need.link.is_none()
        && need.series.is_none()
        && need.late_by == 0
        && need.pinned.is_none()
        && crate::dispatch::target_of(problem, n).is_none()
}

/// The plan's route `r` (its `i`-th) read at `now`; in `q`, its carer's last visit
/// held lasts until `now` at least (she is free then), or she is `frozen` when that
/// visit has two carers. `None` when the route does not fit the problem.
fn read(
    problem: &Problem,
    q: &mut Problem,
    frozen: &mut [bool],
    i: usize,
    r: &Route,
    now: i64,
) -> Option<Read> {
    let p = problem.provider_by_id(&r.provider)?;
    let slot = Slot {
        provider: p,
        shift: u16::try_from(r.shift).ok()?,
    };
    let path = crate::error::FieldPath::root();
    let stops = r
        .stops
        .iter()
        .map(|s| Some((crate::dispatch::stop_need(problem, s, &path).ok()?, s.start)))
        .collect::<Option<Vec<_>>>()?;
    let held = held(problem, r, p, &stops, now);
    // A shift over by now takes nothing more: every window is floored at now.
    let close = problem.provider(p).shifts.get(r.shift)?.close;
    let last = held
        .checked_sub(1)
        .map(|k| stops[k])
        .filter(|_| now < close);
    if let Some((last, start)) = last {
        if problem.need(last).caregivers == 1 {
            let need = &mut q.needs[last.ix()];
            need.duration = need.duration.max(now - start);
        } else {
            frozen[p.ix()] = true;
        }
    }
    Some(Read {
        slot,
        index: i,
        stops,
        held,
    })
}

/// In `q`: each visit of `routes` that may move gets its band (within the tolerance
/// of its start `before`, or from `now` when the events moved it); every other one is
/// pinned where it is.
fn bands(
    problem: &Problem,
    q: &mut Problem,
    routes: &[Read],
    frozen: &[bool],
    before: &BTreeMap<Key, Placement>,
    now: i64,
) {
    let tolerance = problem.options().change_tolerance;
    let mut keep: Vec<Option<Pin>> = vec![None; q.needs.len()];
    for r in routes {
        let provider = r.slot.provider;
        for (k, &(n, start)) in r.stops.iter().enumerate() {
            if k < r.held || frozen[provider.ix()] || !simple(problem, n) {
                keep[n.ix()] = Some(Pin { provider, start });
                continue;
            }
            let was = before
                .get(&(problem.need(n).id.clone(), None))
                .map(|b| b.start)
                .filter(|&b| (b - start).abs() <= tolerance);
            let band = match was {
                Some(b) => Window {
                    open: (b - tolerance).max(now),
                    close: b + tolerance,
                },
                None => Window {
                    open: now,
                    close: i64::MAX,
                },
            };
            narrow(q, n, band);
        }
    }
    for (k, pin) in keep.into_iter().enumerate() {
        if pin.is_some() {
            q.needs[k].pinned = pin;
        }
    }
}

/// In `q`: a `frozen` carer takes no visit (no skill; her route is pinned whole), and
/// a shift nothing of which is held at `now` opens at `now` at the earliest.
fn hold_carers(q: &mut Problem, routes: &[Read], frozen: &[bool], now: i64) {
    let started: std::collections::HashSet<Slot> = routes
        .iter()
        .filter(|r| r.held > 0)
        .map(|r| r.slot)
        .collect();
    for (p, provider) in q.providers.iter_mut().enumerate() {
        if frozen[p] {
            provider.skills.clear();
        }
        for (k, shift) in provider.shifts.iter_mut().enumerate() {
            let slot = Slot {
                provider: ProviderIdx(p as u32),
                shift: k as u16,
            };
            if !started.contains(&slot) {
                shift.open = shift.open.max(now).min(shift.close);
            }
        }
    }
    q.profiles = crate::model::Profiles::new(&q.providers);
}

/// The plan's visits at venues as seats, in need order; `None` when one does not fit
/// the problem.
fn seats(problem: &Problem, plan: &Plan) -> Option<Vec<Seat>> {
    let mut out = plan
        .venue_visits
        .iter()
        .map(|v| {
            let n = problem.need_by_id(&v.need)?;
            let need = match (problem.series_of(n), v.visit) {
                (Some(series), Some(k)) => problem.visit_at(series, k, v.start)?,
                _ => n,
            };
            let venue = problem.venues().iter().position(|x| x.id == v.venue)?;
            Some(Seat {
                need,
                venue: venue as u32,
                session: u32::try_from(v.session).ok()?,
                start: v.start,
            })
        })
        .collect::<Option<Vec<Seat>>>()?;
    out.sort_by_key(|s| s.need);
    Some(out)
}

/// Per need, whether the plan leaves it out for want of room (not cancelled, missed,
/// away or unfit), so that the search may serve it.
fn room_wanting(problem: &Problem, plan: &Plan) -> Vec<bool> {
    let mut out = vec![false; problem.needs().len()];
    for u in plan.unassigned.iter().filter(|u| u.visit.is_none()) {
        if let (Some(n), Reason::OverCapacity) = (problem.need_by_id(&u.need), u.reason) {
            out[n.ix()] = true;
        }
    }
    out
}

/// A window no shift reaches (shifts lie within ±[`MAX_TIME`]): a need given it is
/// never placed.
const NEVER: Window = Window {
    open: -MAX_TIME - 1,
    close: -MAX_TIME - 1,
};

/// Need `n`'s windows in `q` cut to `band`; [`NEVER`] when nothing is left.
fn narrow(q: &mut Problem, n: NeedIdx, band: Window) {
    let need = &mut q.needs[n.ix()];
    let mut cut: Vec<Window> = need
        .own_windows()
        .iter()
        .filter_map(|w| {
            let (open, close) = (w.open.max(band.open), w.close.min(band.close));
            (open <= close).then_some(Window { open, close })
        })
        .collect();
    if cut.is_empty() {
        cut.push(NEVER);
    }
    need.part = (0, cut.len() as u16);
    need.windows = cut;
    need.soft.clear();
    need.late_by = 0;
}

/// Whether every visit of `plan` started by `now` is in `routes` with the same carer
/// and start, and every visit of `routes` that starts before `now` was in `plan`.
fn same_past(plan: &Plan, routes: &[Route], now: i64) -> bool {
    type Visit = (String, Option<u32>, String, i64);
    let visits = |rs: &[Route]| -> std::collections::HashSet<Visit> {
        rs.iter()
            .flat_map(|r| {
                r.stops
                    .iter()
                    .map(|s| (s.need.clone(), s.visit, r.provider.clone(), s.start))
            })
            .collect()
    };
    let (old, new) = (visits(&plan.routes), visits(routes));
    old.iter().filter(|v| v.3 <= now).all(|v| new.contains(v))
        && new.iter().filter(|v| v.3 < now).all(|v| old.contains(v))
}
