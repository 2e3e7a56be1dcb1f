//! The day as it happens: events told to a running plan ([`replan`]), changing it as
//! little as they must.
//!
//! A batch is applied at its `now`, all of it or none of it. What started by `now` is
//! the past: it keeps its carer and start, unless an event says it did not happen (a
//! missed visit, an absent carer). The visits an event takes out of their routes —
//! a carer's visits from her absence on, the visits after one that ran late and no
//! longer fit, a new need — are placed again one at a time, most important first, as
//! [`crate::dispatch`] places an urgent need at `now` (nothing before `now`, a carer
//! starting from where she can be, response targets); every other route stays as it
//! was. A visit that cannot be placed again is listed unassigned with its reason. The
//! answer lists every visit whose carer or start changed, or that became unassigned:
//! the messages a coordinator sends.
//!
//! With `improve` (iterations), the batch goes on with the solver's search over the
//! visits still to come, each carer change priced against the plan before the batch
//! (`improve.rs`).
//!
//! [`grow`] is the problem's side of a batch (needs added, carers absent): what a
//! stored session replays before the plan's patches.

mod improve;

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, FieldPath};
use crate::limits::MAX_TIME;
use crate::model::{NeedIdx, Problem};
use crate::wire::{Event, EventBatch, Placement, Plan, PlanChange, Reason, Unassigned};

/// Most events in one batch.
pub const MAX_EVENTS: usize = 1_000;

pub use improve::MAX_IMPROVE;

/// What [`replan`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Replan {
    /// The plan after the batch.
    pub plan: Plan,
    /// Every visit whose carer or start changed, or that became unassigned (or whose
    /// reason for not being served changed), by need id and visit.
    pub changes: Vec<PlanChange>,
}

/// A visit of the plan: its need's id and, for a need of several visits, its number.
type Key = crate::dispatch::Visit;

/// Applies `batch` to `plan`, a plan of `problem` (which takes the batch's new needs
/// and absences: see [`grow`]). On error nothing is changed, `problem` included.
///
/// Errors: a batch over [`MAX_EVENTS`], an unknown need, visit, provider or elder, a
/// time out of range or after `now` for what has happened, a new need that does not
/// validate, or a plan that does not fit
/// `problem`.
///
/// ```
/// use carematch_core::{check, events::replan, solve, Problem};
/// let mut problem = Problem::from_json(br#"{
///   "elders": [{"id": "e1", "location": [116.43, 39.92]}, {"id": "e2", "location": [116.44, 39.92]}],
///   "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]},
///             {"id": "n2", "elder": "e2", "service": "meals", "windows": [[39600, 50400]]}],
///   "providers": [{"id": "p1", "kind": "staff", "skills": ["meals"], "start": [116.42, 39.92], "shifts": [[36000, 64800]]},
///                 {"id": "p2", "kind": "staff", "skills": ["meals"], "start": [116.45, 39.92], "shifts": [[36000, 64800]]}]
/// }"#)?;
/// let plan = solve(&problem)?;
/// let batch = serde_json::from_str(r#"{"now": 38000, "events": [
///   {"kind": "need_cancelled", "need": "n1"}]}"#).unwrap();
/// let r = replan(&mut problem, plan, &batch)?;
/// assert_eq!(r.changes.len(), 1);
/// assert_eq!(r.changes[0].reason.map(|r| r.as_str()), Some("cancelled"));
/// assert!(check(&problem, &r.plan).is_empty());
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn replan(problem: &mut Problem, plan: Plan, batch: &EventBatch) -> Result<Replan, Error> {
    check_batch(problem, &plan, batch)?;
    let before = placements(&plan);
    let reasons = reasons(&plan);
    let (was_absent, was_at) = (problem.absent.clone(), problem.positions.clone());
    let added = grow(problem, batch)?;
    let needs: Vec<NeedIdx> = added.iter().map(|a| a.0).collect();
    match apply(problem, plan, batch, &needs) {
        Ok(plan) => {
            let mut plan = match batch.improve {
                Some(k) if k > 0 => improve::improve(problem, plan, &before, batch.now, k),
                _ => plan,
            };
            // The changes by the numbers the visits had; then served visits of needs
            // of several visits are numbered again in start order.
            let changes = changes(&before, &reasons, &plan);
            crate::explain::renumber(problem, &mut plan);
            Ok(Replan { plan, changes })
        }
        Err(e) => {
            undo(problem, &added);
            problem.absent = was_absent;
            problem.positions = was_at;
            Err(e)
        }
    }
}

/// Takes back needs [`grow`] added (newest first), with the elders they brought.
fn undo(problem: &mut Problem, added: &[(NeedIdx, bool)]) {
    for &(_, with_elder) in added.iter().rev() {
        problem.pop_need(with_elder);
    }
}

/// Why each unserved visit of `plan` is not served.
fn reasons(plan: &Plan) -> BTreeMap<Key, Reason> {
    plan.unassigned
        .iter()
        .map(|u| ((u.need.clone(), u.visit), u.reason))
        .collect()
}

/// The problem's side of `batch`: its new needs (and their elders) added, its absent
/// carers recorded. Returns the needs added, each with whether it brought its elder.
/// On error nothing is changed.
pub fn grow(problem: &mut Problem, batch: &EventBatch) -> Result<Vec<(NeedIdx, bool)>, Error> {
    let mut added = Vec::new();
    for (k, e) in batch.events.iter().enumerate() {
        if let Event::NeedAdded { need, elder } = e {
            match problem.push_need(need.as_ref().clone(), elder.clone()) {
                Ok(n) => added.push((n, elder.is_some())),
                Err(err) => {
                    undo(problem, &added);
                    return Err(Error::invalid(
                        &event_path(k).key("need"),
                        format!("{}: {}", err.path(), err.message()),
                    ));
                }
            }
        }
    }
    for e in &batch.events {
        match e {
            Event::CarerAbsent { provider, from } => {
                if let Some(p) = problem.provider_by_id(provider) {
                    problem.set_absent(p, *from);
                }
            }
            Event::CarerPosition {
                provider,
                at,
                location,
            } => {
                let p = problem.provider_by_id(provider);
                if let (Some(p), Ok(point)) = (p, problem.point_of(&FieldPath::root(), location)) {
                    problem.set_position(p, *at, point);
                }
            }
            _ => {}
        }
    }
    Ok(added)
}

fn event_path(k: usize) -> FieldPath {
    FieldPath::root().key("events").index(k)
}

/// A time in range, or an error at `path`.
fn time(path: FieldPath, t: i64) -> Result<(), Error> {
    if (-MAX_TIME..=MAX_TIME).contains(&t) {
        Ok(())
    } else {
        Err(Error::invalid(
            &path,
            format!("{t} is not in [-{MAX_TIME}, {MAX_TIME}]"),
        ))
    }
}

/// A time in range and not after `now` (what has happened), or an error at `path`.
fn past(path: FieldPath, t: i64, now: i64) -> Result<(), Error> {
    time(path.clone(), t)?;
    if t > now {
        return Err(Error::invalid(&path, format!("{t} is after now ({now})")));
    }
    Ok(())
}

/// What a batch is checked against: the plan's served visits and listed ones.
struct Known<'a> {
    problem: &'a Problem,
    served: BTreeMap<Key, Placement>,
    listed: BTreeSet<Key>,
    now: i64,
}

/// Refuses a batch that names what is not there, or times out of range.
fn check_batch(problem: &Problem, plan: &Plan, batch: &EventBatch) -> Result<(), Error> {
    time(FieldPath::root().key("now"), batch.now)?;
    if batch.events.len() > MAX_EVENTS {
        return Err(Error::invalid(
            &FieldPath::root().key("events"),
            format!(
                "{} events: at most {MAX_EVENTS} in one batch",
                batch.events.len()
            ),
        ));
    }
    if let Some(k) = batch.improve.filter(|&k| k > MAX_IMPROVE) {
        return Err(Error::invalid(
            &FieldPath::root().key("improve"),
            format!("{k} iterations: at most {MAX_IMPROVE}"),
        ));
    }
    let known = Known {
        problem,
        served: placements(plan),
        listed: plan
            .unassigned
            .iter()
            .map(|u| (u.need.clone(), u.visit))
            .collect(),
        now: batch.now,
    };
    for (k, e) in batch.events.iter().enumerate() {
        known.check(&event_path(k), e)?;
    }
    Ok(())
}

impl Known<'_> {
    /// Event `e` (at `path`) refused when it names what is not there.
    fn check(&self, path: &FieldPath, e: &Event) -> Result<(), Error> {
        let now = self.now;
        match e {
            Event::VisitStarted { need, visit, start } => {
                self.visit(path, need, *visit)?;
                past(path.key("start"), *start, now)
            }
            Event::VisitDone {
                need,
                visit,
                start,
                end,
            } => {
                self.visit(path, need, *visit)?;
                past(path.key("start"), *start, now)?;
                past(path.key("end"), *end, now)?;
                if end < start {
                    return Err(Error::invalid(&path.key("end"), "before start"));
                }
                Ok(())
            }
            Event::VisitMissed {
                need,
                visit,
                reason,
            } => {
                self.visit(path, need, *visit)?;
                if reason.as_ref().is_some_and(|r| r.len() > 500) {
                    return Err(Error::invalid(&path.key("reason"), "longer than 500 bytes"));
                }
                Ok(())
            }
            Event::NeedCancelled { need } => {
                let of = |k: &Key| &k.0 == need;
                let known = self.problem.need_by_id(need).is_some()
                    && (self.served.keys().any(of) || self.listed.iter().any(of));
                if !known {
                    return Err(Error::invalid(
                        &path.key("need"),
                        format!("unknown need '{need}'"),
                    ));
                }
                Ok(())
            }
            Event::CarerAbsent { provider, from } => {
                if self.problem.provider_by_id(provider).is_none() {
                    return Err(Error::invalid(
                        &path.key("provider"),
                        format!("unknown provider '{provider}'"),
                    ));
                }
                time(path.key("from"), *from)
            }
            Event::CarerPosition {
                provider,
                at,
                location,
            } => {
                if self.problem.provider_by_id(provider).is_none() {
                    return Err(Error::invalid(
                        &path.key("provider"),
                        format!("unknown provider '{provider}'"),
                    ));
                }
                past(path.key("at"), *at, now)?;
                self.problem
                    .point_of(&path.key("location"), location)
                    .map(|_| ())
            }
            Event::ElderAway { elder, window } => {
                if !self.problem.elders().iter().any(|e| &e.id == elder) {
                    return Err(Error::invalid(
                        &path.key("elder"),
                        format!("unknown elder '{elder}'"),
                    ));
                }
                time(path.key("window").index(0), window[0])?;
                time(path.key("window").index(1), window[1])?;
                if window[1] < window[0] {
                    return Err(Error::invalid(&path.key("window"), "ends before it starts"));
                }
                Ok(())
            }
            Event::NeedAdded { .. } => Ok(()),
        }
    }

    /// A visit of the plan's routes, or an error at `path`'s `need`.
    fn visit(&self, path: &FieldPath, need: &str, visit: Option<u32>) -> Result<(), Error> {
        if self.problem.need_by_id(need).is_none() {
            return Err(Error::invalid(
                &path.key("need"),
                format!("unknown need '{need}'"),
            ));
        }
        if !self.served.contains_key(&(need.to_owned(), visit)) {
            return Err(Error::invalid(
                &path.key("need"),
                format!("need '{need}' has no such visit in the plan's routes"),
            ));
        }
        Ok(())
    }
}

/// Where every served visit of `plan` is.
fn placements(plan: &Plan) -> BTreeMap<Key, Placement> {
    let mut out: BTreeMap<Key, Placement> = BTreeMap::new();
    for r in &plan.routes {
        for s in &r.stops {
            let p = out.entry((s.need.clone(), s.visit)).or_insert(Placement {
                providers: Vec::new(),
                start: s.start,
            });
            p.providers.push(r.provider.clone());
            p.providers.sort();
        }
    }
    out
}

/// The plan after the batch's events (the problem grown already; `added` its new
/// needs).
fn apply(
    problem: &Problem,
    mut plan: Plan,
    batch: &EventBatch,
    added: &[NeedIdx],
) -> Result<Plan, Error> {
    let (orphans, listed) = freed(problem, &plan, batch);
    // Cancelled needs already unassigned change their reason.
    for e in &batch.events {
        if let Event::NeedCancelled { need } = e {
            for u in plan.unassigned.iter_mut().filter(|u| &u.need == need) {
                u.reason = Reason::Cancelled;
                u.detail = "cancelled".to_owned();
            }
        }
    }
    let orphans = with_partners(problem, &plan, orphans);
    let was = placements(&plan);
    crate::dispatch::take(problem, &mut plan, |key| {
        orphans.contains(key) || listed.iter().any(|(k, ..)| k == key)
    })?;
    for (key, reason, detail) in listed {
        list(problem, &mut plan, key, reason, detail);
    }
    crate::patch::settle(problem, &mut plan);
    let mut order: Vec<(std::cmp::Reverse<u32>, Key)> = orphans
        .into_iter()
        .map(|k| (std::cmp::Reverse(priority(problem, &k.0)), k))
        .collect();
    order.extend(added.iter().map(|&n| {
        let need = problem.need(n);
        (std::cmp::Reverse(need.priority), (need.id.clone(), None))
    }));
    order.sort();
    for (_, key) in order {
        let at = was.get(&key).map(|p| p.start);
        plan = place_again(problem, plan, key, at, batch.now)?;
    }
    Ok(plan)
}

/// What the batch's events take out of their routes: the visits to place again, and
/// those to list unassigned with their reason (never placed again).
fn freed(
    problem: &Problem,
    plan: &Plan,
    batch: &EventBatch,
) -> (BTreeSet<Key>, Vec<(Key, Reason, String)>) {
    let now = batch.now;
    let mut orphans: BTreeSet<Key> = BTreeSet::new();
    let mut listed: Vec<(Key, Reason, String)> = Vec::new();
    for e in &batch.events {
        match e {
            Event::VisitStarted { need, visit, start } => {
                let end = start + duration(problem, need);
                orphans.extend(late_after(problem, plan, need, *visit, end.max(now), now));
            }
            Event::VisitDone {
                need, visit, end, ..
            } => {
                orphans.extend(late_after(
                    problem,
                    plan,
                    need,
                    *visit,
                    (*end).max(now),
                    now,
                ));
            }
            Event::VisitMissed {
                need,
                visit,
                reason,
            } => {
                let detail = reason
                    .clone()
                    .unwrap_or_else(|| "the visit was missed".to_owned());
                listed.push(((need.clone(), *visit), Reason::Missed, detail));
            }
            Event::NeedCancelled { need } => {
                for key in visits_of(plan, need, |start| start > now) {
                    listed.push((key, Reason::Cancelled, "cancelled".to_owned()));
                }
            }
            Event::CarerAbsent { provider, from } => {
                for r in plan.routes.iter().filter(|r| &r.provider == provider) {
                    orphans.extend(
                        r.stops
                            .iter()
                            .filter(|s| s.start >= *from)
                            .map(|s| (s.need.clone(), s.visit)),
                    );
                }
            }
            Event::ElderAway { elder, window } => {
                let detail = format!("the elder is away from {} to {}", window[0], window[1]);
                let away = |s: &&crate::wire::Stop| {
                    &s.elder == elder && s.start > now && (window[0]..=window[1]).contains(&s.start)
                };
                for s in plan.routes.iter().flat_map(|r| r.stops.iter().filter(away)) {
                    listed.push(((s.need.clone(), s.visit), Reason::ElderAway, detail.clone()));
                }
            }
            Event::CarerPosition { .. } | Event::NeedAdded { .. } => {}
        }
    }
    // What is listed is not placed again.
    for (key, ..) in &listed {
        orphans.remove(key);
    }
    (orphans, listed)
}

/// Visit `key`, out of its route (where it started at `was`), placed again at `now`
/// as a dispatch places a need; a visit of a need of several visits as a lone visit
/// that keeps its number ([`crate::dispatch::place_visit`]), or listed when it cannot.
fn place_again(
    problem: &Problem,
    mut plan: Plan,
    key: Key,
    was: Option<i64>,
    now: i64,
) -> Result<Plan, Error> {
    let (need, visit) = key;
    if let Some(v) = visit {
        let placed = match was {
            Some(at) => crate::dispatch::place_visit(problem, &plan, &need, v, at, now)?,
            None => None,
        };
        if let Some(p) = placed {
            return Ok(p);
        }
        let detail =
            "no carer has room for this visit from now on, in its order among the need's visits";
        list(
            problem,
            &mut plan,
            (need, visit),
            Reason::OverCapacity,
            detail.to_owned(),
        );
        crate::patch::settle(problem, &mut plan);
        return Ok(plan);
    }
    if placements(&plan).keys().any(|(n, _)| n == &need) {
        return Ok(plan); // placed with a partner of its link
    }
    Ok(crate::dispatch::dispatch(problem, plan, &need, Some(now))?.plan)
}

fn duration(problem: &Problem, need: &str) -> i64 {
    problem
        .need_by_id(need)
        .map_or(0, |n| problem.need(n).duration)
}

fn priority(problem: &Problem, need: &str) -> u32 {
    problem
        .need_by_id(need)
        .map_or(0, |n| problem.need(n).priority)
}

/// The visits of `need` in `plan`'s routes whose start `keep` answers true for.
fn visits_of(plan: &Plan, need: &str, keep: impl Fn(i64) -> bool) -> Vec<Key> {
    let mut out: Vec<Key> = plan
        .routes
        .iter()
        .flat_map(|r| &r.stops)
        .filter(|s| s.need == need && keep(s.start))
        .map(|s| (s.need.clone(), s.visit))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The visits after `need`'s (in each of its routes) that its carer, free at `free`,
/// can no longer reach in time: each one until the first she can (or one that
/// started by `now`).
fn late_after(
    problem: &Problem,
    plan: &Plan,
    need: &str,
    visit: Option<u32>,
    free: i64,
    now: i64,
) -> Vec<Key> {
    let mut out = Vec::new();
    for r in &plan.routes {
        let Some(k) = r
            .stops
            .iter()
            .position(|s| s.need == need && s.visit == visit)
        else {
            continue;
        };
        let Some(p) = problem.provider_by_id(&r.provider) else {
            continue;
        };
        let Some(from) = problem.need_by_id(need) else {
            continue;
        };
        for s in &r.stops[k + 1..] {
            // A visit started by now has happened: the carer is there.
            let Some(to) = problem.need_by_id(&s.need).filter(|_| s.start > now) else {
                break;
            };
            let travel = problem.time(p, problem.place_of(from), problem.place_of(to));
            if s.start >= free + travel {
                break;
            }
            out.push((s.need.clone(), s.visit));
        }
    }
    out
}

/// `keys` with the other visits that must leave with them: the second carer's visit
/// of a two-carer need (the same key), and the served partners of a link.
fn with_partners(problem: &Problem, plan: &Plan, keys: BTreeSet<Key>) -> BTreeSet<Key> {
    let served = placements(plan);
    let mut out = keys.clone();
    for (need, _) in &keys {
        let Some(n) = problem.need_by_id(need) else {
            continue;
        };
        if let Some(l) = problem.need(n).link {
            for &m in &problem.link(l).needs {
                let id = &problem.need(m).id;
                out.extend(served.keys().filter(|(x, _)| x == id).cloned());
            }
        }
    }
    out
}

/// Lists visit `key` as unassigned with `reason` (replacing its entry), in need
/// order, then visit.
fn list(problem: &Problem, plan: &mut Plan, key: Key, reason: Reason, detail: String) {
    let index = |id: &str| problem.need_by_id(id).map_or(u32::MAX, |n| n.0);
    let order = |need: &str, visit: Option<u32>| (index(need), visit);
    let at = plan
        .unassigned
        .partition_point(|u| order(&u.need, u.visit) < order(&key.0, key.1));
    let entry = Unassigned {
        need: key.0,
        reason,
        detail,
        visit: key.1,
    };
    match plan.unassigned.get(at) {
        Some(u) if u.need == entry.need && u.visit == entry.visit => plan.unassigned[at] = entry,
        _ => plan.unassigned.insert(at, entry),
    }
}

/// The visits whose place differs between `before` and `after`, or that are unserved
/// after with a reason they did not have.
fn changes(
    before: &BTreeMap<Key, Placement>,
    was: &BTreeMap<Key, Reason>,
    after: &Plan,
) -> Vec<PlanChange> {
    let now = placements(after);
    let reasons: BTreeMap<Key, &Unassigned> = after
        .unassigned
        .iter()
        .map(|u| ((u.need.clone(), u.visit), u))
        .collect();
    let keys: BTreeSet<&Key> = before.keys().chain(now.keys()).collect();
    let mut out: Vec<PlanChange> = keys
        .into_iter()
        .filter(|k| before.get(*k) != now.get(*k))
        .map(|k| {
            let why = reasons.get(k);
            PlanChange {
                need: k.0.clone(),
                visit: k.1,
                before: before.get(k).cloned(),
                after: now.get(k).cloned(),
                reason: why.map(|u| u.reason),
                detail: why.map(|u| u.detail.clone()),
            }
        })
        .collect();
    // Visits unserved before and after whose reason an event changed (cancelled).
    out.extend(
        reasons
            .iter()
            .filter(|(k, u)| {
                !before.contains_key(*k) && !now.contains_key(*k) && was.get(*k) != Some(&u.reason)
            })
            .map(|(k, u)| PlanChange {
                need: k.0.clone(),
                visit: k.1,
                before: None,
                after: None,
                reason: Some(u.reason),
                detail: Some(u.detail.clone()),
            }),
    );
    out.sort_by(|a, b| (&a.need, a.visit).cmp(&(&b.need, b.visit)));
    out
}
