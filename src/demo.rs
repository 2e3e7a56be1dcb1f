//! The demo's readable summary: served and unserved needs by reason, priority served,
//! travel, per-provider load, supply gaps, and the checker's verdict; over a horizon,
//! the week: per carer, hours each day and in all; per elder, visits and distinct
//! carers.

use std::collections::BTreeMap;
use std::fmt::Write;

use carematch_core::check::Violation;
use carematch_core::wire::{Plan, ProviderKind, Reason};
use carematch_core::Problem;

fn hm(secs: i64) -> String {
    format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60)
}

fn clock(t: i64) -> String {
    format!("{:02}:{:02}", t / 3600, (t % 3600) / 60)
}

/// The summary printed by `carematch demo`.
pub fn summary(problem: &Problem, plan: &Plan, violations: &[Violation]) -> String {
    let mut o = String::new();
    let days = horizon_days(problem);
    head(&mut o, problem, plan, days);
    venues_and_spend(problem, plan, &mut o);
    unserved(&mut o, plan);
    providers(&mut o, problem, plan, days);
    if days > 1 {
        week(&mut o, problem, plan, days);
    }
    gaps(&mut o, plan);
    if violations.is_empty() {
        let _ = writeln!(o, "\nplan checked: feasible (every rule of the spec holds)");
    } else {
        let _ = writeln!(o, "\nplan checked: {} VIOLATION(S)", violations.len());
        for v in violations.iter().take(20) {
            let _ = writeln!(o, "  {v}");
        }
    }
    o
}

/// The first lines: the community, what was served, travel and time.
fn head(o: &mut String, problem: &Problem, plan: &Plan, days: usize) {
    let s = &plan.summary;
    let kinds = |k| problem.providers().iter().filter(|p| p.kind == k).count();
    let _ = writeln!(
        o,
        "carematch demo: one community's {} (built-in, seed 2026)",
        if days > 1 { "week" } else { "weekday" }
    );
    let _ = writeln!(
        o,
        "  {} needs of {} elders; {} providers: {} station staff, {} organisation carers, {} volunteers",
        s.needs,
        problem.elders().len(),
        problem.providers().len(),
        kinds(ProviderKind::Staff),
        kinds(ProviderKind::Organisation),
        kinds(ProviderKind::Volunteer)
    );
    let _ = writeln!(
        o,
        "  served {} of {} needs ({:.1} %); priority served {:.1} % ({} of {})",
        s.assigned,
        s.needs,
        100.0 * s.assigned as f64 / s.needs.max(1) as f64,
        100.0 * s.priority_served,
        s.objective.priority,
        problem.total_priority()
    );
    let _ = writeln!(
        o,
        "  travel {}, service {}, waiting {}, {} routes, solved in {} ms on {} thread(s)",
        hm(s.travel),
        hm(s.service),
        hm(s.waiting),
        plan.routes.len(),
        s.solve_ms,
        s.threads
    );
}

/// The unserved needs by reason, with an example of each.
fn unserved(o: &mut String, plan: &Plan) {
    let mut by_reason: BTreeMap<Reason, usize> = BTreeMap::new();
    for u in &plan.unassigned {
        *by_reason.entry(u.reason).or_default() += 1;
    }
    let _ = writeln!(o, "\nunserved by reason:");
    if by_reason.is_empty() {
        let _ = writeln!(o, "  none");
    }
    for (r, n) in &by_reason {
        let example = plan
            .unassigned
            .iter()
            .find(|u| u.reason == *r)
            .map_or("", |u| u.detail.as_str());
        let _ = writeln!(o, "  {:<22}{n:>4}   e.g. {example}", r.as_str());
    }
}

/// One line per provider: visits, work and (on one day) its shifts.
fn providers(o: &mut String, problem: &Problem, plan: &Plan, days: usize) {
    let _ = writeln!(
        o,
        "\nper provider (visits, work = travel + service, {}):",
        if days > 1 { "over the week" } else { "shifts" }
    );
    let mut per: BTreeMap<&str, (usize, i64, Vec<String>)> = BTreeMap::new();
    for r in &plan.routes {
        let e = per.entry(r.provider.as_str()).or_default();
        e.0 += r.stops.len();
        e.1 += r.travel + r.service;
        e.2.push(format!("{}-{}", clock(r.depart), clock(r.return_)));
    }
    for p in problem.providers() {
        let (visits, work, mut shifts) = per.get(p.id.as_str()).cloned().unwrap_or_default();
        if days > 1 {
            shifts.clear();
        }
        let kind = match p.kind {
            ProviderKind::Staff => "staff",
            ProviderKind::Organisation => "organisation",
            ProviderKind::Volunteer => "volunteer",
        };
        let line = format!(
            "  {:<14}{kind:<13} level {}  {visits:>2} visits  {:>6}  {}",
            p.id,
            p.level,
            hm(work),
            shifts.join(", ")
        );
        let _ = writeln!(o, "{}", line.trim_end());
    }
}

/// Where supply is short: the gap report.
fn gaps(o: &mut String, plan: &Plan) {
    if plan.gaps.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\nwhere supply is short (unmet needs by area and service):"
    );
    for g in &plan.gaps {
        let _ = writeln!(
            o,
            "  {:<12}{:<16}{:>3} unmet, priority {}",
            g.area.as_deref().unwrap_or("-"),
            g.service,
            g.unmet,
            g.unmet_priority
        );
    }
}

/// Days the problem's shifts span (1 without `options.day_length`).
fn horizon_days(problem: &Problem) -> usize {
    let o = problem.options();
    let last = problem
        .providers()
        .iter()
        .flat_map(|p| p.shifts.iter())
        .map(|s| carematch_core::model::day_of(o, s.open))
        .max()
        .unwrap_or(0);
    (last + 1).clamp(1, 64) as usize
}

/// The week: per carer, work each day and in all (against `max_work_total`); per
/// elder, visits and distinct carers.
fn week(o: &mut String, problem: &Problem, plan: &Plan, days: usize) {
    let opts = problem.options();
    let mut work: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    let mut elders: BTreeMap<&str, (usize, Vec<&str>)> = BTreeMap::new();
    for r in &plan.routes {
        let d = carematch_core::model::day_of(opts, r.depart).clamp(0, days as i64 - 1) as usize;
        work.entry(r.provider.as_str())
            .or_insert_with(|| vec![0; days])[d] += r.travel + r.service;
        for s in &r.stops {
            let e = elders.entry(s.elder.as_str()).or_default();
            e.0 += 1;
            if !e.1.contains(&r.provider.as_str()) {
                e.1.push(r.provider.as_str());
            }
        }
    }
    let header: String = (1..=days.min(7)).map(|d| format!(" day {d:<2}")).collect();
    let _ = writeln!(
        o,
        "\nthe week, per carer (work each day; week / weekly limit):"
    );
    let _ = writeln!(o, "  {:<14}{header}    week", "");
    for p in problem.providers() {
        let Some(w) = work.get(p.id.as_str()) else {
            continue;
        };
        let each: String = w
            .iter()
            .take(7)
            .map(|&x| {
                if x > 0 {
                    format!(" {:>6}", hm(x))
                } else {
                    "      -".to_owned()
                }
            })
            .collect();
        let total: i64 = w.iter().sum();
        let limit = p.max_work_total.map_or("none".to_owned(), hm);
        let _ = writeln!(o, "  {:<14}{each}  {} / {limit}", p.id, hm(total));
    }
    let mut hist: BTreeMap<usize, usize> = BTreeMap::new();
    for (_, carers) in elders.values() {
        *hist.entry(carers.len()).or_default() += 1;
    }
    let s = &plan.summary;
    if let Some(c) = &s.carers_per_elder {
        let _ = writeln!(
            o,
            "\nthe week, per elder: {:.2} distinct carers on average (most {}), {} carer changes",
            c.mean,
            c.max,
            s.carer_changes.unwrap_or(0)
        );
    }
    let spread: Vec<String> = hist.iter().map(|(k, n)| format!("{n} with {k}")).collect();
    let _ = writeln!(o, "  elders by distinct carers: {}", spread.join(", "));
    let mut busiest: Vec<(&str, usize, usize)> =
        elders.iter().map(|(e, (v, c))| (*e, *v, c.len())).collect();
    busiest.sort_by_key(|&(e, v, _)| (std::cmp::Reverse(v), e));
    for (e, v, c) in busiest.iter().take(8) {
        let _ = writeln!(o, "  {e:<14}{v:>3} visits, {c} carer(s)");
    }
}

/// The community half, when the problem has it: needs met at each venue against its
/// seats, and what the served visits cost.
fn venues_and_spend(problem: &Problem, plan: &Plan, o: &mut String) {
    if !problem.venues().is_empty() {
        let mut used: BTreeMap<&str, usize> = BTreeMap::new();
        for v in &plan.venue_visits {
            *used.entry(v.venue.as_str()).or_default() += 1;
        }
        let seats: Vec<String> = problem
            .venues()
            .iter()
            .map(|v| {
                let all: u32 = v.sessions.iter().map(|s| s.seats).sum();
                format!(
                    "{} {} of {all} seats",
                    v.id,
                    used.get(v.id.as_str()).unwrap_or(&0)
                )
            })
            .collect();
        let _ = writeln!(
            o,
            "  at venues: {} needs ({})",
            plan.venue_visits.len(),
            seats.join("; ")
        );
    }
    if let Some(f) = &plan.funding {
        let over = plan
            .unassigned
            .iter()
            .filter(|u| u.reason == Reason::OverBudget)
            .count();
        let _ = writeln!(
            o,
            "  spend {}.{:02} yuan on {} visits; {over} needs over their elder's budget",
            f.total.spend / 100,
            f.total.spend % 100,
            f.total.visits
        );
    }
}
