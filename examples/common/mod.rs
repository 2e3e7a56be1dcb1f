//! What the latency examples share: their arguments and the solved city they start
//! from.

use carematch_core::wire::{Plan, ProblemInput};
use carematch_core::{solve, Problem};

/// The value after `name` in `args`, or `default`.
pub fn arg(args: &[String], name: &str, default: u64) -> u64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A generated city of `needs` needs and its plan (20,000 search iterations).
pub fn solved_city(needs: usize, seed: u64) -> (ProblemInput, Plan) {
    let mut input = carematch_synth::generate(needs, seed);
    let o = input.options.get_or_insert_with(Default::default);
    o.time_limit_ms = Some(20_000);
    o.iterations = Some(20_000);
    let problem = Problem::from_input(input.clone()).expect("a generated city is valid");
    let plan = solve(&problem).expect("solves");
    eprintln!(
        "solved {} needs: {} served in {} ms",
        plan.summary.needs, plan.summary.assigned, plan.summary.solve_ms
    );
    (input, plan)
}
