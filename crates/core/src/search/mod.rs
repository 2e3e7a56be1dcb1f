//! Improvement of a construction: ruin and recreate with local search, under the
//! spec's objective.
//!
//! Each iteration removes a few strings of consecutive visits from routes near a
//! random seed visit (slack induction by string removals, after Christiaens and
//! Vanden Berghe, 2020; `ruin.rs`), then re-inserts the removed needs, and unserved
//! needs nearby, most important first, each at its cheapest feasible place, skipping a
//! place now and then ("blinks"; `recreate.rs`). Where a need may go is its insertion
//! neighbourhood ([`crate::routes::Builder::slots_for`]): the routes serving its
//! nearest needs by travel and time-window compatibility ([`crate::neighbours`]), one
//! empty route of each route profile, and the routes of its candidate slots. Then,
//! when the plan could still be kept ([`LS_MARGIN`]), local search (`local.rs`)
//! improves what the iteration moved with relocate, swap and 2-opt* moves between
//! neighbouring visits, and a plan
//! about to become the best one with or-opt and SWAP* too (one file each), each
//! evaluated in O(1) or O(k) on the routes' segment data ([`crate::routes`]) and
//! applied only when it lowers the cost.
//!
//! Over a horizon with carer changes priced, continuity has moves of its own: some
//! ruins take out every visit of a few elders (`ruin.rs`); the local search hands a
//! visit of an elder's lesser carer to another of its carers (`familiar.rs`), and so
//! does a pass over every visit each 1,000 iterations once the local search runs; and
//! each team's routes are handed among its carers every 1,000 iterations
//! (`reassign.rs`).
//!
//! A result with more served priority, or as much priority and more served needs, is
//! always kept; one with as much of both is kept by simulated annealing on the cost;
//! anything serving less is undone. The best plan seen is returned.
//!
//! Every move goes through the routes' rules and the builder's limits, so every
//! intermediate plan is feasible; a removal that breaks a route (travel without the
//! triangle inequality) is undone. Pinned and synchronised visits, and `together` links,
//! are never moved by the local search (a `sequence`'s visits, kept to windows that
//! keep its gap, are); ruin and recreate moves a two-carer need as a pair at one common
//! start and never moves a pin.
//!
//! How long: by default in rounds ([`Budget::Rounds`]). The first round cools from hot
//! to cold over `clamp(100 × needs, 1,000, 1,000,000)` iterations; a round that found a
//! better plan earns another, twice as long, hot again from the plan it left; the search
//! stops after a round that found none — a search that still improves goes on, a stuck
//! one stops, and the reheat is its diversification. `options.iterations` gives a fixed
//! count instead ([`Budget::Fixed`], one cooling). A round cools over its iterations or
//! over the time left when it began, whichever is shorter.
//!
//! Parallelism and determinism: one search runs per thread, each sequential and seeded
//! from `options.seed` and its thread number, and the best plan wins. Once a round
//! has cooled part of the way, the searches meet every few thousand iterations
//! (`exchange.rs`): each hands in its best plan, and one whose best is worse goes on
//! from the best handed in. Each stops by its budget or at the deadline, whichever
//! comes first. When the budget ends it, the same input, seed and thread count give
//! the same plan (the meetings are counted in iterations); a deadline that cuts the
//! search short makes the plan depend on the machine. [`Stats::stopped_by_time`] says
//! which happened.

mod exchange;
mod local;
mod operators;
mod recreate;
mod ruin;
#[cfg(test)]
mod tests;

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use crate::baseline::{insert_one, priority_order};
use crate::feasibility::Candidates;
use crate::model::{Budget, NeedIdx, Problem};
use crate::neighbours::Neighbours;
use crate::objective::Score;
use crate::routes::{Builder, Construction, RouteState, StopState, Teams};

use exchange::{Exchange, Party, EPOCH, MEET_FROM};
use operators::reassign;

/// Share of iterations that ruin by elder where a rule prices who serves an elder
/// (see `ruin.rs`).
const ELDER_RUIN: f64 = 0.3;

/// Per elder, its needs, where a rule prices who serves an elder across visits and
/// days ([`Builder::per_elder`]) or the objective counts elders served
/// (`basic_first`); else empty.
fn needs_by_elder(problem: &Problem, per_elder: bool) -> Vec<Vec<u32>> {
    if !per_elder && !problem.options().basic_first {
        return Vec::new();
    }
    let mut out = vec![Vec::new(); problem.elders().len()];
    for (i, n) in problem.needs().iter().enumerate() {
        out[n.elder.ix()].push(i as u32);
    }
    out
}

/// Iterations between two passes of route hand-overs within teams (`reassign.rs`).
const REASSIGN_EVERY: u64 = 1_000;

/// Iterations between two passes of familiar moves over every visit, once the local
/// search runs (`familiar.rs`).
const FAMILIAR_EVERY: u64 = 1_000;

/// Passes of route hand-overs on the plan a search returns, at most.
const REASSIGN_ROUNDS: usize = 8;

/// The local search runs on an iteration's plan only while that plan could still be
/// kept: its cost at most the annealing's bar plus this many temperatures, or plus
/// the local search's mean gain when that is more. A plan far above the bar is
/// undone whatever the local search does to it. Measured on generated home-care
/// days of 50–300 patients at fixed iterations: plans as good (mean cost within
/// 0.05 %) in 25–40 % less time.
const LS_MARGIN: f64 = 2.0;

/// Weight of the newest gain in the local search's mean gain ([`LS_MARGIN`]).
const LS_GAIN_WEIGHT: f64 = 0.02;

/// Iterations without serving more after which the local search starts.
const SETTLED: u64 = 2_000;

/// [`SETTLED`] over a horizon with carer changes priced (measured on generated weeks
/// of 2,000 elders: from 2,000 to 500, about 2 % less travel and 1-3 % fewer carer
/// changes).
const SETTLED_PRICED: u64 = 500;

/// The search's operators, in the order `summary.search.operators` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// One ruin-and-recreate iteration.
    RuinRecreate,
    /// Move one visit next to a neighbour.
    Relocate,
    /// Exchange two neighbouring visits of two routes.
    Swap,
    /// Move a string of two or three visits next to a neighbour.
    OrOpt,
    /// Exchange the tails of two routes.
    TwoOptStar,
    /// Exchange two visits of two routes, each at its best place in the other.
    SwapStar,
    /// Hand one team's routes among its carers (`reassign.rs`): one try per team.
    Reassign,
    /// Hand a visit to another of its elder's carers (`familiar.rs`).
    Familiar,
}

impl Op {
    /// Every operator.
    pub(crate) const ALL: [Op; 8] = [
        Op::RuinRecreate,
        Op::Relocate,
        Op::Swap,
        Op::OrOpt,
        Op::TwoOptStar,
        Op::SwapStar,
        Op::Reassign,
        Op::Familiar,
    ];

    /// The operator's name in `summary.search.operators`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Op::RuinRecreate => "ruin_recreate",
            Op::Relocate => "relocate",
            Op::Swap => "swap",
            Op::OrOpt => "or_opt",
            Op::TwoOptStar => "two_opt_star",
            Op::SwapStar => "swap_star",
            Op::Reassign => "reassign",
            Op::Familiar => "familiar",
        }
    }
}

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
    /// Whether the exact polish proved the plan optimal ([`crate::exact`]).
    pub optimal: bool,
    /// Coolings the winning search began ([`Budget::Rounds`]; 1 with a fixed budget).
    pub rounds: u64,
    /// Per operator ([`Op::ALL`]): moves tried and moves applied (for ruin and
    /// recreate: iterations and accepted iterations), summed over the searches.
    pub moves: [(u64, u64); Op::ALL.len()],
}

/// The per-operator figures of `stats`, as `summary.search.operators` lists them.
pub(crate) fn operators(stats: &Stats) -> Vec<crate::wire::OperatorStats> {
    Op::ALL
        .iter()
        .zip(stats.moves)
        .map(|(op, (tried, applied))| crate::wire::OperatorStats {
            name: op.name().to_owned(),
            tried,
            applied,
        })
        .collect()
}

/// Improves `built` until its `budget` is spent or `deadline` has passed, and returns
/// the best plan found with the reasons of the needs it leaves out
/// (recomputed: a last insertion pass tries each once more).
///
/// One search runs per thread of the current rayon pool (each on a thread of its own,
/// as they wait for each other at their meetings), each from `built` with its own seed
/// (the first with `options.seed` itself); they share their best plans as they go
/// (`exchange.rs`), and the best plan wins (ties to the lower thread): the result
/// depends on the seed and the thread count only.
pub(crate) fn improve(
    problem: &Problem,
    cands: &Candidates,
    g: &Neighbours,
    built: Construction,
    budget: Budget,
    until: Until<'_>,
    observer: &crate::progress::Observer<'_>,
) -> (Construction, Stats) {
    let runs = rayon::current_num_threads().max(1) as u64;
    let deadline = until.deadline;
    if until.reached() {
        // No time left: the construction as it is (its reasons are final).
        let stats = Stats {
            runs,
            stopped_by_time: true,
            ..Stats::default()
        };
        return (built, stats);
    }
    let seed = problem.options().seed;
    // A small plain day is polished exactly after the search, which then has a third
    // of the time left (it ends by itself long before on most small days). Measured on
    // 6–12-patient days with linked visits at 1 s (benches/healthcare_peers.py
    // --exact): a half left the polish short on the hardest, a quarter the search.
    let day = crate::exact::day(problem, cands);
    let now = Instant::now();
    let search_until = Until {
        deadline: match day {
            Some(_) => now + deadline.saturating_duration_since(now) / 3,
            None => deadline,
        },
        ..until
    };
    // Teams matter where a rule prices who serves an elder.
    let teams = if Builder::new(problem).per_elder() {
        Teams::new(problem)
    } else {
        Teams::default()
    };
    // The searches meet every EPOCH iterations (`exchange.rs`); with one, none.
    let exchange = (runs > 1).then(|| Exchange::new(runs as usize));
    let work = |i: u64| {
        // Distinct, well-spread seeds; the first search uses the seed as given.
        let seed = seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut s = Search::new(problem, cands, built.clone(), g, &teams, seed);
        let party = exchange.as_ref().map(|exchange| Party {
            exchange,
            me: i as usize,
        });
        // The first search tells the observer of its new best plans.
        let stats = s.run(
            budget,
            search_until,
            (i == 0).then_some(observer),
            party.as_ref(),
        );
        drop(party);
        let plan = s.finish(search_until.deadline);
        let score = plan.score(problem);
        (plan, stats, score)
    };
    // One OS thread per search, as they wait for each other at their meetings.
    let results: Vec<(Construction, Stats, Score)> = std::thread::scope(|sc| {
        let others: Vec<_> = (1..runs).map(|i| sc.spawn(move || work(i))).collect();
        let mut results = vec![work(0)];
        for h in others {
            results.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        results
    });
    let mut total = Stats {
        runs,
        ..Stats::default()
    };
    let mut best: Option<(Construction, Score)> = None;
    for (plan, stats, key) in results {
        total.iterations += stats.iterations;
        total.stopped_by_time |= stats.stopped_by_time;
        for (t, s) in total.moves.iter_mut().zip(stats.moves) {
            t.0 += s.0;
            t.1 += s.1;
        }
        if best.as_ref().is_none_or(|(_, k)| key > *k) {
            total.improvements = stats.improvements;
            total.rounds = stats.rounds;
            best = Some((plan, key));
        }
    }
    let mut plan = best.map_or(built, |(plan, _)| plan);
    if let Some(day) = day.filter(|_| !until.reached()) {
        let polish = crate::exact::polish(problem, &day, &plan, deadline);
        total.optimal = polish.proven;
        total.stopped_by_time |= polish.timed_out;
        plan = polish.better.unwrap_or(plan);
    }
    (plan, total)
}

/// The best plan a search has seen, and the routes changed since it was saved.
struct Best {
    routes: Vec<RouteState>,
    score: Score,
    dirty: Vec<bool>,
    changed: Vec<u32>,
}

/// The visits moved in the current iteration, in the order first moved: where the
/// local search looks.
struct Moved {
    list: Vec<u32>,
    stamp: Vec<u64>,
    now: u64,
}

impl Moved {
    /// A new iteration: nothing moved yet.
    fn begin(&mut self) {
        self.now += 1;
        self.list.clear();
    }

    /// Visit `n` moved.
    fn note(&mut self, n: NeedIdx) {
        if self.stamp[n.ix()] != self.now {
            self.stamp[n.ix()] = self.now;
            self.list.push(n.0);
        }
    }
}

/// One sequential search: the current plan (its routes and books in a
/// [`Builder`], which also takes an iteration back), the best one, and what the
/// search itself needs.
pub(super) struct Search<'a> {
    problem: &'a Problem,
    cands: &'a Candidates,
    g: &'a Neighbours,
    /// The teams whose routes may be handed between carers (`operators/reassign.rs`).
    teams: &'a Teams,
    st: Builder<'a>,
    score: Score,
    /// Needs unserved in the current plan that some slot may serve.
    unserved: Vec<u32>,
    /// The construction's unserved needs, with its reasons.
    built_reasons: std::collections::HashMap<NeedIdx, (crate::wire::Reason, String)>,
    best: Best,
    moved: Moved,
    /// A stamp per need, for de-duplicating lists.
    need_seen: Vec<u64>,
    seen_stamp: u64,
    rng: Pcg64Mcg,
    moves: [(u64, u64); Op::ALL.len()],
    /// Whether a rule prices who serves an elder ([`Builder::per_elder`]): the elder
    /// ruin, familiar moves and team hand-overs run.
    per_elder: bool,
    /// Per elder, its needs (every visit), when `per_elder`: for the elder ruin.
    by_elder: Vec<Vec<u32>>,
    /// Per need over a horizon, the shift opening of the route it last left
    /// (`i64::MIN`: none): most re-insertions stay on that day. Empty otherwise.
    left_day: Vec<i64>,
    /// What the local search took off an iteration's cost, as an exponential mean
    /// ([`LS_GAIN_WEIGHT`]): how far above the bar a plan may be and still be worth it.
    ls_gain: f64,
}

impl<'a> Search<'a> {
    fn new(
        problem: &'a Problem,
        cands: &'a Candidates,
        built: Construction,
        g: &'a Neighbours,
        teams: &'a Teams,
        seed: u64,
    ) -> Self {
        let mut st = Builder::from_routes(problem, built.routes);
        st.at_venues(cands);
        let n = problem.needs().len();
        let unserved = built
            .unassigned
            .iter()
            .filter(|u| cands.reason(u.0).is_none())
            .map(|u| u.0 .0)
            .collect();
        let built_reasons = built
            .unassigned
            .iter()
            .map(|u| (u.0, (u.1, u.2.clone())))
            .collect();
        let score = Score::of(
            problem,
            (0..n as u32).map(NeedIdx).filter(|&i| st.at(i).is_served()),
            st.cost(),
        );
        let routes = st.routes().len();
        let per_elder = st.per_elder();
        Self {
            problem,
            cands,
            g,
            teams,
            best: Best {
                routes: st.routes().to_vec(),
                score,
                dirty: vec![false; routes],
                changed: Vec::new(),
            },
            st,
            score,
            unserved,
            built_reasons,
            moved: Moved {
                list: Vec::new(),
                stamp: vec![0; n],
                now: 0,
            },
            need_seen: vec![0; n],
            seen_stamp: 0,
            rng: Pcg64Mcg::seed_from_u64(seed),
            moves: [(0, 0); Op::ALL.len()],
            per_elder,
            by_elder: needs_by_elder(problem, per_elder),
            left_day: if problem.has_horizon() {
                vec![i64::MIN; n]
            } else {
                Vec::new()
            },
            ls_gain: 0.0,
        }
    }

    fn near(&self, n: u32) -> &'a [u32] {
        self.g.of(NeedIdx(n))
    }

    /// The routes serving need `n`.
    fn at(&self, n: u32) -> crate::routes::Serving {
        self.st.at(NeedIdx(n))
    }

    /// Counts a move of `op` tried (and applied when `applied`).
    fn count(&mut self, op: Op, applied: bool) {
        let m = &mut self.moves[op as usize];
        m.0 += 1;
        m.1 += u64::from(applied);
    }

    fn run(
        &mut self,
        budget: Budget,
        until: Until<'_>,
        observer: Option<&crate::progress::Observer<'_>>,
        party: Option<&Party<'_>>,
    ) -> Stats {
        let mut stats = Stats::default();
        let n = self.problem.needs().len() as u32;
        if n == 0 || budget.first() == 0 {
            return stats;
        }
        let mut clock = Clock::new(self, budget.first(), until);
        stats.rounds = 1;
        let mut since_gain: u64 = 0;
        // Where a rule prices who serves an elder, the served set grows a visit at a
        // time for long, and the familiar moves are worth starting early.
        let settled_after = if self.per_elder {
            SETTLED_PRICED
        } else {
            SETTLED
        };
        let mut gains_before_round = 0;
        loop {
            if clock.cooled(stats.iterations) {
                // A round that found a better plan earns a longer one; one that found
                // none ends the search, as does the end of a fixed budget.
                let gained = stats.improvements > gains_before_round;
                if !matches!(budget, Budget::Rounds(_)) || !gained {
                    break;
                }
                gains_before_round = stats.improvements;
                clock.reheat(stats.iterations);
                stats.rounds += 1;
            }
            let Some(temperature) = clock.temperature(stats.iterations) else {
                stats.stopped_by_time = true;
                break;
            };
            stats.iterations += 1;
            self.step(
                &mut stats,
                n,
                (settled_after, &mut since_gain),
                temperature,
                observer,
            );
            // The searches meet once they have cooled some way (before, each
            // explores on its own), every EPOCH iterations.
            let meets = stats.iterations % EPOCH == 0 && clock.cooling(temperature) >= MEET_FROM;
            if let Some(party) = party.filter(|_| meets) {
                self.meet(party, stats.iterations / EPOCH);
            }
        }
        stats.moves = self.moves;
        stats
    }

    /// One iteration at `temperature`, kept or undone; `settled` is
    /// ([`SETTLED`] or [`SETTLED_PRICED`], iterations since the served set last grew).
    fn step(
        &mut self,
        stats: &mut Stats,
        n: u32,
        (settled_after, since_gain): (u64, &mut u64),
        temperature: f64,
        observer: Option<&crate::progress::Observer<'_>>,
    ) {
        if !self.teams.is_empty() && stats.iterations % REASSIGN_EVERY == 1 {
            self.reassign();
        }
        let settled = self.unserved.is_empty() || *since_gain >= settled_after;
        if stats.iterations % FAMILIAR_EVERY == 0 && settled {
            self.familiar_sweep();
        }
        let before = self.score;
        let Some(bar) = self.iterate(n, (settled_after, *since_gain), temperature) else {
            self.undo(before);
            self.count(Op::RuinRecreate, false);
            return;
        };
        let accept = self.accepts(before, bar);
        self.count(Op::RuinRecreate, accept);
        self.st.debug_assert_at();
        if !accept {
            self.undo(before);
            self.st.debug_assert_at();
            *since_gain += 1;
            return;
        }
        if self.score.service() > before.service() {
            *since_gain = 0;
        } else {
            *since_gain += 1;
        }
        self.commit();
        if self.score > self.best.score {
            stats.improvements += 1;
            self.save_best();
            if let Some(tell) = observer {
                tell(crate::progress::Progress::Best {
                    iterations: stats.iterations,
                    score: self.best.score.to_wire(self.problem, 0),
                });
            }
        }
    }

    /// One iteration's moves: a ruin around a random visit, the recreate, and — once
    /// the served set has settled, and when the plan serves more or could still be
    /// kept ([`LS_MARGIN`]) — the local search. `None` when the ruin broke a route
    /// (the caller undoes it); else the annealing's bar at `temperature` when the
    /// plan serves as much as before (drawn then, and only then), `Some(None)` when
    /// it serves more or less.
    fn iterate(
        &mut self,
        n: u32,
        (settled_after, since_gain): (u64, u64),
        temperature: f64,
    ) -> Option<Option<f64>> {
        let before = self.score;
        self.begin();
        let seed = self.rng.random_range(0..n);
        let by_elder = self.per_elder && self.rng.random_bool(ELDER_RUIN);
        let ruined = if by_elder {
            self.ruin_elders(seed)
        } else {
            self.ruin(seed)
        };
        let removed = ruined?;
        self.recreate(seed, removed);
        // Local search lowers the cost of what is served. It runs once the served
        // set has settled (everything servable is served, or SETTLED iterations
        // found no more to serve): before that, ruin and recreate iterations are
        // worth more. A plan that serves less is undone whatever its travel.
        let settled = self.unserved.is_empty() || since_gain >= settled_after;
        let bar = (self.score.service() == before.service()).then(|| self.bar(before, temperature));
        let worth = bar.map(|bar| bar + (LS_MARGIN * temperature).max(self.ls_gain));
        let hopeful = self.score.service() > before.service()
            || worth.is_some_and(|w| self.score.cost as f64 <= w);
        if settled && self.score.service() >= before.service() && hopeful {
            let recreated = self.score.cost;
            self.local_search(false);
            let gain = (recreated - self.score.cost) as f64;
            self.ls_gain += LS_GAIN_WEIGHT * (gain - self.ls_gain);
            if self.score > self.best.score {
                // A new best: the deeper moves too, before it is kept.
                self.local_search(true);
            }
        }
        Some(bar)
    }

    /// The simulated annealing's bar at `temperature` for a plan of as much service
    /// as `before`: its cost plus a random draw, `-temperature · ln u`.
    fn bar(&mut self, before: Score, temperature: f64) -> f64 {
        let u: f64 = self.rng.random();
        before.cost as f64 - temperature * u.max(1e-12).ln()
    }

    /// Whether the plan as it is now is kept against `before`: more served priority
    /// (or as much and more served needs) always, as much of both when its cost is
    /// below `bar` ([`Search::bar`], drawn for such a plan).
    fn accepts(&self, before: Score, bar: Option<f64>) -> bool {
        let (a, b) = (self.score, before);
        if a.service() != b.service() {
            a.service() > b.service()
        } else {
            bar.is_some_and(|bar| (a.cost as f64) < bar)
        }
    }

    /// Takes the visit at `pos` of route `ri` out (a one-carer need, or one carer of
    /// a pair when the caller moves the other too), keeping the books.
    fn take(&mut self, ri: usize, pos: usize) -> StopState {
        let n = self.st.route(ri).stops()[pos].need;
        self.moved.note(n);
        let stop = self.st.remove(ri, pos);
        self.score.cost = self.st.cost();
        stop
    }

    /// Puts the stop of a one-carer need at `pos` of route `ri` (a feasible place, its
    /// start kept as the stop says), keeping the books.
    fn put(&mut self, ri: usize, stop: StopState, pos: usize) {
        self.moved.note(stop.need);
        self.st.place(ri, stop, pos);
        self.score.cost = self.st.cost();
    }

    /// Replaces route `ri` by `route` (same slot, the same needs overall across the
    /// routes the caller replaces), keeping the books.
    fn replace(&mut self, ri: usize, route: RouteState) {
        self.st.set_route(ri, route);
        self.score.cost = self.st.cost();
    }

    /// Removes need `n` from every route serving it.
    fn remove_need(&mut self, n: NeedIdx) {
        self.moved.note(n);
        for ri in self.st.at(n).routes() {
            let Some(pos) = self.st.route(ri).stops().iter().position(|s| s.need == n) else {
                continue;
            };
            self.st.remove(ri, pos);
            if let Some(day) = self.left_day.get_mut(n.ix()) {
                *day = self.st.route(ri).shift.open;
            }
        }
        self.score.cost = self.st.cost();
        self.score.serve(self.problem, n, -1);
        if self.problem.options().basic_first && !self.elder_served(n) {
            self.score.elders -= 1;
        }
    }

    /// With `basic_first`, whether need `n`'s elder has a need served.
    fn elder_served(&self, n: NeedIdx) -> bool {
        let e = self.problem.need(n).elder;
        self.by_elder[e.ix()]
            .iter()
            .any(|&m| self.st.at(NeedIdx(m)).is_served())
    }

    /// The day (as its route's shift opening) visit `n` of a series last left, if any.
    fn left_on(&self, n: NeedIdx) -> Option<i64> {
        self.left_day
            .get(n.ix())
            .copied()
            .filter(|&t| t != i64::MIN)
    }

    /// Begins a change the search may take back ([`Search::undo`]) or keep
    /// ([`Search::commit`]).
    fn begin(&mut self) {
        self.st.checkpoint();
        self.moved.begin();
    }

    /// Takes the change since [`Search::begin`] back; the score was `score`.
    fn undo(&mut self, score: Score) {
        self.st.rollback();
        self.score = score;
    }

    /// Keeps the change since [`Search::begin`].
    fn commit(&mut self) {
        let touched = self.st.commit();
        for ri in touched.routes {
            if !self.best.dirty[ri as usize] {
                self.best.dirty[ri as usize] = true;
                self.best.changed.push(ri);
            }
        }
        // Needs that lost their place join the unserved; served ones leave it.
        for n in touched.needs {
            if !self.at(n).is_served() {
                self.unserved.push(n);
            }
        }
        self.unserved.sort_unstable();
        self.unserved.dedup();
        let st = &self.st;
        self.unserved.retain(|&n| !st.at(NeedIdx(n)).is_served());
    }

    /// Meeting `meeting` of the searches side by side (`exchange.rs`): hands in the
    /// best plan, and goes on from the best handed in when it is better.
    fn meet(&mut self, party: &Party<'_>, meeting: u64) {
        let Some((score, routes)) =
            party
                .exchange
                .meet(party.me, meeting, self.best.score, &self.best.routes)
        else {
            return;
        };
        let problem = self.problem;
        let mut st = Builder::from_routes(problem, routes);
        st.at_venues(self.cands);
        self.st = st;
        let n = problem.needs().len() as u32;
        let served = |i: &u32| self.st.at(NeedIdx(*i)).is_served();
        self.score = Score::of(problem, (0..n).filter(served).map(NeedIdx), self.st.cost());
        debug_assert_eq!(self.score, score);
        self.unserved = (0..n)
            .filter(|i| !served(i) && self.cands.reason(NeedIdx(*i)).is_none())
            .collect();
        for (b, r) in self.best.routes.iter_mut().zip(self.st.routes()) {
            b.clone_from(r);
        }
        self.best.dirty.fill(false);
        self.best.changed.clear();
        self.best.score = self.score;
    }

    fn save_best(&mut self) {
        for ri in self.best.changed.drain(..) {
            self.best.routes[ri as usize].clone_from(self.st.route(ri as usize));
            self.best.dirty[ri as usize] = false;
        }
        self.best.score = self.score;
    }

    /// The best plan, with a last insertion pass over the needs it leaves out (which
    /// also gives each its reason). Needs the construction left out too keep its reason
    /// once `deadline` has passed; the others are always tried.
    fn finish(self, deadline: Instant) -> Construction {
        let problem = self.problem;
        let mut st = Builder::from_routes(problem, self.best.routes);
        st.at_venues(self.cands);
        for _ in 0..REASSIGN_ROUNDS {
            if !reassign::reassign_all(&mut st, self.teams) {
                break;
            }
        }
        let mut unassigned = Vec::new();
        let mut late = false;
        for (k, n) in priority_order(problem, self.cands).into_iter().enumerate() {
            if st.at(n).is_served() {
                continue;
            }
            late = late || (k % 256 == 0 && Instant::now() >= deadline);
            match self.built_reasons.get(&n) {
                Some(why) if late => unassigned.push((n, why.0, why.1.clone())),
                _ => unassigned.extend(insert_one(problem, self.cands, self.g, &mut st, n)),
            }
        }
        unassigned.sort_by_key(|u| u.0);
        unassigned.dedup_by_key(|u| u.0);
        Construction {
            routes: st.into_routes(),
            unassigned,
        }
    }
}

/// When a search ends at the latest: its deadline, or as soon as `stop` is set.
#[derive(Clone, Copy)]
pub(crate) struct Until<'a> {
    /// The deadline.
    pub(crate) deadline: Instant,
    /// Set to stop now.
    pub(crate) stop: &'a std::sync::atomic::AtomicBool,
}

impl Until<'_> {
    /// Whether the search must end now.
    fn reached(&self) -> bool {
        self.stop.load(std::sync::atomic::Ordering::Relaxed) || Instant::now() >= self.deadline
    }
}

/// The search's clock: its iterations and deadline, and the annealing temperatures
/// (relative to the mean leg of the construction — its cost but the workload terms,
/// [`crate::objective::scale`] — from two legs down to a fiftieth of one). A round
/// cools over its iterations or the time left when it began, whichever ends first;
/// [`Clock::reheat`] begins the next, twice as long.
struct Clock<'a> {
    /// Iterations of the current round.
    iterations: u64,
    /// Iterations done when the current round began.
    begun: u64,
    started: Instant,
    until: Until<'a>,
    budget: f64,
    t0: f64,
    t1: f64,
}

impl<'a> Clock<'a> {
    fn new(s: &Search<'_>, iterations: u64, until: Until<'a>) -> Self {
        let (started, deadline) = (Instant::now(), until.deadline);
        let legs = (s.score.served as f64 + s.st.routes().len() as f64).max(1.0);
        let scale = crate::objective::scale(s.problem, &s.st.terms());
        let mean_leg = (scale as f64 / legs).max(1.0);
        Self {
            iterations,
            begun: 0,
            started,
            until,
            budget: deadline.saturating_duration_since(started).as_secs_f64(),
            t0: 2.0 * mean_leg,
            t1: 0.02 * mean_leg,
        }
    }

    /// Whether the current round has run its iterations, `done` in all.
    fn cooled(&self, done: u64) -> bool {
        done - self.begun >= self.iterations
    }

    /// Begins the next round, twice as long as the last, after `done` iterations in
    /// all: hot again, cooling over its iterations or the time left.
    fn reheat(&mut self, done: u64) {
        self.begun = done;
        self.iterations = self.iterations.saturating_mul(2);
        self.started = Instant::now();
        self.budget = self
            .until
            .deadline
            .saturating_duration_since(self.started)
            .as_secs_f64();
    }

    /// How far the current round has cooled at `temperature`: 0 hot, 1 cold (on the
    /// temperature's log scale).
    fn cooling(&self, temperature: f64) -> f64 {
        (temperature / self.t0).ln() / (self.t1 / self.t0).ln()
    }

    /// The temperature after `done` iterations, or `None` once the deadline has passed.
    fn temperature(&self, done: u64) -> Option<f64> {
        let now = Instant::now();
        if now >= self.until.deadline || self.until.stop.load(std::sync::atomic::Ordering::Relaxed)
        {
            return None;
        }
        let by_iter = (done - self.begun) as f64 / self.iterations as f64;
        let by_time = if self.budget > 0.0 {
            now.duration_since(self.started).as_secs_f64() / self.budget
        } else {
            1.0
        };
        Some(self.t0 * (self.t1 / self.t0).powf(by_iter.max(by_time).min(1.0)))
    }
}
