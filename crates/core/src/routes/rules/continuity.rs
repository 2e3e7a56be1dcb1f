//! Continuity of care: per elder, the distinct carers who visit them. With a weight on
//! carer changes (`weights.carer_changes`), the plan's carer changes — per elder, the
//! carers they do not know from `history`, less one for an elder who knows nobody,
//! summed ([`crate::objective::changes_of`]) — are a term of the cost; over a horizon
//! the rule also points the search at the carers an elder already knows.

use crate::model::{ElderIdx, NeedIdx, Problem, ProviderIdx};
use crate::objective::Terms;
use crate::routes::proposal::{Applied, Proposal};
use crate::routes::{Builder, RouteState};

use super::Rule;

/// The books: per elder, (provider, visits) of each of its carers; the plan's carer
/// changes; per elder, the carers they know from history (none when nobody knows
/// anyone).
pub(crate) struct Continuity {
    carers: Vec<Vec<(u32, u32)>>,
    changes: i64,
    horizon: bool,
    known: Vec<Vec<ProviderIdx>>,
}

/// The rule, when carer changes are priced.
pub(crate) fn make(problem: &Problem) -> Option<Box<dyn Rule>> {
    crate::objective::prices_carer_changes(problem).then(|| {
        Box::new(Continuity {
            carers: vec![Vec::new(); problem.elders().len()],
            changes: 0,
            horizon: problem.has_horizon(),
            known: if problem.elders().iter().any(|e| !e.known.is_empty()) {
                problem.elders().iter().map(|e| e.known.clone()).collect()
            } else {
                Vec::new()
            },
        }) as Box<dyn Rule>
    })
}

impl Continuity {
    /// The carers elder `e` knows from history.
    fn known(&self, e: u32) -> &[ProviderIdx] {
        self.known.get(e as usize).map_or(&[], |k| k.as_slice())
    }

    /// Elder `e`'s carer changes with `carers` (provider, visits; those of 0 visits
    /// do not count).
    fn changes_with(&self, e: u32, carers: &[(u32, u32)]) -> i64 {
        let known = self.known(e);
        let (mut distinct, mut strangers) = (0, 0);
        for c in carers.iter().filter(|c| c.1 > 0) {
            distinct += 1;
            strangers += u32::from(known.binary_search(&ProviderIdx(c.0)).is_err());
        }
        crate::objective::changes_of(distinct, strangers, !known.is_empty())
    }

    /// Counts (`sign` 1) or stops counting (−1) a visit of `p` to elder `e`.
    fn count(&mut self, e: ElderIdx, p: ProviderIdx, sign: i32) {
        let before = self.changes_with(e.0, &self.carers[e.ix()]);
        let list = &mut self.carers[e.ix()];
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
        self.changes += self.changes_with(e.0, &self.carers[e.ix()]) - before;
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
            let e = group[0].0;
            let mut list = self.carers[e as usize].clone();
            let before = self.changes_with(e, &list);
            for &(_, p, d) in group {
                match list.iter().position(|c| c.0 == p) {
                    Some(k) => list[k].1 = (i64::from(list[k].1) + i64::from(d)) as u32,
                    None => list.push((p, d.max(0) as u32)),
                }
            }
            changes += self.changes_with(e, &list) - before;
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

    fn elsewhere(
        &mut self,
        problem: &Problem,
        visits: &[(NeedIdx, Option<ProviderIdx>)],
        sign: i64,
    ) {
        // Visits in routes not read back still give the elder a carer; at a venue none.
        for &(n, p) in visits {
            if let Some(p) = p {
                self.count(problem.need(n).elder, p, sign as i32);
            }
        }
    }

    fn counts_elsewhere(&self) -> bool {
        true
    }

    fn terms(&self, t: &mut Terms) {
        t.carer_changes += self.changes;
    }

    fn placing(&self, b: &Builder<'_>, ri: usize, n: NeedIdx, t: &mut Terms) {
        let p = b.route(ri).provider();
        let e = b.problem().need(n).elder;
        let (list, known) = (&self.carers[e.ix()], self.known(e.0));
        let familiar = list.iter().any(|c| c.0 == p.0) || known.binary_search(&p).is_ok();
        let first = list.is_empty() && known.is_empty();
        t.carer_changes += i64::from(!familiar && !first);
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
        // The carers the elder knows from history, and its carers who visit it at least
        // as often as `from` does.
        let e = b.problem().need(n).elder;
        let mine = self.visits(e, from);
        out.extend(self.known(e.0).iter().filter(|&&k| k != from));
        out.extend(
            self.carers[e.ix()]
                .iter()
                .filter(|c| c.0 != from.0 && c.1 >= mine)
                .map(|c| ProviderIdx(c.0)),
        );
    }

    fn handover(&self, b: &Builder<'_>, row: usize, col: usize, to: ProviderIdx) -> Option<Terms> {
        // A carer change per elder of `row` whom `to` sees nowhere but in `col` and who
        // does not know `to` from history.
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
            .filter(|&&(e, _)| {
                self.visits(e, to) == in_col(e) && self.known(e.0).binary_search(&to).is_err()
            })
            .count();
        Some(Terms {
            carer_changes: new as i64,
            ..Terms::default()
        })
    }
}
