//! v1.2, the 15-minute rescue circle of a plan: which elders a carer qualified for
//! `emergency` could reach within the response target, every 15 minutes of the day.

use serde::{Deserialize, Serialize};

/// How well a plan covers its elders for an emergency, through the day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    /// The response target, seconds (`options.response_target`).
    pub target: i64,
    /// Seconds between two moments looked at (900).
    pub step: i64,
    /// Each moment: the share of elders covered, weighted by vulnerability.
    pub slots: Vec<CoverageSlot>,
    /// Each area (every level of `area`, `null` for elders without one): the
    /// weighted share covered, averaged over the moments.
    pub by_area: Vec<AreaCoverage>,
    /// The weighted share covered over the whole day (the mean of `slots`).
    pub share: f64,
}

/// One moment of the day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CoverageSlot {
    /// The moment (seconds, the clock of the windows).
    pub at: i64,
    /// Weighted share of elders some qualified carer could reach by `at + target`.
    pub share: f64,
    /// How many elders are covered.
    pub elders: u64,
    /// Ids of the elders not covered (at most 50, most vulnerable first).
    pub uncovered: Vec<String>,
}

/// One area's coverage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AreaCoverage {
    /// The area (a prefix of elders' `area` at a `/`), `null` for none.
    pub area: Option<String>,
    /// Weighted share covered, averaged over the moments.
    pub share: f64,
}
