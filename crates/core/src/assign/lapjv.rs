//! The dense kernel: Jonker–Volgenant shortest augmenting paths for one-to-one
//! instances where every need can go to every provider.
//!
//! [`crate::assign::solve`] hands an instance here when it is a complete bipartite
//! graph with unit demands and unit capacities, at least as many providers as needs,
//! and every penalty above the need's dearest edge: then some optimum assigns every
//! need (a skipped need could take a free provider for less than its penalty), and the
//! problem is a linear assignment problem. Rows are needs, padded with zero rows up to
//! a square matrix. The algorithm is the one of Jonker and Volgenant (1987): column
//! reduction, reduction transfer, two rounds of augmenting row reduction, then a
//! Dijkstra-like shortest augmenting path over dense arrays for each row still free.
//! `O(n³)` worst case, far less in practice; all arithmetic is on integers.
//!
//! The LAP duals `u_i + v_j ≤ c_ij` (equal on assigned pairs) become the kernel's
//! potentials (`π_i = −u_i`, `π_j = v_j − max v`), so [`crate::assign::certify`] checks
//! this kernel exactly as it checks the sparse one.

use rayon::prelude::*;

use super::{Instance, Solution};

/// Largest side of the square matrix the dense kernel accepts.
const MAX_SIDE: usize = 4096;
/// Edge costs above this are left to the sparse kernel (no overflow in the reductions).
const MAX_COST: i64 = 1 << 40;
/// Row and column indices (the side is at most `MAX_SIDE`).
type Ix = u32;
const NONE: Ix = Ix::MAX;

/// Solves `inst` with the dense kernel when it applies (see the module docs).
pub(crate) fn try_solve(inst: &Instance) -> Option<Solution> {
    let (n, m) = (inst.needs(), inst.providers());
    if n == 0 || n > m || m > MAX_SIDE || inst.edges() != n * m {
        return None;
    }
    if inst.capacity.iter().any(|&b| b != 1) || inst.demand.iter().any(|&d| d != 1) {
        return None;
    }
    if (0..n).any(|i| inst.edge_range(i).len() != m) {
        return None;
    }
    let (lo, hi) = inst
        .costs
        .par_iter()
        .fold(
            || (i64::MAX, i64::MIN),
            |(lo, hi), &c| (lo.min(c), hi.max(c)),
        )
        .reduce(|| (i64::MAX, i64::MIN), |a, b| (a.0.min(b.0), a.1.max(b.1)));
    if lo < 0 || hi > MAX_COST {
        return None;
    }
    // Small costs go in a matrix of i32 (half the memory traffic); duals stay i64.
    let (x, u, v) = if hi < i64::from(i32::MAX) {
        lap(m, &matrix::<i32>(inst, m)?)
    } else {
        lap(m, &matrix::<i64>(inst, m)?)
    };
    let vmax = v.iter().copied().max().unwrap_or(0);
    let mut sol = Solution {
        flow: vec![0; inst.edges()],
        skipped: vec![0; n],
        cost: 0,
        need_pot: u[..n].iter().map(|&u| -(u + vmax)).collect(),
        provider_pot: v.iter().map(|&v| v - vmax).collect(),
    };
    for (i, &xi) in x.iter().enumerate().take(n) {
        let first = inst.offsets[i];
        // Edges in provider order: the edge to column x[i] is at x[i].
        let e = if inst.targets.get(first + xi) == Some(&(xi as u32)) {
            first + xi
        } else {
            inst.edge_range(i)
                .find(|&e| inst.targets[e] as usize == xi)
                .unwrap_or(first)
        };
        sol.flow[e] = 1;
        sol.cost += i128::from(inst.costs[e]);
    }
    Some(sol)
}

/// The instance as a square row-major matrix of side `m` (rows past the needs are 0),
/// or None unless every need has exactly one edge to every provider and a penalty above
/// its dearest edge. Costs must be in `0..T::MAX` (the caller checks).
fn matrix<T>(inst: &Instance, m: usize) -> Option<Vec<T>>
where
    T: Copy + Default + Send + Sync + TryFrom<i64>,
{
    let mut c = vec![T::default(); m * m];
    let ok = c
        .par_chunks_mut(m)
        .take(inst.needs())
        .enumerate()
        .all(|(i, row)| {
            let range = inst.edge_range(i);
            let (targets, costs) = (&inst.targets[range.clone()], &inst.costs[range]);
            let convert = |c: i64| T::try_from(c).unwrap_or_default();
            if targets.iter().enumerate().all(|(k, &j)| j as usize == k) {
                // Edges in provider order (as a dense file has them): a straight copy.
                for (cell, &cost) in row.iter_mut().zip(costs) {
                    *cell = convert(cost);
                }
            } else {
                // m edges and no provider twice: every provider once.
                let mut seen = vec![0u64; m.div_ceil(64)];
                for (&j, &cost) in targets.iter().zip(costs) {
                    let (w, bit) = (j as usize / 64, 1u64 << (j % 64));
                    if seen[w] & bit != 0 {
                        return false;
                    }
                    seen[w] |= bit;
                    row[j as usize] = convert(cost);
                }
            }
            inst.penalty[i] > costs.iter().copied().max().unwrap_or(0)
        });
    ok.then_some(c)
}

/// Solves the square assignment problem of side `n` (row-major `c`): returns the
/// column of each row and the duals `u`, `v`.
fn lap<T: Copy + Into<i64>>(n: usize, c: &[T]) -> (Vec<usize>, Vec<i64>, Vec<i64>) {
    let mut x = vec![NONE; n]; // row -> column
    let mut y = vec![NONE; n]; // column -> row
    let mut v = vec![0i64; n];
    let mut free = column_reduction(n, c, &mut x, &mut y, &mut v);
    for _ in 0..2 {
        free = augmenting_row_reduction(n, c, &mut x, &mut y, &mut v, &free);
    }
    augment(n, c, &mut x, &mut y, &mut v, &free);
    let x: Vec<usize> = x.iter().map(|&j| j as usize).collect();
    let u = (0..n).map(|i| c[i * n + x[i]].into() - v[x[i]]).collect();
    (x, u, v)
}

/// Column reduction and reduction transfer; returns the free rows.
fn column_reduction<T: Copy + Into<i64>>(
    n: usize,
    c: &[T],
    x: &mut [Ix],
    y: &mut [Ix],
    v: &mut [i64],
) -> Vec<Ix> {
    let mut matches = vec![0u32; n];
    // Column minima, read row by row (the first row wins ties).
    let mut argmin = vec![0 as Ix; n];
    for (vj, &cj) in v.iter_mut().zip(&c[..n]) {
        *vj = cj.into();
    }
    for i in 1..n {
        let row = &c[i * n..(i + 1) * n];
        for ((vj, aj), &cj) in v.iter_mut().zip(argmin.iter_mut()).zip(row) {
            let h: i64 = cj.into();
            if h < *vj {
                *vj = h;
                *aj = i as Ix;
            }
        }
    }
    for j in (0..n).rev() {
        let imin = argmin[j] as usize;
        matches[imin] += 1;
        if matches[imin] == 1 {
            x[imin] = j as Ix;
            y[j] = imin as Ix;
        } else if v[j] < v[x[imin] as usize] {
            let j1 = x[imin] as usize;
            x[imin] = j as Ix;
            y[j] = imin as Ix;
            y[j1] = NONE;
        } else {
            y[j] = NONE;
        }
    }
    let mut free = Vec::new();
    for i in 0..n {
        match matches[i] {
            0 => free.push(i as Ix),
            1 => {
                let j1 = x[i] as usize;
                let row = &c[i * n..(i + 1) * n];
                let min = (0..n)
                    .filter(|&j| j != j1)
                    .map(|j| row[j].into() - v[j])
                    .min()
                    .unwrap_or(0);
                v[j1] -= min;
            }
            _ => {}
        }
    }
    free
}

/// One round of augmenting row reduction; returns the rows still free.
fn augmenting_row_reduction<T: Copy + Into<i64>>(
    n: usize,
    c: &[T],
    x: &mut [Ix],
    y: &mut [Ix],
    v: &mut [i64],
    free: &[Ix],
) -> Vec<Ix> {
    let mut queue: Vec<Ix> = free.to_vec();
    let mut still = Vec::new();
    let mut k = 0;
    // A row is re-queued at most n times per round so that ties cannot loop forever.
    let mut budget = n * free.len().max(1) + n;
    while k < queue.len() {
        let i = queue[k] as usize;
        k += 1;
        let row = &c[i * n..(i + 1) * n];
        let (mut umin, mut j1) = (row[0].into() - v[0], 0);
        let (mut usub, mut j2) = (i64::MAX, usize::MAX);
        for (j, (&cj, &vj)) in row.iter().zip(v.iter()).enumerate().skip(1) {
            let h = cj.into() - vj;
            if h < usub {
                if h >= umin {
                    usub = h;
                    j2 = j;
                } else {
                    usub = umin;
                    j2 = j1;
                    umin = h;
                    j1 = j;
                }
            }
        }
        let mut i0 = y[j1];
        if umin < usub {
            v[j1] -= usub - umin;
        } else if i0 != NONE && j2 != usize::MAX {
            j1 = j2;
            i0 = y[j2];
        }
        if i0 != NONE && x[i0 as usize] as usize == j1 {
            x[i0 as usize] = NONE;
        }
        x[i] = j1 as Ix;
        y[j1] = i as Ix;
        if i0 != NONE {
            if umin < usub && budget > 0 {
                budget -= 1;
                k -= 1;
                queue[k] = i0;
            } else {
                still.push(i0);
            }
        }
    }
    still
}

/// Shortest augmenting paths for every free row (dense Dijkstra). `cols[..low]` are
/// scanned, `cols[low..up]` are at the current minimum distance, to scan.
fn augment<T: Copy + Into<i64>>(
    n: usize,
    c: &[T],
    x: &mut [Ix],
    y: &mut [Ix],
    v: &mut [i64],
    free: &[Ix],
) {
    let mut d = vec![0i64; n];
    let mut pred = vec![0 as Ix; n];
    let mut cols: Vec<Ix> = (0..n as Ix).collect();
    for &start in free {
        let row = &c[start as usize * n..(start as usize + 1) * n];
        for (j, ((dj, &cj), &vj)) in d.iter_mut().zip(row).zip(v.iter()).enumerate() {
            *dj = cj.into() - vj;
            cols[j] = j as Ix;
        }
        pred.fill(start);
        let (mut low, mut up) = (0usize, 0usize);
        let mut last = 0usize;
        let mut min = 0i64;
        let end = 'search: loop {
            if up == low {
                last = low;
                min = d[cols[up] as usize];
                up += 1;
                // `up` grows inside; the scan covers the columns after the first.
                let scan = up;
                for k in scan..n {
                    let j = cols[k];
                    let h = d[j as usize];
                    if h <= min {
                        if h < min {
                            up = low;
                            min = h;
                        }
                        cols[k] = cols[up];
                        cols[up] = j;
                        up += 1;
                    }
                }
                for &j in &cols[low..up] {
                    if y[j as usize] == NONE {
                        break 'search j as usize;
                    }
                }
            }
            let j1 = cols[low] as usize;
            low += 1;
            let i = y[j1];
            let ri = &c[i as usize * n..(i as usize + 1) * n];
            let u1 = ri[j1].into() - v[j1] - min;
            // `up` grows inside; the scan covers the columns not yet at the minimum.
            let scan = up;
            for k in scan..n {
                let j = cols[k] as usize;
                let h = ri[j].into() - v[j] - u1;
                if h < d[j] {
                    pred[j] = i;
                    d[j] = h;
                    if h == min {
                        if y[j] == NONE {
                            break 'search j;
                        }
                        cols[k] = cols[up];
                        cols[up] = j as Ix;
                        up += 1;
                    }
                }
            }
        };
        // Columns scanned before the last minimum batch move their prices.
        for &j in &cols[..last] {
            v[j as usize] += d[j as usize] - min;
        }
        let mut j = end;
        loop {
            let i = pred[j];
            y[j] = i;
            let next = x[i as usize];
            x[i as usize] = j as Ix;
            if i == start {
                break;
            }
            j = next as usize;
        }
    }
}
