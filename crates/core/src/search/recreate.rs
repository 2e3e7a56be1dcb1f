//! Recreate: the removed needs, and unserved needs nearby, back in, most important
//! first, each at its cheapest feasible place in its insertion neighbourhood
//! ([`crate::routes::Builder::slots_for`]), skipping a place now and then ("blinks").

use rand::Rng;

use super::ruin::MEAN_REMOVED;
use super::Search;
use crate::model::NeedIdx;
use crate::routes::NONE;

/// Probability of skipping an insertion place.
const BLINK: f64 = 0.01;

impl Search<'_> {
    /// Inserts the removed needs and unserved needs near `seed`, most important first,
    /// in an order drawn at random: random, largest load, farthest from the seed, or
    /// narrowest windows first.
    pub(super) fn recreate(&mut self, seed: u32, removed: Vec<u32>) {
        let mut pool = removed;
        if self.unserved.len() <= 2 * MEAN_REMOVED {
            pool.extend(self.unserved.iter().filter(|&&n| self.at(n)[0] == NONE));
        } else {
            let near: Vec<u32> = self
                .near(seed)
                .iter()
                .copied()
                .filter(|&n| self.at(n)[0] == NONE && self.cands.reason(NeedIdx(n)).is_none())
                .collect();
            pool.extend(near);
            for _ in 0..4 {
                let n = self.unserved[self.rng.random_range(0..self.unserved.len())];
                pool.push(n);
            }
        }
        pool.sort_unstable();
        pool.dedup();
        pool.retain(|&n| self.at(n)[0] == NONE);
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
    pub(super) fn insert(&mut self, n: NeedIdx) -> bool {
        let problem = self.problem;
        let slots = self.st.slots_for(self.cands, self.g.joinable(n), n);
        if problem.need(n).caregivers == 2 {
            let Ok(pair) = self.st.best_pair(&slots, n, None) else {
                return false;
            };
            let (ra, rb) = (self.st.route_ix(pair.a.0), self.st.route_ix(pair.b.0));
            self.touch_route(ra);
            self.touch_route(rb);
            self.touch_need(n);
            self.st.apply_pair(n, &pair);
            self.score.cost += pair.a.1.delta + pair.b.1.delta;
        } else {
            let rng = &mut self.rng;
            let best = self
                .st
                .best_single(&slots, n, None, || rng.random_bool(BLINK));
            let Some(((_, _, slot), ins)) = best else {
                return false;
            };
            let ri = self.st.route_ix(slot);
            self.touch_route(ri);
            self.touch_need(n);
            self.st.apply(slot, n, &ins, None);
            self.score.cost += ins.delta;
        }
        self.score.serve(problem, n, 1);
        true
    }
}
