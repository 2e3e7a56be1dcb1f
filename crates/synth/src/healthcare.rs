//! Home health care problems in the shape of the public benchmarks (Mankowska et al.,
//! 2014, and the instances built on them): patients who need one or two services,
//! about a quarter of them two, half of those at one start by two carers of different
//! skills and half in a fixed order with a gap; windows that may be missed at a cost.
//!
//! The shape, not the numbers: a 10 km × 10 km district in metres (euclidean travel),
//! carers on e-bikes at 15 km/h from one station, one carer per five patients (at
//! least three: a nurse, an aide and a therapist), a day from 08:00 to 18:00. Carers
//! are nurses (nursing, wound care, medication), aides (personal care, bathing, meals) or therapists (rehab), and one in
//! four can also do the other group's work. A patient's first visit has a two-hour
//! window somewhere in the day; visits last 15 to 45 minutes. Double-service patients:
//! a bath by a nurse and an aide together (a `together` link of a nursing need and a
//! bathing need), or personal care then medication 30 to 60 minutes later (a
//! `sequence` link, any provider). Every window is soft: a visit may start up to three
//! hours late, and the cost weighs travel, total lateness and the largest lateness
//! equally — the benchmarks' objective `(travel + lateness + max lateness) / 3`, times
//! three.
//!
//! ```
//! let p = carematch_synth::healthcare::generate(40, 3);
//! assert!(p.needs.len() > 40 && !p.links.is_empty());
//! assert_eq!(p, carematch_synth::healthcare::generate(40, 3));
//! carematch_core::Problem::from_input(p).unwrap();
//! ```

use carematch_core::wire::*;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// Width and height of the district, metres.
const SIDE: f64 = 10_000.0;
/// Carers' speed, metres per second (15 km/h).
const SPEED: f64 = 15.0 / 3.6;
/// The day: 08:00 to 18:00.
const DAY: [i64; 2] = [8 * 3600, 18 * 3600];
/// How late a visit may start, seconds.
const LATE_BY: i64 = 3 * 3600;

/// How a home health care problem is drawn beyond its size: the share of patients with
/// two linked services, and the share of carers who can also do the other group's
/// work.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// Share of patients with two linked services (half `together`, half in
    /// `sequence`); `None`: one in four, drawn as the benchmarks' shape always was.
    pub linked: Option<f64>,
    /// Share of carers who can also do the other group's work (0.25 by default).
    pub overlap: f64,
}

impl Default for Shape {
    fn default() -> Self {
        Self {
            linked: None,
            overlap: 0.25,
        }
    }
}

/// A home health care problem of `patients` patients, from `seed`, of the default
/// [`Shape`].
pub fn generate(patients: usize, seed: u64) -> ProblemInput {
    generate_shaped(patients, seed, Shape::default())
}

/// A home health care problem of `patients` patients, from `seed`, of `shape`.
///
/// ```
/// use carematch_synth::healthcare::{generate_shaped, Shape};
/// let shape = Shape { linked: Some(1.0 / 3.0), overlap: 0.5 };
/// let p = generate_shaped(90, 1, shape);
/// assert!((20..=40).contains(&p.links.len()), "{}", p.links.len());
/// ```
pub fn generate_shaped(patients: usize, seed: u64, shape: Shape) -> ProblemInput {
    let mut r = Pcg64::seed_from_u64(seed ^ 0x4843_0000_0000_0000);
    let mut out = ProblemInput {
        travel: Some(TravelInput {
            metric: Metric::Euclidean,
            speed: Some(SPEED),
            ..TravelInput::default()
        }),
        options: Some(OptionsInput {
            seed: Some(seed),
            weights: Some(WeightsInput {
                travel: Some(1),
                lateness: Some(1),
                max_lateness: Some(1),
                ..WeightsInput::default()
            }),
            ..OptionsInput::default()
        }),
        ..ProblemInput::default()
    };
    let station = (SIDE / 2.0, SIDE / 2.0);
    let carers = patients.div_ceil(5).max(3);
    for k in 0..carers {
        out.providers.push(carer(&mut r, k, station, shape.overlap));
    }
    for i in 0..patients {
        patient(&mut r, i, &mut out, shape.linked);
    }
    out
}

/// Carer `k`: a nurse, an aide or a therapist in turn, a share `overlap` of them able
/// to do the other group's work too.
fn carer(r: &mut Pcg64, k: usize, station: (f64, f64), overlap: f64) -> ProviderInput {
    let (kind, mut skills): (&str, Vec<&str>) = match k % 3 {
        0 => ("nurse", vec!["nursing", "wound_care", "medication"]),
        1 => ("aide", vec!["personal_care", "bathing", "meals"]),
        _ => ("therapist", vec!["rehab", "personal_care"]),
    };
    if r.random_bool(overlap.clamp(0.0, 1.0)) {
        skills.extend(match kind {
            "nurse" => ["personal_care", "bathing"].as_slice(),
            _ => ["nursing", "medication"].as_slice(),
        });
    }
    ProviderInput {
        id: format!("{kind}-{k:03}"),
        kind: ProviderKind::Staff,
        skills: skills.iter().map(|s| s.to_string()).collect(),
        level: Some(3),
        start: Location::Point([station.0, station.1]),
        shifts: vec![DAY],
        ..Default::default()
    }
}

/// Patient `i`, its needs and links, into `out`; linked with probability `linked` (one
/// in four when `None`).
fn patient(r: &mut Pcg64, i: usize, out: &mut ProblemInput, linked: Option<f64>) {
    let (x, y) = (
        r.random_range(0.0..SIDE).round(),
        r.random_range(0.0..SIDE).round(),
    );
    let elder = format!("pt-{i:04}");
    out.elders.push(ElderInput {
        id: elder.clone(),
        location: Location::Point([x, y]),
        ..Default::default()
    });
    let open = r.random_range(DAY[0]..DAY[1] - 3 * 3600) / 900 * 900;
    let minutes = |r: &mut Pcg64| r.random_range(1..=3) * 15 * 60;
    let need = |id: String, service: &str, open: i64, duration: i64| NeedInput {
        id,
        elder: elder.clone(),
        service: service.to_owned(),
        duration: Some(duration),
        windows: vec![[open, open + 2 * 3600]],
        priority: Some(50),
        late_by: Some(LATE_BY),
        ..Default::default()
    };
    let (a, b) = (format!("n-{i:04}-a"), format!("n-{i:04}-b"));
    let link = |kind, gap: Option<(i64, i64)>| LinkInput {
        id: format!("l-{i:04}"),
        kind,
        needs: vec![a.clone(), b.clone()],
        min_gap: gap.map(|g| g.0),
        max_gap: gap.map(|g| g.1),
        ..Default::default()
    };
    let kind = match linked {
        None => r.random_range(0..8),
        Some(l) if r.random_bool(l.clamp(0.0, 1.0)) => r.random_range(0..2),
        Some(_) => r.random_range(2..8),
    };
    match kind {
        // A bath by a nurse and an aide together.
        0 => {
            let d = minutes(r);
            out.needs.push(need(a.clone(), "nursing", open, d));
            out.needs.push(need(b.clone(), "bathing", open, d));
            out.links.push(link(LinkKind::Together, None));
        }
        // Personal care, then medication 30 to 60 minutes later.
        1 => {
            let d = minutes(r);
            out.needs.push(need(a.clone(), "personal_care", open, d));
            out.needs
                .push(need(b.clone(), "medication", open + 1800, 15 * 60));
            out.links.push(link(LinkKind::Sequence, Some((1800, 3600))));
        }
        k => {
            let service = [
                "nursing",
                "wound_care",
                "personal_care",
                "bathing",
                "rehab",
                "meals",
            ][k as usize % 6];
            let d = minutes(r);
            out.needs.push(need(format!("n-{i:04}"), service, open, d));
        }
    }
}
