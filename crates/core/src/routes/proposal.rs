//! What a move proposes, and what a change did: the language between the moves and the
//! rules.
//!
//! A move (an insertion, a local-search operator, a hand-over, dispatch) never asks a
//! rule by name. It describes what it would do as a [`Proposal`] — the routes it would
//! change, each by its figures ([`RouteChange`]: travel, service, load and visits added)
//! or re-timed whole, and the visits it would hand from one carer to another
//! ([`Handover`]) — and asks the [`super::Builder`] whether the rules admit it and what
//! it costs. Once a change is made, the builder tells every rule what happened
//! ([`Applied`]) so each keeps its books.

use crate::model::{NeedIdx, ProviderIdx};

use super::{RouteState, StopState};

/// A route's figures: what the rules beyond its timing read of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Figures {
    /// Visits.
    pub(crate) visits: i64,
    /// Seconds of travel.
    pub(crate) travel: i64,
    /// Seconds of service.
    pub(crate) service: i64,
    /// Summed load.
    pub(crate) load: i64,
    /// Seconds of lateness, summed over its visits.
    pub(crate) late: i64,
    /// The largest lateness of a visit.
    pub(crate) late_max: i64,
}

impl Figures {
    /// Seconds of work: travel and service.
    pub(crate) fn work(&self) -> i64 {
        self.travel + self.service
    }
}

/// What a move would do to one route: its figures' changes (negative: taken away), and
/// the route as it would be once re-timed, when the move has built it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RouteChange<'r> {
    /// The route (its index in the builder).
    pub(crate) ri: usize,
    /// Travel added.
    pub(crate) travel: i64,
    /// Service added.
    pub(crate) service: i64,
    /// Load added.
    pub(crate) load: i64,
    /// Visits added.
    pub(crate) visits: i64,
    /// The route as the move leaves it, re-timed; `None` when the move is judged on
    /// the figures alone (segment data, [`crate::routes::RouteState::gap`]).
    pub(crate) rebuilt: Option<&'r RouteState>,
}

impl<'r> RouteChange<'r> {
    /// A change of route `ri` by its figures: `travel`, `service`, `load` and `visits`
    /// added.
    pub(crate) fn by(ri: usize, travel: i64, service: i64, load: i64, visits: i64) -> Self {
        Self {
            ri,
            travel,
            service,
            load,
            visits,
            rebuilt: None,
        }
    }

    /// Route `ri`, now `old`, replaced by `new` (the same slot, re-timed).
    pub(crate) fn rebuilt(ri: usize, old: &RouteState, new: &'r RouteState) -> Self {
        let (a, b) = (old.figures(), new.figures());
        Self {
            ri,
            travel: b.travel - a.travel,
            service: b.service - a.service,
            load: b.load - a.load,
            visits: b.visits - a.visits,
            rebuilt: Some(new),
        }
    }

    /// Work (travel and service) added.
    pub(crate) fn work(&self) -> i64 {
        self.travel + self.service
    }
}

/// Visits of a proposal, without a copy: one need, or the needs of a run of stops.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Visits<'r> {
    /// One need.
    One(NeedIdx),
    /// The needs of these stops.
    Stops(&'r [StopState]),
}

impl Visits<'_> {
    /// The needs, in order.
    pub(crate) fn needs(&self) -> impl Iterator<Item = NeedIdx> + '_ {
        let (one, stops) = match self {
            Visits::One(n) => (Some(*n), [].as_slice()),
            Visits::Stops(s) => (None, *s),
        };
        one.into_iter().chain(stops.iter().map(|s| s.need))
    }
}

/// Visits that a proposal hands from one provider to another: `from` `None` when they
/// are new to the plan, `to` `None` when they leave it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Handover<'r> {
    /// The visits.
    pub(crate) visits: Visits<'r>,
    /// Who makes them now.
    pub(crate) from: Option<ProviderIdx>,
    /// Who would make them.
    pub(crate) to: Option<ProviderIdx>,
}

impl<'r> Handover<'r> {
    /// One visit of `n` handed from `from` to `to`.
    pub(crate) fn one(n: NeedIdx, from: ProviderIdx, to: ProviderIdx) -> Self {
        Self {
            visits: Visits::One(n),
            from: Some(from),
            to: Some(to),
        }
    }

    /// The visits of `stops` handed from `from` to `to`.
    pub(crate) fn stops(stops: &'r [StopState], from: ProviderIdx, to: ProviderIdx) -> Self {
        Self {
            visits: Visits::Stops(stops),
            from: Some(from),
            to: Some(to),
        }
    }

    /// A new visit of `n` by `to`.
    pub(crate) fn new_visit(n: NeedIdx, to: ProviderIdx) -> Self {
        Self {
            visits: Visits::One(n),
            from: None,
            to: Some(to),
        }
    }

    /// Each (need, from, to) of the hand-over.
    pub(crate) fn each(
        &self,
    ) -> impl Iterator<Item = (NeedIdx, Option<ProviderIdx>, Option<ProviderIdx>)> + '_ {
        self.visits.needs().map(|n| (n, self.from, self.to))
    }
}

/// A move as the rules see it: the routes it changes, and the visits it hands over.
///
/// Judged on figures (`rebuilt` `None` everywhere), `handed` must list every visit that
/// changes provider; with re-timed routes the rules read the routes themselves and
/// `handed` is empty.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Proposal<'r> {
    /// The routes changed.
    pub(crate) routes: &'r [RouteChange<'r>],
    /// The visits handed over.
    pub(crate) handed: &'r [Handover<'r>],
}

impl<'r> Proposal<'r> {
    /// Changes of `routes` handing over `handed`.
    pub(crate) fn new(routes: &'r [RouteChange<'r>], handed: &'r [Handover<'r>]) -> Self {
        Self { routes, handed }
    }

    /// Whether the routes were re-timed whole (not judged on their figures).
    pub(crate) fn rebuilt(&self) -> bool {
        self.routes.first().is_some_and(|c| c.rebuilt.is_some())
    }
}

/// How far a move has gone when it asks the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Screening a candidate on its figures, to be re-timed and asked again before it
    /// is applied: the rules that judge figures answer (limits, capacity).
    Screen,
    /// About to be applied: every rule answers.
    Final,
}

/// Visits about to go into one route together ([`super::Builder::room`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Addition<'r> {
    /// Their needs.
    pub(crate) needs: &'r [NeedIdx],
    /// Their service, seconds.
    pub(crate) service: i64,
    /// Their load.
    pub(crate) load: i64,
    /// Travel already added to the route by the visits placed before (0 for one).
    pub(crate) travel: i64,
}

/// How much travel an addition may still bring to a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Room(Option<i64>);

impl Room {
    /// No rule limits the travel.
    pub(crate) const ANY: Room = Room(None);

    /// At most `seconds` of travel.
    pub(crate) fn at_most(seconds: i64) -> Self {
        Room(Some(seconds))
    }

    /// The tighter of two rooms.
    pub(crate) fn and(self, other: Room) -> Room {
        match (self.0, other.0) {
            (Some(a), Some(b)) => Room(Some(a.min(b))),
            (a, b) => Room(a.or(b)),
        }
    }

    /// The room left once `seconds` more are taken (none left: negative).
    pub(crate) fn minus(self, seconds: i64) -> Room {
        Room(self.0.map(|r| r - seconds))
    }

    /// Whether `travel` more seconds fit.
    #[inline]
    pub(crate) fn fits(self, travel: i64) -> bool {
        self.0.is_none_or(|r| travel <= r)
    }
}

/// A change made to one route, as every rule hears of it: the figures before and after,
/// the stops that left and the stops that came (all of them when the route was replaced
/// whole).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Applied<'r> {
    /// The route.
    pub(crate) ri: usize,
    /// Its provider.
    pub(crate) provider: ProviderIdx,
    /// Its figures before.
    pub(crate) before: Figures,
    /// Its figures after.
    pub(crate) after: Figures,
    /// Stops that left it, in route order.
    pub(crate) left: &'r [StopState],
    /// Stops that came, in route order.
    pub(crate) came: &'r [StopState],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tighter_room_wins_and_none_is_unlimited() {
        assert_eq!(Room::ANY.and(Room::at_most(5)), Room::at_most(5));
        assert_eq!(Room::at_most(9).and(Room::at_most(5)), Room::at_most(5));
        assert!(Room::ANY.fits(i64::MAX));
        assert!(Room::at_most(5).fits(5) && !Room::at_most(5).fits(6));
    }
}
