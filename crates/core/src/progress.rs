//! What a solve tells its observer while it runs: its phases and each new best plan of
//! the search. Below both `solve` (which re-exports these types) and `search` (which
//! reports its new best plans), so that neither imports the other.

/// What a solve tells its observer while it runs ([`crate::solve_observed`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Progress {
    /// A phase begins: `"candidates"`, `"construction"`, `"search"`, `"plan"`.
    Phase(&'static str),
    /// The search found a new best plan after `iterations` iterations: its served
    /// priority, served needs and cost (`score.travel` is not filled in: 0).
    Best {
        /// Iterations run so far by the search that found it.
        iterations: u64,
        /// The plan's objective.
        score: crate::wire::Objective,
    },
}

/// A solve's observer: called from the solving threads, so it must be quick.
pub type Observer<'a> = dyn Fn(Progress) + Sync + 'a;
