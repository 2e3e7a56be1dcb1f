//! Familiar: hand a visit to a carer the rules suggest for it — over a horizon with a
//! price on carer changes, another of its elder's carers who visits the elder at least
//! as often. The visit moves into a route, the same day, of such a carer — at any
//! place there, or in the place of one of that route's visits, which takes the first
//! one's place in turn. The granular moves rarely look there: a familiar carer's route
//! that day may be nowhere near the visit's neighbours (it goes where that carer's
//! other elders are). Checked in O(1) per place ([`crate::routes::RouteState::gap`])
//! and judged by the priced delta.

use crate::model::{NeedIdx, ProviderIdx};
use crate::routes::{Handover, Proposal, RouteChange, Stage, StopState};
use crate::search::local::{at_or_end, before, Scan};
use crate::search::{Op, Search};

/// A suggested carer's route qualifies when its shift comes within this many seconds of
/// the visit's start.
const DAY_SLACK: i64 = 4 * 3_600;

/// The visit a familiar move takes out: its need and route, its stop and carer, the
/// stops around it, and what taking it out saves in travel (negative: saved).
struct From {
    u: NeedIdx,
    ra: usize,
    stop: StopState,
    provider: ProviderIdx,
    around: (Option<usize>, Option<usize>),
    gain: i64,
}

/// The move found: into route `rb` at a position, or in exchange for its stop `j`.
enum Found {
    Put(usize, usize),
    Swap(usize, usize),
}

impl Search<'_> {
    /// Moves `u` to a route of a carer the rules suggest, alone or in exchange for one
    /// of that route's visits, when that lowers the cost; true when moved.
    pub(in crate::search) fn familiar(&mut self, u: NeedIdx) -> bool {
        // (Only where a rule prices who serves an elder, judged by the delta.)
        if !self.per_elder || !self.st.by_delta() {
            return false;
        }
        let Some((ra, i)) = self.locate(u) else {
            return false;
        };
        self.operate(
            Op::Familiar,
            |s, scan| s.familiar_places(u, (ra, i), scan),
            |s, found| match found {
                Found::Put(rb, pos) => {
                    let stop = s.take(ra, i);
                    s.put(rb, stop, pos);
                    true
                }
                Found::Swap(rb, j) => {
                    let mut sa = s.st.route(ra).stops().to_vec();
                    let mut sb = s.st.route(rb).stops().to_vec();
                    std::mem::swap(&mut sa[i], &mut sb[j]);
                    s.rewrite(vec![(ra, sa), (rb, sb)])
                }
            },
        )
    }

    /// The first place, in a route that day of a suggested carer, where `u` (at `i`
    /// of route `ra`) goes alone or in exchange at a lower cost.
    fn familiar_places(&self, u: NeedIdx, (ra, i): (usize, usize), scan: &mut Scan<Found>) {
        let problem = self.problem;
        let pa = self.st.route(ra).provider();
        let others: Vec<ProviderIdx> = (self.st.suggest(u, pa).into_iter())
            .filter(|&pb| problem.disqualification(pb, u).is_none())
            .collect();
        if others.is_empty() {
            return;
        }
        let a = self.st.route(ra);
        let (ai, an) = (before(i), at_or_end(i + 1, a.stops().len()));
        let Some(left) = a.gap(problem, ai, an, &[]) else {
            return;
        };
        let from = From {
            u,
            ra,
            stop: a.stops()[i],
            provider: pa,
            around: (ai, an),
            gain: left - a.legs_between(ai, an),
        };
        let start = a.start_of(i);
        for pb in others {
            for rb in self.st.routes_of(pb) {
                let shift = self.st.route(rb).shift;
                // The same day: a shift around the visit's start now (the local search
                // keeps a visit on its day).
                if shift.close < start - DAY_SLACK || shift.open > start + DAY_SLACK {
                    continue;
                }
                let found = self
                    .familiar_put(&from, rb, scan)
                    .or_else(|| self.familiar_swap(&from, rb, scan));
                if let Some(f) = found {
                    scan.keep(f);
                    return;
                }
            }
        }
    }

    /// The first place in route `rb` where the visit `from` takes out goes in at a
    /// lower cost, within the rules.
    fn familiar_put(&self, from: &From, rb: usize, scan: &mut Scan<Found>) -> Option<Found> {
        let problem = self.problem;
        let b = self.st.route(rb);
        let (pa, pb, su) = (from.provider, b.provider(), from.stop);
        let need = problem.need(from.u);
        let len = b.stops().len();
        for pos in 0..=len {
            scan.tried += 1;
            let (bi, bn) = (before(pos), at_or_end(pos, len));
            let Some(put) = b.gap(problem, bi, bn, &[su]) else {
                continue;
            };
            // (An empty route travels nowhere.)
            let was = if len == 0 { 0 } else { b.legs_between(bi, bn) };
            let changes = [
                RouteChange::by(from.ra, from.gain, -need.duration, -need.load, -1),
                RouteChange::by(rb, put - was, need.duration, need.load, 1),
            ];
            let handed = [Handover::one(from.u, pa, pb)];
            // Applied in place: every rule answers now.
            if scan.judge(&self.st, &Proposal::new(&changes, &handed), Stage::Final) {
                return Some(Found::Put(rb, pos));
            }
        }
        None
    }

    /// The first visit of route `rb` that, exchanged with the visit `from` takes out,
    /// lowers the cost within the rules.
    fn familiar_swap(&self, from: &From, rb: usize, scan: &mut Scan<Found>) -> Option<Found> {
        let problem = self.problem;
        let (a, b) = (self.st.route(from.ra), self.st.route(rb));
        let (pa, pb, su) = (from.provider, b.provider(), from.stop);
        let (ai, an) = from.around;
        let need = problem.need(from.u);
        let len = b.stops().len();
        for j in 0..len {
            let sv = b.stops()[j];
            let v = sv.need;
            if !b.movable(j)
                || !sv.is_free()
                || self.st.at(v).second().is_some()
                || problem.disqualification(pa, v).is_some()
            {
                continue;
            }
            scan.tried += 1;
            let (bi, bn) = (before(j), at_or_end(j + 1, len));
            let Some(na) = a.gap(problem, ai, an, &[sv]) else {
                continue;
            };
            let Some(nb) = b.gap(problem, bi, bn, &[su]) else {
                continue;
            };
            let (gain_a, gain_b) = (na - a.legs_between(ai, an), nb - b.legs_between(bi, bn));
            let nv = problem.need(v);
            let (dd, dl) = (nv.duration - need.duration, nv.load - need.load);
            let changes = [
                RouteChange::by(from.ra, gain_a, dd, dl, 0),
                RouteChange::by(rb, gain_b, -dd, -dl, 0),
            ];
            let handed = [Handover::one(from.u, pa, pb), Handover::one(v, pb, pa)];
            if scan.judge(&self.st, &Proposal::new(&changes, &handed), Stage::Screen) {
                return Some(Found::Swap(rb, j));
            }
        }
        None
    }
}

impl Search<'_> {
    /// One pass of [`Search::familiar`] over every served visit, in the search's books:
    /// kept, as it only lowers the cost and serves the same. The local search after an
    /// iteration looks only where the iteration moved; a familiar carer's route that
    /// gained room elsewhere is found here.
    pub(in crate::search) fn familiar_sweep(&mut self) {
        if !self.per_elder || !self.st.by_delta() {
            return;
        }
        self.begin();
        let mut any = false;
        for u in 0..self.problem.needs().len() as u32 {
            any |= self.familiar(NeedIdx(u));
        }
        self.commit();
        if any && self.score > self.best.score {
            self.save_best();
        }
    }
}
