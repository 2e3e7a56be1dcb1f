//! Integration tests of carematch-core: one binary, modules by concern.

mod checker;
mod common;
mod properties;
mod reasons;
mod validation;
