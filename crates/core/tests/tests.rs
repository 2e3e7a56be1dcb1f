//! Integration tests of carematch-core: one binary, modules by concern.
#![allow(clippy::unwrap_used)] // in tests an unwrap is an assertion

mod breaks;
mod checker;
mod common;
mod exact;
mod history;
mod horizon;
mod kernel;
mod max_travel;
mod properties;
mod reasons;
mod ties;
mod validation;
mod venues;
