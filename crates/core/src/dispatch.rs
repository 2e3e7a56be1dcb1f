//! Urgent insertion: one new need (an emergency call inside the 15-minute rescue
//! circle, a same-day request) into a plan that is already running, with the least
//! disruption.
//!
//! [`dispatch`] touches only the routes of the providers that may serve the need
//! ([`crate::feasibility::slots_of`], a full scan): it rebuilds those from the plan,
//! keeps every visit's order and provider, and inserts the need where it adds the least
//! travel (the constructions' own insertion, with every rule of the spec). Visits that
//! started at or before `now`, and synchronised visits, keep their start; the others
//! of a changed route may move inside their windows, never before `now`. Told a `now`,
//! a lone visit goes where its carer can be (`respond`), and an urgent one (a response
//! target) to the carer who can be there first; when no place fits in time, `divert`
//! frees that carer of the later visits she could no longer make. When no route has
//! room and the need is a one-carer one, the lowest-priority visit whose removal makes
//! room (below the need's priority, never pinned or synchronised) is displaced and
//! becomes unassigned (`over_capacity`). When nothing works, the plan is returned unchanged but
//! for the need, listed as unassigned with its reason.
//!
//! Cost: O(routes of the plan) to index it, plus the candidate providers' routes
//! (rebuild and insertion), independent of the rest of the plan.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, FieldPath};
use crate::explain::adjust_gap;
use crate::feasibility::slots_of;
use crate::model::{NeedIdx, Problem, ProviderIdx, Slot, Window};
use crate::routes::{Builder, Insertion, RouteState, StopState, Unit};
use crate::wire::{Plan, Reason, Unassigned};

/// What [`dispatch`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Dispatch {
    /// The updated plan (`summary.bound` dropped: it was proven for the old plan's
    /// needs).
    pub plan: Plan,
    /// The providers now serving the need (two for a synchronised need); empty when it
    /// could not be served.
    pub providers: Vec<String>,
    /// The need's start, when served.
    pub start: Option<i64>,
    /// A need displaced to make room, if any.
    pub displaced: Option<String>,
    /// Why the need could not be served, when it was not.
    pub reason: Option<(Reason, String)>,
    /// The routes this dispatch wrote into the plan (replaced or added), as they are in
    /// `plan`: what a client holding the old plan needs to update it.
    pub changed: Vec<crate::wire::Route>,
    /// v1.2, a one-carer need dispatched with a `now`: when its carer can be there —
    /// its start when served; when its response target cannot be met, the earliest
    /// arrival any carer could make (named in `responder`).
    pub eta: Option<i64>,
    /// v1.2: the carer of `eta`.
    pub responder: Option<String>,
    /// v1.2, a need with a response target (`response_within`, or an `emergency`'s
    /// `options.response_target`) dispatched with a `now`: whether it is met.
    pub target_met: Option<bool>,
}

/// Inserts need `need` (an id of `problem`, absent from `plan`'s routes) into `plan`, a
/// plan for `problem`'s other needs. Visits starting at or before `now` (when given)
/// keep their start; nothing starts before `now`, the new visit no earlier than its
/// carer can be there. A need with a response target (`response_within`, or an
/// emergency's `options.response_target`) goes to the carer who can be there first
/// within it — diverting one from later visits she could no longer make, which are
/// dispatched again — or is left unassigned `no_responder_in_time` with the best
/// `eta` there is.
///
/// Errors (nothing is changed): an unknown need id, a need already served, or a plan
/// route that names an unknown provider, shift or need, or that is not feasible for
/// `problem`.
///
/// ```
/// use carematch_core::{check, dispatch::dispatch, solve, Problem};
/// let with = |extra: &str| Problem::from_json(format!(r#"{{
///   "elders": [{{"id": "e1", "location": [116.43, 39.92]}}, {{"id": "e2", "location": [116.44, 39.92]}}],
///   "needs": [{{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]}}{extra}],
///   "providers": [{{"id": "p1", "kind": "staff", "level": 2, "skills": ["meals", "emergency"],
///                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]}}]
/// }}"#).as_bytes());
/// let before = with("")?;
/// let plan = solve(&before)?;
/// let after = with(r#", {"id": "sos", "elder": "e2", "service": "emergency", "windows": [[40000, 40900]]}"#)?;
/// let d = dispatch(&after, plan, "sos", Some(39000))?;
/// assert_eq!(d.providers, ["p1"]);
/// assert!(check(&after, &d.plan).is_empty());
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn dispatch(
    problem: &Problem,
    plan: Plan,
    need: &str,
    now: Option<i64>,
) -> Result<Dispatch, Error> {
    let d = place_one(problem, plan, need, now)?;
    // An urgent need not reached in time, or with no room anywhere: a carer diverted.
    let urgent = problem
        .need_by_id(need)
        .is_some_and(|n| responds(problem, n) && target_of(problem, n).is_some());
    match (&d.reason, now) {
        (Some((Reason::NoResponderInTime | Reason::OverCapacity, _)), Some(t)) if urgent => {
            Ok(divert(problem, &d.plan, need, t)?.unwrap_or(d))
        }
        _ => Ok(d),
    }
}

/// [`dispatch`] without diverting a carer.
fn place_one(
    problem: &Problem,
    plan: Plan,
    need: &str,
    now: Option<i64>,
) -> Result<Dispatch, Error> {
    let n = problem
        .need_by_id(need)
        .ok_or_else(|| Error::invalid(&FieldPath::root().key("need"), "unknown need id"))?;
    // A need of a link comes with its partners (rule 7): none may be served yet.
    let unit = Unit::of(problem, n);
    let members = unit.needs(problem);
    not_served(problem, &plan, &members)?;
    let mut out = Dispatch {
        plan: Plan::default(),
        providers: Vec::new(),
        start: None,
        displaced: None,
        reason: None,
        changed: Vec::new(),
        eta: None,
        responder: None,
        target_met: None,
    };
    let mut near = Vec::with_capacity(members.len());
    for &m in &members {
        let (slots, why, cut) = slots_of(problem, m, false);
        if let Some((reason, detail)) = why {
            out.reason = Some((reason, detail));
            out.plan = finish(problem, plan, &[], &members, out.reason.clone(), None);
            return Ok(out);
        }
        near.push((slots, cut));
    }
    // Rebuild the routes of the nearest providers that may serve the need; of every
    // one when those have no room.
    let mut st = Builder::new(problem);
    if let Some(t) = now {
        st.not_before(t);
    }
    let mut at = HashMap::new();
    let placed = place(problem, &plan, now, unit, near, &mut st, &mut at)?;
    let touched = outcome(problem, &st, unit, &members, &placed, &mut out);
    let displaced = placed.displaced.map(|d| d.0);
    out.displaced = displaced.map(|d| problem.need(d).id.clone());
    let changed: Vec<(Slot, Option<usize>, crate::wire::Route)> = touched
        .iter()
        .map(|&ri| {
            let r = st.route(ri);
            let old = at.get(&r.slot).copied();
            let mut route = r.to_wire(problem);
            if let Some(i) = old {
                keep_numbers(&plan.routes[i], &mut route);
            }
            (r.slot, old, route)
        })
        .collect();
    out.plan = finish(
        problem,
        plan,
        &changed,
        &members,
        out.reason.clone(),
        displaced,
    );
    out.changed = changed.into_iter().map(|c| c.2).collect();
    Ok(out)
}

/// An error naming the stop when a need of `members` is served in `plan` already.
fn not_served(problem: &Problem, plan: &Plan, members: &[NeedIdx]) -> Result<(), Error> {
    let ids: Vec<&str> = members
        .iter()
        .map(|&m| problem.need(m).id.as_str())
        .collect();
    for (i, r) in plan.routes.iter().enumerate() {
        if let Some(k) = r.stops.iter().position(|s| ids.contains(&s.need.as_str())) {
            return Err(Error::invalid(
                &route_path(i).key("stops").index(k).key("need"),
                "the need to dispatch (or a partner of its link) is already served",
            ));
        }
    }
    Ok(())
}

/// What `placed` did, into `out`: the providers now serving `members` and the first
/// one's start, or why they could not be served. Returns the routes it changed, in
/// index order.
fn outcome(
    problem: &Problem,
    st: &Builder,
    unit: Unit,
    members: &[NeedIdx],
    placed: &Placed,
    out: &mut Dispatch,
) -> Vec<usize> {
    let mut touched: Vec<usize> = placed.displaced.iter().map(|d| d.1).collect();
    if placed.served || placed.displaced.is_some() {
        let mut seen: Vec<usize> = Vec::new();
        for &s in &placed.slots {
            let ri = st.route_ix(s);
            if seen.contains(&ri) {
                continue;
            }
            seen.push(ri);
            let r = st.route(ri);
            for (k, x) in r.stops().iter().enumerate() {
                if members.contains(&x.need) {
                    touched.push(ri);
                    out.providers.push(problem.provider(s.provider).id.clone());
                    if x.need == members[0] {
                        out.start = Some(r.start_of(k));
                    }
                }
            }
        }
    } else {
        let detail = format!(
            "{} provider shift(s) could serve it, but none has room at its times",
            placed.slots.len()
        );
        let two = matches!(unit, Unit::Need(n) if problem.need(n).caregivers == 2);
        let reason = if two {
            Reason::NoPartner
        } else {
            Reason::OverCapacity
        };
        out.reason = Some((reason, detail));
    }
    respond_outcome(problem, placed, out);
    touched.sort_unstable();
    touched.dedup();
    touched
}

/// The response figures of `out` (`eta`, `responder`, `target_met`) from where
/// [`respond`] put a lone need told at a `now`; a target no carer can meet is the
/// reason the need is not served.
fn respond_outcome(problem: &Problem, placed: &Placed, out: &mut Dispatch) {
    if placed.displaced.is_some() && placed.told.is_some() {
        // Served by displacing a visit: its carer and start are the answer's.
        out.eta = out.start;
        out.responder = out.providers.first().cloned();
        out.target_met = placed.target.zip(out.start).map(|(t, s)| s <= t);
        return;
    }
    let Some(reply) = &placed.reply else {
        out.target_met = placed.target.map(|_| false);
        return;
    };
    let carer = &problem.provider(reply.slot.provider).id;
    out.eta = Some(reply.start);
    out.responder = Some(carer.clone());
    out.target_met = placed.target.map(|t| placed.served && reply.start <= t);
    if let (Some(t), false) = (placed.target, placed.served) {
        out.reason = Some((
            Reason::NoResponderInTime,
            format!(
                "no carer can be there by {t}: the earliest is '{carer}' at {}",
                reply.start
            ),
        ));
    }
}

/// Where [`place`] put the need.
struct Placed {
    /// The slots it was tried in (the nearest, or every one).
    slots: Vec<Slot>,
    /// Whether it went into free room.
    served: bool,
    /// The need displaced to make room for it, and its route.
    displaced: Option<(NeedIdx, usize)>,
    /// A lone need told at a `now`: where it went, or the best there was.
    reply: Option<Reply>,
    /// Its response target, a clock time.
    target: Option<i64>,
    /// The `now` it was placed at, when [`respond`] placed it.
    told: Option<i64>,
}

/// Places `unit` (a need, or a link's needs, `near` being each one's nearest slots and
/// whether that list was cut): a free place among the nearest providers' routes, then
/// (a lone one-carer need) making room there, then a free place among every provider
/// that may serve it. The routes it needs are read back from `plan` into `st` (their
/// places in `at`).
fn place(
    problem: &Problem,
    plan: &Plan,
    now: Option<i64>,
    unit: Unit,
    near: Vec<(Vec<Slot>, bool)>,
    st: &mut Builder,
    at: &mut HashMap<Slot, usize>,
) -> Result<Placed, Error> {
    let members = unit.needs(problem);
    let cut = near.iter().any(|x| x.1);
    let mut lists: Vec<Vec<Slot>> = near.into_iter().map(|x| x.0).collect();
    for l in &lists {
        load(problem, plan, now, l, st, at)?;
    }
    let mut noted = Vec::new();
    visits_outside(problem, plan, &members, st, at, &mut noted);
    let lone = matches!(unit, Unit::Need(n) if problem.need(n).caregivers == 1);
    // A lone visit told at `now` goes where its carer can be, never before `now`.
    let told = now.filter(|_| lone && responds(problem, members[0]));
    let target =
        told.and_then(|t| Some(from(problem, members[0], t) + target_of(problem, members[0])?));
    let mut reply = None;
    let insert =
        |st: &mut Builder, lists: &[Vec<Slot>], reply: &mut Option<Reply>| match (told, now) {
            (Some(t), _) => {
                *reply = respond(problem, st, members[0], &lists[0], t, target);
                reply.as_ref().is_some_and(|r| r.placed)
            }
            // A link or a two-carer visit goes in as a solve would put it; a start
            // before `now` is taken back.
            (None, Some(t)) => {
                st.checkpoint();
                let placed = insert_listed(st, unit, &members, lists);
                if placed && before_now(st, &members, t) {
                    st.rollback();
                    return false;
                }
                st.commit();
                placed
            }
            (None, None) => insert_listed(st, unit, &members, lists),
        };
    let mut served = insert(st, &lists, &mut reply);
    let mut displaced = None;
    if !served && lone {
        displaced = displace(problem, st, &lists[0], members[0], told, target);
    }
    if !served && displaced.is_none() && cut {
        lists = members
            .iter()
            .map(|&m| slots_of(problem, m, true).0)
            .collect();
        for l in &lists {
            load(problem, plan, now, l, st, at)?;
        }
        visits_outside(problem, plan, &members, st, at, &mut noted);
        served = insert(st, &lists, &mut reply);
    }
    Ok(Placed {
        slots: lists.concat(),
        served,
        displaced,
        reply,
        target,
        told,
    })
}

/// A visit of a plan: its need's id and, for a need of several visits, its number.
pub(crate) type Visit = (String, Option<u32>);

/// Visit `visit` of need `need` — a need of several visits, the visit taken out of
/// `plan`'s routes, where it started at `was` — placed again at `now` as a lone visit
/// is: the internal need of that visit ([`Problem::visit_at`]) among its nearest
/// carers, each timed from where she can be, never before `now`, with the routes of
/// its sibling visits read too (the series' gaps hold). `None` when it fits nowhere,
/// or only out of its order among its served siblings (its number would change).
pub(crate) fn place_visit(
    problem: &Problem,
    plan: &Plan,
    need: &str,
    visit: u32,
    was: i64,
    now: i64,
) -> Result<Option<Plan>, Error> {
    let Some(n) = problem.need_by_id(need) else {
        return Ok(None);
    };
    let Some(m) = problem
        .series_of(n)
        .and_then(|s| problem.visit_at(s, visit, was))
    else {
        return Ok(None);
    };
    let (slots, why, _) = slots_of(problem, m, false);
    if why.is_some() || problem.need(m).caregivers != 1 {
        return Ok(None);
    }
    // Its siblings' routes too, and where they start (a visit keeps its number).
    let mut read = slots.clone();
    let mut siblings: Vec<(u32, i64)> = Vec::new();
    for r in &plan.routes {
        for s in r.stops.iter().filter(|s| s.need == need) {
            if let Some(p) = problem.provider_by_id(&r.provider) {
                read.push(Slot {
                    provider: p,
                    shift: r.shift as u16,
                });
            }
            siblings.extend(s.visit.map(|v| (v, s.start)));
        }
    }
    let venue = plan.venue_visits.iter().filter(|v| v.need == need);
    siblings.extend(venue.filter_map(|v| Some((v.visit?, v.start))));
    let mut st = Builder::new(problem);
    st.not_before(now);
    let mut at = HashMap::new();
    load(problem, plan, Some(now), &read, &mut st, &mut at)?;
    visits_outside(problem, plan, &[m], &mut st, &at, &mut Vec::new());
    let Some(reply) = respond(problem, &mut st, m, &slots, now, None).filter(|r| r.placed) else {
        return Ok(None);
    };
    let in_order = siblings.iter().all(|&(v, start)| {
        (v < visit && start < reply.start) || (v > visit && start > reply.start)
    });
    if !in_order {
        return Ok(None);
    }
    let ri = st.route_ix(reply.slot);
    let old = at.get(&reply.slot).copied();
    let mut route = st.route(ri).to_wire(problem);
    if let Some(i) = old {
        keep_numbers(&plan.routes[i], &mut route);
    }
    for s in route.stops.iter_mut() {
        if s.need == need && s.start == reply.start {
            s.visit = Some(visit);
        }
    }
    let mut out = plan.clone();
    write_routes(problem, &mut out, &[(reply.slot, old, route)]);
    out.unassigned
        .retain(|u| !(u.need == need && u.visit == Some(visit)));
    out.summary.bound = None;
    crate::explain::refresh(problem, &mut out);
    Ok(Some(out))
}

/// An urgent need nobody can reach in time by fitting it between visits: the carer who
/// can be there first leaves the visits still to come that she could no longer make
/// in time (one-carer visits, outside links and series), takes the need, and each of
/// those visits is dispatched again at `now`, most important first (to her later,
/// to another carer, or unassigned with its reason). `None` when no carer can be
/// there in time even so.
fn divert(problem: &Problem, plan: &Plan, need: &str, now: i64) -> Result<Option<Dispatch>, Error> {
    let Some(n) = problem.need_by_id(need) else {
        return Ok(None);
    };
    let Some(target) = target_of(problem, n).map(|w| from(problem, n, now) + w) else {
        return Ok(None);
    };
    let mut best: Option<((i64, usize), Vec<Visit>)> = None;
    for slot in slots_of(problem, n, true).0 {
        let p = problem.provider(slot.provider);
        let Some(r) = plan
            .routes
            .iter()
            .find(|r| r.provider == p.id && r.shift == slot.shift as usize)
        else {
            continue;
        };
        if let Some((eta, gone)) =
            diverted(problem, r, slot, n, now).filter(|(eta, _)| *eta <= target)
        {
            let key = (eta, gone.len());
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((key, gone));
            }
        }
    }
    let Some((_, gone)) = best else {
        return Ok(None);
    };
    let mut after = plan.clone();
    take(problem, &mut after, |k| gone.contains(k))?;
    let mut d = place_one(problem, after, need, Some(now))?;
    if d.reason.is_some() {
        return Ok(None);
    }
    let mut order: Vec<(std::cmp::Reverse<u32>, String)> = gone
        .into_iter()
        .filter_map(|(id, _)| {
            Some((
                std::cmp::Reverse(problem.need(problem.need_by_id(&id)?).priority),
                id,
            ))
        })
        .collect();
    order.sort();
    let mut plan_now = std::mem::take(&mut d.plan);
    for (_, id) in order {
        let again = place_one(problem, plan_now, &id, Some(now))?;
        if again.reason.is_some() && d.displaced.is_none() {
            d.displaced = Some(id);
        }
        plan_now = again.plan;
    }
    d.changed = crate::patch::diff(plan, &plan_now).routes;
    d.plan = plan_now;
    Ok(Some(d))
}

/// Carer route `r` (of `slot`) diverted to need `n` at `now`: when she can be there,
/// right after the visit she is in or last made, and the visits still to come she
/// would have to leave; `None` when one of those may not be moved, or the need does
/// not fit her shift.
fn diverted(
    problem: &Problem,
    r: &crate::wire::Route,
    slot: Slot,
    n: NeedIdx,
    now: i64,
) -> Option<(i64, Vec<Visit>)> {
    let p = slot.provider;
    let shift = problem.provider(p).shifts[slot.shift as usize];
    let k = r.stops.iter().position(|s| s.start > now)?;
    let needs: Vec<NeedIdx> = r
        .stops
        .iter()
        .map(|s| problem.need_by_id(&s.need))
        .collect::<Option<_>>()?;
    let (place, free) = match k.checked_sub(1) {
        None => (problem.ends_of(p).0, shift.open),
        Some(j) => (problem.place_of(needs[j]), r.stops[j].end),
    };
    let here = problem.place_of(n);
    let arrive = free.max(now) + problem.time(p, place, here);
    let eta = crate::model::earliest_in(&problem.allowed_starts(n), arrive)?;
    let done = eta + problem.need(n).duration;
    let mut gone = Vec::new();
    let mut next = None;
    for (s, &m) in r.stops[k..].iter().zip(&needs[k..]) {
        if s.start >= done + problem.time(p, here, problem.place_of(m)) {
            next = Some(m);
            break;
        }
        let need = problem.need(m);
        if need.caregivers != 1
            || need.link.is_some()
            || need.series.is_some()
            || need.pinned.is_some()
            || target_of(problem, m).is_some()
        {
            return None;
        }
        gone.push((s.need.clone(), s.visit));
    }
    if next.is_none() && done + problem.time(p, here, problem.ends_of(p).1) > shift.close {
        return None;
    }
    Some((eta, gone))
}

/// Whether a visit of `members` starts before `now` in `st`.
fn before_now(st: &Builder, members: &[NeedIdx], now: i64) -> bool {
    members.iter().any(|&m| {
        st.at(m).first().is_some_and(|ri| {
            let r = st.route(ri);
            r.stops()
                .iter()
                .position(|s| s.need == m)
                .is_some_and(|k| r.start_of(k) < now)
        })
    })
}

/// Whether need `n` is placed by [`respond`] when dispatched with a `now`: a one-carer
/// visit without a pin, outside a series.
fn responds(problem: &Problem, n: NeedIdx) -> bool {
    let need = problem.need(n);
    need.caregivers == 1 && need.pinned.is_none() && need.series.is_none()
}

/// Need `n`'s response target, seconds from `now`: its `response_within`, or the
/// problem's `response_target` for an `emergency`.
pub(crate) fn target_of(problem: &Problem, n: NeedIdx) -> Option<i64> {
    let need = problem.need(n);
    need.response_within.or_else(|| {
        (need.service == crate::catalogue::EMERGENCY).then_some(problem.options().response_target)
    })
}

/// When need `n`'s response target starts counting, told at `now`: at `now`, or when
/// its first window still to come opens (an emergency announced for later).
fn from(problem: &Problem, n: NeedIdx, now: i64) -> i64 {
    problem
        .allowed_starts(n)
        .iter()
        .filter(|w| w.close >= now)
        .map(|w| w.open.max(now))
        .min()
        .unwrap_or(now)
}

/// Where [`respond`] would put a need, or did.
struct Reply {
    /// The carer's route.
    slot: Slot,
    /// Its start: when the carer can be there.
    start: i64,
    /// Whether it was placed (else its response target is missed, or it fit nowhere).
    placed: bool,
}

/// Places lone need `n` told at `now` among `slots`, starting where its carer can be
/// ([`crate::routes::RouteState::reach`]), never before `now`. With a response
/// `target` (a clock time) the earliest arrival wins, then the cost, and a need no
/// carer can reach by the target is not placed (the reply says the best there is);
/// without one the cheapest place wins, then the earlier start.
fn respond(
    problem: &Problem,
    st: &mut Builder,
    n: NeedIdx,
    slots: &[Slot],
    now: i64,
    target: Option<i64>,
) -> Option<Reply> {
    // (target missed, then arrival and cost in the order that matters, the slot)
    type Key = (bool, i64, i64, Slot);
    let mut best: Option<(Key, Insertion, i64)> = None;
    for &slot in slots {
        let Some((ins, start)) = reachable(problem, st, slot, n, now, target.is_some()) else {
            continue;
        };
        let missed = target.is_some_and(|t| start > t);
        let key = match target {
            Some(_) => (missed, start, ins.cost, slot),
            None => (false, ins.cost, start, slot),
        };
        if best.as_ref().is_none_or(|(k, _, _)| key < *k) {
            best = Some((key, ins, start));
        }
    }
    let ((missed, _, _, slot), ins, start) = best?;
    if !missed {
        st.apply(slot, n, &ins, Some(start));
    }
    Some(Reply {
        slot,
        start,
        placed: !missed,
    })
}

/// The best place for lone need `n` in `slot`'s route when told at `now` — by arrival
/// then cost when `soonest`, else by cost then arrival — and the start it takes there.
fn reachable(
    problem: &Problem,
    st: &Builder,
    slot: Slot,
    n: NeedIdx,
    now: i64,
    soonest: bool,
) -> Option<(Insertion, i64)> {
    let route = st.route(st.route_ix(slot));
    let after = Window {
        open: now,
        close: i64::MAX / 4,
    };
    st.options(slot, n, Some(after), 0)
        .into_iter()
        .filter_map(|ins| {
            let start = route.start_at(problem, n, &ins, now)?;
            Some((ins, start))
        })
        .min_by_key(|(ins, start)| match soonest {
            true => (*start, ins.cost, ins.pos),
            false => (ins.cost, *start, ins.pos),
        })
}

/// A plan read back in part: the visits of the elders of `members` outside the routes
/// in `st` so far — in the plan's other routes, at venues — told to `st` as visits
/// made elsewhere (the rules that count every visit of an elder, such as budgets, need
/// them); `noted` holds what was told before, forgotten first.
pub(crate) fn visits_outside(
    problem: &Problem,
    plan: &Plan,
    members: &[NeedIdx],
    st: &mut Builder,
    at: &HashMap<Slot, usize>,
    noted: &mut Vec<(NeedIdx, Option<ProviderIdx>)>,
) {
    if !st.counts_elsewhere() {
        return;
    }
    let read: HashSet<usize> = at.values().copied().collect();
    let elders: HashSet<crate::model::ElderIdx> =
        members.iter().map(|&m| problem.need(m).elder).collect();
    let of_elders = |id: &str| {
        problem
            .need_by_id(id)
            .filter(|&n| elders.contains(&problem.need(n).elder))
    };
    let mut outside = Vec::new();
    for (_, r) in plan
        .routes
        .iter()
        .enumerate()
        .filter(|(i, _)| !read.contains(i))
    {
        let Some(p) = problem.provider_by_id(&r.provider) else {
            continue;
        };
        outside.extend(
            r.stops
                .iter()
                .filter_map(|s| Some((of_elders(&s.need)?, Some(p)))),
        );
    }
    outside.extend(
        plan.venue_visits
            .iter()
            .filter_map(|v| Some((of_elders(&v.need)?, None))),
    );
    st.elsewhere(noted, -1);
    st.elsewhere(&outside, 1);
    *noted = outside;
}

/// Inserts `unit`, each of its `members` among its slots in `lists`.
fn insert_listed(st: &mut Builder, unit: Unit, members: &[NeedIdx], lists: &[Vec<Slot>]) -> bool {
    let mut of = |_: &mut Builder, m: NeedIdx| {
        let k = members.iter().position(|&x| x == m).unwrap_or(0);
        lists[k].clone()
    };
    st.insert_unit(unit, &mut of).is_ok()
}

/// The path of the plan's route `i` in errors.
fn route_path(i: usize) -> FieldPath {
    FieldPath::root().key("plan").key("routes").index(i)
}

/// Rebuilds into `st` the routes in `plan` of the providers of `slots` not loaded yet
/// (one pass over the plan's routes, comparing provider ids), and records each one's
/// place in `at`. Visits of synchronised needs, and visits started by `now`, are fixed.
/// Routes of other providers are neither read nor checked.
pub(crate) fn load(
    problem: &Problem,
    plan: &Plan,
    now: Option<i64>,
    slots: &[Slot],
    st: &mut Builder,
    at: &mut HashMap<Slot, usize>,
) -> Result<(), Error> {
    let loaded: HashSet<ProviderIdx> = at.keys().map(|s| s.provider).collect();
    let wanted: HashMap<&str, ProviderIdx> = slots
        .iter()
        .filter(|s| !loaded.contains(&s.provider))
        .map(|s| (problem.provider(s.provider).id.as_str(), s.provider))
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    for (i, r) in plan.routes.iter().enumerate() {
        let Some(&p) = wanted.get(r.provider.as_str()) else {
            continue;
        };
        let path = route_path(i);
        if r.shift >= problem.provider(p).shifts.len() {
            return Err(Error::invalid(&path.key("shift"), "no such shift"));
        }
        let slot = Slot {
            provider: p,
            shift: r.shift as u16,
        };
        if at.insert(slot, i).is_some() {
            return Err(Error::invalid(&path, "a second route for one shift"));
        }
        let mut stops = Vec::with_capacity(r.stops.len());
        for (k, s) in r.stops.iter().enumerate() {
            let m = stop_need(problem, s, &path.key("stops").index(k))?;
            let need = problem.need(m);
            // An urgent visit keeps the start its response target was met with.
            let keep = need.caregivers == 2
                || need.link.is_some()
                || need.series.is_some()
                || target_of(problem, m).is_some()
                || now.is_some_and(|t| s.start <= t);
            // A visit still to come may move inside its window, never before `now`.
            let within = match (keep, now) {
                (false, Some(t)) => problem
                    .allowed_starts(m)
                    .iter()
                    .find(|w| w.open <= s.start && s.start <= w.close)
                    .map(|w| Window {
                        open: w.open.max(t),
                        close: w.close,
                    }),
                _ => None,
            };
            stops.push(StopState {
                need: m,
                fixed: keep.then_some(s.start),
                within,
            });
        }
        let route = RouteState::with_stops(problem, slot, stops);
        if !route.is_consistent() {
            return Err(Error::invalid(
                &path,
                "the route is not feasible for the problem",
            ));
        }
        let ri = st.route_ix(slot);
        st.set_route(ri, route);
    }
    Ok(())
}

/// The need of stop `s` (at `path` in errors): a visit of a series is the internal
/// need of its number and window (`Problem::visit_at`).
pub(crate) fn stop_need(
    problem: &Problem,
    s: &crate::wire::Stop,
    path: &FieldPath,
) -> Result<NeedIdx, Error> {
    let m = problem
        .need_by_id(&s.need)
        .ok_or_else(|| Error::invalid(&path.key("need"), "unknown need"))?;
    match (problem.series_of(m), s.visit) {
        (Some(series), Some(v)) => problem.visit_at(series, v, s.start).ok_or_else(|| {
            Error::invalid(
                &path.key("visit"),
                format!(
                    "the need has {} visits, none of them this one at {}",
                    series.needs.len(),
                    s.start
                ),
            )
        }),
        _ => Ok(m),
    }
}

/// Takes out of `plan`'s routes every visit `gone` answers true for (a route left
/// empty goes); the routes it shortens are re-timed, every other visit at its start.
pub(crate) fn take(
    problem: &Problem,
    plan: &mut Plan,
    gone: impl Fn(&Visit) -> bool,
) -> Result<(), Error> {
    for (i, r) in plan.routes.iter_mut().enumerate() {
        let len = r.stops.len();
        r.stops.retain(|s| !gone(&(s.need.clone(), s.visit)));
        if r.stops.len() != len && !r.stops.is_empty() {
            *r = retime(problem, r, i)?;
        }
    }
    plan.routes.retain(|r| !r.stops.is_empty());
    Ok(())
}

/// Route `r` (the plan's `i`-th) with its figures, arrivals and departure computed
/// again, each visit kept at its start.
fn retime(
    problem: &Problem,
    r: &crate::wire::Route,
    i: usize,
) -> Result<crate::wire::Route, Error> {
    let path = FieldPath::root().key("plan").key("routes").index(i);
    let p = problem
        .provider_by_id(&r.provider)
        .ok_or_else(|| Error::invalid(&path.key("provider"), "unknown provider"))?;
    let slot = crate::model::Slot {
        provider: p,
        shift: r.shift as u16,
    };
    if r.shift >= problem.provider(p).shifts.len() {
        return Err(Error::invalid(&path.key("shift"), "no such shift"));
    }
    let mut stops = Vec::with_capacity(r.stops.len());
    for (k, s) in r.stops.iter().enumerate() {
        stops.push(crate::routes::StopState {
            need: stop_need(problem, s, &path.key("stops").index(k))?,
            fixed: Some(s.start),
            within: None,
        });
    }
    let route = crate::routes::RouteState::with_stops(problem, slot, stops);
    if !route.is_consistent() {
        return Err(Error::invalid(
            &path,
            "the route is not feasible for the problem",
        ));
    }
    let mut out = route.to_wire(problem);
    for (new, old) in out.stops.iter_mut().zip(&r.stops) {
        new.visit = old.visit;
    }
    Ok(out)
}

/// Makes room for one-carer need `n` by removing the lowest-priority visit (below
/// `n`'s, unpinned, not synchronised, not fixed) whose removal lets `n` in, the
/// cheapest such insertion on ties. Returns the displaced need and the route, when
/// `n` was placed.
fn displace(
    problem: &Problem,
    st: &mut Builder,
    slots: &[Slot],
    n: NeedIdx,
    now: Option<i64>,
    target: Option<i64>,
) -> Option<(NeedIdx, usize)> {
    let priority = problem.need(n).priority;
    // (victim priority, added travel, route, position), and the place with its start
    // when it is fixed
    type Found = ((u32, i64, usize, usize), (Insertion, Option<i64>));
    let mut best: Option<Found> = None;
    for &slot in slots {
        let ri = st.route_ix(slot);
        for pos in 0..st.route(ri).stops().len() {
            let s = st.route(ri).stops()[pos];
            let victim = problem.need(s.need);
            if victim.priority >= priority || victim.pinned.is_some() || s.fixed.is_some() {
                continue;
            }
            if best.as_ref().is_some_and(|(k, _)| k.0 < victim.priority) {
                continue;
            }
            let travel = st.route(ri).travel;
            // Tried, then taken back in the builder's books.
            st.checkpoint();
            st.remove(ri, pos);
            if st.route(ri).is_consistent() {
                let placed = match now {
                    Some(t) => reachable(problem, st, slot, n, t, target.is_some())
                        .filter(|(_, start)| target.is_none_or(|d| *start <= d))
                        .map(|(ins, start)| (ins, Some(start))),
                    None => st.best_option(slot, n, None, || false).map(|i| (i, None)),
                };
                if let Some(ins) = placed {
                    let delta = st.route(ri).travel + ins.0.delta - travel;
                    let key = (victim.priority, delta, ri, pos);
                    if best.as_ref().is_none_or(|(k, _)| key < *k) {
                        best = Some((key, ins));
                    }
                }
            }
            st.rollback();
        }
    }
    let ((_, _, ri, pos), (ins, fixed)) = best?;
    let slot = st.route(ri).slot;
    let victim = st.remove(ri, pos).need;
    st.apply(slot, n, &ins, fixed);
    Some((victim, ri))
}

/// Gives each visit of a series in `route` the number it had in `was` (the plan's
/// route of that shift): dispatch keeps a series visit at its start, and its number
/// is its place in start order among its siblings, which do not move either.
fn keep_numbers(was: &crate::wire::Route, route: &mut crate::wire::Route) {
    for stop in route.stops.iter_mut().filter(|s| s.visit.is_some()) {
        if let Some(old) = was
            .stops
            .iter()
            .find(|o| o.need == stop.need && o.start == stop.start)
        {
            stop.visit = old.visit;
        }
    }
}

/// The plan with the changed routes in place, the members served or unassigned with
/// `reason`, the displaced need unassigned, the gap report updated by difference, and
/// everything else the plan says of itself recomputed as a solve does
/// ([`crate::explain::refresh`]). The proven bound is dropped: it was for the old
/// plan's needs.
fn finish(
    problem: &Problem,
    mut plan: Plan,
    changed: &[(Slot, Option<usize>, crate::wire::Route)],
    members: &[NeedIdx],
    reason: Option<(Reason, String)>,
    displaced: Option<NeedIdx>,
) -> Plan {
    write_routes(problem, &mut plan, changed);
    plan.routes.retain(|r| !r.stops.is_empty());
    // The need itself (the first of its link) gets the reason; its partners `linked`.
    for (k, &m) in members.iter().enumerate() {
        let entry = reason.as_ref().map(|(reason, detail)| {
            if k == 0 {
                Unassigned {
                    need: problem.need(m).id.clone(),
                    reason: *reason,
                    detail: detail.clone(),
                    visit: None,
                }
            } else {
                Unassigned {
                    need: problem.need(m).id.clone(),
                    reason: Reason::Linked,
                    detail: format!(
                        "partner '{}' of its link: {}: {detail}",
                        problem.need(members[0]).id,
                        reason.as_str()
                    ),
                    visit: None,
                }
            }
        });
        unlist(problem, &mut plan, m, entry);
    }
    if let Some(d) = displaced {
        let entry = Unassigned {
            need: problem.need(d).id.clone(),
            reason: Reason::OverCapacity,
            detail: "displaced by an urgent need of higher priority".to_owned(),
            visit: None,
        };
        unlist(problem, &mut plan, d, Some(entry));
    }
    plan.summary.bound = None;
    crate::explain::refresh(problem, &mut plan);
    plan
}

/// Lists need `m` as unassigned with `entry` (replacing its entry), or takes it off
/// the list (`None`); the list stays in need order and the gap report follows.
fn unlist(problem: &Problem, plan: &mut Plan, m: NeedIdx, entry: Option<Unassigned>) {
    let index = |id: &str| problem.need_by_id(id).map_or(u32::MAX, |i| i.0);
    let at = plan.unassigned.partition_point(|u| index(&u.need) < m.0);
    let listed = plan
        .unassigned
        .get(at)
        .is_some_and(|u| u.need == problem.need(m).id);
    match (listed, entry) {
        (true, None) => {
            plan.unassigned.remove(at);
            adjust_gap(problem, &mut plan.gaps, m, -1);
        }
        (true, Some(e)) => plan.unassigned[at] = e,
        (false, Some(e)) => {
            plan.unassigned.insert(at, e);
            adjust_gap(problem, &mut plan.gaps, m, 1);
        }
        (false, None) => {}
    }
}

/// Writes the changed routes into `plan`: replacements first, by their index in the
/// plan; then the new routes, in slot order, whose insertion would shift those indices.
fn write_routes(
    problem: &Problem,
    plan: &mut Plan,
    changed: &[(Slot, Option<usize>, crate::wire::Route)],
) {
    let (replaced, added): (Vec<_>, Vec<_>) = changed.iter().partition(|c| c.1.is_some());
    for (slot, old, route) in replaced.into_iter().chain(added) {
        match old {
            Some(i) => plan.routes[*i] = route.clone(),
            None => {
                // Slot order, as the solver writes routes.
                let key = |r: &crate::wire::Route| {
                    (
                        problem
                            .provider_by_id(&r.provider)
                            .map_or(u32::MAX, |p| p.0),
                        r.shift,
                    )
                };
                let at = plan
                    .routes
                    .partition_point(|r| key(r) < (slot.provider.0, slot.shift as usize));
                plan.routes.insert(at, route.clone());
            }
        }
    }
}
