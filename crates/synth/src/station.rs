//! One-station problems: a large operator whose carers all leave from one (or a few)
//! service stations, in the shape of the large public VRPTW families (a few hundred
//! identical vehicles at one depot, a thousand customers or more; random, clustered or
//! mixed customers; tight windows and short routes, or wide windows and long ones).
//!
//! The shape, not the numbers, of those instances: a 10 km × 10 km district measured
//! in metres (euclidean travel), carers on e-bikes at 15 km/h (4.17 m/s) who may all
//! do every visit (so the problem is a pure VRPTW: nothing but travel, windows,
//! shifts and capacity decides), one 10-hour shift from 08:00, and one carer per four
//! needs. Visits are a meal delivery (10 min, one box; carers carry 15 boxes), a
//! check-in (15 min), personal care (30 min), a bath (45 min) or cleaning (60 min).
//! Every need can be served by a carer alone (its window can be reached from the
//! station and left in time to return), and every need has the same priority, so a
//! plan is judged by its travel once everyone is served.
//!
//! - **Tight** windows: one window of 30 to 60 minutes per visit, anywhere in the day
//!   it can be reached: short routes, many carers needed.
//! - **Wide** windows: one window of 3 to 8 hours: long routes, few carers needed.
//! - **Random** elders: uniform over the district. **Clustered**: around 10 + N/100
//!   residential compounds (σ = 350 m). **Mixed**: half and half.
//! - **Stations**: 1 (the centre), or up to 9 on a 3 × 3 grid, carers split evenly.
//!
//! ```
//! use carematch_synth::station::{generate, Layout, Spec, Windows};
//! let spec = Spec { needs: 200, stations: 1, windows: Windows::Tight, layout: Layout::Random, seed: 3 };
//! let p = generate(&spec);
//! assert_eq!(p.needs.len(), 200);
//! assert_eq!(p.providers.len(), 50);
//! assert_eq!(p, generate(&spec)); // seeded
//! carematch_core::Problem::from_input(p).unwrap();
//! ```

use carematch_core::wire::*;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// Width and height of the district, metres.
const SIDE: f64 = 10_000.0;
/// Carers' speed, metres per second (15 km/h).
const SPEED: f64 = 15.0 / 3.6;
/// The shift: 08:00 to 18:00.
const SHIFT: [i64; 2] = [8 * 3600, 18 * 3600];
/// Meal boxes a carer carries.
const CAPACITY: i64 = 15;
/// Needs per carer.
const NEEDS_PER_CARER: usize = 4;

/// Window width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Windows {
    /// 30 to 60 minutes.
    Tight,
    /// 3 to 8 hours.
    Wide,
}

/// Where elders live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Uniform over the district.
    Random,
    /// Around residential compounds.
    Clustered,
    /// Half and half.
    Mixed,
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Needs (one per elder).
    pub needs: usize,
    /// Stations: 1 to 9.
    pub stations: usize,
    /// Window width.
    pub windows: Windows,
    /// Where elders live.
    pub layout: Layout,
    /// Seed: the same spec gives the same problem.
    pub seed: u64,
}

/// The visit kinds: service, minutes, meal boxes.
const VISITS: [(&str, i64, i64); 5] = [
    ("meals", 10, 1),
    ("check_in", 15, 0),
    ("personal_care", 30, 0),
    ("bathing", 45, 0),
    ("cleaning", 60, 0),
];

/// A one-station problem (see the module docs).
pub fn generate(spec: &Spec) -> ProblemInput {
    let mut r = Pcg64::seed_from_u64(spec.seed ^ 0x5751_7A71_0000_0000);
    let stations = station_sites(spec.stations.clamp(1, 9));
    let compounds: Vec<(f64, f64)> = (0..10 + spec.needs / 100)
        .map(|_| {
            (
                r.random_range(500.0..SIDE - 500.0),
                r.random_range(500.0..SIDE - 500.0),
            )
        })
        .collect();
    let mut out = ProblemInput {
        travel: Some(TravelInput {
            metric: Metric::Euclidean,
            speed: Some(SPEED),
            ..TravelInput::default()
        }),
        options: Some(OptionsInput {
            seed: Some(spec.seed),
            ..OptionsInput::default()
        }),
        ..ProblemInput::default()
    };
    let carers = spec.needs.div_ceil(NEEDS_PER_CARER).max(1);
    for k in 0..carers {
        let at = stations[k % stations.len()];
        out.providers.push(ProviderInput {
            id: format!("c-{k:05}"),
            kind: ProviderKind::Staff,
            skills: VISITS.iter().map(|v| v.0.to_owned()).collect(),
            level: Some(3),
            start: Location::Point([at.0, at.1]),
            shifts: vec![SHIFT],
            capacity: Some(CAPACITY),
            ..Default::default()
        });
    }
    for i in 0..spec.needs {
        elder_and_need(&mut r, spec, i, (&stations, &compounds), &mut out);
    }
    out
}

/// Elder `i` and its need, into `out`: a home at random or around a compound, a
/// visit that every station can reach inside its window.
fn elder_and_need(
    r: &mut Pcg64,
    spec: &Spec,
    i: usize,
    (stations, compounds): (&[Site], &[Site]),
    out: &mut ProblemInput,
) {
    let clustered = match spec.layout {
        Layout::Random => false,
        Layout::Clustered => true,
        Layout::Mixed => i % 2 == 1,
    };
    let (x, y) = if clustered {
        let c = compounds[r.random_range(0..compounds.len())];
        (gauss(r, c.0, 350.0), gauss(r, c.1, 350.0))
    } else {
        (r.random_range(0.0..SIDE), r.random_range(0.0..SIDE))
    };
    let (x, y) = (x.round().clamp(0.0, SIDE), y.round().clamp(0.0, SIDE));
    let (service, minutes, load) = VISITS[r.random_range(0..VISITS.len())];
    let duration = minutes * 60;
    // The farthest station bounds the reachable part of the day.
    let far = stations
        .iter()
        .map(|s| ((x - s.0).hypot(y - s.1) / SPEED).ceil() as i64)
        .max()
        .unwrap_or(0);
    let (first, last) = (SHIFT[0] + far, SHIFT[1] - far - duration);
    let width = match spec.windows {
        Windows::Tight => r.random_range(30..=60) * 60,
        Windows::Wide => r.random_range(3 * 60..=8 * 60) * 60,
    };
    let open = if last - width > first {
        r.random_range(first..=last - width) / 300 * 300
    } else {
        first
    }
    .max(first);
    let close = (open + width).min(last).max(open);
    out.elders.push(ElderInput {
        id: format!("e-{i:05}"),
        location: Location::Point([x, y]),
        ..Default::default()
    });
    out.needs.push(NeedInput {
        id: format!("n-{i:05}"),
        elder: format!("e-{i:05}"),
        service: service.to_owned(),
        windows: vec![[open, close]],
        priority: Some(50),
        load: (load > 0).then_some(load),
        ..Default::default()
    });
}

/// A point of the district, metres.
type Site = (f64, f64);

/// Station sites: the centre, or the points of a 3 × 3 grid, in a fixed order.
fn station_sites(k: usize) -> Vec<(f64, f64)> {
    if k == 1 {
        return vec![(SIDE / 2.0, SIDE / 2.0)];
    }
    let grid: Vec<(f64, f64)> = [1.0, 5.0, 3.0]
        .iter()
        .flat_map(|&gx| [1.0, 5.0, 3.0].map(|gy| (gx * SIDE / 6.0, gy * SIDE / 6.0)))
        .collect();
    grid.into_iter().take(k).collect()
}

/// A normal draw (Box–Muller).
fn gauss(r: &mut Pcg64, mean: f64, sd: f64) -> f64 {
    let u: f64 = r.random_range(f64::EPSILON..1.0);
    let v: f64 = r.random_range(0.0..1.0);
    mean + sd * (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_need_can_be_served_alone_and_the_shapes_differ() {
        for (windows, layout) in [
            (Windows::Tight, Layout::Random),
            (Windows::Wide, Layout::Clustered),
            (Windows::Tight, Layout::Mixed),
        ] {
            let spec = Spec {
                needs: 400,
                stations: 3,
                windows,
                layout,
                seed: 5,
            };
            let p = carematch_core::Problem::from_input(generate(&spec)).expect("valid");
            let c = carematch_core::feasibility::Candidates::new(&p);
            for n in 0..p.needs().len() {
                let n = carematch_core::model::NeedIdx(n as u32);
                assert!(c.reason(n).is_none(), "{:?}", c.reason(n));
            }
            let widths: i64 = p
                .needs()
                .iter()
                .map(|n| n.windows[0].close - n.windows[0].open)
                .sum();
            let mean = widths / p.needs().len() as i64;
            match windows {
                Windows::Tight => assert!(mean <= 3600, "{mean}"),
                Windows::Wide => assert!(mean >= 3 * 3600, "{mean}"),
            }
        }
    }
}
