//! The baseline solver: priority-ordered cheapest feasible insertion.
//!
//! It starts from the pinned visits where validation placed them
//! ([`crate::routes`]). Then every other need, in order of
//! priority (highest first), then two-carer needs before one-carer ones, then fewest
//! candidate slots first (most constrained), then earliest window close, then index,
//! is inserted where it adds the least travel in its insertion neighbourhood (its
//! candidate slots, [`crate::feasibility`]; the routes of its nearest needs,
//! [`crate::neighbours`]; one empty route of each route profile) without breaking any rule: windows, shifts, `max_visits`,
//! `max_work`, `capacity`. A two-carer need is inserted into two routes of different
//! providers at one common start, fixed from then on. Ties (the same added travel) go
//! by the objective's tie-break ([`crate::objective`]): the elder's trusted carers
//! (`prefers`, continuity of care), then the provider with less work so far
//! (balance), then the lower slot.
//!
//! It is simple and always feasible, and it stays as the reference the later solvers
//! are measured against. Cost: O(needs × candidate slots × route length).

use std::time::Instant;

use crate::feasibility::Candidates;
use crate::model::{NeedIdx, Problem};
use crate::neighbours::Neighbours;
use crate::routes::{Builder, Construction};
use crate::wire::Reason;

/// Builds a plan's routes with the baseline construction, from the pinned visits
/// where validation placed them. Needs not tried by `deadline` are left out (see
/// [`insert_all`]).
pub(crate) fn construct(
    problem: &Problem,
    cands: &Candidates,
    near: &Neighbours,
    deadline: Option<Instant>,
) -> Construction {
    let mut st = Builder::with_pins(problem);
    let order = priority_order(problem, cands);
    let unassigned = insert_all(problem, cands, near, &mut st, &order, deadline);
    Construction {
        routes: st.routes,
        unassigned,
    }
}

/// The unpinned needs, most important first: priority (highest first), two-carer
/// before one-carer, fewest candidate slots, earliest window close, index.
pub(crate) fn priority_order(problem: &Problem, cands: &Candidates) -> Vec<NeedIdx> {
    let mut order: Vec<NeedIdx> = (0..problem.needs().len() as u32)
        .map(NeedIdx)
        .filter(|&n| problem.need(n).pinned.is_none())
        .collect();
    order.sort_by_key(|&n| {
        let need = problem.need(n);
        (
            std::cmp::Reverse(need.priority),
            std::cmp::Reverse(need.caregivers),
            cands.of(n).len(),
            need.windows.last().map_or(0, |w| w.close),
            n,
        )
    });
    order
}

/// Inserts the needs of `order`, each where it costs least in its insertion
/// neighbourhood; returns the needs that fit nowhere, with reasons, in need order.
/// Once `deadline` has passed (looked at after every [`CLOCK_EVERY`] needs, so a
/// problem smaller than that is always built whole), the needs not tried yet — the
/// least important, as `order` is — are left out as `over_capacity`, their detail
/// naming the time limit.
pub(crate) fn insert_all(
    problem: &Problem,
    cands: &Candidates,
    near: &Neighbours,
    st: &mut Builder,
    order: &[NeedIdx],
    deadline: Option<Instant>,
) -> Vec<(NeedIdx, Reason, String)> {
    let mut unassigned = Vec::new();
    for (k, &n) in order.iter().enumerate() {
        let late = k > 0 && k % CLOCK_EVERY == 0 && deadline.is_some_and(|d| Instant::now() >= d);
        if late {
            unassigned.extend(order[k..].iter().map(|&n| match cands.reason(n) {
                Some((reason, detail)) => (n, *reason, detail.clone()),
                None => (n, Reason::OverCapacity, TIMED_OUT.to_owned()),
            }));
            break;
        }
        unassigned.extend(insert_one(problem, cands, near, st, n));
    }
    unassigned.sort_by_key(|u| u.0);
    unassigned
}

/// Needs placed between two looks at the clock.
const CLOCK_EVERY: usize = 256;

/// The detail of a need the time limit left untried.
pub(crate) const TIMED_OUT: &str =
    "not tried: options.time_limit_ms ended the construction first (a longer limit may serve it)";

/// Inserts need `n` where it costs least in its insertion neighbourhood
/// ([`Builder::slots_for`]: its candidate slots, its neighbours' routes, an empty
/// route of each profile); when those are full and its list was cut, among the slots
/// of its `WIDEN` times more nearest reachable providers ([`Candidates::widened`]).
/// Returns why it fits nowhere.
pub(crate) fn insert_one(
    problem: &Problem,
    cands: &Candidates,
    near: &Neighbours,
    st: &mut Builder,
    n: NeedIdx,
) -> Option<(NeedIdx, Reason, String)> {
    if let Some((reason, detail)) = cands.reason(n) {
        return Some((n, *reason, detail.clone()));
    }
    let slots = st.slots_for(cands, near.joinable(n), n);
    let mut result = st.insert(&slots, n);
    let mut slots = cands.of(n).len();
    if result.is_err() && cands.is_cut(n) {
        let all = cands.widened(problem, n);
        slots = all.len();
        result = st.insert(&all, n);
    }
    match result {
        Ok(()) => None,
        Err(true) => Some((
            n,
            Reason::NoPartner,
            "one carer can still fit it, but no second carer is free at the same start".to_owned(),
        )),
        Err(false) => Some((
            n,
            Reason::OverCapacity,
            format!(
                "{slots} candidate shift(s) can serve it, but their time is taken by needs of equal or higher priority"
            ),
        )),
    }
}
