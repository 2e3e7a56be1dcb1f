//! # carematch-synth
//!
//! Seeded, deterministic synthetic city problems for carematch, and the built-in demo
//! community.
//!
//! A city is a grid of communities (社区, ~1.2 km cells around central Beijing), each with
//! a community service station. Elders registered with the platform follow the age mix
//! of an aged Beijing community described in the field's case studies (880 elders aged
//! 55+: 455 aged 55–70, 310 aged 70–80, 115 over 80); ability level, living alone, low
//! income and dementia depend on age. Elders live in a few apartment buildings per
//! community. Their needs are drawn by service with realistic durations and windows:
//! meals at lunch and dinner, personal care in the morning, bathing by day (two carers
//! with a lift for the most dependent), rehab in a morning or an afternoon slot, check-in
//! visits, companionship in the afternoon, rare emergencies with a 10-minute window.
//! Providers are station staff (levels 1–3, e-bikes, two shifts), social-organisation
//! professionals (levels 3–4, cars, rehab and escorts) and volunteers (walking, low-risk
//! services only), sized so that supply is a little short of demand — as in the field.
//!
//! ```
//! let p = carematch_synth::generate(300, 7);
//! assert!(p.needs.len() >= 300);
//! assert_eq!(p, carematch_synth::generate(300, 7)); // same seed, same city
//! let problem = carematch_core::Problem::from_input(p).unwrap();
//! assert!(problem.providers().len() > 10);
//! ```
#![deny(missing_docs)]

pub mod community;
pub mod healthcare;
pub mod history;
pub mod kernel;
pub mod station;
pub mod week;

use carematch_core::wire::*;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// Needs per community (a Beijing community of ~880 registered elders has a few
/// hundred visits on a weekday).
pub const NEEDS_PER_COMMUNITY: usize = 250;

const CENTER: (f64, f64) = (116.40, 39.90);
/// Cell size in degrees: ~1.2 km at Beijing's latitude.
const CELL: (f64, f64) = (0.014, 0.0108);

const H: i64 = 3600;
const M: i64 = 60;

/// A synthetic city with about `needs` needs (never fewer), from `seed`.
pub fn generate(needs: usize, seed: u64) -> ProblemInput {
    let needs = needs.max(1);
    let communities = needs.div_ceil(NEEDS_PER_COMMUNITY);
    let side = (communities as f64).sqrt().ceil() as usize;
    let mut g = Gen {
        rng: Pcg64::seed_from_u64(seed),
        out: ProblemInput {
            options: Some(OptionsInput {
                seed: Some(seed),
                ..OptionsInput::default()
            }),
            ..Default::default()
        },
    };
    for c in 0..communities {
        let share = needs / communities + usize::from(c < needs % communities);
        let (row, col) = (c / side, c % side);
        let center = (
            CENTER.0 + (col as f64 - side as f64 / 2.0) * CELL.0,
            CENTER.1 + (row as f64 - side as f64 / 2.0) * CELL.1,
        );
        g.community(c, center, share);
    }
    g.out
}

/// The built-in demo: one community's weekday, about 150 needs.
pub fn demo_community() -> ProblemInput {
    generate(150, 2026)
}

struct Gen {
    rng: Pcg64,
    out: ProblemInput,
}

/// Demand of one community, to size its providers.
#[derive(Default)]
struct Demand {
    staff_secs: i64,
    pro_secs: i64,
    volunteer_secs: i64,
}

impl Gen {
    fn community(&mut self, c: usize, center: (f64, f64), target: usize) {
        let area = format!("grid-{c:04}");
        let buildings: Vec<(f64, f64)> = (0..self.rng.random_range(5..=9))
            .map(|_| self.jitter(center, 0.45))
            .collect();
        let first_provider = self.out.providers.len();
        let mut demand = Demand::default();
        let mut made = 0;
        let first_elder = self.out.elders.len();
        while made < target {
            let b = buildings[self.rng.random_range(0..buildings.len())];
            let location = self.jitter(b, 0.02);
            let e = self.elder(&area, location);
            made += self.needs_of(&e, target - made, &mut demand);
            self.out.elders.push(e);
        }
        self.providers(c, center, &demand);
        self.preferences(first_elder, first_provider);
    }

    fn jitter(&mut self, (x, y): (f64, f64), cells: f64) -> (f64, f64) {
        let dx = self.rng.random_range(-cells..=cells) * CELL.0;
        let dy = self.rng.random_range(-cells..=cells) * CELL.1;
        (round6(x + dx), round6(y + dy))
    }

    fn elder(&mut self, area: &str, (lon, lat): (f64, f64)) -> ElderInput {
        let r = &mut self.rng;
        // 455 / 310 / 115 of 880.
        let u = r.random_range(0..880);
        let age = if u < 455 {
            r.random_range(55..70)
        } else if u < 765 {
            r.random_range(70..80)
        } else {
            r.random_range(80..100)
        };
        let ability_weights: [u32; 5] = if age < 70 {
            [80, 12, 5, 2, 1]
        } else if age < 80 {
            [55, 25, 12, 5, 3]
        } else {
            [25, 30, 22, 13, 10]
        };
        let ability = pick(r, &ability_weights) as i64;
        let lives_alone = r.random_bool(if age >= 80 { 0.35 } else { 0.22 });
        let low_income = r.random_bool(0.12);
        let dementia = r.random_bool(match age {
            80.. => 0.12,
            70..80 => 0.04,
            _ => 0.01,
        });
        let caregiver_gender = match r.random_range(0..100) {
            0..12 => Some(Gender::Female),
            12..15 => Some(Gender::Male),
            _ => None,
        };
        let id = format!("e-{:07}", self.out.elders.len());
        ElderInput {
            id,
            location: Location::Point([lon, lat]),
            area: Some(area.to_owned()),
            profile: Some(ProfileInput {
                age: Some(age),
                ability_level: Some(ability),
                lives_alone,
                low_income,
                dementia,
            }),
            caregiver_gender,
            ..Default::default()
        }
    }

    /// The services elder `e` needs today, with their windows (at least one).
    fn services_of(&mut self, e: &ElderInput) -> Vec<(&'static str, Vec<[i64; 2]>)> {
        let p = e.profile.unwrap_or_default();
        let ability = p.ability_level.unwrap_or(0);
        let r = &mut self.rng;
        let mut list: Vec<(&'static str, Vec<[i64; 2]>)> = Vec::new();
        if r.random_bool(0.45) {
            list.push(("meals", vec![[11 * H, 11 * H + 45 * M]]));
            if r.random_bool(0.4) {
                list.push(("meals", vec![[17 * H, 17 * H + 45 * M]]));
            }
        }
        if r.random_bool(if p.lives_alone { 0.55 } else { 0.2 }) {
            let s = r.random_range(9..=13) * H;
            list.push(("check_in", vec![[s, s + 4 * H]]));
        }
        if r.random_bool(0.12) {
            let s = 8 * H + 30 * M + r.random_range(0..=8) * 30 * M;
            list.push(("cleaning", vec![[s, s + 3 * H]]));
        }
        if r.random_bool(if ability >= 2 { 0.4 } else { 0.03 }) {
            let s = 9 * H + r.random_range(0..=8) * 30 * M;
            list.push(("bathing", vec![[s, s + 2 * H]]));
        }
        if r.random_bool(if ability >= 2 { 0.55 } else { 0.04 }) {
            list.push(("personal_care", vec![[7 * H + 30 * M, 9 * H]]));
        }
        if r.random_bool(0.04) {
            list.push(("medical_escort", vec![[7 * H + 30 * M, 9 * H]]));
        }
        if (1..=3).contains(&ability) && r.random_bool(0.12) {
            list.push(("rehab", vec![[9 * H, 11 * H], [14 * H, 16 * H]]));
        }
        if r.random_bool(if p.dementia || p.lives_alone {
            0.18
        } else {
            0.06
        }) {
            list.push(("companionship", vec![[14 * H, 16 * H + 30 * M]]));
        }
        if r.random_bool(0.006) {
            let t = r.random_range(8 * H..18 * H);
            list.push(("emergency", vec![[t, t + 10 * M]]));
        }
        if r.random_bool(0.03) {
            list.push(("haircut", vec![[9 * H, 16 * H]]));
        }
        if ability <= 1 && r.random_bool(0.05) {
            list.push(("recreation", vec![[14 * H, 15 * H + 30 * M]]));
        }
        if r.random_bool(0.02) {
            list.push(("home_safety", vec![[9 * H, 15 * H]]));
        }
        if list.is_empty() {
            let s = r.random_range(9..=13) * H;
            list.push(("check_in", vec![[s, s + 4 * H]]));
        }
        list
    }

    /// Draws the elder's needs for the day (at least one, at most `room`).
    fn needs_of(&mut self, e: &ElderInput, room: usize, demand: &mut Demand) -> usize {
        let ability = e.profile.unwrap_or_default().ability_level.unwrap_or(0);
        let mut list = self.services_of(e);
        list.truncate(room);
        let n = list.len();
        for (service, windows) in list {
            let spec = carematch_core::catalogue::lookup(service).expect("catalogue service");
            let two = service == "bathing" && ability >= 3 && self.rng.random_bool(0.5);
            let load = (service == "meals").then_some(1);
            let id = format!("n-{:07}", self.out.needs.len());
            let secs = spec.duration * if two { 2 } else { 1 };
            match service {
                "rehab" | "medical_escort" | "home_safety" => demand.pro_secs += secs,
                "meals" | "check_in" | "companionship" | "recreation" => {
                    // Volunteers take about half of these; staff the rest.
                    demand.volunteer_secs += secs / 2;
                    demand.staff_secs += secs - secs / 2;
                }
                _ => demand.staff_secs += secs,
            }
            self.out.needs.push(NeedInput {
                id,
                elder: e.id.clone(),
                service: service.to_owned(),
                windows,
                skills: if two {
                    vec!["lift_assist".into()]
                } else {
                    Vec::new()
                },
                caregivers: two.then_some(2),
                load,
                ..Default::default()
            });
        }
        n
    }

    /// Providers sized to ~90 % of the community's demand (service plus ~40 % travel
    /// and waiting, against ~7 h of work per carer).
    fn providers(&mut self, c: usize, station: (f64, f64), d: &Demand) {
        let per_day = |secs: i64, hours: f64| {
            ((secs as f64 * 1.4 * 0.9) / (hours * 3600.0))
                .round()
                .max(1.0) as usize
        };
        let staff = per_day(d.staff_secs, 7.5);
        let pros = per_day(d.pro_secs, 8.0);
        let volunteers = per_day(d.volunteer_secs, 3.0);
        let station_loc = Location::Point([round6(station.0), round6(station.1)]);
        for k in 0..staff {
            let p = self.staff(station_loc);
            self.push_provider(c, k, p);
        }
        for k in 0..pros {
            let p = self.organisation_carer(station_loc);
            self.push_provider(c, staff + k, p);
        }
        for k in 0..volunteers {
            let p = self.volunteer(station);
            self.push_provider(c, staff + pros + k, p);
        }
    }

    /// A station's staff member: the home services, emergency from level 2, two
    /// e-bike shifts.
    fn staff(&mut self, station: Location) -> ProviderInput {
        let r = &mut self.rng;
        let level = pick(r, &[0, 40, 40, 20]) as i64;
        let mut skills: Vec<String> = [
            "meals",
            "cleaning",
            "personal_care",
            "bathing",
            "check_in",
            "companionship",
            "recreation",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if level >= 2 {
            skills.push("emergency".into());
        }
        if r.random_bool(0.5) {
            skills.push("lift_assist".into());
        }
        if r.random_bool(0.25) {
            skills.push("haircut".into());
        }
        let gender = if r.random_bool(0.75) {
            Gender::Female
        } else {
            Gender::Male
        };
        ProviderInput {
            kind: ProviderKind::Staff,
            skills,
            level: Some(level),
            gender: Some(gender),
            start: station,
            shifts: vec![[8 * H, 12 * H], [13 * H + 30 * M, 17 * H + 30 * M]],
            mode: Some(Mode::Ebike),
            max_visits: Some(14),
            max_work: Some(8 * H),
            capacity: Some(12),
            ..Default::default()
        }
    }

    /// A social organisation's carer: rehab, escorts, care; one shift by car.
    fn organisation_carer(&mut self, station: Location) -> ProviderInput {
        let r = &mut self.rng;
        let level = r.random_range(3..=4);
        let skills = [
            "rehab",
            "medical_escort",
            "personal_care",
            "bathing",
            "home_safety",
            "lift_assist",
            "emergency",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let gender = if r.random_bool(0.6) {
            Gender::Female
        } else {
            Gender::Male
        };
        ProviderInput {
            kind: ProviderKind::Organisation,
            skills,
            level: Some(level),
            gender: Some(gender),
            start: station,
            shifts: vec![[7 * H + 30 * M, 17 * H]],
            mode: Some(Mode::Car),
            max_visits: Some(8),
            max_work: Some(8 * H),
            ..Default::default()
        }
    }

    /// A neighbourhood volunteer: meals, check-ins, company; a morning or an afternoon
    /// on foot or by bike from home.
    fn volunteer(&mut self, station: (f64, f64)) -> ProviderInput {
        let home = self.jitter(station, 0.45);
        let r = &mut self.rng;
        let mut skills: Vec<String> =
            vec!["meals".into(), "check_in".into(), "companionship".into()];
        if r.random_bool(0.4) {
            skills.push("cleaning".into());
        }
        if r.random_bool(0.3) {
            skills.push("recreation".into());
        }
        let gender = if r.random_bool(0.65) {
            Gender::Female
        } else {
            Gender::Male
        };
        let shift = if r.random_bool(0.5) {
            [9 * H, 12 * H]
        } else {
            [14 * H, 18 * H]
        };
        let mode = if r.random_bool(0.7) {
            Mode::Walk
        } else {
            Mode::Bike
        };
        ProviderInput {
            kind: ProviderKind::Volunteer,
            skills,
            level: Some(0),
            gender: Some(gender),
            start: Location::Point([home.0, home.1]),
            shifts: vec![shift],
            mode: Some(mode),
            max_visits: Some(6),
            capacity: Some(6),
            ..Default::default()
        }
    }

    /// Adds `p` as provider `k` of community `c`, its id made of both and its kind.
    fn push_provider(&mut self, c: usize, k: usize, p: ProviderInput) {
        let tag = match p.kind {
            ProviderKind::Staff => "s",
            ProviderKind::Organisation => "o",
            ProviderKind::Volunteer => "v",
        };
        self.out.providers.push(ProviderInput {
            id: format!("p-{c:04}-{tag}{k:03}"),
            ..p
        });
    }

    /// Some elders trust a carer of their community; a few refuse one.
    fn preferences(&mut self, first_elder: usize, first_provider: usize) {
        let staff: Vec<String> = self.out.providers[first_provider..]
            .iter()
            .filter(|p| p.kind != ProviderKind::Volunteer)
            .map(|p| p.id.clone())
            .collect();
        if staff.is_empty() {
            return;
        }
        for e in &mut self.out.elders[first_elder..] {
            if self.rng.random_bool(0.10) {
                e.prefers
                    .push(staff[self.rng.random_range(0..staff.len())].clone());
            }
            if self.rng.random_bool(0.03) {
                let a = staff[self.rng.random_range(0..staff.len())].clone();
                if !e.prefers.contains(&a) {
                    e.avoids.push(a);
                }
            }
        }
    }
}

fn pick(r: &mut Pcg64, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = r.random_range(0..total);
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_and_determinism() {
        let a = generate(1_000, 3);
        assert!(
            a.needs.len() >= 1_000 && a.needs.len() < 1_010,
            "{}",
            a.needs.len()
        );
        assert_eq!(a, generate(1_000, 3));
        assert_ne!(a, generate(1_000, 4));
    }

    #[test]
    fn is_a_valid_problem_with_variety() {
        let p = generate(2_000, 11);
        let kinds = |k| p.providers.iter().filter(|x| x.kind == k).count();
        assert!(kinds(ProviderKind::Staff) > 0);
        assert!(kinds(ProviderKind::Organisation) > 0);
        assert!(kinds(ProviderKind::Volunteer) > 0);
        assert!(p.needs.iter().any(|n| n.caregivers == Some(2)));
        assert!(p.elders.iter().any(|e| !e.prefers.is_empty()));
        assert!(p.elders.iter().any(|e| !e.avoids.is_empty()));
        assert!(p.elders.iter().any(|e| e.caregiver_gender.is_some()));
        let old = p
            .elders
            .iter()
            .filter(|e| e.profile.unwrap().age.unwrap() >= 80)
            .count();
        let share = old as f64 / p.elders.len() as f64;
        // 115 / 880 = 13 % of registered elders are over 80.
        assert!((0.08..0.20).contains(&share), "{share}");
        carematch_core::Problem::from_input(p).expect("valid");
    }
}
