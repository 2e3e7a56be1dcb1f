//! v1.2, the day as it happens: what a station tells a running plan
//! ([`EventBatch`]), and what the engine changed in answer ([`PlanChange`]).

use serde::{Deserialize, Serialize};

use super::{ElderInput, Location, NeedInput, Reason};

/// Events that happened by `now`, applied together: all of them or none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventBatch {
    /// The time of the batch (seconds, the clock of the windows): what started by then
    /// is the past and stays as it is.
    pub now: i64,
    /// The events, in the order they happened (at most 1,000).
    pub events: Vec<Event>,
    /// Iterations of search over the visits still to come once the events are
    /// applied (at most 100,000; default 0: only the visits the events free are placed
    /// again). The search may hand a visit to another carer, at
    /// `options.weights.plan_changes` each, and move its start by up to
    /// `options.change_tolerance`; what started by `now` never moves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub improve: Option<u64>,
}

/// One thing that happened. `visit` picks the visit of a need of several visits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A visit started at `start` (at or before `now`).
    VisitStarted {
        /// The need.
        need: String,
        /// Which visit, for a need of several.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        visit: Option<u32>,
        /// When it started.
        start: i64,
    },
    /// A visit was done, from `start` to `end` (at or before `now`).
    VisitDone {
        /// The need.
        need: String,
        /// Which visit, for a need of several.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        visit: Option<u32>,
        /// When it started.
        start: i64,
        /// When it ended.
        end: i64,
    },
    /// A visit could not be made (the elder was not home…): it leaves its route and is
    /// listed `missed`.
    VisitMissed {
        /// The need.
        need: String,
        /// Which visit, for a need of several.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        visit: Option<u32>,
        /// Why, in words (never a diagnosis: it is stored).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A need is cancelled: its visits still to come leave their routes; it is listed
    /// `cancelled`.
    NeedCancelled {
        /// The need.
        need: String,
    },
    /// A carer is absent from `from` (sick, gone home): her visits from then go to
    /// others, and she takes no new one.
    CarerAbsent {
        /// The carer.
        provider: String,
        /// From when.
        from: i64,
    },
    /// Where a carer was at `at` (at or before `now`), between visits: a visit placed
    /// after that one starts from there.
    CarerPosition {
        /// The carer.
        provider: String,
        /// When.
        at: i64,
        /// Where.
        location: Location,
    },
    /// An elder is away between two times (hospital): the visits then still to come
    /// leave their routes and are listed `elder_away`.
    ElderAway {
        /// The elder.
        elder: String,
        /// From when to when.
        window: [i64; 2],
    },
    /// A new need (an emergency with its response target, a same-day request): placed
    /// as `POST /v1/dispatch` places it.
    NeedAdded {
        /// The need (one visit, no pin).
        need: Box<NeedInput>,
        /// Its elder, when new to the problem.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        elder: Option<ElderInput>,
    },
}

/// Where a visit is: its carers and start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Placement {
    /// Its carers (two for a two-carer visit), in id order.
    pub providers: Vec<String>,
    /// Its start.
    pub start: i64,
}

/// A visit the events changed: the message a coordinator sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanChange {
    /// The need.
    pub need: String,
    /// Which visit, for a need of several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<u32>,
    /// Where it was (`null`: not served).
    pub before: Option<Placement>,
    /// Where it is now (`null`: not served; then `reason` and `detail`).
    pub after: Option<Placement>,
    /// Why it is not served, when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The reason in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}
