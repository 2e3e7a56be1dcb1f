//! The solver's options and the weights of the cost.

/// The weights of the cost, level 3 of the objective (v1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weights {
    /// Per second of travel.
    pub travel: i64,
    /// Per second of lateness, summed over visits.
    pub lateness: i64,
    /// Per second of the largest lateness.
    pub max_lateness: i64,
    /// Per carer change.
    pub carer_changes: i64,
    /// Per visit an event batch's re-optimisation hands to another carer.
    pub plan_changes: i64,
    /// Per second of work beyond a carer's `regular_work` on a day.
    pub overtime: i64,
    /// Per second of work short of a carer's `regular_work` on a day.
    pub under_hours: i64,
    /// Per second by which a carer's work lies from the mean of her kind.
    pub balance: i64,
    /// Per visit to an elder with trusted carers made by none of them.
    pub preferred: i64,
    /// Per visit to an elder with a primary carer made by another.
    pub primary: i64,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            travel: 1,
            lateness: 1,
            max_lateness: 0,
            carer_changes: 0,
            plan_changes: 3_600,
            overtime: 0,
            under_hours: 0,
            balance: 0,
            preferred: 0,
            primary: 0,
        }
    }
}

/// Solver options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Wall-clock budget in milliseconds.
    pub time_limit_ms: u64,
    /// Threads; 0 = all cores.
    pub threads: usize,
    /// Seed.
    pub seed: u64,
    /// Nearest reachable providers kept per need; 0 = all (see [`crate::feasibility`]).
    pub candidates: usize,
    /// Iterations of the improvement search; `None`: rounds until one finds no better
    /// plan (see [`Options::budget`]).
    pub iterations: Option<u64>,
    /// The weights of the cost.
    pub weights: Weights,

    /// Seconds per day of the horizon; `None`: the whole problem is one day.
    pub day_length: Option<i64>,
    /// The clock time at which day 0 begins.
    pub day_start: i64,
    /// Seconds from a dispatch's `now` within which an `emergency` need without its
    /// own `response_within` must be reached.
    pub response_target: i64,
    /// Seconds by which an event batch's re-optimisation may move a visit still to
    /// come from its start before the batch.
    pub change_tolerance: i64,
    /// Elders served before priority served (`options.basic_first`).
    pub basic_first: bool,
}

/// How long the improvement search goes on, besides the time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// Exactly this many iterations (`options.iterations`), cooling once.
    Fixed(u64),
    /// Rounds of cooling, the first of this many iterations and each next one twice
    /// as long as the last, each from the plan the last left: the search stops after a
    /// round that found no better plan (the default).
    Rounds(u64),
}

impl Budget {
    /// The iterations of the first (or only) cooling.
    ///
    /// ```
    /// use carematch_core::model::Budget;
    /// assert_eq!(Budget::Fixed(7).first(), 7);
    /// assert_eq!(Budget::Rounds(1_000).first(), 1_000);
    /// ```
    pub fn first(self) -> u64 {
        match self {
            Budget::Fixed(k) | Budget::Rounds(k) => k,
        }
    }
}

impl Options {
    /// The improvement search's budget for `needs` needs: the given iterations, or
    /// rounds of which the first is `clamp(100 × needs, 1,000, 1,000,000)` iterations
    /// ([`Options::iterations_for`]).
    ///
    /// ```
    /// use carematch_core::model::{Budget, Options};
    /// let mut o = Options::default();
    /// assert_eq!(o.budget(50), Budget::Rounds(5_000));
    /// o.iterations = Some(300);
    /// assert_eq!(o.budget(50), Budget::Fixed(300));
    /// ```
    pub fn budget(&self, needs: usize) -> Budget {
        match self.iterations {
            Some(k) => Budget::Fixed(k),
            None => Budget::Rounds(self.iterations_for(needs)),
        }
    }

    /// The iterations of the improvement search's first cooling for `needs` needs: the
    /// given ones, or `clamp(100 × needs, 1,000, 1,000,000)`.
    ///
    /// ```
    /// let o = carematch_core::model::Options::default();
    /// assert_eq!(o.iterations_for(5), 1_000);
    /// assert_eq!(o.iterations_for(2_000), 200_000);
    /// ```
    pub fn iterations_for(&self, needs: usize) -> u64 {
        self.iterations
            .unwrap_or_else(|| (100 * needs as u64).clamp(1_000, 1_000_000))
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            time_limit_ms: 2_000,
            threads: 0,
            seed: 1,
            candidates: 32,
            iterations: None,
            weights: Weights::default(),
            day_length: None,
            day_start: 0,
            response_target: 900,
            change_tolerance: 900,
            basic_first: false,
        }
    }
}
