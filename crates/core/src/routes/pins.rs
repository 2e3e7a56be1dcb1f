//! Rule 6: pinned visits, placed with the same moves as every other visit.
//!
//! Validation calls [`place_pins`] once; a pin that cannot be kept is an input error
//! there, and the placement is stored in the problem, so that every construction
//! starts from it ([`super::Builder::with_pins`]) and can never fail on a pin.

use super::Builder;
use crate::model::{NeedIdx, PinnedRoute, Problem, Slot};

/// Places every pinned need of `problem` at its pinned start, one-carer pins first
/// (they have no choice; a two-carer pin then picks a partner among `slots_of` its
/// need), each where it costs least within every route rule and provider limit.
/// Returns the routes that hold pins, in slot order, or the first need that cannot
/// be kept with the pins placed before it.
pub(crate) fn place_pins(
    problem: &Problem,
    slots_of: impl Fn(NeedIdx) -> Vec<Slot>,
) -> Result<Vec<PinnedRoute>, NeedIdx> {
    let mut pinned: Vec<NeedIdx> = problem.pinned_needs().collect();
    pinned.sort_by_key(|&n| {
        let need = problem.need(n);
        (need.caregivers, need.pinned.map(|p| p.start), n)
    });
    let mut st = Builder::new(problem);
    for n in pinned {
        st.insert(&slots_of(n), n).map_err(|_| n)?;
    }
    Ok(st
        .routes()
        .iter()
        .filter(|r| !r.stops().is_empty())
        .map(|r| PinnedRoute {
            slot: r.slot,
            stops: r
                .stops()
                .iter()
                .enumerate()
                .map(|(i, s)| (s.need, s.fixed.unwrap_or(r.start_of(i))))
                .collect(),
        })
        .collect())
}
