//! 2-opt*: exchange the tails of two routes, so that a visit is followed by a
//! neighbouring visit of the other route: `A[..=i] + B[j..]` and `B[..j] + A[i+1..]`.
//! Between routes of one travel profile (the same speed, end and shift close) the
//! check is O(1): the join against the other route's latest starts
//! ([`crate::routes::RouteState::join`]); otherwise the moved tail is re-timed. Tails
//! holding a pinned or synchronised visit do not move; carers of different speeds do
//! not exchange tails (the tail's travel would change).

use crate::model::NeedIdx;
use crate::routes::{Handover, Proposal, RouteChange, Stage};
use crate::search::local::{before, Scan};
use crate::search::{Op, Search};

impl Search<'_> {
    /// Joins `u` to one of its neighbours' tails when that lowers the cost; true when
    /// the tails were exchanged.
    pub(in crate::search) fn two_opt(&mut self, u: NeedIdx) -> bool {
        let Some((ra, i)) = self.locate(u) else {
            return false;
        };
        self.operate(
            Op::TwoOptStar,
            |s, scan| s.tails(u, (ra, i), scan),
            |s, (rb, j)| {
                let mut sa = s.st.route(ra).stops().to_vec();
                let mut sb = s.st.route(rb).stops().to_vec();
                let tail_a: Vec<_> = sa.drain(i + 1..).collect();
                let tail_b: Vec<_> = sb.drain(j..).collect();
                sa.extend(tail_b);
                sb.extend(tail_a);
                s.rewrite(vec![(ra, sa), (rb, sb)])
            },
        )
    }

    /// The neighbours of `u` (at `i` of route `ra`) whose tail it could take.
    fn tails(&self, u: NeedIdx, (ra, i): (usize, usize), scan: &mut Scan<(usize, usize)>) {
        let problem = self.problem;
        for &v in self.ls_near(u) {
            let Some((rb, j)) = self.locate(NeedIdx(v)) else {
                continue;
            };
            if rb == ra {
                continue;
            }
            let (a, b) = (self.st.route(ra), self.st.route(rb));
            let (pa, pb) = (a.provider(), b.provider());
            let (qa, qb) = (problem.provider(pa), problem.provider(pb));
            if qa.speed != qb.speed || !a.movable_from(i + 1) || !b.movable_from(j) {
                continue;
            }
            let same = qa.end == qb.end && a.shift.close == b.shift.close;
            scan.tried += 1;
            let Some(ta) = a.join(problem, Some(i), b, j, same) else {
                continue;
            };
            let Some(tb) = b.join(problem, before(j), a, i + 1, same) else {
                continue;
            };
            let (tail_a, tail_b) = (&a.stops()[i + 1..], &b.stops()[j..]);
            let handed = [
                Handover::stops(tail_a, pa, pb),
                Handover::stops(tail_b, pb, pa),
            ];
            if scan.by_delta() {
                // Priced on travel before the rest is counted: the cheaper test first.
                let travel = [
                    RouteChange::by(ra, ta - a.travel, 0, 0, 0),
                    RouteChange::by(rb, tb - b.travel, 0, 0, 0),
                ];
                if self.st.delta_cost(&Proposal::new(&travel, &handed)) >= 0 {
                    continue;
                }
            }
            let qualified = tail_b
                .iter()
                .all(|s| problem.disqualification(pa, s.need).is_none())
                && tail_a
                    .iter()
                    .all(|s| problem.disqualification(pb, s.need).is_none());
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
                RouteChange::by(
                    ra,
                    ta - a.travel,
                    serv_a - a.service,
                    load_a - a.load,
                    vis_a - na,
                ),
                RouteChange::by(
                    rb,
                    tb - b.travel,
                    (a.service + b.service - serv_a) - b.service,
                    (a.load + b.load - load_a) - b.load,
                    (na + nb - vis_a) - nb,
                ),
            ];
            if self
                .st
                .admits(&Proposal::new(&changes, &handed), Stage::Screen)
                && scan.keep((rb, j))
            {
                return;
            }
        }
    }
}
