//! Granular neighbourhoods: for every need, the needs nearest to it by travel and
//! time-window compatibility — where the constructions and the search look for routes
//! a need may join, and the search for visits to move together.
//!
//! The measure (after Vidal et al.'s granular neighbourhoods; PyVRP's
//! `compute_neighbours` is the same idea): going from `i` to `j` costs the travel, plus
//! a fifth of the wait when even `i`'s latest start leaves the carer early at `j`, plus
//! all of the lateness when even `i`'s earliest start arrives after `j` closes; the
//! measure of a pair is the cheaper direction. Candidate pairs come from an R-tree on
//! the plane (`2K` nearest by distance, re-ranked), or a full scan of a travel matrix.
//! Travel is measured at one common speed: the list is a neighbourhood, not a cost.
//! Cost: `O(N · K log N)` in the plane, `O(N²)` for a matrix (at most 5,000 places).

use rayon::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::RTree;

use crate::model::{NeedIdx, Problem};
use crate::travel::{Travel, EARTH_RADIUS_M};

/// Neighbours kept per need.
pub(crate) const K: usize = 40;
/// Neighbours whose routes a need may join ([`Neighbours::joinable`]).
const JOIN: usize = 20;
/// Carers per start place, on average, from which a start's nearest carers stop being
/// a neighbourhood ([`Neighbours::joinable`]).
const CROWDED: usize = 4;
/// Weight of the waiting time in the measure.
const WAIT: f64 = 0.2;
/// Weight of the lateness in the measure.
const LATE: f64 = 1.0;

/// The neighbours of every need (CSR), nearest first.
pub(crate) struct Neighbours {
    start: Vec<usize>,
    list: Vec<u32>,
    /// Whether a need looks for routes through its neighbours ([`Neighbours::joinable`]).
    join: bool,
}

impl Neighbours {
    /// The neighbourhoods of `problem` (parallel: rayon).
    pub(crate) fn new(problem: &Problem) -> Self {
        let (start, list) = neighbours(problem);
        let mut starts: Vec<u32> = (0..problem.providers().len())
            .map(|p| problem.ends_of(crate::model::ProviderIdx(p as u32)).0)
            .collect();
        starts.sort_unstable();
        starts.dedup();
        let join = starts.len() * CROWDED <= problem.providers().len();
        Self { start, list, join }
    }

    /// The neighbours of need `n`, nearest first.
    pub(crate) fn of(&self, n: NeedIdx) -> &[u32] {
        &self.list[self.start[n.ix()]..self.start[n.ix() + 1]]
    }

    /// The nearest neighbours of need `n` whose routes it may join (the first 20), when
    /// carers are crowded at few start places (at least 4 per place on average: one
    /// station, a few depots). There, a need's candidate carers — the nearest by start
    /// — are an arbitrary few of many tied, and its neighbours' routes are where it
    /// belongs. When carers start from their own homes, the nearest carers already are
    /// the neighbourhood, and looking through neighbours' routes only costs time (on a
    /// 20,000-need city, a third of the search's iterations): none.
    pub(crate) fn joinable(&self, n: NeedIdx) -> &[u32] {
        if !self.join {
            return &[];
        }
        let all = self.of(n);
        &all[..all.len().min(JOIN)]
    }
}

/// How far apart two needs are (see the module docs).
fn measure(problem: &Problem, a: NeedIdx, b: NeedIdx, t: f64) -> f64 {
    let one_way = |i: NeedIdx, j: NeedIdx| {
        let (ni, nj) = (problem.need(i), problem.need(j));
        let (wi, wj) = (ni.own_windows(), nj.own_windows());
        let (Some(fi), Some(li)) = (wi.first(), wi.last()) else {
            return t;
        };
        let (Some(fj), Some(lj)) = (wj.first(), wj.last()) else {
            return t;
        };
        let d = ni.duration as f64;
        let wait = (fj.open as f64 - (li.close as f64 + d + t)).max(0.0);
        let late = ((fi.open as f64 + d + t) - lj.close as f64).max(0.0);
        t + WAIT * wait + LATE * late
    };
    one_way(a, b).min(one_way(b, a))
}

/// Seconds per unit of the plane ([`crate::travel::Point::planar`]) at the providers'
/// median speed; `None` for a matrix.
fn seconds_per_unit(problem: &Problem) -> Option<f64> {
    let mut speeds: Vec<f64> = problem.providers().iter().map(|p| p.speed).collect();
    speeds.sort_by(f64::total_cmp);
    let median = speeds
        .get(speeds.len() / 2)
        .copied()
        .unwrap_or(1.0)
        .max(1e-9);
    match problem.travel() {
        Travel::Haversine { detour } => Some(EARTH_RADIUS_M * detour / (median / 3.6)),
        Travel::Euclidean { speed } => Some(1.0 / speed),
        Travel::Matrix { .. } => None,
    }
}

/// The `K` nearest needs of every need (CSR), by [`measure`].
fn neighbours(problem: &Problem) -> (Vec<usize>, Vec<u32>) {
    let n = problem.needs().len();
    let locs: Vec<&crate::travel::Point> = (0..n as u32)
        .map(|i| problem.need_location(NeedIdx(i)))
        .collect();
    let cos_lat = crate::travel::mean_cos_lat(locs.iter().copied());
    let planar: Option<Vec<[f64; 2]>> = locs.iter().map(|p| p.planar(cos_lat)).collect();
    // Seconds of travel between two needs, roughly: on the plane at a typical carer's
    // speed (the list is a neighbourhood, not a cost), or from a matrix.
    let per_unit = seconds_per_unit(problem);
    let secs = |i: usize, j: usize| match (&planar, per_unit) {
        (Some(pts), Some(k)) => {
            let (a, b) = (pts[i], pts[j]);
            ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt() * k
        }
        _ => problem.travel().time(1.0, locs[i], locs[j]) as f64,
    };
    let rank = |i: usize, mut pool: Vec<u32>| -> Vec<u32> {
        let mut keyed: Vec<(f64, u32)> = pool
            .drain(..)
            .filter(|&j| j as usize != i)
            .map(|j| {
                let t = secs(i, j as usize);
                (measure(problem, NeedIdx(i as u32), NeedIdx(j), t), j)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        keyed.truncate(K);
        keyed.into_iter().map(|(_, j)| j).collect()
    };
    let lists: Vec<Vec<u32>> = match &planar {
        Some(pts) => {
            let tree = RTree::bulk_load(
                pts.iter()
                    .enumerate()
                    .map(|(i, &p)| GeomWithData::new(p, i as u32))
                    .collect(),
            );
            (0..n)
                .into_par_iter()
                .map(|i| {
                    let pool = tree
                        .nearest_neighbor_iter(pts[i])
                        .map(|g| g.data)
                        .take(2 * K + 1)
                        .collect();
                    rank(i, pool)
                })
                .collect()
        }
        None => (0..n)
            .into_par_iter()
            .map(|i| rank(i, (0..n as u32).collect()))
            .collect(),
    };
    let mut starts = Vec::with_capacity(n + 1);
    starts.push(0);
    let mut flat = Vec::with_capacity(n * K);
    for l in lists {
        flat.extend(l);
        starts.push(flat.len());
    }
    (starts, flat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_need_that_cannot_follow_in_time_is_far() {
        // Three elders on a line; the middle one's window is hours away from the
        // others': by travel alone it is everyone's nearest, by the measure it is not.
        let p = Problem::from_json(
            br#"{"travel": {"metric": "euclidean", "speed": 1.0},
              "elders": [{"id": "a", "location": [0, 0]}, {"id": "b", "location": [10, 0]},
                         {"id": "c", "location": [30, 0]}],
              "needs": [{"id": "a", "elder": "a", "service": "meals", "windows": [[0, 100]]},
                        {"id": "b", "elder": "b", "service": "meals", "windows": [[90000, 90100]]},
                        {"id": "c", "elder": "c", "service": "meals", "windows": [[0, 200]]}],
              "providers": [{"id": "p", "kind": "staff", "skills": ["meals"], "start": [0, 0],
                             "shifts": [[0, 100000]]}]}"#,
        )
        .expect("valid");
        let g = Neighbours::new(&p);
        assert_eq!(g.of(NeedIdx(0)), &[2, 1]);
    }
}
