//! Turning a construction into the plan a caller reads: routes on the wire, the
//! summary and objective, every unserved need with its reason, and the gap report
//! (unmet needs and priority by area and service: where supply is short).

use std::collections::BTreeMap;

use crate::model::{NeedIdx, Problem};
use crate::objective::{priority_served, waiting, Score};
use crate::routes::RouteState;
use crate::wire::{Bound, Gap, Plan, Reason, Summary, Unassigned};

/// Assembles a [`Plan`] from built routes and the needs left out.
///
/// `unassigned` must list every need not in a route exactly once.
pub(crate) fn build_plan(
    problem: &Problem,
    routes: &[RouteState],
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
    let wire_routes: Vec<_> = wire_routes.into_iter().map(|(_, r)| r).collect();

    let mut travel = 0;
    let mut service = 0;
    let mut waited = 0;
    for r in &wire_routes {
        travel += r.travel;
        service += r.service;
        waited += waiting(r);
    }
    let (lateness, max_lateness) = lateness(&wire_routes);
    let score = Score::without(
        problem,
        unassigned.iter().map(|u| u.0),
        crate::routes::cost_of(problem, routes),
    );

    Plan {
        summary: Summary {
            needs: problem.needs().len() as u64,
            assigned: score.served as u64,
            unassigned: unassigned.len() as u64,
            priority_served: priority_served(problem, score.priority),
            travel,
            service,
            waiting: waited,
            lateness: Some(lateness),
            max_lateness: Some(max_lateness),
            objective: score.to_wire(travel),
            bound: bound.map(|priority| Bound { priority }),
            search: None,
            solve_ms,
            threads: threads as u64,
        },
        routes: wire_routes,
        unassigned: unassigned
            .iter()
            .map(|(n, reason, detail)| Unassigned {
                need: problem.need(*n).id.clone(),
                reason: *reason,
                detail: detail.clone(),
            })
            .collect(),
        gaps: gaps(problem, unassigned.iter().map(|u| u.0)),
    }
}

/// The lateness of the visits of `routes`: summed, and the largest.
pub(crate) fn lateness(routes: &[crate::wire::Route]) -> (i64, i64) {
    routes
        .iter()
        .flat_map(|r| &r.stops)
        .fold((0, 0), |(sum, max), s| (sum + s.late, max.max(s.late)))
}

/// The gap report of the unserved needs `unserved`: how many, and how much priority,
/// by area and service, sorted.
pub(crate) fn gaps(problem: &Problem, unserved: impl Iterator<Item = NeedIdx>) -> Vec<Gap> {
    let mut gaps: BTreeMap<(Option<&str>, &str), (u64, i64)> = BTreeMap::new();
    for n in unserved {
        let need = problem.need(n);
        let area = problem.elder(need.elder).area.as_deref();
        let g = gaps.entry((area, need.service.as_str())).or_default();
        g.0 += 1;
        g.1 += i64::from(need.priority);
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
    let area = problem.elder(need.elder).area.as_deref();
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
