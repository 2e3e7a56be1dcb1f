//! Continuity of care: per elder, the distinct carers who visit them. With a weight on
//! carer changes (`weights.carer_changes`), the plan's carer changes — per elder, its
//! distinct carers minus one, summed — are a term of the cost; over a horizon the rule
//! also points the search at the carers an elder already knows.

use crate::model::{ElderIdx, NeedIdx, Problem, ProviderIdx};
use crate::objective::Terms;
use crate::routes::proposal::{Applied, Proposal};
use crate::routes::{Builder, RouteState};

use super::Rule;

/// The books: per elder, (provider, visits) of each of its carers; the plan's carer
/// changes.
pub(crate) struct Continuity {
    carers: Vec<Vec<(u32, u32)>>,
    changes: i64,
    horizon: bool,
}

/// The rule, when carer changes are priced.
pub(crate) fn make(problem: &Problem) -> Option<Box<dyn Rule>> {
    crate::objective::prices_carer_changes(problem).then(|| {
        Box::new(Continuity {
            carers: vec![Vec::new(); problem.elders().len()],
            changes: 0,
            horizon: problem.has_horizon(),
        }) as Box<dyn Rule>
    })
}

impl Continuity {
    /// Counts (`sign` 1) or stops counting (−1) a visit of `p` to elder `e`.
    fn count(&mut self, e: ElderIdx, p: ProviderIdx, sign: i32) {
        let list = &mut self.carers[e.ix()];
        let before = list.len();
        match list.iter().position(|c| c.0 == p.0) {
            Some(k) if sign < 0 => {
                list[k].1 -= 1;
                if list[k].1 == 0 {
                    list.swap_remove(k);
                }
            }
            Some(k) => list[k].1 += 1,
            None if sign > 0 => list.push((p.0, 1)),
            None => debug_assert!(false, "no such carer"),
        }
        let changes = |len: usize| len.saturating_sub(1) as i64;
        self.changes += changes(list.len()) - changes(before);
    }

    /// How many visits `p` makes to elder `e`.
    fn visits(&self, e: ElderIdx, p: ProviderIdx) -> u32 {
        self.carers[e.ix()]
            .iter()
            .find(|c| c.0 == p.0)
            .map_or(0, |c| c.1)
    }

    /// The plan's carer changes after `delta`: (elder, provider, visits added).
    fn after(&self, mut delta: Vec<(u32, u32, i32)>) -> i64 {
        delta.sort_unstable();
        let mut changes = self.changes;
        for group in delta.chunk_by(|a, b| a.0 == b.0) {
            let mut list = self.carers[group[0].0 as usize].clone();
            let before = list.len();
            for &(_, p, d) in group {
                match list.iter().position(|c| c.0 == p) {
                    Some(k) => list[k].1 = (i64::from(list[k].1) + i64::from(d)) as u32,
                    None => list.push((p, d.max(0) as u32)),
                }
            }
            let after = list.iter().filter(|c| c.1 > 0).count();
            changes += after.saturating_sub(1) as i64 - before.saturating_sub(1) as i64;
        }
        changes
    }
}

impl Rule for Continuity {
    fn apply(&mut self, problem: &Problem, c: &Applied<'_>) {
        for (stops, sign) in [(c.left, -1), (c.came, 1)] {
            for s in stops {
                self.count(problem.need(s.need).elder, c.provider, sign);
            }
        }
    }

    fn terms(&self, t: &mut Terms) {
        t.carer_changes += self.changes;
    }

    fn placing(&self, b: &Builder<'_>, ri: usize, n: NeedIdx, t: &mut Terms) {
        let p = b.route(ri).provider();
        let list = &self.carers[b.problem().need(n).elder.ix()];
        t.carer_changes += i64::from(!list.is_empty() && !list.iter().any(|c| c.0 == p.0));
    }

    fn change(&self, b: &Builder<'_>, p: &Proposal<'_>, t: &mut Terms) {
        let problem = b.problem();
        let elder = |n: NeedIdx| problem.need(n).elder.0;
        let mut delta: Vec<(u32, u32, i32)> = Vec::new();
        if p.rebuilt() {
            for c in p.routes {
                let old = b.route(c.ri);
                let new: &RouteState = c.rebuilt.unwrap_or(old);
                let prov = new.provider().0;
                delta.extend(old.stops().iter().map(|s| (elder(s.need), prov, -1)));
                delta.extend(new.stops().iter().map(|s| (elder(s.need), prov, 1)));
            }
        } else {
            for h in p.handed {
                for (n, from, to) in h.each().filter(|m| m.1 != m.2) {
                    delta.extend(from.map(|f| (elder(n), f.0, -1)));
                    delta.extend(to.map(|x| (elder(n), x.0, 1)));
                }
            }
            if delta.is_empty() {
                return;
            }
        }
        t.carer_changes += self.after(delta) - self.changes;
    }

    fn per_elder(&self) -> bool {
        self.horizon
    }

    fn suggest(&self, b: &Builder<'_>, n: NeedIdx, from: ProviderIdx, out: &mut Vec<ProviderIdx>) {
        // The elder's carers who visit it at least as often as `from` does.
        let e = b.problem().need(n).elder;
        let mine = self.visits(e, from);
        out.extend(
            self.carers[e.ix()]
                .iter()
                .filter(|c| c.0 != from.0 && c.1 >= mine)
                .map(|c| ProviderIdx(c.0)),
        );
    }

    fn handover(&self, b: &Builder<'_>, row: usize, col: usize, to: ProviderIdx) -> Option<Terms> {
        // A carer change per elder of `row` whom `to` sees nowhere but in `col`.
        let problem = b.problem();
        let (r, c) = (b.route(row), b.route(col));
        let mut elders: Vec<(ElderIdx, u32)> = Vec::new();
        for s in r.stops() {
            let e = problem.need(s.need).elder;
            match elders.iter_mut().find(|x| x.0 == e) {
                Some(x) => x.1 += 1,
                None => elders.push((e, 1)),
            }
        }
        let in_col = |e: ElderIdx| {
            let of = |s: &&crate::routes::StopState| problem.need(s.need).elder == e;
            c.stops().iter().filter(of).count() as u32
        };
        let new = elders
            .iter()
            .filter(|&&(e, _)| self.visits(e, to) == in_col(e))
            .count();
        Some(Terms {
            carer_changes: new as i64,
            ..Terms::default()
        })
    }
}
