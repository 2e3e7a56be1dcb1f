//! Trusted carers: each visit to an elder who has trusted carers (`prefers`, or rated
//! well in `history`) made by none of them, and each visit to an elder with a
//! `primary` carer made by another, are terms of the cost (`not_preferred`,
//! `not_primary`, weighed by `weights.preferred` and `weights.primary`). Only a problem
//! that prices one of them holds the rule; what counts as trusted is
//! [`crate::trust::visit`]'s.

use crate::model::{NeedIdx, Problem, ProviderIdx};
use crate::objective::Terms;
use crate::routes::proposal::{Applied, Proposal};
use crate::routes::{Builder, RouteState};

use super::Rule;

/// The books: the plan's visits by no trusted carer, and by another than the primary.
pub(crate) struct Trusted {
    terms: Terms,
}

/// The rule, when trusted or primary carers are priced.
pub(crate) fn make(problem: &Problem) -> Option<Box<dyn Rule>> {
    crate::objective::prices_trust(problem).then(|| {
        Box::new(Trusted {
            terms: Terms::default(),
        }) as Box<dyn Rule>
    })
}

/// The terms of one visit of `p` for need `n`, times `sign`.
fn of(problem: &Problem, n: NeedIdx, p: ProviderIdx, sign: i64) -> Terms {
    let [_, with_trusted, trusted, with_primary, primary] =
        crate::trust::visit(problem, problem.need(n).elder, p);
    Terms {
        not_preferred: sign * (with_trusted - trusted) as i64,
        not_primary: sign * (with_primary - primary) as i64,
        ..Terms::default()
    }
}

/// The terms of every visit of `route`, times `sign`.
fn in_route(problem: &Problem, route: &RouteState, sign: i64) -> Terms {
    let mut t = Terms::default();
    for s in route.stops() {
        t += of(problem, s.need, route.provider(), sign);
    }
    t
}

impl Rule for Trusted {
    fn apply(&mut self, problem: &Problem, c: &Applied<'_>) {
        for (stops, sign) in [(c.left, -1), (c.came, 1)] {
            for s in stops {
                self.terms += of(problem, s.need, c.provider, sign);
            }
        }
    }

    fn terms(&self, t: &mut Terms) {
        *t += self.terms;
    }

    fn placing(&self, b: &Builder<'_>, ri: usize, n: NeedIdx, t: &mut Terms) {
        *t += of(b.problem(), n, b.route(ri).provider(), 1);
    }

    fn change(&self, b: &Builder<'_>, p: &Proposal<'_>, t: &mut Terms) {
        let problem = b.problem();
        if p.rebuilt() {
            for c in p.routes {
                let old = b.route(c.ri);
                *t += in_route(problem, c.rebuilt.unwrap_or(old), 1);
                *t += in_route(problem, old, -1);
            }
            return;
        }
        for h in p.handed {
            for (n, from, to) in h.each().filter(|m| m.1 != m.2) {
                if let Some(x) = to {
                    *t += of(problem, n, x, 1);
                }
                if let Some(f) = from {
                    *t += of(problem, n, f, -1);
                }
            }
        }
    }

    fn per_elder(&self) -> bool {
        true
    }

    fn suggest(&self, b: &Builder<'_>, n: NeedIdx, from: ProviderIdx, out: &mut Vec<ProviderIdx>) {
        // The elder's primary carer, then its trusted carers.
        let e = b.problem().elder(b.problem().need(n).elder);
        out.extend(e.primary.iter().chain(&e.trusted).filter(|&&p| p != from));
    }

    fn handover(&self, b: &Builder<'_>, row: usize, _col: usize, to: ProviderIdx) -> Option<Terms> {
        let problem = b.problem();
        let mut t = Terms::default();
        for s in b.route(row).stops() {
            t += of(problem, s.need, to, 1);
        }
        Some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visit_costs_when_no_trusted_carer_or_not_the_primary_makes_it() {
        let problem = Problem::from_json(
            br#"{"elders": [{"id": "e", "location": [0, 0], "prefers": ["a"], "primary": "b"},
                            {"id": "f", "location": [0, 0]}],
                 "needs": [{"id": "n", "elder": "e", "service": "meals", "windows": [[0, 9000]]},
                           {"id": "m", "elder": "f", "service": "meals", "windows": [[0, 9000]]}],
                 "providers": [{"id": "a", "kind": "staff", "start": [0, 0], "shifts": [[0, 9000]]},
                               {"id": "b", "kind": "staff", "start": [0, 0], "shifts": [[0, 9000]]},
                               {"id": "c", "kind": "staff", "start": [0, 0], "shifts": [[0, 9000]]}],
                 "options": {"weights": {"preferred": 1}}}"#,
        )
        .unwrap();
        let t = |n, p| {
            let x = of(&problem, NeedIdx(n), ProviderIdx(p), 1);
            (x.not_preferred, x.not_primary)
        };
        assert_eq!(t(0, 0), (0, 1), "trusted a, not the primary");
        assert_eq!(t(0, 1), (1, 0), "the primary b, not trusted");
        assert_eq!(t(0, 2), (1, 1), "a stranger");
        assert_eq!(t(1, 2), (0, 0), "an elder with no trusted carer");
    }
}
