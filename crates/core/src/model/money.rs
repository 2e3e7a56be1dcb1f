//! v1.1: venues (canteens, day-care seats) and money: prices, budgets (rule 9), walking
//! to a venue.
use super::ElderIdx;
use super::NeedIdx;
use super::Problem;
use super::ProviderIdx;
use super::Window;
use crate::travel::Point;
use crate::travel::Travel;
use crate::wire::ProviderKind;

/// v1.1: a place where needs are met without a carer (`venues`).
#[derive(Debug, Clone, PartialEq)]
pub struct Venue {
    /// Pseudonymous id.
    pub id: String,
    /// Where it is.
    pub location: Point,
    /// The services it offers, sorted, unique.
    pub services: Vec<String>,
    /// Its sessions, in the caller's order (`venue_visits[].session` indexes this).
    pub sessions: Vec<Session>,
}

/// v1.1: one session of a venue: when, and how many seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    /// When it runs.
    pub window: Window,
    /// Seats.
    pub seats: u32,
}

impl Problem {
    /// v1.1: the venues.
    pub fn venues(&self) -> &[Venue] {
        &self.venues
    }

    /// v1.1: what a visit of need `n` by provider `p` costs the elder's budget: the
    /// provider's own price for the service, else 0 for a volunteer, else the
    /// service's price (rule 9).
    ///
    /// ```
    /// use carematch_core::{model::{NeedIdx, ProviderIdx}, Problem};
    /// let p = Problem::from_json(br#"{
    ///   "services": [{"id": "bathing", "price": 5000}],
    ///   "elders": [{"id": "e1", "location": [116.43, 39.92], "budget": 30000}],
    ///   "needs": [{"id": "n1", "elder": "e1", "service": "bathing", "windows": [[0, 90000]]}],
    ///   "providers": [
    ///     {"id": "a", "kind": "staff", "skills": ["bathing"], "start": [116.43, 39.92], "shifts": [[0, 90000]]},
    ///     {"id": "b", "kind": "staff", "skills": ["bathing"], "start": [116.43, 39.92], "shifts": [[0, 90000]],
    ///      "prices": {"bathing": 6000}}]
    /// }"#)?;
    /// assert_eq!(p.price(NeedIdx(0), ProviderIdx(0)), 5000);
    /// assert_eq!(p.price(NeedIdx(0), ProviderIdx(1)), 6000);
    /// # Ok::<(), carematch_core::Error>(())
    /// ```
    pub fn price(&self, n: NeedIdx, p: ProviderIdx) -> i64 {
        let need = &self.needs[n.ix()];
        let prov = &self.providers[p.ix()];
        match prov
            .prices
            .binary_search_by(|(s, _)| s.as_str().cmp(need.service.as_str()))
        {
            Ok(k) => prov.prices[k].1,
            Err(_) if prov.kind == ProviderKind::Volunteer => 0,
            Err(_) => need.price,
        }
    }

    /// v1.1: whether any elder has a budget (rule 9 applies).
    pub fn has_budgets(&self) -> bool {
        self.budgets
    }

    /// v1.1: whether the plan reports funding: a price, a budget or a venue.
    pub fn has_funding(&self) -> bool {
        self.priced || self.budgets || !self.venues.is_empty()
    }

    /// v1.1: seconds elder `e` walks to venue `v` (the `walk` speed for haversine,
    /// `travel.speed` for the plane, the matrix's entry for a matrix).
    pub fn walk_time(&self, e: ElderIdx, v: usize) -> i64 {
        let speed = match self.travel {
            Travel::Haversine { .. } => {
                crate::travel::mode_speed_kmh(Some(crate::wire::Mode::Walk))
            }
            Travel::Euclidean { speed } => speed,
            Travel::Matrix { .. } => 1.0,
        };
        self.travel.time(
            speed,
            &self.elders[e.ix()].location,
            &self.venues[v].location,
        )
    }
}
