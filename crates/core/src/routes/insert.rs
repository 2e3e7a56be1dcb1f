//! Insertion moves: where one visit goes, within every route rule and provider limit.
//!
//! A one-carer visit goes where it adds the least travel; a two-carer visit (rule 4)
//! into two routes of different providers at one common start. Equal travel is
//! broken by the objective's tie-break ([`crate::objective::tie`]), then by slot.

use super::{Builder, Insertion, NONE};
use crate::feasibility::Candidates;
use crate::model::{earliest_in, NeedIdx, ProviderIdx, Slot};

/// Empty routes of one profile looked at for an elder who avoids some carers.
const EMPTY_TRIES: usize = 4;

/// How places for a one-carer need compare, smaller first: added travel, then
/// [`Builder::tie`], then the slot.
pub(crate) type InsertKey = (i64, (bool, i64), Slot);

/// Two insertions of one synchronised need at one common start.
#[derive(Debug, Clone)]
pub(crate) struct PairMove {
    pub(crate) a: (Slot, Insertion),
    pub(crate) b: (Slot, Insertion),
    pub(crate) start: i64,
}

impl Builder<'_> {
    /// Where need `n` may go: its insertion neighbourhood. The routes of its candidate
    /// slots that have visits; the routes serving its `near` needs whose carer
    /// qualifies (rule 2); and for candidate slots whose route is empty, the elder's
    /// trusted carers' own, and the first empty route of each of their profiles
    /// ([`super::Profiles`]: one empty route stands for all those that would cost the
    /// same). When every carer leaves from one station, the nearest providers by start
    /// point are an arbitrary few; the routes of a need's neighbours are where it
    /// belongs.
    pub(crate) fn slots_for(&mut self, cands: &Candidates, near: &[u32], n: NeedIdx) -> Vec<Slot> {
        let problem = self.problem;
        self.stamp += 1;
        let stamp = self.stamp;
        let mut out: Vec<Slot> = Vec::new();
        let mut profiles: Vec<u32> = Vec::new();
        for &slot in cands.of(n) {
            let ri = self.route_ix(slot);
            let empty = self.routes[ri].stops().is_empty();
            if empty && !self.trusted(n, slot.provider) {
                profiles.push(problem.profile_of(ri));
            } else if self.seen[ri] != stamp {
                self.seen[ri] = stamp;
                out.push(slot);
            }
        }
        for &m in near {
            for ri in self.at[m as usize] {
                if ri == NONE || self.seen[ri as usize] == stamp {
                    continue;
                }
                self.seen[ri as usize] = stamp;
                let slot = self.routes[ri as usize].slot;
                if problem.disqualification(slot.provider, n).is_none() {
                    out.push(slot);
                }
            }
        }
        profiles.sort_unstable();
        profiles.dedup();
        for pr in profiles {
            let first = self.first_empty(pr, EMPTY_TRIES).into_iter().find(|&ri| {
                problem
                    .disqualification(self.routes[ri].provider(), n)
                    .is_none()
            });
            if let Some(ri) = first {
                if self.seen[ri] != stamp {
                    self.seen[ri] = stamp;
                    out.push(self.routes[ri].slot);
                }
            }
        }
        out
    }

    /// Feasible insertions of `n` into `slot` that respect the provider's limits,
    /// cheapest first, at most `keep` (all when 0).
    pub(crate) fn options(
        &self,
        slot: Slot,
        n: NeedIdx,
        fixed: Option<i64>,
        keep: usize,
    ) -> Vec<Insertion> {
        let Some(room) = self.room(slot, n) else {
            return Vec::new();
        };
        let r = &self.routes[self.route_ix(slot)];
        let mut ins = r.insertions(self.problem, n, fixed, 0);
        if let Some(room) = room {
            ins.retain(|i| i.delta <= room);
        }
        if keep > 0 {
            ins.truncate(keep);
        }
        ins
    }

    /// The cheapest feasible insertion of `n` into `slot` within the provider's limits
    /// (ties to the earlier position), passing over the places for which `skip`
    /// answers true.
    pub(crate) fn best_option(
        &self,
        slot: Slot,
        n: NeedIdx,
        fixed: Option<i64>,
        mut skip: impl FnMut() -> bool,
    ) -> Option<Insertion> {
        let room = self.room(slot, n)?;
        let r = &self.routes[self.route_ix(slot)];
        let mut best: Option<Insertion> = None;
        r.each_insertion(self.problem, n, fixed, |i| {
            if room.is_some_and(|room| i.delta > room)
                || best.as_ref().is_some_and(|b| b.delta <= i.delta)
                || skip()
            {
                return;
            }
            best = Some(i);
        });
        best
    }

    /// The cheapest place for one-carer need `n` among `slots`, by [`InsertKey`],
    /// passing over the places for which `skip` answers true.
    pub(crate) fn best_single(
        &self,
        slots: &[Slot],
        n: NeedIdx,
        fixed: Option<i64>,
        mut skip: impl FnMut() -> bool,
    ) -> Option<(InsertKey, Insertion)> {
        let mut best: Option<(InsertKey, Insertion)> = None;
        for &slot in slots {
            if let Some(ins) = self.best_option(slot, n, fixed, &mut skip) {
                let key = (ins.delta, self.tie(n, slot.provider), slot);
                if best.as_ref().is_none_or(|(k, _)| key < *k) {
                    best = Some((key, ins));
                }
            }
        }
        best
    }

    /// Inserts need `n` where it costs least among `slots`: into one route, or, for a
    /// two-carer need, into two routes of different providers at one common start; a
    /// pinned need at its pin. `Err(true)` when one carer could take a two-carer need
    /// but no pair could, `Err(false)` when it fits nowhere.
    pub(crate) fn insert(&mut self, slots: &[Slot], n: NeedIdx) -> Result<(), bool> {
        let need = self.problem.need(n);
        if need.caregivers == 1 {
            let fixed = need.pinned.map(|p| p.start);
            self.insert_single(slots, n, fixed)
                .then_some(())
                .ok_or(false)
        } else {
            self.insert_pair(slots, n, need.pinned.map(|p| p.provider))
        }
    }

    /// Inserts a one-carer need where it costs least. Returns false when it fits nowhere.
    pub(crate) fn insert_single(&mut self, slots: &[Slot], n: NeedIdx, fixed: Option<i64>) -> bool {
        match self.best_single(slots, n, fixed, || false) {
            Some(((_, _, slot), ins)) => {
                self.apply(slot, n, &ins, fixed);
                true
            }
            None => false,
        }
    }

    /// Inserts a two-carer need into two routes of different providers at one common
    /// start. `must` names a provider that must be one of the two (pinned).
    /// Returns `Err(true)` when some single route could take it but no pair could.
    pub(crate) fn insert_pair(
        &mut self,
        slots: &[Slot],
        n: NeedIdx,
        must: Option<ProviderIdx>,
    ) -> Result<(), bool> {
        let pair = self.best_pair(slots, n, must)?;
        self.apply_pair(n, &pair);
        Ok(())
    }

    /// Applies a move found by [`Builder::best_pair`].
    pub(crate) fn apply_pair(&mut self, n: NeedIdx, pair: &PairMove) {
        self.apply(pair.a.0, n, &pair.a.1, Some(pair.start));
        self.apply(pair.b.0, n, &pair.b.1, Some(pair.start));
    }

    /// The cheapest way to insert a two-carer need into two routes of different
    /// providers at one common start; `Err(true)` when some single route could take it
    /// but no pair could.
    pub(crate) fn best_pair(
        &self,
        slots: &[Slot],
        n: NeedIdx,
        must: Option<ProviderIdx>,
    ) -> Result<PairMove, bool> {
        const KEEP: usize = 4;
        let windows = self.problem.allowed_starts(n).into_owned();
        let mut opts: Vec<(Slot, Insertion)> = slots
            .iter()
            .flat_map(|&s| {
                self.options(s, n, None, KEEP)
                    .into_iter()
                    .map(move |i| (s, i))
            })
            .collect();
        // Cheapest first, so that both loops stop once no pair can beat the best.
        opts.sort_by_key(|(s, i)| (i.delta, *s, i.pos));
        type Key = (i64, i64, bool, i64, Slot, Slot);
        let mut best: Option<(Key, usize, usize, i64)> = None;
        for (a, (sa, ia)) in opts.iter().enumerate() {
            if best.as_ref().is_some_and(|(k, ..)| 2 * ia.delta > k.0) {
                break;
            }
            for (b, (sb, ib)) in opts.iter().enumerate().skip(a + 1) {
                if best
                    .as_ref()
                    .is_some_and(|(k, ..)| ia.delta + ib.delta > k.0)
                {
                    break;
                }
                if sa.provider == sb.provider {
                    continue;
                }
                if must.is_some_and(|m| sa.provider != m && sb.provider != m) {
                    continue;
                }
                let lo = ia.earliest.max(ib.earliest);
                let hi = ia.latest.min(ib.latest);
                let Some(t) = earliest_in(&windows, lo).filter(|&t| t <= hi) else {
                    continue;
                };
                let (ta, tb) = (self.tie(n, sa.provider), self.tie(n, sb.provider));
                let key = (
                    ia.delta + ib.delta,
                    t,
                    ta.0 && tb.0,
                    ta.1 + tb.1,
                    *sa.min(sb),
                    *sa.max(sb),
                );
                if best.as_ref().is_none_or(|(k, ..)| key < *k) {
                    best = Some((key, a, b, t));
                }
            }
        }
        match best {
            Some((_, a, b, start)) => Ok(PairMove {
                a: opts[a].clone(),
                b: opts[b].clone(),
                start,
            }),
            None => Err(!opts.is_empty()),
        }
    }
}
