//! The plan's summary against its routes: counts, travel, service and the objective
//! recomputed here, on their own (not by [`crate::objective`]: the checker is the
//! independent oracle).

use super::routes::Walked;
use super::{Checker, Rule};
use crate::error::FieldPath;
use crate::model::Problem;
use crate::wire::Plan;
use std::collections::HashMap;

/// Checks the summary; `served` is the served needs' priority and count.
pub(super) fn figures(
    problem: &Problem,
    plan: &Plan,
    walked: &Walked,
    (served_priority, served_count): (i64, i64),
    c: &mut Checker,
) {
    let s = &plan.summary;
    let sp = FieldPath::root().key("summary");
    let expect = [
        ("needs", s.needs as i64, problem.needs().len() as i64),
        ("assigned", s.assigned as i64, served_count),
        (
            "unassigned",
            s.unassigned as i64,
            plan.unassigned.len() as i64,
        ),
        ("travel", s.travel, walked.travel),
        (
            "at_venues",
            s.at_venues.unwrap_or(0) as i64,
            plan.venue_visits.len() as i64,
        ),
        ("service", s.service, walked.service),
    ];
    for (field, got, want) in expect {
        if got != want {
            c.flag(
                Rule::Consistency,
                sp.key(field),
                format!("is {got}; the plan has {want}"),
            );
        }
    }
    if s.objective.priority != served_priority {
        c.flag(
            Rule::Consistency,
            sp.key("objective").key("priority"),
            format!(
                "is {}; served needs add up to {served_priority}",
                s.objective.priority
            ),
        );
    }
    if s.objective.served != served_count {
        c.flag(
            Rule::Consistency,
            sp.key("objective").key("served"),
            format!("is {}; {served_count} needs are served", s.objective.served),
        );
    }
    if s.objective.travel != walked.travel {
        c.flag(
            Rule::Consistency,
            sp.key("objective").key("travel"),
            format!("is {}; routes travel {}", s.objective.travel, walked.travel),
        );
    }
    costs(problem, plan, walked, c);
}

/// The v1.1 figures, when the plan gives them (a v1 plan does not): carer changes,
/// lateness and the objective's cost, recomputed from the visits.
fn costs(problem: &Problem, plan: &Plan, walked: &Walked, c: &mut Checker) {
    let (s, sp) = (&plan.summary, FieldPath::root().key("summary"));
    let w = &problem.options().weights;
    let changes = carer_changes(problem, walked);
    let [_, trusted_visits, by_trusted, primary_visits, by_primary] = trust(problem, plan, c);
    elders(problem, plan, walked, c);
    let (overtime, under) = contracted(problem, walked);
    let spread = spread(problem, walked);
    let cost = w.travel * walked.travel
        + w.lateness * walked.late
        + w.max_lateness * walked.late_max
        + w.carer_changes * changes
        + w.overtime * overtime
        + w.under_hours * under
        + w.balance * spread
        + w.preferred * (trusted_visits - by_trusted)
        + w.primary * (primary_visits - by_primary);
    let work = s.workload.as_ref();
    let contract = [
        (
            sp.key("workload").key("overtime"),
            work.and_then(|x| x.overtime),
            overtime,
        ),
        (
            sp.key("workload").key("under_hours"),
            work.and_then(|x| x.under_hours),
            under,
        ),
        (
            sp.key("workload").key("imbalance"),
            work.and_then(|x| x.imbalance),
            spread,
        ),
    ];
    let optional = [
        (sp.key("carer_changes"), s.carer_changes, changes),
        (sp.key("lateness"), s.lateness, walked.late),
        (sp.key("max_lateness"), s.max_lateness, walked.late_max),
        (sp.key("objective").key("cost"), s.objective.cost, cost),
    ];
    for (path, got, want) in optional.into_iter().chain(contract) {
        if got.is_some_and(|g| g != want) {
            c.flag(
                Rule::Consistency,
                path,
                format!("is {}; the plan's visits give {want}", got.unwrap_or(0)),
            );
        }
    }
}

/// Carer changes: per elder, the distinct carers visiting them at home that they do
/// not know from history, less one for an elder who knows nobody.
fn carer_changes(problem: &Problem, walked: &Walked) -> i64 {
    let mut pairs: Vec<(crate::model::ElderIdx, crate::model::ProviderIdx)> = walked
        .visits
        .iter()
        .flat_map(|(n, vs)| vs.iter().map(move |v| (problem.need(*n).elder, v.provider)))
        .filter(|v| v.1 != super::routes::AT_VENUE)
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
        .chunk_by(|a, b| a.0 == b.0)
        .map(|carers| {
            let known = &problem.elder(carers[0].0).known;
            let strangers = carers.iter().filter(|(_, p)| !known.contains(p)).count() as i64;
            strangers - i64::from(known.is_empty())
        })
        .sum()
}

/// `summary.trust`, when the plan gives it, against the routes' visits; returns the
/// counts (visits, by known carers, to elders with trusted carers, by them, to elders
/// with a primary carer, by the primary).
fn trust(problem: &Problem, plan: &Plan, c: &mut Checker) -> [i64; 5] {
    let mut n = [0i64; 5];
    let mut shares: HashMap<crate::model::ElderIdx, (i64, i64)> = HashMap::new();
    for r in &plan.routes {
        let Some(p) = problem.provider_by_id(&r.provider) else {
            continue;
        };
        for stop in &r.stops {
            let Some(need) = problem.need_by_id(&stop.need) else {
                continue;
            };
            let e = problem.need(need).elder;
            let elder = problem.elder(e);
            n[0] += 1;
            n[1] += i64::from(elder.known.contains(&p));
            n[2] += i64::from(!elder.trusted.is_empty());
            n[3] += i64::from(elder.trusted.contains(&p));
            if let Some(q) = elder.primary {
                n[4] += 1;
                let x = shares.entry(e).or_default();
                *x = (x.0 + 1, x.1 + i64::from(q == p));
            }
        }
    }
    let by_primary: i64 = shares.values().map(|x| x.1).sum();
    let share = if shares.is_empty() {
        1.0
    } else {
        shares
            .values()
            .map(|&(v, b)| b as f64 / v as f64)
            .sum::<f64>()
            / shares.len() as f64
    };
    if let Some(t) = &plan.summary.trust {
        let tp = FieldPath::root().key("summary").key("trust");
        let got = [
            ("visits", t.visits as i64, n[0]),
            ("by_known", t.by_known as i64, n[1]),
            ("trusted_visits", t.trusted_visits as i64, n[2]),
            ("by_trusted", t.by_trusted as i64, n[3]),
            ("primary_visits", t.primary_visits as i64, n[4]),
            ("by_primary", t.by_primary as i64, by_primary),
        ];
        for (field, got, want) in got {
            if got != want {
                c.flag(
                    Rule::Consistency,
                    tp.key(field),
                    format!("is {got}; the routes give {want}"),
                );
            }
        }
        if (t.primary_share - share).abs() > 1e-9 {
            c.flag(
                Rule::Consistency,
                tp.key("primary_share"),
                format!("is {}; the routes give {share}", t.primary_share),
            );
        }
    }
    [n[0], n[2], n[3], n[4], by_primary]
}

/// `summary.elders` and, with `basic_first`, `summary.objective.elders`, when the
/// plan gives them, against the needs served.
fn elders(problem: &Problem, plan: &Plan, walked: &Walked, c: &mut Checker) {
    let mut per = vec![(0u64, 0u64); problem.elders().len()];
    for (i, need) in problem.needs().iter().enumerate() {
        let x = &mut per[need.elder.ix()];
        x.0 += 1;
        x.1 += u64::from(walked.visits.contains_key(&crate::model::NeedIdx(i as u32)));
    }
    let with: Vec<(u64, u64)> = per.into_iter().filter(|x| x.0 > 0).collect();
    let served = with.iter().filter(|x| x.1 > 0).count() as u64;
    let sp = FieldPath::root().key("summary");
    if let Some(e) = &plan.summary.elders {
        let want = [
            ("with_needs", e.with_needs, with.len() as u64),
            ("served", e.served, served),
            (
                "left_with_nothing",
                e.left_with_nothing,
                with.len() as u64 - served,
            ),
            (
                "served_twice_or_more",
                e.served_twice_or_more,
                with.iter().filter(|x| x.1 >= 2).count() as u64,
            ),
        ];
        for (field, got, want) in want {
            if got != want {
                c.flag(
                    Rule::Consistency,
                    sp.key("elders").key(field),
                    format!("is {got}; the plan serves {want}"),
                );
            }
        }
    }
    if let Some(got) = plan.summary.objective.elders {
        if got != served as i64 {
            c.flag(
                Rule::Consistency,
                sp.key("objective").key("elders"),
                format!("is {got}; {served} elders have a need served"),
            );
        }
    }
}

/// Seconds of work beyond and short of the carers' `regular_work`, per carer and day
/// she has a shift (a day without a route counts 0 work), and of their
/// `regular_work_total` over the horizon, from the routes' figures.
fn contracted(problem: &Problem, walked: &Walked) -> (i64, i64) {
    let (mut over, mut under) = (0i64, 0i64);
    for (i, prov) in problem.providers().iter().enumerate() {
        let p = crate::model::ProviderIdx(i as u32);
        if let Some(regular) = prov.regular_work_total {
            let work: i64 = (walked.per_provider.iter())
                .filter(|(k, _)| k.0 == p)
                .map(|(_, d)| d.reported)
                .sum();
            over += (work - regular).max(0);
            under += (regular - work).max(0);
        }
        let Some(regular) = prov.regular_work else {
            continue;
        };
        let days: std::collections::BTreeSet<i64> = prov
            .shifts
            .iter()
            .map(|s| crate::model::day_of(problem.options(), s.open))
            .collect();
        for d in days {
            let work = walked.per_provider.get(&(p, d)).map_or(0, |x| x.reported);
            over += (work - regular).max(0);
            under += (regular - work).max(0);
        }
    }
    (over, under)
}

/// Per kind of carer, the seconds by which each one's work (as the routes report it)
/// lies from the kind's mean, summed and rounded to the second; summed over kinds.
fn spread(problem: &Problem, walked: &Walked) -> i64 {
    let mut work = vec![0i64; problem.providers().len()];
    for (&(p, _), d) in &walked.per_provider {
        work[p.ix()] += d.reported;
    }
    let mut by_kind: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
    for (p, w) in problem.providers().iter().zip(work) {
        if !p.shifts.is_empty() {
            by_kind.entry(format!("{:?}", p.kind)).or_default().push(w);
        }
    }
    by_kind
        .values()
        .map(|ws| {
            // |w − S/n| summed is |n·w − S| summed over n, in whole numbers.
            let (n, s) = (ws.len() as i64, ws.iter().sum::<i64>());
            let scaled: i64 = ws.iter().map(|&w| (n * w - s).abs()).sum();
            (2 * scaled + n) / (2 * n)
        })
        .sum()
}

/// Checks the time-bank ledger: one entry per provider with `time_bank`, in the
/// problem's order, with the minutes (rounded down) and visits its stops serve.
pub(super) fn ledger(problem: &Problem, plan: &Plan, c: &mut Checker) {
    let lp = FieldPath::root().key("ledger");
    let banked: Vec<&crate::model::Provider> =
        problem.providers().iter().filter(|p| p.time_bank).collect();
    if plan.ledger.len() != banked.len() {
        c.flag(
            Rule::Consistency,
            lp.clone(),
            format!(
                "lists {} providers; {} are time-bank volunteers",
                plan.ledger.len(),
                banked.len()
            ),
        );
        return;
    }
    for (k, (entry, p)) in plan.ledger.iter().zip(banked).enumerate() {
        let (mut secs, mut visits) = (0, 0);
        for r in plan.routes.iter().filter(|r| r.provider == p.id) {
            secs += r.stops.iter().map(|s| s.end - s.start).sum::<i64>();
            visits += r.stops.len() as u64;
        }
        if entry.provider != p.id || entry.minutes != secs / 60 || entry.visits != visits {
            c.flag(
                Rule::Consistency,
                lp.index(k),
                format!(
                    "credits '{}' {} min for {} visits; '{}' served {} min in {visits} visits",
                    entry.provider,
                    entry.minutes,
                    entry.visits,
                    p.id,
                    secs / 60
                ),
            );
        }
    }
}
