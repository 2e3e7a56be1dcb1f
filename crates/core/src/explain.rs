//! Turning a construction into the plan a caller reads: routes on the wire, the
//! summary and objective, every unserved need with its reason, and the gap report
//! (unmet needs and priority by area and service: where supply is short).

use std::collections::BTreeMap;

use crate::model::{NeedIdx, Problem};
use crate::schedule::RouteState;
use crate::wire::{Bound, Gap, Objective, Plan, Reason, Summary, Unassigned};

/// Assembles a [`Plan`] from built routes and the needs left out.
///
/// `unassigned` must list every need not in a route exactly once.
pub fn build_plan(
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
    let mut waiting = 0;
    for r in &wire_routes {
        travel += r.travel;
        service += r.service;
        waiting += r.stops.iter().map(|s| s.start - s.arrival).sum::<i64>();
    }
    let unserved_priority: i64 = unassigned
        .iter()
        .map(|(n, ..)| i64::from(problem.need(*n).priority))
        .sum();
    let total = problem.total_priority();
    let served_priority = total - unserved_priority;
    let needs = problem.needs().len() as u64;
    let served = needs - unassigned.len() as u64;

    Plan {
        summary: Summary {
            needs,
            assigned: served,
            unassigned: unassigned.len() as u64,
            priority_served: if total == 0 {
                1.0
            } else {
                served_priority as f64 / total as f64
            },
            travel,
            service,
            waiting,
            objective: Objective {
                priority: served_priority,
                served: served as i64,
                travel,
            },
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

/// The gap report of the unserved needs `unserved`: how many, and how much priority,
/// by area and service, sorted.
pub fn gaps(problem: &Problem, unserved: impl Iterator<Item = NeedIdx>) -> Vec<Gap> {
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
