//! v1.1: the funding report of a plan: visits, spend and unmet priority by area,
//! profile group, station and venue.

use serde::{Deserialize, Serialize};

/// v1.1: the plan's funding report (`plan.funding`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Funding {
    /// Over the whole plan.
    pub total: FundingFigures,
    /// By the elders' area (at every level of an area path) and service; area null
    /// when elders have none.
    pub by_area: Vec<FundingByArea>,
    /// By profile group: `ability_0` … `ability_4`, `age_80_plus`, `lives_alone`,
    /// `low_income` (an elder may be in several; elders without a profile in none).
    pub by_profile: Vec<FundingByGroup>,
    /// Served visits by who served them: the carers' station and group (null when
    /// not given), and `venue` for the visits at each venue.
    pub by_provider: Vec<FundingByProvider>,
}

/// v1.1: visits served, their spend, and the priority left unmet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FundingFigures {
    /// Visits served (home and venue).
    pub visits: u64,
    /// Their prices summed.
    pub spend: i64,
    /// Priority of the visits not served.
    pub unmet_priority: i64,
}

/// v1.1: one row of `funding.by_area`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FundingByArea {
    /// The area (a level of an area path), null when elders have none.
    pub area: Option<String>,
    /// The service id.
    pub service: String,
    /// The figures.
    #[serde(flatten)]
    pub figures: FundingFigures,
}

/// v1.1: one row of `funding.by_profile`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FundingByGroup {
    /// The profile group.
    pub group: String,
    /// The figures.
    #[serde(flatten)]
    pub figures: FundingFigures,
}

/// v1.1: one row of `funding.by_provider`: served visits and their spend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FundingByProvider {
    /// The carers' station (`providers[].station`), or the venue's id for visits at a
    /// venue; null when not given.
    pub station: Option<String>,
    /// The carers' group (`providers[].group`), `venue` for visits at a venue; null
    /// when not given.
    pub group: Option<String>,
    /// Visits served.
    pub visits: u64,
    /// Their prices summed.
    pub spend: i64,
}

/// v1.2: the quality report over the problem's `history` (`plan.quality`): per carer,
/// per station and per group of carers, what the records say.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Quality {
    /// Per carer with a past visit, in the problem's order of carers.
    pub by_provider: Vec<QualityRow>,
    /// Per station (`providers[].station`; null: carers without one), by name.
    pub by_station: Vec<QualityRow>,
    /// Per group (`providers[].group`; null: carers without one), by name.
    pub by_group: Vec<QualityRow>,
}

/// v1.2: one row of the quality report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QualityRow {
    /// The carer's id, the station or the group (null: carers without one).
    pub key: Option<String>,
    /// Past visits recorded.
    pub visits: u64,
    /// Of those, done.
    pub done: u64,
    /// Of those, missed.
    pub missed: u64,
    /// Visits the elder rated.
    pub rated: u64,
    /// Their mean rating, 1 to 5 (absent when none was rated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_rating: Option<f64>,
    /// Complaints.
    pub complaints: u64,
    /// Of those, not lifted (each keeps the carer from the elder).
    pub open_complaints: u64,
    /// Distinct elders visited (done).
    pub elders: u64,
}
