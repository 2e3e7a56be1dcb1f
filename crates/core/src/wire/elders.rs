//! Elders as a caller sends them: home, area, profile, choices of carer.

use super::Location;
use serde::{Deserialize, Serialize};

/// An elder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ElderInput {
    /// Pseudonymous id.
    pub id: String,
    /// Home location.
    pub location: Location,
    /// Community / grid cell id, used in gap reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// Drives the default priority of the elder's needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileInput>,
    /// Soft: trusted carers (continuity of care).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefers: Vec<String>,
    /// Hard: never assign these providers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub avoids: Vec<String>,
    /// Hard: the carer's gender, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caregiver_gender: Option<Gender>,
    /// v1.1: seconds the elder may walk to a venue (default 0: home visits only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk_limit: Option<i64>,
    /// v1.1: what the elder's vouchers and agreed co-payment cover over the whole
    /// horizon, in the smallest currency unit (default unlimited): rule 9.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<i64>,
}

/// The elder's profile: what the default priority formula reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    /// Age in years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<i64>,
    /// 0 intact .. 4 complete loss (GB/T 42195-2022).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ability_level: Option<i64>,
    /// Lives alone.
    #[serde(default)]
    pub lives_alone: bool,
    /// Low income (低保 / 特困).
    #[serde(default)]
    pub low_income: bool,
    /// Dementia or cognitive decline, as the elder's care assessment records it: a
    /// yes/no flag, never a diagnosis.
    #[serde(default)]
    pub dementia: bool,
}

/// A gender, for `caregiver_gender` and a provider's `gender`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// Female.
    Female,
    /// Male.
    Male,
}
