//! Criterion benchmarks of the engine's kernels on generated instances:
//! the assignment kernel (sparse city, districts, dense), candidate computation and
//! whole solves of generated cities.
//!
//! `cargo bench --bench kernel` (all), or e.g. `cargo bench --bench kernel -- assign/`.
//! Peer comparisons (OR-Tools, lap, SciPy) are `benches/peers.sh`.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use carematch_core::assign::{solve, solve_parallel};
use carematch_core::feasibility::Candidates;
use carematch_core::{solve_with, Algorithm, Problem};
use carematch_synth::kernel::{city, dense, City};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

fn assign(c: &mut Criterion) {
    let mut g = c.benchmark_group("assign");
    g.sample_size(10);
    let one = City {
        needs: 20_000,
        providers: 1_000,
        degree: 20,
        capacity: 25,
        penalty: 5_000_000,
        districts: 1,
        seed: 1,
    };
    let inst = city(&one);
    g.bench_function("city_20k_one_component", |b| b.iter(|| solve(&inst)));
    let inst = city(&City {
        districts: 10,
        ..one
    });
    g.bench_function("city_20k_10_districts", |b| {
        b.iter(|| solve_parallel(&inst))
    });
    let inst = dense(500, 1);
    g.bench_function("dense_500", |b| b.iter(|| solve(&inst)));
    g.finish();
}

fn construct(c: &mut Criterion) {
    let mut g = c.benchmark_group("construct");
    g.sample_size(10);
    let problem = Problem::from_input(carematch_synth::generate(2_000, 7)).expect("valid");
    g.bench_function("candidates_2000", |b| b.iter(|| Candidates::new(&problem)));
    for (name, algorithm) in [
        ("baseline_2000", Algorithm::Baseline),
        ("matching_2000", Algorithm::Matching),
    ] {
        g.bench_function(name, |b| {
            b.iter_batched(
                || (),
                |()| solve_with(&problem, algorithm),
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, assign, construct);
criterion_main!(benches);
