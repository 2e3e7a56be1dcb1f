//! v1.1: venues and their sessions (canteens, day-care centres).

use super::Location;
use serde::{Deserialize, Serialize};

/// v1.1: a canteen (助餐点), day-care centre (日间照料中心) or activity room: the
/// services it offers, and seats per session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// When it runs, `[open, close]`: a need's visit there starts inside it and inside
    /// one of the need's windows.
    pub window: [i64; 2],
    /// Seats (places): at most this many needs met in the session.
    pub seats: i64,
}
