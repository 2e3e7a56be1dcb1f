//! Contracted hours (`providers[].regular_work`, `weights.overtime`,
//! `weights.under_hours`) and the summary's workload on generated cities: priced
//! overtime falls, nothing is served less, and every plan's figures pass the checker.

use carematch_core::wire::{Plan, ProblemInput, ProviderKind};
use carematch_core::{check, solve, Problem};

/// City `seed` of `needs` needs, every carer contracted for `regular` seconds a day.
fn city(needs: usize, seed: u64, regular: i64) -> ProblemInput {
    let mut input = carematch_synth::generate(needs, seed);
    for p in &mut input.providers {
        p.regular_work = Some(regular);
    }
    let o = input.options.get_or_insert_with(Default::default);
    o.iterations = Some(3_000);
    o.threads = Some(1);
    input
}

fn run(input: &ProblemInput, overtime: i64, under: i64) -> (Problem, Plan) {
    weighed(input, |w| {
        w.overtime = Some(overtime);
        w.under_hours = Some(under);
    })
}

/// `input` solved with its weights set by `set`, the plan checked.
fn weighed(
    input: &ProblemInput,
    set: impl FnOnce(&mut carematch_core::wire::WeightsInput),
) -> (Problem, Plan) {
    let mut input = input.clone();
    let w = input
        .options
        .get_or_insert_with(Default::default)
        .weights
        .get_or_insert_with(Default::default);
    set(w);
    let problem = Problem::from_input(input).expect("valid");
    let plan = solve(&problem).expect("solves");
    let bad: Vec<String> = check(&problem, &plan)
        .iter()
        .map(|v| v.to_string())
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    (problem, plan)
}

#[test]
fn priced_overtime_falls_and_the_summary_adds_up() {
    let mut fell = 0;
    for seed in [1u64, 2, 3] {
        let input = city(400, seed, 4 * 3600);
        let (problem, free) = run(&input, 0, 0);
        let (_, priced) = run(&input, 20, 0);
        let over = |p: &Plan| p.summary.workload.as_ref().unwrap().overtime.unwrap();
        // Served priority comes first in the objective; the two searches take
        // different paths, so it is close, not equal.
        let (a, b) = (&priced.summary.objective, &free.summary.objective);
        assert!(
            a.priority >= b.priority - 50 && a.served >= b.served - 2,
            "seed {seed}: pricing overtime must not give up service: {a:?} vs {b:?}"
        );
        assert!(
            over(&priced) <= over(&free),
            "seed {seed}: {} > {}",
            over(&priced),
            over(&free)
        );
        fell += usize::from(over(&priced) < over(&free));
        // The workload, counted again from the routes: every carer of each kind.
        let w = free.summary.workload.as_ref().unwrap();
        for k in &w.by_kind {
            let works: Vec<i64> = problem
                .providers()
                .iter()
                .filter(|p| p.kind == k.kind)
                .map(|p| {
                    free.routes
                        .iter()
                        .filter(|r| r.provider == p.id)
                        .map(|r| r.travel + r.service)
                        .sum()
                })
                .collect();
            assert_eq!(k.carers as usize, works.len());
            assert_eq!(
                (k.min, k.max),
                (*works.iter().min().unwrap(), *works.iter().max().unwrap())
            );
            let mean = works.iter().sum::<i64>() as f64 / works.len() as f64;
            assert!((k.mean - mean).abs() <= 0.051, "{} vs {mean}", k.mean);
        }
        assert!(w.by_kind.iter().any(|k| k.kind == ProviderKind::Staff));
    }
    assert!(fell >= 2, "priced overtime fell on {fell} of 3 cities");
}

/// A plan that claims less overtime than its routes make is caught by the checker.
#[test]
fn the_checker_recounts_overtime_and_its_cost() {
    let input = city(200, 4, 3600);
    let (problem, mut plan) = run(&input, 5, 1);
    let w = plan.summary.workload.as_mut().unwrap();
    assert!(
        w.overtime.unwrap() > 0,
        "an hour a day is short for this city"
    );
    w.overtime = Some(w.overtime.unwrap() - 1);
    let bad: Vec<String> = check(&problem, &plan)
        .iter()
        .map(|v| v.to_string())
        .collect();
    assert!(
        bad.iter().any(|v| v.contains("workload.overtime")),
        "{bad:?}"
    );
    let (_, mut plan) = run(&input, 5, 1);
    plan.summary.objective.cost = plan.summary.objective.cost.map(|c| c - 5);
    let bad: Vec<String> = check(&problem, &plan)
        .iter()
        .map(|v| v.to_string())
        .collect();
    assert!(bad.iter().any(|v| v.contains("objective.cost")), "{bad:?}");
}

/// Fair shares: with the spread of work priced (`weights.balance` 1, travel weighed 30
/// so that a little travel is traded, not any), the carers' imbalance falls on every
/// city, nothing is served less, and the checker agrees with the figures.
#[test]
fn priced_balance_evens_the_carers_work() {
    for seed in [1u64, 2, 3] {
        let mut input = carematch_synth::generate(400, seed);
        let o = input.options.get_or_insert_with(Default::default);
        o.iterations = Some(5_000);
        o.threads = Some(1);
        let solve_with = |travel: i64, balance: i64| {
            weighed(&input, |w| {
                w.travel = Some(travel);
                w.balance = Some(balance);
            })
            .1
        };
        let (plain, even) = (solve_with(1, 0), solve_with(30, 1));
        let spread = |p: &Plan| p.summary.workload.as_ref().unwrap().imbalance.unwrap();
        assert!(
            spread(&even) < spread(&plain),
            "seed {seed}: imbalance {} vs {}",
            spread(&even),
            spread(&plain)
        );
        assert!(even.summary.objective.priority >= plain.summary.objective.priority - 50);
    }
}

/// Weekly hours (`regular_work_total`): overtime over the horizon is what the routes
/// add up to beyond the contract, carer by carer, and pricing it lowers it.
#[test]
fn hours_contracted_over_the_horizon_are_counted_and_priced() {
    let mut input = city(300, 5, 0);
    for p in &mut input.providers {
        p.regular_work = None;
        p.regular_work_total = Some(3 * 3600);
    }
    let (problem, free) = run(&input, 0, 0);
    let (_, priced) = run(&input, 20, 0);
    let beyond = |plan: &Plan| -> i64 {
        (problem.providers().iter())
            .map(|p| {
                let work: i64 = (plan.routes.iter())
                    .filter(|r| r.provider == p.id)
                    .map(|r| r.travel + r.service)
                    .sum();
                (work - 3 * 3600).max(0)
            })
            .sum()
    };
    let over = |p: &Plan| p.summary.workload.as_ref().unwrap().overtime.unwrap();
    assert_eq!(over(&free), beyond(&free));
    assert_eq!(over(&priced), beyond(&priced));
    assert!(over(&free) > 0, "three hours are short for this city");
    assert!(
        over(&priced) < over(&free),
        "{} vs {}",
        over(&priced),
        over(&free)
    );
}
