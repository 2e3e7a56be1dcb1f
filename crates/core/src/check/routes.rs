//! The walk over the routes: each route re-timed on its own from `depart`, leg by leg
//! (rule 3), every stop's provider qualified (rule 2), each route's load within
//! capacity (rule 5) and its reported figures right; every visit recorded for the
//! passes over needs and providers.

use std::collections::HashMap;

use super::{Checker, Rule, SLACK};
use crate::error::FieldPath;
use crate::model::{Need, NeedIdx, Problem, Provider, ProviderIdx, Window};
use crate::wire::{Plan, Route, Stop};

/// The provider of a visit at a venue (no carer).
pub(super) const AT_VENUE: ProviderIdx = ProviderIdx(u32::MAX);

/// One visit of a need: by whom ([`AT_VENUE`] at a venue), when, and where in the plan.
pub(super) struct Visit {
    pub(super) provider: ProviderIdx,
    pub(super) start: i64,
    pub(super) path: FieldPath,
}

/// What the walk recorded.
#[derive(Default)]
pub(super) struct Walked {
    /// The visits of each served need, in plan order.
    pub(super) visits: HashMap<NeedIdx, Vec<Visit>>,
    /// Per provider and day (of the route's shift's start): what its routes add up to.
    pub(super) per_provider: HashMap<(ProviderIdx, i64), Day>,
    /// Travel and service as the routes report them.
    pub(super) travel: i64,
    pub(super) service: i64,
    /// Lateness of the visits, recomputed: summed, and the largest.
    pub(super) late: i64,
    pub(super) late_max: i64,
}

/// A provider's day, recomputed from its routes' stops.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Day {
    /// Visits.
    pub(super) visits: i64,
    /// Seconds of travel.
    pub(super) travel: i64,
    /// Seconds of travel and service.
    pub(super) work: i64,
    /// Legs travelled (each may round by the spec's slack).
    pub(super) legs: i64,
    /// Seconds of travel and service as the routes report them (what the cost's
    /// contracted-hours terms count).
    pub(super) reported: i64,
}

/// A route's figures, recomputed from its stops.
#[derive(Default)]
struct Figures {
    travel: i64,
    service: i64,
    load: i64,
    legs: i64,
    late: i64,
    late_max: i64,
}

/// Walks every route of `plan`.
pub(super) fn walk(problem: &Problem, plan: &Plan, c: &mut Checker) -> Walked {
    let rpath = FieldPath::root().key("routes");
    let mut w = Walked::default();
    let mut seen_shift: HashMap<(ProviderIdx, usize), usize> = HashMap::new();
    for (ri, route) in plan.routes.iter().enumerate() {
        let path = rpath.index(ri);
        let Some(p) = problem.provider_by_id(&route.provider) else {
            c.flag(
                Rule::Consistency,
                path.key("provider"),
                format!("unknown provider '{}'", route.provider),
            );
            continue;
        };
        if let Some(other) = seen_shift.insert((p, route.shift), ri) {
            c.flag(
                Rule::Shift,
                path.key("shift"),
                format!(
                    "routes[{other}] already covers shift {} of '{}'",
                    route.shift,
                    problem.provider(p).id
                ),
            );
        }
        let needs = resolve(problem, route, &path, c);
        qualification(problem, p, route, &needs, &path, c);
        let f = timing(problem, p, route, &needs, &path, c);
        own_figures(problem.provider(p), route, &f, &path, c);
        for (si, n) in needs.iter().enumerate() {
            if let Some(n) = n {
                w.visits.entry(*n).or_default().push(Visit {
                    provider: p,
                    start: route.stops[si].start,
                    path: path.key("stops").index(si),
                });
            }
        }
        let day = problem
            .provider(p)
            .shifts
            .get(route.shift)
            .map_or(0, |s| crate::model::day_of(problem.options(), s.open));
        let e = w.per_provider.entry((p, day)).or_default();
        e.visits += route.stops.len() as i64;
        e.travel = e.travel.saturating_add(f.travel);
        e.work = e.work.saturating_add(f.travel).saturating_add(f.service);
        e.legs += f.legs;
        e.reported = e
            .reported
            .saturating_add(route.travel)
            .saturating_add(route.service);
        w.travel = w.travel.saturating_add(route.travel);
        w.service = w.service.saturating_add(route.service);
        w.late = w.late.saturating_add(f.late);
        w.late_max = w.late_max.max(f.late_max);
    }
    w
}

/// The need of every stop (`None`, flagged, when unknown); a need visited twice in one
/// route, or a stop naming another elder, is flagged.
fn resolve(
    problem: &Problem,
    route: &Route,
    path: &FieldPath,
    c: &mut Checker,
) -> Vec<Option<NeedIdx>> {
    let mut in_route: HashMap<NeedIdx, usize> = HashMap::new();
    let mut out = Vec::with_capacity(route.stops.len());
    for (si, stop) in route.stops.iter().enumerate() {
        let spath = path.key("stops").index(si);
        let Some(n) = problem.need_by_id(&stop.need) else {
            c.flag(
                Rule::Coverage,
                spath.key("need"),
                format!("unknown need '{}'", stop.need),
            );
            out.push(None);
            continue;
        };
        // A visit of a need of several visits is its `visit`-th (the series rule).
        let n = match (problem.series_of(n), stop.visit) {
            (None, None) => n,
            (Some(series), Some(v)) if (v as usize) < series.needs.len() => {
                series.needs[v as usize]
            }
            (series, _) => {
                c.flag(
                    Rule::Series,
                    spath.key("visit"),
                    match series {
                        Some(s) => format!(
                            "need '{}' has {} visits: each stop names one (0-based)",
                            stop.need,
                            s.needs.len()
                        ),
                        None => format!("need '{}' has one visit: no `visit`", stop.need),
                    },
                );
                out.push(None);
                continue;
            }
        };
        let need = problem.need(n);
        let elder = problem.elder(need.elder);
        if elder.id != stop.elder {
            c.flag(
                Rule::Consistency,
                spath.key("elder"),
                format!(
                    "need '{}' is for elder '{}', not '{}'",
                    need.id, elder.id, stop.elder
                ),
            );
        }
        if let Some(first) = in_route.insert(n, si) {
            c.flag(
                Rule::Coverage,
                spath.key("need"),
                format!(
                    "need '{}' already visited at stops[{first}] of this route",
                    need.id
                ),
            );
        }
        out.push(Some(n));
    }
    out
}

/// Rule 2 for every stop of a route.
fn qualification(
    problem: &Problem,
    p: ProviderIdx,
    route: &Route,
    needs: &[Option<NeedIdx>],
    path: &FieldPath,
    c: &mut Checker,
) {
    for (si, n) in needs.iter().enumerate() {
        let Some(n) = *n else { continue };
        if let Some(why) = problem.disqualification(p, n) {
            c.flag(
                Rule::Qualification,
                path.key("stops").index(si).key("need"),
                format!(
                    "provider '{}' may not serve need '{}': {why:?}",
                    route.provider,
                    problem.need(n).id
                ),
            );
        }
    }
}

/// Rule 3: the route's shift, then every leg re-timed from `depart` (its breaks
/// beside the travel); returns the recomputed figures.
fn timing(
    problem: &Problem,
    p: ProviderIdx,
    route: &Route,
    needs: &[Option<NeedIdx>],
    path: &FieldPath,
    c: &mut Checker,
) -> Figures {
    let prov = problem.provider(p);
    let shift = shift(prov, route, path, c);
    let mut f = Figures {
        legs: route.stops.len() as i64 + 1,
        ..Figures::default()
    };
    let mut legs = Legs::new(problem, p, route, path, c);
    let mut t = route.depart;
    let mut loc = &prov.start;
    for (si, (stop, n)) in route.stops.iter().zip(needs).enumerate() {
        let Some(n) = *n else { continue };
        let spath = path.key("stops").index(si);
        let need = problem.need(n);
        let here = problem.need_location(n);
        let leg = problem.travel_time(p, loc, here);
        let expect = legs.arrival(t, leg, stop.start);
        if stop.arrival < expect - SLACK || stop.arrival > expect.saturating_add(SLACK) {
            c.flag(
                Rule::Travel,
                spath.key("arrival"),
                format!(
                    "arrival {} but leaving at {t} with {leg} s of travel gives {expect}",
                    stop.arrival
                ),
            );
        }
        if stop.start < stop.arrival.min(expect) {
            c.flag(
                Rule::Travel,
                spath.key("start"),
                format!(
                    "starts at {} before arriving at {}",
                    stop.start,
                    stop.arrival.max(expect - SLACK)
                ),
            );
        }
        window(need, stop, &spath, &mut f, c);
        let end = stop.start.saturating_add(need.duration);
        if stop.end != end {
            c.flag(
                Rule::Duration,
                spath.key("end"),
                format!("end {} is not start + duration = {end}", stop.end),
            );
        }
        f.travel = f.travel.saturating_add(leg);
        f.service = f.service.saturating_add(need.duration);
        f.load = f.load.saturating_add(need.load);
        t = end;
        loc = here;
    }
    if !route.stops.is_empty() {
        let leg = problem.travel_time(p, loc, &prov.end);
        f.travel = f.travel.saturating_add(leg);
        let expect = legs.arrival(t, leg, route.return_);
        if route.return_ < expect - SLACK {
            c.flag(
                Rule::Travel,
                path.key("return"),
                format!(
                    "returns at {} but the last visit ends at {t} and the way back takes {leg} s",
                    route.return_
                ),
            );
        }
    }
    legs.all_placed(c);
    if route.return_ > shift.close || route.return_ < route.depart {
        c.flag(
            Rule::Shift,
            path.key("return"),
            format!(
                "returns at {} outside the shift [{}, {}] (departs {})",
                route.return_, shift.open, shift.close, route.depart
            ),
        );
    }
    f
}

/// A route's breaks (v1.2) as the walk over its legs meets them.
struct Legs<'r> {
    taken: &'r [crate::wire::BreakTaken],
    /// Whether each break was found in a leg.
    placed: Vec<bool>,
    path: FieldPath,
}

impl<'r> Legs<'r> {
    /// The route's breaks, each checked against the break of the carer's shift it
    /// stands for (in time order): as many, each inside its window and as long.
    fn new(
        problem: &Problem,
        p: ProviderIdx,
        route: &'r Route,
        path: &FieldPath,
        c: &mut Checker,
    ) -> Self {
        let path = path.key("breaks");
        let prov = problem.provider(p);
        let owed = match route.shift < prov.shifts.len() && !route.stops.is_empty() {
            true => problem.breaks_of(crate::model::Slot {
                provider: p,
                shift: route.shift as u16,
            }),
            false => Vec::new(),
        };
        let taken = &route.breaks[..];
        if taken.len() != owed.len() && !route.stops.is_empty() {
            c.flag(
                Rule::Break,
                path.clone(),
                format!(
                    "takes {} breaks; shift {} of '{}' has {}",
                    taken.len(),
                    route.shift,
                    prov.id,
                    owed.len()
                ),
            );
        }
        for (i, (b, o)) in taken.iter().zip(&owed).enumerate() {
            if !o.window.contains(b.start) || b.end - b.start != o.duration {
                c.flag(
                    Rule::Break,
                    path.index(i),
                    format!(
                        "[{}, {}] is not a break of {} s starting in [{}, {}]",
                        b.start, b.end, o.duration, o.window.open, o.window.close
                    ),
                );
            }
        }
        for (i, w) in taken.windows(2).enumerate() {
            if w[1].start < w[0].end {
                c.flag(
                    Rule::Break,
                    path.index(i + 1),
                    format!("starts at {} before the break before it ends", w[1].start),
                );
            }
        }
        Self {
            taken,
            placed: vec![false; taken.len()],
            path,
        }
    }

    /// When the carer arrives after leaving at `t` with `leg` seconds of travel and
    /// taking, before `by` (the next start, or the return), the breaks that lie there:
    /// a break begun before she arrives holds her up by its length.
    fn arrival(&mut self, t: i64, leg: i64, by: i64) -> i64 {
        let mut at = t.saturating_add(leg);
        for (i, b) in self.taken.iter().enumerate() {
            if t <= b.start && b.end <= by && !self.placed[i] {
                self.placed[i] = true;
                if b.start < at {
                    at = at.saturating_add(b.end - b.start);
                }
            }
        }
        at
    }

    /// Flags every break that lies in no leg (over a visit, or outside the route).
    fn all_placed(&self, c: &mut Checker) {
        for (i, b) in self.taken.iter().enumerate() {
            if !self.placed[i] {
                c.flag(
                    Rule::Break,
                    self.path.index(i),
                    format!(
                        "[{}, {}] is not between visits inside the route",
                        b.start, b.end
                    ),
                );
            }
        }
    }
}

/// The route's shift (an unknown one is flagged and read as an unbounded day, so that
/// its stops are still checked), and its departure within it.
fn shift(prov: &Provider, route: &Route, path: &FieldPath, c: &mut Checker) -> Window {
    let shift = prov.shifts.get(route.shift).copied().unwrap_or_else(|| {
        c.flag(
            Rule::Shift,
            path.key("shift"),
            format!("provider '{}' has no shift {}", prov.id, route.shift),
        );
        Window {
            open: i64::MIN,
            close: i64::MAX,
        }
    });
    if route.depart < shift.open {
        c.flag(
            Rule::Shift,
            path.key("depart"),
            format!(
                "departs at {} before the shift opens at {}",
                route.depart, shift.open
            ),
        );
    }
    shift
}

/// The route's reported travel, service and load against its stops, and rule 5's
/// capacity.
fn own_figures(prov: &Provider, route: &Route, f: &Figures, path: &FieldPath, c: &mut Checker) {
    if (route.travel - f.travel).abs() > f.legs * SLACK {
        c.flag(
            Rule::Consistency,
            path.key("travel"),
            format!(
                "reports {} s of travel; its legs add up to {}",
                route.travel, f.travel
            ),
        );
    }
    if route.service != f.service {
        c.flag(
            Rule::Consistency,
            path.key("service"),
            format!(
                "reports {} s of service; its stops add up to {}",
                route.service, f.service
            ),
        );
    }
    if route.load != f.load {
        c.flag(
            Rule::Consistency,
            path.key("load"),
            format!(
                "reports load {}; its stops add up to {}",
                route.load, f.load
            ),
        );
    }
    if let Some(cap) = prov.capacity {
        if f.load > cap {
            c.flag(
                Rule::Capacity,
                path.key("load"),
                format!("carries {}, above capacity {cap} of '{}'", f.load, prov.id),
            );
        }
    }
}

/// Rule 3's windows, soft ones included: a start may be up to `late_by` after a
/// window's close, and is then late by the least of what it is after the closes of the
/// windows it falls in; the stop's `late` must say so. Adds the lateness to `f`.
fn window(need: &Need, stop: &Stop, spath: &FieldPath, f: &mut Figures, c: &mut Checker) {
    let late = need
        .windows
        .iter()
        .filter(|w| w.open <= stop.start && stop.start <= w.close.saturating_add(need.late_by))
        .map(|w| (stop.start - w.close).max(0))
        .min();
    match late {
        None => c.flag(
            Rule::Window,
            spath.key("start"),
            format!(
                "start {} is outside need '{}' windows{}",
                stop.start,
                need.id,
                if need.late_by > 0 {
                    format!(" (each extended by late_by {})", need.late_by)
                } else {
                    String::new()
                }
            ),
        ),
        Some(late) => {
            if stop.late != late {
                c.flag(
                    Rule::Consistency,
                    spath.key("late"),
                    format!("reports late {}; the start is {late} s late", stop.late),
                );
            }
            f.late = f.late.saturating_add(late);
            f.late_max = f.late_max.max(late);
        }
    }
}
