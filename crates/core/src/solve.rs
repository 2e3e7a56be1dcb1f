//! The entry point: from a validated [`Problem`] to a [`Plan`].
//!
//! `solve` computes the candidate slots ([`crate::feasibility`]) on a rayon pool of
//! `options.threads` threads, builds routes with the chosen [`Algorithm`], and assembles
//! the plan ([`crate::explain`]). The same problem, seed and thread count give the same
//! plan, byte for byte, except `summary.solve_ms`.

use std::time::Instant;

use crate::baseline;
use crate::error::{Error, ErrorKind, FieldPath};
use crate::explain::build_plan;
use crate::feasibility::Candidates;
use crate::model::Problem;
use crate::wire::Plan;

/// Which construction builds the routes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Algorithm {
    /// Priority-ordered cheapest feasible insertion ([`crate::baseline`]), the default
    /// until the candidate graph is pruned spatially (issue #3).
    #[default]
    Baseline,
    /// Routes built from the exact assignment, with a proven bound
    /// ([`crate::matching`]). Slow on large cities for now: the candidate graph is
    /// city-wide.
    Matching,
}

/// Solves `problem` with the default algorithm.
///
/// ```
/// use carematch_core::{solve, Problem};
/// let problem = Problem::from_json(br#"{
///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
///   "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]}],
///   "providers": [{"id": "p1", "kind": "volunteer", "skills": ["meals"],
///                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]}]
/// }"#)?;
/// let plan = solve(&problem)?;
/// assert_eq!(plan.summary.assigned, 1);
/// assert!(carematch_core::check(&problem, &plan).is_empty());
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn solve(problem: &Problem) -> Result<Plan, Error> {
    solve_with(problem, Algorithm::default())
}

/// Solves `problem` with `algorithm`.
pub fn solve_with(problem: &Problem, algorithm: Algorithm) -> Result<Plan, Error> {
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(problem.options().threads)
        .build()
        .map_err(|e| {
            Error::new(
                ErrorKind::Io,
                FieldPath::root().key("options").key("threads"),
                format!("cannot start the thread pool: {e}"),
            )
        })?;
    let threads = pool.current_num_threads();
    pool.install(|| {
        let cands = Candidates::new(problem);
        let (built, bound) = match algorithm {
            Algorithm::Baseline => (baseline::construct(problem, &cands)?, None),
            Algorithm::Matching => {
                let m = crate::matching::construct(problem, &cands)?;
                (m.construction, m.bound)
            }
        };
        let ms = started.elapsed().as_millis() as u64;
        Ok(build_plan(
            problem,
            &built.routes,
            &built.unassigned,
            bound,
            threads,
            ms,
        ))
    })
}
