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
use crate::model::NeedIdx;

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
        let carers = self.st.carers_of(elder);
        let mine = self.st.carer_visits(elder, pa);
        let others: Vec<u32> = carers
            .iter()
            .filter(|c| c.0 != pa.0 && c.1 >= mine)
            .map(|c| c.0)
            .collect();
        if others.is_empty() {
            return false;
        }
        let a = &self.st.routes[ra];
        let su = a.stops()[i];
        let (ai, an) = (before(i), at_or_end(i + 1, a.stops().len()));
        let Some(left) = a.gap(problem, ai, an, &[]) else {
            return false;
        };
        let gain_a = left - a.legs_between(ai, an);
        let stop_time = a.start_of(i);
        let need = problem.need(u);
        let mut tried = 0;
        let mut found: Option<Found> = None;
        'carers: for pb in others {
            let pb = crate::model::ProviderIdx(pb);
            if problem.disqualification(pb, u).is_some() {
                continue;
            }
            for rb in self.st.routes_of(pb) {
                let b = &self.st.routes[rb];
                // The same day: a shift around the visit's start now (the local search
                // keeps a visit on its day).
                if b.shift.close < stop_time - DAY_SLACK || b.shift.open > stop_time + DAY_SLACK {
                    continue;
                }
                let len = b.stops().len();
                for pos in 0..=len {
                    tried += 1;
                    let (bi, bn) = (before(pos), at_or_end(pos, len));
                    let Some(put) = b.gap(problem, bi, bn, &[su]) else {
                        continue;
                    };
                    // (An empty route travels nowhere.)
                    let was = if len == 0 { 0 } else { b.legs_between(bi, bn) };
                    let gain_b = put - was;
                    let handed = std::iter::once((u, pa, pb));
                    if self.move_cost(gain_a + gain_b, handed) >= 0 {
                        continue;
                    }
                    let changes = [
                        (ra, gain_a, -need.duration, -need.load, -1),
                        (rb, gain_b, need.duration, need.load, 1),
                    ];
                    if self.st.allows(&changes) && self.st.affordable_handover(u, pa, pb) {
                        found = Some(Found::Put(rb, pos));
                        break 'carers;
                    }
                }
                for j in 0..len {
                    let v = b.stops()[j].need;
                    if !b.movable(j)
                        || !b.stops()[j].is_free()
                        || self.st.at(v)[1] != crate::routes::NONE
                        || problem.disqualification(pa, v).is_some()
                    {
                        continue;
                    }
                    tried += 1;
                    let sv = b.stops()[j];
                    let (bi, bn) = (before(j), at_or_end(j + 1, len));
                    let Some(na) = a.gap(problem, ai, an, &[sv]) else {
                        continue;
                    };
                    let Some(nb) = b.gap(problem, bi, bn, &[su]) else {
                        continue;
                    };
                    let gain = na - a.legs_between(ai, an) + nb - b.legs_between(bi, bn);
                    let handed = [(u, pa, pb), (v, pb, pa)].into_iter();
                    if self.move_cost(gain, handed) >= 0 {
                        continue;
                    }
                    let nv = problem.need(v);
                    let changes = [
                        (
                            ra,
                            na - a.legs_between(ai, an),
                            nv.duration - need.duration,
                            nv.load - need.load,
                            0,
                        ),
                        (
                            rb,
                            nb - b.legs_between(bi, bn),
                            need.duration - nv.duration,
                            need.load - nv.load,
                            0,
                        ),
                    ];
                    if self.st.allows(&changes) {
                        found = Some(Found::Swap(rb, j));
                        break 'carers;
                    }
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
