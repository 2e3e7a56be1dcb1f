//! Least change: while an event batch re-optimises the rest of a day
//! ([`crate::events`]), each visit made by another carer than the plan before the
//! batch gave it is a term of the cost (`plan_changes`, weighed by
//! `weights.plan_changes`), so a sick carer's afternoon is shared out without
//! reshuffling everyone else's. A visit new to the plan, or that had no carer before,
//! is no change. Only a problem that holds a reference plan
//! ([`Problem`]'s `reference`) has the rule.

use crate::model::{NeedIdx, Problem, ProviderIdx};
use crate::objective::Terms;
use crate::routes::proposal::{Applied, Proposal};
use crate::routes::{Builder, RouteState};

use super::Rule;

/// The books: per need, the carer before the batch; the visits now made by another.
pub(crate) struct Changes {
    before: std::sync::Arc<Vec<Option<ProviderIdx>>>,
    changed: i64,
}

/// The rule, while a plan is re-planned with changes priced.
pub(crate) fn make(problem: &Problem) -> Option<Box<dyn Rule>> {
    let before = problem.reference.clone()?;
    (problem.options().weights.plan_changes > 0)
        .then(|| Box::new(Changes { before, changed: 0 }) as Box<dyn Rule>)
}

impl Changes {
    /// 1 when `p` making the visit of `n` is a change, else 0.
    fn of(&self, n: NeedIdx, p: ProviderIdx) -> i64 {
        let was = self.before.get(n.ix()).copied().flatten();
        i64::from(was.is_some_and(|w| w != p))
    }

    /// The changes among `route`'s visits.
    fn in_route(&self, route: &RouteState) -> i64 {
        let p = route.provider();
        route.stops().iter().map(|s| self.of(s.need, p)).sum()
    }
}

impl Rule for Changes {
    fn apply(&mut self, _problem: &Problem, c: &Applied<'_>) {
        for (stops, sign) in [(c.left, -1), (c.came, 1)] {
            for s in stops {
                self.changed += sign * self.of(s.need, c.provider);
            }
        }
    }

    fn terms(&self, t: &mut Terms) {
        t.plan_changes += self.changed;
    }

    fn placing(&self, b: &Builder<'_>, ri: usize, n: NeedIdx, t: &mut Terms) {
        t.plan_changes += self.of(n, b.route(ri).provider());
    }

    fn change(&self, b: &Builder<'_>, p: &Proposal<'_>, t: &mut Terms) {
        if p.rebuilt() {
            for c in p.routes {
                let old = b.route(c.ri);
                let new = c.rebuilt.unwrap_or(old);
                t.plan_changes += self.in_route(new) - self.in_route(old);
            }
            return;
        }
        for h in p.handed {
            for (n, from, to) in h.each().filter(|m| m.1 != m.2) {
                t.plan_changes +=
                    to.map_or(0, |x| self.of(n, x)) - from.map_or(0, |f| self.of(n, f));
            }
        }
    }

    fn suggest(&self, _b: &Builder<'_>, n: NeedIdx, from: ProviderIdx, out: &mut Vec<ProviderIdx>) {
        // The carer the visit had before, when it is not `from`.
        out.extend(
            self.before
                .get(n.ix())
                .copied()
                .flatten()
                .filter(|&w| w != from),
        );
    }

    fn handover(&self, b: &Builder<'_>, row: usize, _col: usize, to: ProviderIdx) -> Option<Terms> {
        let changed = b
            .route(row)
            .stops()
            .iter()
            .map(|s| self.of(s.need, to))
            .sum();
        Some(Terms {
            plan_changes: changed,
            ..Terms::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visit_counts_as_changed_only_when_it_had_another_carer() {
        let rule = Changes {
            before: std::sync::Arc::new(vec![Some(ProviderIdx(0)), None]),
            changed: 0,
        };
        assert_eq!(rule.of(NeedIdx(0), ProviderIdx(0)), 0);
        assert_eq!(rule.of(NeedIdx(0), ProviderIdx(1)), 1);
        // No carer before (new, or unserved): no change.
        assert_eq!(rule.of(NeedIdx(1), ProviderIdx(1)), 0);
        // A need the reference does not know (added after it): no change.
        assert_eq!(rule.of(NeedIdx(7), ProviderIdx(1)), 0);
    }
}
