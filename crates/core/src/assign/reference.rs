//! The slow, independent reference solver the tests compare the kernels with.

use super::Instance;

/// The slow, independent cross-check: Bellman–Ford successive shortest paths from a
/// super source over an explicit residual graph. `O(units · V · E)`: small instances
/// only. Returns the optimal cost, with no potentials.
pub fn solve_reference(inst: &Instance) -> i128 {
    let (n, m) = (inst.needs(), inst.providers());
    let (src, sink) = (n + m, n + m + 1);
    let nodes = n + m + 2;
    // Arcs as (to, cap, cost), paired with their reverse at index ^ 1.
    let mut to = Vec::new();
    let mut cap: Vec<i64> = Vec::new();
    let mut cost: Vec<i64> = Vec::new();
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); nodes];
    let mut add = |a: usize, b: usize, c: i64, w: i64, adj: &mut Vec<Vec<usize>>| {
        adj[a].push(to.len());
        to.push(b);
        cap.push(c);
        cost.push(w);
        adj[b].push(to.len());
        to.push(a);
        cap.push(0);
        cost.push(-w);
    };
    let mut units = 0i64;
    for i in 0..n {
        add(src, i, i64::from(inst.demand[i]), 0, &mut adj);
        add(
            i,
            sink,
            i64::from(inst.demand[i]),
            inst.penalty[i],
            &mut adj,
        );
        units += i64::from(inst.demand[i]);
        for e in inst.edge_range(i) {
            add(i, n + inst.targets[e] as usize, 1, inst.costs[e], &mut adj);
        }
    }
    for j in 0..m {
        add(n + j, sink, i64::from(inst.capacity[j]), 0, &mut adj);
    }
    let mut total: i128 = 0;
    for _ in 0..units {
        let mut dist = vec![i64::MAX; nodes];
        let mut via = vec![usize::MAX; nodes];
        dist[src] = 0;
        for _ in 0..nodes {
            let mut changed = false;
            for a in 0..nodes {
                if dist[a] == i64::MAX {
                    continue;
                }
                for &arc in &adj[a] {
                    if cap[arc] > 0 && dist[a] + cost[arc] < dist[to[arc]] {
                        dist[to[arc]] = dist[a] + cost[arc];
                        via[to[arc]] = arc;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let mut v = sink;
        while v != src {
            let arc = via[v];
            cap[arc] -= 1;
            cap[arc ^ 1] += 1;
            v = to[arc ^ 1];
        }
        total += dist[sink] as i128;
    }
    total
}
