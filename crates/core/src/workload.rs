//! How a plan shares the work among carers (`summary.workload`): per kind of carer,
//! the least, mean, most and standard deviation of work (travel + service) over the
//! plan; and, for carers with contracted hours (`regular_work`), the seconds beyond
//! and short of them on each day they have a shift — the terms the objective prices
//! with `weights.overtime` and `weights.under_hours` ([`crate::objective`]).

use std::collections::BTreeMap;

use crate::model::{day_of, Problem, ProviderIdx};
use crate::wire::{KindWork, ProviderKind, Route, Workload};

/// The workload of `routes`, routes of `problem`, and its overtime, hours short of
/// contract (0 and 0 when no carer has `regular_work`) and imbalance.
///
/// ```
/// use carematch_core::{solve, Problem};
/// let problem = Problem::from_json(br#"{
///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
///   "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]}],
///   "providers": [{"id": "p1", "kind": "staff", "skills": ["meals"], "regular_work": 600,
///                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]},
///                 {"id": "p2", "kind": "staff", "skills": [], "regular_work": 600,
///                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]}]
/// }"#)?;
/// let plan = solve(&problem)?;
/// let w = plan.summary.workload.expect("reported");
/// let staff = &w.by_kind[0];
/// assert_eq!((staff.carers, staff.min), (2, 0));
/// assert_eq!(staff.max, plan.routes[0].travel + plan.routes[0].service);
/// // p1 works 600 s of service and some travel beyond her 600; p2 nothing of hers.
/// assert_eq!(w.overtime, Some(plan.routes[0].travel));
/// assert_eq!(w.under_hours, Some(600));
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub(crate) fn workload(problem: &Problem, routes: &[Route]) -> (Workload, [i64; 3]) {
    let mut per_carer = vec![0i64; problem.providers().len()];
    let mut per_day: BTreeMap<(ProviderIdx, i64), i64> = BTreeMap::new();
    for r in routes {
        let Some(p) = problem.provider_by_id(&r.provider) else {
            continue;
        };
        let work = r.travel + r.service;
        per_carer[p.ix()] += work;
        if let Some(shift) = problem.provider(p).shifts.get(r.shift) {
            *per_day
                .entry((p, day_of(problem.options(), shift.open)))
                .or_default() += work;
        }
    }
    let (mut overtime, mut under) = (0, 0);
    let contracted = (problem.providers().iter())
        .any(|p| p.regular_work.is_some() || p.regular_work_total.is_some());
    for (i, prov) in problem.providers().iter().enumerate() {
        if let Some(regular) = prov.regular_work_total {
            overtime += (per_carer[i] - regular).max(0);
            under += (regular - per_carer[i]).max(0);
        }
        let Some(regular) = prov.regular_work else {
            continue;
        };
        let mut days: Vec<i64> = prov
            .shifts
            .iter()
            .map(|s| day_of(problem.options(), s.open))
            .collect();
        days.sort_unstable();
        days.dedup();
        for d in days {
            let work = per_day
                .get(&(ProviderIdx(i as u32), d))
                .copied()
                .unwrap_or(0);
            overtime += (work - regular).max(0);
            under += (regular - work).max(0);
        }
    }
    let kinds = [
        ProviderKind::Staff,
        ProviderKind::Organisation,
        ProviderKind::Volunteer,
    ];
    let mut imbalance = 0;
    let by_kind = kinds
        .into_iter()
        .filter_map(|kind| {
            let works: Vec<i64> = problem
                .providers()
                .iter()
                .zip(&per_carer)
                .filter(|(p, _)| p.kind == kind && !p.shifts.is_empty())
                .map(|x| *x.1)
                .collect();
            let (n, sum) = (works.len() as i64, works.iter().sum::<i64>());
            let abs = works.iter().map(|&w| (n * w - sum).abs()).sum();
            imbalance += crate::objective::imbalance(abs, n);
            spread(kind, &works)
        })
        .collect();
    let out = Workload {
        by_kind,
        overtime: contracted.then_some(overtime),
        under_hours: contracted.then_some(under),
        imbalance: Some(imbalance),
    };
    (out, [overtime, under, imbalance])
}

/// The spread of `works`, the carers of `kind`; `None` when there is none.
fn spread(kind: ProviderKind, works: &[i64]) -> Option<KindWork> {
    let n = works.len();
    if n == 0 {
        return None;
    }
    let mean = works.iter().sum::<i64>() as f64 / n as f64;
    let var = works
        .iter()
        .map(|&w| (w as f64 - mean).powi(2))
        .sum::<f64>()
        / n as f64;
    Some(KindWork {
        kind,
        carers: n as u64,
        min: works.iter().copied().min().unwrap_or(0),
        mean: (mean * 10.0).round() / 10.0,
        max: works.iter().copied().max().unwrap_or(0),
        std: (var.sqrt() * 10.0).round() / 10.0,
    })
}
