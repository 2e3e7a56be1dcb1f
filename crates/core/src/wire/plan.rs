//! The plan the engine returns: routes and their stops, venue visits, needs left out and
//! why, the time-bank ledger.

use super::{Funding, Gap, Summary};
use serde::{Deserialize, Serialize};

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
    /// v1.2: the quality report over the problem's `history` (absent without one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<super::Quality>,
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
    /// v1.2: the breaks the carer takes on this route (the provider's `breaks` that
    /// fall in the shift), in time order; omitted when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<BreakTaken>,
}

/// v1.2: a break a route takes: from `start` to `end`, wherever the carer is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BreakTaken {
    /// When the break starts.
    pub start: i64,
    /// When it ends.
    pub end: i64,
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
    /// v1.2: a need dispatched with a response target that no carer can reach in
    /// time; the detail names the earliest arrival any could make, and whose.
    NoResponderInTime,
    /// v1.2: cancelled (a `need_cancelled` event).
    Cancelled,
    /// v1.2: the visit was missed (a `visit_missed` event: the elder was not home…;
    /// the detail says why).
    Missed,
    /// v1.2: the elder is away at the visit's time (an `elder_away` event).
    ElderAway,
}

impl Reason {
    /// All reasons, in the spec's order.
    pub const ALL: [Reason; 11] = [
        Reason::NoQualifiedProvider,
        Reason::Excluded,
        Reason::NoTime,
        Reason::OverCapacity,
        Reason::NoPartner,
        Reason::Linked,
        Reason::OverBudget,
        Reason::NoResponderInTime,
        Reason::Cancelled,
        Reason::Missed,
        Reason::ElderAway,
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
            Reason::NoResponderInTime => "no_responder_in_time",
            Reason::Cancelled => "cancelled",
            Reason::Missed => "missed",
            Reason::ElderAway => "elder_away",
        }
    }
}
