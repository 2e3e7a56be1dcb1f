//! Familiar: hand a visit to a carer the elder already knows. Over a horizon with a
//! price on carer changes, a visit made by one of its elder's lesser carers moves into
//! a route, the same day, of another of the elder's carers — at any place there, or in
//! the place of one of that route's visits, which takes the first one's place in turn.
//! The granular moves rarely look there: a familiar carer's route that day may be
//! nowhere near the visit's neighbours (it goes where that carer's other elders are).
//! Checked in O(1) per place ([`crate::routes::RouteState::gap`]) and judged by the
//! priced delta: travel plus the carer changes of both visits handed over.

use super::local::{at_or_end, before};
use super::{Op, Search};
use crate::model::{NeedIdx, ProviderIdx};
use crate::routes::NONE;

impl Search<'_> {
    /// Moves `u` to a route of another of its elder's carers, alone or in exchange for
    /// one of that route's visits, when that lowers the cost; true when moved. Only for
    /// a visit whose carer makes fewer visits to the elder than another carer does.
    pub(super) fn familiar(&mut self, u: NeedIdx) -> bool {
        let problem = self.problem;
        // (Only over a horizon with carer changes priced, judged by the delta.)
        if self.by_elder.is_empty() || !self.by_delta() {
            return false;
        }
        let Some((ra, i)) = self.locate(u) else {
            return false;
        };
        let elder = problem.need(u).elder;
        let pa = self.st.routes[ra].provider();
        let mine = self.st.carer_visits(elder, pa);
        let others: Vec<ProviderIdx> = (self.st.carers_of(elder).iter())
            .filter(|c| c.0 != pa.0 && c.1 >= mine)
            .map(|c| ProviderIdx(c.0))
            .filter(|&pb| problem.disqualification(pb, u).is_none())
            .collect();
        if others.is_empty() {
            return false;
        }
        let a = &self.st.routes[ra];
        let (ai, an) = (before(i), at_or_end(i + 1, a.stops().len()));
        let Some(left) = a.gap(problem, ai, an, &[]) else {
            return false;
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
        let mut tried = 0;
        let mut found: Option<Found> = None;
        'carers: for pb in others {
            for rb in self.st.routes_of(pb) {
                let shift = self.st.routes[rb].shift;
                // The same day: a shift around the visit's start now (the local search
                // keeps a visit on its day).
                if shift.close < start - DAY_SLACK || shift.open > start + DAY_SLACK {
                    continue;
                }
                found = self
                    .familiar_put(&from, rb, &mut tried)
                    .or_else(|| self.familiar_swap(&from, rb, &mut tried));
                if found.is_some() {
                    break 'carers;
                }
            }
        }
        self.moves[Op::Familiar as usize].0 += tried;
        let moved = match found {
            None => false,
            Some(Found::Put(rb, pos)) => {
                let stop = self.take(ra, i);
                self.put(rb, stop, pos);
                true
            }
            Some(Found::Swap(rb, j)) => {
                let mut sa = self.st.routes[ra].stops().to_vec();
                let mut sb = self.st.routes[rb].stops().to_vec();
                std::mem::swap(&mut sa[i], &mut sb[j]);
                self.rewrite(vec![(ra, sa), (rb, sb)])
            }
        };
        self.moves[Op::Familiar as usize].1 += u64::from(moved);
        moved
    }

    /// The first place in route `rb` where the visit `from` takes out goes in at a
    /// lower cost, within the limits.
    fn familiar_put(&self, from: &From, rb: usize, tried: &mut u64) -> Option<Found> {
        let problem = self.problem;
        let b = &self.st.routes[rb];
        let (pa, pb, su) = (from.provider, b.provider(), from.stop);
        let need = problem.need(from.u);
        let len = b.stops().len();
        for pos in 0..=len {
            *tried += 1;
            let (bi, bn) = (before(pos), at_or_end(pos, len));
            let Some(put) = b.gap(problem, bi, bn, &[su]) else {
                continue;
            };
            // (An empty route travels nowhere.)
            let was = if len == 0 { 0 } else { b.legs_between(bi, bn) };
            let gain_b = put - was;
            let handed = std::iter::once((from.u, pa, pb));
            if self.move_cost(from.gain + gain_b, handed) >= 0 {
                continue;
            }
            let changes = [
                (from.ra, from.gain, -need.duration, -need.load, -1),
                (rb, gain_b, need.duration, need.load, 1),
            ];
            if self.st.allows(&changes) && self.st.affordable_handover(from.u, pa, pb) {
                return Some(Found::Put(rb, pos));
            }
        }
        None
    }

    /// The first visit of route `rb` that, exchanged with the visit `from` takes out,
    /// lowers the cost within the limits.
    fn familiar_swap(&self, from: &From, rb: usize, tried: &mut u64) -> Option<Found> {
        let problem = self.problem;
        let (a, b) = (&self.st.routes[from.ra], &self.st.routes[rb]);
        let (pa, pb, su) = (from.provider, b.provider(), from.stop);
        let (ai, an) = from.around;
        let need = problem.need(from.u);
        let len = b.stops().len();
        for j in 0..len {
            let sv = b.stops()[j];
            let v = sv.need;
            if !b.movable(j)
                || !sv.is_free()
                || self.st.at(v)[1] != NONE
                || problem.disqualification(pa, v).is_some()
            {
                continue;
            }
            *tried += 1;
            let (bi, bn) = (before(j), at_or_end(j + 1, len));
            let Some(na) = a.gap(problem, ai, an, &[sv]) else {
                continue;
            };
            let Some(nb) = b.gap(problem, bi, bn, &[su]) else {
                continue;
            };
            let (gain_a, gain_b) = (na - a.legs_between(ai, an), nb - b.legs_between(bi, bn));
            let handed = [(from.u, pa, pb), (v, pb, pa)].into_iter();
            if self.move_cost(gain_a + gain_b, handed) >= 0 {
                continue;
            }
            let nv = problem.need(v);
            let (dd, dl) = (nv.duration - need.duration, nv.load - need.load);
            let changes = [(from.ra, gain_a, dd, dl, 0), (rb, gain_b, -dd, -dl, 0)];
            if self.st.allows(&changes) {
                return Some(Found::Swap(rb, j));
            }
        }
        None
    }
}

/// The visit a familiar move takes out: its need and route, its stop and carer, the
/// stops around it, and what taking it out saves in travel (negative: saved).
struct From {
    u: NeedIdx,
    ra: usize,
    stop: crate::routes::StopState,
    provider: ProviderIdx,
    around: (Option<usize>, Option<usize>),
    gain: i64,
}

/// A familiar carer's route qualifies when its shift comes within this many seconds of
/// the visit's start.
const DAY_SLACK: i64 = 4 * 3_600;

/// The move found: into route `rb` at a position, or in exchange for its stop `j`.
enum Found {
    Put(usize, usize),
    Swap(usize, usize),
}

impl Search<'_> {
    /// One pass of [`Search::familiar`] over every served visit, in the search's books:
    /// kept, as it only lowers the cost and serves the same. The local search after an
    /// iteration looks only where the iteration moved; a familiar carer's route that
    /// gained room elsewhere is found here.
    pub(super) fn familiar_sweep(&mut self) {
        if self.by_elder.is_empty() || !self.by_delta() {
            return;
        }
        // A stamp of its own (not the iteration's, nor a hand-over pass's), so the undo
        // log of the iteration after starts afresh.
        let iter = self.iter;
        self.iter = iter | 1 << 62;
        let mut any = false;
        for u in 0..self.problem.needs().len() as u32 {
            any |= self.familiar(NeedIdx(u));
        }
        if any {
            self.commit();
            if self.score > self.best_score {
                self.save_best();
            }
        }
        self.iter = iter;
    }
}
