//! Rules over the needs: each served by exactly its carers or listed once as
//! unassigned (1), both carers of a two-carer need at one start (4), a pinned need
//! served as pinned (6).

use std::collections::HashMap;

use super::routes::{Visit, Walked};
use super::{Checker, Rule};
use crate::error::FieldPath;
use crate::model::{NeedIdx, Problem, ProviderIdx};
use crate::wire::Plan;

/// The visits of need `n` (none when unserved).
fn visits_of(walked: &Walked, n: NeedIdx) -> &[Visit] {
    walked.visits.get(&n).map_or(&[][..], |v| v.as_slice())
}

/// Rule 1. Returns the served needs' priority and count.
pub(super) fn coverage(
    problem: &Problem,
    plan: &Plan,
    walked: &Walked,
    c: &mut Checker,
) -> (i64, i64) {
    let upath = FieldPath::root().key("unassigned");
    let mut listed: HashMap<NeedIdx, usize> = HashMap::new();
    for (ui, u) in plan.unassigned.iter().enumerate() {
        match problem.need_by_id(&u.need) {
            None => c.flag(
                Rule::Coverage,
                upath.index(ui).key("need"),
                format!("unknown need '{}'", u.need),
            ),
            Some(n) => {
                if let Some(first) = listed.insert(n, ui) {
                    c.flag(
                        Rule::Coverage,
                        upath.index(ui).key("need"),
                        format!("need '{}' already listed at unassigned[{first}]", u.need),
                    );
                }
            }
        }
    }
    let (mut priority, mut count) = (0i64, 0i64);
    for (i, need) in problem.needs().iter().enumerate() {
        let n = NeedIdx(i as u32);
        let visits = visits_of(walked, n);
        if visits.is_empty() {
            if !listed.contains_key(&n) {
                c.flag(
                    Rule::Coverage,
                    FieldPath::root(),
                    format!("need '{}' is neither served nor unassigned", need.id),
                );
            }
            continue;
        }
        priority += i64::from(need.priority);
        count += 1;
        if let Some(&ui) = listed.get(&n) {
            c.flag(
                Rule::Coverage,
                upath.index(ui).key("need"),
                format!("need '{}' is both served and unassigned", need.id),
            );
        }
        let mut provs: Vec<ProviderIdx> = visits.iter().map(|v| v.provider).collect();
        provs.sort_unstable();
        provs.dedup();
        if provs.len() < visits.len() {
            c.flag(
                Rule::Coverage,
                visits[visits.len() - 1].path.clone(),
                format!("need '{}' is visited twice by one provider", need.id),
            );
        }
        if visits.len() != usize::from(need.caregivers) {
            c.flag(
                Rule::Coverage,
                visits[0].path.clone(),
                format!(
                    "need '{}' needs {} carer(s) but is in {} route(s)",
                    need.id,
                    need.caregivers,
                    visits.len()
                ),
            );
        }
    }
    (priority, count)
}

/// Rule 4: every carer of a need starts at one time.
pub(super) fn sync(problem: &Problem, walked: &Walked, c: &mut Checker) {
    for (i, need) in problem.needs().iter().enumerate() {
        let visits = visits_of(walked, NeedIdx(i as u32));
        if visits.iter().any(|v| v.start != visits[0].start) {
            c.flag(
                Rule::Sync,
                visits[1.min(visits.len() - 1)].path.clone(),
                format!("the carers of need '{}' start at different times", need.id),
            );
        }
    }
}

/// Rule 6: a pinned need is served by its provider at its start.
pub(super) fn pins(problem: &Problem, walked: &Walked, c: &mut Checker) {
    for n in problem.pinned_needs() {
        let need = problem.need(n);
        let Some(pin) = need.pinned else { continue };
        let visits = visits_of(walked, n);
        if !visits
            .iter()
            .any(|v| v.provider == pin.provider && v.start == pin.start)
        {
            c.flag(
                Rule::Pinned,
                visits.first().map_or(FieldPath::root(), |v| v.path.clone()),
                format!(
                    "need '{}' is pinned to '{}' at {} but not served so",
                    need.id,
                    problem.provider(pin.provider).id,
                    pin.start
                ),
            );
        }
    }
}
