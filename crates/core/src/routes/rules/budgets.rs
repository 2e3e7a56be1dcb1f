//! Rule 9, elders' budgets (v1.1): what an elder's visits cost — at home at the
//! provider's price ([`Problem::price`]), at venues at the service's — stays within the
//! elder's `budget` over the horizon. Needs left out for room whose elder cannot pay
//! any candidate carer get reason `over_budget`.

use crate::feasibility::Candidates;
use crate::model::{NeedIdx, Problem, ProviderIdx};
use crate::routes::proposal::{Addition, Applied, Proposal, Room, Stage};
use crate::routes::Builder;
use crate::wire::Reason;

use super::Rule;

/// The budgets' books: what each elder may still spend.
pub(crate) struct Budgets {
    left: Vec<i64>,
}

/// The rule, when some elder has a budget.
pub(crate) fn make(problem: &Problem) -> Option<Box<dyn Rule>> {
    problem.has_budgets().then(|| {
        let left = problem
            .elders()
            .iter()
            .map(|e| e.budget.unwrap_or(crate::limits::MAX_MONEY * 4))
            .collect();
        Box::new(Budgets { left }) as Box<dyn Rule>
    })
}

impl Budgets {
    /// Whether every elder can pay what `spend` ((elder, amount) pairs, amounts may be
    /// negative) adds to what it spends now.
    fn affordable(&self, mut spend: Vec<(usize, i64)>) -> bool {
        match spend.as_slice() {
            [] => true,
            [(e, amount)] => *amount <= self.left[*e],
            _ => {
                spend.sort_unstable();
                spend
                    .chunk_by(|a, b| a.0 == b.0)
                    .all(|g| g.iter().map(|x| x.1).sum::<i64>() <= self.left[g[0].0])
            }
        }
    }

    /// What a visit of `n` by `p` costs its elder: (elder, price).
    fn price(problem: &Problem, n: NeedIdx, p: ProviderIdx) -> (usize, i64) {
        (problem.need(n).elder.ix(), problem.price(n, p))
    }
}

impl Rule for Budgets {
    fn apply(&mut self, problem: &Problem, c: &Applied<'_>) {
        for (stops, sign) in [(c.left, -1), (c.came, 1)] {
            for s in stops {
                let (e, price) = Self::price(problem, s.need, c.provider);
                self.left[e] -= sign * price;
            }
        }
    }

    fn counts_elsewhere(&self) -> bool {
        true
    }

    fn elsewhere(
        &mut self,
        problem: &Problem,
        visits: &[(NeedIdx, Option<ProviderIdx>)],
        sign: i64,
    ) {
        for &(n, p) in visits {
            let price = p.map_or(problem.need(n).price, |p| problem.price(n, p));
            self.left[problem.need(n).elder.ix()] -= sign * price;
        }
    }

    fn room(&self, b: &Builder<'_>, ri: usize, add: &Addition<'_>) -> Option<Room> {
        let p = b.route(ri).provider();
        let spend = add.needs.iter().map(|&n| Self::price(b.problem(), n, p));
        self.affordable(spend.collect()).then_some(Room::ANY)
    }

    fn admits(&self, b: &Builder<'_>, p: &Proposal<'_>, stage: Stage) -> bool {
        if stage == Stage::Screen {
            return true;
        }
        let problem = b.problem();
        let mut spend: Vec<(usize, i64)> = Vec::new();
        if p.rebuilt() {
            // Only what the replaced routes' elders spend differently.
            for c in p.routes {
                let (old, new) = (b.route(c.ri), c.rebuilt.unwrap_or(b.route(c.ri)));
                for (r, sign) in [(old, -1), (new, 1)] {
                    for s in r.stops() {
                        let (e, price) = Self::price(problem, s.need, r.provider());
                        spend.push((e, sign * price));
                    }
                }
            }
            return self.affordable(spend);
        }
        for h in p.handed {
            for (n, from, to) in h.each() {
                let price = |p: Option<ProviderIdx>| p.map_or(0, |p| problem.price(n, p));
                spend.push((problem.need(n).elder.ix(), price(to) - price(from)));
            }
        }
        self.affordable(spend)
    }

    fn reason(&self, b: &Builder<'_>, cands: &Candidates, n: NeedIdx) -> Option<(Reason, String)> {
        let problem = b.problem();
        let need = problem.need(n);
        let left = self.left[need.elder.ix()];
        let cheapest = cands
            .of(n)
            .iter()
            .map(|s| problem.price(n, s.provider))
            .min()?;
        (cheapest * i64::from(need.caregivers) > left).then(|| {
            (
                Reason::OverBudget,
                format!(
                    "the elder's budget has {left} left after visits of higher priority; this visit costs at least {cheapest}"
                ),
            )
        })
    }
}
