//! The needs × providers bipartite graph: connected components and sub-instances.
//!
//! Components are found with union–find (petgraph's [`UnionFind`]) over the edges of
//! an [`Instance`] in `O(E α(V))`. Each [`Component`] lists its needs and providers in
//! increasing global order, so extracting and merging are deterministic; components
//! come largest first (by edges), so a parallel solve starts the longest work first.

use petgraph::unionfind::UnionFind;

use super::{Instance, Solution};

/// One connected component: its needs and providers (global indices, increasing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Needs in the component.
    pub needs: Vec<u32>,
    /// Providers in the component.
    pub providers: Vec<u32>,
    /// Number of edges.
    pub edges: usize,
}

/// The connected components of `inst`, largest first (ties: lowest need first).
/// A need without edges and a provider without edges are components of their own.
///
/// ```
/// use carematch_core::assign::{components, Instance};
/// let inst = Instance {
///     demand: vec![1, 1, 1], penalty: vec![9; 3], capacity: vec![1, 1],
///     offsets: vec![0, 1, 2, 2], targets: vec![0, 1], costs: vec![1, 1],
/// };
/// let c = components(&inst);
/// assert_eq!(c.len(), 3); // {need 0, provider 0}, {need 1, provider 1}, {need 2}
/// ```
pub fn components(inst: &Instance) -> Vec<Component> {
    let (n, m) = (inst.needs(), inst.providers());
    let mut uf = UnionFind::<u32>::new(n + m);
    for i in 0..n {
        for e in inst.edge_range(i) {
            uf.union(i as u32, (n + inst.targets[e] as usize) as u32);
        }
    }
    let mut index_of_root = vec![u32::MAX; n + m];
    let mut comps: Vec<Component> = Vec::new();
    for v in 0..n + m {
        let r = uf.find(v as u32) as usize;
        if index_of_root[r] == u32::MAX {
            index_of_root[r] = comps.len() as u32;
            comps.push(Component {
                needs: Vec::new(),
                providers: Vec::new(),
                edges: 0,
            });
        }
        let c = &mut comps[index_of_root[r] as usize];
        if v < n {
            c.needs.push(v as u32);
            c.edges += inst.offsets[v + 1] - inst.offsets[v];
        } else {
            c.providers.push((v - n) as u32);
        }
    }
    comps.sort_by_key(|c| {
        (
            std::cmp::Reverse(c.edges),
            std::cmp::Reverse(c.needs.len()),
            c.needs.first().copied(),
            c.providers.first().copied(),
        )
    });
    comps
}

impl Component {
    /// The sub-instance of this component, with local indices.
    pub fn extract(&self, inst: &Instance) -> Instance {
        let local = |j: u32| {
            self.providers
                .binary_search(&j)
                .expect("provider of the component") as u32
        };
        let mut sub = Instance {
            demand: Vec::with_capacity(self.needs.len()),
            penalty: Vec::with_capacity(self.needs.len()),
            capacity: self
                .providers
                .iter()
                .map(|&j| inst.capacity[j as usize])
                .collect(),
            offsets: Vec::with_capacity(self.needs.len() + 1),
            targets: Vec::with_capacity(self.edges),
            costs: Vec::with_capacity(self.edges),
        };
        sub.offsets.push(0);
        for &i in &self.needs {
            let i = i as usize;
            sub.demand.push(inst.demand[i]);
            sub.penalty.push(inst.penalty[i]);
            for e in inst.edge_range(i) {
                sub.targets.push(local(inst.targets[e]));
                sub.costs.push(inst.costs[e]);
            }
            sub.offsets.push(sub.targets.len());
        }
        sub
    }

    /// Writes a solution of [`Component::extract`] back into global indices.
    pub fn merge(&self, inst: &Instance, sol: &Solution, out: &mut Solution) {
        let mut k = 0;
        for (li, &i) in self.needs.iter().enumerate() {
            let i = i as usize;
            for e in inst.edge_range(i) {
                out.flow[e] = sol.flow[k];
                k += 1;
            }
            out.skipped[i] = sol.skipped[li];
            out.need_pot[i] = sol.need_pot[li];
        }
        for (lj, &j) in self.providers.iter().enumerate() {
            out.provider_pot[j as usize] = sol.provider_pot[lj];
        }
        out.cost += sol.cost;
    }
}

/// A locality-preserving renumbering: breadth-first order over the bipartite graph
/// (Cuthill–McKee style), so that needs and providers that are near in the graph —
/// near on the map, in a city — are near in memory. Returns `(need_rank,
/// provider_rank)`: the new index of every need and provider. `O(V + E)`.
pub(super) fn bfs_order(inst: &Instance) -> (Vec<u32>, Vec<u32>) {
    let (n, m) = (inst.needs(), inst.providers());
    // Provider -> needs adjacency.
    let mut start = vec![0usize; m + 1];
    for &j in &inst.targets {
        start[j as usize + 1] += 1;
    }
    for j in 0..m {
        start[j + 1] += start[j];
    }
    let mut fill = start.clone();
    let mut rev = vec![0u32; inst.edges()];
    for i in 0..n {
        for e in inst.edge_range(i) {
            let j = inst.targets[e] as usize;
            rev[fill[j]] = i as u32;
            fill[j] += 1;
        }
    }
    const NONE: u32 = u32::MAX;
    let mut need_rank = vec![NONE; n];
    let mut provider_rank = vec![NONE; m];
    let (mut next_need, mut next_provider) = (0u32, 0u32);
    let mut queue: std::collections::VecDeque<u32> = std::collections::VecDeque::new();
    for root in 0..n {
        if need_rank[root] != NONE {
            continue;
        }
        need_rank[root] = next_need;
        next_need += 1;
        queue.push_back(root as u32);
        while let Some(i) = queue.pop_front() {
            for e in inst.edge_range(i as usize) {
                let j = inst.targets[e] as usize;
                if provider_rank[j] != NONE {
                    continue;
                }
                provider_rank[j] = next_provider;
                next_provider += 1;
                for &k in &rev[start[j]..start[j + 1]] {
                    if need_rank[k as usize] == NONE {
                        need_rank[k as usize] = next_need;
                        next_need += 1;
                        queue.push_back(k);
                    }
                }
            }
        }
    }
    for r in provider_rank.iter_mut().filter(|r| **r == NONE) {
        *r = next_provider;
        next_provider += 1;
    }
    (need_rank, provider_rank)
}

/// `inst` renumbered by [`bfs_order`]'s ranks (each need keeps its edge order).
pub(super) fn permute(inst: &Instance, need_rank: &[u32], provider_rank: &[u32]) -> Instance {
    let n = inst.needs();
    let mut by_rank = vec![0u32; n];
    for (i, &r) in need_rank.iter().enumerate() {
        by_rank[r as usize] = i as u32;
    }
    let mut out = Instance {
        demand: Vec::with_capacity(n),
        penalty: Vec::with_capacity(n),
        capacity: vec![0; inst.providers()],
        offsets: Vec::with_capacity(n + 1),
        targets: Vec::with_capacity(inst.edges()),
        costs: Vec::with_capacity(inst.edges()),
    };
    for (j, &r) in provider_rank.iter().enumerate() {
        out.capacity[r as usize] = inst.capacity[j];
    }
    out.offsets.push(0);
    for &i in &by_rank {
        let i = i as usize;
        out.demand.push(inst.demand[i]);
        out.penalty.push(inst.penalty[i]);
        for e in inst.edge_range(i) {
            out.targets.push(provider_rank[inst.targets[e] as usize]);
            out.costs.push(inst.costs[e]);
        }
        out.offsets.push(out.targets.len());
    }
    out
}
