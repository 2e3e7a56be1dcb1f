//! The entry point: from a validated [`Problem`] to a [`Plan`].
//!
//! `solve` computes the candidate slots ([`crate::feasibility`]) on a rayon pool of
//! `options.threads` threads, builds routes with the chosen [`Algorithm`], and assembles
//! the plan (reasons, gaps, summary). The same problem, seed and thread count give the
//! same plan, byte for byte, except `summary.solve_ms`. [`solve_observed`] also tells
//! an observer the phases and each new best plan of the search ([`Progress`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::baseline;
use crate::error::{Error, ErrorKind, FieldPath};
use crate::explain::build_plan;
use crate::feasibility::Candidates;
use crate::model::Problem;
use crate::neighbours::Neighbours;
use crate::routes::Construction;
use crate::wire::{Plan, SearchSummary, Stopped};

pub use crate::progress::{Observer, Progress};

/// Which construction builds the routes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Algorithm {
    /// Both constructions side by side (two threads when there are two); the one with
    /// the better objective (priority, then count, then travel; ties to matching),
    /// improved by ruin and recreate (string removals, re-insertion with blinks,
    /// annealing on travel), with the matching's proven bound. Neither
    /// construction wins everywhere: on the generated cities matching serves more
    /// priority at 2,000 needs, the baseline at 20,000.
    ///
    /// The matching side (its bound, then its construction) has a quarter of
    /// `options.time_limit_ms`; what has not finished by then is dropped (no bound in
    /// the summary, or the baseline's routes). Its kernel's time is hard to predict: a
    /// city whose capacity is short takes minutes at 200,000 needs. Only then does the
    /// plan depend on the clock; with the iterations (not the time limit) stopping the
    /// search and a time limit the matching fits in, it is reproducible.
    #[default]
    Auto,
    /// Priority-ordered cheapest feasible insertion (the baseline), the
    /// reference.
    Baseline,
    /// Routes built from the exact needs × providers assignment ([`crate::assign`]),
    /// with a proven bound on served priority.
    Matching,
}

/// `Auto` gives the matching side (bound and construction) `1 / MATCHING_SHARE` of the
/// time limit.
const MATCHING_SHARE: u64 = 4;
/// Per cent of the time limit by which the constructions end.
const CONSTRUCTION_SHARE: u64 = 85;

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
    solve_observed(problem, algorithm, &|_| {})
}

/// Solves `problem` with `algorithm`, telling `observer` the phases and each new best
/// plan of the search (what a progress display shows). The plan is the one
/// [`solve_with`] gives.
///
/// ```
/// use std::sync::Mutex;
/// use carematch_core::{solve::Progress, solve_observed, Algorithm, Problem};
/// let problem = Problem::from_json(br#"{"elders": [], "needs": [], "providers": []}"#)?;
/// let phases = Mutex::new(Vec::new());
/// solve_observed(&problem, Algorithm::Auto, &|p| {
///     if let Progress::Phase(name) = p { phases.lock().unwrap().push(name) }
/// })?;
/// assert_eq!(phases.into_inner().unwrap().first(), Some(&"candidates"));
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn solve_observed(
    problem: &Problem,
    algorithm: Algorithm,
    observer: &Observer<'_>,
) -> Result<Plan, Error> {
    solve_controlled(problem, algorithm, observer, &AtomicBool::new(false))
}

/// [`solve_observed`], stopped early when `stop` is set: the search ends at its next
/// iteration, as at its deadline, and the plan it has is assembled (a construction
/// runs to its end first). What a job service uses to cancel a solve.
///
/// ```
/// use std::sync::atomic::AtomicBool;
/// use carematch_core::{solve::solve_controlled, Algorithm, Problem};
/// let problem = Problem::from_json(br#"{"elders": [], "needs": [], "providers": []}"#)?;
/// let plan = solve_controlled(&problem, Algorithm::Auto, &|_| {}, &AtomicBool::new(true))?;
/// assert_eq!(plan.summary.assigned, 0);
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn solve_controlled(
    problem: &Problem,
    algorithm: Algorithm,
    observer: &Observer<'_>,
    stop: &AtomicBool,
) -> Result<Plan, Error> {
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
        observer(Progress::Phase("candidates"));
        problem.warm_travel();
        let mut cands = Candidates::new(problem);
        // Seats at venues first: the needs met there leave the routes.
        cands.seat(problem, crate::venues::seat(problem, &[]));
        let near = Neighbours::new(problem);
        observer(Progress::Phase("construction"));
        let run = Run {
            problem,
            near: &near,
            observer,
            started,
            threads,
            stop,
        };
        Ok(match algorithm {
            Algorithm::Baseline => run.plan(
                &cands,
                &baseline::construct(problem, &cands, &near, None),
                None,
            ),
            Algorithm::Matching => {
                let m = crate::matching::construct(problem, &cands, &near);
                let bound = m.bound.filter(|_| !problem.has_horizon());
                run.plan(&cands, &m.construction, bound)
            }
            Algorithm::Auto => run.auto(&mut cands),
        })
    })
}

/// One solve's context, inside its thread pool.
struct Run<'a> {
    problem: &'a Problem,
    near: &'a Neighbours,
    observer: &'a Observer<'a>,
    started: Instant,
    threads: usize,
    stop: &'a AtomicBool,
}

impl Run<'_> {
    /// The plan of `built`: every `all_visits` series whole or not at all, the rules'
    /// reasons for the needs left out, the kernel's `bound` (none with venues).
    fn plan(&self, cands: &Candidates, built: &Construction, bound: Option<i64>) -> Plan {
        let problem = self.problem;
        (self.observer)(Progress::Phase("plan"));
        let mut built = crate::routes::whole_series(problem, built).into_owned();
        crate::routes::rule_reasons(problem, cands, &mut built);
        let ms = self.started.elapsed().as_millis() as u64;
        // The kernel's bound counts carers' needs only: with venues it is none.
        let bound = bound.filter(|_| problem.venues().is_empty());
        build_plan(
            problem,
            &built.routes,
            cands.seats(),
            &built.unassigned,
            bound,
            self.threads,
            ms,
        )
    }

    /// [`Algorithm::Auto`]: both constructions, the better one searched.
    fn auto(&self, cands: &mut Candidates) -> Plan {
        let (problem, options) = (self.problem, self.problem.options());
        let (built, bound) = construct_auto(problem, cands, self.near, self.started);
        let budget = options.budget(problem.needs().len());
        if budget.first() == 0 || self.stop.load(Ordering::Relaxed) {
            return self.plan(cands, &built, bound);
        }
        // The search gets what is left of 95 % of the time limit; the plan's assembly
        // fits in the rest.
        let deadline = self.started + Duration::from_millis(options.time_limit_ms * 95 / 100);
        (self.observer)(Progress::Phase("search"));
        let (built, stats) = crate::search::improve(
            problem,
            cands,
            self.near,
            built,
            budget,
            crate::search::Until {
                deadline,
                stop: self.stop,
            },
            self.observer,
        );
        let mut p = self.plan(cands, &built, bound);
        p.summary.search = Some(SearchSummary {
            iterations: stats.iterations,
            runs: stats.runs,
            improvements: stats.improvements,
            stopped: if stats.stopped_by_time {
                Stopped::TimeLimit
            } else {
                Stopped::Iterations
            },
            operators: crate::search::operators(&stats),
            rounds: stats.rounds,
            optimal: stats.optimal,
        });
        p
    }
}

/// Both constructions side by side (the matching with a quarter of the time limit,
/// both done by 85 % of it), the better kept, then a second seating at venues when it
/// serves better; with the kernel's bound (none over a horizon).
fn construct_auto(
    problem: &Problem,
    cands: &mut Candidates,
    near: &Neighbours,
    started: Instant,
) -> (Construction, Option<i64>) {
    let options = problem.options();
    // The matching side gets a quarter of the time limit: its kernel's
    // time grows fast when capacity is short (see `solve_parallel_until`).
    let matching_deadline = started + Duration::from_millis(options.time_limit_ms / MATCHING_SHARE);
    // The constructions leave what they have not tried by 85 % of the
    // time limit (the least important needs), so that the plan comes in
    // time; the search gets what is left of 95 %.
    let built_by =
        started + Duration::from_millis(options.time_limit_ms * CONSTRUCTION_SHARE / 100);
    let (b, m) = rayon::join(
        || baseline::construct(problem, cands, near, Some(built_by)),
        || crate::matching::construct_until(problem, cands, near, Some(matching_deadline)),
    );
    let mut built = match m.0 {
        Some(m) if m.score(problem) >= b.score(problem) => m,
        _ => b,
    };
    // A need the routes left out may be worth a seat more than one a
    // carer reaches: seat those first, and keep the better plan.
    if let Some((c, b)) = reseat(problem, cands, near, &built, built_by) {
        *cands = c;
        built = b;
    }
    // The kernel's bound counts one visit per need and one day per
    // carer: over a horizon it is no bound, and none is given.
    let bound = m.1.filter(|_| !problem.has_horizon());
    (built, bound)
}

/// The seating that takes first the needs `built` leaves out and a seat could meet,
/// with the baseline construction on it, when that serves better than `built`.
fn reseat(
    problem: &Problem,
    cands: &Candidates,
    near: &Neighbours,
    built: &Construction,
    deadline: Instant,
) -> Option<(Candidates, Construction)> {
    if problem.venues().is_empty() {
        return None;
    }
    let mut first = vec![false; problem.needs().len()];
    let mut any = false;
    for u in &built.unassigned {
        if !crate::venues::options(problem, u.0).is_empty() {
            first[u.0.ix()] = true;
            any = true;
        }
    }
    if !any {
        return None;
    }
    let seats = crate::venues::seat(problem, &first);
    if seats == cands.seats() {
        return None;
    }
    let mut again = cands.clone();
    again.seat(problem, seats);
    let b = baseline::construct(problem, &again, near, Some(deadline));
    (b.score(problem) > built.score(problem)).then_some((again, b))
}
