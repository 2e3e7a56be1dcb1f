//! The demo's readable summary: served and unserved needs by reason, priority served,
//! travel, per-provider load, supply gaps, and the checker's verdict.

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
    let s = &plan.summary;
    let kinds = |k| problem.providers().iter().filter(|p| p.kind == k).count();
    let _ = writeln!(
        o,
        "carematch demo: one community's weekday (built-in, seed 2026)"
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

    let _ = writeln!(
        o,
        "\nper provider (visits, work = travel + service, shifts):"
    );
    let mut per: BTreeMap<&str, (usize, i64, Vec<String>)> = BTreeMap::new();
    for r in &plan.routes {
        let e = per.entry(r.provider.as_str()).or_default();
        e.0 += r.stops.len();
        e.1 += r.travel + r.service;
        e.2.push(format!("{}-{}", clock(r.depart), clock(r.return_)));
    }
    for p in problem.providers() {
        let (visits, work, shifts) = per.get(p.id.as_str()).cloned().unwrap_or_default();
        let kind = match p.kind {
            ProviderKind::Staff => "staff",
            ProviderKind::Organisation => "organisation",
            ProviderKind::Volunteer => "volunteer",
        };
        let _ = writeln!(
            o,
            "  {:<14}{kind:<13} level {}  {visits:>2} visits  {:>6}  {}",
            p.id,
            p.level,
            hm(work),
            shifts.join(", ")
        );
    }

    if !plan.gaps.is_empty() {
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
