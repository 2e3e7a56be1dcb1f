//! Soft windows (v1.1, `late_by`): a visit may start up to `late_by` seconds after its
//! window closes, and the plan's lateness — summed over visits, and the largest — are
//! terms of the cost. A route keeps its own lateness at its earliest starts
//! ([`crate::routes::RouteState`]); this rule adds the routes up, and prices a
//! placement by what it does to the visits it pushes later.

use std::collections::BTreeMap;

use crate::model::{NeedIdx, Problem};
use crate::objective::Terms;
use crate::routes::proposal::{Applied, Proposal};
use crate::routes::{Builder, Insertion, RouteState};

use super::Rule;

/// The books: the routes' lateness summed, and how many routes have each largest
/// lateness (those above 0).
pub(crate) struct Lateness {
    sum: i64,
    maxes: BTreeMap<i64, u32>,
    /// Whether travel keeps the triangle inequality (any travel but a matrix): then
    /// a visit put in a route never brings a later one sooner, and its lateness only
    /// grows.
    metric: bool,
}

/// The rule, when some need has soft windows.
pub(crate) fn make(problem: &Problem) -> Option<Box<dyn Rule>> {
    problem.has_soft_windows().then(|| {
        Box::new(Lateness {
            sum: 0,
            maxes: BTreeMap::new(),
            metric: !matches!(problem.travel(), crate::travel::Travel::Matrix { .. }),
        }) as Box<dyn Rule>
    })
}

/// Counts (`sign` 1) or stops counting (−1) a route whose largest lateness is `max`.
fn tally(maxes: &mut BTreeMap<i64, u32>, max: i64, sign: i32) {
    if max <= 0 {
        return;
    }
    if sign > 0 {
        *maxes.entry(max).or_insert(0) += 1;
    } else if let Some(c) = maxes.get_mut(&max) {
        *c -= 1;
        if *c == 0 {
            maxes.remove(&max);
        }
    }
}

impl Lateness {
    /// The largest lateness of any visit.
    fn max(&self) -> i64 {
        self.maxes.keys().next_back().copied().unwrap_or(0)
    }
}

impl Rule for Lateness {
    fn apply(&mut self, _problem: &Problem, c: &Applied<'_>) {
        self.sum += c.after.late - c.before.late;
        tally(&mut self.maxes, c.before.late_max, -1);
        tally(&mut self.maxes, c.after.late_max, 1);
    }

    fn terms(&self, t: &mut Terms) {
        t.lateness += self.sum;
        t.max_lateness += self.max();
    }

    fn is_timed(&self) -> bool {
        true
    }

    fn timed_never_negative(&self) -> bool {
        self.metric
    }

    fn timed(
        &self,
        b: &Builder<'_>,
        route: &RouteState,
        n: NeedIdx,
        ins: &Insertion,
        start: i64,
        t: &mut Terms,
    ) {
        let (added, max) = route.late_after(b.problem(), n, ins.pos, start);
        let global = self.max();
        t.lateness += added;
        t.max_lateness += max.max(global) - global;
    }

    fn change(&self, b: &Builder<'_>, p: &Proposal<'_>, t: &mut Terms) {
        // Exact on re-timed routes only (see `exact_on_figures`).
        let mut maxes = self.maxes.clone();
        for c in p.routes {
            let (Some(new), old) = (c.rebuilt, b.route(c.ri)) else {
                continue;
            };
            t.lateness += new.late - old.late;
            tally(&mut maxes, old.late_max, -1);
            tally(&mut maxes, new.late_max, 1);
        }
        t.max_lateness += maxes.keys().next_back().copied().unwrap_or(0) - self.max();
    }

    fn exact_on_figures(&self) -> bool {
        false
    }
}
