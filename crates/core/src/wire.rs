//! The wire format v1 and v1.1 (`docs/wire-format.md` in the repository): serde types for the problem a
//! caller sends and the plan the engine returns.
//!
//! These types are the contract. They are parsed as written (`deny_unknown_fields`, so a
//! typo is an error) and carry no meaning of their own: [`crate::Problem`] validates a
//! [`ProblemInput`] into the engine's indexed model. Numbers that must be bounded are
//! parsed as `i64`/`f64` here so that validation, not serde, reports a negative or absurd
//! value with its field path.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

// ---------------------------------------------------------------- problem

/// A problem as sent by a caller.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProblemInput {
    /// How travel times are computed; default haversine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel: Option<TravelInput>,
    /// Overrides of (or additions to) the built-in service catalogue.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceInput>,
    /// The elders, each with a location and an optional profile.
    pub elders: Vec<ElderInput>,
    /// The needs: one visit each, to an elder.
    pub needs: Vec<NeedInput>,
    /// The people and organisations who can serve.
    pub providers: Vec<ProviderInput>,
    /// v1.1: linked visits — needs served together, or in a fixed order with a gap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkInput>,
    /// v1.1: places where elders gather — canteens, day-care centres, activity rooms
    /// — with seats per session: a need met there takes a seat and no carer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub venues: Vec<VenueInput>,
    /// Solver options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<OptionsInput>,
}

/// v1.1: a canteen (助餐点), day-care centre (日间照料中心) or activity room: the
/// services it offers, and seats per session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VenueInput {
    /// Pseudonymous id.
    pub id: String,
    /// Where it is (as elders' locations are given).
    pub location: Location,
    /// The services a need may be met with here (at least one).
    pub services: Vec<String>,
    /// Its sessions (at least one): a sitting of a canteen, a day of a day-care centre.
    pub sessions: Vec<SessionInput>,
}

/// v1.1: one session of a venue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// When it runs, `[open, close]`: a need's visit there starts inside it and inside
    /// one of the need's windows.
    pub window: [i64; 2],
    /// Seats (places): at most this many needs met in the session.
    pub seats: i64,
}

/// Needs that are served together or in order (v1.1, "Linked visits"): a nurse and an
/// aide bathing an elder together; medication 30 to 60 minutes after the meal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// Pseudonymous id, unique among links.
    pub id: String,
    /// `together` (2 to 4 needs, pairwise different providers, one start) or
    /// `sequence` (2 needs, in order, with a gap between their starts).
    #[serde(rename = "type")]
    pub kind: LinkKind,
    /// The needs' ids; each need is in at most one link and has `caregivers` 1.
    pub needs: Vec<String>,
    /// Sequence: least seconds from the first need's start to the second's (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_gap: Option<i64>,
    /// Sequence: most seconds from the first need's start to the second's (default: no
    /// limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_gap: Option<i64>,
    /// Sequence: who serves the two needs; default `any`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<LinkProvider>,
}

/// The kind of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// Served at one start by pairwise different providers.
    Together,
    /// Served in order, starts `min_gap` to `max_gap` seconds apart.
    Sequence,
}

/// Who serves the needs of a sequence link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LinkProvider {
    /// Anyone qualified.
    #[default]
    Any,
    /// One provider serves both.
    Same,
    /// Two different providers.
    Different,
}

/// The weights of the cost (level 3 of the objective, v1.1): integers >= 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WeightsInput {
    /// Per second of travel; default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel: Option<i64>,
    /// Per second of lateness (summed over visits); default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lateness: Option<i64>,
    /// Per second of the largest lateness of any visit; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lateness: Option<i64>,
    /// Per carer change (for each elder, distinct carers minus one); default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carer_changes: Option<i64>,
}

/// How travel times are computed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TravelInput {
    /// The metric; default haversine.
    #[serde(default)]
    pub metric: Metric,
    /// Haversine only: road / straight-line factor, default 1.3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detour: Option<f64>,
    /// Euclidean only: units per second, default 1.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// Matrix only: square matrix of travel seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub durations: Option<Vec<Vec<i64>>>,
}

/// The travel metric.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Great-circle distance on `[lon, lat]` with a detour factor and per-mode speeds.
    #[default]
    Haversine,
    /// Straight-line distance on `[x, y]` at `travel.speed`.
    Euclidean,
    /// Locations are indices into `travel.durations`.
    Matrix,
}

/// A catalogue entry override or a custom service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    /// The service id needs refer to.
    pub id: String,
    /// Default duration in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Minimum provider qualification level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_level: Option<i64>,
    /// Whether volunteers may do it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volunteer_ok: Option<bool>,
    /// v1.1: the price of one visit, in the smallest currency unit (default 0): what
    /// a visit costs the elder's budget, at home (unless the carer has its own price)
    /// or at a venue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<i64>,
}

/// A location: `[lon, lat]`, `[x, y]` or a matrix index, depending on the metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Location {
    /// `[lon, lat]` (haversine) or `[x, y]` (euclidean).
    Point([f64; 2]),
    /// An index into `travel.durations` (matrix).
    Index(u64),
}

/// `Location` is `[x, y]` or a matrix index on the wire.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Location {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
        let point = ArrayBuilder::new()
            .items(ObjectBuilder::new().schema_type(Type::Number))
            .min_items(Some(2))
            .max_items(Some(2))
            .description(Some("`[lon, lat]` (haversine) or `[x, y]` (euclidean)"));
        let index = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(0))
            .description(Some("an index into `travel.durations` (matrix)"));
        OneOfBuilder::new().item(point).item(index).into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Location {}

impl Serialize for Location {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Location::Point(p) => p.serialize(s),
            Location::Index(i) => s.serialize_u64(*i),
        }
    }
}

impl<'de> Deserialize<'de> for Location {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Location;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a point [lon, lat] / [x, y] or a non-negative matrix index")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Location, E> {
                Ok(Location::Index(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Location, E> {
                u64::try_from(v)
                    .map(Location::Index)
                    .map_err(|_| E::custom(format!("matrix index {v} is negative")))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Location, A::Error> {
                let x: f64 = a
                    .next_element()?
                    .ok_or_else(|| serde::de::Error::invalid_length(0, &self))?;
                let y: f64 = a
                    .next_element()?
                    .ok_or_else(|| serde::de::Error::invalid_length(1, &self))?;
                if a.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(serde::de::Error::custom(
                        "a point has exactly two coordinates",
                    ));
                }
                Ok(Location::Point([x, y]))
            }
        }
        d.deserialize_any(V)
    }
}

/// An elder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Diagnosed dementia.
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

/// A need: one visit of one service to one elder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NeedInput {
    /// Pseudonymous id.
    pub id: String,
    /// The elder's id.
    pub elder: String,
    /// A catalogue id or any custom string.
    pub service: String,
    /// Seconds; default from the catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Allowed service start times, inclusive.
    pub windows: Vec<[i64; 2]>,
    /// 0..=100; default from profile and service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Extra skills beyond `service`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
    /// Minimum provider level; default from the catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_level: Option<i64>,
    /// 1 or 2; 2 = two providers start together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caregivers: Option<i64>,
    /// Units carried, default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load: Option<i64>,
    /// Keep this assignment (re-planning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<PinnedInput>,
    /// v1.1, soft windows: the visit may start up to this many seconds after the end
    /// of the window it starts in (default 0, at most one week); lateness is paid for
    /// in the cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_by: Option<i64>,
    /// v1.1, a horizon: up to this many visits (default 1, at most 64), each in a
    /// different window of the need; each visit scores `priority` on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visits: Option<i64>,
    /// v1.1: least seconds between the starts of successive visits (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_gap: Option<i64>,
    /// v1.1: all visits or none (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_visits: Option<bool>,
}

/// A pinned assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PinnedInput {
    /// The provider's id.
    pub provider: String,
    /// The service start.
    pub start: i64,
}

/// A provider: a staff member, an organisation's carer or a volunteer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// v1.1: the time-bank credit one provider earns in a plan (`plan.ledger`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LedgerEntry {
    /// The provider (`time_bank: true`).
    pub provider: String,
    /// Minutes of service credited: its visits' service, in whole minutes (rounded
    /// down); one minute served is one minute credited.
    pub minutes: i64,
    /// Its visits.
    pub visits: u64,
    /// Its station, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station: Option<String>,
    /// Its group, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// The kind of provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// Staff of a community service station.
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

/// Solver options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OptionsInput {
    /// Wall-clock budget for the solve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_ms: Option<i64>,
    /// 0 = all cores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<i64>,
    /// Same input + seed + threads => same plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "uint64", minimum = 0))]
    pub seed: Option<u64>,
    /// carematch extension: keep, per need, the candidate slots of this many nearest
    /// providers that can reach it (default 32; 0 = every provider). Values 1 is read as 2
    /// so that two-carer needs keep a choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidates: Option<i64>,
    /// carematch extension: iterations of the improvement search (ruin and recreate)
    /// after the construction. Absent: `clamp(100 × needs, 1,000, 1,000,000)`; 0: no
    /// search. The search also stops at `time_limit_ms`; the plan is the same for the
    /// same input, seed and thread count when the iterations run out first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<i64>,
    /// v1.1: the weights of the cost (level 3 of the objective).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<WeightsInput>,
    /// v1.1: seconds per day of the horizon (e.g. 86400); absent: the whole problem
    /// is one day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_length: Option<i64>,
    /// v1.1: the clock time at which day 0 begins (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_start: Option<i64>,
}

// ---------------------------------------------------------------- plan

/// What the improvement search did: `summary.search`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SearchSummary {
    /// Iterations run, summed over the searches.
    pub iterations: u64,
    /// Searches run side by side from the same construction, one per thread, each
    /// with its own seed; the best plan wins.
    pub runs: u64,
    /// Iterations of the winning search that found a better plan.
    pub improvements: u64,
    /// `"iterations"` when the iteration budget ended the search (the plan is then
    /// reproducible), `"time_limit"` when the deadline did.
    pub stopped: Stopped,
    /// carematch extension: per operator of the search, the moves it tried and the
    /// moves it applied, summed over the searches (`ruin_recreate`: iterations and
    /// accepted iterations; `relocate`, `swap`, `or_opt`, `two_opt_star`, `swap_star`:
    /// local-search moves evaluated and applied).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operators: Vec<OperatorStats>,
}

/// What one operator of the search did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OperatorStats {
    /// The operator: `ruin_recreate`, `relocate`, `swap`, `or_opt`, `two_opt_star`,
    /// `swap_star`.
    pub name: String,
    /// Moves evaluated.
    pub tried: u64,
    /// Moves applied (accepted).
    pub applied: u64,
}

/// Why the improvement search stopped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stopped {
    /// The iteration budget ran out.
    #[default]
    Iterations,
    /// The time limit came first.
    TimeLimit,
}

/// A plan: the engine's answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Totals and the objective.
    pub summary: Summary,
    /// One route per provider shift that has stops.
    pub routes: Vec<Route>,
    /// Needs not served, each with a reason.
    pub unassigned: Vec<Unassigned>,
    /// Unmet needs by area and service.
    #[serde(default)]
    pub gaps: Vec<Gap>,
    /// v1.1: per time-bank provider (in the problem's order), the minutes of service
    /// credited; absent when no provider is one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ledger: Vec<LedgerEntry>,
    /// v1.1: the needs met at venues, one seat each (rule 8), in need order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub venue_visits: Vec<VenueVisit>,
    /// v1.1: spend and unmet priority by area × service, by profile group, and by the
    /// carers' station and group; absent when the problem has no price, budget or
    /// venue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<Funding>,
}

/// v1.1: a need met at a venue (`plan.venue_visits`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VenueVisit {
    /// The need's id.
    pub need: String,
    /// The elder's id.
    pub elder: String,
    /// The venue's id.
    pub venue: String,
    /// Index into the venue's `sessions`.
    pub session: usize,
    /// When the visit starts: inside the session and one of the need's windows.
    pub start: i64,
    /// Which visit of a need with `visits > 1` (0-based, in start order among its
    /// served visits, home and venue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<u32>,
}

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

/// Distinct providers per elder served (`summary.carers_per_elder`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CarersPerElder {
    /// Mean over the elders with at least one visit served.
    pub mean: f64,
    /// The most any elder has.
    pub max: u64,
}

/// Totals of a plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// Needs in the problem (v1.1: visits, a need with `visits: k` counting `k`).
    pub needs: u64,
    /// Needs (visits) served.
    pub assigned: u64,
    /// Needs (visits) not served.
    pub unassigned: u64,
    /// Served priority / total priority (1.0 when the total is 0).
    pub priority_served: f64,
    /// Seconds of travel, all routes.
    pub travel: i64,
    /// Seconds of service, all routes (a two-carer visit counts twice).
    pub service: i64,
    /// Seconds of waiting before a stop's start, all routes.
    pub waiting: i64,
    /// v1.1, with `options.day_length` or a need of several visits: per elder, the
    /// distinct providers who visit them minus one, summed (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carer_changes: Option<i64>,
    /// carematch extension, with `carer_changes`: distinct providers per elder served,
    /// mean and largest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carers_per_elder: Option<CarersPerElder>,
    /// v1.1: seconds of lateness, summed over visits (absent in v1 plans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lateness: Option<i64>,
    /// v1.1: the largest lateness of any visit (absent in v1 plans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lateness: Option<i64>,
    /// The lexicographic objective.
    pub objective: Objective,
    /// Proven upper bound on the served priority, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound: Option<Bound>,
    /// carematch extension: what the improvement search did (absent when none ran).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<SearchSummary>,
    /// v1.1: needs (visits) met at venues (absent when the problem has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_venues: Option<u64>,
    /// Wall-clock milliseconds of the solve (the only field that varies between runs).
    pub solve_ms: u64,
    /// Threads used.
    pub threads: u64,
}

/// The lexicographic objective: priority, then served, then cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// Sum of priority over served needs.
    pub priority: i64,
    /// Number of served needs.
    pub served: i64,
    /// Total travel seconds.
    pub travel: i64,
    /// v1.1: level 3, `travel·w.travel + lateness·w.lateness +
    /// max_lateness·w.max_lateness + carer_changes·w.carer_changes` (equal to travel
    /// with the default weights and no soft windows; absent in v1 plans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<i64>,
}

/// A proven bound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Bound {
    /// Upper bound on the served priority of any plan.
    pub priority: i64,
}

/// One provider's route for one shift.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// The provider's id.
    pub provider: String,
    /// Index into the provider's `shifts`.
    pub shift: usize,
    /// When the provider leaves `start`.
    pub depart: i64,
    /// When the provider reaches `end`.
    #[serde(rename = "return")]
    pub return_: i64,
    /// The visits, in order.
    pub stops: Vec<Stop>,
    /// Seconds of travel on this route.
    pub travel: i64,
    /// Seconds of service on this route.
    pub service: i64,
    /// Sum of the stops' load.
    pub load: i64,
}

/// One visit in a route.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Stop {
    /// The need's id.
    pub need: String,
    /// The elder's id.
    pub elder: String,
    /// Arrival at the elder's home.
    pub arrival: i64,
    /// Service start.
    pub start: i64,
    /// Service end.
    pub end: i64,
    /// v1.1: seconds the start is after the close of the window it starts in (omitted
    /// when 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub late: i64,
    /// v1.1: which visit of a need with `visits > 1` (0-based, in start order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<u32>,
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}

/// A need not served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Unassigned {
    /// The need's id.
    pub need: String,
    /// Why.
    pub reason: Reason,
    /// A human-readable explanation (no personal data beyond ids).
    pub detail: String,
    /// v1.1: which visit of a need with `visits > 1` (numbered after the served ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<u32>,
}

/// Why a need was not served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Skills, level or the volunteer rule leave no provider.
    NoQualifiedProvider,
    /// The elder's avoids or caregiver gender leave nobody.
    Excluded,
    /// No qualified provider's shift can reach it inside a window.
    NoTime,
    /// Feasible providers exist but serve higher-value needs.
    OverCapacity,
    /// A synchronised need found one provider but not two at the same time.
    NoPartner,
    /// v1.1: a need of a link left out because a partner could not be served (the
    /// detail names the partner and its reason).
    Linked,
    /// v1.1: the elder's budget is spent on needs of higher priority (rule 9).
    OverBudget,
}

impl Reason {
    /// All reasons, in the spec's order.
    pub const ALL: [Reason; 7] = [
        Reason::NoQualifiedProvider,
        Reason::Excluded,
        Reason::NoTime,
        Reason::OverCapacity,
        Reason::NoPartner,
        Reason::Linked,
        Reason::OverBudget,
    ];

    /// The wire name, e.g. `no_time`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NoQualifiedProvider => "no_qualified_provider",
            Reason::Excluded => "excluded",
            Reason::NoTime => "no_time",
            Reason::OverCapacity => "over_capacity",
            Reason::NoPartner => "no_partner",
            Reason::Linked => "linked",
            Reason::OverBudget => "over_budget",
        }
    }
}

/// Unmet needs in one area for one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Gap {
    /// The elders' area; null when they have none.
    pub area: Option<String>,
    /// The service id.
    pub service: String,
    /// Number of unmet needs.
    pub unmet: u64,
    /// Their summed priority.
    pub unmet_priority: i64,
}

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
