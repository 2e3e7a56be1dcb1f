//! End-to-end tests of the `carematch` binary: one test binary, modules by command.
#![allow(clippy::unwrap_used)] // in tests an unwrap is an assertion

mod cli;
mod dispatch;
mod docs;
mod events;
mod serve;
mod server;
mod store;
mod view;
mod workload;
