//! Places and travel times: every place a route visits, numbered along a Hilbert curve,
//! with the times between them precomputed when the table fits.
use super::Elder;
use super::NeedIdx;
use super::Problem;
use super::Provider;
use super::ProviderIdx;
use crate::travel::Point;
use crate::travel::Travel;
use std::collections::HashMap;

/// Every place a route visits — elders' homes, then the providers' distinct starts
/// and ends — with, for problems small enough, every travel time precomputed once per
/// speed ([`Problem::warm_travel`]). The solvers' route timing asks [`Problem::time`]
/// by place; the plan checker still computes every leg from the points.
#[derive(Debug, Clone, Default)]
pub(crate) struct Places {
    points: Vec<Point>,
    /// Elder → place.
    elder: Vec<u32>,
    /// Provider → its start's and its end's place.
    ends: Vec<(u32, u32)>,
    /// Provider → its speed's index in `speeds`.
    class: Vec<u16>,
    speeds: Vec<f64>,
    table: std::sync::OnceLock<Option<TravelTable>>,
}

/// Travel between the first `n` places, row-major: seconds, one matrix per speed, in
/// 16 bits ([`FAR`]: look it up on the points); or, when that would be too big, the
/// distances ([`Travel::span`]) that each speed's seconds come from.
#[derive(Debug, Clone)]
enum TravelTable {
    Seconds { n: usize, seconds: Vec<Vec<u16>> },
    Spans { n: usize, spans: Vec<f64> },
}

/// In a table of seconds: 18 hours or more, computed from the points instead.
pub(crate) const FAR: u16 = u16::MAX;

/// Largest number of entries (places² × speeds) of a precomputed table of seconds:
/// 32 M (64 MB, e.g. 5,700 places at one speed or 2,800 at four). Two bytes an
/// entry, so a week of 2,000 elders at four speeds has a table of seconds (37 MB)
/// rather than of distances (the same size, but a division per lookup), and with
/// the places along a curve ([`Places::along_a_curve`]) a route's lookups stay in a
/// few cache lines: 1.3 times the search's iterations (`benches/week_vs_days.py`'s
/// first seed, 100,000 iterations, median of five runs).
const TABLE_ENTRIES: usize = 32 << 20;

/// Largest number of places² of a table of distances (64 MB, 2,896 places): with
/// several speeds a distance looked up and divided costs far less than a great
/// circle's sines (a week of 2,000 elders: 1.6 times the iterations).
const SPAN_ENTRIES: usize = 8 << 20;

impl Places {
    /// The places of `elders` and `providers`.
    pub(crate) fn new(elders: &[Elder], providers: &[Provider]) -> Self {
        let mut points: Vec<Point> = elders.iter().map(|e| e.location).collect();
        let elder = (0..elders.len() as u32).collect();
        let mut seen: HashMap<String, u32> = HashMap::new();
        let mut place = |pt: &Point, points: &mut Vec<Point>| {
            *seen.entry(format!("{pt:?}")).or_insert_with(|| {
                points.push(*pt);
                points.len() as u32 - 1
            })
        };
        let ends = providers
            .iter()
            .map(|p| (place(&p.start, &mut points), place(&p.end, &mut points)))
            .collect();
        let mut speeds: Vec<f64> = Vec::new();
        let class = providers
            .iter()
            .map(
                |p| match speeds.iter().position(|s| s.to_bits() == p.speed.to_bits()) {
                    Some(k) => k as u16,
                    None => {
                        speeds.push(p.speed);
                        speeds.len() as u16 - 1
                    }
                },
            )
            .collect();
        let mut places = Self {
            points,
            elder,
            ends,
            class,
            speeds,
            table: std::sync::OnceLock::new(),
        };
        places.along_a_curve();
        places
    }

    /// Numbers the places along a Hilbert curve over their bounding box (matrix
    /// indices keep their order): places near each other get near numbers, so the
    /// rows of a travel table that a route's stops read share cache lines. Changes
    /// no travel time, only where it is stored.
    fn along_a_curve(&mut self) {
        let cos_lat = crate::travel::mean_cos_lat(self.points.iter());
        let Some(xy) = self
            .points
            .iter()
            .map(|p| p.planar(cos_lat))
            .collect::<Option<Vec<[f64; 2]>>>()
        else {
            return;
        };
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for q in &xy {
            for k in 0..2 {
                lo[k] = lo[k].min(q[k]);
                hi[k] = hi[k].max(q[k]);
            }
        }
        let side = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(f64::MIN_POSITIVE);
        let cell = |v: f64, k: usize| (((v - lo[k]) / side) * f64::from(u16::MAX)) as u32;
        let mut order: Vec<u32> = (0..xy.len() as u32).collect();
        order.sort_by_key(|&i| {
            let q = xy[i as usize];
            (fast_hilbert::xy2h(cell(q[0], 0), cell(q[1], 1), 16), i)
        });
        let mut new_of = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_of[old as usize] = new as u32;
        }
        self.points = order.iter().map(|&i| self.points[i as usize]).collect();
        for e in &mut self.elder {
            *e = new_of[*e as usize];
        }
        for (a, b) in &mut self.ends {
            (*a, *b) = (new_of[*a as usize], new_of[*b as usize]);
        }
    }

    /// A place for a new elder (after [`Problem::push_need`]).
    pub(crate) fn push_elder(&mut self, at: Point) {
        self.points.push(at);
        self.elder.push(self.points.len() as u32 - 1);
    }

    /// Forgets the last elder's place.
    pub(crate) fn pop_elder(&mut self) {
        if let Some(k) = self.elder.pop() {
            if k as usize + 1 == self.points.len() {
                self.points.pop();
            }
        }
    }
}

impl Problem {
    /// The place of need `n` (its elder's home).
    #[inline]
    pub(crate) fn place_of(&self, n: NeedIdx) -> u32 {
        self.places.elder[self.needs[n.ix()].elder.ix()]
    }

    /// The places where provider `p`'s shifts start and end.
    #[inline]
    pub(crate) fn ends_of(&self, p: ProviderIdx) -> (u32, u32) {
        self.places.ends[p.ix()]
    }

    /// Seconds for provider `p` to go from place `a` to place `b`: the same value as
    /// [`Problem::travel_time`] on their points, from the table when it was built.
    #[inline]
    pub(crate) fn time(&self, p: ProviderIdx, a: u32, b: u32) -> i64 {
        let pl = &self.places;
        let (i, j) = (a as usize, b as usize);
        match pl.table.get() {
            Some(Some(TravelTable::Seconds { n, seconds })) if i < *n && j < *n => {
                let t = seconds[pl.class[p.ix()] as usize][i * n + j];
                if t != FAR {
                    return i64::from(t);
                }
            }
            Some(Some(TravelTable::Spans { n, spans })) if i < *n && j < *n => {
                return self
                    .travel
                    .time_over(self.providers[p.ix()].speed, spans[i * n + j]);
            }
            _ => {}
        }
        self.travel.time(
            self.providers[p.ix()].speed,
            &pl.points[a as usize],
            &pl.points[b as usize],
        )
    }

    /// Provider `p`'s seconds from place `a` to each place of the table of seconds
    /// ([`FAR`]: computed by [`Problem::time`] instead), when there is one and it
    /// holds `a`: what an insertion scan reads, without a lookup per place.
    #[inline]
    pub(crate) fn times_from(&self, p: ProviderIdx, a: u32) -> Option<&[u16]> {
        let pl = &self.places;
        match pl.table.get() {
            Some(Some(TravelTable::Seconds { n, seconds })) if (a as usize) < *n => {
                let row = &seconds[pl.class[p.ix()] as usize];
                row.get(a as usize * n..(a as usize + 1) * n)
            }
            _ => None,
        }
    }

    /// Precomputes every travel time between places, once per speed, when the table
    /// is small enough (at most 8 M entries), or else every distance between places
    /// (at most 8 M places²); nothing for a matrix metric, already one. What the
    /// solvers do before searching. Idempotent; parallel (rayon).
    pub fn warm_travel(&self) {
        use rayon::prelude::*;
        let pl = &self.places;
        pl.table.get_or_init(|| {
            let n = pl.points.len();
            if matches!(self.travel, Travel::Matrix { .. }) {
                return None;
            }
            let each = |f: &(dyn Fn(&Point, &Point) -> u16 + Sync)| -> Vec<u16> {
                (0..n * n)
                    .into_par_iter()
                    .map(|k| f(&pl.points[k / n], &pl.points[k % n]))
                    .collect()
            };
            if n.saturating_mul(n).saturating_mul(pl.speeds.len()) <= TABLE_ENTRIES {
                let seconds = pl
                    .speeds
                    .iter()
                    .map(|&speed| {
                        each(&|a, b| u16::try_from(self.travel.time(speed, a, b)).unwrap_or(FAR))
                    })
                    .collect();
                return Some(TravelTable::Seconds { n, seconds });
            }
            if n.saturating_mul(n) <= SPAN_ENTRIES {
                let spans = (0..n * n)
                    .into_par_iter()
                    .map(|k| self.travel.span(&pl.points[k / n], &pl.points[k % n]))
                    .collect();
                return Some(TravelTable::Spans { n, spans });
            }
            None
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A problem of `elders` homes on a 0.01° grid step and one provider per mode.
    /// `elders` homes on a grid, a provider per speed of `speeds`.
    fn problem(elders: usize, speeds: usize) -> Problem {
        let homes: Vec<String> = (0..elders)
            .map(|k| {
                let (x, y) = (
                    116.3 + 0.0007 * (k % 60) as f64,
                    39.8 + 0.0005 * (k / 60) as f64,
                );
                format!(r#"{{"id": "e{k}", "location": [{x}, {y}]}}"#)
            })
            .collect();
        let providers: Vec<String> = (0..speeds)
            .map(|k| {
                let kmh = 4 + 5 * k;
                format!(
                    r#"{{"id": "p{k}", "kind": "staff", "skills": ["meals"], "speed_kmh": {kmh},
                    "start": [116.31, 39.81], "shifts": [[28800, 61200]]}}"#
                )
            })
            .collect();
        let json = format!(
            r#"{{"elders": [{}], "needs": [{{"id": "n", "elder": "e0", "service": "meals",
            "windows": [[36000, 43200]]}}], "providers": [{}]}}"#,
            homes.join(","),
            providers.join(",")
        );
        Problem::from_json(json.as_bytes()).expect("valid")
    }

    #[test]
    fn a_table_of_distances_gives_each_speed_the_seconds_computed_from_the_points() {
        // 2,700 places at five speeds: too many for tables of seconds, a table of
        // distances instead; every lookup as computed from the points.
        let p = problem(2_700, 5);
        p.warm_travel();
        assert!(matches!(
            p.places.table.get(),
            Some(Some(TravelTable::Spans { .. }))
        ));
        let pl = &p.places;
        for (k, provider) in p.providers().iter().enumerate() {
            for a in (0..2_100u32).step_by(37) {
                for b in (0..2_100u32).step_by(53) {
                    let direct = p.travel().time(
                        provider.speed,
                        &pl.points[a as usize],
                        &pl.points[b as usize],
                    );
                    assert_eq!(p.time(ProviderIdx(k as u32), a, b), direct);
                }
            }
        }
    }

    /// Warms `p`'s travel, asserts a table of seconds was built, and returns the time
    /// of provider `k` from place `a` to `b` computed from the points.
    fn with_seconds_table(p: &Problem, k: usize, a: usize, b: usize) -> i64 {
        p.warm_travel();
        assert!(matches!(
            p.places.table.get(),
            Some(Some(TravelTable::Seconds { .. }))
        ));
        let pl = &p.places;
        p.travel()
            .time(p.providers()[k].speed, &pl.points[a], &pl.points[b])
    }

    #[test]
    fn a_small_problem_keeps_a_table_of_seconds_per_speed() {
        let p = problem(100, 4);
        let direct = with_seconds_table(&p, 3, 5, 77);
        assert_eq!(p.time(ProviderIdx(3), 5, 77), direct);
    }

    #[test]
    fn a_time_too_long_for_the_table_is_computed_from_the_points() {
        // Walking 0.9° of latitude takes about 24 h: past the table's 16 bits.
        let p = Problem::from_json(
            br#"{"elders": [{"id": "a", "location": [116.3, 39.0]},
                           {"id": "b", "location": [116.3, 39.9]}],
              "needs": [{"id": "n", "elder": "a", "service": "meals", "windows": [[0, 90000]]}],
              "providers": [{"id": "p", "kind": "staff", "skills": ["meals"], "mode": "walk",
                             "start": [116.3, 39.5], "shifts": [[0, 90000]]}]}"#,
        )
        .expect("valid");
        let (a, b) = (p.places.elder[0], p.places.elder[1]);
        let direct = with_seconds_table(&p, 0, a as usize, b as usize);
        assert!(direct > i64::from(FAR), "{direct}");
        assert_eq!(p.time(ProviderIdx(0), a, b), direct);
        assert_eq!(p.time(ProviderIdx(0), b, a), direct);
    }

    #[test]
    fn places_along_the_curve_keep_every_elder_and_station_where_it_is() {
        // Homes on a grid, numbered along a Hilbert curve: each elder's and each
        // provider's place is still its own point, so every time from the table is
        // the time between the input's points.
        let p = problem(400, 2);
        p.warm_travel();
        let mut seen: Vec<u32> = p.places.elder.clone();
        seen.extend(p.places.ends.iter().flat_map(|&(a, b)| [a, b]));
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(
            seen.len(),
            p.places.points.len(),
            "one place each, none lost"
        );
        let moved = (0..400).filter(|&e| p.places.elder[e] != e as u32).count();
        assert!(moved > 0, "the grid's row order is not a Hilbert curve's");
        for (k, prov) in p.providers().iter().enumerate() {
            let (start, _) = p.ends_of(ProviderIdx(k as u32));
            for (e, elder) in p.elders().iter().enumerate().step_by(7) {
                let home = p.places.elder[e];
                let direct = p.travel().time(prov.speed, &prov.start, &elder.location);
                assert_eq!(p.time(ProviderIdx(k as u32), start, home), direct);
            }
        }
    }
}
