//! # carematch-core
//!
//! The engine of carematch: it matches elders' care needs (meals, bathing, check-ins,
//! medical escort, emergency help, …) to the staff, social-organisation carers and
//! volunteers who can serve them, and turns the match into day plans that work on the
//! street: travel, time windows, shifts, synchronised two-carer visits.
//!
//! What a caller uses:
//!
//! - [`Problem`]: a validated, indexed, immutable problem, built only by
//!   [`Problem::from_json`] / [`Problem::from_input`] from the [`wire`] types (the JSON
//!   contract), with [`model`] its parts and [`error`] the refusals with field paths;
//! - [`solve()`] / [`solve_with`]: the plan, with [`Algorithm`] to choose the
//!   construction;
//! - [`check()`](check()): the plan checker, the oracle of every test ([`mod@check`]);
//! - [`dispatch`]: urgent insertion of one new need into a running plan; [`patch`]:
//!   what a change did to a plan, small enough to store, and its replay;
//! - [`feasibility`]: which provider shifts may serve which need, and why not;
//! - [`assign`]: the exact assignment kernel on its own (min-cost b-matching with a
//!   dual certificate, the spec's kernel file format);
//! - reference data: [`catalogue`] (standard services), [`priority`] (the default
//!   priority formula), [`travel`] (travel times), [`limits`] (bounds on untrusted
//!   input).
//!
//! Inside, a problem flows `validate → feasibility → routes → baseline / matching →
//! search (→ exact, on a small day) → explain`; `routes` owns the rules a route keeps
//! while it is built and searched, `objective` what "better" means, `exact` the
//! branch and bound that proves a small day's plan optimal, and `check` stays
//! independent of both (ARCHITECTURE.md walks through it).
//!
//! ```
//! use carematch_core::{check, solve, Problem};
//! let problem = Problem::from_json(br#"{
//!   "elders": [{"id": "e1", "location": [116.4352, 39.9281], "profile": {"age": 86, "lives_alone": true}}],
//!   "needs": [{"id": "n1", "elder": "e1", "service": "check_in", "windows": [[36000, 39600]]}],
//!   "providers": [{"id": "v1", "kind": "volunteer", "skills": ["check_in"],
//!                  "start": [116.43, 39.93], "shifts": [[32400, 43200]], "mode": "walk"}]
//! }"#)?;
//! let plan = solve(&problem)?;
//! assert_eq!(plan.summary.assigned, 1);
//! assert!(check(&problem, &plan).is_empty());
//! # Ok::<(), carematch_core::Error>(())
//! ```
#![deny(missing_docs)]

pub mod accounts;
pub mod assign;
mod baseline;
pub mod catalogue;
pub mod check;
pub mod coverage;
pub mod dispatch;
pub mod error;
pub mod events;
mod exact;
mod explain;
pub mod feasibility;
pub mod funding;
pub mod limits;
mod matching;
pub mod model;
mod neighbours;
mod objective;
pub mod patch;
pub mod priority;
mod progress;
pub mod recommend;
mod routes;
mod search;
pub mod solve;
pub mod travel;
mod trust;
mod validate;
pub mod venues;
pub mod wire;
mod workload;

pub use check::check;
pub use error::{Error, ErrorKind, FieldPath};
pub use model::Problem;
pub use solve::{solve, solve_observed, solve_with, Algorithm};
pub use wire::{Plan, ProblemInput};
