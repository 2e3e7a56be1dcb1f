//! Rules over the needs: each served by exactly its carers or listed once as
//! unassigned (1), both carers of a two-carer need at one start (4), a pinned need
//! served as pinned (6), a link served whole and as it asks (7), the visits of a need
//! of several visits apart and numbered in start order (1 over a horizon).

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
                let n = match (problem.series_of(n), u.visit) {
                    (Some(series), Some(v)) if (v as usize) < series.needs.len() => {
                        series.needs[v as usize]
                    }
                    (None, None) => n,
                    _ => {
                        c.flag(
                            Rule::Series,
                            upath.index(ui).key("visit"),
                            format!("need '{}': `visit` is given exactly for a need of several visits, below their number", u.need),
                        );
                        continue;
                    }
                };
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

/// Rule 7: a link served whole or not at all; `together`: one start, distinct
/// providers; `sequence`: the gap between the starts, the providers as asked.
pub(super) fn links(problem: &Problem, walked: &Walked, c: &mut Checker) {
    use crate::model::LinkRule;
    use crate::wire::LinkProvider;
    for (li, link) in problem.links().iter().enumerate() {
        let path = FieldPath::root().key("links").index(li);
        let visits: Vec<&[Visit]> = link.needs.iter().map(|&n| visits_of(walked, n)).collect();
        let served = visits.iter().filter(|v| !v.is_empty()).count();
        if served == 0 {
            continue;
        }
        let flag = |c: &mut Checker, msg: String| c.flag(Rule::Link, path.clone(), msg);
        if served < link.needs.len() {
            flag(
                c,
                format!(
                    "link '{}' is served in part ({served} of {} needs)",
                    link.id,
                    link.needs.len()
                ),
            );
            continue;
        }
        let first: Vec<&Visit> = visits.iter().map(|v| &v[0]).collect();
        match link.rule {
            LinkRule::Together => {
                if first.iter().any(|v| v.start != first[0].start) {
                    flag(
                        c,
                        format!(
                            "the needs of together link '{}' start at different times",
                            link.id
                        ),
                    );
                }
                let mut provs: Vec<_> = first.iter().map(|v| v.provider).collect();
                provs.sort_unstable();
                provs.dedup();
                if provs.len() < first.len() {
                    flag(
                        c,
                        format!(
                            "one provider serves two needs of together link '{}'",
                            link.id
                        ),
                    );
                }
            }
            LinkRule::Sequence {
                min_gap,
                max_gap,
                provider,
            } => {
                let gap = first[1].start.saturating_sub(first[0].start);
                if gap < min_gap || gap > max_gap {
                    flag(c, format!("sequence link '{}': the second need starts {gap} s after the first, outside [{min_gap}, {max_gap}]", link.id));
                }
                let same = first[0].provider == first[1].provider;
                match provider {
                    LinkProvider::Same if !same => flag(
                        c,
                        format!("sequence link '{}' asks for one provider", link.id),
                    ),
                    LinkProvider::Different if same => flag(
                        c,
                        format!("sequence link '{}' asks for two providers", link.id),
                    ),
                    _ => {}
                }
            }
        }
    }
}

/// The series rule (rule 1 over a horizon): the served visits of each need of several visits start in different
/// windows, successive starts `min_gap` or more apart, numbered 0, 1, … in start
/// order; with `all_visits`, all of them or none.
pub(super) fn series(problem: &Problem, walked: &Walked, c: &mut Checker) {
    for series in problem.all_series() {
        let need = problem.need(series.needs[0]);
        // (start, visit number, path)
        let mut served: Vec<(i64, usize, FieldPath)> = series
            .needs
            .iter()
            .enumerate()
            .flat_map(|(k, &m)| {
                visits_of(walked, m)
                    .iter()
                    .map(move |v| (v.start, k, v.path.clone()))
            })
            .collect();
        served.sort_by_key(|v| (v.0, v.1));
        let mut windows = Vec::new();
        for (i, (start, k, path)) in served.iter().enumerate() {
            if *k != i {
                c.flag(
                    Rule::Series,
                    path.key("visit"),
                    format!(
                        "need '{}': the visit starting {i}th is numbered {k}",
                        need.id
                    ),
                );
            }
            let w = need.windows.iter().position(|w| w.contains(*start));
            if w.is_some() && windows.contains(&w) {
                c.flag(
                    Rule::Series,
                    path.key("start"),
                    format!("need '{}': two visits start in one window", need.id),
                );
            }
            windows.push(w);
            if i > 0 && start - served[i - 1].0 < series.min_gap {
                c.flag(
                    Rule::Series,
                    path.key("start"),
                    format!(
                        "need '{}': visits start {} s apart, below min_gap {}",
                        need.id,
                        start - served[i - 1].0,
                        series.min_gap
                    ),
                );
            }
        }
        if series.all && !served.is_empty() && served.len() < series.needs.len() {
            c.flag(
                Rule::Series,
                served[0].2.clone(),
                format!(
                    "need '{}' asks for all {} visits or none; {} are served",
                    need.id,
                    series.needs.len(),
                    served.len()
                ),
            );
        }
    }
}
