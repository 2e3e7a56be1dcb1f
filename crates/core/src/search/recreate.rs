//! Recreate: the removed needs, and unserved needs nearby, back in, most important
//! first, each at its cheapest feasible place in its insertion neighbourhood
//! ([`crate::routes::Builder::slots_for`]), skipping a place now and then ("blinks").

use rand::Rng;

use super::ruin::MEAN_REMOVED;
use super::Search;
use crate::model::{day_of, NeedIdx, Slot};
use crate::routes::{InsertKey, Insertion, Unit, UnitMove};

/// Probability of skipping an insertion place.
const BLINK: f64 = 0.01;
/// Probability that a visit of a series goes back among the routes of the day it
/// left.
const STAY_DAY: f64 = 0.8;

impl Search<'_> {
    /// Inserts the removed needs and unserved needs near `seed`, most important first,
    /// in an order drawn at random: random, largest load, farthest from the seed, or
    /// narrowest windows first.
    pub(super) fn recreate(&mut self, seed: u32, removed: Vec<u32>) {
        let mut pool = removed;
        if self.unserved.len() <= 2 * MEAN_REMOVED {
            pool.extend(self.unserved.iter().filter(|&&n| !self.at(n).is_served()));
        } else {
            let near: Vec<u32> = self
                .near(seed)
                .iter()
                .copied()
                .filter(|&n| {
                    !self.at(n).is_served()
                        && self.cands.reason(NeedIdx(n)).is_none()
                        && !self.cands.seated(NeedIdx(n))
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
        pool.retain(|&n| !self.at(n).is_served());
        let problem = self.problem;
        let here = problem.need_location(NeedIdx(seed));
        // Most orders put the most important first; one in six ignores priority —
        // earliest window first, or at random — so that a visit whose start is fixed
        // once placed (a synchronised or linked one) does not always come before an
        // earlier, less important visit that it would then block.
        let rule = self.rng.random_range(0..12u32);
        // With basic_first, the needs of elders served nothing come first.
        let basic = problem.options().basic_first;
        let mut keyed: Vec<(u64, i64, u32)> = pool
            .iter()
            .map(|&n| {
                let need = problem.need(NeedIdx(n));
                let k = match rule {
                    0..=3 | 11 => self.rng.random_range(0..i64::from(u32::MAX)),
                    4..=6 => -need.load,
                    7..=8 => -problem
                        .travel()
                        .time(1.0, here, problem.need_location(NeedIdx(n))),
                    9 => need.windows.iter().map(|w| w.close - w.open).sum(),
                    _ => need.windows.first().map_or(0, |w| w.open),
                };
                let first = if rule >= 10 {
                    0
                } else {
                    u64::from(u32::MAX - need.priority)
                };
                let first = first + (u64::from(basic && self.elder_served(NeedIdx(n))) << 32);
                (first, k, n)
            })
            .collect();
        keyed.sort_unstable();
        for (_, _, n) in keyed {
            // A need of a link already placed with its partner is skipped.
            self.insert(NeedIdx(n));
        }
    }

    /// Inserts the unit of `n` (the need, or its link's needs) where it costs least
    /// (blinking past some places for a lone visit); false when it fits nowhere.
    pub(super) fn insert(&mut self, n: NeedIdx) -> bool {
        let problem = self.problem;
        let unit = Unit::of(problem, n);
        let members = unit.needs(problem);
        if members.iter().any(|&m| self.st.at(m).is_served()) {
            return false;
        }
        let slots: Vec<Vec<Slot>> = members
            .iter()
            .map(|&m| self.st.slots_for(self.cands, self.g.joinable(m), m))
            .collect();
        let places: Vec<(usize, NeedIdx, Option<UnitMove>, Option<Insertion>)> = match unit {
            Unit::Need(n) if problem.need(n).caregivers == 1 => {
                let best = self.best_lone(n, &slots[0]);
                let Some(((_, _, slot), ins)) = best else {
                    return false;
                };
                vec![(self.st.route_ix(slot), n, None, Some(ins))]
            }
            Unit::Need(n) => {
                let Ok(mv) = self
                    .st
                    .best_together(&[(n, &slots[0]), (n, &slots[0])], None)
                else {
                    return false;
                };
                self.move_places(mv)
            }
            Unit::Link(l) => {
                let Ok(mv) = self.st.best_link(l, &slots) else {
                    return false;
                };
                self.move_places(mv)
            }
        };
        for (_, m, ..) in &places {
            self.moved.note(*m);
        }
        for (ri, m, mv, ins) in places {
            match (mv, ins) {
                (Some(mv), _) => self.st.apply_move(&mv),
                (None, Some(ins)) => {
                    let slot = self.st.route(ri).slot;
                    self.st.apply(slot, m, &ins, None);
                }
                (None, None) => {}
            }
        }
        let basic = problem.options().basic_first;
        for (k, &m) in members.iter().enumerate() {
            self.score.serve(problem, m, 1);
            // An elder whose only served needs are these is newly served.
            let e = problem.need(m).elder;
            if basic && !members[..k].iter().any(|&x| problem.need(x).elder == e) {
                let served = self.by_elder[e.ix()]
                    .iter()
                    .filter(|&&x| self.st.at(NeedIdx(x)).is_served())
                    .count();
                let mine = members
                    .iter()
                    .filter(|&&x| problem.need(x).elder == e)
                    .count();
                self.score.elders += i64::from(served == mine);
            }
        }
        self.score.cost = self.st.cost();
        true
    }

    /// The cheapest place for one-carer need `n` among `slots`, blinking past some. A
    /// visit of a series is mostly tried on one day only (several times fewer places
    /// to price): the day it left, where it fits most often, then every day if not;
    /// or, never placed, one of its days at random, and no other this time. One time
    /// in `STAY_DAY`'s complement, every day.
    fn best_lone(&mut self, n: NeedIdx, slots: &[Slot]) -> Option<(InsertKey, Insertion)> {
        let problem = self.problem;
        let one_day = if problem.series_of(n).is_some() && self.rng.random_bool(STAY_DAY) {
            match self.left_on(n) {
                Some(t) => Some((t, true)),
                None => {
                    let ws = problem.need(n).own_windows();
                    let w = ws[self.rng.random_range(0..ws.len())];
                    Some((w.open, false))
                }
            }
        } else {
            None
        };
        let rng = &mut self.rng;
        let mut widen = true;
        if let Some((t, fallback)) = one_day {
            let o = problem.options();
            let day = day_of(o, t);
            let on_day = |s: &&Slot| {
                day_of(
                    o,
                    problem.provider(s.provider).shifts[s.shift as usize].open,
                ) == day
            };
            let today: Vec<Slot> = slots.iter().filter(on_day).copied().collect();
            let best = self
                .st
                .best_single(&today, n, None, || rng.random_bool(BLINK));
            if best.is_some() {
                return best;
            }
            widen = fallback;
        }
        if !widen {
            return None;
        }
        self.st
            .best_single(slots, n, None, || rng.random_bool(BLINK))
    }

    /// The routes and needs a unit move touches, the move itself carried by the first.
    fn move_places(
        &self,
        mv: UnitMove,
    ) -> Vec<(usize, NeedIdx, Option<UnitMove>, Option<Insertion>)> {
        let mut out: Vec<_> = mv
            .places
            .iter()
            .map(|(m, slot, ..)| (self.st.route_ix(*slot), *m, None, None))
            .collect();
        if let Some(first) = out.first_mut() {
            first.2 = Some(mv);
        }
        out
    }
}
