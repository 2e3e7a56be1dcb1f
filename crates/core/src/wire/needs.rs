//! Needs and links (rule 7) as a caller sends them.

use serde::{Deserialize, Serialize};

/// Needs that are served together or in order (v1.1, "Linked visits"): a nurse and an
/// aide bathing an elder together; medication 30 to 60 minutes after the meal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Default, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// Served at one start by pairwise different providers (the default in Rust).
    #[default]
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

/// A need: one visit of one service to one elder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// v1.2, a response target: when the need is dispatched with a `now`, its visit
    /// must start within this many seconds of `now` (of its window's opening, when
    /// that is later; 1 to 86,400); the answer says
    /// when the carer can be there (`eta`) and whether the target is met. Absent on an
    /// `emergency` need: the problem's `options.response_target`. A problem solved
    /// whole ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_within: Option<i64>,
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PinnedInput {
    /// The provider's id.
    pub provider: String,
    /// The service start.
    pub start: i64,
}
