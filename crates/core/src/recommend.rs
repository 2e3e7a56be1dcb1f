//! Booking: the best times and carers for a new need in a running plan, without
//! committing anything — "can the bath be on Tuesday or Thursday morning?".
//!
//! [`recommend`] reads back the routes of the nearest providers that may serve the
//! need (as [`crate::dispatch`] does; of every such provider when those have no room),
//! prices every feasible place of the need in them with the constructions' own
//! insertion (every rule of the spec, the carer's limits, the price of a carer
//! change), and returns the cheapest distinct (carer, start) options. Cost: the
//! candidate providers' routes, independent of the rest of the plan.

use std::collections::HashMap;

use crate::dispatch::{load, visits_outside};
use crate::error::{Error, FieldPath};
use crate::feasibility::slots_of;
use crate::model::{NeedIdx, Problem, ProviderIdx, Slot, Window};
use crate::routes::Builder;
use crate::wire::{BookingOption, Plan, Reason, Recommendation};

/// Most options one call returns.
pub const MAX_OPTIONS: usize = 100;

/// The `count` (at most [`MAX_OPTIONS`]) cheapest ways to book need `need` (an id of
/// `problem`, a one-carer need outside links, not served in `plan`) into `plan`.
///
/// Errors: an unknown need, a need served already, a two-carer or linked need, a
/// count of 0, or a plan route that does not fit `problem`.
///
/// ```
/// use carematch_core::{recommend::recommend, solve, Problem};
/// let problem = Problem::from_json(br#"{
///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
///   "needs": [{"id": "bath", "elder": "e1", "service": "bathing",
///              "windows": [[32400, 39600], [118800, 126000]]}],
///   "providers": [{"id": "p1", "kind": "staff", "level": 3, "skills": ["bathing"],
///                  "start": [116.42, 39.92], "shifts": [[28800, 61200], [115200, 147600]]}]
/// }"#)?;
/// let mut plan = solve(&problem)?;
/// plan.routes.clear(); // the bath not booked yet
/// let r = recommend(&problem, &plan, "bath", 3)?;
/// assert_eq!(r.options[0].providers, ["p1"]);
/// assert!(r.options.iter().all(|o| o.window[0] <= o.start && o.start <= o.window[1]));
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn recommend(
    problem: &Problem,
    plan: &Plan,
    need: &str,
    count: usize,
) -> Result<Recommendation, Error> {
    recommend_at(problem, plan, need, count, None)
}

/// [`recommend`] told at `now` (when given): no option starts before `now`, or before
/// its carer could be there from where she is (as [`crate::dispatch`] places a need at
/// `now`), and the plan's visits still to come stay after `now`.
///
/// ```
/// use carematch_core::{recommend::recommend_at, solve, Problem};
/// let problem = Problem::from_json(br#"{
///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
///   "needs": [{"id": "bath", "elder": "e1", "service": "bathing", "windows": [[32400, 50400]]}],
///   "providers": [{"id": "p1", "kind": "staff", "level": 1, "skills": ["bathing"],
///                  "start": [116.42, 39.92], "shifts": [[28800, 64800]]}]
/// }"#)?;
/// let mut plan = solve(&problem)?;
/// plan.routes.clear();
/// plan.unassigned.clear();
/// let r = recommend_at(&problem, &plan, "bath", 3, Some(40000))?;
/// assert!(r.options.iter().all(|o| o.start >= 40000 + 180)); // ~1 km away
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn recommend_at(
    problem: &Problem,
    plan: &Plan,
    need: &str,
    count: usize,
    now: Option<i64>,
) -> Result<Recommendation, Error> {
    let path = FieldPath::root().key("need");
    let n = problem
        .need_by_id(need)
        .ok_or_else(|| Error::invalid(&path, "unknown need id"))?;
    let m = problem.need(n);
    if m.caregivers != 1 || m.link.is_some() || problem.series_of(n).is_some() {
        return Err(Error::invalid(
            &path,
            "booking takes a one-carer need of one visit outside links",
        ));
    }
    if !(1..=MAX_OPTIONS).contains(&count) {
        return Err(Error::invalid(
            &FieldPath::root().key("count"),
            format!("give 1 to {MAX_OPTIONS}"),
        ));
    }
    if plan
        .routes
        .iter()
        .any(|r| r.stops.iter().any(|s| s.need == m.id))
    {
        return Err(Error::invalid(&path, "the need is served already"));
    }
    let (slots, why, cut) = slots_of(problem, n, false);
    if let Some((reason, detail)) = why {
        return Ok(none(reason, detail));
    }
    let mut st = Builder::new(problem);
    let mut at = HashMap::new();
    load(problem, plan, now, &slots, &mut st, &mut at)?;
    let mut noted = Vec::new();
    visits_outside(problem, plan, &[n], &mut st, &at, &mut noted);
    let mut found = places(problem, &st, &slots, n, now);
    let mut tried = slots.len();
    if found.is_empty() && cut {
        let all = slots_of(problem, n, true).0;
        load(problem, plan, now, &all, &mut st, &mut at)?;
        visits_outside(problem, plan, &[n], &mut st, &at, &mut noted);
        found = places(problem, &st, &all, n, now);
        tried = all.len();
    }
    if found.is_empty() {
        return Ok(none(
            Reason::OverCapacity,
            format!("{tried} provider shift(s) could serve it, but none has room at its times"),
        ));
    }
    let id = |p: ProviderIdx| problem.provider(p).id.as_str();
    found.sort_by(|a, b| (a.0, id(a.1), a.2).cmp(&(b.0, id(b.1), b.2)));
    found.dedup_by_key(|x| (x.1, x.2));
    found.truncate(count);
    let options = found
        .into_iter()
        .map(|(cost, p, start)| {
            let w = m
                .window_of(start)
                .map_or([start, start], |w| [w.open, w.close]);
            BookingOption {
                providers: vec![id(p).to_owned()],
                start,
                window: w,
                added_cost: cost,
            }
        })
        .collect();
    Ok(Recommendation {
        options,
        reason: None,
        detail: None,
    })
}

/// No option, and why.
fn none(reason: Reason, detail: String) -> Recommendation {
    Recommendation {
        options: Vec::new(),
        reason: Some(reason),
        detail: Some(detail),
    }
}

/// Every feasible place of `n` in the routes of `slots`: (added cost, carer, start).
fn places(
    problem: &Problem,
    st: &Builder,
    slots: &[Slot],
    n: NeedIdx,
    now: Option<i64>,
) -> Vec<(i64, ProviderIdx, i64)> {
    let after = now.map(|t| Window {
        open: t,
        close: i64::MAX / 4,
    });
    slots
        .iter()
        .flat_map(|&slot| {
            let route = st.route(st.route_ix(slot));
            st.options(slot, n, after, 0)
                .into_iter()
                .filter_map(move |i| {
                    let start = match now {
                        Some(t) => route.start_at(problem, n, &i, t)?,
                        None => i.earliest,
                    };
                    Some((i.cost, slot.provider, start))
                })
        })
        .collect()
}
