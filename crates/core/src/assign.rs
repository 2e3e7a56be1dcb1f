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
//! ([`crate::graph::components`]) and solves them independently on the rayon pool,
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

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

use rayon::prelude::*;

/// An assignment instance in CSR form (edges grouped by need).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Instance {
    /// Units of demand of each need (carers needed): 0, 1 or 2.
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
            if self.demand[i] > 2 {
                return Err(format!("need {i}: demand {} above 2", self.demand[i]));
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
    if let Some(sol) = crate::lapjv::try_solve(inst) {
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
    let (need_rank, provider_rank) = crate::graph::bfs_order(inst);
    let local = crate::graph::permute(inst, &need_rank, &provider_rank);
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
    if let Some(sol) = crate::lapjv::try_solve(inst) {
        return Some(sol); // complete, hence one component
    }
    let comps = crate::graph::components(inst);
    let renumber = |n: usize| n >= RENUMBER_ABOVE;
    if comps.len() <= 1 {
        return solve_until(inst, renumber(inst.needs()), deadline);
    }
    let parts: Vec<(crate::graph::Component, Solution)> = comps
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

/// What [`certify`] proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Certificate {
    /// Primal cost (edges plus penalties).
    pub primal: i128,
    /// Dual objective of the LP relaxation built from the potentials.
    pub dual: i128,
    /// `primal − dual`: 0 proves the solution optimal.
    pub gap: i128,
}

/// Verifies feasibility and the dual certificate in `O(E)`.
///
/// Fails with a description of the first broken condition.
#[allow(clippy::needless_range_loop)] // parallel arrays indexed together
pub fn certify(inst: &Instance, sol: &Solution) -> Result<Certificate, String> {
    let (n, m) = (inst.needs(), inst.providers());
    if sol.flow.len() != inst.edges()
        || sol.skipped.len() != n
        || sol.need_pot.len() != n
        || sol.provider_pot.len() != m
    {
        return Err("solution sizes do not match the instance".into());
    }
    let mut load = vec![0u32; m];
    let mut primal: i128 = 0;
    let mut dual: i128 = 0;
    let v = |j: usize| sol.provider_pot[j].min(0);
    for i in 0..n {
        let mut units = u32::from(sol.skipped[i]);
        let pi = sol.need_pot[i];
        for e in inst.edge_range(i) {
            let j = inst.targets[e] as usize;
            let f = sol.flow[e];
            if f > 1 {
                return Err(format!("edge {e}: flow {f} above 1"));
            }
            let rc = inst.costs[e] as i128 + pi as i128 - sol.provider_pot[j] as i128;
            if f == 0 && rc < 0 {
                return Err(format!("edge {e} unused with negative reduced cost {rc}"));
            }
            if f == 1 {
                if rc > 0 {
                    return Err(format!("edge {e} used with positive reduced cost {rc}"));
                }
                units += 1;
                load[j] += 1;
                primal += inst.costs[e] as i128;
            }
        }
        if units != u32::from(inst.demand[i]) {
            return Err(format!(
                "need {i}: {units} units for demand {}",
                inst.demand[i]
            ));
        }
        let rc_skip = inst.penalty[i] as i128 + pi as i128;
        if sol.skipped[i] < inst.demand[i] && rc_skip < 0 {
            return Err(format!(
                "need {i}: skip arc free with negative reduced cost"
            ));
        }
        if sol.skipped[i] > 0 && rc_skip > 0 {
            return Err(format!("need {i}: skipped with positive reduced cost"));
        }
        primal += inst.penalty[i] as i128 * i128::from(sol.skipped[i]);
        // Dual: u_i = min(P_i, −π_i); w_ij = min(0, c − u − v).
        let u = (inst.penalty[i] as i128).min(-(pi as i128));
        dual += i128::from(inst.demand[i]) * u;
        for e in inst.edge_range(i) {
            let j = inst.targets[e] as usize;
            dual += (inst.costs[e] as i128 - u - v(j) as i128).min(0);
        }
    }
    for j in 0..m {
        if load[j] > inst.capacity[j] {
            return Err(format!(
                "provider {j}: load {} above capacity {}",
                load[j], inst.capacity[j]
            ));
        }
        let p = sol.provider_pot[j];
        if load[j] < inst.capacity[j] && p < 0 {
            return Err(format!(
                "provider {j}: spare capacity but potential {p} < 0"
            ));
        }
        if load[j] > 0 && p > 0 {
            return Err(format!("provider {j}: used but potential {p} > 0"));
        }
        dual += i128::from(inst.capacity[j]) * v(j) as i128;
    }
    if primal != sol.cost {
        return Err(format!(
            "reported cost {} but the solution costs {primal}",
            sol.cost
        ));
    }
    Ok(Certificate {
        primal,
        dual,
        gap: primal - dual,
    })
}

/// Reads the spec's assignment kernel file format:
///
/// ```text
/// p NEEDS PROVIDERS EDGES
/// c PROVIDER CAPACITY      # one line per provider
/// u NEED PENALTY           # one line per need
/// e NEED PROVIDER COST     # one line per edge
/// ```
///
/// Needs have demand 1. Edges may come in any order; they are grouped by need,
/// keeping their order within a need. Blank lines and lines starting with `#` are
/// skipped. Sizes are bounded (`limits::MAX_NEEDS` needs, 2^31 edges).
///
/// ```
/// let text = "p 2 1 2\nc 0 1\nu 0 10\nu 1 50\ne 0 0 3\ne 1 0 7\n";
/// let inst = carematch_core::assign::read_text(text).unwrap();
/// assert_eq!(carematch_core::assign::solve(&inst).cost, 17);
/// ```
pub fn read_text(text: &str) -> Result<Instance, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(k, l)| (k + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
    let num = |k: usize, s: Option<&str>| -> Result<i64, String> {
        s.ok_or_else(|| format!("line {k}: missing number"))?
            .parse::<i64>()
            .map_err(|e| format!("line {k}: {e}"))
    };
    let (k, header) = lines.next().ok_or("empty file")?;
    let mut f = header.split_ascii_whitespace();
    if f.next() != Some("p") {
        return Err(format!("line {k}: expected `p NEEDS PROVIDERS EDGES`"));
    }
    let n = num(k, f.next())?;
    let m = num(k, f.next())?;
    let edges = num(k, f.next())?;
    if !(0..=crate::limits::MAX_NEEDS as i64).contains(&n)
        || !(0..=u32::MAX as i64 / 2).contains(&m)
        || !(0..=i64::from(i32::MAX)).contains(&edges)
    {
        return Err(format!("line {k}: sizes out of range"));
    }
    let (n, m, edges) = (n as usize, m as usize, edges as usize);
    let mut inst = Instance {
        demand: vec![1; n],
        penalty: vec![0; n],
        capacity: vec![0; m],
        ..Default::default()
    };
    let mut raw: Vec<(u32, u32, i64)> = Vec::with_capacity(edges);
    for (k, line) in lines {
        let mut f = line.split_ascii_whitespace();
        let tag = f.next().unwrap_or("");
        let a = num(k, f.next())?;
        let b = num(k, f.next())?;
        let index = |v: i64, len: usize| -> Result<usize, String> {
            usize::try_from(v)
                .ok()
                .filter(|&v| v < len)
                .ok_or_else(|| format!("line {k}: index {v} out of range"))
        };
        match tag {
            "c" => {
                inst.capacity[index(a, m)?] =
                    u32::try_from(b).map_err(|_| format!("line {k}: bad capacity"))?
            }
            "u" => inst.penalty[index(a, n)?] = b,
            "e" => {
                if raw.len() == edges {
                    return Err(format!("line {k}: more edges than the header says"));
                }
                raw.push((index(a, n)? as u32, index(b, m)? as u32, num(k, f.next())?));
            }
            _ => return Err(format!("line {k}: unknown record `{tag}`")),
        }
    }
    if raw.len() != edges {
        return Err(format!(
            "the header says {edges} edges; the file has {}",
            raw.len()
        ));
    }
    raw.sort_by_key(|&(i, _, _)| i); // stable: keeps each need's edge order
    inst.offsets = vec![0; n + 1];
    for &(i, _, _) in &raw {
        inst.offsets[i as usize + 1] += 1;
    }
    for i in 0..n {
        inst.offsets[i + 1] += inst.offsets[i];
    }
    inst.targets = raw.iter().map(|r| r.1).collect();
    inst.costs = raw.iter().map(|r| r.2).collect();
    inst.validate()?;
    Ok(inst)
}

/// Writes `inst` in the kernel file format that [`read_text`] reads (every need's
/// demand must be 1: the format has no demands).
///
/// ```
/// use carematch_core::assign::{read_text, write_text};
/// let inst = read_text("p 2 1 2\nc 0 1\nu 0 10\nu 1 50\ne 0 0 3\ne 1 0 7\n").unwrap();
/// let mut out = Vec::new();
/// write_text(&inst, &mut out).unwrap();
/// assert_eq!(read_text(std::str::from_utf8(&out).unwrap()).unwrap(), inst);
/// ```
pub fn write_text(inst: &Instance, w: &mut impl std::io::Write) -> std::io::Result<()> {
    writeln!(
        w,
        "p {} {} {}",
        inst.needs(),
        inst.providers(),
        inst.edges()
    )?;
    for (j, c) in inst.capacity.iter().enumerate() {
        writeln!(w, "c {j} {c}")?;
    }
    for (i, p) in inst.penalty.iter().enumerate() {
        writeln!(w, "u {i} {p}")?;
    }
    for i in 0..inst.needs() {
        for e in inst.edge_range(i) {
            writeln!(w, "e {i} {} {}", inst.targets[e], inst.costs[e])?;
        }
    }
    Ok(())
}

const UNSEEN: i64 = i64::MAX;

/// An edge carrying flow, as its provider's list holds it.
#[derive(Debug, Clone, Copy)]
struct Served {
    edge: u32,
    need: u32,
    cost: i64,
}

/// Successive shortest paths with truncated Dijkstra (see the module docs).
struct Kernel<'a> {
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
    fn new(inst: &'a Instance) -> Self {
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
    fn run(mut self, order: &[u32], deadline: Option<Instant>) -> Option<Solution> {
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
