//! Rule 5 per provider and day: visits within `max_visits`, travel and service within
//! `max_work`, travel within `max_travel` (with the legs' rounding slack); over the
//! horizon, within `max_visits_total` and `max_work_total`.

use super::routes::Walked;
use super::{Checker, Rule, SLACK};
use crate::error::FieldPath;
use crate::model::Problem;

/// Checks every provider that has a route.
pub(super) fn limits(problem: &Problem, walked: &Walked, c: &mut Checker) {
    let mut days: Vec<_> = walked.per_provider.iter().collect();
    days.sort_unstable_by_key(|(k, _)| **k);
    let mut totals: std::collections::BTreeMap<_, (i64, i64, i64)> = Default::default();
    for (&(p, day), d) in days {
        let (visits, work, legs) = (d.visits, d.work, d.legs);
        let t = totals.entry(p).or_default();
        *t = (t.0 + visits, t.1.saturating_add(work), t.2 + legs);
        let prov = problem.provider(p);
        let path = FieldPath::root().key("routes");
        let on = if problem.options().day_length.is_some() {
            format!(" on day {day}")
        } else {
            String::new()
        };
        if let Some(m) = prov.max_visits {
            if visits > i64::from(m) {
                c.flag(
                    Rule::MaxVisits,
                    path.clone(),
                    format!(
                        "provider '{}' makes {visits} visits{on}, above max_visits {m}",
                        prov.id
                    ),
                );
            }
        }
        if let Some(m) = prov.max_work {
            if work - legs * SLACK > m {
                c.flag(
                    Rule::MaxWork,
                    path.clone(),
                    format!(
                        "provider '{}' works {work} s{on}, above max_work {m}",
                        prov.id
                    ),
                );
            }
        }
        if let Some(m) = prov.max_travel.filter(|&m| d.travel - legs * SLACK > m) {
            c.flag(
                Rule::MaxTravel,
                path,
                format!(
                    "provider '{}' travels {} s{on}, above max_travel {m}",
                    prov.id, d.travel
                ),
            );
        }
    }
    for (p, (visits, work, legs)) in totals {
        let prov = problem.provider(p);
        let path = FieldPath::root().key("routes");
        if let Some(m) = prov.max_visits_total.filter(|&m| visits > i64::from(m)) {
            c.flag(
                Rule::MaxVisits,
                path.clone(),
                format!(
                    "provider '{}' makes {visits} visits in all, above max_visits_total {m}",
                    prov.id
                ),
            );
        }
        if let Some(m) = prov.max_work_total.filter(|&m| work - legs * SLACK > m) {
            c.flag(
                Rule::MaxWork,
                path,
                format!(
                    "provider '{}' works {work} s in all, above max_work_total {m}",
                    prov.id
                ),
            );
        }
    }
}
