//! The rules a plan's routes keep while they are built and searched: the one home of
//! feasibility during construction, search and dispatch.
//!
//! - [`RouteState`] (`route.rs`): one provider shift's route with each stop's earliest
//!   and latest start; rule 3 (travel, windows, shift) and the fixed starts of pins,
//!   links and two-carer visits, an insertion checked in O(1) per position;
//!   `segment.rs`: the moves of the local search checked on that segment data.
//! - The rules beyond a route's own timing (`rules.rs`, one type per rule in
//!   `rules/`: limits per day and over the horizon, capacity, budgets, continuity,
//!   lateness, travel per day). Each answers, for a [`Proposal`] (`proposal.rs`),
//!   whether it is allowed and what it changes in the objective's terms, and keeps
//!   its own books.
//! - [`Builder`] (`builder.rs`): every route of a plan and every rule's books; the
//!   only way the constructions, the search and dispatch add or remove a visit, ask
//!   what a move costs, and take a change back (checkpoints).
//! - Insertion moves (`insert.rs`): the cheapest place for a one-carer visit, the
//!   cheapest pair of places at one common start for a two-carer visit, links.
//! - The series rule (`series.rs`), pins (`pins.rs`, rule 6, placed once by validation
//!   with the moves above), and teams of interchangeable routes (`teams.rs`).
//!
//! A new constraint on routes is a new file in `rules/` (and its check in `check`);
//! nothing downstream re-derives a rule, and no move names one.

mod breaks;
mod builder;
mod insert;
mod pins;
mod proposal;
mod route;
mod rules;
mod segment;
mod series;
mod teams;

pub(crate) use builder::{Builder, Serving};
pub(crate) use insert::{InsertKey, Unit, UnitMove};
pub(crate) use pins::place_pins;
pub(crate) use proposal::{Handover, Proposal, RouteChange, Stage};
pub(crate) use route::{Insertion, RouteState, StopState};
pub(crate) use series::whole_series;
pub(crate) use teams::Teams;

use crate::feasibility::Candidates;
use crate::model::{NeedIdx, Problem};
use crate::objective::Score;
use crate::wire::Reason;

/// The result of a construction: routes (some empty) and the needs left out.
#[derive(Debug, Clone)]
pub(crate) struct Construction {
    /// One route per provider shift, in slot order.
    pub(crate) routes: Vec<RouteState>,
    /// Needs not served, with reason and detail, in need order.
    pub(crate) unassigned: Vec<(NeedIdx, Reason, String)>,
}

impl Construction {
    /// The plan's score under the spec's objective.
    pub(crate) fn score(&self, problem: &Problem) -> Score {
        let b = Builder::from_routes(problem, self.routes.clone());
        Score::without(problem, self.unassigned.iter().map(|u| u.0), b.cost())
    }
}

/// Gives the needs `built` leaves out for want of room (`over_capacity`, `no_partner`)
/// the reason of the rule that keeps them out, when one does (`over_budget`: the elder
/// cannot pay any candidate carer once the plan's visits are paid for).
pub(crate) fn rule_reasons(problem: &Problem, cands: &Candidates, built: &mut Construction) {
    let mut b = Builder::from_routes(problem, built.routes.clone());
    b.at_venues(cands);
    for u in &mut built.unassigned {
        if !matches!(u.1, Reason::OverCapacity | Reason::NoPartner) {
            continue;
        }
        if let Some((reason, detail)) = b.reason(cands, u.0) {
            u.1 = reason;
            u.2 = detail;
        }
    }
}
