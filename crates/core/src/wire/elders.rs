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
    /// v1.2: the elder's primary carer (包户: the one neighbour or carer who pairs up with
    /// the household). Soft — priced by `weights.primary` per visit another carer
    /// makes — unless `primary_only`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
    /// v1.2: hard: the elder's one-carer visits go to `primary` or to nobody (a
    /// two-carer visit takes the primary as one of its carers or any two).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub primary_only: bool,
    /// v1.2: the time-bank account that pays for the visits time-bank volunteers make
    /// to the elder (the elder's own, or a family member's): see `accounts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_bank_account: Option<String>,
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
