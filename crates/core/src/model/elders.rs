//! Elders, and the levels of an area path for the reports.
use super::ProviderIdx;
use crate::travel::Point;
use crate::wire::Gender;
use crate::wire::ProfileInput;

/// An elder.
#[derive(Debug, Clone, PartialEq)]
pub struct Elder {
    /// Pseudonymous id.
    pub id: String,
    /// Home.
    pub location: Point,
    /// Community / grid cell, for gap reports.
    pub area: Option<String>,
    /// Profile (all defaults when absent).
    pub profile: ProfileInput,
    /// Trusted carers, in the caller's order.
    pub prefers: Vec<ProviderIdx>,
    /// Refused carers, sorted.
    pub avoids: Vec<ProviderIdx>,
    /// Required carer gender.
    pub caregiver_gender: Option<Gender>,
    /// v1.1: seconds the elder may walk to a venue (0: home visits only).
    pub walk_limit: i64,
    /// v1.1: what the elder's visits may cost over the horizon (rule 9); `None`:
    /// unlimited.
    pub budget: Option<i64>,
    /// v1.2: carers the elder knows — who visited them in `history` (a visit not
    /// `missed`), less those avoided — sorted. They are no carer change.
    pub known: Vec<ProviderIdx>,
    /// v1.2: trusted carers — `prefers`, and carers rated 4 or more on average in
    /// `history` — less those avoided, sorted (`weights.preferred`).
    pub trusted: Vec<ProviderIdx>,
    /// v1.2: the primary carer (包户).
    pub primary: Option<ProviderIdx>,
    /// v1.2: one-carer visits only by `primary`.
    pub primary_only: bool,
    /// v1.2: the time-bank account that pays for time-bank volunteers' visits.
    pub time_bank_account: Option<String>,
}

/// The levels an elder's area counts at in the gap and funding reports: an area that is a path
/// (`district/street/community/grid`) at every level of it, from the top; any other
/// area (or none) as it is.
///
/// ```text
/// area_levels(Some("d1/s2/c3")) = [Some("d1"), Some("d1/s2"), Some("d1/s2/c3")]
/// ```
pub(crate) fn area_levels(area: Option<&str>) -> Vec<Option<&str>> {
    match area {
        None => vec![None],
        Some(a) => a
            .match_indices('/')
            .map(|(k, _)| Some(&a[..k]))
            .chain(std::iter::once(Some(a)))
            .collect(),
    }
}

/// v1.2: one past visit of `history`, as the quality report reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PastVisit {
    /// The elder.
    pub elder: super::ElderIdx,
    /// The carer.
    pub provider: ProviderIdx,
    /// Missed (else done).
    pub missed: bool,
    /// The elder's rating, 1 to 5.
    pub rating: Option<u8>,
    /// A complaint, and whether it was lifted.
    pub complaint: Option<bool>,
}
