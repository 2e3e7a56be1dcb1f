//! SWAP* (after Vidal, 2022): exchange a visit with a neighbouring visit of another
//! route, each going to its best place in the other route rather than into the
//! other's place. A place away from the visit that leaves is checked in O(1) on the
//! route as it is (a feasible insertion stays feasible once a visit is taken out);
//! the other's own place exactly ([`crate::routes::RouteState::gap`]). The best places
//! are found by scanning the route, O(route) per pair; the two routes are then
//! re-timed exactly before the move is applied.

use super::local::{at_or_end, before, EXACT_TRIES};
use super::{Op, Search};
use crate::model::{NeedIdx, Problem};
use crate::routes::{RouteState, StopState};

/// The best place for `x` in `r` once the stop at `j` has left it: the travel change
/// of the whole exchange on `r` (taking `j` out, putting `x` in) and the position in
/// the route without `j`.
fn best_place(problem: &Problem, r: &RouteState, j: usize, x: StopState) -> Option<(i64, usize)> {
    let len = r.stops().len();
    let (bj, nj) = (before(j), at_or_end(j + 1, len));
    let here = r.legs_between(bj, nj);
    let mut best = r.gap(problem, bj, nj, &[x]).map(|t| (t - here, j));
    let out = r.gap(problem, bj, nj, &[])? - here;
    for pos in (0..=len).filter(|&p| p != j && p != j + 1) {
        let (bp, np) = (before(pos), at_or_end(pos, len));
        if let Some(t) = r.gap(problem, bp, np, &[x]) {
            let delta = out + t - r.legs_between(bp, np);
            if best.is_none_or(|b| delta < b.0) {
                best = Some((delta, if pos > j { pos - 1 } else { pos }));
            }
        }
    }
    best
}

impl Search<'_> {
    /// Exchanges `u` with one of its neighbours, each at its best place in the other's
    /// route, when that lowers the cost; true when exchanged.
    pub(super) fn swap_star(&mut self, u: NeedIdx) -> bool {
        let problem = self.problem;
        let Some((ra, i)) = self.locate(u) else {
            return false;
        };
        let by_delta = self.by_delta();
        let mut tried = 0;
        let mut found: Vec<(usize, usize, usize, usize)> = Vec::new();
        for &v in self.ls_near(u) {
            let v = NeedIdx(v);
            let Some((rb, j)) = self.locate(v) else {
                continue;
            };
            if rb == ra {
                continue;
            }
            let (a, b) = (&self.st.routes[ra], &self.st.routes[rb]);
            if problem.disqualification(a.provider(), v).is_some()
                || problem.disqualification(b.provider(), u).is_some()
            {
                continue;
            }
            tried += 1;
            let Some((gain_b, pu)) = best_place(problem, b, j, a.stops()[i]) else {
                continue;
            };
            let Some((gain_a, pv)) = best_place(problem, a, i, b.stops()[j]) else {
                continue;
            };
            let (pa, pb) = (a.provider(), b.provider());
            let handed = [(u, pa, pb), (v, pb, pa)].into_iter();
            if by_delta && self.move_cost(gain_a + gain_b, handed) >= 0 {
                continue;
            }
            let (nu, nv) = (problem.need(u), problem.need(v));
            let changes = [
                (ra, gain_a, nv.duration - nu.duration, nv.load - nu.load, 0),
                (rb, gain_b, nu.duration - nv.duration, nu.load - nv.load, 0),
            ];
            if self.st.allows(&changes) {
                found.push((rb, j, pu, pv));
                if by_delta || found.len() >= EXACT_TRIES {
                    break;
                }
            }
        }
        self.moves[Op::SwapStar as usize].0 += tried;
        for (rb, j, pu, pv) in found {
            let mut sa = self.st.routes[ra].stops().to_vec();
            let mut sb = self.st.routes[rb].stops().to_vec();
            let su = sa.remove(i);
            let sv = sb.remove(j);
            sa.insert(pv, sv);
            sb.insert(pu, su);
            if self.rewrite(vec![(ra, sa), (rb, sb)]) {
                self.moves[Op::SwapStar as usize].1 += 1;
                return true;
            }
        }
        false
    }
}
