//! 2-opt*: exchange the tails of two routes, so that a visit is followed by a
//! neighbouring visit of the other route: `A[..=i] + B[j..]` and `B[..j] + A[i+1..]`.
//! Between routes of one travel profile (the same speed, end and shift close) the
//! check is O(1): the join against the other route's latest starts
//! ([`crate::routes::RouteState::join`]); otherwise the moved tail is re-timed. Tails
//! holding a pinned or synchronised visit do not move; carers of different speeds do
//! not exchange tails (the tail's travel would change).

use super::local::{before, EXACT_TRIES};
use super::{Op, Search};
use crate::model::NeedIdx;

impl Search<'_> {
    /// Joins `u` to one of its neighbours' tails when that lowers the cost; true when
    /// the tails were exchanged.
    pub(super) fn two_opt(&mut self, u: NeedIdx) -> bool {
        let problem = self.problem;
        let Some((ra, i)) = self.locate(u) else {
            return false;
        };
        let by_delta = self.by_delta();
        let mut tried = 0;
        let mut found: Vec<(usize, usize)> = Vec::new();
        for &v in self.ls_near(u) {
            let Some((rb, j)) = self.locate(NeedIdx(v)) else {
                continue;
            };
            if rb == ra {
                continue;
            }
            let (a, b) = (&self.st.routes[ra], &self.st.routes[rb]);
            let (pa, pb) = (
                problem.provider(a.provider()),
                problem.provider(b.provider()),
            );
            if pa.speed != pb.speed || !a.movable_from(i + 1) || !b.movable_from(j) {
                continue;
            }
            let same = pa.end == pb.end && a.shift.close == b.shift.close;
            tried += 1;
            let Some(ta) = a.join(problem, Some(i), b, j, same) else {
                continue;
            };
            let Some(tb) = b.join(problem, before(j), a, i + 1, same) else {
                continue;
            };
            let gain = ta + tb - a.travel - b.travel;
            let (pa, pb) = (a.provider(), b.provider());
            let handed = (a.stops()[i + 1..].iter().map(|s| (s.need, pa, pb)))
                .chain(b.stops()[j..].iter().map(|s| (s.need, pb, pa)));
            if by_delta && self.move_cost(gain, handed) >= 0 {
                continue;
            }
            let qualified = b.stops()[j..]
                .iter()
                .all(|s| problem.disqualification(a.provider(), s.need).is_none())
                && a.stops()[i + 1..]
                    .iter()
                    .all(|s| problem.disqualification(b.provider(), s.need).is_none());
            if !qualified {
                continue;
            }
            let (la, sa) = a.prefix(problem, i + 1);
            let (lb, sb) = b.prefix(problem, j);
            let (na, nb) = (a.stops().len() as i64, b.stops().len() as i64);
            // A' = head of A (load la, service sa, i + 1 visits) + tail of B.
            let load_a = la + (b.load - lb);
            let serv_a = sa + (b.service - sb);
            let vis_a = i as i64 + 1 + (nb - j as i64);
            let changes = [
                (
                    ra,
                    ta - a.travel,
                    serv_a - a.service,
                    load_a - a.load,
                    vis_a - na,
                ),
                (
                    rb,
                    tb - b.travel,
                    (a.service + b.service - serv_a) - b.service,
                    (a.load + b.load - load_a) - b.load,
                    (na + nb - vis_a) - nb,
                ),
            ];
            if self.st.allows(&changes) {
                found.push((rb, j));
                if by_delta || found.len() >= EXACT_TRIES {
                    break;
                }
            }
        }
        self.moves[Op::TwoOptStar as usize].0 += tried;
        for (rb, j) in found {
            let mut sa = self.st.routes[ra].stops().to_vec();
            let mut sb = self.st.routes[rb].stops().to_vec();
            let tail_a: Vec<_> = sa.drain(i + 1..).collect();
            let tail_b: Vec<_> = sb.drain(j..).collect();
            sa.extend(tail_b);
            sb.extend(tail_a);
            if self.rewrite(vec![(ra, sa), (rb, sb)]) {
                self.moves[Op::TwoOptStar as usize].1 += 1;
                return true;
            }
        }
        false
    }
}
