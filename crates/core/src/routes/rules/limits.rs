//! Rule 5, a provider's limits per day and over the horizon: `max_visits`, `max_work`
//! (travel and service) on each day, `max_visits_total`, `max_work_total` over the
//! whole horizon. Only what grows is checked, so a move that lightens a route is never
//! refused.

use crate::model::{Problem, Provider};
use crate::routes::proposal::{Addition, Applied, Proposal, Room, Stage};
use crate::routes::Builder;

use super::Rule;

/// What a provider has used, on one day or over the horizon: visits, and seconds of
/// travel + service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Used {
    visits: i64,
    work: i64,
}

impl Used {
    /// Whether `visits` more visits and `work` more seconds stay within `max_visits` and
    /// `max_work` (only what grows is checked).
    fn allows(
        self,
        max_visits: Option<u32>,
        max_work: Option<i64>,
        visits: i64,
        work: i64,
    ) -> bool {
        !(visits > 0 && max_visits.is_some_and(|m| self.visits + visits > i64::from(m))
            || work > 0 && max_work.is_some_and(|m| self.work + work > m))
    }
}

/// The limits' books: per (provider, day) group ([`crate::model::Days`]) and per
/// provider, the visits and work so far.
pub(crate) struct Limits {
    day: Vec<Used>,
    total: Vec<Used>,
}

/// The rule, when some provider has a limit.
pub(crate) fn make(problem: &Problem) -> Option<Box<dyn Rule>> {
    let limited = problem.providers().iter().any(|p| {
        p.max_visits.is_some()
            || p.max_work.is_some()
            || p.max_visits_total.is_some()
            || p.max_work_total.is_some()
    });
    limited.then(|| {
        Box::new(Limits {
            day: vec![Used::default(); problem.day_groups()],
            total: vec![Used::default(); problem.providers().len()],
        }) as Box<dyn Rule>
    })
}

impl Limits {
    /// Whether route `ri`'s provider may take `visits` more visits and `work` more
    /// seconds there, on its day and over the horizon.
    fn within(&self, b: &Builder<'_>, ri: usize, visits: i64, work: i64) -> bool {
        let (prov, day, total) = self.of(b, ri);
        day.allows(prov.max_visits, prov.max_work, visits, work)
            && total.allows(prov.max_visits_total, prov.max_work_total, visits, work)
    }

    /// Route `ri`'s provider and its books on the route's day and over the horizon.
    fn of<'p>(&self, b: &Builder<'p>, ri: usize) -> (&'p Provider, Used, Used) {
        let problem = b.problem();
        let p = b.route(ri).provider();
        (
            problem.provider(p),
            self.day[problem.day_group(ri)],
            self.total[p.ix()],
        )
    }

    /// The most seconds route `ri`'s provider may still add on its day and over the
    /// horizon.
    fn work_room(&self, b: &Builder<'_>, ri: usize) -> Room {
        let (prov, day, total) = self.of(b, ri);
        let d = prov
            .max_work
            .map_or(Room::ANY, |m| Room::at_most(m - day.work));
        let t = prov
            .max_work_total
            .map_or(Room::ANY, |m| Room::at_most(m - total.work));
        d.and(t)
    }
}

impl Rule for Limits {
    fn apply(&mut self, problem: &Problem, c: &Applied<'_>) {
        let (visits, work) = (
            c.after.visits - c.before.visits,
            c.after.work() - c.before.work(),
        );
        let (d, t) = (
            &mut self.day[problem.day_group(c.ri)],
            &mut self.total[c.provider.ix()],
        );
        for u in [d, t] {
            u.visits += visits;
            u.work += work;
        }
    }

    fn room(&self, b: &Builder<'_>, ri: usize, add: &Addition<'_>) -> Option<Room> {
        if !self.within(b, ri, add.needs.len() as i64, 0) {
            return None;
        }
        // The work room left once the visits' service and earlier travel are counted.
        Some(self.work_room(b, ri).minus(add.service + add.travel))
    }

    fn admits(&self, b: &Builder<'_>, p: &Proposal<'_>, _stage: Stage) -> bool {
        // Changes to routes of one provider's day add up; so do those over its horizon.
        let problem = b.problem();
        let changes = p.routes;
        changes.iter().all(|c| {
            let (g, prov_ix) = (problem.day_group(c.ri), b.route(c.ri).provider());
            let sum = |same: &dyn Fn(usize) -> bool| {
                changes
                    .iter()
                    .filter(|x| same(x.ri))
                    .fold((0, 0), |(v, w), x| (v + x.visits, w + x.work()))
            };
            let (dv, dw) = sum(&|x| problem.day_group(x) == g);
            let (tv, tw) = sum(&|x| b.route(x).provider() == prov_ix);
            let (prov, day, total) = self.of(b, c.ri);
            day.allows(prov.max_visits, prov.max_work, dv, dw)
                && total.allows(prov.max_visits_total, prov.max_work_total, tv, tw)
        })
    }

    fn holds(&self, b: &Builder<'_>, ri: usize) -> bool {
        self.work_room(b, ri).fits(0)
    }

    fn handover(
        &self,
        b: &Builder<'_>,
        row: usize,
        col: usize,
        _to: crate::model::ProviderIdx,
    ) -> Option<crate::objective::Terms> {
        let (r, c) = (b.route(row).figures(), b.route(col).figures());
        (row == col || self.within(b, col, r.visits - c.visits, r.work() - c.work()))
            .then(Default::default)
    }
}
