//! The community half of the match (`generate --venues`, and the demo): a canteen
//! (助餐点) and a day-care centre (日间照料中心) in every community, how far each
//! elder walks, what each service costs and what each elder's vouchers cover.
//!
//! The figures, and where they come from (our assumptions, documented here and in the
//! README; the field's case studies give the order of magnitude, not these exact
//! numbers):
//! - **Canteen**: at the community's centre (its elders' mean location), a lunch
//!   sitting 11:00–12:30 and a dinner sitting 17:00–18:30 each day, with seats for
//!   half the community's meal needs of that sitting (the rest are delivered).
//! - **Day-care centre**: beside it, recreation and companionship 09:00–16:00, 12
//!   places a day.
//! - **Walking**: 15 minutes for an elder of ability level 0, 10 for level 1, 5 for
//!   level 2, none beyond (GB/T 42195-2022 levels) or with dementia.
//! - **Prices** (fen, per visit), at the level of district purchase lists for home
//!   care: a meal 15 yuan (community canteens sell subsidised meals at 10–20 yuan),
//!   check-in 20, companionship 30, recreation 10, cleaning 50, personal care 40,
//!   bathing 80, haircut 15, home safety 50, medical escort 60, rehab 100, emergency
//!   free; a social organisation's professionals charge 100 for a bath and 120 for
//!   rehab; volunteers charge nothing but the meal they bring (15 yuan).
//! - **Vouchers**: 300 yuan a month (the figure the field's cases cite — there a
//!   district subsidy paid to the operator per elder served, modelled here as a
//!   budget the plan may spend on the elder), that is
//!   10 yuan a day of the horizon, for elders aged 80 or more, of ability level 3 or 4,
//!   or of low income; with it an agreed co-payment of 70 yuan a day (20 for low
//!   income): a bath's price a day in all. Other elders pay as they go: no budget.
//!
//! ```
//! let p = carematch_synth::community::with_venues(carematch_synth::generate(600, 3));
//! assert!(!p.venues.is_empty());
//! assert!(p.elders.iter().any(|e| e.budget.is_some()));
//! let problem = carematch_core::Problem::from_input(p).unwrap();
//! let plan = carematch_core::solve(&problem).unwrap();
//! assert!(plan.summary.at_venues.unwrap() > 0);
//! assert!(carematch_core::check(&problem, &plan).is_empty());
//! ```

use std::collections::BTreeMap;

use carematch_core::wire::{
    Location, ProblemInput, ProviderKind, ServiceInput, SessionInput, VenueInput,
};

const H: i64 = 3_600;
const DAY: i64 = 86_400;
/// Fen per yuan.
const YUAN: i64 = 100;

/// Price per visit of each standard service, fen.
const PRICES: [(&str, i64); 12] = [
    ("meals", 15 * YUAN),
    ("check_in", 20 * YUAN),
    ("companionship", 30 * YUAN),
    ("recreation", 10 * YUAN),
    ("cleaning", 50 * YUAN),
    ("personal_care", 40 * YUAN),
    ("bathing", 80 * YUAN),
    ("haircut", 15 * YUAN),
    ("home_safety", 50 * YUAN),
    ("medical_escort", 60 * YUAN),
    ("rehab", 100 * YUAN),
    ("emergency", 0),
];

/// `p` with a canteen and a day-care centre in every community (area), walking
/// limits, prices and vouchers, as the module docs say.
pub fn with_venues(mut p: ProblemInput) -> ProblemInput {
    let days = p
        .needs
        .iter()
        .flat_map(|n| n.windows.iter().map(|w| w[1]))
        .max()
        .map_or(1, |t| t / DAY + 1)
        .clamp(1, 28);
    venues(&mut p, days);
    walks_and_vouchers(&mut p, days);
    for (id, price) in PRICES {
        match p.services.iter_mut().find(|s| s.id == id) {
            Some(s) => s.price = Some(price),
            None => p.services.push(ServiceInput {
                id: id.into(),
                price: Some(price),
                ..Default::default()
            }),
        }
    }
    providers(&mut p);
    p
}

/// A canteen (lunch and supper sittings, seats for half the community's meals) and a
/// day-care centre (12 seats a day) in every community, at its elders' mean location.
fn venues(p: &mut ProblemInput, days: i64) {
    // Each community's elders' mean location, and its meal needs by sitting.
    let mut areas: BTreeMap<String, ([f64; 2], usize, [usize; 2])> = BTreeMap::new();
    let area_of: std::collections::HashMap<&str, &str> = p
        .elders
        .iter()
        .filter_map(|e| Some((e.id.as_str(), e.area.as_deref()?)))
        .collect();
    for e in &p.elders {
        let (Some(a), Location::Point([x, y])) = (&e.area, e.location) else {
            continue;
        };
        let entry = areas.entry(a.clone()).or_insert(([0.0; 2], 0, [0; 2]));
        entry.0[0] += x;
        entry.0[1] += y;
        entry.1 += 1;
    }
    for n in p.needs.iter().filter(|n| n.service == "meals") {
        let Some(a) = area_of.get(n.elder.as_str()) else {
            continue;
        };
        let dinner = n.windows.first().is_some_and(|w| w[0] % DAY >= 15 * H);
        if let Some(entry) = areas.get_mut(*a) {
            entry.2[usize::from(dinner)] += 1;
        }
    }
    for (area, (sum, count, meals)) in &areas {
        let at = [
            round6(sum[0] / *count as f64),
            round6(sum[1] / *count as f64),
        ];
        let sitting = |open: i64, seats: usize| {
            (0..days).map(move |d| SessionInput {
                window: [d * DAY + open, d * DAY + open + 90 * 60],
                seats: seats.div_ceil(2) as i64,
            })
        };
        p.venues.push(VenueInput {
            id: format!("canteen-{area}"),
            location: Location::Point(at),
            services: vec!["meals".into()],
            sessions: sitting(11 * H, meals[0])
                .chain(sitting(17 * H, meals[1]))
                .collect(),
        });
        p.venues.push(VenueInput {
            id: format!("daycare-{area}"),
            location: Location::Point([round6(at[0] + 0.0008), at[1]]),
            services: vec!["companionship".into(), "recreation".into()],
            sessions: (0..days)
                .map(|d| SessionInput {
                    window: [d * DAY + 9 * H, d * DAY + 16 * H],
                    seats: 12,
                })
                .collect(),
        });
    }
}

/// Walking limits by ability (none with dementia), and vouchers for the oldest, the
/// least able and the poorest.
fn walks_and_vouchers(p: &mut ProblemInput, days: i64) {
    for e in &mut p.elders {
        let pr = e.profile.unwrap_or_default();
        let ability = pr.ability_level.unwrap_or(0);
        e.walk_limit = Some(if pr.dementia {
            0
        } else {
            match ability {
                0 => 15 * 60,
                1 => 10 * 60,
                2 => 5 * 60,
                _ => 0,
            }
        });
        let voucher = pr.age.unwrap_or(0) >= 80 || ability >= 3 || pr.low_income;
        if voucher {
            let copay = if pr.low_income { 20 } else { 70 };
            e.budget = Some((10 + copay) * YUAN * days);
        }
    }
}

/// Organisations' and volunteers' own prices, and every carer's station and group.
fn providers(p: &mut ProblemInput) {
    for prov in &mut p.providers {
        match prov.kind {
            ProviderKind::Organisation => {
                prov.prices.insert("bathing".into(), 100 * YUAN);
                prov.prices.insert("rehab".into(), 120 * YUAN);
            }
            // A volunteer's time is free, not the meal it brings.
            ProviderKind::Volunteer => {
                prov.prices.insert("meals".into(), 15 * YUAN);
            }
            ProviderKind::Staff => {}
        }
        let community = prov.id.get(2..6).unwrap_or("");
        prov.station = Some(format!("station-{community}"));
        prov.group = Some(
            match prov.kind {
                ProviderKind::Staff => "staff",
                ProviderKind::Organisation => "social_worker",
                ProviderKind::Volunteer => {
                    ["party_member", "younger_elder", "neighbour"][prov.id.len() % 3]
                }
            }
            .into(),
        );
    }
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}
