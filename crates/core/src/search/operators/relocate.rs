//! Relocate: move one visit to just before or just after a neighbouring visit, in
//! another route or its own. Between routes the move is checked in O(1): the gap it
//! leaves and the place it takes ([`crate::routes::RouteState::gap`]); within one route
//! the new order is re-timed in O(route).

use crate::model::NeedIdx;
use crate::routes::{Handover, Proposal, RouteChange, Stage, StopState};
use crate::search::local::{at_or_end, before};
use crate::search::{Op, Search};

impl Search<'_> {
    /// Moves `u` next to one of its neighbours when that lowers the cost; true when
    /// moved.
    pub(in crate::search) fn relocate(&mut self, u: NeedIdx) -> bool {
        let Some((ra, i)) = self.locate(u) else {
            return false;
        };
        self.operate(
            Op::Relocate,
            |s, scan| s.relocations(u, (ra, i), scan),
            |s, (rb, pos)| s.relocate_to((ra, i), (rb, pos)),
        )
    }

    /// The places next to `u`'s neighbours where `u` (at `i` of route `ra`) could go.
    fn relocations(
        &self,
        u: NeedIdx,
        (ra, i): (usize, usize),
        scan: &mut crate::search::local::Scan<(usize, usize)>,
    ) {
        let problem = self.problem;
        let need = problem.need(u);
        let a = self.st.route(ra);
        let (ai, an) = (before(i), at_or_end(i + 1, a.stops().len()));
        let Some(left) = a.gap(problem, ai, an, &[]) else {
            return;
        };
        let gain_a = left - a.legs_between(ai, an);
        let stop = a.stops()[i];
        for &v in self.ls_near(u) {
            let Some((rb, j)) = self.anchor(v) else {
                continue;
            };
            for pos in [j, j + 1] {
                if rb == ra {
                    if pos != i && pos != i + 1 && scan.keep((rb, pos)) {
                        return;
                    }
                    continue;
                }
                let b = self.st.route(rb);
                if problem.disqualification(b.provider(), u).is_some() {
                    break;
                }
                let (bi, bn) = (before(pos), at_or_end(pos, b.stops().len()));
                scan.tried += 1;
                let Some(put) = b.gap(problem, bi, bn, &[stop]) else {
                    continue;
                };
                let gain_b = put - b.legs_between(bi, bn);
                let changes = [
                    RouteChange::by(ra, gain_a, -need.duration, -need.load, -1),
                    RouteChange::by(rb, gain_b, need.duration, need.load, 1),
                ];
                let handed = [Handover::one(u, a.provider(), b.provider())];
                // Applied in place when judged by its delta: every rule answers now.
                let p = Proposal::new(&changes, &handed);
                if scan.judge(&self.st, &p, Stage::Final) && scan.keep((rb, pos)) {
                    return;
                }
            }
        }
    }

    /// Moves the stop at `i` of route `ra` to position `pos` of route `rb` (counted
    /// before the move); true when moved. Between routes judged by their delta the move
    /// is applied in place (already judged); otherwise the routes are re-timed.
    fn relocate_to(&mut self, (ra, i): (usize, usize), (rb, pos): (usize, usize)) -> bool {
        if ra != rb && self.st.by_delta() {
            let stop = self.take(ra, i);
            self.put(rb, stop, pos);
            return true;
        }
        if ra == rb {
            self.moves[Op::Relocate as usize].0 += 1;
            let mut stops: Vec<StopState> = self.st.route(ra).stops().to_vec();
            let s = stops.remove(i);
            stops.insert(if pos > i { pos - 1 } else { pos }, s);
            return self.try_order(ra, stops);
        }
        let mut sa = self.st.route(ra).stops().to_vec();
        let mut sb = self.st.route(rb).stops().to_vec();
        let s = sa.remove(i);
        sb.insert(pos, s);
        self.rewrite(vec![(ra, sa), (rb, sb)])
    }
}
