//! Rule 5 per provider and day: visits within `max_visits`, travel and service within
//! `max_work` (with the legs' rounding slack).

use super::routes::Walked;
use super::{Checker, Rule, SLACK};
use crate::error::FieldPath;
use crate::model::Problem;

/// Checks every provider that has a route.
pub(super) fn limits(problem: &Problem, walked: &Walked, c: &mut Checker) {
    let mut providers: Vec<_> = walked.per_provider.iter().collect();
    providers.sort_unstable_by_key(|(p, _)| **p);
    for (&p, &(visits, work, legs)) in providers {
        let prov = problem.provider(p);
        let path = FieldPath::root().key("routes");
        if let Some(m) = prov.max_visits {
            if visits > i64::from(m) {
                c.flag(
                    Rule::MaxVisits,
                    path.clone(),
                    format!(
                        "provider '{}' makes {visits} visits, above max_visits {m}",
                        prov.id
                    ),
                );
            }
        }
        if let Some(m) = prov.max_work {
            if work - legs * SLACK > m {
                c.flag(
                    Rule::MaxWork,
                    path,
                    format!("provider '{}' works {work} s, above max_work {m}", prov.id),
                );
            }
        }
    }
}
