//! The plan checker: every feasibility rule of the spec, the oracle of every test.
//!
//! It recomputes every route's timing on its own — from `depart`, leg by leg with
//! [`Problem::travel_time`], allowing the spec's 1 second of rounding slack per leg —
//! and shares no code with the solvers' scheduling ([`crate::schedule`]). Only the
//! travel formula ([`crate::travel`], tested against known distances) and the rule-2
//! predicate ([`Problem::disqualification`]) are shared, since they *are* the spec.
//!
//! Arithmetic saturates, so a hostile plan yields violations, never a panic.

use std::collections::HashMap;
use std::fmt;

use crate::error::{Error, ErrorKind, FieldPath};
use crate::model::{NeedIdx, Problem, ProviderIdx};
use crate::wire::Plan;

/// A feasibility rule of the spec (numbered as there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// 1: each need served by exactly `caregivers` distinct providers or listed once as
    /// unassigned, never both.
    Coverage,
    /// 2: skills, level, avoids, carer gender, volunteer rule.
    Qualification,
    /// 3: a route belongs to one existing shift, leaves no earlier than its start and is
    /// back by its end; one route per shift.
    Shift,
    /// 3: `arrival = previous end + travel` (±1 s per leg) and `start >= arrival`.
    Travel,
    /// 3: `start` lies inside one of the need's windows.
    Window,
    /// 3: `end = start + duration`.
    Duration,
    /// 4: both carers of a two-carer need start together.
    Sync,
    /// 5: visits per provider per day.
    MaxVisits,
    /// 5: travel + service per provider per day.
    MaxWork,
    /// 5: load per route.
    Capacity,
    /// 6: a pinned need is served by its provider at its start.
    Pinned,
    /// The plan's own figures (ids, elder of a stop, route and summary totals) agree
    /// with its routes.
    Consistency,
}

impl Rule {
    /// The rule's name, as printed (`window`, `max_work`, …).
    pub fn name(self) -> &'static str {
        match self {
            Rule::Coverage => "coverage",
            Rule::Qualification => "qualification",
            Rule::Shift => "shift",
            Rule::Travel => "travel",
            Rule::Window => "window",
            Rule::Duration => "duration",
            Rule::Sync => "sync",
            Rule::MaxVisits => "max_visits",
            Rule::MaxWork => "max_work",
            Rule::Capacity => "capacity",
            Rule::Pinned => "pinned",
            Rule::Consistency => "consistency",
        }
    }

    /// The rule's number in the spec's list (0 for [`Rule::Consistency`]).
    pub fn number(self) -> u8 {
        match self {
            Rule::Coverage => 1,
            Rule::Qualification => 2,
            Rule::Shift | Rule::Travel | Rule::Window | Rule::Duration => 3,
            Rule::Sync => 4,
            Rule::MaxVisits | Rule::MaxWork | Rule::Capacity => 5,
            Rule::Pinned => 6,
            Rule::Consistency => 0,
        }
    }
}

/// One broken rule, where in the plan, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule broken.
    pub rule: Rule,
    /// Where in the plan (`routes[2].stops[1].start`).
    pub path: FieldPath,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "rule {} ({}): {}: {}",
            self.rule.number(),
            self.rule.name(),
            if self.path.is_root() {
                "plan".to_owned()
            } else {
                self.path.to_string()
            },
            self.message
        )
    }
}

/// Parses a plan document (for `carematch check`).
pub fn parse_plan(bytes: &[u8]) -> Result<Plan, Error> {
    crate::error::from_json(bytes, ErrorKind::InvalidPlan)
}

/// Rounding slack per travel leg, seconds.
const SLACK: i64 = 1;

struct Checker {
    out: Vec<Violation>,
}

impl Checker {
    fn flag(&mut self, rule: Rule, path: FieldPath, message: String) {
        self.out.push(Violation {
            rule,
            path,
            message,
        });
    }
}

/// Checks `plan` against every feasibility rule; an empty list means feasible.
///
/// ```
/// use carematch_core::{check, check::Rule, solve, Problem};
/// let problem = Problem::from_json(br#"{
///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
///   "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]}],
///   "providers": [{"id": "p1", "kind": "volunteer", "skills": ["meals"],
///                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]}]
/// }"#)?;
/// let mut plan = solve(&problem)?;
/// assert!(check(&problem, &plan).is_empty());
/// plan.routes[0].stops[0].start += 100_000; // outside the window, past the shift
/// let v = check(&problem, &plan);
/// assert!(v.iter().any(|v| v.rule == Rule::Window));
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn check(problem: &Problem, plan: &Plan) -> Vec<Violation> {
    let mut c = Checker { out: Vec::new() };
    let rpath = FieldPath::root().key("routes");
    // need -> [(provider, start, path of the stop)]
    let mut served: HashMap<NeedIdx, Vec<(ProviderIdx, i64, FieldPath)>> = HashMap::new();
    let mut per_provider: HashMap<ProviderIdx, (i64, i64, i64)> = HashMap::new(); // visits, work, legs
    let mut seen_shift: HashMap<(ProviderIdx, usize), usize> = HashMap::new();
    let mut total_travel = 0i64;
    let mut total_service = 0i64;

    for (ri, route) in plan.routes.iter().enumerate() {
        let path = rpath.index(ri);
        let Some(p) = problem.provider_by_id(&route.provider) else {
            c.flag(
                Rule::Consistency,
                path.key("provider"),
                format!("unknown provider '{}'", route.provider),
            );
            continue;
        };
        let prov = problem.provider(p);
        // An unknown shift is flagged; the stops are still checked, against an
        // unbounded day.
        let shift = prov.shifts.get(route.shift).copied().unwrap_or_else(|| {
            c.flag(
                Rule::Shift,
                path.key("shift"),
                format!("provider '{}' has no shift {}", prov.id, route.shift),
            );
            crate::model::Window {
                open: i64::MIN,
                close: i64::MAX,
            }
        });
        if let Some(other) = seen_shift.insert((p, route.shift), ri) {
            c.flag(
                Rule::Shift,
                path.key("shift"),
                format!(
                    "routes[{other}] already covers shift {} of '{}'",
                    route.shift, prov.id
                ),
            );
        }
        if route.depart < shift.open {
            c.flag(
                Rule::Shift,
                path.key("depart"),
                format!(
                    "departs at {} before the shift opens at {}",
                    route.depart, shift.open
                ),
            );
        }
        let mut t = route.depart;
        let mut loc = &prov.start;
        let mut travel = 0i64;
        let mut service = 0i64;
        let mut load = 0i64;
        let mut in_route: HashMap<NeedIdx, usize> = HashMap::new();
        for (si, stop) in route.stops.iter().enumerate() {
            let spath = path.key("stops").index(si);
            let Some(n) = problem.need_by_id(&stop.need) else {
                c.flag(
                    Rule::Coverage,
                    spath.key("need"),
                    format!("unknown need '{}'", stop.need),
                );
                continue;
            };
            let need = problem.need(n);
            let elder = problem.elder(need.elder);
            if elder.id != stop.elder {
                c.flag(
                    Rule::Consistency,
                    spath.key("elder"),
                    format!(
                        "need '{}' is for elder '{}', not '{}'",
                        need.id, elder.id, stop.elder
                    ),
                );
            }
            if let Some(first) = in_route.insert(n, si) {
                c.flag(
                    Rule::Coverage,
                    spath.key("need"),
                    format!(
                        "need '{}' already visited at stops[{first}] of this route",
                        need.id
                    ),
                );
            }
            if let Some(why) = problem.disqualification(p, n) {
                c.flag(
                    Rule::Qualification,
                    spath.key("need"),
                    format!(
                        "provider '{}' may not serve need '{}': {why:?}",
                        prov.id, need.id
                    ),
                );
            }
            let here = &elder.location;
            let leg = problem.travel_time(p, loc, here);
            let expect = t.saturating_add(leg);
            if stop.arrival < expect - SLACK || stop.arrival > expect.saturating_add(SLACK) {
                c.flag(
                    Rule::Travel,
                    spath.key("arrival"),
                    format!(
                        "arrival {} but leaving at {t} with {leg} s of travel gives {expect}",
                        stop.arrival
                    ),
                );
            }
            if stop.start < stop.arrival.min(expect) {
                c.flag(
                    Rule::Travel,
                    spath.key("start"),
                    format!(
                        "starts at {} before arriving at {}",
                        stop.start,
                        stop.arrival.max(expect - SLACK)
                    ),
                );
            }
            if !need.windows.iter().any(|w| w.contains(stop.start)) {
                c.flag(
                    Rule::Window,
                    spath.key("start"),
                    format!("start {} is outside need '{}' windows", stop.start, need.id),
                );
            }
            let end = stop.start.saturating_add(need.duration);
            if stop.end != end {
                c.flag(
                    Rule::Duration,
                    spath.key("end"),
                    format!("end {} is not start + duration = {end}", stop.end),
                );
            }
            served
                .entry(n)
                .or_default()
                .push((p, stop.start, spath.clone()));
            travel = travel.saturating_add(leg);
            service = service.saturating_add(need.duration);
            load = load.saturating_add(need.load);
            t = end;
            loc = here;
        }
        let legs = route.stops.len() as i64 + 1;
        if !route.stops.is_empty() {
            let leg = problem.travel_time(p, loc, &prov.end);
            travel = travel.saturating_add(leg);
            let expect = t.saturating_add(leg);
            if route.return_ < expect - SLACK {
                c.flag(
                    Rule::Travel,
                    path.key("return"),
                    format!("returns at {} but the last visit ends at {t} and the way back takes {leg} s", route.return_),
                );
            }
        }
        if route.return_ > shift.close || route.return_ < route.depart {
            c.flag(
                Rule::Shift,
                path.key("return"),
                format!(
                    "returns at {} outside the shift [{}, {}] (departs {})",
                    route.return_, shift.open, shift.close, route.depart
                ),
            );
        }
        if (route.travel - travel).abs() > legs * SLACK {
            c.flag(
                Rule::Consistency,
                path.key("travel"),
                format!(
                    "reports {} s of travel; its legs add up to {travel}",
                    route.travel
                ),
            );
        }
        if route.service != service {
            c.flag(
                Rule::Consistency,
                path.key("service"),
                format!(
                    "reports {} s of service; its stops add up to {service}",
                    route.service
                ),
            );
        }
        if route.load != load {
            c.flag(
                Rule::Consistency,
                path.key("load"),
                format!("reports load {}; its stops add up to {load}", route.load),
            );
        }
        if let Some(cap) = prov.capacity {
            if load > cap {
                c.flag(
                    Rule::Capacity,
                    path.key("load"),
                    format!("carries {load}, above capacity {cap} of '{}'", prov.id),
                );
            }
        }
        let e = per_provider.entry(p).or_default();
        e.0 += route.stops.len() as i64;
        e.1 = e.1.saturating_add(travel).saturating_add(service);
        e.2 += legs;
        total_travel = total_travel.saturating_add(route.travel);
        total_service = total_service.saturating_add(route.service);
    }

    let mut providers: Vec<_> = per_provider.into_iter().collect();
    providers.sort_unstable_by_key(|(p, _)| *p);
    for (p, (visits, work, legs)) in providers {
        let prov = problem.provider(p);
        let path = FieldPath::root().key("routes");
        if let Some(m) = prov.max_visits {
            if visits > i64::from(m) {
                c.flag(
                    Rule::MaxVisits,
                    path.clone(),
                    format!(
                        "provider '{}' makes {visits} visits, above max_visits {m}",
                        prov.id
                    ),
                );
            }
        }
        if let Some(m) = prov.max_work {
            if work - legs * SLACK > m {
                c.flag(
                    Rule::MaxWork,
                    path,
                    format!("provider '{}' works {work} s, above max_work {m}", prov.id),
                );
            }
        }
    }

    // Rule 1, 4, 6 over all needs.
    let upath = FieldPath::root().key("unassigned");
    let mut listed: HashMap<NeedIdx, usize> = HashMap::new();
    for (ui, u) in plan.unassigned.iter().enumerate() {
        match problem.need_by_id(&u.need) {
            None => c.flag(
                Rule::Coverage,
                upath.index(ui).key("need"),
                format!("unknown need '{}'", u.need),
            ),
            Some(n) => {
                if let Some(first) = listed.insert(n, ui) {
                    c.flag(
                        Rule::Coverage,
                        upath.index(ui).key("need"),
                        format!("need '{}' already listed at unassigned[{first}]", u.need),
                    );
                }
            }
        }
    }
    let mut served_priority = 0i64;
    let mut served_count = 0i64;
    for (i, need) in problem.needs().iter().enumerate() {
        let n = NeedIdx(i as u32);
        let visits = served.get(&n).map_or(&[][..], |v| v.as_slice());
        let path_of = |k: usize| visits[k].2.clone();
        if visits.is_empty() {
            if !listed.contains_key(&n) {
                c.flag(
                    Rule::Coverage,
                    FieldPath::root(),
                    format!("need '{}' is neither served nor unassigned", need.id),
                );
            }
        } else {
            served_priority += i64::from(need.priority);
            served_count += 1;
            if let Some(&ui) = listed.get(&n) {
                c.flag(
                    Rule::Coverage,
                    upath.index(ui).key("need"),
                    format!("need '{}' is both served and unassigned", need.id),
                );
            }
            let mut provs: Vec<ProviderIdx> = visits.iter().map(|v| v.0).collect();
            provs.sort_unstable();
            provs.dedup();
            if provs.len() < visits.len() {
                c.flag(
                    Rule::Coverage,
                    path_of(visits.len() - 1),
                    format!("need '{}' is visited twice by one provider", need.id),
                );
            }
            if visits.len() != usize::from(need.caregivers) {
                c.flag(
                    Rule::Coverage,
                    path_of(0),
                    format!(
                        "need '{}' needs {} carer(s) but is in {} route(s)",
                        need.id,
                        need.caregivers,
                        visits.len()
                    ),
                );
            }
            if visits.iter().any(|v| v.1 != visits[0].1) {
                c.flag(
                    Rule::Sync,
                    path_of(1.min(visits.len() - 1)),
                    format!("the carers of need '{}' start at different times", need.id),
                );
            }
        }
        if let Some(pin) = need.pinned {
            if !visits
                .iter()
                .any(|v| v.0 == pin.provider && v.1 == pin.start)
            {
                c.flag(
                    Rule::Pinned,
                    visits.first().map_or(FieldPath::root(), |v| v.2.clone()),
                    format!(
                        "need '{}' is pinned to '{}' at {} but not served so",
                        need.id,
                        problem.provider(pin.provider).id,
                        pin.start
                    ),
                );
            }
        }
    }

    // The summary must describe the routes.
    let s = &plan.summary;
    let sp = FieldPath::root().key("summary");
    let needs = problem.needs().len() as u64;
    let expect = [
        ("needs", s.needs as i64, needs as i64),
        ("assigned", s.assigned as i64, served_count),
        (
            "unassigned",
            s.unassigned as i64,
            plan.unassigned.len() as i64,
        ),
        ("travel", s.travel, total_travel),
        ("service", s.service, total_service),
    ];
    for (field, got, want) in expect {
        if got != want {
            c.flag(
                Rule::Consistency,
                sp.key(field),
                format!("is {got}; the plan has {want}"),
            );
        }
    }
    if s.objective.priority != served_priority {
        c.flag(
            Rule::Consistency,
            sp.key("objective").key("priority"),
            format!(
                "is {}; served needs add up to {served_priority}",
                s.objective.priority
            ),
        );
    }
    if s.objective.served != served_count {
        c.flag(
            Rule::Consistency,
            sp.key("objective").key("served"),
            format!("is {}; {served_count} needs are served", s.objective.served),
        );
    }
    if s.objective.travel != total_travel {
        c.flag(
            Rule::Consistency,
            sp.key("objective").key("travel"),
            format!("is {}; routes travel {total_travel}", s.objective.travel),
        );
    }
    c.out
}
