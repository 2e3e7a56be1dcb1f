//! The exact assignment kernel: min-cost b-matching of needs to providers, with a
//! penalty for every unit left unassigned, and a dual certificate of optimality.
//!
//! **Problem.** Needs `i` with demand `d_i ∈ {0, 1, 2}` (carers needed), providers `j`
//! with capacity `b_j`, edges `(i, j)` with integer cost `c_ij ≥ 0` and capacity 1 (a
//! two-carer need takes two *distinct* providers), and a penalty `P_i ≥ 0` per unit of
//! demand left unassigned. Minimise `Σ c_ij x_ij + Σ P_i s_i` subject to
//! `Σ_j x_ij + s_i = d_i` and `Σ_i x_ij ≤ b_j`.
//!
//! **Algorithm.** Successive shortest paths on the residual network
//! (need → provider → sink, need → sink at the penalty), one unit of demand at a time,
//! with node potentials that keep every residual reduced cost `c + π(tail) − π(head)`
//! non-negative. Each search is a Dijkstra from the need that stops as soon as the sink
//! is settled; only settled nodes' potentials change (`π += dist − D`), so an easy unit
//! costs a handful of heap operations. Provider loads and skips never decrease, and a
//! search enters a provider only through its edges and leaves it through the needs it
//! already serves, so the work is local in geographic instances. Worst case
//! `O(units · E log V)`; near-linear in practice.
//!
//! **Dense instances.** A complete one-to-one instance (unit demands and capacities,
//! every need linked to every provider, at least as many providers as needs, penalties
//! above every edge cost) goes to a Jonker–Volgenant kernel over dense arrays instead
//! (`lapjv.rs`), certified the same way.
//!
//! **Parallelism.** [`solve_parallel`] splits the graph into connected components
//! ([`components`]) and solves them independently on the rayon pool,
//! largest first; results are merged by global index, so they do not depend on the
//! number of threads.
//!
//! **Certificate.** The final potentials are a dual solution: [`certify`] checks in
//! `O(E)` that every residual arc has a non-negative reduced cost (complementary
//! slackness) and computes the LP duality gap from the duals
//! `u_i = min(P_i, −π_i)`, `v_j = min(0, π_j)`, `w_ij = min(0, c_ij − u_i − v_j)`;
//! for an optimal integer solution the gap is exactly 0.
//!
//! **Cross-check.** [`solve_reference`] is an independent, slow Bellman–Ford successive
//! shortest path solver over an explicit residual graph, used by the tests.

mod certificate;
mod components;
mod kernel;
mod lapjv;
mod reference;
mod text;

use std::cmp::Reverse;
use std::time::Instant;

use rayon::prelude::*;

pub use certificate::{certify, Certificate};
pub use components::{components, Component};
pub use reference::solve_reference;
pub use text::{read_text, write_text};

use kernel::Kernel;

/// An assignment instance in CSR form (edges grouped by need).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Instance {
    /// Units of demand of each need (carers needed): 0 to 4 (a `together` link of four
    /// needs is one node of demand 4).
    pub demand: Vec<u8>,
    /// Cost of each unit of a need left unassigned.
    pub penalty: Vec<i64>,
    /// Capacity of each provider.
    pub capacity: Vec<u32>,
    /// `offsets[i]..offsets[i + 1]` are need `i`'s edges; `len = needs + 1`.
    pub offsets: Vec<usize>,
    /// The provider of each edge.
    pub targets: Vec<u32>,
    /// The cost of each edge (non-negative).
    pub costs: Vec<i64>,
}

impl Instance {
    /// Number of needs.
    pub fn needs(&self) -> usize {
        self.demand.len()
    }

    /// Number of providers.
    pub fn providers(&self) -> usize {
        self.capacity.len()
    }

    /// Number of edges.
    pub fn edges(&self) -> usize {
        self.targets.len()
    }

    /// Need `i`'s edge range.
    #[inline]
    pub fn edge_range(&self, i: usize) -> std::ops::Range<usize> {
        self.offsets[i]..self.offsets[i + 1]
    }

    /// Checks the structure: lengths agree, indices in range, costs and penalties
    /// non-negative and below 2^60, demand at most 2, no duplicate edge of a need.
    pub fn validate(&self) -> Result<(), String> {
        let n = self.needs();
        if self.penalty.len() != n || self.offsets.len() != n + 1 {
            return Err("demand, penalty and offsets disagree on the number of needs".into());
        }
        if self.offsets[0] != 0
            || self.offsets[n] != self.targets.len()
            || self.costs.len() != self.targets.len()
        {
            return Err("offsets, targets and costs disagree on the number of edges".into());
        }
        const LIMIT: i64 = 1 << 60;
        let mut seen = vec![u32::MAX; self.providers()];
        for i in 0..n {
            if self.offsets[i] > self.offsets[i + 1] {
                return Err(format!("need {i}: offsets decrease"));
            }
            if self.demand[i] > 4 {
                return Err(format!("need {i}: demand {} above 4", self.demand[i]));
            }
            if !(0..LIMIT).contains(&self.penalty[i]) {
                return Err(format!(
                    "need {i}: penalty {} out of range",
                    self.penalty[i]
                ));
            }
            for e in self.edge_range(i) {
                let j = self.targets[e] as usize;
                if j >= self.providers() {
                    return Err(format!("edge {e}: provider {j} out of range"));
                }
                if !(0..LIMIT).contains(&self.costs[e]) {
                    return Err(format!("edge {e}: cost {} out of range", self.costs[e]));
                }
                if seen[j] == i as u32 {
                    return Err(format!("need {i}: two edges to provider {j}"));
                }
                seen[j] = i as u32;
            }
        }
        Ok(())
    }
}

/// An optimal assignment with its dual potentials.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Solution {
    /// Per edge: 1 when the need is assigned to that provider.
    pub flow: Vec<u8>,
    /// Per need: units left unassigned.
    pub skipped: Vec<u8>,
    /// Total cost: edge costs plus penalties.
    pub cost: i128,
    /// Potential of each need (the certificate).
    pub need_pot: Vec<i64>,
    /// Potential of each provider (the certificate).
    pub provider_pot: Vec<i64>,
}

impl Solution {
    /// Units assigned over all needs.
    pub fn assigned_units(&self) -> usize {
        self.flow.iter().filter(|&&f| f == 1).count()
    }
}

/// Solves one instance (any number of components) sequentially.
///
/// ```
/// use carematch_core::assign::{certify, solve, Instance};
/// // Two needs, one provider of capacity 1: the need with the larger penalty wins.
/// let inst = Instance {
///     demand: vec![1, 1],
///     penalty: vec![10, 50],
///     capacity: vec![1],
///     offsets: vec![0, 1, 2],
///     targets: vec![0, 0],
///     costs: vec![3, 7],
/// };
/// let sol = solve(&inst);
/// assert_eq!(sol.flow, vec![0, 1]);
/// assert_eq!(sol.cost, 10 + 7);
/// assert_eq!(certify(&inst, &sol).unwrap().gap, 0);
/// ```
pub fn solve(inst: &Instance) -> Solution {
    solve_with(inst, inst.needs() >= RENUMBER_ABOVE)
}

/// [`solve`], choosing whether to renumber the instance for memory locality first
/// (same optimum; [`solve`] renumbers instances of 4096 needs or more).
#[allow(clippy::needless_range_loop)] // parallel arrays indexed together
pub fn solve_with(inst: &Instance, renumber: bool) -> Solution {
    solve_until(inst, renumber, None).unwrap_or_else(|| unreachable!("no deadline"))
}

/// [`solve_with`] that gives up, returning `None`, once `deadline` has passed (checked
/// every [`DEADLINE_EVERY`] units of demand).
#[allow(clippy::needless_range_loop)] // parallel arrays indexed together
fn solve_until(inst: &Instance, renumber: bool, deadline: Option<Instant>) -> Option<Solution> {
    if let Some(sol) = lapjv::try_solve(inst) {
        return Some(sol);
    }
    // Highest penalty first (then index): needs that will lose out then mostly find
    // the sink through their own skip arc instead of displacing each other in turn.
    let mut order: Vec<u32> = (0..inst.needs() as u32).collect();
    order.sort_by_key(|&i| (Reverse(inst.penalty[i as usize]), i));
    if !renumber {
        return Kernel::new(inst).run(&order, deadline);
    }
    // Large instances: work on a locality-preserving renumbering (the searches then
    // touch memory that is near), but process needs in the same order.
    let (need_rank, provider_rank) = components::bfs_order(inst);
    let local = components::permute(inst, &need_rank, &provider_rank);
    let order: Vec<u32> = order.iter().map(|&i| need_rank[i as usize]).collect();
    let sol = Kernel::new(&local).run(&order, deadline)?;
    let mut out = Solution {
        flow: vec![0; inst.edges()],
        skipped: vec![0; inst.needs()],
        cost: sol.cost,
        need_pot: vec![0; inst.needs()],
        provider_pot: vec![0; inst.providers()],
    };
    for i in 0..inst.needs() {
        let r = need_rank[i] as usize;
        out.skipped[i] = sol.skipped[r];
        out.need_pot[i] = sol.need_pot[r];
        let base = local.offsets[r];
        for (k, e) in inst.edge_range(i).enumerate() {
            out.flow[e] = sol.flow[base + k];
        }
    }
    for (j, &r) in provider_rank.iter().enumerate() {
        out.provider_pot[j] = sol.provider_pot[r as usize];
    }
    Some(out)
}

/// Instances with at least this many needs are renumbered for memory locality.
const RENUMBER_ABOVE: usize = 4096;

/// Solves an instance component by component on the current rayon pool.
///
/// Same result as [`solve`] (up to ties, which are broken the same way within each
/// component), independent of the number of threads.
pub fn solve_parallel(inst: &Instance) -> Solution {
    solve_parallel_until(inst, None).unwrap_or_else(|| unreachable!("no deadline"))
}

/// [`solve_parallel`] that gives up once `deadline` has passed: `None` then, else the
/// same solution. The deadline is checked every [`DEADLINE_EVERY`] units of demand, so
/// it is overrun by a few milliseconds at most on geographic instances. The kernel's
/// time is hard to predict from the instance's size alone: a city whose capacity is
/// short makes low-priority needs search long chains of displacements (the
/// 200,000-need generated city takes minutes), so callers with a time budget use this.
///
/// ```
/// use std::time::{Duration, Instant};
/// use carematch_core::assign::{solve_parallel, solve_parallel_until, Instance};
/// let inst = Instance {
///     demand: vec![1, 1],
///     penalty: vec![10, 50],
///     capacity: vec![1],
///     offsets: vec![0, 1, 2],
///     targets: vec![0, 0],
///     costs: vec![3, 7],
/// };
/// let later = Instant::now() + Duration::from_secs(60);
/// assert_eq!(solve_parallel_until(&inst, Some(later)), Some(solve_parallel(&inst)));
/// let past = Instant::now() - Duration::from_secs(1);
/// assert_eq!(solve_parallel_until(&inst, Some(past)), None);
/// ```
pub fn solve_parallel_until(inst: &Instance, deadline: Option<Instant>) -> Option<Solution> {
    if deadline.is_some_and(|d| Instant::now() >= d) {
        return None;
    }
    if let Some(sol) = lapjv::try_solve(inst) {
        return Some(sol); // complete, hence one component
    }
    let comps = components(inst);
    let renumber = |n: usize| n >= RENUMBER_ABOVE;
    if comps.len() <= 1 {
        return solve_until(inst, renumber(inst.needs()), deadline);
    }
    let parts: Vec<(Component, Solution)> = comps
        .into_par_iter()
        .map(|c| {
            let sub = c.extract(inst);
            let sol = solve_until(&sub, renumber(sub.needs()), deadline)?;
            Some((c, sol))
        })
        .collect::<Option<_>>()?;
    let mut out = Solution {
        flow: vec![0; inst.edges()],
        skipped: vec![0; inst.needs()],
        cost: 0,
        need_pot: vec![0; inst.needs()],
        provider_pot: vec![0; inst.providers()],
    };
    for (c, sol) in parts {
        c.merge(inst, &sol, &mut out);
    }
    Some(out)
}

/// Units of demand routed between two looks at the clock.
pub const DEADLINE_EVERY: usize = 16;
