//! Rule 6: a pinned need is served by its provider at its start, or the input is
//! rejected.
//!
//! Each pin alone first: its provider qualifies (rule 2) and can reach the elder at
//! the pinned start and return within one of its shifts. Then all pins together,
//! placed by the route rules the solver itself uses ([`crate::routes::place_pins`]:
//! travel between pinned visits, `max_visits`, `max_work`, `capacity`, a partner for a
//! two-carer pin): the placement is kept in the problem, so no construction can fail
//! on a pin later.

use super::R;
use crate::error::{Error, FieldPath};
use crate::feasibility::slots_of;
use crate::model::{NeedIdx, PinnedRoute, Problem, Window};

/// Checks every pin of `problem` and returns where they go.
pub(super) fn place(problem: &Problem) -> R<Vec<PinnedRoute>> {
    for n in problem.pinned_needs() {
        alone(problem, n)?;
    }
    crate::routes::place_pins(problem, |n| slots_of(problem, n, false).0).map_err(|n| {
        let need = problem.need(n);
        let prov = need.pinned.map_or("", |p| problem.provider(p.provider).id.as_str());
        Error::invalid(
            &path(n).key("start"),
            if need.caregivers == 2 {
                format!("two carers needed; no second qualified provider can join '{prov}' at the pinned start")
            } else {
                format!(
                    "provider '{prov}' cannot keep this pinned visit with its other pins: the previous pinned visit, travel, max_visits, max_work or capacity leave no room"
                )
            },
        )
    })
}

/// `needs[n].pinned`.
fn path(n: NeedIdx) -> FieldPath {
    FieldPath::root().key("needs").index(n.ix()).key("pinned")
}

/// Pin `n` on its own: a qualified provider that can reach the elder at the start.
fn alone(problem: &Problem, n: NeedIdx) -> R<()> {
    let need = problem.need(n);
    let Some(pin) = need.pinned else {
        return Ok(());
    };
    let prov = problem.provider(pin.provider);
    if let Some(why) = problem.disqualification(pin.provider, n) {
        return Err(Error::invalid(
            &path(n).key("provider"),
            format!("provider '{}' may not serve this need: {why:?}", prov.id),
        ));
    }
    let at = [Window {
        open: pin.start,
        close: pin.start,
    }];
    if !(0..prov.shifts.len()).any(|s| problem.reachable(pin.provider, s, n, &at)) {
        return Err(Error::invalid(
            &path(n).key("start"),
            format!(
                "provider '{}' cannot reach the elder by {} and return within any shift (and max_work)",
                prov.id, pin.start
            ),
        ));
    }
    Ok(())
}
