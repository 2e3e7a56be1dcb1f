//! The plan's summary against its routes: counts, travel, service and the objective
//! recomputed here, on their own (not by [`crate::objective`]: the checker is the
//! independent oracle).

use super::routes::Walked;
use super::{Checker, Rule};
use crate::error::FieldPath;
use crate::model::Problem;
use crate::wire::Plan;

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
    // Carer changes: per elder, distinct providers minus one.
    let mut pairs: Vec<(crate::model::ElderIdx, crate::model::ProviderIdx)> = walked
        .visits
        .iter()
        .flat_map(|(n, vs)| vs.iter().map(move |v| (problem.need(*n).elder, v.provider)))
        .filter(|v| v.1 != super::routes::AT_VENUE)
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let elders_served = pairs.chunk_by(|a, b| a.0 == b.0).count() as i64;
    let changes = pairs.len() as i64 - elders_served;
    let (overtime, under) = contracted(problem, walked);
    let spread = spread(problem, walked);
    let cost = w.travel * walked.travel
        + w.lateness * walked.late
        + w.max_lateness * walked.late_max
        + w.carer_changes * changes
        + w.overtime * overtime
        + w.under_hours * under
        + w.balance * spread;
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
