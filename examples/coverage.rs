//! Time of the rescue circle's coverage ([`carematch_core::coverage::coverage`]) on a
//! generated city: solves a city of N needs (default 20,000), then measures the
//! coverage R times (default 7). Prints
//! `{"needs","elders","moments","share","median_ms","max_ms"}`.
//!
//! `cargo run --release --example coverage -- [--needs N] [--runs R] [--seed S]`

mod common;

use std::time::Instant;

use carematch_core::coverage::coverage;
use carematch_core::Problem;
use common::{arg, solved_city};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let needs = arg(&args, "--needs", 20_000) as usize;
    let runs = arg(&args, "--runs", 7).max(1) as usize;
    let (input, plan) = solved_city(needs, arg(&args, "--seed", 1));
    let problem = Problem::from_input(input).expect("valid");
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(coverage(&problem, &plan));
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    let c = last.expect("ran");
    println!(
        "{}",
        serde_json::json!({
            "needs": plan.summary.needs, "elders": problem.elders().len(),
            "moments": c.slots.len(), "share": c.share,
            "median_ms": times[times.len() / 2], "max_ms": times[times.len() - 1]
        })
    );
}
