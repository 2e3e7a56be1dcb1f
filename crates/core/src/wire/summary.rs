//! A plan's totals: the summary, the objective, the search's figures and the gap
//! report.

use serde::{Deserialize, Serialize};

/// What the improvement search did: `summary.search`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SearchSummary {
    /// Iterations run, summed over the searches.
    pub iterations: u64,
    /// Searches run side by side from the same construction, one per thread, each
    /// with its own seed; the best plan wins.
    pub runs: u64,
    /// Iterations of the winning search that found a better plan.
    pub improvements: u64,
    /// `"iterations"` when the iteration budget ended the search (the plan is then
    /// reproducible), `"time_limit"` when the deadline did.
    pub stopped: Stopped,
    /// carematch extension: per operator of the search, the moves it tried and the
    /// moves it applied, summed over the searches (`ruin_recreate`: iterations and
    /// accepted iterations; `relocate`, `swap`, `or_opt`, `two_opt_star`, `swap_star`:
    /// local-search moves evaluated and applied).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operators: Vec<OperatorStats>,
    /// carematch extension: the coolings the winning search began. Without
    /// `options.iterations` the search runs in rounds, each twice as long as the last,
    /// until one finds no better plan; with it, one (0: not reported).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rounds: u64,
    /// carematch extension: true when the plan is proven optimal — a small day (at most
    /// 24 needs and 8 carer shifts, nothing but windows, skills, shifts, travel and
    /// links, a cost of travel and lateness) whose exact polish closed within the time
    /// limit. Absent: not proven (not that it is not optimal).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optimal: bool,
}

/// Whether `n` is 0 (a count not reported).
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What one operator of the search did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OperatorStats {
    /// The operator: `ruin_recreate`, `relocate`, `swap`, `or_opt`, `two_opt_star`,
    /// `swap_star`.
    pub name: String,
    /// Moves evaluated.
    pub tried: u64,
    /// Moves applied (accepted).
    pub applied: u64,
}

/// Why the improvement search stopped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stopped {
    /// The search ended by its own budget: the iterations given, or (without
    /// `options.iterations`) a round that found no better plan. The plan is then the
    /// same for the same input, seed and thread count.
    #[default]
    Iterations,
    /// The time limit came first.
    TimeLimit,
}

/// Distinct providers per elder served (`summary.carers_per_elder`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CarersPerElder {
    /// Mean over the elders with at least one visit served.
    pub mean: f64,
    /// The most any elder has.
    pub max: u64,
}

/// v1.2: who the elders' carers are to them (`summary.trust`): every visit made at
/// home counted once per carer, so a two-carer visit counts twice.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Trust {
    /// Visits made at home.
    pub visits: u64,
    /// Of those, made by a carer the elder knows from `history`.
    pub by_known: u64,
    /// Visits to elders with trusted carers (`prefers`, or rated 4 or more in
    /// `history`).
    pub trusted_visits: u64,
    /// Of those, made by a trusted carer (the rest is what `weights.preferred`
    /// prices).
    pub by_trusted: u64,
    /// Visits to elders with a `primary` carer.
    pub primary_visits: u64,
    /// Of those, made by the primary carer (the rest is what `weights.primary`
    /// prices).
    pub by_primary: u64,
    /// Over the elders with a primary carer and a visit, the mean share of their
    /// visits made by the primary carer (1 when there is no such elder).
    pub primary_share: f64,
}

/// v1.2: the elders and what they were served (`summary.elders`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ElderCounts {
    /// Elders with at least one need.
    pub with_needs: u64,
    /// Elders with at least one need served (what `options.basic_first` puts first).
    pub served: u64,
    /// Elders with needs and none of them served.
    pub left_with_nothing: u64,
    /// Elders with two or more needs (visits) served.
    pub served_twice_or_more: u64,
}

/// v1.2: how the work (travel + service) is shared among carers
/// (`summary.workload`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Per kind of carer (staff, organisation, volunteer) that the problem has: every
    /// carer of the kind counted, those without a visit at 0.
    pub by_kind: Vec<KindWork>,
    /// With some carer's `regular_work`: seconds beyond it, per carer and day, summed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtime: Option<i64>,
    /// With some carer's `regular_work`: seconds short of it on the days she has a
    /// shift, summed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub under_hours: Option<i64>,
    /// Seconds by which each carer's work lies away from the mean of her kind, summed
    /// over carers (what `weights.balance` prices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imbalance: Option<i64>,
}

/// The work of the carers of one kind over the plan, seconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KindWork {
    /// The kind.
    pub kind: super::ProviderKind,
    /// How many carers of the kind.
    pub carers: u64,
    /// The least any of them works.
    pub min: i64,
    /// The mean.
    pub mean: f64,
    /// The most.
    pub max: i64,
    /// The (population) standard deviation.
    pub std: f64,
}

/// Totals of a plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// Needs in the problem (v1.1: visits, a need with `visits: k` counting `k`).
    pub needs: u64,
    /// Needs (visits) served.
    pub assigned: u64,
    /// Needs (visits) not served.
    pub unassigned: u64,
    /// Served priority / total priority (1.0 when the total is 0).
    pub priority_served: f64,
    /// Seconds of travel, all routes.
    pub travel: i64,
    /// Seconds of service, all routes (a two-carer visit counts twice).
    pub service: i64,
    /// Seconds of waiting before a stop's start, all routes.
    pub waiting: i64,
    /// v1.1, with `options.day_length` or a need of several visits: per elder, the
    /// distinct providers who visit them minus one, summed (absent otherwise). v1.2:
    /// for an elder who knows carers from `history`, the carers they do not know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carer_changes: Option<i64>,
    /// carematch extension, with `carer_changes`: distinct providers per elder served,
    /// mean and largest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carers_per_elder: Option<CarersPerElder>,
    /// v1.2: elders with needs, served, left with nothing, served twice or more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elders: Option<ElderCounts>,
    /// v1.2, when some elder has `history`, `prefers` or a `primary` carer: visits by
    /// known, trusted and primary carers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<Trust>,
    /// v1.2: the work per kind of carer (min, mean, max, standard deviation), and
    /// overtime and hours short of contract when some carer has `regular_work`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<Workload>,
    /// v1.1: seconds of lateness, summed over visits (absent in v1 plans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lateness: Option<i64>,
    /// v1.1: the largest lateness of any visit (absent in v1 plans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lateness: Option<i64>,
    /// The lexicographic objective.
    pub objective: Objective,
    /// Proven upper bound on the served priority, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound: Option<Bound>,
    /// carematch extension: what the improvement search did (absent when none ran).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<SearchSummary>,
    /// v1.1: needs (visits) met at venues (absent when the problem has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_venues: Option<u64>,
    /// Wall-clock milliseconds of the solve (the only field that varies between runs).
    pub solve_ms: u64,
    /// Threads used.
    pub threads: u64,
}

/// The lexicographic objective: priority, then served, then cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// Sum of priority over served needs.
    pub priority: i64,
    /// Number of served needs.
    pub served: i64,
    /// Total travel seconds.
    pub travel: i64,
    /// v1.1: level 3, `travel·w.travel + lateness·w.lateness +
    /// max_lateness·w.max_lateness + carer_changes·w.carer_changes` (equal to travel
    /// with the default weights and no soft windows; absent in v1 plans) and v1.2's
    /// terms (see the docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<i64>,
    /// v1.2, with `options.basic_first`: elders with a need served, compared before
    /// `priority`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elders: Option<i64>,
}

/// A proven bound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Bound {
    /// Upper bound on the served priority of any plan.
    pub priority: i64,
}

/// Unmet needs in one area for one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Gap {
    /// The elders' area; null when they have none.
    pub area: Option<String>,
    /// The service id.
    pub service: String,
    /// Number of unmet needs.
    pub unmet: u64,
    /// Their summed priority.
    pub unmet_priority: i64,
}
