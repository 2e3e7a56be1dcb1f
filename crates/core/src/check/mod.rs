//! The plan checker: every feasibility rule of the spec, the oracle of every test.
//!
//! It recomputes every route's timing on its own — from `depart`, leg by leg with
//! [`Problem::travel_time`], allowing the spec's 1 second of rounding slack per leg —
//! and shares no code with the solvers' route rules (the crate's `routes` module). Only the
//! travel formula ([`crate::travel`], tested against known distances) and the rule-2
//! predicate ([`Problem::disqualification`]) are shared, since they *are* the spec.
//!
//! Arithmetic saturates, so a hostile plan yields violations, never a panic.
//!
//! One pass per rule group: `routes.rs` walks each route once (rule 2 per stop,
//! rule 3 timing, rule 5 capacity, the route's own figures) and records every visit;
//! `providers.rs` checks rule 5 per provider and day; `venues.rs` rules 8 and 9 (and
//! records the venue visits); `needs.rs` rules 1, 4 and 6 over the visits;
//! `summary.rs` the summary against the routes.

mod needs;
mod providers;
mod routes;
mod summary;
mod venues;

use std::fmt;

use crate::error::{Error, ErrorKind, FieldPath};
use crate::model::Problem;
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
    /// 3 (v1.2): a working shift takes each of its carer's breaks once, starting inside
    /// its window, lasting its duration, between visits (with the travel of its leg
    /// beside it) and inside the route.
    Break,
    /// 4: both carers of a two-carer need start together.
    Sync,
    /// 5: visits per provider per day.
    MaxVisits,
    /// 5: travel + service per provider per day.
    MaxWork,
    /// 5: load per route.
    Capacity,
    /// 5 (v1.2): travel per provider per day.
    MaxTravel,
    /// 6: a pinned need is served by its provider at its start.
    Pinned,
    /// 7: a link is served whole or not at all; `together` starts equal and providers
    /// distinct; `sequence` starts `min_gap` to `max_gap` apart, providers as asked.
    Link,
    /// 1 over a horizon (the spec numbers no rule of its own for it; rule 8 is the
    /// venues'): the visits of a need of several visits start in different windows of
    /// it, `min_gap` apart, numbered in start order; all or none with `all_visits`.
    Series,
    /// 8 (v1.1): a venue visit takes a seat of a session of a venue offering the
    /// service, within the elder's `walk_limit`; no session above its seats.
    Venue,
    /// 9 (v1.1): an elder's served visits cost at most the elder's budget.
    Budget,
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
            Rule::Break => "break",
            Rule::Sync => "sync",
            Rule::MaxVisits => "max_visits",
            Rule::MaxWork => "max_work",
            Rule::Capacity => "capacity",
            Rule::MaxTravel => "max_travel",
            Rule::Pinned => "pinned",
            Rule::Link => "link",
            Rule::Series => "series",
            Rule::Venue => "venue",
            Rule::Budget => "budget",
            Rule::Consistency => "consistency",
        }
    }

    /// The rule's number in the spec's list (0 for [`Rule::Consistency`]).
    pub fn number(self) -> u8 {
        match self {
            Rule::Coverage | Rule::Series => 1,
            Rule::Qualification => 2,
            Rule::Shift | Rule::Travel | Rule::Window | Rule::Duration | Rule::Break => 3,
            Rule::Sync => 4,
            Rule::MaxVisits | Rule::MaxWork | Rule::Capacity | Rule::MaxTravel => 5,
            Rule::Pinned => 6,
            Rule::Link => 7,
            Rule::Venue => 8,
            Rule::Budget => 9,
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
    let mut walked = routes::walk(problem, plan, &mut c);
    venues::seats(problem, plan, &mut walked, &mut c);
    venues::budgets(problem, plan, &mut c);
    providers::limits(problem, &walked, &mut c);
    let served = needs::coverage(problem, plan, &walked, &mut c);
    needs::sync(problem, &walked, &mut c);
    needs::pins(problem, &walked, &mut c);
    needs::links(problem, &walked, &mut c);
    needs::series(problem, &walked, &mut c);
    summary::figures(problem, plan, &walked, served, &mut c);
    summary::ledger(problem, plan, &mut c);
    c.out
}
