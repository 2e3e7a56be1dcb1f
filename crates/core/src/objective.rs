//! What "better" means: the spec's objective, in one place.
//!
//! A plan is compared with another lexicographically (the spec, "Objective"):
//!
//! 0. with `options.basic_first` only, the elders with a need served, more first;
//! 1. the sum of `priority` over served needs, larger first;
//! 2. the number of served needs, larger first;
//! 3. the cost, smaller first: `travel·w.travel + lateness·w.lateness +
//!    max_lateness·w.max_lateness + carer_changes·w.carer_changes +
//!    overtime·w.overtime + under_hours·w.under_hours + imbalance·w.balance +
//!    not_preferred·w.preferred + not_primary·w.primary` with the problem's
//!    `options.weights` (travel alone with the defaults and no soft windows); while an
//!    event batch re-optimises a plan, `+ plan_changes·w.plan_changes` too. The
//!    route rules add up the unweighted [`Terms`] of a plan or of a move
//!    ([`crate::routes`]); [`cost`] weighs them, and is the one place that does;
//! 4. tie-breaks only, never at the cost of 1–3: the elder's trusted carers first
//!    (continuity of care), then the provider with less work so far (balance).
//!
//! [`Score`] is levels 0–3 of one plan and orders plans; [`Terms`] and [`cost`] are
//! level 3; [`tie`] is level 4 between places for one visit that cost the same. Every construction, the search, the
//! explanation and urgent dispatch score plans here. The plan checker ([`crate::check`])
//! recomputes the summary on its own, on purpose: it is the independent oracle.

use crate::model::{NeedIdx, Problem};
use crate::wire;

/// Levels 1–3 of the objective for one plan. `Ord`: greater is better.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Score {
    /// Level 0 with `options.basic_first`: elders with at least one need served (0
    /// without it).
    pub(crate) elders: i64,
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
        let basic = problem.options().basic_first;
        let mut seen = vec![false; if basic { problem.elders().len() } else { 0 }];
        for n in served {
            s.serve(problem, n, 1);
            if let Some(x) = seen.get_mut(problem.need(n).elder.ix()) {
                s.elders += i64::from(!*x);
                *x = true;
            }
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
            elders: 0,
            priority: problem.total_priority(),
            served: problem.needs().len() as i64,
            cost,
        };
        let basic = problem.options().basic_first;
        // With basic_first, per elder: its needs less those unserved.
        let mut left = vec![0i64; if basic { problem.elders().len() } else { 0 }];
        if basic {
            for n in problem.needs() {
                left[n.elder.ix()] += 1;
            }
        }
        for n in unserved {
            s.serve(problem, n, -1);
            if let Some(x) = left.get_mut(problem.need(n).elder.ix()) {
                *x -= 1;
            }
        }
        s.elders = left.iter().filter(|&&x| x > 0).count() as i64;
        s
    }

    /// Counts need `n` as served (`sign` 1) or no longer served (−1).
    pub(crate) fn serve(&mut self, problem: &Problem, n: NeedIdx, sign: i64) {
        self.priority += sign * i64::from(problem.need(n).priority);
        self.served += sign;
    }

    /// Levels 0–2: what a plan serves, whatever its cost.
    pub(crate) fn service(&self) -> (i64, i64, i64) {
        (self.elders, self.priority, self.served)
    }

    /// The objective on the wire (`summary.objective`), with the plan's travel.
    pub(crate) fn to_wire(self, problem: &Problem, travel: i64) -> wire::Objective {
        wire::Objective {
            priority: self.priority,
            served: self.served,
            travel,
            cost: Some(self.cost),
            elders: problem.options().basic_first.then_some(self.elders),
        }
    }
}

impl Ord for Score {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.service(), -self.cost).cmp(&(other.service(), -other.cost))
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
    /// Visits to elders with trusted carers made by none of them.
    pub(crate) not_preferred: i64,
    /// Visits to elders with a primary carer made by another.
    pub(crate) not_primary: i64,
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
        self.not_preferred += o.not_preferred;
        self.not_primary += o.not_primary;
    }
}

/// Level 3, the cost of `t` under the problem's weights: the one place a weight
/// multiplies a term.
///
/// ```text
/// cost = travel·w.travel + lateness·w.lateness + max_lateness·w.max_lateness
///      + carer_changes·w.carer_changes + plan_changes·w.plan_changes
///      + overtime·w.overtime + under_hours·w.under_hours + imbalance·w.balance
///      + not_preferred·w.preferred + not_primary·w.primary
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
        + w.preferred * t.not_preferred
        + w.primary * t.not_primary
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

/// Whether visits by carers an elder does not trust, or by another than their primary
/// carer, weigh in the cost.
pub(crate) fn prices_trust(problem: &Problem) -> bool {
    let w = &problem.options().weights;
    w.preferred > 0 || w.primary > 0
}

/// Per elder, the distinct providers visiting them and how many of those the elder
/// does not know ([`crate::model::Elder::known`]), from `(elder, provider)` visits.
pub(crate) fn carers_per_elder(
    problem: &Problem,
    visits: impl Iterator<Item = (u32, u32)>,
) -> Vec<(u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = visits.collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut out = vec![(0, 0); problem.elders().len()];
    for (e, p) in pairs {
        let known = &problem.elder(crate::model::ElderIdx(e)).known;
        let x = &mut out[e as usize];
        x.0 += 1;
        x.1 += u32::from(known.binary_search(&crate::model::ProviderIdx(p)).is_err());
    }
    out
}

/// An elder's carer changes, from the distinct carers who visit them (`distinct`), how
/// many of those they do not know (`strangers`), and whether they know anyone
/// (`knows`): each stranger is a change, but for the first carer of an elder who
/// knows nobody.
///
/// ```text
/// knows nobody, 3 carers:              2
/// knows A; the plan sends A and B:     1
/// knows A; the plan sends B:           1
/// ```
pub(crate) fn changes_of(distinct: u32, strangers: u32, knows: bool) -> i64 {
    let first_free = u32::from(!knows && distinct > 0);
    i64::from(strangers - first_free)
}

/// Carer changes over the plan ([`changes_of`] per elder), from [`carers_per_elder`].
pub(crate) fn carer_changes(problem: &Problem, per_elder: &[(u32, u32)]) -> i64 {
    per_elder
        .iter()
        .zip(problem.elders())
        .map(|(&(d, s), e)| changes_of(d, s, !e.known.is_empty()))
        .sum()
}

/// What an elder's lead need adds to its rank with `options.basic_first`: more than
/// any priority (at most 100), so every elder's lead comes before any second need.
pub(crate) const LEAD: u32 = 101;

/// The highest [`ranks`] value a need can have.
pub(crate) const MAX_RANK: u32 = 100 + LEAD;

/// Per need, the rank a construction places it by, higher first: its priority and,
/// with `options.basic_first`, [`LEAD`] more for each elder's lead need (its highest
/// priority, the first such) — levels 0 and 1 of the objective in one number.
///
/// ```text
/// basic_first; elder e: needs of priority 30, 60; elder f: 20  →  ranks 30, 161, 121
/// ```
pub(crate) fn ranks(problem: &Problem) -> Vec<u32> {
    let mut ranks: Vec<u32> = problem.needs().iter().map(|n| n.priority).collect();
    if problem.options().basic_first {
        let mut lead: Vec<Option<usize>> = vec![None; problem.elders().len()];
        for (i, n) in problem.needs().iter().enumerate() {
            let l = &mut lead[n.elder.ix()];
            if l.is_none_or(|k| problem.needs()[k].priority < n.priority) {
                *l = Some(i);
            }
        }
        for i in lead.into_iter().flatten() {
            ranks[i] += LEAD;
        }
    }
    ranks
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
            elders: 0,
            priority,
            served,
            cost,
        };
        assert!(s(10, 1, 900) > s(9, 2, 10));
        assert!(s(10, 2, 900) > s(10, 1, 10));
        assert!(s(10, 2, 10) > s(10, 2, 11));
        assert_eq!(s(1, 1, 1).cmp(&s(1, 1, 1)), std::cmp::Ordering::Equal);
        // basic_first: elders served come before priority.
        let more_elders = Score {
            elders: 2,
            ..s(1, 2, 900)
        };
        assert!(
            more_elders
                > Score {
                    elders: 1,
                    ..s(10, 3, 0)
                }
        );
    }

    #[test]
    fn changes_count_strangers_and_the_first_carer_of_an_elder_who_knows_nobody_is_free() {
        assert_eq!(changes_of(3, 3, false), 2);
        assert_eq!(changes_of(0, 0, false), 0);
        assert_eq!(changes_of(2, 1, true), 1, "knows A; A and B");
        assert_eq!(changes_of(1, 1, true), 1, "knows A; B only");
        assert_eq!(changes_of(1, 0, true), 0, "knows A; A only");
    }

    #[test]
    fn trusted_carers_then_less_work() {
        assert!(tie(true, 900) < tie(false, 0));
        assert!(tie(false, 10) < tie(false, 11));
    }
}
