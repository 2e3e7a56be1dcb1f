//! Or-opt: move a string of two or three consecutive visits, starting at a visit, to
//! just before or after a neighbouring visit of another route. Checked in O(k): the
//! gap the string leaves and the place it takes
//! ([`crate::routes::RouteState::gap`]).

use super::local::{at_or_end, before};
use super::{Op, Search};
use crate::model::NeedIdx;

/// Longest string moved.
const MAX_LEN: usize = 3;

impl Search<'_> {
    /// Moves a string starting at `u` next to one of `u`'s neighbours when that lowers
    /// travel; true when moved.
    pub(super) fn or_opt(&mut self, u: NeedIdx) -> bool {
        let problem = self.problem;
        let Some((ra, i)) = self.locate(u) else {
            return false;
        };
        let mut tried = 0;
        let mut found = None;
        'outer: for k in 2..=MAX_LEN {
            let a = &self.st.routes[ra];
            if i + k > a.stops().len() || !(i..i + k).all(|x| a.movable(x)) {
                break;
            }
            let seg: Vec<NeedIdx> = a.stops()[i..i + k].iter().map(|s| s.need).collect();
            let (ai, an) = (before(i), at_or_end(i + k, a.stops().len()));
            let Some(left) = a.gap(problem, ai, an, &[]) else {
                continue;
            };
            let gain_a = left - a.legs_between(ai, an);
            let (dur, load) = seg.iter().fold((0, 0), |(d, l), &n| {
                (d + problem.need(n).duration, l + problem.need(n).load)
            });
            for &v in self.ls_near(u) {
                let Some((rb, j)) = self.anchor(v) else {
                    continue;
                };
                if rb == ra {
                    continue;
                }
                let b = &self.st.routes[rb];
                if seg
                    .iter()
                    .any(|&n| problem.disqualification(b.provider(), n).is_some())
                {
                    continue;
                }
                for pos in [j, j + 1] {
                    tried += 1;
                    let (bi, bn) = (before(pos), at_or_end(pos, b.stops().len()));
                    let Some(put) = b.gap(problem, bi, bn, &seg) else {
                        continue;
                    };
                    let gain_b = put - b.legs_between(bi, bn);
                    if gain_a + gain_b >= 0 {
                        continue;
                    }
                    let k = k as i64;
                    let changes = [(ra, gain_a, -dur, -load, -k), (rb, gain_b, dur, load, k)];
                    if self.st.allows(&changes) {
                        found = Some((k as usize, rb, pos));
                        break 'outer;
                    }
                }
            }
        }
        self.moves[Op::OrOpt as usize].0 += tried;
        let Some((k, rb, pos)) = found else {
            return false;
        };
        let mut sa = self.st.routes[ra].stops().to_vec();
        let mut sb = self.st.routes[rb].stops().to_vec();
        let string: Vec<_> = sa.drain(i..i + k).collect();
        sb.splice(pos..pos, string);
        let done = self.rewrite(vec![(ra, sa), (rb, sb)]);
        self.moves[Op::OrOpt as usize].1 += u64::from(done);
        done
    }
}
