//! Ruin: slack induction by string removals (Christiaens and Vanden Berghe, 2020).
//!
//! From a random seed visit, walk its neighbours nearest first; from each route met
//! for the first time, remove a string of consecutive visits (of random length up to
//! [`MAX_STRING`]) that contains the neighbour, until about [`MEAN_REMOVED`] visits are
//! out. Pinned visits stay; a two-carer need leaves both its routes, a need of a link
//! leaves with its partners.
//!
//! Where a rule prices who serves an elder (carer changes over a horizon), a string of
//! one day's visits rarely finds a better carer: each visit alone would add a change.
//! So some iterations ruin by elder instead
//! ([`Search::ruin_elders`]): every visit, on every day, of the seed's elder and of a
//! few elders near it, so recreate can hand a whole week to another carer.

use rand::Rng;

use super::Search;
use crate::model::NeedIdx;
use crate::routes::Unit;

/// Mean number of visits removed per iteration.
pub(super) const MEAN_REMOVED: usize = 10;
/// Longest string removed from one route.
const MAX_STRING: usize = 10;

impl Search<'_> {
    /// Removes strings of visits from routes near `seed`; `None` when a route broke.
    pub(super) fn ruin(&mut self, seed: u32) -> Option<Vec<u32>> {
        let max = (2 * MEAN_REMOVED).min(self.score.served.max(1) as usize);
        let target = self.rng.random_range(1..=max);
        let mut removed = Vec::new();
        let mut ruined: Vec<usize> = Vec::new();
        let mut k = 0;
        let len = self.near(seed).len();
        while removed.len() < target && k <= len {
            let c = if k == 0 { seed } else { self.near(seed)[k - 1] };
            k += 1;
            let Some(ri) = self.at(c).first() else {
                continue;
            };
            if ruined.contains(&ri) {
                continue;
            }
            let route = self.st.route(ri);
            let stops = route.stops();
            let Some(pos) = stops.iter().position(|s| s.need.0 == c) else {
                continue;
            };
            let l = self.rng.random_range(1..=MAX_STRING.min(stops.len()));
            let lo = (pos + 1).saturating_sub(l);
            let hi = pos.min(stops.len() - l);
            let first = self.rng.random_range(lo..=hi);
            let string: Vec<NeedIdx> = stops[first..first + l]
                .iter()
                .filter(|s| s.fixed.is_none() || self.problem.need(s.need).pinned.is_none())
                .map(|s| s.need)
                .collect();
            ruined.push(ri);
            for n in string {
                // A need leaves with its whole unit: a link's partners too.
                for m in Unit::of(self.problem, n).needs(self.problem) {
                    let routes = self.at(m.0);
                    if !routes.is_served() {
                        continue;
                    }
                    self.remove_need(m);
                    ruined.extend(routes.routes().filter(|&r| r != ri));
                    removed.push(m.0);
                }
            }
        }
        let ok = ruined.iter().all(|&ri| self.st.holds(ri));
        ok.then_some(removed)
    }

    /// Removes every visit of the elder of `seed` and of up to [`MAX_ELDERS`] − 1
    /// elders of its nearest needs; `None` when a route broke.
    pub(super) fn ruin_elders(&mut self, seed: u32) -> Option<Vec<u32>> {
        let problem = self.problem;
        let want = self.rng.random_range(1..=MAX_ELDERS);
        let mut elders: Vec<u32> = Vec::with_capacity(want);
        for &c in std::iter::once(&seed).chain(self.near(seed)) {
            let e = problem.need(NeedIdx(c)).elder.0;
            if !elders.contains(&e) {
                elders.push(e);
                if elders.len() == want {
                    break;
                }
            }
        }
        let mut removed = Vec::new();
        let mut ruined: Vec<usize> = Vec::new();
        for &e in &elders {
            for k in 0..self.by_elder[e as usize].len() {
                let n = self.by_elder[e as usize][k];
                let need = problem.need(NeedIdx(n));
                if !self.at(n).is_served() || need.pinned.is_some() {
                    continue;
                }
                for m in Unit::of(problem, NeedIdx(n)).needs(problem) {
                    let routes = self.at(m.0);
                    if !routes.is_served() {
                        continue;
                    }
                    self.remove_need(m);
                    ruined.extend(routes.routes());
                    removed.push(m.0);
                }
            }
        }
        let ok = ruined.iter().all(|&ri| self.st.holds(ri));
        ok.then_some(removed)
    }
}

/// Most elders one elder ruin takes out.
const MAX_ELDERS: usize = 3;
