//! Contracted hours: a carer's work (travel + service) on a day against her
//! `regular_work`, and over the horizon against her `regular_work_total`. Each second
//! beyond either is a second of `overtime`, each second short of it (on a day she has
//! a shift; over the horizon) a second of `under_hours`; both are terms of the cost,
//! weighed by `weights.overtime` and `weights.under_hours`. The hard caps stay
//! `max_work` and `max_work_total` ([`super::limits`]).

use crate::model::{NeedIdx, Problem};
use crate::objective::Terms;
use crate::routes::proposal::{Applied, Proposal};
use crate::routes::{Builder, Insertion, RouteState};

use super::Rule;

/// The books: per (provider, day) group, the contracted seconds (none: not counted)
/// and the work so far, and the same per provider over the horizon (after the
/// groups); the plan's terms.
pub(crate) struct Workload {
    regular: Vec<Option<i64>>,
    work: Vec<i64>,
    /// Where the providers' books start in `regular` and `work`.
    totals: usize,
    terms: Terms,
}

/// The rule, when some carer has contracted hours and either side of them is priced.
pub(crate) fn make(problem: &Problem) -> Option<Box<dyn Rule>> {
    let w = &problem.options().weights;
    let contracted = (problem.providers().iter())
        .any(|p| p.regular_work.is_some() || p.regular_work_total.is_some());
    if !contracted || w.overtime == 0 && w.under_hours == 0 {
        return None;
    }
    let totals = problem.day_groups();
    let mut regular = vec![None; totals];
    let mut ri = 0;
    for p in problem.providers() {
        for _ in &p.shifts {
            regular[problem.day_group(ri)] = p.regular_work;
            ri += 1;
        }
    }
    regular.extend(problem.providers().iter().map(|p| p.regular_work_total));
    let mut rule = Workload {
        work: vec![0; regular.len()],
        regular,
        totals,
        terms: Terms::default(),
    };
    for g in 0..rule.regular.len() {
        rule.terms += rule.of(g, 0);
    }
    Some(Box::new(rule))
}

impl Workload {
    /// The terms of group `g` working `work` seconds.
    fn of(&self, g: usize, work: i64) -> Terms {
        let Some(r) = self.regular[g] else {
            return Terms::default();
        };
        Terms {
            overtime: (work - r).max(0),
            under_hours: (r - work).max(0),
            ..Terms::default()
        }
    }

    /// The books route `ri` counts in: its (provider, day) group and its provider's
    /// total.
    fn books(&self, problem: &Problem, ri: usize, p: crate::model::ProviderIdx) -> [usize; 2] {
        [problem.day_group(ri), self.totals + p.ix()]
    }

    /// What `added` more seconds of work in book `g` change in the terms.
    fn delta(&self, g: usize, added: i64) -> Terms {
        let (now, after) = (self.of(g, self.work[g]), self.of(g, self.work[g] + added));
        Terms {
            overtime: after.overtime - now.overtime,
            under_hours: after.under_hours - now.under_hours,
            ..Terms::default()
        }
    }
}

impl Rule for Workload {
    fn apply(&mut self, problem: &Problem, c: &Applied<'_>) {
        let added = c.after.work() - c.before.work();
        for g in self.books(problem, c.ri, c.provider) {
            self.terms += self.delta(g, added);
            self.work[g] += added;
        }
    }

    fn terms(&self, t: &mut Terms) {
        t.overtime += self.terms.overtime;
        t.under_hours += self.terms.under_hours;
    }

    fn is_timed(&self) -> bool {
        true
    }

    fn timed(
        &self,
        b: &Builder<'_>,
        route: &RouteState,
        n: NeedIdx,
        ins: &Insertion,
        _start: i64,
        t: &mut Terms,
    ) {
        let ri = b.route_ix(route.slot);
        for g in self.books(b.problem(), ri, route.provider()) {
            *t += self.delta(g, b.problem().need(n).duration + ins.delta);
        }
    }

    fn change(&self, b: &Builder<'_>, p: &Proposal<'_>, t: &mut Terms) {
        // Changes to routes of one (provider, day) group add up, and of one provider.
        let problem = b.problem();
        let mut groups: Vec<(usize, i64)> = Vec::with_capacity(2 * p.routes.len());
        for c in p.routes {
            for g in self.books(problem, c.ri, b.route(c.ri).provider()) {
                match groups.iter_mut().find(|x| x.0 == g) {
                    Some(x) => x.1 += c.work(),
                    None => groups.push((g, c.work())),
                }
            }
        }
        for (g, added) in groups {
            *t += self.delta(g, added);
        }
    }

    fn exact_on_figures(&self) -> bool {
        // The terms are not linear in a group's work: a move's parts judged one by one
        // (a removal, then an insertion on the same day) would not add up.
        false
    }

    fn handover(
        &self,
        b: &Builder<'_>,
        row: usize,
        col: usize,
        _to: crate::model::ProviderIdx,
    ) -> Option<Terms> {
        // Route `row`'s work in place of `col`'s, on `col`'s day and for its carer.
        let (r, c) = (b.route(row).figures(), b.route(col).figures());
        let books = self.books(b.problem(), col, b.route(col).provider());
        Some(books.into_iter().fold(Terms::default(), |mut t, g| {
            t += self.delta(g, r.work() - c.work());
            t
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_beyond_and_short_of_the_contract_are_counted_apart() {
        let rule = Workload {
            regular: vec![Some(100), None],
            work: vec![90, 500],
            totals: 2,
            terms: Terms::default(),
        };
        assert_eq!(
            (rule.of(0, 130).overtime, rule.of(0, 130).under_hours),
            (30, 0)
        );
        assert_eq!(
            (rule.of(0, 60).overtime, rule.of(0, 60).under_hours),
            (0, 40)
        );
        // From 90 to 120: 10 short become 20 over.
        let d = rule.delta(0, 30);
        assert_eq!((d.overtime, d.under_hours), (20, -10));
        // No contract: nothing counted.
        assert_eq!(rule.delta(1, 1_000), Terms::default());
    }
}
