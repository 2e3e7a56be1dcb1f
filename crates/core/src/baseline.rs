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
use crate::routes::{Builder, Construction, Unit};
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
    st.at_venues(cands);
    let order = priority_order(problem, cands);
    let unassigned = insert_all(problem, cands, near, &mut st, &order, deadline);
    Construction {
        routes: st.into_routes(),
        unassigned,
    }
}

/// The unpinned needs, most important first: rank (highest first: priority, each
/// elder's lead need first with `basic_first`, [`crate::objective::ranks`]), two-carer
/// before one-carer, fewest candidate slots, earliest window close, index.
pub(crate) fn priority_order(problem: &Problem, cands: &Candidates) -> Vec<NeedIdx> {
    let ranks = crate::objective::ranks(problem);
    let mut order: Vec<NeedIdx> = (0..problem.needs().len() as u32)
        .map(NeedIdx)
        .filter(|&n| problem.need(n).pinned.is_none() && !cands.seated(n))
        .collect();
    order.sort_by_key(|&n| {
        let need = problem.need(n);
        (
            std::cmp::Reverse(ranks[n.ix()]),
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
    // The needs of a link left out are listed once (each of them names the others).
    unassigned.sort_by_key(|u| u.0);
    unassigned.dedup_by_key(|u| u.0);
    unassigned
}

/// Needs placed between two looks at the clock.
const CLOCK_EVERY: usize = 256;

/// The detail of a need the time limit left untried.
pub(crate) const TIMED_OUT: &str =
    "not tried: options.time_limit_ms ended the construction first (a longer limit may serve it)";

/// Inserts the unit of need `n` (the need, or its link's needs, rule 7) where it costs
/// least in its insertion neighbourhood ([`Builder::slots_for`]: its candidate slots,
/// its neighbours' routes, an empty route of each profile); when those are full and a
/// list was cut, among the slots of `WIDEN` times more nearest reachable providers
/// ([`Candidates::widened`]). Returns why its needs fit nowhere (none when a partner
/// already placed them).
pub(crate) fn insert_one(
    problem: &Problem,
    cands: &Candidates,
    near: &Neighbours,
    st: &mut Builder,
    n: NeedIdx,
) -> Vec<(NeedIdx, Reason, String)> {
    let unit = Unit::of(problem, n);
    let members = unit.needs(problem);
    if members.iter().any(|&m| st.at(m).is_served()) {
        return Vec::new();
    }
    if members.iter().any(|&m| cands.reason(m).is_some()) {
        return members
            .iter()
            .map(|&m| {
                let (reason, detail) = cands.reason(m).cloned().unwrap_or_else(|| {
                    (
                        Reason::Linked,
                        "a partner of its link cannot be served".to_owned(),
                    )
                });
                (m, reason, detail)
            })
            .collect();
    }
    let mut slots = 0;
    let mut own = |st: &mut Builder, m: NeedIdx| {
        let s = st.slots_for(cands, near.joinable(m), m);
        slots = slots.max(cands.of(m).len());
        s
    };
    let mut result = st.insert_unit(unit, &mut own);
    if result.is_err() && members.iter().any(|&m| cands.is_cut(m)) {
        let mut widened = |_: &mut Builder, m: NeedIdx| {
            let w = cands.widened(problem, m).into_owned();
            slots = slots.max(w.len());
            w
        };
        result = st.insert_unit(unit, &mut widened);
    }
    let (reason, detail) = match result {
        Ok(()) => return Vec::new(),
        Err(true) if matches!(unit, Unit::Need(_)) => (
            Reason::NoPartner,
            "one carer can still fit it, but no second carer is free at the same start"
                .to_owned(),
        ),
        Err(true) => (
            Reason::OverCapacity,
            "each need of its link can still fit alone, but not all of them as the link asks"
                .to_owned(),
        ),
        Err(false) => (
            Reason::OverCapacity,
            format!(
                "{slots} candidate shift(s) can serve it, but their time is taken by needs of equal or higher priority"
            ),
        ),
    };
    let first = members[0];
    let partner = &problem.need(first).id;
    members
        .iter()
        .map(|&m| {
            if m == first {
                (m, reason, detail.clone())
            } else {
                let why = format!(
                    "partner '{partner}' of its link: {}: {detail}",
                    reason.as_str()
                );
                (m, Reason::Linked, why)
            }
        })
        .collect()
}
