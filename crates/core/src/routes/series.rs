//! The series rule (rule 1 over a horizon) while routes are built and searched: the visits of one need of several
//! (`visits > 1`, [`crate::model::Series`]) start in different windows of the need,
//! `min_gap` seconds or more apart.
//!
//! Each placed visit keeps to an interval of its window (its stop's `within`): the
//! part of its starts it was placed in, or with a `min_gap`, from its earliest start
//! there for at most [`FLOAT`] seconds. A visit placed later may only start outside
//! every sibling's window and at least `min_gap` from every point of every sibling's
//! interval, so any starts the routes later give the visits keep the rule — no move
//! ever needs to look at two routes to keep it. The local search moves such a visit
//! within its interval (to another route of that day, or another place in its own);
//! ruin and recreate moves it to another day.

use std::borrow::Cow;

use super::{Builder, Construction, Insertion};
use crate::model::{NeedIdx, Problem, Window};
use crate::routes::route::restrict;
use crate::wire::Reason;

/// How long after its earliest start a visit of a series may still start: slack for
/// the visits placed after it in its route, at the price of a gap its siblings must
/// keep from the whole interval.
pub(crate) const FLOAT: i64 = 3_600;

impl Builder<'_> {
    /// The starts need `n` may take: its allowed starts, within `within` when given,
    /// and for a visit of a series, away from its placed siblings (see the module
    /// docs). Borrowed — no allocation — for a need of one visit.
    pub(crate) fn starts_for(&self, n: NeedIdx, within: Option<Window>) -> Cow<'_, [Window]> {
        let problem = self.problem;
        let allowed = problem.allowed_starts(n);
        let within = match (within, self.floor) {
            (w, None) => w,
            (None, Some(t)) => Some(Window {
                open: t,
                close: i64::MAX / 4,
            }),
            (Some(w), Some(t)) => Some(Window {
                open: w.open.max(t),
                close: w.close,
            }),
        };
        let mut starts = match within {
            Some(w) => Cow::Owned(restrict(&allowed, w)),
            None => allowed,
        };
        let Some(series) = problem.series_of(n) else {
            return starts;
        };
        let windows = &problem.need(n).windows;
        for &m in &series.needs {
            let Some(taken) = self.interval_of(m).filter(|_| m != n) else {
                continue;
            };
            // Not in the sibling's window…
            if let Some(w) = windows.iter().find(|w| w.contains(taken.open)) {
                starts = Cow::Owned(cut(&starts, *w));
            }
            // …nor within `min_gap` of any start it may take.
            if series.min_gap > 0 {
                let near = Window {
                    open: taken.open - series.min_gap + 1,
                    close: taken.close + series.min_gap - 1,
                };
                starts = Cow::Owned(cut(&starts, near));
            }
        }
        starts
    }

    /// The interval a placed visit `m` keeps to (a fixed one: its start); `None` when
    /// `m` is not placed.
    fn interval_of(&self, m: NeedIdx) -> Option<Window> {
        let r = self.route(self.at[m.ix()].first()?);
        let (pos, s) = r.stops().iter().enumerate().find(|(_, s)| s.need == m)?;
        Some(match (s.fixed, s.within) {
            (Some(t), _) => Window { open: t, close: t },
            (None, Some(w)) => w,
            (None, None) => Window {
                open: r.e[pos],
                close: r.l[pos],
            },
        })
    }

    /// The interval a visit of a series placed as `ins` keeps to: the part of its
    /// starts it was placed in — from its earliest start for at most [`FLOAT`]
    /// seconds when the series keeps a `min_gap` (its siblings keep the gap from the
    /// whole interval, so a longer one would cost them), the whole part otherwise
    /// (they only keep out of its window).
    pub(super) fn series_within(&self, n: NeedIdx, ins: &Insertion) -> Window {
        let starts = self.starts_for(n, None);
        let piece = starts
            .iter()
            .find(|w| w.contains(ins.earliest))
            .copied()
            .unwrap_or(Window {
                open: ins.earliest,
                close: ins.earliest,
            });
        let gap = self.problem.series_of(n).is_some_and(|s| s.min_gap > 0);
        if !gap {
            return piece;
        }
        Window {
            open: ins.earliest,
            close: piece.close.min(ins.latest).min(ins.earliest + FLOAT),
        }
    }
}

/// `built` with every `all_visits` series served whole or not at all: the served
/// visits of one served in part leave their routes (reason `linked`, naming a visit
/// left out). Borrowed when there is nothing to take out.
pub(crate) fn whole_series<'c>(
    problem: &Problem,
    built: &'c Construction,
) -> Cow<'c, Construction> {
    let mut unserved = vec![false; problem.needs().len()];
    for u in &built.unassigned {
        unserved[u.0.ix()] = true;
    }
    let partial: Vec<&crate::model::Series> = problem
        .all_series()
        .iter()
        .filter(|s| s.all && s.needs.iter().any(|n| unserved[n.ix()]))
        .filter(|s| s.needs.iter().any(|n| !unserved[n.ix()]))
        .collect();
    if partial.is_empty() {
        return Cow::Borrowed(built);
    }
    let mut out = built.clone();
    for series in partial {
        let first = problem.need(series.needs[0]);
        for &m in series.needs.iter().filter(|n| !unserved[n.ix()]) {
            for r in &mut out.routes {
                if let Some(pos) = r.stops().iter().position(|s| s.need == m) {
                    r.remove(problem, pos);
                }
            }
            out.unassigned.push((
                m,
                Reason::Linked,
                format!(
                    "need '{}' asks for all {} visits or none, and not all could be served",
                    first.id,
                    series.needs.len()
                ),
            ));
        }
    }
    out.unassigned.sort_by_key(|u| u.0);
    Cow::Owned(out)
}

/// `windows` (sorted, disjoint) without the times of `hole`.
fn cut(windows: &[Window], hole: Window) -> Vec<Window> {
    let mut out = Vec::with_capacity(windows.len() + 1);
    for w in windows {
        if w.close < hole.open || w.open > hole.close {
            out.push(*w);
            continue;
        }
        if w.open < hole.open {
            out.push(Window {
                open: w.open,
                close: hole.open - 1,
            });
        }
        if w.close > hole.close {
            out.push(Window {
                open: hole.close + 1,
                close: w.close,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(open: i64, close: i64) -> Window {
        Window { open, close }
    }

    #[test]
    fn cut_removes_a_hole_from_sorted_windows() {
        let ws = [w(0, 10), w(20, 30), w(40, 50)];
        assert_eq!(cut(&ws, w(5, 25)), vec![w(0, 4), w(26, 30), w(40, 50)]);
        assert_eq!(cut(&ws, w(20, 30)), vec![w(0, 10), w(40, 50)]);
        assert_eq!(cut(&ws, w(60, 70)), ws.to_vec());
        assert_eq!(cut(&ws, w(-5, 100)), vec![]);
    }
}
