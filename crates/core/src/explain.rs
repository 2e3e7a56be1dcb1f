//! Turning a construction into the plan a caller reads: routes on the wire, the
//! summary and objective, every unserved need with its reason, and the gap report
//! (unmet needs and priority by area and service: where supply is short).

use std::collections::BTreeMap;

use crate::model::{NeedIdx, Problem};
use crate::objective::{priority_served, waiting, Score, Terms};
use crate::routes::RouteState;
use crate::wire::{Bound, Gap, Plan, Reason, Summary, Unassigned, VenueVisit};

/// Assembles a [`Plan`] from built routes, the needs met at venues and the needs
/// left out.
///
/// `unassigned` must list every need not in a route nor at a venue exactly once.
pub(crate) fn build_plan(
    problem: &Problem,
    routes: &[RouteState],
    seats: &[crate::venues::Seat],
    unassigned: &[(NeedIdx, Reason, String)],
    bound: Option<i64>,
    threads: usize,
    solve_ms: u64,
) -> Plan {
    let mut wire_routes: Vec<_> = routes
        .iter()
        .filter(|r| !r.stops().is_empty())
        .map(|r| (r.slot, r.to_wire(problem)))
        .collect();
    wire_routes.sort_by_key(|(slot, _)| *slot);
    let mut wire_routes: Vec<_> = wire_routes.into_iter().map(|(_, r)| r).collect();
    let mut venue_visits: Vec<VenueVisit> = seats
        .iter()
        .map(|s| {
            let need = problem.need(s.need);
            VenueVisit {
                need: need.id.clone(),
                elder: problem.elder(need.elder).id.clone(),
                venue: problem.venues()[s.venue as usize].id.clone(),
                session: s.session as usize,
                start: s.start,
                visit: None,
            }
        })
        .collect();
    let served_visits = number_visits(problem, &mut wire_routes, &mut venue_visits);
    let mut plan = Plan {
        summary: Summary {
            bound: bound.map(|priority| Bound { priority }),
            solve_ms,
            threads: threads as u64,
            ..Summary::default()
        },
        routes: wire_routes,
        unassigned: unassigned_list(problem, unassigned, served_visits),
        gaps: gaps(problem, unassigned.iter().map(|u| u.0)),
        venue_visits,
        ..Plan::default()
    };
    refresh(problem, &mut plan);
    plan
}

/// Numbers the visits of each need of several visits again, as a solve does: the
/// served ones 0, 1, … in start order (at home and at venues), the unserved ones after
/// them in their order. What an event that serves or unserves one such visit must do,
/// since a visit's number is its place among the served ones.
pub(crate) fn renumber(problem: &Problem, plan: &mut Plan) {
    if problem.all_series().is_empty() {
        return;
    }
    let mut served = number_visits(problem, &mut plan.routes, &mut plan.venue_visits);
    let series_of = |id: &str| problem.need_by_id(id).and_then(|n| problem.need(n).series);
    let mut listed: Vec<(u32, u32, usize)> = plan
        .unassigned
        .iter()
        .enumerate()
        .filter_map(|(i, u)| Some((series_of(&u.need)?, u.visit.unwrap_or(0), i)))
        .collect();
    listed.sort_unstable();
    for (series, _, i) in listed {
        let k = &mut served[series as usize];
        plan.unassigned[i].visit = Some(*k);
        *k += 1;
    }
}

/// The plan's unassigned needs on the wire, in need order; an unserved visit of a
/// series numbered after the served ones (`served` of each series).
fn unassigned_list(
    problem: &Problem,
    unassigned: &[(NeedIdx, Reason, String)],
    mut served: Vec<u32>,
) -> Vec<Unassigned> {
    unassigned
        .iter()
        .map(|(n, reason, detail)| {
            let need = problem.need(*n);
            let visit = need.series.map(|s| {
                let k = &mut served[s as usize];
                *k += 1;
                *k - 1
            });
            Unassigned {
                need: need.id.clone(),
                reason: *reason,
                detail: detail.clone(),
                visit,
            }
        })
        .collect()
}

/// Recomputes everything `plan` says of its routes, venue visits and unassigned needs
/// — the summary's figures and objective, the time-bank ledger and the funding report
/// — from them alone: how every plan is assembled, by a solve or after a dispatch.
/// The summary's `bound`, `search`, `solve_ms` and `threads` are left as they are.
pub(crate) fn refresh(problem: &Problem, plan: &mut Plan) {
    plan.ledger = ledger(problem, &plan.routes);
    summarize(problem, plan);
    plan.funding = None;
    plan.funding = crate::funding::funding(problem, plan);
    plan.quality = crate::trust::quality(problem);
}

/// The summary's figures and objective, read off `plan`'s routes, venue visits and
/// unassigned needs.
fn summarize(problem: &Problem, plan: &mut Plan) {
    // Distinct carers per elder: only what a horizon reports or a carer-change weight
    // prices is worth a lookup per visit.
    let per_elder = if problem.has_horizon() || crate::objective::prices_carer_changes(problem) {
        let visits = plan.routes.iter().flat_map(|r| {
            let p = problem
                .provider_by_id(&r.provider)
                .map_or(u32::MAX, |p| p.0);
            r.stops.iter().filter_map(move |s| {
                let n = problem.need_by_id(&s.need)?;
                Some((problem.need(n).elder.0, p))
            })
        });
        crate::objective::carers_per_elder(problem, visits)
    } else {
        Vec::new()
    };
    let (mut travel, mut service, mut waited) = (0, 0, 0);
    for r in &plan.routes {
        travel += r.travel;
        service += r.service;
        waited += waiting(r);
    }
    let (lateness, max_lateness) = lateness(&plan.routes);
    let (workload, [overtime, under_hours, imbalance]) =
        crate::workload::workload(problem, &plan.routes);
    let trust = crate::trust::matters(problem).then(|| crate::trust::trust(problem, plan));
    let (not_preferred, not_primary) = trust.as_ref().map_or((0, 0), crate::trust::untrusted);
    let terms = Terms {
        travel,
        lateness,
        max_lateness,
        carer_changes: crate::objective::carer_changes(problem, &per_elder),
        overtime,
        under_hours,
        imbalance,
        not_preferred,
        not_primary,
        ..Terms::default()
    };
    let mut score = Score::without(
        problem,
        plan.unassigned
            .iter()
            .filter_map(|u| problem.need_by_id(&u.need)),
        crate::objective::cost(problem, &terms),
    );
    // (Series visits share their need's id and priority.)
    score.served = problem.needs().len() as i64 - plan.unassigned.len() as i64;
    let (carer_changes, carers_per_elder) = continuity(problem, &per_elder);
    let elders = crate::trust::elder_counts(problem, plan);
    let s = &mut plan.summary;
    s.needs = problem.needs().len() as u64;
    s.assigned = score.served as u64;
    s.unassigned = plan.unassigned.len() as u64;
    s.priority_served = priority_served(problem, score.priority);
    s.travel = travel;
    s.service = service;
    s.waiting = waited;
    s.carer_changes = carer_changes;
    s.carers_per_elder = carers_per_elder;
    s.workload = Some(workload);
    s.trust = trust;
    s.elders = Some(elders);
    s.lateness = Some(lateness);
    s.max_lateness = Some(max_lateness);
    s.objective = score.to_wire(problem, travel);
    s.at_venues = (!problem.venues().is_empty()).then_some(plan.venue_visits.len() as u64);
}

/// Numbers the visits of each need of several visits 0, 1, … in start order
/// (`visit`), at home and at venues; returns how many visits of each series are
/// served.
fn number_visits(
    problem: &Problem,
    routes: &mut [crate::wire::Route],
    at_venues: &mut [VenueVisit],
) -> Vec<u32> {
    let mut served = vec![0u32; problem.all_series().len()];
    if served.is_empty() {
        return served;
    }
    let series_of = |id: &str| {
        problem
            .need_ids
            .get(id)
            .and_then(|&n| problem.need(n).series)
    };
    // (series, start, route or usize::MAX for a venue, stop or venue visit)
    let mut stops: Vec<(u32, i64, usize, usize)> = Vec::new();
    for (ri, r) in routes.iter().enumerate() {
        for (k, s) in r.stops.iter().enumerate() {
            if let Some(series) = series_of(&s.need) {
                stops.push((series, s.start, ri, k));
            }
        }
    }
    for (k, v) in at_venues.iter().enumerate() {
        if let Some(series) = series_of(&v.need) {
            stops.push((series, v.start, usize::MAX, k));
        }
    }
    stops.sort_unstable();
    for (series, _, ri, k) in stops {
        let v = &mut served[series as usize];
        match routes.get_mut(ri) {
            Some(r) => r.stops[k].visit = Some(*v),
            None => at_venues[k].visit = Some(*v),
        }
        *v += 1;
    }
    served
}

/// Over a horizon ([`Problem::has_horizon`]): the carer changes, and the distinct
/// providers per elder served (mean, most), from the distinct carers of each elder;
/// `None` otherwise.
fn continuity(
    problem: &Problem,
    per_elder: &[(u32, u32)],
) -> (Option<i64>, Option<crate::wire::CarersPerElder>) {
    if !problem.has_horizon() {
        return (None, None);
    }
    let seen: Vec<u32> = per_elder.iter().map(|d| d.0).filter(|&d| d > 0).collect();
    let mean = if seen.is_empty() {
        0.0
    } else {
        f64::from(seen.iter().sum::<u32>()) / seen.len() as f64
    };
    (
        Some(crate::objective::carer_changes(problem, per_elder)),
        Some(crate::wire::CarersPerElder {
            mean,
            max: u64::from(seen.iter().copied().max().unwrap_or(0)),
        }),
    )
}

/// The lateness of the visits of `routes`: summed, and the largest.
fn lateness(routes: &[crate::wire::Route]) -> (i64, i64) {
    routes
        .iter()
        .flat_map(|r| &r.stops)
        .fold((0, 0), |(sum, max), s| (sum + s.late, max.max(s.late)))
}

/// The time-bank ledger of `routes`: per provider with `time_bank`, in the problem's
/// order, its visits and their service in whole minutes (rounded down).
fn ledger(problem: &Problem, routes: &[crate::wire::Route]) -> Vec<crate::wire::LedgerEntry> {
    let banked: Vec<&crate::model::Provider> =
        problem.providers().iter().filter(|p| p.time_bank).collect();
    if banked.is_empty() {
        return Vec::new();
    }
    let mut served: std::collections::HashMap<&str, (i64, u64)> = std::collections::HashMap::new();
    for r in routes {
        let e = served.entry(r.provider.as_str()).or_default();
        for s in &r.stops {
            e.0 += s.end - s.start;
            e.1 += 1;
        }
    }
    banked
        .into_iter()
        .map(|p| {
            let (secs, visits) = served.get(p.id.as_str()).copied().unwrap_or_default();
            crate::wire::LedgerEntry {
                provider: p.id.clone(),
                minutes: secs / 60,
                visits,
                station: p.station.clone(),
                group: p.group.clone(),
            }
        })
        .collect()
}

/// The gap report of the unserved needs `unserved`: how many, and how much priority,
/// by area (every level of an area path, [`crate::model::area_levels`]) and service, sorted.
pub(crate) fn gaps(problem: &Problem, unserved: impl Iterator<Item = NeedIdx>) -> Vec<Gap> {
    let mut gaps: BTreeMap<(Option<&str>, &str), (u64, i64)> = BTreeMap::new();
    for n in unserved {
        let need = problem.need(n);
        for area in crate::model::area_levels(problem.elder(need.elder).area.as_deref()) {
            let g = gaps.entry((area, need.service.as_str())).or_default();
            g.0 += 1;
            g.1 += i64::from(need.priority);
        }
    }
    gaps.into_iter()
        .map(|((area, service), (unmet, unmet_priority))| Gap {
            area: area.map(str::to_owned),
            service: service.to_owned(),
            unmet,
            unmet_priority,
        })
        .collect()
}

/// Adds (`sign` 1) or removes (−1) unmet need `m` to or from the gap report, which
/// stays sorted by (area, service) as [`gaps`] makes it.
pub(crate) fn adjust_gap(problem: &Problem, gaps: &mut Vec<Gap>, m: NeedIdx, sign: i64) {
    let need = problem.need(m);
    for area in crate::model::area_levels(problem.elder(need.elder).area.as_deref()) {
        let key = (area, need.service.as_str());
        let at = gaps.partition_point(|g| (g.area.as_deref(), g.service.as_str()) < key);
        match gaps.get_mut(at) {
            Some(g) if (g.area.as_deref(), g.service.as_str()) == key => {
                g.unmet = (g.unmet as i64 + sign) as u64;
                g.unmet_priority += sign * i64::from(need.priority);
                if g.unmet == 0 {
                    gaps.remove(at);
                }
            }
            _ if sign > 0 => gaps.insert(
                at,
                Gap {
                    area: area.map(str::to_owned),
                    service: need.service.clone(),
                    unmet: 1,
                    unmet_priority: i64::from(need.priority),
                },
            ),
            _ => {}
        }
    }
}
