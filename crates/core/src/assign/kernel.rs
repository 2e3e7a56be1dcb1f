//! The sparse kernel: successive shortest paths with truncated Dijkstra and node
//! potentials (see [`crate::assign`] for the algorithm).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

use super::{Instance, Solution, DEADLINE_EVERY};

const UNSEEN: i64 = i64::MAX;

/// An edge carrying flow, as its provider's list holds it.
#[derive(Debug, Clone, Copy)]
struct Served {
    edge: u32,
    need: u32,
    cost: i64,
}

/// Successive shortest paths with truncated Dijkstra (see the module docs).
pub(super) struct Kernel<'a> {
    inst: &'a Instance,
    n: usize,
    sink: usize,
    edge_need: Vec<u32>,
    flow: Vec<u8>,
    skipped: Vec<u8>,
    load: Vec<u32>,
    /// Edges carrying flow into each provider, with their need and cost, so that a
    /// search leaving a provider reads one contiguous list.
    serving: Vec<Vec<Served>>,
    pot: Vec<i64>,
    dist: Vec<i64>,
    /// The edge by which a provider (forward) or a need (backward) was reached;
    /// for the sink, the node it was reached from.
    parent: Vec<u32>,
    touched: Vec<u32>,
    settled: Vec<u32>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
}

impl<'a> Kernel<'a> {
    pub(super) fn new(inst: &'a Instance) -> Self {
        let n = inst.needs();
        let m = inst.providers();
        let mut edge_need = Vec::with_capacity(inst.edges());
        for i in 0..n {
            edge_need.extend(std::iter::repeat_n(
                i as u32,
                inst.offsets[i + 1] - inst.offsets[i],
            ));
        }
        let nodes = n + m + 1;
        Self {
            inst,
            n,
            sink: n + m,
            edge_need,
            flow: vec![0; inst.edges()],
            skipped: vec![0; n],
            load: vec![0; m],
            serving: vec![Vec::new(); m],
            pot: vec![0; nodes],
            dist: vec![UNSEEN; nodes],
            parent: vec![u32::MAX; nodes],
            touched: Vec::new(),
            settled: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Routes every unit of demand, needs in `order` (a permutation); `None` once
    /// `deadline` has passed.
    pub(super) fn run(mut self, order: &[u32], deadline: Option<Instant>) -> Option<Solution> {
        let mut units = 0;
        for &i in order {
            for _ in 0..self.inst.demand[i as usize] {
                self.augment(i as usize);
                units += 1;
                if units % DEADLINE_EVERY == 0 && deadline.is_some_and(|d| Instant::now() >= d) {
                    return None;
                }
            }
        }
        let inst = self.inst;
        let mut cost: i128 = 0;
        for (e, &f) in self.flow.iter().enumerate() {
            if f == 1 {
                cost += inst.costs[e] as i128;
            }
        }
        for i in 0..self.n {
            cost += inst.penalty[i] as i128 * i128::from(self.skipped[i]);
        }
        // Normalise so that the sink's potential is 0 (it is, by construction).
        let ps = self.pot[self.sink];
        Some(Solution {
            flow: self.flow,
            skipped: self.skipped,
            cost,
            need_pot: self.pot[..self.n].iter().map(|p| p - ps).collect(),
            provider_pot: self.pot[self.n..self.sink].iter().map(|p| p - ps).collect(),
        })
    }

    #[inline]
    fn relax(&mut self, v: usize, d: i64, parent: u32) {
        if d < self.dist[v] {
            if self.dist[v] == UNSEEN {
                self.touched.push(v as u32);
            }
            self.dist[v] = d;
            self.parent[v] = parent;
            self.heap.push(Reverse((d, v as u32)));
        }
    }

    /// The shortest path of length two, when it exists: if the need's cheapest
    /// reduced-cost move is an unused edge into a provider with spare capacity, and
    /// skipping is no cheaper, Dijkstra would settle the need, then reach the sink
    /// through that provider at the same distance. Take it without a heap; the
    /// potential update is the one Dijkstra would make (only the need is settled).
    fn direct(&mut self, src: usize) -> bool {
        let inst = self.inst;
        let (n, sink) = (self.n, self.sink);
        let pv = self.pot[src];
        let mut best = i64::MAX;
        let mut arg = usize::MAX;
        for e in inst.edge_range(src) {
            if self.flow[e] == 0 {
                let rc = inst.costs[e] + pv - self.pot[n + inst.targets[e] as usize];
                if rc < best {
                    best = rc;
                    arg = e;
                }
            }
        }
        if arg == usize::MAX {
            return false;
        }
        let j = inst.targets[arg] as usize;
        let skip = if self.skipped[src] < inst.demand[src] {
            inst.penalty[src] + pv - self.pot[sink]
        } else {
            i64::MAX
        };
        // The sink is reached at best + pot[j] - pot[sink]; that must be the minimum.
        if self.load[j] >= inst.capacity[j] || self.pot[n + j] != self.pot[sink] || best > skip {
            return false;
        }
        self.pot[src] -= best;
        self.flow[arg] = 1;
        self.serving[j].push(Served {
            edge: arg as u32,
            need: src as u32,
            cost: inst.costs[arg],
        });
        self.load[j] += 1;
        true
    }

    /// Routes one unit of demand from need `src` to the sink along a shortest path.
    fn augment(&mut self, src: usize) {
        if self.direct(src) {
            return;
        }
        let inst = self.inst;
        let (n, sink) = (self.n, self.sink);
        self.relax(src, 0, u32::MAX);
        while let Some(Reverse((d, v))) = self.heap.pop() {
            let v = v as usize;
            if d > self.dist[v] {
                continue;
            }
            // The sink is final once nothing cheaper is left, even when other nodes
            // tie with it (zero-cost plateaus would otherwise be searched whole, as
            // the sink has the largest index): they stay unsettled, at distance
            // ≥ the sink's, which the potential update allows.
            if v == sink || d >= self.dist[sink] {
                break;
            }
            self.settled.push(v as u32);
            let pv = self.pot[v];
            if v < n {
                for e in inst.edge_range(v) {
                    if self.flow[e] == 0 {
                        let j = n + inst.targets[e] as usize;
                        let nd = d + inst.costs[e] + pv - self.pot[j];
                        if nd < self.dist[j] {
                            self.relax(j, nd, e as u32);
                            // Look ahead: a provider with spare capacity reaches the
                            // sink at once (its potential is the sink's).
                            if self.load[j - n] < inst.capacity[j - n] {
                                let ns = nd + self.pot[j] - self.pot[sink];
                                self.relax(sink, ns, j as u32);
                            }
                        }
                    }
                }
                if self.skipped[v] < inst.demand[v] {
                    let nd = d + inst.penalty[v] + pv - self.pot[sink];
                    self.relax(sink, nd, v as u32);
                }
            } else {
                let j = v - n;
                for k in 0..self.serving[j].len() {
                    let s = self.serving[j][k];
                    let i2 = s.need as usize;
                    let nd = d - s.cost + pv - self.pot[i2];
                    self.relax(i2, nd, s.edge);
                }
                if self.load[j] < inst.capacity[j] {
                    let nd = d + pv - self.pot[sink];
                    self.relax(sink, nd, v as u32);
                }
            }
        }
        self.heap.clear();
        let total = self.dist[sink];
        debug_assert!(total != UNSEEN, "the skip arc always reaches the sink");
        for &v in &self.settled {
            let v = v as usize;
            self.pot[v] += self.dist[v] - total;
        }
        // Augment along the parents, from the sink back to the source.
        let mut v = self.parent[sink] as usize;
        if v < n {
            self.skipped[v] += 1;
        } else {
            self.load[v - n] += 1;
        }
        while v != src {
            let e = self.parent[v] as usize;
            if v >= n {
                // Reached provider v by the forward edge e from its need.
                let j = v - n;
                let need = self.edge_need[e];
                self.flow[e] = 1;
                self.serving[j].push(Served {
                    edge: e as u32,
                    need,
                    cost: inst.costs[e],
                });
                v = need as usize;
            } else {
                // Reached need v by the backward edge e from its provider.
                let j = inst.targets[e] as usize;
                self.flow[e] = 0;
                let pos = self.serving[j]
                    .iter()
                    .position(|x| x.edge as usize == e)
                    .expect("served edge");
                self.serving[j].swap_remove(pos);
                v = n + j;
            }
        }
        for &v in &self.touched {
            self.dist[v as usize] = UNSEEN;
        }
        self.touched.clear();
        self.settled.clear();
    }
}
