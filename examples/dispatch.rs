//! Latency of urgent insertion ([`carematch_core::dispatch`]) on a generated city.
//!
//! Generates a city of N needs (default 20,000), solves it, then dispatches R
//! emergencies (default 500; one at a time, each into a fresh copy of the plan, the
//! copy not timed) at elders spread over the city, each with a 15-minute window at a
//! time spread over the day. Every 25th dispatch is redone and checked on the problem
//! with just its emergency. Prints
//! `{"needs","dispatches","served","displaced","median_ms","p99_ms","max_ms"}`.
//!
//! `cargo run --release --example dispatch -- [--needs N] [--runs R] [--seed S]`

mod common;

use std::time::Instant;

use carematch_core::dispatch::dispatch;
use carematch_core::wire::NeedInput;
use carematch_core::{check, Problem};
use common::{arg, solved_city};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let needs = arg(&args, "--needs", 20_000) as usize;
    let runs = arg(&args, "--runs", 500) as usize;
    let seed = arg(&args, "--seed", 1);
    let (mut input, plan) = solved_city(needs, seed);
    // Every emergency joins the problem once; each dispatch inserts one of them into
    // the plan without the others.
    let elders = input.elders.len();
    let base = input.clone();
    for k in 0..runs {
        let elder = &input.elders[(k * 7919) % elders];
        let open = 8 * 3600 + ((k * 1237) % (9 * 3600)) as i64;
        let need: NeedInput = serde_json::from_value(serde_json::json!({
            "id": format!("sos-{k}"), "elder": elder.id, "service": "emergency",
            "windows": [[open, open + 900]], "priority": 100
        }))
        .expect("a need");
        input.needs.push(need);
    }
    let needs_before = base.needs.len();
    let with_input = input;
    let with = Problem::from_input(with_input.clone()).expect("valid");
    let (mut times, mut served, mut displaced) = (Vec::with_capacity(runs), 0, 0);
    for k in 0..runs {
        let copy = plan.clone();
        let t = Instant::now();
        let d = dispatch(&with, copy, &format!("sos-{k}"), None).expect("dispatches");
        times.push(t.elapsed().as_secs_f64() * 1e3);
        served += usize::from(d.reason.is_none());
        displaced += usize::from(d.displaced.is_some());
        // Every 25th dispatch is redone on the problem with only its emergency (the
        // others are in neither of the plan's lists there), and that plan checked.
        if k % 25 == 0 {
            let mut one = base.clone();
            one.needs.push(with_input.needs[needs_before + k].clone());
            let one = Problem::from_input(one).expect("valid");
            let again =
                dispatch(&one, plan.clone(), &format!("sos-{k}"), None).expect("dispatches");
            assert_eq!(again.providers, d.providers);
            let bad = check(&one, &again.plan);
            assert!(bad.is_empty(), "{bad:?}");
        }
    }
    times.sort_by(f64::total_cmp);
    let q = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "{}",
        serde_json::json!({
            "needs": plan.summary.needs, "dispatches": runs, "served": served,
            "displaced": displaced, "median_ms": q(0.5), "p99_ms": q(0.99),
            "max_ms": q(1.0)
        })
    );
}
