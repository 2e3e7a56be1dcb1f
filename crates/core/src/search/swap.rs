//! Swap: exchange a visit with a neighbouring visit of another route, each taking the
//! other's place. Checked in O(1): each route's gap filled by the other visit
//! ([`crate::routes::RouteState::gap`]).

use super::local::{at_or_end, before, EXACT_TRIES};
use super::{Op, Search};
use crate::model::NeedIdx;

impl Search<'_> {
    /// Swaps `u` with one of its neighbours when that lowers the cost; true when
    /// swapped.
    pub(super) fn swap(&mut self, u: NeedIdx) -> bool {
        let problem = self.problem;
        let Some((ra, i)) = self.locate(u) else {
            return false;
        };
        let by_delta = self.by_delta();
        let mut tried = 0;
        let mut found: Vec<(usize, usize)> = Vec::new();
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
                found.push((rb, j));
                if by_delta || found.len() >= EXACT_TRIES {
                    break;
                }
            }
        }
        self.moves[Op::Swap as usize].0 += tried;
        for (rb, j) in found {
            let mut sa = self.st.routes[ra].stops().to_vec();
            let mut sb = self.st.routes[rb].stops().to_vec();
            std::mem::swap(&mut sa[i], &mut sb[j]);
            if self.rewrite(vec![(ra, sa), (rb, sb)]) {
                self.moves[Op::Swap as usize].1 += 1;
                return true;
            }
        }
        false
    }
}
