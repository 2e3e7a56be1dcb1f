//! Providers (carers, volunteers, organisations) as a caller sends them.

use super::{Gender, Location};
use serde::{Deserialize, Serialize};

/// A provider: a staff member, an organisation's carer or a volunteer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProviderInput {
    /// Pseudonymous id.
    pub id: String,
    /// Staff, organisation or volunteer.
    pub kind: ProviderKind,
    /// Service ids and extra skills this provider has.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Qualification level, default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<i64>,
    /// Gender, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// Where each shift starts.
    pub start: Location,
    /// Where each shift ends; default `start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Location>,
    /// `[start, end]` of each shift; each shift is one route.
    pub shifts: Vec<[i64; 2]>,
    /// Travel mode; sets the speed (haversine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    /// Speed override in km/h (haversine only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_kmh: Option<f64>,
    /// Visits per day, all shifts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_visits: Option<i64>,
    /// Seconds of travel + service per day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_work: Option<i64>,
    /// v1.1: visits over the whole horizon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_visits_total: Option<i64>,
    /// v1.1: seconds of travel + service over the whole horizon (e.g. 44 h a week).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_work_total: Option<i64>,
    /// v1.2: seconds of travel per day (a carer on foot, an older volunteer: say 40
    /// minutes); default unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_travel: Option<i64>,
    /// v1.2: contracted seconds of work (travel + service) per day; with
    /// `weights.overtime` each second beyond it is priced, with `weights.under_hours`
    /// each second short of it (on every day she has a shift); `max_work` stays the
    /// hard cap. Default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regular_work: Option<i64>,
    /// v1.2: contracted seconds of work over the whole horizon (e.g. 40 hours a
    /// week), priced like `regular_work` by `weights.overtime` and
    /// `weights.under_hours`; default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regular_work_total: Option<i64>,
    /// v1.2: breaks the carer takes on every working shift they fall in: each starts
    /// inside its `window` (on each day of the horizon when `options.day_length` is
    /// set) and lasts `duration` seconds, wherever the carer is — between visits, on
    /// the way, or at the next door before the visit. Hard. Default none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<BreakInput>,
    /// Max load carried at once; default unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<i64>,
    /// v1.1: a time-bank volunteer: the plan's `ledger` credits the minutes served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_bank: Option<bool>,
    /// v1.1: the station or operator the carer belongs to, for the ledger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station: Option<String>,
    /// v1.1: the carer's group (`party_member`, `younger_elder`, `family`, …), for the
    /// ledger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// v1.1: this carer's price per visit of a service (`{"bathing": 6000}`),
    /// overriding `services[].price`; a volunteer's visits cost 0 unless given here.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub prices: std::collections::BTreeMap<String, i64>,
}

/// v1.2: a floating break of a carer's shift (a lunch break): it starts inside
/// `window` and lasts `duration` seconds.
///
/// ```
/// let b: carematch_core::wire::BreakInput =
///     serde_json::from_str(r#"{"window": [43200, 46800], "duration": 1800}"#).unwrap();
/// assert_eq!((b.window, b.duration), ([43200, 46800], 1800));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BreakInput {
    /// `[earliest, latest]` start of the break, clock seconds (of day 0 with
    /// `options.day_length`: the break repeats on every day).
    pub window: [i64; 2],
    /// Seconds.
    pub duration: i64,
}

/// The kind of provider.
#[derive(Debug, Clone, Default, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// Staff of a community service station (the default in Rust).
    #[default]
    Staff,
    /// A carer of a social organisation.
    Organisation,
    /// A volunteer: only `volunteer_ok` services.
    Volunteer,
}

/// A travel mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// 4.5 km/h.
    Walk,
    /// 12 km/h.
    Bike,
    /// 15 km/h.
    Ebike,
    /// 25 km/h.
    Car,
}
