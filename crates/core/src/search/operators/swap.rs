//! Swap: exchange a visit with a neighbouring visit of another route, each taking the
//! other's place. Checked in O(1): each route's gap filled by the other visit
//! ([`crate::routes::RouteState::gap`]).

use crate::model::NeedIdx;
use crate::routes::{Handover, Proposal, RouteChange, Stage};
use crate::search::local::{at_or_end, before, Scan};
use crate::search::{Op, Search};

impl Search<'_> {
    /// Swaps `u` with one of its neighbours when that lowers the cost; true when
    /// swapped.
    pub(in crate::search) fn swap(&mut self, u: NeedIdx) -> bool {
        let Some((ra, i)) = self.locate(u) else {
            return false;
        };
        self.operate(
            Op::Swap,
            |s, scan| s.swaps(u, (ra, i), scan),
            |s, (rb, j)| {
                let mut sa = s.st.route(ra).stops().to_vec();
                let mut sb = s.st.route(rb).stops().to_vec();
                std::mem::swap(&mut sa[i], &mut sb[j]);
                s.rewrite(vec![(ra, sa), (rb, sb)])
            },
        )
    }

    /// The neighbours of `u` (at `i` of route `ra`) it could exchange places with.
    fn swaps(&self, u: NeedIdx, (ra, i): (usize, usize), scan: &mut Scan<(usize, usize)>) {
        let problem = self.problem;
        for (v, rb, j) in self.partners(u, ra) {
            let (a, b) = (self.st.route(ra), self.st.route(rb));
            scan.tried += 1;
            let (ai, an) = (before(i), at_or_end(i + 1, a.stops().len()));
            let (bi, bn) = (before(j), at_or_end(j + 1, b.stops().len()));
            let (su, sv) = (a.stops()[i], b.stops()[j]);
            let Some(na) = a.gap(problem, ai, an, &[sv]) else {
                continue;
            };
            let gain_a = na - a.legs_between(ai, an);
            let Some(nb) = b.gap(problem, bi, bn, &[su]) else {
                continue;
            };
            let gain_b = nb - b.legs_between(bi, bn);
            let (pa, pb) = (a.provider(), b.provider());
            let (nu, nv) = (problem.need(u), problem.need(v));
            let (dd, dl) = (nv.duration - nu.duration, nv.load - nu.load);
            let changes = [
                RouteChange::by(ra, gain_a, dd, dl, 0),
                RouteChange::by(rb, gain_b, -dd, -dl, 0),
            ];
            let handed = [Handover::one(u, pa, pb), Handover::one(v, pb, pa)];
            let p = Proposal::new(&changes, &handed);
            if scan.judge(&self.st, &p, Stage::Screen) && scan.keep((rb, j)) {
                return;
            }
        }
    }
}
