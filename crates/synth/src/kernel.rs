//! Assignment kernel instances for the benchmarks: city-like sparse graphs and dense
//! one-to-one matrices, seeded and deterministic.
//!
//! ```
//! use carematch_core::assign::{certify, solve};
//! let inst = carematch_synth::kernel::city(&carematch_synth::kernel::City {
//!     needs: 300, providers: 30, degree: 5, capacity: 12, penalty: 1_000_000, districts: 3, seed: 1,
//! });
//! assert_eq!(inst.edges(), 300 * 5);
//! assert_eq!(certify(&inst, &solve(&inst)).unwrap().gap, 0);
//! ```

use carematch_core::assign::Instance;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use rstar::{primitives::GeomWithData, RTree};

/// A city-like sparse instance: needs and providers uniform in a 10 km square (or in
/// `districts` separate squares with no edge between them), each need linked to its
/// `degree` nearest providers of its district, cost = distance in metres.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct City {
    /// Needs (demand 1 each).
    pub needs: usize,
    /// Providers.
    pub providers: usize,
    /// Edges per need (at most the providers of a district).
    pub degree: usize,
    /// Capacity of every provider.
    pub capacity: u32,
    /// Penalty of every need.
    pub penalty: i64,
    /// Independent districts: need `i` and provider `j` are in district `i % d`, `j % d`.
    pub districts: usize,
    /// Seed.
    pub seed: u64,
}

/// Builds a [`City`] instance.
pub fn city(c: &City) -> Instance {
    let mut rng = Pcg64::seed_from_u64(c.seed);
    let districts = c.districts.max(1);
    let degree = c.degree.min(c.providers / districts);
    let side = 10_000.0;
    let pts: Vec<[f64; 2]> = (0..c.providers)
        .map(|_| [rng.random_range(0.0..side), rng.random_range(0.0..side)])
        .collect();
    let trees: Vec<RTree<GeomWithData<[f64; 2], u32>>> = (0..districts)
        .map(|d| {
            RTree::bulk_load(
                (d..c.providers)
                    .step_by(districts)
                    .map(|j| GeomWithData::new(pts[j], j as u32))
                    .collect(),
            )
        })
        .collect();
    let mut inst = Instance {
        demand: vec![1; c.needs],
        penalty: vec![c.penalty; c.needs],
        capacity: vec![c.capacity; c.providers],
        offsets: Vec::with_capacity(c.needs + 1),
        targets: Vec::with_capacity(c.needs * degree),
        costs: Vec::with_capacity(c.needs * degree),
    };
    inst.offsets.push(0);
    for i in 0..c.needs {
        let p = [rng.random_range(0.0..side), rng.random_range(0.0..side)];
        for g in trees[i % districts].nearest_neighbor_iter(p).take(degree) {
            let q = g.geom();
            inst.targets.push(g.data);
            inst.costs
                .push((p[0] - q[0]).hypot(p[1] - q[1]).round() as i64);
        }
        inst.offsets.push(inst.targets.len());
    }
    inst
}

/// A complete `n × n` one-to-one instance: costs uniform in `0..1000`, capacity 1,
/// penalty 10⁹ (so every need is assigned).
///
/// ```
/// let inst = carematch_synth::kernel::dense(4, 1);
/// assert_eq!(inst.edges(), 16);
/// ```
pub fn dense(n: usize, seed: u64) -> Instance {
    let mut rng = Pcg64::seed_from_u64(seed);
    Instance {
        demand: vec![1; n],
        penalty: vec![1_000_000_000; n],
        capacity: vec![1; n],
        offsets: (0..=n).map(|i| i * n).collect(),
        targets: (0..n * n).map(|e| (e % n) as u32).collect(),
        costs: (0..n * n).map(|_| rng.random_range(0..1000)).collect(),
    }
}
