//! The search's operators, one file each: each scans candidate moves for a visit,
//! describes them as proposals for the builder to judge, and applies the one that holds
//! ([`super::Search::operate`]); none names a rule.
//!
//! Relocate, swap, 2-opt*, or-opt and SWAP* between neighbouring visits; familiar,
//! into the routes of carers the rules suggest; reassign, whole routes handed among a
//! team's carers by the exact assignment kernel.

mod familiar;
mod or_opt;
pub(super) mod reassign;
mod relocate;
mod swap;
mod swap_star;
mod two_opt;
