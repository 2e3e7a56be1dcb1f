//! Travel times, computed exactly as the spec says so that any checker can recompute
//! them:
//!
//! - `haversine`: `d` = great-circle metres on a sphere of radius 6 371 008.8 m,
//!   `t = ceil(d * detour / (speed_kmh / 3.6))`;
//! - `euclidean`: `t = ceil(hypot(dx, dy) / speed)`;
//! - `matrix`: `t = durations[a][b]`.
//!
//! The speed is the provider's: its `speed_kmh`, else its `mode`'s default (walk 4.5,
//! bike 12, ebike 15, car 25 km/h), else 15 km/h (haversine); `travel.speed` for
//! euclidean; unused for matrix.

use crate::wire::{Metric, Mode};

/// Mean Earth radius in metres (IUGG), as the spec fixes it.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A validated location in the problem's metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Point {
    /// WGS84, stored in radians with the cosine of the latitude.
    Geo {
        /// Longitude, radians.
        lon: f64,
        /// Latitude, radians.
        lat: f64,
        /// `cos(lat)`.
        cos_lat: f64,
    },
    /// Planar coordinates.
    Plane {
        /// x.
        x: f64,
        /// y.
        y: f64,
    },
    /// Row / column of the duration matrix.
    Index(u32),
}

impl Point {
    /// A point from `[lon, lat]` in degrees.
    pub fn geo(lon_deg: f64, lat_deg: f64) -> Self {
        let lat = lat_deg.to_radians();
        Point::Geo {
            lon: lon_deg.to_radians(),
            lat,
            cos_lat: lat.cos(),
        }
    }
}

impl Point {
    /// The point on a plane where straight-line distance orders points as travel
    /// does: the equirectangular projection at latitude `acos(cos_lat)` (radians,
    /// good within a city) for `Geo`, the plane itself for `Plane`, none for a matrix
    /// index. Used by the spatial indexes (R-trees) of the engine.
    ///
    /// ```
    /// use carematch_core::travel::Point;
    /// assert_eq!(Point::Plane { x: 1.0, y: 2.0 }.planar(0.5), Some([1.0, 2.0]));
    /// assert_eq!(Point::Index(3).planar(0.5), None);
    /// ```
    pub fn planar(&self, cos_lat: f64) -> Option<[f64; 2]> {
        match *self {
            Point::Geo { lon, lat, .. } => Some([lon * cos_lat, lat]),
            Point::Plane { x, y } => Some([x, y]),
            Point::Index(_) => None,
        }
    }
}

/// The cosine of the mean latitude of the `Geo` points (1 when there are none): the x
/// scale of [`Point::planar`] for a set of points.
///
/// ```
/// use carematch_core::travel::{mean_cos_lat, Point};
/// let c = mean_cos_lat([Point::geo(116.4, 60.0), Point::geo(116.5, 60.0)].iter());
/// assert!((c - 0.5).abs() < 1e-9);
/// ```
pub fn mean_cos_lat<'a>(points: impl Iterator<Item = &'a Point>) -> f64 {
    let (sum, count) = points.fold((0.0, 0usize), |(s, c), p| match p {
        Point::Geo { lat, .. } => (s + lat, c + 1),
        _ => (s, c),
    });
    if count == 0 {
        1.0
    } else {
        (sum / count as f64).cos()
    }
}

/// Default speed in km/h of a travel mode.
pub fn mode_speed_kmh(mode: Option<Mode>) -> f64 {
    match mode {
        Some(Mode::Walk) => 4.5,
        Some(Mode::Bike) => 12.0,
        Some(Mode::Ebike) | None => 15.0,
        Some(Mode::Car) => 25.0,
    }
}

/// How to compute travel times between [`Point`]s.
#[derive(Debug, Clone, PartialEq)]
pub enum Travel {
    /// Great circle times detour at the provider's speed in km/h.
    Haversine {
        /// Road / straight-line factor.
        detour: f64,
    },
    /// Straight line at `speed` units per second.
    Euclidean {
        /// Units per second.
        speed: f64,
    },
    /// A square matrix of seconds, row-major.
    Matrix {
        /// Side of the matrix.
        n: usize,
        /// `n * n` seconds.
        seconds: Vec<u32>,
    },
}

impl Travel {
    /// The metric on the wire.
    ///
    /// ```
    /// use carematch_core::{travel::Travel, wire::Metric};
    /// assert_eq!(Travel::Euclidean { speed: 1.0 }.metric(), Metric::Euclidean);
    /// ```
    pub fn metric(&self) -> Metric {
        match self {
            Travel::Haversine { .. } => Metric::Haversine,
            Travel::Euclidean { .. } => Metric::Euclidean,
            Travel::Matrix { .. } => Metric::Matrix,
        }
    }

    /// Whether `time(s, a, b) == time(s, b, a)` for all points: true for haversine
    /// and euclidean (their formulas are symmetric, bit for bit), checked cell by cell
    /// for a matrix (O(n²)).
    ///
    /// ```
    /// use carematch_core::travel::Travel;
    /// assert!(Travel::Euclidean { speed: 1.0 }.is_symmetric());
    /// assert!(!Travel::Matrix { n: 2, seconds: vec![0, 3, 4, 0] }.is_symmetric());
    /// ```
    pub fn is_symmetric(&self) -> bool {
        match self {
            Travel::Haversine { .. } | Travel::Euclidean { .. } => true,
            Travel::Matrix { n, seconds } => {
                (0..*n).all(|i| (0..i).all(|j| seconds.get(i * n + j) == seconds.get(j * n + i)))
            }
        }
    }

    /// Seconds to go from `a` to `b` at `speed` (km/h for haversine, units per second
    /// for euclidean, ignored for matrix).
    ///
    /// Points must be of this metric's kind (validation guarantees it); a mismatched
    /// pair yields 0 rather than a panic.
    ///
    /// ```
    /// use carematch_core::travel::{Point, Travel};
    /// let t = Travel::Euclidean { speed: 2.0 };
    /// assert_eq!(t.time(2.0, &Point::Plane { x: 0.0, y: 0.0 }, &Point::Plane { x: 3.0, y: 4.0 }), 3);
    /// let h = Travel::Haversine { detour: 1.0 };
    /// // 0.01 degrees of latitude is about 1112 m; at 3.6 km/h (1 m/s) that is 1112 s.
    /// assert_eq!(h.time(3.6, &Point::geo(116.4, 39.90), &Point::geo(116.4, 39.91)), 1112);
    /// ```
    #[inline]
    pub fn time(&self, speed: f64, a: &Point, b: &Point) -> i64 {
        match (self, a, b) {
            (Travel::Matrix { n, seconds }, Point::Index(i), Point::Index(j)) => seconds
                .get(*i as usize * n + *j as usize)
                .map_or(0, |&s| i64::from(s)),
            _ => self.time_over(speed, self.span(a, b)),
        }
    }

    /// The distance [`Travel::time`] converts into seconds: metres along the great
    /// circle (haversine), units in the plane (euclidean); 0 for a matrix or points of
    /// another kind.
    ///
    /// ```
    /// use carematch_core::travel::{Point, Travel};
    /// let t = Travel::Euclidean { speed: 2.0 };
    /// let (a, b) = (Point::Plane { x: 0.0, y: 0.0 }, Point::Plane { x: 3.0, y: 4.0 });
    /// assert_eq!(t.span(&a, &b), 5.0);
    /// assert_eq!(t.time_over(2.0, t.span(&a, &b)), t.time(2.0, &a, &b));
    /// ```
    #[inline]
    pub fn span(&self, a: &Point, b: &Point) -> f64 {
        match (self, a, b) {
            (Travel::Haversine { .. }, Point::Geo { .. }, Point::Geo { .. }) => haversine_m(a, b),
            (
                Travel::Euclidean { .. },
                Point::Plane { x: ax, y: ay },
                Point::Plane { x: bx, y: by },
            ) => {
                // hypot as the square root of the sum of squares: within an ulp of
                // libm's (coordinates are bounded, no overflow), and several times
                // faster; the spec's per-leg slack covers a rare second of difference
                // with another implementation.
                let (dx, dy) = (bx - ax, by - ay);
                (dx * dx + dy * dy).sqrt()
            }
            _ => 0.0,
        }
    }

    /// Seconds to cover `span` ([`Travel::span`]) at `speed` (km/h for haversine; the
    /// metric's own speed for euclidean); 0 for a matrix.
    #[inline]
    pub fn time_over(&self, speed: f64, span: f64) -> i64 {
        match self {
            Travel::Haversine { detour } => ceil_secs(span * detour / (speed / 3.6)),
            Travel::Euclidean { speed } => ceil_secs(span / speed),
            Travel::Matrix { .. } => 0,
        }
    }
}

/// `t.ceil() as i64` without a call into libm (which `ceil` is on a baseline x86-64
/// target): validation bounds coordinates and speeds, so `t` is finite and far below
/// `i64::MAX`, where truncation then one up is exactly the ceiling.
#[inline]
fn ceil_secs(t: f64) -> i64 {
    let i = t as i64;
    if (i as f64) < t {
        i + 1
    } else {
        i
    }
}

/// Great-circle distance in metres between two [`Point::Geo`] points (0 otherwise).
pub fn haversine_m(a: &Point, b: &Point) -> f64 {
    match (a, b) {
        (
            Point::Geo {
                lon: lon1,
                lat: lat1,
                cos_lat: c1,
            },
            Point::Geo {
                lon: lon2,
                lat: lat2,
                cos_lat: c2,
            },
        ) => {
            let s_lat = ((lat2 - lat1) / 2.0).sin();
            let s_lon = ((lon2 - lon1) / 2.0).sin();
            let h = (s_lat * s_lat + c1 * c2 * s_lon * s_lon).clamp(0.0, 1.0);
            2.0 * EARTH_RADIUS_M * h.sqrt().asin()
        }
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_matches_known_distances() {
        // Tiananmen to the Temple of Heaven is about 3.3 km; Beijing to Shanghai about
        // 1067 km (great circle).
        let tam = Point::geo(116.3975, 39.9087);
        let sha = Point::geo(121.4737, 31.2304);
        let d = haversine_m(&tam, &sha);
        assert!((d - 1_067_000.0).abs() < 3_000.0, "{d}");
        // One degree of latitude on this sphere: pi * R / 180.
        let one = haversine_m(&Point::geo(0.0, 0.0), &Point::geo(0.0, 1.0));
        assert!((one - std::f64::consts::PI * EARTH_RADIUS_M / 180.0).abs() < 1e-6);
    }

    #[test]
    fn haversine_time_uses_detour_and_speed() {
        let t = Travel::Haversine { detour: 1.3 };
        let a = Point::geo(0.0, 0.0);
        let b = Point::geo(0.0, 1.0);
        let d = std::f64::consts::PI * EARTH_RADIUS_M / 180.0; // 111195.08 m
        let expect = (d * 1.3 / (15.0 / 3.6)).ceil() as i64;
        assert_eq!(t.time(15.0, &a, &b), expect);
        assert_eq!(t.time(15.0, &a, &a), 0);
        assert!(t.time(4.5, &a, &b) > t.time(25.0, &a, &b));
    }

    #[test]
    fn ceil_secs_is_the_ceiling() {
        for t in [
            0.0,
            0.2,
            1.0,
            1.0000001,
            2.5,
            1e12 + 0.5,
            86_399.999_999,
            -1.5,
            -2.0,
        ] {
            assert_eq!(ceil_secs(t), t.ceil() as i64, "{t}");
        }
    }

    #[test]
    fn euclidean_rounds_up() {
        let t = Travel::Euclidean { speed: 1.0 };
        let a = Point::Plane { x: 0.0, y: 0.0 };
        assert_eq!(t.time(1.0, &a, &Point::Plane { x: 1.0, y: 1.0 }), 2);
        assert_eq!(t.time(1.0, &a, &Point::Plane { x: 3.0, y: 4.0 }), 5);
    }

    #[test]
    fn matrix_reads_row_then_column() {
        let t = Travel::Matrix {
            n: 2,
            seconds: vec![0, 300, 310, 0],
        };
        assert_eq!(t.time(0.0, &Point::Index(0), &Point::Index(1)), 300);
        assert_eq!(t.time(0.0, &Point::Index(1), &Point::Index(0)), 310);
    }

    #[test]
    fn mode_speeds_are_the_specs() {
        assert_eq!(mode_speed_kmh(Some(Mode::Walk)), 4.5);
        assert_eq!(mode_speed_kmh(Some(Mode::Bike)), 12.0);
        assert_eq!(mode_speed_kmh(Some(Mode::Ebike)), 15.0);
        assert_eq!(mode_speed_kmh(Some(Mode::Car)), 25.0);
        assert_eq!(mode_speed_kmh(None), 15.0);
    }
}
