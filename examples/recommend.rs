//! Latency of booking recommendations ([`carematch_core::recommend`]) on a generated
//! city.
//!
//! Generates a city of N needs (default 20,000), solves it, then asks for the 5 best
//! options for R new bookings (default 500: a bath at elders spread over the city, a
//! morning and an afternoon window), each against the solved plan. Prints
//! `{"needs","calls","with_options","median_ms","p99_ms","max_ms"}`.
//!
//! `cargo run --release --example recommend -- [--needs N] [--runs R] [--seed S]`

mod common;

use std::time::Instant;

use carematch_core::recommend::recommend;
use carematch_core::wire::NeedInput;
use carematch_core::Problem;
use common::{arg, solved_city};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let needs = arg(&args, "--needs", 20_000) as usize;
    let runs = arg(&args, "--runs", 500) as usize;
    let seed = arg(&args, "--seed", 1);
    let (mut input, plan) = solved_city(needs, seed);
    let elders = input.elders.len();
    for k in 0..runs {
        let elder = &input.elders[(k * 7919) % elders];
        let need: NeedInput = serde_json::from_value(serde_json::json!({
            "id": format!("book-{k}"), "elder": elder.id, "service": "bathing",
            "windows": [[32_400, 39_600], [50_400, 57_600]]
        }))
        .expect("a need");
        input.needs.push(need);
    }
    let with = Problem::from_input(input).expect("valid");
    let (mut times, mut with_options) = (Vec::with_capacity(runs), 0);
    for k in 0..runs {
        let t = Instant::now();
        let r = recommend(&with, &plan, &format!("book-{k}"), 5).expect("recommends");
        times.push(t.elapsed().as_secs_f64() * 1e3);
        with_options += usize::from(!r.options.is_empty());
        assert!(r
            .options
            .windows(2)
            .all(|w| w[0].added_cost <= w[1].added_cost));
    }
    times.sort_by(f64::total_cmp);
    let q = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "{}",
        serde_json::json!({"needs": needs, "calls": runs, "with_options": with_options,
            "median_ms": q(0.5), "p99_ms": q(0.99), "max_ms": q(1.0)})
    );
}
