//! What "better" means: the spec's objective, in one place.
//!
//! A plan is compared with another lexicographically (the spec, "Objective"):
//!
//! 1. the sum of `priority` over served needs, larger first;
//! 2. the number of served needs, larger first;
//! 3. the cost, smaller first: `travel·w.travel + lateness·w.lateness +
//!    max_lateness·w.max_lateness + carer_changes·w.carer_changes + overtime·w.overtime
//!    + under_hours·w.under_hours + imbalance·w.balance` with the problem's `options.weights` (travel alone
//!    with the defaults and no soft windows); while an
//!    event batch re-optimises a plan, `+ plan_changes·w.plan_changes` too. The
//!    route rules add up the unweighted [`Terms`] of a plan or of a move
//!    ([`crate::routes`]); [`cost`] weighs them, and is the one place that does;
//! 4. tie-breaks only, never at the cost of 1–3: the elder's trusted carers first
//!    (continuity of care), then the provider with less work so far (balance).
//!
//! [`Score`] is levels 1–3 of one plan and orders plans; [`Terms`] and [`cost`] are
//! level 3; [`tie`] is level 4 between places for one visit that cost the same. Every construction, the search, the
//! explanation and urgent dispatch score plans here. The plan checker ([`crate::check`])
//! recomputes the summary on its own, on purpose: it is the independent oracle.

use crate::model::{NeedIdx, Problem};
use crate::wire;

/// Levels 1–3 of the objective for one plan. `Ord`: greater is better.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Score {
    /// Sum of priority over served needs.
    pub(crate) priority: i64,
    /// Served needs.
    pub(crate) served: i64,
    /// Level 3: the weighted cost.
    pub(crate) cost: i64,
}

impl Score {
    /// The score of a plan serving `served` at cost `cost`.
    pub(crate) fn of(problem: &Problem, served: impl Iterator<Item = NeedIdx>, cost: i64) -> Self {
        let mut s = Score {
            cost,
            ..Score::default()
        };
        for n in served {
            s.serve(problem, n, 1);
        }
        s
    }

    /// The score of a plan leaving out `unserved` (each need once) at cost `cost`.
    pub(crate) fn without(
        problem: &Problem,
        unserved: impl Iterator<Item = NeedIdx>,
        cost: i64,
    ) -> Self {
        let mut s = Score {
            priority: problem.total_priority(),
            served: problem.needs().len() as i64,
            cost,
        };
        for n in unserved {
            s.serve(problem, n, -1);
        }
        s
    }

    /// Counts need `n` as served (`sign` 1) or no longer served (−1).
    pub(crate) fn serve(&mut self, problem: &Problem, n: NeedIdx, sign: i64) {
        self.priority += sign * i64::from(problem.need(n).priority);
        self.served += sign;
    }

    /// Levels 1 and 2: what a plan serves, whatever its cost.
    pub(crate) fn service(&self) -> (i64, i64) {
        (self.priority, self.served)
    }

    /// The objective on the wire (`summary.objective`), with the plan's travel.
    pub(crate) fn to_wire(self, travel: i64) -> wire::Objective {
        wire::Objective {
            priority: self.priority,
            served: self.served,
            travel,
            cost: Some(self.cost),
        }
    }
}

impl Ord for Score {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.priority, self.served, -self.cost).cmp(&(other.priority, other.served, -other.cost))
    }
}

impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The terms of the cost before they are weighted: what a plan, or a change to one,
/// amounts to. The route rules ([`crate::routes`]) add them up; [`cost`] weighs them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Terms {
    /// Seconds of travel.
    pub(crate) travel: i64,
    /// Seconds of lateness, summed over visits.
    pub(crate) lateness: i64,
    /// The largest lateness of a visit.
    pub(crate) max_lateness: i64,
    /// Per elder, the distinct providers who visit them minus one, summed.
    pub(crate) carer_changes: i64,
    /// Visits handed to another carer than the plan being re-planned gave them (only
    /// when a plan is re-planned: [`crate::events`]).
    pub(crate) plan_changes: i64,
    /// Seconds of work beyond the carers' `regular_work`, per day, summed.
    pub(crate) overtime: i64,
    /// Seconds of work short of the carers' `regular_work`, per day, summed.
    pub(crate) under_hours: i64,
    /// Seconds by which carers' work lies from the mean of their kind, summed
    /// ([`imbalance`]).
    pub(crate) imbalance: i64,
}

impl std::ops::AddAssign for Terms {
    fn add_assign(&mut self, o: Terms) {
        self.travel += o.travel;
        self.lateness += o.lateness;
        self.max_lateness += o.max_lateness;
        self.carer_changes += o.carer_changes;
        self.plan_changes += o.plan_changes;
        self.overtime += o.overtime;
        self.under_hours += o.under_hours;
        self.imbalance += o.imbalance;
    }
}

/// Level 3, the cost of `t` under the problem's weights: the one place a weight
/// multiplies a term.
///
/// ```text
/// cost = travel·w.travel + lateness·w.lateness + max_lateness·w.max_lateness
///      + carer_changes·w.carer_changes + plan_changes·w.plan_changes
///      + overtime·w.overtime + under_hours·w.under_hours + imbalance·w.balance
/// ```
///
/// `plan_changes` is 0 but in an event batch's re-optimisation, so a plan's own
/// cost (`summary.objective.cost`) never holds it.
pub(crate) fn cost(problem: &Problem, t: &Terms) -> i64 {
    let w = &problem.options().weights;
    w.travel * t.travel
        + w.lateness * t.lateness
        + w.max_lateness * t.max_lateness
        + w.carer_changes * t.carer_changes
        + w.plan_changes * t.plan_changes
        + w.overtime * t.overtime
        + w.under_hours * t.under_hours
        + w.balance * t.imbalance
}

/// The part of `t`'s cost a search measures its annealing temperatures against: all of
/// it but the carers' workload terms (overtime, hours short, imbalance), which are
/// sums over every carer rather than something a leg of a route adds to.
pub(crate) fn scale(problem: &Problem, t: &Terms) -> i64 {
    let w = &problem.options().weights;
    cost(problem, t)
        - w.overtime * t.overtime
        - w.under_hours * t.under_hours
        - w.balance * t.imbalance
}

/// The imbalance of one kind of carer's work: `Σ |wᵢ − mean|`, exactly, as
/// `round(Σ |n·wᵢ − S| / n)` for `n` carers of total work `S` (`sum_abs` is that sum
/// of `|n·wᵢ − S|`).
///
/// ```text
/// works 10, 20, 30: mean 20, |−10| + 0 + 10 = 20
/// ```
pub(crate) fn imbalance(sum_abs: i64, n: i64) -> i64 {
    if n == 0 {
        0
    } else {
        (sum_abs + n / 2) / n
    }
}

/// Whether travel weighs in the cost at all: a move that saves travel then saves cost,
/// so the local search may judge moves by their priced delta.
pub(crate) fn prices_travel(problem: &Problem) -> bool {
    problem.options().weights.travel > 0
}

/// Whether carer changes weigh in the cost.
pub(crate) fn prices_carer_changes(problem: &Problem) -> bool {
    problem.options().weights.carer_changes > 0
}

/// Distinct providers visiting each elder, from `(elder, provider)` visits.
pub(crate) fn carers_per_elder(
    problem: &Problem,
    visits: impl Iterator<Item = (u32, u32)>,
) -> Vec<u32> {
    let mut pairs: Vec<(u32, u32)> = visits.collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut out = vec![0; problem.elders().len()];
    for (e, _) in pairs {
        out[e as usize] += 1;
    }
    out
}

/// Carer changes: per elder, distinct providers minus one (0 for none), summed.
pub(crate) fn carer_changes(per_elder: &[u32]) -> i64 {
    per_elder
        .iter()
        .map(|&d| i64::from(d.saturating_sub(1)))
        .sum()
}

/// Level 4, between places for one visit that cost the same, smaller first: not one
/// of the elder's trusted carers (`prefers`, continuity of care), then the provider's
/// work so far, travel and service (balance: carers who start from one station tie
/// exactly whenever a visit would open a new route).
pub(crate) fn tie(trusted: bool, work: i64) -> (bool, i64) {
    (!trusted, work)
}

/// `summary.priority_served`: served priority over the total (1 when the total is 0).
pub(crate) fn priority_served(problem: &Problem, served_priority: i64) -> f64 {
    let total = problem.total_priority();
    if total == 0 {
        1.0
    } else {
        served_priority as f64 / total as f64
    }
}

/// Seconds a route's carer waits at doors before visits start.
pub(crate) fn waiting(route: &wire::Route) -> i64 {
    route.stops.iter().map(|s| s.start - s.arrival).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_first_then_count_then_cost() {
        let s = |priority, served, cost| Score {
            priority,
            served,
            cost,
        };
        assert!(s(10, 1, 900) > s(9, 2, 10));
        assert!(s(10, 2, 900) > s(10, 1, 10));
        assert!(s(10, 2, 10) > s(10, 2, 11));
        assert_eq!(s(1, 1, 1).cmp(&s(1, 1, 1)), std::cmp::Ordering::Equal);
    }

    #[test]
    fn trusted_carers_then_less_work() {
        assert!(tie(true, 900) < tie(false, 0));
        assert!(tie(false, 10) < tie(false, 11));
    }
}
