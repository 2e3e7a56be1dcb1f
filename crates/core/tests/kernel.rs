//! The assignment kernel against independent oracles: brute force, a Bellman–Ford
//! reference, and Kuhn–Munkres; and its certificate.

use carematch_core::assign::{
    certify, solve, solve_parallel, solve_reference, solve_with, Instance, Solution,
};
use proptest::prelude::*;

/// (needs: [(demand, penalty, [(provider, cost)])], capacities)
type Raw = (Vec<(u8, i64, Vec<(usize, i64)>)>, Vec<u32>);

fn build((needs, caps): &Raw) -> Instance {
    let m = caps.len();
    let mut inst = Instance {
        capacity: caps.clone(),
        offsets: vec![0],
        ..Default::default()
    };
    for (d, p, edges) in needs {
        inst.demand.push(*d);
        inst.penalty.push(*p);
        let mut seen = vec![false; m];
        for &(j, c) in edges {
            let j = j % m;
            if !seen[j] {
                seen[j] = true;
                inst.targets.push(j as u32);
                inst.costs.push(c);
            }
        }
        inst.offsets.push(inst.targets.len());
    }
    inst
}

fn raw(max_needs: usize, max_providers: usize) -> impl Strategy<Value = Raw> {
    (1..=max_providers).prop_flat_map(move |m| {
        (
            proptest::collection::vec(
                (
                    0u8..=2,
                    0i64..60,
                    proptest::collection::vec((0..m, 0i64..25), 0..=m),
                ),
                1..=max_needs,
            ),
            proptest::collection::vec(0u32..=3, m),
        )
    })
}

/// Enumerates every assignment (each need picks up to `demand` of its edges).
fn brute_force(inst: &Instance) -> i128 {
    fn go(inst: &Instance, i: usize, load: &mut Vec<u32>) -> i128 {
        if i == inst.needs() {
            return 0;
        }
        let edges: Vec<usize> = inst.edge_range(i).collect();
        let d = inst.demand[i] as usize;
        let mut best = i128::MAX;
        // Every subset of edges of size <= demand.
        for mask in 0u32..(1 << edges.len()) {
            let k = mask.count_ones() as usize;
            if k > d {
                continue;
            }
            let chosen: Vec<usize> = (0..edges.len())
                .filter(|b| mask & (1 << b) != 0)
                .map(|b| edges[b])
                .collect();
            if chosen
                .iter()
                .any(|&e| load[inst.targets[e] as usize] >= inst.capacity[inst.targets[e] as usize])
            {
                continue;
            }
            for &e in &chosen {
                load[inst.targets[e] as usize] += 1;
            }
            let here: i128 = chosen.iter().map(|&e| inst.costs[e] as i128).sum::<i128>()
                + inst.penalty[i] as i128 * (d - k) as i128;
            let rest = go(inst, i + 1, load);
            for &e in &chosen {
                load[inst.targets[e] as usize] -= 1;
            }
            best = best.min(here + rest);
        }
        best
    }
    go(inst, 0, &mut vec![0; inst.providers()])
}

fn assert_certified(inst: &Instance, sol: &Solution) {
    let c =
        certify(inst, sol).unwrap_or_else(|e| panic!("certificate fails: {e}\n{inst:?}\n{sol:?}"));
    assert_eq!(c.gap, 0, "{c:?}");
    assert_eq!(c.primal, sol.cost);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(500),
        ..ProptestConfig::default()
    })]

    #[test]
    fn kernel_equals_brute_force(r in raw(5, 4)) {
        let inst = build(&r);
        inst.validate().unwrap();
        let sol = solve(&inst);
        prop_assert_eq!(sol.cost, brute_force(&inst));
        assert_certified(&inst, &sol);
    }

    #[test]
    fn kernel_equals_reference_and_parallel(r in raw(14, 7)) {
        let inst = build(&r);
        let sol = solve(&inst);
        prop_assert_eq!(sol.cost, solve_reference(&inst));
        assert_certified(&inst, &sol);
        let par = solve_parallel(&inst);
        prop_assert_eq!(par.cost, sol.cost);
        assert_certified(&inst, &par);
    }
}

#[test]
fn kernel_equals_kuhn_munkres_on_square_instances() {
    use pathfinding::prelude::{kuhn_munkres_min, Matrix};
    // Deterministic pseudo-random square cost matrices, complete bipartite graphs,
    // penalties so large that a perfect matching is always chosen.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % 1000) as i64
    };
    for n in [1usize, 2, 3, 5, 8, 13, 30] {
        let costs: Vec<i64> = (0..n * n).map(|_| next()).collect();
        let m = Matrix::from_vec(n, n, costs.clone()).unwrap();
        let (km, _) = kuhn_munkres_min(&m);
        let inst = Instance {
            demand: vec![1; n],
            penalty: vec![1_000_000; n],
            capacity: vec![1; n],
            offsets: (0..=n).map(|i| i * n).collect(),
            targets: (0..n * n).map(|e| (e % n) as u32).collect(),
            costs,
        };
        let sol = solve(&inst);
        assert_eq!(sol.cost, km as i128, "n = {n}");
        assert_certified(&inst, &sol);
    }
}

#[test]
fn certificate_rejects_a_suboptimal_solution() {
    let inst = Instance {
        demand: vec![1, 1],
        penalty: vec![100, 100],
        capacity: vec![1, 1],
        offsets: vec![0, 2, 4],
        targets: vec![0, 1, 0, 1],
        costs: vec![1, 10, 10, 1],
    };
    let sol = solve(&inst);
    assert_eq!(sol.cost, 2);
    assert_certified(&inst, &sol);
    // Swap to the worse matching, keeping the potentials: the certificate must fail.
    let mut bad = sol.clone();
    bad.flow = vec![0, 1, 1, 0];
    bad.cost = 20;
    assert!(certify(&inst, &bad).is_err());
    // An infeasible solution (over capacity) is refused too.
    let mut over = sol;
    over.flow = vec![1, 0, 1, 0];
    over.cost = 11;
    assert!(certify(&inst, &over).is_err());
}

#[test]
fn two_carer_needs_take_two_distinct_providers() {
    let inst = Instance {
        demand: vec![2],
        penalty: vec![50],
        capacity: vec![5, 5],
        offsets: vec![0, 2],
        targets: vec![0, 1],
        costs: vec![1, 2],
    };
    let sol = solve(&inst);
    assert_eq!(sol.flow, vec![1, 1]);
    assert_eq!(sol.cost, 3);
    // With one provider only, one unit is skipped.
    let one = Instance {
        demand: vec![2],
        penalty: vec![50],
        capacity: vec![5],
        offsets: vec![0, 1],
        targets: vec![0],
        costs: vec![1],
    };
    assert_eq!(solve(&one).cost, 51);
}

/// A geometric instance big enough to be congested: needs and providers on a grid of
/// districts, each need linked to nearby providers.
fn congested(needs: usize, providers: usize, seed: u64) -> Instance {
    let mut x = seed | 1;
    let mut next = |k: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % k
    };
    let p: Vec<(i64, i64)> = (0..providers)
        .map(|_| (next(1000) as i64, next(1000) as i64))
        .collect();
    let mut inst = Instance {
        capacity: (0..providers).map(|_| 1 + next(4) as u32).collect(),
        offsets: vec![0],
        ..Default::default()
    };
    for _ in 0..needs {
        let q = (next(1000) as i64, next(1000) as i64);
        let mut near: Vec<(i64, usize)> = p
            .iter()
            .enumerate()
            .map(|(j, &(a, b))| ((a - q.0).abs() + (b - q.1).abs(), j))
            .collect();
        near.sort_unstable();
        for &(c, j) in near.iter().take(6) {
            inst.targets.push(j as u32);
            inst.costs.push(c);
        }
        inst.demand.push(1 + u8::from(next(10) == 0));
        inst.penalty.push(500 + next(2000) as i64);
        inst.offsets.push(inst.targets.len());
    }
    inst
}

#[test]
fn renumbering_gives_the_same_certified_optimum() {
    for seed in [1, 2, 3] {
        let inst = congested(6000, 2000, seed);
        inst.validate().unwrap();
        let plain = solve_with(&inst, false);
        let renumbered = solve_with(&inst, true);
        assert_certified(&inst, &plain);
        assert_certified(&inst, &renumbered);
        assert_eq!(plain.cost, renumbered.cost);
        let par = solve_parallel(&inst);
        assert_certified(&inst, &par);
        assert_eq!(par.cost, plain.cost);
        // Congested: some demand is left over.
        assert!(plain.skipped.iter().any(|&s| s > 0));
    }
}

#[test]
fn reads_the_kernel_file_format() {
    use carematch_core::assign::read_text;
    let inst = read_text(
        "p 2 2 3\n# comment\nc 0 1\nc 1 1\nu 0 100\nu 1 100\ne 1 0 5\ne 0 0 1\ne 0 1 9\n",
    )
    .unwrap();
    assert_eq!(inst.offsets, vec![0, 2, 3]);
    assert_eq!(solve(&inst).cost, 9 + 5);
    for bad in [
        "",
        "q 1 1 1",
        "p 1 1 1\nc 5 1\nu 0 1\ne 0 0 1",
        "p 1 1 2\nc 0 1\nu 0 1\ne 0 0 1",
        "p 1 1 1\nc 0 1\nu 0 1\ne 0 0 -3",
        "p 1 1 1\nx 0 0",
    ] {
        assert!(read_text(bad).is_err(), "{bad:?}");
    }
}

/// A complete instance: `n` needs × `m` providers, each need's edges in a shuffled order.
fn dense(n: usize, m: usize, costs: &[i64], penalty: i64, rot: usize) -> Instance {
    let mut inst = Instance {
        demand: vec![1; n],
        penalty: vec![penalty; n],
        capacity: vec![1; m],
        offsets: vec![0],
        ..Default::default()
    };
    for i in 0..n {
        for k in 0..m {
            let j = (k * 7 + rot + i) % m; // a permutation of 0..m when gcd(7, m) = 1
            let j = if m % 7 == 0 { (k + rot + i) % m } else { j };
            inst.targets.push(j as u32);
            inst.costs.push(costs[i * m + j]);
        }
        inst.offsets.push(inst.targets.len());
    }
    inst
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300),
        ..ProptestConfig::default()
    })]

    /// Complete one-to-one instances (the dense Jonker–Volgenant path when the
    /// penalties allow it, the sparse one otherwise) against Bellman–Ford and brute force,
    /// with many ties (costs 0..6).
    #[test]
    fn dense_instances_match_the_oracles(
        (n, m, costs) in (1usize..=6, 0usize..=3).prop_flat_map(|(n, extra)| {
            let m = n + extra;
            (Just(n), Just(m), proptest::collection::vec(0i64..6, n * m))
        }),
        high_penalty in proptest::bool::weighted(0.8),
        rot in 0usize..5,
    ) {
        let penalty = if high_penalty { 1_000 } else { 4 };
        let inst = dense(n, m, &costs, penalty, rot);
        let sol = solve(&inst);
        prop_assert_eq!(sol.cost, brute_force(&inst));
        prop_assert_eq!(sol.cost, solve_reference(&inst));
        assert_certified(&inst, &sol);
    }
}

#[test]
fn dense_kernel_equals_the_sparse_one_on_larger_instances() {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |k: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % k) as i64
    };
    for (n, m, spread) in [
        (100, 100, 1000),
        (150, 150, 100_000),
        (80, 97, 1000),
        (120, 120, 3),
        (64, 200, 50),
    ] {
        let costs: Vec<i64> = (0..n * m).map(|_| next(spread)).collect();
        let inst = dense(n, m, &costs, 1 << 40, 0);
        let fast = solve(&inst);
        // The reference solves the same instance with Bellman–Ford.
        let reference = solve_reference(&inst);
        assert_eq!(fast.cost, reference, "{n} x {m}");
        assert_certified(&inst, &fast);
    }
}
