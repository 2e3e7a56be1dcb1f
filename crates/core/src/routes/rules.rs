//! The rules a plan keeps beyond a route's own timing, one type per rule, one file each
//! (`rules/`): limits per day and over the horizon (`limits.rs`), load per route
//! (`capacity.rs`), elders' budgets (`budgets.rs`), the carers an elder sees
//! (`continuity.rs`), soft windows (`lateness.rs`), travel per carer and day
//! (`max_travel.rs`), contracted hours (`workload.rs`), fair shares of work (`balance.rs`), trusted and primary carers
//! (`trusted.rs`), and, while an event batch re-optimises a plan, the visits handed
//! to another carer than before (`changes.rs`).
//!
//! A route's own timing — travel, windows, the shift, fixed starts of pins, links and
//! two-carer visits, the series' intervals — is [`super::RouteState`]'s. Everything
//! else is a [`Rule`]: given a [`Proposal`] it says whether the move is allowed and what
//! it changes in the objective's [`Terms`], and it keeps its own books as changes are
//! applied or rolled back ([`Applied`]). Moves never name a rule: they propose, the
//! [`super::Builder`] asks every rule, the objective weighs the terms.
//!
//! A problem that does not use a rule does not hold it ([`RULES`] makes each one only
//! when the problem needs it), so a rule costs nothing where it does not apply.
//!
//! # Adding a rule
//! Write `rules/<name>.rs` with a type implementing [`Rule`] and a `make` function that
//! returns it when the problem uses it; list it in [`RULES`]. Its fields come through
//! `wire`, `model` and `validate`, its independent check goes in `check`.

mod balance;
mod budgets;
mod capacity;
mod changes;
mod continuity;
mod lateness;
mod limits;
mod max_travel;
mod trusted;
mod workload;

use crate::feasibility::Candidates;
use crate::model::{NeedIdx, Problem, ProviderIdx};
use crate::objective::Terms;
use crate::wire::Reason;

use super::proposal::{Addition, Applied, Proposal, Room, Stage};
use super::{Builder, Insertion, RouteState};

/// Makes a rule for a problem, or `None` when the problem does not use it.
pub(crate) type Make = fn(&Problem) -> Option<Box<dyn Rule>>;

/// Every rule beyond a route's timing, each made when the problem uses it.
pub(crate) const RULES: &[Make] = &[
    limits::make,
    capacity::make,
    budgets::make,
    continuity::make,
    lateness::make,
    max_travel::make,
    changes::make,
    workload::make,
    balance::make,
    trusted::make,
];

/// One rule a plan keeps. Every method but [`Rule::apply`] has a default that says
/// "this rule has nothing to say".
pub(crate) trait Rule: Send + Sync {
    /// A change was made to a route (or rolled back): keep the books.
    fn apply(&mut self, problem: &Problem, change: &Applied<'_>);

    /// Visits the plan makes outside the routes held — at venues (no provider), or in
    /// routes not read back — counted (`sign` 1) or forgotten (−1).
    fn elsewhere(
        &mut self,
        _problem: &Problem,
        _visits: &[(NeedIdx, Option<ProviderIdx>)],
        _sign: i64,
    ) {
    }

    /// Whether the rule counts the visits made elsewhere ([`Rule::elsewhere`]).
    fn counts_elsewhere(&self) -> bool {
        false
    }

    /// Whether `add` may go into route `ri`, and the most travel it may then bring
    /// (`None`: refused).
    fn room(&self, _b: &Builder<'_>, _ri: usize, _add: &Addition<'_>) -> Option<Room> {
        Some(Room::ANY)
    }

    /// Whether the rule allows `p` at `stage`.
    fn admits(&self, _b: &Builder<'_>, _p: &Proposal<'_>, _stage: Stage) -> bool {
        true
    }

    /// Whether route `ri` still keeps the rule (after a removal, which can lengthen a
    /// route when travel breaks the triangle inequality).
    fn holds(&self, _b: &Builder<'_>, _ri: usize) -> bool {
        true
    }

    /// The rule's terms of the plan as it is.
    fn terms(&self, _t: &mut Terms) {}

    /// What a visit of `n` in route `ri` adds to the terms wherever it goes there.
    fn placing(&self, _b: &Builder<'_>, _ri: usize, _n: NeedIdx, _t: &mut Terms) {}

    /// Whether the terms of a placement depend on its position and start
    /// ([`Rule::timed`]).
    fn is_timed(&self) -> bool {
        false
    }

    /// What a visit of `n` placed in `route` as `ins` says (its position, the travel
    /// it adds), starting at `start`, adds to the terms that depends on the place.
    fn timed(
        &self,
        _b: &Builder<'_>,
        _route: &RouteState,
        _n: NeedIdx,
        _ins: &Insertion,
        _start: i64,
        _t: &mut Terms,
    ) {
    }

    /// Whether the terms [`Rule::timed`] adds are never below zero, so that a
    /// placement costs at least its part that does not depend on the place
    /// ([`Builder::floor`]). Off unless a rule vouches for it.
    fn timed_never_negative(&self) -> bool {
        false
    }

    /// What `p` changes in the terms.
    fn change(&self, _b: &Builder<'_>, _p: &Proposal<'_>, _t: &mut Terms) {}

    /// Whether [`Rule::change`] is exact on a proposal judged by its figures (one
    /// whose routes were not re-timed).
    fn exact_on_figures(&self) -> bool {
        true
    }

    /// Whether the rule prices who serves an elder across visits and days, so that
    /// moves handing an elder's visits between carers as a whole are worth trying.
    fn per_elder(&self) -> bool {
        false
    }

    /// Other providers worth trying for the visit of `n` that `from` makes.
    fn suggest(
        &self,
        _b: &Builder<'_>,
        _n: NeedIdx,
        _from: ProviderIdx,
        _out: &mut Vec<ProviderIdx>,
    ) {
    }

    /// What route `row`'s visits add to the terms when `to` — the carer of route
    /// `col` — makes them in place of `col`'s, the other routes held; `None` when the
    /// rule forbids it. Rules that cannot tell edge by edge answer at
    /// [`Rule::admits`] on the whole hand-over.
    fn handover(
        &self,
        _b: &Builder<'_>,
        _row: usize,
        _col: usize,
        _to: ProviderIdx,
    ) -> Option<Terms> {
        Some(Terms::default())
    }

    /// Why need `n`, left out for want of room, is the rule's doing, if it is.
    fn reason(
        &self,
        _b: &Builder<'_>,
        _cands: &Candidates,
        _n: NeedIdx,
    ) -> Option<(Reason, String)> {
        None
    }
}

/// The rules a problem uses.
pub(crate) struct Rules {
    list: Vec<Box<dyn Rule>>,
    /// Whether any rule's placement terms depend on the place.
    timed: bool,
    /// Whether every rule's change is exact on figures.
    exact: bool,
    /// Whether no timed rule adds less than zero ([`Rule::timed_never_negative`]).
    floored: bool,
}

impl Rules {
    /// The rules `problem` uses.
    pub(crate) fn new(problem: &Problem) -> Self {
        let list: Vec<Box<dyn Rule>> = RULES.iter().filter_map(|make| make(problem)).collect();
        Self {
            timed: list.iter().any(|r| r.is_timed()),
            exact: list.iter().all(|r| r.exact_on_figures()),
            floored: list
                .iter()
                .all(|r| !r.is_timed() || r.timed_never_negative()),
            list,
        }
    }

    /// Each rule.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &dyn Rule> {
        self.list.iter().map(|r| r.as_ref())
    }

    /// Each rule, to update.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Box<dyn Rule>> {
        self.list.iter_mut()
    }

    /// Whether any rule's placement terms depend on the place.
    pub(crate) fn timed(&self) -> bool {
        self.timed
    }

    /// Whether no timed rule adds less than zero to a placement's terms.
    pub(crate) fn floored(&self) -> bool {
        self.floored
    }

    /// Whether every rule's change is exact on figures.
    pub(crate) fn exact(&self) -> bool {
        self.exact
    }
}
