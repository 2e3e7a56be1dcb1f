//! # carematch-core
//!
//! The engine of carematch: it matches elders' care needs (meals, bathing, check-ins,
//! medical escort, emergency help, …) to the staff, social-organisation carers and
//! volunteers who can serve them, and turns the match into day plans that work on the
//! street: travel, time windows, shifts, synchronised two-carer visits.
//!
//! The modules follow a problem's data flow:
//!
//! - [`wire`]: the JSON contract (problem in, plan out);
//! - [`model`] and [`validate`](Problem::from_json): the validated, indexed [`Problem`];
//!   [`catalogue`] (standard services), [`priority`] (default priority),
//!   [`travel`] (travel times), [`limits`] (bounds on untrusted input);
//! - [`feasibility`]: which provider shifts may serve which need, and why not;
//! - [`assign`] and [`graph`]: the exact assignment kernel with its certificate (sparse
//!   successive shortest paths; a dense Jonker–Volgenant path for complete one-to-one
//!   instances), and the needs × providers graph's components;
//! - [`schedule`], [`baseline`] and [`matching`]: routes, the baseline construction, and
//!   the construction from the exact assignment ([`Algorithm::Auto`], the default,
//!   runs both and keeps the better plan);
//! - [`search`]: ruin-and-recreate improvement of the better construction, within
//!   `options.iterations` and `options.time_limit_ms`;
//! - [`dispatch`]: urgent insertion of one new need into a running plan;
//! - [`explain`]: the plan, reasons for unserved needs, the gap report;
//! - [`check`](mod@check): the plan checker, the oracle of every test;
//! - [`solve()`]: the entry point.
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

pub mod assign;
mod baseline;
pub mod catalogue;
pub mod check;
pub mod dispatch;
pub mod error;
mod explain;
pub mod feasibility;
pub mod limits;
mod matching;
pub mod model;
mod objective;
pub mod priority;
mod routes;
mod search;
mod solve;
pub mod travel;
mod validate;
pub mod wire;

pub use check::check;
pub use error::{Error, ErrorKind, FieldPath};
pub use model::Problem;
pub use solve::{solve, solve_with, Algorithm};
pub use wire::{Plan, ProblemInput};
