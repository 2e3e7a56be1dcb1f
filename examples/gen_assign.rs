//! Writes assignment kernel instances in the spec's file format, for the benchmarks.
//!
//! `gen_assign city NEEDS PROVIDERS DEGREE CAPACITY PENALTY DISTRICTS SEED`: needs and
//! providers uniform in a square (or split into DISTRICTS separate squares, with no
//! edge between them), each need linked to its DEGREE nearest providers of its district
//! with cost = distance in metres (a 10 km square).
//! `gen_assign dense N SEED`: complete N × N, costs uniform in 0..1000, capacity 1,
//! penalty 10^9 (a one-to-one assignment).

use std::io::{BufWriter, Write};

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use rstar::{primitives::GeomWithData, RTree};

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let num = |k: usize| -> u64 {
        a.get(k)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| usage())
    };
    let out = std::io::stdout().lock();
    let mut w = BufWriter::with_capacity(1 << 20, out);
    match a.first().map(String::as_str) {
        Some("city") => city(
            &mut w,
            num(1) as usize,
            num(2) as usize,
            num(3) as usize,
            num(4),
            num(5),
            num(6) as usize,
            num(7),
        ),
        Some("dense") => dense(&mut w, num(1) as usize, num(2)),
        _ => usage(),
    }
    w.flush().expect("write");
}

fn usage() -> ! {
    eprintln!("usage: gen_assign city NEEDS PROVIDERS DEGREE CAPACITY PENALTY DISTRICTS SEED | dense N SEED");
    std::process::exit(2)
}

#[allow(clippy::too_many_arguments)]
fn city(
    w: &mut impl Write,
    needs: usize,
    providers: usize,
    degree: usize,
    cap: u64,
    penalty: u64,
    districts: usize,
    seed: u64,
) {
    let mut rng = Pcg64::seed_from_u64(seed);
    let districts = districts.max(1);
    let degree = degree.min(providers / districts);
    writeln!(w, "p {needs} {providers} {}", needs * degree).expect("write");
    for j in 0..providers {
        writeln!(w, "c {j} {cap}").expect("write");
    }
    for i in 0..needs {
        writeln!(w, "u {i} {penalty}").expect("write");
    }
    // District d holds providers j with j % districts == d and needs i with i % districts == d.
    let side = 10_000.0;
    let pts: Vec<[f64; 2]> = (0..providers)
        .map(|_| [rng.random_range(0.0..side), rng.random_range(0.0..side)])
        .collect();
    let trees: Vec<RTree<GeomWithData<[f64; 2], u32>>> = (0..districts)
        .map(|d| {
            RTree::bulk_load(
                (d..providers)
                    .step_by(districts)
                    .map(|j| GeomWithData::new(pts[j], j as u32))
                    .collect(),
            )
        })
        .collect();
    for i in 0..needs {
        let p = [rng.random_range(0.0..side), rng.random_range(0.0..side)];
        for g in trees[i % districts].nearest_neighbor_iter(p).take(degree) {
            let q = g.geom();
            let cost = ((p[0] - q[0]).hypot(p[1] - q[1])).round() as u64;
            writeln!(w, "e {i} {} {cost}", g.data).expect("write");
        }
    }
}

fn dense(w: &mut impl Write, n: usize, seed: u64) {
    let mut rng = Pcg64::seed_from_u64(seed);
    writeln!(w, "p {n} {n} {}", n * n).expect("write");
    for j in 0..n {
        writeln!(w, "c {j} 1").expect("write");
    }
    for i in 0..n {
        writeln!(w, "u {i} 1000000000").expect("write");
    }
    for i in 0..n {
        for j in 0..n {
            writeln!(w, "e {i} {j} {}", rng.random_range(0..1000)).expect("write");
        }
    }
}
