//! Improvement of a construction: ruin and recreate under the spec's objective.
//!
//! Each iteration removes a few strings of consecutive visits from routes near a
//! random seed visit (slack induction by string removals, after Christiaens and
//! Vanden Berghe, 2020), then re-inserts the removed needs, and unserved needs nearby,
//! most important first, each at its cheapest feasible place among its candidate
//! slots, skipping a place now and then ("blinks"). A result with more served priority,
//! or as much priority and more served needs, is always kept; one with as much of both
//! is kept by simulated annealing on travel; anything serving less is undone. The best
//! plan seen is returned.
//!
//! Every move goes through [`RouteState`] and the construction builder's limits, so every
//! intermediate plan is feasible; a removal that breaks a route (travel without the
//! triangle inequality) is undone. Pinned visits never move. A two-carer need leaves
//! both routes and comes back as a pair at one common start.
//!
//! Parallelism and determinism: one search runs per thread, each sequential and seeded
//! from `options.seed` and its thread number, and the best plan wins. Each stops after
//! `options.iterations` iterations or at the deadline, whichever comes first. When the
//! iterations run out first, the same input, seed and thread count give the same plan;
//! a deadline that cuts the search short makes the plan depend on the machine.
//! [`Stats::stopped_by_time`] says which happened.

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use crate::baseline::{insert_all, priority_order};
use crate::feasibility::Candidates;
use crate::model::{NeedIdx, Problem};
use crate::objective::Score;
use crate::routes::{Builder, Construction, RouteState};

const NONE: u32 = u32::MAX;
/// Neighbours kept per need for the ruin step.
const NEIGHBOURS: usize = 40;
/// Mean number of visits removed per iteration.
const MEAN_REMOVED: usize = 10;
/// Longest string removed from one route.
const MAX_STRING: usize = 10;
/// Probability of skipping an insertion place.
const BLINK: f64 = 0.01;

/// What a search did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Iterations run, summed over the searches.
    pub iterations: u64,
    /// Searches run side by side (one per thread).
    pub runs: u64,
    /// Iterations of the winning search that found a new best plan.
    pub improvements: u64,
    /// Whether the deadline, not the iteration budget, ended the search.
    pub stopped_by_time: bool,
}

/// Improves `built` by ruin and recreate until `iterations` iterations have run or
/// `deadline` has passed, and returns the best plan found with the reasons of the
/// needs it leaves out (recomputed: a last insertion pass tries each once more).
///
/// One search runs per thread of the current rayon pool, each from `built` with its
/// own seed (the first with `options.seed` itself), and the best plan wins (ties to the
/// lower thread): the result depends on the seed and the thread count only.
pub(crate) fn improve(
    problem: &Problem,
    cands: &Candidates,
    built: Construction,
    iterations: u64,
    deadline: Instant,
) -> (Construction, Stats) {
    use rayon::prelude::*;
    let near = Neighbours::new(problem);
    let runs = rayon::current_num_threads().max(1) as u64;
    let seed = problem.options().seed;
    let results: Vec<(Construction, Stats, Score)> = (0..runs)
        .into_par_iter()
        .map(|i| {
            // Distinct, well-spread seeds; the first search uses the seed as given.
            let seed = seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let mut s = Search::new(problem, cands, built.clone(), &near, seed);
            let stats = s.run(iterations, deadline);
            let plan = s.finish();
            let score = plan.score(problem);
            (plan, stats, score)
        })
        .collect();
    let mut total = Stats {
        runs,
        ..Stats::default()
    };
    let mut best: Option<(Construction, Score)> = None;
    for (plan, stats, key) in results {
        total.iterations += stats.iterations;
        total.stopped_by_time |= stats.stopped_by_time;
        if best.as_ref().is_none_or(|(_, k)| key > *k) {
            total.improvements = stats.improvements;
            best = Some((plan, key));
        }
    }
    let plan = best.map_or(built, |(plan, _)| plan);
    (plan, total)
}

struct Search<'a> {
    problem: &'a Problem,
    cands: &'a Candidates,
    st: Builder<'a>,
    /// The routes serving each need (`NONE` when unused).
    at: Vec<[u32; 2]>,
    near: &'a Neighbours,
    score: Score,
    /// Needs unserved in the current plan that some slot may serve.
    unserved: Vec<u32>,
    best: Vec<RouteState>,
    best_score: Score,
    /// Routes changed since `best` was saved.
    dirty: Vec<bool>,
    dirty_list: Vec<u32>,
    // Undo log of the current iteration.
    iter: u64,
    route_stamp: Vec<u64>,
    saved_routes: Vec<(u32, RouteState)>,
    prov_stamp: Vec<u64>,
    saved_prov: Vec<(u32, u32, i64)>,
    need_stamp: Vec<u64>,
    saved_at: Vec<(u32, [u32; 2])>,
    rng: Pcg64Mcg,
}

impl<'a> Search<'a> {
    fn new(
        problem: &'a Problem,
        cands: &'a Candidates,
        built: Construction,
        near: &'a Neighbours,
        seed: u64,
    ) -> Self {
        let st = Builder::from_routes(problem, built.routes);
        let n = problem.needs().len();
        let mut at = vec![[NONE; 2]; n];
        for (ri, r) in st.routes.iter().enumerate() {
            for s in r.stops() {
                let a = &mut at[s.need.ix()];
                if a[0] == NONE {
                    a[0] = ri as u32;
                } else {
                    a[1] = ri as u32;
                }
            }
        }
        let unserved = built
            .unassigned
            .iter()
            .filter(|u| cands.reason(u.0).is_none())
            .map(|u| u.0 .0)
            .collect();
        let score = Score::of(
            problem,
            (0..n)
                .filter(|&i| at[i][0] != NONE)
                .map(|i| NeedIdx(i as u32)),
            st.routes.iter().map(|r| r.travel).sum(),
        );
        let routes = st.routes.len();
        Self {
            problem,
            cands,
            best: st.routes.clone(),
            st,
            at,
            near,
            score,
            unserved,
            best_score: score,
            dirty: vec![false; routes],
            dirty_list: Vec::new(),
            iter: 0,
            route_stamp: vec![0; routes],
            saved_routes: Vec::new(),
            prov_stamp: vec![0; problem.providers().len()],
            saved_prov: Vec::new(),
            need_stamp: vec![0; n],
            saved_at: Vec::new(),
            rng: Pcg64Mcg::seed_from_u64(seed),
        }
    }

    fn near(&self, n: u32) -> &'a [u32] {
        self.near.of(n)
    }

    fn run(&mut self, iterations: u64, deadline: Instant) -> Stats {
        let mut stats = Stats::default();
        let served: Vec<u32> = (0..self.at.len() as u32).collect();
        if served.is_empty() || iterations == 0 {
            return stats;
        }
        let started = Instant::now();
        let budget = deadline.saturating_duration_since(started).as_secs_f64();
        // Temperatures relative to the mean leg of the construction, from two legs down
        // to a fiftieth of one (tuned on the 56 Solomon instances: 1 / 0.01, 2 / 0.02,
        // 3 / 0.1 and 5 / 0.1 legs gave mean gaps within 0.1 % of each other).
        let legs = (self.score.served as f64 + self.st.routes.len() as f64).max(1.0);
        let mean_leg = (self.score.cost as f64 / legs).max(1.0);
        let (t0, t1) = (2.0 * mean_leg, 0.02 * mean_leg);
        while stats.iterations < iterations {
            let now = Instant::now();
            if now >= deadline {
                stats.stopped_by_time = true;
                break;
            }
            let by_iter = stats.iterations as f64 / iterations as f64;
            let by_time = if budget > 0.0 {
                now.duration_since(started).as_secs_f64() / budget
            } else {
                1.0
            };
            let temperature = t0 * (t1 / t0).powf(by_iter.max(by_time).min(1.0));
            stats.iterations += 1;
            self.iter = stats.iterations;
            let before = self.score;
            let seed = served[self.rng.random_range(0..served.len())];
            let Some(removed) = self.ruin(seed) else {
                self.undo(before);
                continue;
            };
            self.recreate(seed, removed);
            let (a, b) = (self.score, before);
            let accept = if a.service() != b.service() {
                a.service() > b.service()
            } else {
                let u: f64 = self.rng.random();
                (a.cost as f64) < b.cost as f64 - temperature * u.max(1e-12).ln()
            };
            if !accept {
                self.undo(before);
                continue;
            }
            self.commit();
            if self.score > self.best_score {
                stats.improvements += 1;
                self.save_best();
            }
        }
        stats
    }

    /// Removes strings of visits from routes near `seed`; `None` when a route broke.
    fn ruin(&mut self, seed: u32) -> Option<Vec<u32>> {
        let max = (2 * MEAN_REMOVED).min(self.score.served.max(1) as usize);
        let target = self.rng.random_range(1..=max);
        let mut removed = Vec::new();
        let mut ruined: Vec<u32> = Vec::new();
        let mut k = 0;
        let len = self.near(seed).len();
        while removed.len() < target && k <= len {
            let c = if k == 0 { seed } else { self.near(seed)[k - 1] };
            k += 1;
            let ri = self.at[c as usize][0];
            if ri == NONE || ruined.contains(&ri) {
                continue;
            }
            let route = &self.st.routes[ri as usize];
            let stops = route.stops();
            let Some(pos) = stops.iter().position(|s| s.need.0 == c) else {
                continue;
            };
            let l = self.rng.random_range(1..=MAX_STRING.min(stops.len()));
            let lo = (pos + 1).saturating_sub(l);
            let hi = pos.min(stops.len() - l);
            let first = self.rng.random_range(lo..=hi);
            let string: Vec<NeedIdx> = stops[first..first + l]
                .iter()
                .filter(|s| s.fixed.is_none() || self.problem.need(s.need).pinned.is_none())
                .map(|s| s.need)
                .collect();
            ruined.push(ri);
            for n in string {
                let routes = self.at[n.ix()];
                self.remove_need(n);
                ruined.extend(routes.iter().filter(|&&r| r != NONE && r != ri));
                removed.push(n.0);
            }
        }
        let ok = ruined.iter().all(|&ri| self.st.holds(ri as usize));
        ok.then_some(removed)
    }

    /// Inserts the removed needs and unserved needs near `seed`, most important first.
    fn recreate(&mut self, seed: u32, removed: Vec<u32>) {
        let mut pool = removed;
        if self.unserved.len() <= 2 * MEAN_REMOVED {
            pool.extend(
                self.unserved
                    .iter()
                    .filter(|&&n| self.at[n as usize][0] == NONE),
            );
        } else {
            let near: Vec<u32> = self
                .near(seed)
                .iter()
                .copied()
                .filter(|&n| {
                    self.at[n as usize][0] == NONE && self.cands.reason(NeedIdx(n)).is_none()
                })
                .collect();
            pool.extend(near);
            for _ in 0..4 {
                let n = self.unserved[self.rng.random_range(0..self.unserved.len())];
                pool.push(n);
            }
        }
        pool.sort_unstable();
        pool.dedup();
        pool.retain(|&n| self.at[n as usize][0] == NONE);
        let problem = self.problem;
        let here = problem.need_location(NeedIdx(seed));
        let rule = self.rng.random_range(0..10u32);
        let mut keyed: Vec<(u32, i64, u32)> = pool
            .iter()
            .map(|&n| {
                let need = problem.need(NeedIdx(n));
                let k = match rule {
                    0..=3 => self.rng.random_range(0..i64::from(u32::MAX)),
                    4..=6 => -need.load,
                    7..=8 => -problem
                        .travel()
                        .time(1.0, here, problem.need_location(NeedIdx(n))),
                    _ => need.windows.iter().map(|w| w.close - w.open).sum(),
                };
                (u32::MAX - need.priority, k, n)
            })
            .collect();
        keyed.sort_unstable();
        for (_, _, n) in keyed {
            self.insert(NeedIdx(n));
        }
    }

    /// Inserts `n` where it costs least (blinking past some places); false when it
    /// fits nowhere.
    fn insert(&mut self, n: NeedIdx) -> bool {
        let problem = self.problem;
        let slots = self.cands.of(n);
        if problem.need(n).caregivers == 2 {
            let Ok(pair) = self.st.best_pair(slots, n, None) else {
                return false;
            };
            let (ra, rb) = (self.st.route_ix(pair.a.0), self.st.route_ix(pair.b.0));
            self.touch_route(ra);
            self.touch_route(rb);
            self.touch_need(n);
            self.st.apply_pair(n, &pair);
            self.score.cost += pair.a.1.delta + pair.b.1.delta;
            self.at[n.ix()] = [ra as u32, rb as u32];
        } else {
            let rng = &mut self.rng;
            let best = self
                .st
                .best_single(slots, n, None, || rng.random_bool(BLINK));
            let Some(((_, _, slot), ins)) = best else {
                return false;
            };
            let ri = self.st.route_ix(slot);
            self.touch_route(ri);
            self.touch_need(n);
            self.st.apply(slot, n, &ins, None);
            self.score.cost += ins.delta;
            self.at[n.ix()] = [ri as u32, NONE];
        }
        self.score.serve(problem, n, 1);
        true
    }

    fn remove_need(&mut self, n: NeedIdx) {
        self.touch_need(n);
        for ri in self.at[n.ix()] {
            if ri == NONE {
                continue;
            }
            let ri = ri as usize;
            self.touch_route(ri);
            let Some(pos) = self.st.routes[ri].stops().iter().position(|s| s.need == n) else {
                continue;
            };
            let before = self.st.routes[ri].travel;
            self.st.remove(ri, pos);
            self.score.cost += self.st.routes[ri].travel - before;
        }
        self.at[n.ix()] = [NONE; 2];
        self.score.serve(self.problem, n, -1);
    }

    fn touch_route(&mut self, ri: usize) {
        if self.route_stamp[ri] == self.iter {
            return;
        }
        self.route_stamp[ri] = self.iter;
        self.saved_routes
            .push((ri as u32, self.st.routes[ri].clone()));
        let p = self.st.routes[ri].provider();
        if self.prov_stamp[p.ix()] != self.iter {
            self.prov_stamp[p.ix()] = self.iter;
            let (visits, work) = self.st.counters(p);
            self.saved_prov.push((p.0, visits, work));
        }
    }

    fn touch_need(&mut self, n: NeedIdx) {
        if self.need_stamp[n.ix()] != self.iter {
            self.need_stamp[n.ix()] = self.iter;
            self.saved_at.push((n.0, self.at[n.ix()]));
        }
    }

    fn undo(&mut self, score: Score) {
        for (ri, r) in self.saved_routes.drain(..) {
            self.st.routes[ri as usize] = r;
        }
        for (p, v, w) in self.saved_prov.drain(..) {
            self.st.set_counters(crate::model::ProviderIdx(p), v, w);
        }
        for (n, a) in self.saved_at.drain(..) {
            self.at[n as usize] = a;
        }
        self.score = score;
    }

    fn commit(&mut self) {
        for (ri, _) in self.saved_routes.drain(..) {
            if !self.dirty[ri as usize] {
                self.dirty[ri as usize] = true;
                self.dirty_list.push(ri);
            }
        }
        self.saved_prov.clear();
        let changed: Vec<u32> = self.saved_at.drain(..).map(|(n, _)| n).collect();
        // Needs that lost their place join the unserved; served ones leave it.
        for n in changed {
            if self.at[n as usize][0] == NONE {
                self.unserved.push(n);
            }
        }
        self.unserved.sort_unstable();
        self.unserved.dedup();
        let at = &self.at;
        self.unserved.retain(|&n| at[n as usize][0] == NONE);
    }

    fn save_best(&mut self) {
        for ri in self.dirty_list.drain(..) {
            self.best[ri as usize] = self.st.routes[ri as usize].clone();
            self.dirty[ri as usize] = false;
        }
        self.best_score = self.score;
    }

    /// The best plan, with a last insertion pass over the needs it leaves out (which
    /// also gives each its reason).
    fn finish(self) -> Construction {
        let problem = self.problem;
        let mut st = Builder::from_routes(problem, self.best);
        let mut served = vec![false; problem.needs().len()];
        for r in &st.routes {
            for s in r.stops() {
                served[s.need.ix()] = true;
            }
        }
        let order: Vec<NeedIdx> = priority_order(problem, self.cands)
            .into_iter()
            .filter(|n| !served[n.ix()])
            .collect();
        let unassigned = insert_all(problem, self.cands, &mut st, &order);
        Construction {
            routes: st.routes,
            unassigned,
        }
    }
}

/// For every need, up to [`NEIGHBOURS`] other needs nearest to it, nearest first (CSR).
struct Neighbours {
    start: Vec<usize>,
    list: Vec<u32>,
}

impl Neighbours {
    fn of(&self, n: u32) -> &[u32] {
        &self.list[self.start[n as usize]..self.start[n as usize + 1]]
    }

    /// An R-tree on the plane ([`crate::travel::Point::planar`]), or a scan of the
    /// matrix.
    fn new(problem: &Problem) -> Self {
        let (start, list) = neighbours(problem);
        Self { start, list }
    }
}

fn neighbours(problem: &Problem) -> (Vec<usize>, Vec<u32>) {
    use rayon::prelude::*;
    use rstar::primitives::GeomWithData;
    use rstar::RTree;
    let n = problem.needs().len();
    let locs: Vec<&crate::travel::Point> = (0..n as u32)
        .map(|i| problem.need_location(NeedIdx(i)))
        .collect();
    let cos_lat = crate::travel::mean_cos_lat(locs.iter().copied());
    let planar: Option<Vec<[f64; 2]>> = locs.iter().map(|p| p.planar(cos_lat)).collect();
    let lists: Vec<Vec<u32>> = match planar {
        Some(pts) => {
            let tree = RTree::bulk_load(
                pts.iter()
                    .enumerate()
                    .map(|(i, &p)| GeomWithData::new(p, i as u32))
                    .collect(),
            );
            (0..n)
                .into_par_iter()
                .map(|i| {
                    tree.nearest_neighbor_iter(pts[i])
                        .map(|g| g.data)
                        .filter(|&j| j as usize != i)
                        .take(NEIGHBOURS)
                        .collect()
                })
                .collect()
        }
        None => (0..n)
            .into_par_iter()
            .map(|i| {
                let mut all: Vec<(i64, u32)> = (0..n as u32)
                    .filter(|&j| j as usize != i)
                    .map(|j| (problem.travel().time(1.0, locs[i], locs[j as usize]), j))
                    .collect();
                let k = NEIGHBOURS.min(all.len());
                if k < all.len() {
                    all.select_nth_unstable(k);
                    all.truncate(k);
                }
                all.sort_unstable();
                all.into_iter().map(|(_, j)| j).collect()
            })
            .collect(),
    };
    let mut starts = Vec::with_capacity(n + 1);
    starts.push(0);
    let mut flat = Vec::with_capacity(n * NEIGHBOURS);
    for l in lists {
        flat.extend(l);
        starts.push(flat.len());
    }
    (starts, flat)
}
