//! Or-opt: move a string of two or three consecutive visits, starting at a visit, to
//! just before or after a neighbouring visit of another route. Checked in O(k): the
//! gap the string leaves and the place it takes
//! ([`crate::routes::RouteState::gap`]).

use super::local::{at_or_end, before, EXACT_TRIES};
use super::{Op, Search};
use crate::model::NeedIdx;

/// Longest string moved.
const MAX_LEN: usize = 3;

impl Search<'_> {
    /// Moves a string starting at `u` next to one of `u`'s neighbours when that lowers
    /// the cost; true when moved.
    pub(super) fn or_opt(&mut self, u: NeedIdx) -> bool {
        let problem = self.problem;
        let Some((ra, i)) = self.locate(u) else {
            return false;
        };
        let by_delta = self.by_delta();
        let mut tried = 0;
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        'outer: for k in 2..=MAX_LEN {
            let a = &self.st.routes[ra];
            if i + k > a.stops().len() || !(i..i + k).all(|x| a.movable(x)) {
                break;
            }
            let seg = &a.stops()[i..i + k];
            let (ai, an) = (before(i), at_or_end(i + k, a.stops().len()));
            let Some(left) = a.gap(problem, ai, an, &[]) else {
                continue;
            };
            let gain_a = left - a.legs_between(ai, an);
            let (dur, load) = seg.iter().fold((0, 0), |(d, l), s| {
                (
                    d + problem.need(s.need).duration,
                    l + problem.need(s.need).load,
                )
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
                    .any(|s| problem.disqualification(b.provider(), s.need).is_some())
                {
                    continue;
                }
                for pos in [j, j + 1] {
                    tried += 1;
                    let (bi, bn) = (before(pos), at_or_end(pos, b.stops().len()));
                    let Some(put) = b.gap(problem, bi, bn, seg) else {
                        continue;
                    };
                    let gain_b = put - b.legs_between(bi, bn);
                    let handed = seg.iter().map(|s| (s.need, a.provider(), b.provider()));
                    if by_delta && self.move_cost(gain_a + gain_b, handed) >= 0 {
                        continue;
                    }
                    let kk = k as i64;
                    let changes = [(ra, gain_a, -dur, -load, -kk), (rb, gain_b, dur, load, kk)];
                    if self.st.allows(&changes) {
                        found.push((k, rb, pos));
                        if by_delta || found.len() >= EXACT_TRIES {
                            break 'outer;
                        }
                    }
                }
            }
        }
        self.moves[Op::OrOpt as usize].0 += tried;
        for (k, rb, pos) in found {
            let mut sa = self.st.routes[ra].stops().to_vec();
            let mut sb = self.st.routes[rb].stops().to_vec();
            let string: Vec<_> = sa.drain(i..i + k).collect();
            sb.splice(pos..pos, string);
            if self.rewrite(vec![(ra, sa), (rb, sb)]) {
                self.moves[Op::OrOpt as usize].1 += 1;
                return true;
            }
        }
        false
    }
}
