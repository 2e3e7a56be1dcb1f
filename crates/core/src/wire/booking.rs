//! carematch v1.1, booking: the answer of `recommend`.

use super::Reason;
use serde::{Deserialize, Serialize};

/// carematch v1.1, booking: one way to book a new need into a plan
/// (`carematch_core::recommend`, `POST /v1/recommend`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BookingOption {
    /// The carer who would serve it.
    pub providers: Vec<String>,
    /// The start, seconds.
    pub start: i64,
    /// The window of the need it starts in, `[open, close]`.
    pub window: [i64; 2],
    /// What booking it adds to the plan's cost (level 3 of the objective).
    pub added_cost: i64,
}

/// carematch v1.1, booking: the best options for a new need, cheapest first; nothing
/// is committed. An empty list comes with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    /// The options, by added cost (then carer id, then start).
    pub options: Vec<BookingOption>,
    /// Why there is none, when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The reason in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}
