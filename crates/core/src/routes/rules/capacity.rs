//! Rule 5, a route's load: the summed `load` of a provider's visits in one route stays
//! within its `capacity`. Only a route whose load grows is checked.

use crate::model::Problem;
use crate::routes::proposal::{Addition, Applied, Proposal, Room, Stage};
use crate::routes::Builder;

use super::Rule;

/// The rule (no books of its own: a route keeps its load).
pub(crate) struct Capacity;

/// The rule, when some provider has a capacity.
pub(crate) fn make(problem: &Problem) -> Option<Box<dyn Rule>> {
    let any = problem.providers().iter().any(|p| p.capacity.is_some());
    any.then(|| Box::new(Capacity) as Box<dyn Rule>)
}

impl Capacity {
    /// Whether route `ri` can carry `load` more.
    fn fits(b: &Builder<'_>, ri: usize, load: i64) -> bool {
        let r = b.route(ri);
        let cap = b.problem().provider(r.provider()).capacity;
        cap.is_none_or(|c| r.load + load <= c)
    }
}

impl Rule for Capacity {
    fn apply(&mut self, _problem: &Problem, _change: &Applied<'_>) {}

    fn room(&self, b: &Builder<'_>, ri: usize, add: &Addition<'_>) -> Option<Room> {
        Self::fits(b, ri, add.load).then_some(Room::ANY)
    }

    fn admits(&self, b: &Builder<'_>, p: &Proposal<'_>, _stage: Stage) -> bool {
        p.routes
            .iter()
            .all(|c| c.load <= 0 || Self::fits(b, c.ri, c.load))
    }
}
