//! The 15-minute rescue circle of a plan, measured: every 15 minutes of the day, which
//! elders a carer qualified for `emergency` could reach within the response target
//! (`options.response_target`, 900 s by default), weighted by vulnerability
//! ([`crate::priority::vulnerability`] + 1), overall and by area.
//!
//! A carer counts at a moment when she is on shift and not absent. She is where the
//! plan has her: finishing the visit she is in (then leaving from there), else at her
//! last visit's place or her start; the travel is the problem's. Her later visits and
//! daily limits are not looked at: this is what the plan's positions allow, the
//! measure a station reads off its map, not a promise of a dispatch.
//!
//! Cost: moments × carers × the elders within reach (elders sorted along one axis,
//! each carer's reach a window of it), so a 20,000-need city takes well under a
//! second.

use std::collections::BTreeMap;

use crate::catalogue::EMERGENCY;
use crate::model::{ProviderIdx, SkillId};
use crate::travel::{Point, Travel};
use crate::wire::ProviderKind;
use crate::wire::{AreaCoverage, Coverage, CoverageSlot, Plan};
use crate::Problem;

/// Seconds between two moments looked at.
pub const STEP: i64 = 900;

/// Most uncovered elders listed per moment.
const LISTED: usize = 50;

/// The coverage of `plan`, a plan of `problem`.
///
/// ```
/// use carematch_core::{coverage::coverage, solve, Problem};
/// let problem = Problem::from_json(br#"{
///   "elders": [{"id": "near", "location": [116.431, 39.92]}, {"id": "far", "location": [116.60, 39.92]}],
///   "needs": [{"id": "n1", "elder": "near", "service": "meals", "windows": [[39600, 43200]]}],
///   "providers": [{"id": "p1", "kind": "staff", "level": 2, "skills": ["meals", "emergency"],
///                  "start": [116.43, 39.92], "shifts": [[36000, 43200]]}]
/// }"#)?;
/// let c = coverage(&problem, &solve(&problem)?);
/// assert_eq!(c.slots.len(), 9); // 10:00 to 12:00, every 15 minutes
/// // "near" is in the circle while p1 is on shift; "far" never is.
/// assert!(c.slots[..8].iter().all(|s| s.elders == 1 && s.uncovered == ["far"]));
/// assert_eq!(c.slots[8].elders, 0); // 12:00: her shift is over
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn coverage(problem: &Problem, plan: &Plan) -> Coverage {
    with_elders(problem, plan).0
}

/// [`coverage`], and per elder (in the problem's order) the share of the moments at
/// which it was in the circle (1 when there is no moment): the map layer of the plan's
/// GeoJSON.
///
/// ```
/// use carematch_core::{coverage::with_elders, solve, Problem};
/// let problem = Problem::from_json(br#"{
///   "elders": [{"id": "near", "location": [116.431, 39.92]}, {"id": "far", "location": [116.60, 39.92]}],
///   "needs": [{"id": "n1", "elder": "near", "service": "meals", "windows": [[39600, 43200]]}],
///   "providers": [{"id": "p1", "kind": "staff", "level": 2, "skills": ["meals", "emergency"],
///                  "start": [116.43, 39.92], "shifts": [[36000, 43200]]}]
/// }"#)?;
/// let (_, elders) = with_elders(&problem, &solve(&problem)?);
/// assert_eq!(elders, vec![8.0 / 9.0, 0.0]); // "near" at 8 of the 9 moments
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn with_elders(problem: &Problem, plan: &Plan) -> (Coverage, Vec<f64>) {
    let target = problem.options().response_target;
    let carers = qualified(problem);
    let elders = Elders::new(problem);
    let (lo, hi) = carers
        .iter()
        .flat_map(|&p| problem.provider(p).shifts.iter())
        .fold((i64::MAX, i64::MIN), |(lo, hi), w| {
            (lo.min(w.open), hi.max(w.close))
        });
    let mut out = Coverage {
        target,
        step: STEP,
        ..Coverage::default()
    };
    let mut counts = vec![0u32; problem.elders().len()];
    if lo > hi {
        return (out, vec![1.0; counts.len()]);
    }
    let routes = routes_of(problem, plan);
    let mut by_area: BTreeMap<Option<&str>, f64> = BTreeMap::new();
    let mut at = lo.div_euclid(STEP) * STEP;
    while at <= hi {
        let covered = elders.covered(
            problem,
            &positions(problem, &carers, &routes, at),
            at + target,
        );
        out.slots.push(elders.slot(problem, at, &covered));
        for (c, &yes) in counts.iter_mut().zip(&covered) {
            *c += u32::from(yes);
        }
        for (area, share) in elders.by_area(problem, &covered) {
            *by_area.entry(area).or_default() += share;
        }
        at += STEP;
    }
    let n = out.slots.len().max(1) as f64;
    out.share = out.slots.iter().map(|s| s.share).sum::<f64>() / n;
    out.by_area = by_area
        .into_iter()
        .map(|(area, sum)| AreaCoverage {
            area: area.map(str::to_owned),
            share: sum / n,
        })
        .collect();
    let shares = counts.iter().map(|&c| f64::from(c) / n).collect();
    (out, shares)
}

/// The carers who may answer an emergency: the service's skill and level, not a
/// volunteer unless the service allows it, not reported absent.
fn qualified(problem: &Problem) -> Vec<ProviderIdx> {
    let rule = problem.lookup.services.resolve(EMERGENCY);
    let Some(skill) = problem.skills.iter().position(|s| s == EMERGENCY) else {
        return Vec::new();
    };
    let skill = SkillId(skill as u32);
    (0..problem.providers().len() as u32)
        .map(ProviderIdx)
        .filter(|&p| {
            let c = problem.provider(p);
            c.skills.contains(&skill)
                && c.level >= rule.min_level
                && (rule.volunteer_ok || c.kind != ProviderKind::Volunteer)
                && problem.absent_from(p).is_none()
        })
        .collect()
}

/// Each route's stops, by provider and shift: (start, end, where).
type Routes = BTreeMap<(ProviderIdx, usize), Vec<(i64, i64, Point)>>;

fn routes_of(problem: &Problem, plan: &Plan) -> Routes {
    let mut out = Routes::new();
    for r in &plan.routes {
        let Some(p) = problem.provider_by_id(&r.provider) else {
            continue;
        };
        let stops = r
            .stops
            .iter()
            .filter_map(|s| {
                let n = problem.need_by_id(&s.need)?;
                Some((
                    s.start,
                    s.end,
                    problem.elder(problem.need(n).elder).location,
                ))
            })
            .collect();
        out.insert((p, r.shift), stops);
    }
    out
}

/// Where each qualified carer on shift at `at` is, and from when she is free.
fn positions(
    problem: &Problem,
    carers: &[ProviderIdx],
    routes: &Routes,
    at: i64,
) -> Vec<(ProviderIdx, Point, i64)> {
    let mut out = Vec::new();
    for &p in carers {
        let c = problem.provider(p);
        for (k, w) in c.shifts.iter().enumerate() {
            if at < w.open || at > w.close {
                continue;
            }
            let (mut here, mut free) = (c.start, at);
            for &(start, end, place) in routes.get(&(p, k)).into_iter().flatten() {
                if start <= at {
                    here = place;
                    free = end.max(at);
                }
            }
            if free < w.close {
                out.push((p, here, free));
            }
        }
    }
    out
}

/// The elders, sorted along one axis of the plane, with their weights.
struct Elders {
    /// (x on the plane, elder index), by x; empty when the problem has no plane.
    order: Vec<(f64, usize)>,
    cos_lat: f64,
    weight: Vec<f64>,
}

impl Elders {
    fn new(problem: &Problem) -> Self {
        let cos_lat = crate::travel::mean_cos_lat(problem.elders().iter().map(|e| &e.location));
        let mut order: Vec<(f64, usize)> = problem
            .elders()
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((e.location.planar(cos_lat)?[0], i)))
            .collect();
        if order.len() != problem.elders().len() {
            order.clear();
        }
        order.sort_by(|a, b| a.0.total_cmp(&b.0));
        let weight = problem
            .elders()
            .iter()
            .map(|e| f64::from(crate::priority::vulnerability(&e.profile) + 1))
            .collect();
        Elders {
            order,
            cos_lat,
            weight,
        }
    }

    /// Which elders some carer at `positions` could reach by `by`.
    fn covered(
        &self,
        problem: &Problem,
        positions: &[(ProviderIdx, Point, i64)],
        by: i64,
    ) -> Vec<bool> {
        let elders = problem.elders();
        let mut out = vec![false; elders.len()];
        for &(p, here, free) in positions {
            let reach = by - free;
            if reach < 0 {
                continue;
            }
            let mut check = |i: usize| {
                if !out[i] && free + problem.travel_time(p, &here, &elders[i].location) <= by {
                    out[i] = true;
                }
            };
            match (
                self.half_width(problem, p, reach),
                here.planar(self.cos_lat),
            ) {
                (Some(w), Some([x, _])) if !self.order.is_empty() => {
                    let from = self.order.partition_point(|e| e.0 < x - w);
                    for &(ex, i) in &self.order[from..] {
                        if ex > x + w {
                            break;
                        }
                        check(i);
                    }
                }
                _ => (0..elders.len()).for_each(&mut check),
            }
        }
        out
    }

    /// How far along the plane's x axis carer `p` gets in `reach` seconds, with some
    /// slack; `None` when travel is a matrix.
    fn half_width(&self, problem: &Problem, p: ProviderIdx, reach: i64) -> Option<f64> {
        let speed = problem.provider(p).speed;
        match problem.travel() {
            Travel::Haversine { detour } => {
                let metres = reach as f64 * speed / 3.6 / detour.max(1e-9);
                Some(metres / crate::travel::EARTH_RADIUS_M * 1.05 + 1e-9)
            }
            Travel::Euclidean { speed } => Some(reach as f64 * speed * 1.05 + 1e-9),
            _ => None,
        }
    }

    /// The moment `at`'s figures from `covered`.
    fn slot(&self, problem: &Problem, at: i64, covered: &[bool]) -> CoverageSlot {
        let total: f64 = self.weight.iter().sum();
        let got: f64 = covered
            .iter()
            .zip(&self.weight)
            .filter(|x| *x.0)
            .map(|x| x.1)
            .sum();
        let mut missing: Vec<usize> = (0..covered.len()).filter(|&i| !covered[i]).collect();
        missing.sort_by(|&a, &b| self.weight[b].total_cmp(&self.weight[a]).then(a.cmp(&b)));
        CoverageSlot {
            at,
            share: if total > 0.0 { got / total } else { 1.0 },
            elders: covered.iter().filter(|&&c| c).count() as u64,
            uncovered: missing
                .into_iter()
                .take(LISTED)
                .map(|i| problem.elders()[i].id.clone())
                .collect(),
        }
    }

    /// Each area's weighted share covered at one moment.
    fn by_area<'a>(
        &self,
        problem: &'a Problem,
        covered: &[bool],
    ) -> BTreeMap<Option<&'a str>, f64> {
        let mut sums: BTreeMap<Option<&str>, (f64, f64)> = BTreeMap::new();
        for (i, e) in problem.elders().iter().enumerate() {
            for area in crate::model::area_levels(e.area.as_deref()) {
                let s = sums.entry(area).or_default();
                s.1 += self.weight[i];
                if covered[i] {
                    s.0 += self.weight[i];
                }
            }
        }
        sums.into_iter()
            .map(|(a, (got, total))| (a, if total > 0.0 { got / total } else { 1.0 }))
            .collect()
    }
}
