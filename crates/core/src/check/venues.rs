//! Rules 8 and 9 (v1.1): every visit at a venue takes a seat of a session that offers
//! the service, within the elder's walk and the need's windows, and no session has more
//! than its seats (8); the prices of an elder's served visits, at home and at venues,
//! stay within the elder's budget (9). Venue visits are recorded with the routes'
//! visits for rule 1 (a need met at most once).

use std::collections::HashMap;

use super::routes::{Visit, Walked, AT_VENUE};
use super::{Checker, Rule};
use crate::error::FieldPath;
use crate::model::{ElderIdx, NeedIdx, Problem};
use crate::wire::Plan;

/// Rule 8 for every venue visit; records each as a visit of its need.
pub(super) fn seats(problem: &Problem, plan: &Plan, walked: &mut Walked, c: &mut Checker) {
    let vpath = FieldPath::root().key("venue_visits");
    let venue_ids: HashMap<&str, usize> = problem
        .venues()
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.as_str(), i))
        .collect();
    let mut taken: HashMap<(usize, usize), u32> = HashMap::new();
    for (vi, visit) in plan.venue_visits.iter().enumerate() {
        let path = vpath.index(vi);
        let flag = |c: &mut Checker, rule, key: &str, msg: String| c.flag(rule, path.key(key), msg);
        let Some(n) = need_of(problem, visit, &path, c) else {
            continue;
        };
        let need = problem.need(n);
        walked.visits.entry(n).or_default().push(Visit {
            provider: AT_VENUE,
            start: visit.start,
            path: path.clone(),
        });
        let Some(&v) = venue_ids.get(visit.venue.as_str()) else {
            flag(
                c,
                Rule::Venue,
                "venue",
                format!("unknown venue '{}'", visit.venue),
            );
            continue;
        };
        let venue = &problem.venues()[v];
        offers_and_walk(problem, n, v, |rule, key, msg| flag(c, rule, key, msg));
        let Some(session) = venue.sessions.get(visit.session) else {
            flag(
                c,
                Rule::Venue,
                "session",
                format!("venue '{}' has {} sessions", venue.id, venue.sessions.len()),
            );
            continue;
        };
        if !session.window.contains(visit.start) {
            flag(
                c,
                Rule::Venue,
                "start",
                format!("starts at {} outside the session", visit.start),
            );
        }
        if !need.windows.iter().any(|w| w.contains(visit.start)) {
            flag(
                c,
                Rule::Window,
                "start",
                format!("starts at {} outside the need's windows", visit.start),
            );
        }
        let used = taken.entry((v, visit.session)).or_default();
        *used += 1;
        if *used > session.seats {
            flag(
                c,
                Rule::Venue,
                "session",
                format!(
                    "session {} of '{}' has {} seats; this visit is one more",
                    visit.session, venue.id, session.seats
                ),
            );
        }
    }
}

/// Whether venue `v` offers need `n`'s service to one person, within the elder's walk:
/// what is wrong, to `flag` (rule, key, message).
fn offers_and_walk(
    problem: &Problem,
    n: NeedIdx,
    v: usize,
    mut flag: impl FnMut(Rule, &str, String),
) {
    let (need, venue) = (problem.need(n), &problem.venues()[v]);
    let elder = problem.elder(need.elder);
    if venue.services.binary_search(&need.service).is_err() {
        flag(
            Rule::Venue,
            "venue",
            format!("venue '{}' does not offer {}", venue.id, need.service),
        );
    }
    if need.caregivers != 1 {
        flag(
            Rule::Venue,
            "need",
            format!("need '{}' takes two carers, not a seat", need.id),
        );
    }
    let walk = problem.walk_time(need.elder, v);
    if walk > elder.walk_limit {
        flag(
            Rule::Venue,
            "venue",
            format!(
                "elder '{}' would walk {walk} s to '{}'; walk_limit is {}",
                elder.id, venue.id, elder.walk_limit
            ),
        );
    }
}

/// The need a venue visit serves (a visit of a series by its number), its elder
/// checked; `None`, flagged, when there is none.
fn need_of(
    problem: &Problem,
    visit: &crate::wire::VenueVisit,
    path: &FieldPath,
    c: &mut Checker,
) -> Option<NeedIdx> {
    let flag = |c: &mut Checker, rule, key: &str, msg: String| c.flag(rule, path.key(key), msg);
    let Some(n) = problem.need_by_id(&visit.need) else {
        flag(
            c,
            Rule::Coverage,
            "need",
            format!("unknown need '{}'", visit.need),
        );
        return None;
    };
    let n = match (problem.series_of(n), visit.visit) {
        (None, None) => n,
        (Some(series), Some(v)) if (v as usize) < series.needs.len() => series.needs[v as usize],
        _ => {
            flag(
                c,
                Rule::Series,
                "visit",
                format!("need '{}': `visit` is given exactly for a need of several visits, below their number", visit.need),
            );
            return None;
        }
    };
    let need = problem.need(n);
    let elder = problem.elder(need.elder);
    if elder.id != visit.elder {
        flag(
            c,
            Rule::Consistency,
            "elder",
            format!(
                "need '{}' is for elder '{}', not '{}'",
                need.id, elder.id, visit.elder
            ),
        );
    }
    Some(n)
}

/// Rule 9: each elder's served visits cost at most the elder's budget.
pub(super) fn budgets(problem: &Problem, plan: &Plan, c: &mut Checker) {
    if !problem.has_budgets() {
        return;
    }
    let mut spent: HashMap<ElderIdx, (i64, FieldPath)> = HashMap::new();
    let mut pay = |n: NeedIdx, price: i64, path: FieldPath| {
        let e = spent
            .entry(problem.need(n).elder)
            .or_insert((0, path.clone()));
        e.0 = e.0.saturating_add(price);
        e.1 = path;
    };
    for (ri, r) in plan.routes.iter().enumerate() {
        let Some(p) = problem.provider_by_id(&r.provider) else {
            continue;
        };
        for (si, s) in r.stops.iter().enumerate() {
            if let Some(n) = problem.need_by_id(&s.need) {
                let path = FieldPath::root()
                    .key("routes")
                    .index(ri)
                    .key("stops")
                    .index(si);
                pay(n, problem.price(n, p), path);
            }
        }
    }
    for (vi, v) in plan.venue_visits.iter().enumerate() {
        if let Some(n) = problem.need_by_id(&v.need) {
            let path = FieldPath::root().key("venue_visits").index(vi);
            pay(n, problem.need(n).price, path);
        }
    }
    let mut over: Vec<(ElderIdx, i64, FieldPath)> = spent
        .into_iter()
        .filter_map(|(e, (sum, path))| {
            let budget = problem.elder(e).budget?;
            (sum > budget).then_some((e, sum, path))
        })
        .collect();
    over.sort_by_key(|o| o.0);
    for (e, sum, path) in over {
        let elder = problem.elder(e);
        c.flag(
            Rule::Budget,
            path,
            format!(
                "elder '{}' is served {sum} worth of visits; the budget is {}",
                elder.id,
                elder.budget.unwrap_or(0)
            ),
        );
    }
}
