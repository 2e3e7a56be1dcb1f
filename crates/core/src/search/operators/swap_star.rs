//! SWAP* (after Vidal, 2022): exchange a visit with a neighbouring visit of another
//! route, each going to its best place in the other route rather than into the
//! other's place. A place away from the visit that leaves is checked in O(1) on the
//! route as it is (a feasible insertion stays feasible once a visit is taken out);
//! the other's own place exactly ([`crate::routes::RouteState::gap`]). The best places
//! are found by scanning the route, O(route) per pair; the two routes are then
//! re-timed exactly before the move is applied.

use crate::model::{NeedIdx, Problem};
use crate::routes::{Handover, Proposal, RouteChange, RouteState, Stage, StopState};
use crate::search::local::{at_or_end, before, Scan};
use crate::search::{Op, Search};

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
    pub(in crate::search) fn swap_star(&mut self, u: NeedIdx) -> bool {
        let Some((ra, i)) = self.locate(u) else {
            return false;
        };
        self.operate(
            Op::SwapStar,
            |s, scan| s.exchanges(u, (ra, i), scan),
            |s, (rb, j, pu, pv)| {
                let mut sa = s.st.route(ra).stops().to_vec();
                let mut sb = s.st.route(rb).stops().to_vec();
                let su = sa.remove(i);
                let sv = sb.remove(j);
                sa.insert(pv, sv);
                sb.insert(pu, su);
                s.rewrite(vec![(ra, sa), (rb, sb)])
            },
        )
    }

    /// The neighbours of `u` (at `i` of route `ra`) it could exchange with, each at
    /// its best place in the other's route.
    fn exchanges(
        &self,
        u: NeedIdx,
        (ra, i): (usize, usize),
        scan: &mut Scan<(usize, usize, usize, usize)>,
    ) {
        let problem = self.problem;
        for (v, rb, j) in self.partners(u, ra) {
            let (a, b) = (self.st.route(ra), self.st.route(rb));
            scan.tried += 1;
            let Some((gain_b, pu)) = best_place(problem, b, j, a.stops()[i]) else {
                continue;
            };
            let Some((gain_a, pv)) = best_place(problem, a, i, b.stops()[j]) else {
                continue;
            };
            let (pa, pb) = (a.provider(), b.provider());
            let (nu, nv) = (problem.need(u), problem.need(v));
            let (dd, dl) = (nv.duration - nu.duration, nv.load - nu.load);
            let changes = [
                RouteChange::by(ra, gain_a, dd, dl, 0),
                RouteChange::by(rb, gain_b, -dd, -dl, 0),
            ];
            let handed = [Handover::one(u, pa, pb), Handover::one(v, pb, pa)];
            let p = Proposal::new(&changes, &handed);
            if scan.judge(&self.st, &p, Stage::Screen) && scan.keep((rb, j, pu, pv)) {
                return;
            }
        }
    }
}
