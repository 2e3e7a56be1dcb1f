//! Rule 5, a carer's travel per day (v1.2, `providers[].max_travel`): the seconds a
//! carer travels on one day stay within its `max_travel` — a carer on foot, or an
//! older volunteer, should not walk more than, say, 40 minutes a day. Only what grows
//! is checked, so a move that shortens a day is never refused.

use crate::model::{Problem, ProviderIdx};
use crate::objective::Terms;
use crate::routes::proposal::{Addition, Applied, Proposal, Room, Stage};
use crate::routes::Builder;

use super::Rule;

/// The books: per (provider, day) group ([`crate::model::Days`]), the seconds of
/// travel so far.
pub(crate) struct MaxTravel {
    day: Vec<i64>,
}

/// The rule, when some provider has a `max_travel`.
pub(crate) fn make(problem: &Problem) -> Option<Box<dyn Rule>> {
    let any = problem.providers().iter().any(|p| p.max_travel.is_some());
    any.then(|| {
        Box::new(MaxTravel {
            day: vec![0; problem.day_groups()],
        }) as Box<dyn Rule>
    })
}

impl MaxTravel {
    /// Route `ri`'s provider's `max_travel` and its travel so far on the route's day.
    fn of(&self, b: &Builder<'_>, ri: usize) -> (Option<i64>, i64) {
        let problem = b.problem();
        let p = problem.provider(b.route(ri).provider());
        (p.max_travel, self.day[problem.day_group(ri)])
    }
}

impl Rule for MaxTravel {
    fn apply(&mut self, problem: &Problem, c: &Applied<'_>) {
        self.day[problem.day_group(c.ri)] += c.after.travel - c.before.travel;
    }

    fn room(&self, b: &Builder<'_>, ri: usize, add: &Addition<'_>) -> Option<Room> {
        let (max, used) = self.of(b, ri);
        Some(max.map_or(Room::ANY, |m| Room::at_most(m - used - add.travel)))
    }

    fn admits(&self, b: &Builder<'_>, p: &Proposal<'_>, _stage: Stage) -> bool {
        // Changes to routes of one carer's day add up.
        let problem = b.problem();
        p.routes.iter().all(|c| {
            let g = problem.day_group(c.ri);
            let more: i64 = (p.routes.iter())
                .filter(|x| problem.day_group(x.ri) == g)
                .map(|x| x.travel)
                .sum();
            let (max, used) = self.of(b, c.ri);
            more <= 0 || max.is_none_or(|m| used + more <= m)
        })
    }

    fn holds(&self, b: &Builder<'_>, ri: usize) -> bool {
        let (max, used) = self.of(b, ri);
        max.is_none_or(|m| used <= m)
    }

    fn handover(&self, b: &Builder<'_>, row: usize, col: usize, _to: ProviderIdx) -> Option<Terms> {
        let more = b.route(row).travel - b.route(col).travel;
        let (max, used) = self.of(b, col);
        (row == col || more <= 0 || max.is_none_or(|m| used + more <= m)).then(Terms::default)
    }
}
