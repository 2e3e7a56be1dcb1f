//! # carematch-server
//!
//! The thin HTTP service in front of [`carematch_core`] that scheduling front-ends call
//! (`POST /v1/plans`, `/v1/check`, `/v1/dispatch`, `GET /healthz`, `/metrics`,
//! `/openapi.json`). It is **not built yet**: it is the subject of issue #5, and
//! `carematch serve` says so and exits with status 1. This crate exists now so that the
//! workspace has its final shape and the engine crate stays free of HTTP.
#![deny(missing_docs)]

/// The version of the engine this service will wrap.
///
/// ```
/// assert!(!carematch_server::ENGINE.is_empty());
/// ```
pub const ENGINE: &str = env!("CARGO_PKG_VERSION");

#[doc(hidden)]
pub use carematch_core as core;
