//! The matching construction: routes built from an exact assignment of needs to
//! providers ([`crate::assign`]), with a proven bound on the priority any plan can serve.
//!
//! 1. **Graph.** One edge per (need, provider) that has a candidate slot
//!    ([`Candidates`]). Its cost is the provider's round trip to the elder, in units of
//!    8 s and capped at 1023 units (about 2.3 h), doubled, plus 1 unless the elder
//!    prefers this provider: travel first, continuity of care as the tie-break.
//! 2. **Capacities** estimate the visits a provider can make: `max_visits`, and 90 % of
//!    its available time (`min(max_work, Σ shifts)`) over the mean duration plus
//!    half the mean travel of its candidate needs; pinned visits are taken off.
//! 3. **Penalties** make the kernel's optimum lexicographic, as the spec's objective:
//!    in each connected component of `N` needs, leaving a need costs
//!    `priority · A + B` with `B = 2·N·C + 2` (more than any travel difference, `C` the
//!    largest edge cost) and `A = N·B + B` (more than any count difference). A two-carer
//!    need spreads this over its two units. When these would not fit in 60 bits, the
//!    travel level is dropped (costs 0; priority, then count, stay exact). With
//!    `options.basic_first` the priority is the need's rank
//!    ([`crate::objective::ranks`]): each elder's lead need first.
//! 4. **Routes, and the repair loop.** Pins are placed first. Then, in priority order,
//!    each need is inserted into the routes of the provider(s) the assignment chose.
//!    A need that does not fit there (the capacity estimate was optimistic) loses
//!    those edges, and needs of lower priority wait; the kernel is solved again for the
//!    needs left, with what is left of each provider's capacity, and they are inserted
//!    again: up to four rounds, until a round places nothing. What is still left goes
//!    through the baseline insertion over its insertion neighbourhood (and then a
//!    widened list, when its list was cut), in priority order, which also gives the
//!    reasons.
//! 5. **Bound.** A second kernel run with zero costs, penalties `2 · priority` per need
//!    (split over its units), and capacities that no plan can exceed — `max_visits`,
//!    and the most candidate needs whose durations fit in `min(max_work, Σ shifts)` —
//!    gives an upper bound on the served priority of *every* feasible plan: a provider
//!    that can serve a need in any plan can reach it alone, so it is a candidate. A need
//!    whose list was cut ([`Candidates::is_cut`]) is counted as served and takes no
//!    capacity, and capacities count only uncut needs: a relaxation, so the bound stays
//!    proven (and is exact-tight only when nothing is cut, `options.candidates = 0`).

use std::time::Instant;

use crate::assign::{self, Instance};
use crate::baseline;
use crate::feasibility::Candidates;
use crate::model::{NeedIdx, Problem, ProviderIdx, Slot};
use crate::neighbours::Neighbours;
use crate::routes::{Builder, Construction};

/// Seconds per unit of edge cost.
const COST_UNIT: i64 = 8;
/// Largest travel cost, in units.
const COST_MAX: i64 = 1023;
/// Largest edge cost: `2 · COST_MAX + 1`.
const C: i64 = 2 * COST_MAX + 1;
/// Penalties and costs stay below this.
const LIMIT: i128 = 1 << 60;

/// The construction and, when proven, the bound on served priority.
pub(crate) struct Matched {
    /// Routes and unserved needs.
    pub(crate) construction: Construction,
    /// Proven upper bound on the served priority of any plan.
    pub(crate) bound: Option<i64>,
}

/// Builds routes from the exact assignment (see the module docs).
pub(crate) fn construct(problem: &Problem, cands: &Candidates, near: &Neighbours) -> Matched {
    let (construction, bound) = construct_until(problem, cands, near, None);
    Matched {
        construction: construction.unwrap_or_else(|| unreachable!("no deadline")),
        bound,
    }
}

/// [`construct`] on a time budget: the bound and the construction are each `None` when
/// their first kernel run has not finished by `deadline`. A later repair round that
/// runs out of time ends the loop, and its needs go through the baseline insertion.
/// So the result depends on the clock only when a deadline passes.
pub(crate) fn construct_until(
    problem: &Problem,
    cands: &Candidates,
    near: &Neighbours,
    deadline: Option<Instant>,
) -> (Option<Construction>, Option<i64>) {
    let graph = provider_edges(problem, cands);
    let bound = priority_bound(problem, cands, &graph, deadline);
    (build(problem, cands, near, &graph, deadline), bound)
}

/// Steps 1–4 of the module docs; `None` when the first kernel run misses `deadline`.
fn build(
    problem: &Problem,
    cands: &Candidates,
    near: &Neighbours,
    graph: &ProviderEdges,
    deadline: Option<Instant>,
) -> Option<Construction> {
    let base = assignment_instance(problem, cands, graph);
    let mut inst = base.clone();
    let mut banned: Vec<(usize, u32)> = Vec::new();
    let mut st = Builder::with_pins(problem);
    st.at_venues(cands);
    let mut pending = baseline::priority_order(problem, cands);
    let ranks = crate::objective::ranks(problem);
    let mut placed_by = vec![0u32; problem.providers().len()];
    // The repair loop: needs the routes could not take on the providers the
    // assignment chose lose those edges, and the kernel is solved again for what is
    // left, with what is left of each provider's capacity, until a round places
    // nothing or REPAIR_ROUNDS have run.
    for round in 0..REPAIR_ROUNDS {
        set_penalties(problem, &ranks, &mut inst);
        let Some(sol) = assign::solve_parallel_until(&inst, deadline) else {
            if round == 0 {
                return None;
            }
            break;
        };
        let mut failed = Vec::new();
        let mut progress = false;
        // Once a need fails, needs of lower priority wait for the next round, so that
        // they cannot take the room it is reassigned to.
        let mut cut: Option<u32> = None;
        for &n in &pending {
            let members = node_members(problem, n);
            // Sequence links, and needs placed with their together link's first need,
            // go through the insertion of their whole link after the assignment.
            if members.is_empty() {
                failed.push(n);
                continue;
            }
            if cut.is_some_and(|c| ranks[n.ix()] < c) {
                failed.push(n);
                continue;
            }
            let chosen: Vec<ProviderIdx> = inst
                .edge_range(n.ix())
                .filter(|&e| sol.flow[e] == 1)
                .map(|e| ProviderIdx(inst.targets[e]))
                .collect();
            let placed = chosen.len() == usize::from(inst.demand[n.ix()])
                && !chosen.is_empty()
                && place_chosen(problem, cands, &mut st, n, &members, &chosen);
            if placed {
                progress = true;
                chosen.iter().for_each(|p| placed_by[p.ix()] += 1);
            } else {
                banned.extend(chosen.iter().map(|p| (n.ix(), p.0)));
                failed.push(n);
                cut.get_or_insert(ranks[n.ix()]);
            }
        }
        pending = failed;
        if !progress || pending.is_empty() {
            break;
        }
        inst = residual(&base, &pending, &banned, &placed_by);
    }
    // What the assignment could not place goes through the baseline insertion, in
    // priority order, which also gives the reasons.
    let unassigned = baseline::insert_all(problem, cands, near, &mut st, &pending, deadline);
    Some(Construction {
        routes: st.into_routes(),
        unassigned,
    })
}

/// Inserts the node of need `n` (its `members`) into routes of the `chosen` providers:
/// a need into their slots; a together link's needs each to one of them (the first
/// way every need has a provider qualified for it).
fn place_chosen(
    problem: &Problem,
    cands: &Candidates,
    st: &mut Builder,
    n: NeedIdx,
    members: &[NeedIdx],
    chosen: &[ProviderIdx],
) -> bool {
    let slots_among = |m: NeedIdx, ps: &[ProviderIdx]| -> Vec<Slot> {
        cands
            .of(m)
            .iter()
            .copied()
            .filter(|s| ps.contains(&s.provider))
            .collect()
    };
    if members.len() == 1 {
        return st.insert(&slots_among(n, chosen), n).is_ok();
    }
    let Some(order) = matching_order(chosen, members, &|m, p| {
        cands.of(m).iter().any(|s| s.provider == p)
    }) else {
        return false;
    };
    let Some(l) = problem.need(n).link else {
        return false;
    };
    let mut of = |_: &mut Builder, m: NeedIdx| {
        let k = members.iter().position(|&x| x == m).unwrap_or(0);
        slots_among(m, &[order[k]])
    };
    st.insert_unit(crate::routes::Unit::Link(l), &mut of)
        .is_ok()
}

/// A provider of `chosen` for each of `members`, pairwise different, each qualified
/// (`ok`): the first such assignment (at most four members: depth-first).
fn matching_order(
    chosen: &[ProviderIdx],
    members: &[NeedIdx],
    ok: &dyn Fn(NeedIdx, ProviderIdx) -> bool,
) -> Option<Vec<ProviderIdx>> {
    fn go(
        k: usize,
        chosen: &[ProviderIdx],
        members: &[NeedIdx],
        ok: &dyn Fn(NeedIdx, ProviderIdx) -> bool,
        out: &mut Vec<ProviderIdx>,
    ) -> bool {
        if k == members.len() {
            return true;
        }
        for &p in chosen {
            if !out.contains(&p) && ok(members[k], p) {
                out.push(p);
                if go(k + 1, chosen, members, ok, out) {
                    return true;
                }
                out.pop();
            }
        }
        false
    }
    let mut out = Vec::with_capacity(members.len());
    go(0, chosen, members, ok, &mut out).then_some(out)
}

/// Rounds of the repair loop between the assignment and the routes.
const REPAIR_ROUNDS: usize = 4;

/// The instance `base` for the needs still `pending` (the others get demand 0),
/// without the `banned` (need, provider) edges, and with each provider's capacity less
/// the visits `placed` so far.
fn residual(
    inst: &Instance,
    pending: &[NeedIdx],
    banned: &[(usize, u32)],
    placed: &[u32],
) -> Instance {
    let n = inst.needs();
    let mut open = vec![false; n];
    pending.iter().for_each(|p| open[p.ix()] = true);
    let mut banned = banned.to_vec();
    banned.sort_unstable();
    let mut out = Instance {
        demand: Vec::with_capacity(n),
        penalty: vec![0; n],
        capacity: Vec::with_capacity(inst.capacity.len()),
        offsets: Vec::with_capacity(n + 1),
        targets: Vec::new(),
        costs: Vec::new(),
    };
    out.offsets.push(0);
    for (i, &is_open) in open.iter().enumerate() {
        out.demand.push(if is_open { inst.demand[i] } else { 0 });
        if is_open {
            for e in inst.edge_range(i) {
                let p = inst.targets[e];
                if banned.binary_search(&(i, p)).is_err() {
                    out.targets.push(p);
                    out.costs.push(inst.costs[e]);
                }
            }
        }
        out.offsets.push(out.targets.len());
    }
    out.capacity = inst
        .capacity
        .iter()
        .zip(placed)
        .map(|(&c, &used)| c.saturating_sub(used))
        .collect();
    out
}

/// Provider-level edges of every need, from its candidate slots.
struct ProviderEdges {
    offsets: Vec<usize>,
    providers: Vec<u32>,
    /// Round-trip travel in seconds.
    round_trip: Vec<i64>,
}

fn provider_edges(problem: &Problem, cands: &Candidates) -> ProviderEdges {
    let mut g = ProviderEdges {
        offsets: Vec::with_capacity(problem.needs().len() + 1),
        providers: Vec::with_capacity(cands.edges()),
        round_trip: Vec::with_capacity(cands.edges()),
    };
    g.offsets.push(0);
    for i in 0..problem.needs().len() {
        let n = NeedIdx(i as u32);
        let here = problem.need_location(n);
        let mut last = None;
        for s in cands.of(n) {
            if last == Some(s.provider) {
                continue;
            }
            last = Some(s.provider);
            let prov = problem.provider(s.provider);
            g.providers.push(s.provider.0);
            g.round_trip.push(
                problem.travel_time(s.provider, &prov.start, here)
                    + problem.travel_time(s.provider, here, &prov.end),
            );
        }
        g.offsets.push(g.providers.len());
    }
    g
}

/// Available working time of a provider: `min(max_work, Σ shift lengths)`.
fn available(problem: &Problem, p: usize) -> i64 {
    let prov = &problem.providers()[p];
    let shifts: i64 = prov.shifts.iter().map(|s| s.close - s.open).sum();
    prov.max_work.map_or(shifts, |w| w.min(shifts))
}

fn assignment_instance(problem: &Problem, cands: &Candidates, g: &ProviderEdges) -> Instance {
    let m = problem.providers().len();
    let mut inst = Instance {
        demand: Vec::with_capacity(problem.needs().len()),
        penalty: vec![0; problem.needs().len()],
        capacity: vec![0; m],
        offsets: Vec::with_capacity(problem.needs().len() + 1),
        targets: Vec::with_capacity(g.providers.len()),
        costs: Vec::with_capacity(g.providers.len()),
    };
    let mut load_secs = vec![0i64; m];
    let mut count = vec![0i64; m];
    let mut pinned = vec![0i64; m];
    inst.offsets.push(0);
    for (i, need) in problem.needs().iter().enumerate() {
        let n = NeedIdx(i as u32);
        if let Some(pin) = need.pinned {
            pinned[pin.provider.ix()] += 1;
        }
        // Pinned needs are placed before the assignment, sequence links after it; a
        // together link is one node (its first need) of one unit per need, with the
        // edges of all its needs; needs nobody can serve have their reason already.
        let members = node_members(problem, n);
        let open = need.pinned.is_none()
            && !members.is_empty()
            && members.iter().all(|&m| cands.reason(m).is_none());
        let demand = if members.len() > 1 {
            members.len() as u8
        } else {
            need.caregivers
        };
        inst.demand.push(if open { demand } else { 0 });
        if open {
            let prefers = &problem.elder(need.elder).prefers;
            let mut edges: Vec<(u32, i64)> = Vec::new();
            for &m in &members {
                for e in g.offsets[m.ix()]..g.offsets[m.ix() + 1] {
                    let p = g.providers[e];
                    let units = ((g.round_trip[e] + COST_UNIT - 1) / COST_UNIT).min(COST_MAX);
                    let tie = i64::from(!prefers.contains(&ProviderIdx(p)));
                    let cost = 2 * units + tie;
                    match edges.iter_mut().find(|x| x.0 == p) {
                        Some(x) => x.1 = x.1.min(cost),
                        None => edges.push((p, cost)),
                    }
                    load_secs[p as usize] += problem.need(m).duration + g.round_trip[e] / 4;
                    count[p as usize] += 1;
                }
            }
            for (p, cost) in edges {
                inst.targets.push(p);
                inst.costs.push(cost);
            }
        }
        inst.offsets.push(inst.targets.len());
    }
    for (p, prov) in problem.providers().iter().enumerate() {
        let by_time = if count[p] == 0 {
            0
        } else {
            let mean = (load_secs[p] / count[p]).max(1);
            available(problem, p) * 9 / 10 / mean
        };
        let cap = prov
            .max_visits
            .map_or(by_time, |v| by_time.min(i64::from(v)));
        inst.capacity[p] = (cap - pinned[p]).clamp(0, i64::from(u32::MAX)) as u32;
    }
    inst
}

/// The needs node `n` of the assignment stands for: itself; a `together` link's needs
/// for its first need; none for its other needs and for a sequence link's needs (those
/// are placed after the assignment).
fn node_members(problem: &Problem, n: NeedIdx) -> Vec<NeedIdx> {
    match problem.need(n).link {
        None => vec![n],
        Some(l) => {
            let link = problem.link(l);
            match link.rule {
                crate::model::LinkRule::Together if link.needs[0] == n => link.needs.clone(),
                _ => Vec::new(),
            }
        }
    }
}

/// Lexicographic penalties per component (see the module docs).
fn set_penalties(problem: &Problem, ranks: &[u32], inst: &mut Instance) {
    let comps = assign::components(inst);
    let top = if problem.options().basic_first {
        crate::objective::MAX_RANK
    } else {
        100
    };
    let fits = comps.iter().all(|c| {
        let n = c.needs.len() as i128;
        let b = 2 * n * C as i128 + 2;
        let a = n * b + b;
        i128::from(top) * a + b < LIMIT
    });
    if !fits {
        inst.costs.iter_mut().for_each(|c| *c = 0);
    }
    for c in &comps {
        let n = c.needs.len() as i64;
        let (a, b) = if fits {
            let b = 2 * n * C + 2;
            (n * b + b, b)
        } else {
            (2 * (n + 1), 2)
        };
        for &i in &c.needs {
            let i = i as usize;
            let d = i64::from(inst.demand[i].max(1));
            let priority: i64 = node_members(problem, NeedIdx(i as u32))
                .iter()
                .map(|&m| i64::from(ranks[m.ix()]))
                .sum();
            inst.penalty[i] = (priority * a + b) / d;
        }
    }
}

/// The proven upper bound on served priority (see the module docs).
fn priority_bound(
    problem: &Problem,
    cands: &Candidates,
    g: &ProviderEdges,
    deadline: Option<Instant>,
) -> Option<i64> {
    let m = problem.providers().len();
    let mut durations: Vec<Vec<i64>> = vec![Vec::new(); m];
    let cut = |i: usize| cands.is_cut(NeedIdx(i as u32));
    let mut inst = Instance {
        demand: problem
            .needs()
            .iter()
            .enumerate()
            .map(|(i, n)| if cut(i) { 0 } else { n.caregivers })
            .collect(),
        penalty: problem
            .needs()
            .iter()
            .map(|n| 2 * i64::from(n.priority) / i64::from(n.caregivers))
            .collect(),
        capacity: vec![0; m],
        offsets: g.offsets.clone(),
        targets: g.providers.clone(),
        costs: vec![0; g.providers.len()],
    };
    for (i, need) in problem.needs().iter().enumerate() {
        if cut(i) {
            continue;
        }
        for e in g.offsets[i]..g.offsets[i + 1] {
            durations[g.providers[e] as usize].push(need.duration);
        }
    }
    for (p, prov) in problem.providers().iter().enumerate() {
        let d = &mut durations[p];
        d.sort_unstable();
        let budget = available(problem, p);
        let mut used = 0;
        let mut fit = 0u32;
        for &x in d.iter() {
            if used + x > budget {
                break;
            }
            used += x;
            fit += 1;
        }
        inst.capacity[p] = prov.max_visits.map_or(fit, |v| fit.min(v));
    }
    let sol = assign::solve_parallel_until(&inst, deadline)?;
    let total2 = 2 * problem.total_priority() as i128;
    Some(((total2 - sol.cost) / 2) as i64)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn problem() -> Problem {
        Problem::from_json(br#"{
          "elders": [{"id": "e1", "location": [116.43, 39.92]}],
          "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]], "priority": 40}],
          "providers": [{"id": "p1", "kind": "volunteer", "skills": ["meals"],
                         "start": [116.42, 39.92], "shifts": [[36000, 50400]]}]
        }"#)
        .expect("valid")
    }

    #[test]
    fn serves_and_bounds() {
        let problem = problem();
        let m = construct(
            &problem,
            &Candidates::new(&problem),
            &Neighbours::new(&problem),
        );
        assert!(m.construction.unassigned.is_empty());
        assert_eq!(m.bound, Some(40));
    }

    #[test]
    fn a_passed_deadline_gives_nothing_a_later_one_the_same() {
        let problem = problem();
        let cands = Candidates::new(&problem);
        let near = Neighbours::new(&problem);
        let past = Instant::now() - Duration::from_secs(1);
        let (construction, bound) = construct_until(&problem, &cands, &near, Some(past));
        assert!(construction.is_none() && bound.is_none());
        let later = Instant::now() + Duration::from_secs(600);
        let (construction, bound) = construct_until(&problem, &cands, &near, Some(later));
        let full = construct(&problem, &cands, &near);
        assert_eq!(
            construction.map(|c| c.routes.len()),
            Some(full.construction.routes.len())
        );
        assert_eq!(bound, full.bound);
    }
}
