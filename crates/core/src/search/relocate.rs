//! Relocate: move one visit to just before or just after a neighbouring visit, in
//! another route or its own. Between routes the move is checked in O(1): the gap it
//! leaves and the place it takes ([`crate::routes::RouteState::gap`]); within one route
//! the new order is re-timed in O(route).

use super::local::{at_or_end, before};
use super::{Op, Search};
use crate::model::NeedIdx;
use crate::routes::{RouteState, StopState};

impl Search<'_> {
    /// Moves `u` next to one of its neighbours when that lowers travel; true when moved.
    pub(super) fn relocate(&mut self, u: NeedIdx) -> bool {
        let problem = self.problem;
        let Some((ra, i)) = self.locate(u) else {
            return false;
        };
        let need = problem.need(u);
        let a = &self.st.routes[ra];
        let (ai, an) = (before(i), at_or_end(i + 1, a.stops().len()));
        let Some(left) = a.gap(problem, ai, an, &[]) else {
            return false;
        };
        let gain_a = left - a.legs_between(ai, an);
        let mut tried = 0;
        let mut found = None;
        'outer: for &v in self.ls_near(u) {
            let Some((rb, j)) = self.anchor(v) else {
                continue;
            };
            for pos in [j, j + 1] {
                if rb == ra {
                    if pos != i && pos != i + 1 {
                        found = Some((rb, pos));
                        break 'outer;
                    }
                    continue;
                }
                let b = &self.st.routes[rb];
                if problem.disqualification(b.provider(), u).is_some() {
                    break;
                }
                let (bi, bn) = (before(pos), at_or_end(pos, b.stops().len()));
                tried += 1;
                let Some(put) = b.gap(problem, bi, bn, &[u]) else {
                    continue;
                };
                let gain_b = put - b.legs_between(bi, bn);
                if gain_a + gain_b >= 0 {
                    continue;
                }
                let changes = [
                    (ra, gain_a, -need.duration, -need.load, -1),
                    (rb, gain_b, need.duration, need.load, 1),
                ];
                if self.st.allows(&changes) {
                    found = Some((rb, pos));
                    break 'outer;
                }
            }
        }
        self.moves[Op::Relocate as usize].0 += tried;
        match found {
            Some((rb, pos)) if rb == ra => self.relocate_within(ra, i, pos),
            Some((rb, pos)) => {
                self.take(ra, i);
                self.put(rb, u, pos);
                self.moves[Op::Relocate as usize].1 += 1;
                true
            }
            None => false,
        }
    }

    /// Moves the stop at `i` of route `ri` to position `pos` (counted before the move)
    /// when the re-timed route travels less; true when moved.
    fn relocate_within(&mut self, ri: usize, i: usize, pos: usize) -> bool {
        self.moves[Op::Relocate as usize].0 += 1;
        let mut stops: Vec<StopState> = self.st.routes[ri].stops().to_vec();
        let s = stops.remove(i);
        stops.insert(if pos > i { pos - 1 } else { pos }, s);
        self.try_order(ri, stops, Op::Relocate)
    }

    /// Replaces route `ri` by the same visits in the order `stops` when that is feasible
    /// and travels less (within `max_work`); true when replaced.
    pub(super) fn try_order(&mut self, ri: usize, stops: Vec<StopState>, op: Op) -> bool {
        let r = &self.st.routes[ri];
        let Some(new) = RouteState::rebuilt(self.problem, r.slot, stops) else {
            return false;
        };
        let gain = new.travel - r.travel;
        if gain >= 0 || !self.st.allows(&[(ri, gain, 0, 0, 0)]) {
            return false;
        }
        self.replace(ri, new);
        self.moves[op as usize].1 += 1;
        true
    }
}
