//! What a change did to a plan, small enough to keep: the routes it rewrote, added or
//! emptied, the unassigned entries it changed, and the summary's own fields. A
//! stored plan lives on as its first version and the patches of its changes
//! ([`diff`] makes one, [`apply`] replays it; [`replay`] then [`settle`] replay
//! many); everything a plan says of itself —
//! figures, objective, gaps, ledger, funding — is recomputed from its routes when a
//! patch is applied, the way every plan is assembled.

use serde::{Deserialize, Serialize};

use crate::model::Problem;
use crate::wire::{Plan, Route, Summary, Unassigned};

/// The difference between two plans of one problem (its needs may have grown).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanPatch {
    /// Routes written, each whole, by provider and shift; a route without stops is
    /// removed.
    pub routes: Vec<Route>,
    /// Unassigned entries taken off the list, by need id and visit.
    pub served: Vec<(String, Option<u32>)>,
    /// Unassigned entries added, or changed (a new reason).
    pub unassigned: Vec<Unassigned>,
    /// The summary after the change: its own fields (`bound`, `search`, `solve_ms`,
    /// `threads`) are kept; the rest is recomputed.
    pub summary: Summary,
}

/// The patch that turns `before` into `after`. O(plan): routes are compared by
/// provider and shift.
///
/// ```
/// use carematch_core::{dispatch::dispatch, patch, solve, Problem};
/// let problem = Problem::from_json(br#"{
///   "elders": [{"id": "e1", "location": [116.43, 39.92]}, {"id": "e2", "location": [116.44, 39.92]}],
///   "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]},
///             {"id": "sos", "elder": "e2", "service": "check_in", "windows": [[40000, 46000]]}],
///   "providers": [{"id": "p1", "kind": "staff", "skills": ["meals", "check_in"],
///                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]}]
/// }"#)?;
/// let mut before = solve(&problem)?;
/// before.routes.iter_mut().for_each(|r| r.stops.retain(|s| s.need != "sos"));
/// let after = dispatch(&problem, before.clone(), "sos", None)?.plan;
/// let p = patch::diff(&before, &after);
/// assert!(p.routes.len() <= 1);
/// let mut replayed = before.clone();
/// patch::apply(&problem, &mut replayed, &p);
/// assert_eq!(replayed.routes, after.routes);
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn diff(before: &Plan, after: &Plan) -> PlanPatch {
    let key = |r: &Route| (r.provider.clone(), r.shift);
    let old: std::collections::HashMap<_, &Route> =
        before.routes.iter().map(|r| (key(r), r)).collect();
    let new: std::collections::HashSet<_> = after.routes.iter().map(key).collect();
    let mut routes: Vec<Route> = after
        .routes
        .iter()
        .filter(|r| old.get(&key(r)).is_none_or(|o| *o != *r))
        .cloned()
        .collect();
    routes.extend(
        before
            .routes
            .iter()
            .filter(|r| !new.contains(&key(r)))
            .map(|r| Route {
                stops: Vec::new(),
                ..r.clone()
            }),
    );
    let (served, unassigned) = unassigned_diff(&before.unassigned, &after.unassigned);
    PlanPatch {
        routes,
        served,
        unassigned,
        summary: after.summary.clone(),
    }
}

/// The patch of a change that wrote `routes` (each whole; an emptied one without
/// stops) into a plan whose unassigned entries were `before`, giving `after`: O(the
/// unassigned entries), without the plan before (a dispatch's
/// [`crate::dispatch::Dispatch::changed`] are such routes).
pub fn written(routes: Vec<Route>, before: &[Unassigned], after: &Plan) -> PlanPatch {
    let (served, unassigned) = unassigned_diff(before, &after.unassigned);
    PlanPatch {
        routes,
        served,
        unassigned,
        summary: after.summary.clone(),
    }
}

/// The unassigned entries taken off (by need and visit), and those added or changed.
type UnassignedDiff = (Vec<(String, Option<u32>)>, Vec<Unassigned>);

/// How the unassigned list `after` differs from `before`.
fn unassigned_diff(before: &[Unassigned], after: &[Unassigned]) -> UnassignedDiff {
    fn entry(u: &Unassigned) -> (&str, Option<u32>) {
        (u.need.as_str(), u.visit)
    }
    let was: std::collections::HashMap<_, &Unassigned> =
        before.iter().map(|u| (entry(u), u)).collect();
    let now: std::collections::HashSet<_> = after.iter().map(entry).collect();
    (
        before
            .iter()
            .filter(|u| !now.contains(&entry(u)))
            .map(|u| (u.need.clone(), u.visit))
            .collect(),
        after
            .iter()
            .filter(|u| was.get(&entry(u)).is_none_or(|w| *w != *u))
            .cloned()
            .collect(),
    )
}

/// Applies `patch` to `plan`, a plan of `problem`: routes in slot order, unassigned
/// entries where a dispatch lists them, then every figure recomputed ([`settle`]).
pub fn apply(problem: &Problem, plan: &mut Plan, patch: &PlanPatch) {
    replay(problem, plan, patch);
    settle(problem, plan);
}

/// Applies `patch`'s routes, unassigned entries and summary to `plan`, leaving the
/// figures computed from them (gaps, ledger, funding, the summary's totals) as they
/// were: patches replayed one after another need [`settle`] only once, after the
/// last. [`apply`] is one patch and `settle`.
///
/// ```
/// use carematch_core::{dispatch::dispatch, patch, solve, Problem};
/// let problem = Problem::from_json(br#"{
///   "elders": [{"id": "e1", "location": [116.43, 39.92]}, {"id": "e2", "location": [116.44, 39.92]}],
///   "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]},
///             {"id": "sos", "elder": "e2", "service": "check_in", "windows": [[40000, 46000]]}],
///   "providers": [{"id": "p1", "kind": "staff", "skills": ["meals", "check_in"],
///                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]}]
/// }"#)?;
/// let mut before = solve(&problem)?;
/// before.routes.iter_mut().for_each(|r| r.stops.retain(|s| s.need != "sos"));
/// let after = dispatch(&problem, before.clone(), "sos", None)?.plan;
/// let mut replayed = before.clone();
/// patch::replay(&problem, &mut replayed, &patch::diff(&before, &after));
/// patch::settle(&problem, &mut replayed);
/// assert_eq!(replayed, after);
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn replay(problem: &Problem, plan: &mut Plan, patch: &PlanPatch) {
    let slot = |r: &Route| {
        let p = problem
            .provider_by_id(&r.provider)
            .map_or(u32::MAX, |p| p.0);
        (p, r.shift)
    };
    for route in &patch.routes {
        let at = plan.routes.partition_point(|r| slot(r) < slot(route));
        let same = plan.routes.get(at).is_some_and(|r| slot(r) == slot(route));
        match (same, route.stops.is_empty()) {
            (true, true) => {
                plan.routes.remove(at);
            }
            (true, false) => plan.routes[at] = route.clone(),
            (false, false) => plan.routes.insert(at, route.clone()),
            (false, true) => {}
        }
    }
    let key = |u: &Unassigned| (u.need.clone(), u.visit);
    let gone: std::collections::HashSet<&(String, Option<u32>)> = patch.served.iter().collect();
    plan.unassigned.retain(|u| !gone.contains(&key(u)));
    // Changed entries in place; new ones where the need's index puts them (as a
    // dispatch lists them).
    let index = |id: &str| problem.need_by_id(id).map_or(u32::MAX, |n| n.0);
    for u in &patch.unassigned {
        match plan.unassigned.iter().position(|x| key(x) == key(u)) {
            Some(k) => plan.unassigned[k] = u.clone(),
            None => {
                let at = (plan.unassigned).partition_point(|x| index(&x.need) < index(&u.need));
                plan.unassigned.insert(at, u.clone());
            }
        }
    }
    plan.summary = patch.summary.clone();
}

/// Recomputes what `plan` says of itself from its routes and unassigned entries: the
/// gap report, then the summary's figures, ledger and funding
/// (as a solve assembles its plan).
pub fn settle(problem: &Problem, plan: &mut Plan) {
    plan.gaps = crate::explain::gaps(
        problem,
        plan.unassigned
            .iter()
            .filter_map(|u| problem.need_by_id(&u.need)),
    );
    crate::explain::refresh(problem, plan);
}
