//! Runs the assignment kernel on a file in the spec's kernel format and prints one JSON
//! line `{"cost": C, "assigned": A, "solve_ms": T, "gap": G, "threads": N, "runs": [..]}`
//! (`solve_ms` excludes reading the file; `gap` is the certificate's duality gap, 0 when
//! proven optimal). With `--repeat R` it solves R times in this process (as the Python
//! peers are timed) and `solve_ms` is the median of `runs`.
//!
//! `cargo run --release --example assign -- FILE [--threads N] [--sequential] [--repeat R]`

use std::time::Instant;

use carematch_core::assign::{certify, read_text, solve, solve_parallel};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: assign FILE [--threads N] [--sequential]");
        std::process::exit(2);
    };
    let threads = args
        .iter()
        .position(|a| a == "--threads")
        .and_then(|k| args.get(k + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let sequential = args.iter().any(|a| a == "--sequential");
    let repeat: usize = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|k| args.get(k + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let inst = match read_text(&text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {path}: {e}");
            std::process::exit(2);
        }
    };
    drop(text);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let mut runs = Vec::with_capacity(repeat);
    let mut sol = None;
    for _ in 0..repeat {
        let started = Instant::now();
        let s = pool.install(|| {
            if sequential {
                solve(&inst)
            } else {
                solve_parallel(&inst)
            }
        });
        runs.push(started.elapsed().as_secs_f64() * 1e3);
        if sol
            .as_ref()
            .is_some_and(|prev: &carematch_core::assign::Solution| prev.cost != s.cost)
        {
            eprintln!("error: the cost changed between runs");
            std::process::exit(1);
        }
        sol = Some(s);
    }
    let Some(sol) = sol else { return };
    let mut sorted = runs.clone();
    sorted.sort_by(f64::total_cmp);
    let ms = sorted[sorted.len() / 2];
    let runs: Vec<String> = runs.iter().map(|r| format!("{r:.1}")).collect();
    let gap = certify(&inst, &sol)
        .map(|c| c.gap.to_string())
        .unwrap_or_else(|e| format!("\"{e}\""));
    println!(
        "{{\"cost\": {}, \"assigned\": {}, \"solve_ms\": {ms:.1}, \"gap\": {gap}, \"threads\": {}, \"runs\": [{}]}}",
        sol.cost,
        sol.assigned_units(),
        pool.current_num_threads(),
        runs.join(", ")
    );
}
