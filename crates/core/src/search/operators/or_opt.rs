//! Or-opt: move a string of two or three consecutive visits, starting at a visit, to
//! just before or after a neighbouring visit of another route. Checked in O(k): the
//! gap the string leaves and the place it takes
//! ([`crate::routes::RouteState::gap`]).

use crate::model::NeedIdx;
use crate::routes::{Handover, Proposal, RouteChange, Stage};
use crate::search::local::{at_or_end, before, Scan};
use crate::search::{Op, Search};

/// Longest string moved.
const MAX_LEN: usize = 3;

impl Search<'_> {
    /// Moves a string starting at `u` next to one of `u`'s neighbours when that lowers
    /// the cost; true when moved.
    pub(in crate::search) fn or_opt(&mut self, u: NeedIdx) -> bool {
        let Some((ra, i)) = self.locate(u) else {
            return false;
        };
        self.operate(
            Op::OrOpt,
            |s, scan| {
                for k in 2..=MAX_LEN {
                    if s.strings(u, (ra, i), k, scan) {
                        return;
                    }
                }
            },
            |s, (k, rb, pos)| {
                let mut sa = s.st.route(ra).stops().to_vec();
                let mut sb = s.st.route(rb).stops().to_vec();
                let string: Vec<_> = sa.drain(i..i + k).collect();
                sb.splice(pos..pos, string);
                s.rewrite(vec![(ra, sa), (rb, sb)])
            },
        )
    }

    /// The places next to `u`'s neighbours where the string of `k` visits from `u` (at
    /// `i` of route `ra`) could go; true when the scan is over.
    fn strings(
        &self,
        u: NeedIdx,
        (ra, i): (usize, usize),
        k: usize,
        scan: &mut Scan<(usize, usize, usize)>,
    ) -> bool {
        let problem = self.problem;
        let a = self.st.route(ra);
        if i + k > a.stops().len() || !(i..i + k).all(|x| a.movable(x)) {
            return true;
        }
        let seg = &a.stops()[i..i + k];
        let (ai, an) = (before(i), at_or_end(i + k, a.stops().len()));
        let Some(left) = a.gap(problem, ai, an, &[]) else {
            return false;
        };
        let gain_a = left - a.legs_between(ai, an);
        let (dur, load) = seg.iter().fold((0, 0), |(d, l), s| {
            let need = problem.need(s.need);
            (d + need.duration, l + need.load)
        });
        for &v in self.ls_near(u) {
            let Some((rb, j)) = self.anchor(v) else {
                continue;
            };
            if rb == ra {
                continue;
            }
            let b = self.st.route(rb);
            if seg
                .iter()
                .any(|s| problem.disqualification(b.provider(), s.need).is_some())
            {
                continue;
            }
            for pos in [j, j + 1] {
                scan.tried += 1;
                let (bi, bn) = (before(pos), at_or_end(pos, b.stops().len()));
                let Some(put) = b.gap(problem, bi, bn, seg) else {
                    continue;
                };
                let gain_b = put - b.legs_between(bi, bn);
                let kk = k as i64;
                let changes = [
                    RouteChange::by(ra, gain_a, -dur, -load, -kk),
                    RouteChange::by(rb, gain_b, dur, load, kk),
                ];
                let handed = [Handover::stops(seg, a.provider(), b.provider())];
                let p = Proposal::new(&changes, &handed);
                if scan.judge(&self.st, &p, Stage::Screen) && scan.keep((k, rb, pos)) {
                    return true;
                }
            }
        }
        false
    }
}
