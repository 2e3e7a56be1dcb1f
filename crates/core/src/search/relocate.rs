//! Relocate: move one visit to just before or just after a neighbouring visit, in
//! another route or its own. Between routes the move is checked in O(1): the gap it
//! leaves and the place it takes ([`crate::routes::RouteState::gap`]); within one route
//! the new order is re-timed in O(route).

use super::local::{at_or_end, before, EXACT_TRIES};
use super::{Op, Search};
use crate::model::NeedIdx;
use crate::routes::StopState;

impl Search<'_> {
    /// Moves `u` next to one of its neighbours when that lowers the cost; true when
    /// moved.
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
        let stop = a.stops()[i];
        let by_delta = self.by_delta();
        let mut tried = 0;
        let mut found: Vec<(usize, usize)> = Vec::new();
        'outer: for &v in self.ls_near(u) {
            let Some((rb, j)) = self.anchor(v) else {
                continue;
            };
            for pos in [j, j + 1] {
                if rb == ra {
                    if pos != i && pos != i + 1 {
                        found.push((rb, pos));
                    }
                } else {
                    let b = &self.st.routes[rb];
                    if problem.disqualification(b.provider(), u).is_some() {
                        break;
                    }
                    let (bi, bn) = (before(pos), at_or_end(pos, b.stops().len()));
                    tried += 1;
                    let Some(put) = b.gap(problem, bi, bn, &[stop]) else {
                        continue;
                    };
                    let gain_b = put - b.legs_between(bi, bn);
                    let handed = std::iter::once((u, a.provider(), b.provider()));
                    if by_delta && self.move_cost(gain_a + gain_b, handed) >= 0 {
                        continue;
                    }
                    let changes = [
                        (ra, gain_a, -need.duration, -need.load, -1),
                        (rb, gain_b, need.duration, need.load, 1),
                    ];
                    if self.st.allows(&changes)
                        && self.st.affordable_handover(u, a.provider(), b.provider())
                    {
                        found.push((rb, pos));
                    }
                }
                if (by_delta && !found.is_empty()) || found.len() >= EXACT_TRIES {
                    break 'outer;
                }
            }
        }
        self.moves[Op::Relocate as usize].0 += tried;
        for (rb, pos) in found {
            if self.relocate_to((ra, i), (rb, pos), by_delta) {
                self.moves[Op::Relocate as usize].1 += 1;
                return true;
            }
        }
        false
    }

    /// Moves the stop at `i` of route `ra` to position `pos` of route `rb` (counted
    /// before the move); true when moved. Between routes judged by travel the move
    /// is applied in place (already checked); otherwise the routes are re-timed.
    fn relocate_to(
        &mut self,
        (ra, i): (usize, usize),
        (rb, pos): (usize, usize),
        by_delta: bool,
    ) -> bool {
        if ra != rb && by_delta {
            let stop = self.take(ra, i);
            self.put(rb, stop, pos);
            return true;
        }
        if ra == rb {
            self.moves[Op::Relocate as usize].0 += 1;
            let mut stops: Vec<StopState> = self.st.routes[ra].stops().to_vec();
            let s = stops.remove(i);
            stops.insert(if pos > i { pos - 1 } else { pos }, s);
            return self.try_order(ra, stops);
        }
        let mut sa = self.st.routes[ra].stops().to_vec();
        let mut sb = self.st.routes[rb].stops().to_vec();
        let s = sa.remove(i);
        sb.insert(pos, s);
        self.rewrite(vec![(ra, sa), (rb, sb)])
    }

    /// Replaces route `ri` by the same visits in the order `stops` when that is
    /// feasible and lowers the cost (within `max_work`); true when replaced.
    pub(super) fn try_order(&mut self, ri: usize, stops: Vec<StopState>) -> bool {
        let r = &self.st.routes[ri];
        let Some(new) = crate::routes::RouteState::rebuilt(self.problem, r.slot, stops) else {
            return false;
        };
        let gain = new.travel - r.travel;
        if !self.st.allows(&[(ri, gain, 0, 0, 0)])
            || self.st.cost_if(&[(ri, &new)]) >= self.st.cost()
        {
            return false;
        }
        self.replace(ri, new);
        true
    }
}
