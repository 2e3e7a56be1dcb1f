//! The problem a caller sends: its top level, travel, services and options.

use super::{ElderInput, LinkInput, NeedInput, ProviderInput, VenueInput};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
    /// v1.2: past visits (who served whom, how it went). A `complaint` that is not
    /// `lifted` keeps that carer from that elder, as `avoids` does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryEntry>,
    /// Solver options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<OptionsInput>,
}

/// v1.2: one past visit: elder, carer, when (seconds on the plan's clock, negative
/// before it), and optionally the service, the outcome, the elder's rating and a
/// complaint.
///
/// ```
/// let h: carematch_core::wire::HistoryEntry = serde_json::from_str(
///     r#"{"elder": "e-1", "provider": "p-3", "service": "bathing", "start": -604800,
///         "outcome": "done", "rating": 5, "complaint": false}"#).unwrap();
/// assert_eq!(h.rating, Some(5));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    /// The elder's id.
    pub elder: String,
    /// The carer's id.
    pub provider: String,
    /// The service, if recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// When the visit started.
    pub start: i64,
    /// `done` or `missed`; default `done`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// The elder's rating, 1 to 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<i64>,
    /// The elder complained about the carer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub complaint: bool,
    /// The coordinator lifted the complaint: the carer may serve the elder again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lifted: bool,
}

/// v1.2: how a past visit went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The visit was made.
    Done,
    /// The carer came, or was due, and the visit did not happen.
    Missed,
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
    /// v1.2: per visit still to come that an event batch's re-optimisation
    /// (`improve`) hands to another carer than the plan before the batch had; default
    /// 3,600 (a changed visit costs as much as an hour of travel). Used only when a
    /// plan is re-planned: a problem solved whole has nothing to change from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_changes: Option<i64>,
    /// v1.2: per second of a carer's work (travel + service) beyond her
    /// `regular_work` on a day; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtime: Option<i64>,
    /// v1.2: per second of a carer's work short of her `regular_work` on a day she
    /// has a shift (carers paid for their hours); default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub under_hours: Option<i64>,
    /// v1.2: per visit to an elder who has trusted carers — `prefers`, and carers the
    /// elder rated 4 or more on average in `history` — made by none of them; default 0
    /// (`prefers` then only breaks ties). 3,600 makes a stranger's visit cost as much
    /// as an hour of travel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred: Option<i64>,
    /// v1.2: per visit to an elder with a `primary` carer made by another carer;
    /// default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<i64>,
    /// v1.2: per second by which a carer's work (travel + service over the plan) lies
    /// away from the mean of the carers of her kind (fair shares: 1 makes a second of
    /// imbalance cost as much as a second of travel); default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<i64>,
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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

impl Default for Location {
    /// `[0, 0]`: a placeholder for `..Default::default()`, to be set.
    fn default() -> Self {
        Location::Point([0.0, 0.0])
    }
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
    /// after the construction, cooling once; 0: no search. Absent: rounds, the first of
    /// `clamp(100 × needs, 1,000, 1,000,000)` iterations and each next twice as long,
    /// until a round finds no better plan. The search also stops at `time_limit_ms`;
    /// the plan is the same for the same input, seed and thread count when the search
    /// ends by itself.
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
    /// v1.2: seconds from a dispatch's `now` within which an `emergency` need without
    /// its own `response_within` must be reached (default 900, the 15-minute rescue
    /// circle; 1 to 86,400).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_target: Option<i64>,
    /// v1.2: seconds by which an event batch's re-optimisation (`improve`) may move a
    /// visit still to come from the start the plan before the batch gave it (the time
    /// the elder was told); default 900, 0 to 86,400. Visits the events free, and new
    /// needs, may go anywhere in their windows (never before `now`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_tolerance: Option<i64>,
    /// v1.2: basic service first (保基本): no elder gets a second need served while an
    /// elder with a need that could be served gets none. The objective then compares
    /// the elders served (with at least one need served) before the priority served
    /// (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic_first: Option<bool>,
}
