//! A care programme over several days (`generate --days D`): the one-day city of
//! [`crate::generate`] run as a programme. Every need becomes one need of several
//! visits with one window per allowed day: meals on weekdays (days 0–4 of each
//! week), a bath once or twice a week at least a day apart, cleaning once over the
//! horizon, a check-in every day for an elder living alone, other services once over
//! the horizon. Staff work five days of each week with 44 hours in all per week;
//! volunteers two days, 4 hours per week. Carer changes cost 600 (ten minutes of
//! travel each), so the engine keeps familiar carers.
//!
//! ```
//! let week = carematch_synth::week::generate(60, 7, 3);
//! let o = week.options.as_ref().unwrap();
//! assert_eq!(o.day_length, Some(86_400));
//! assert!(week.needs.iter().any(|n| n.visits.unwrap_or(1) > 1));
//! ```

use carematch_core::wire::{ProblemInput, ProviderKind, WeightsInput};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// Seconds per day.
pub const DAY: i64 = 86_400;
/// Weight of one carer change in the cost.
pub const CARER_CHANGE: i64 = 600;

/// A programme of `days` days (1 to 28) over a city of about `needs` needs per day's
/// worth of services.
pub fn generate(needs: usize, days: usize, seed: u64) -> ProblemInput {
    programme(crate::generate(needs, seed), days, seed)
}

/// The built-in demo community ([`crate::demo_community`]) as a week's programme.
///
/// ```
/// let week = carematch_synth::week::demo_week();
/// assert!(week.needs.iter().any(|n| n.visits.unwrap_or(1) > 1));
/// ```
pub fn demo_week() -> ProblemInput {
    programme(crate::demo_community(), 7, 2026)
}

/// One day's problem `p` run as a programme of `days` days (1 to 28), as the module
/// docs say.
pub fn programme(mut p: ProblemInput, days: usize, seed: u64) -> ProblemInput {
    let mut r = Pcg64::seed_from_u64(seed ^ 0x005e_ed0f_7ee4);
    let days = days.clamp(1, 28) as i64;
    let weekday = |d: i64| d % 7 < 5;
    let alone: std::collections::HashSet<String> = p
        .elders
        .iter()
        .filter(|e| e.profile.as_ref().is_some_and(|pr| pr.lives_alone))
        .map(|e| e.id.clone())
        .collect();
    for n in &mut p.needs {
        let on = |allowed: &dyn Fn(i64) -> bool| -> Vec<i64> {
            (0..days).filter(|&d| allowed(d)).collect()
        };
        let weeks = (days + 6) / 7;
        let (chosen, visits, min_gap): (Vec<i64>, i64, i64) = match n.service.as_str() {
            "meals" => {
                let d = on(&weekday);
                let v = d.len() as i64;
                (d, v, 0)
            }
            "bathing" => (on(&|_| true), weeks * r.random_range(1..=2), DAY),
            "check_in" if alone.contains(&n.elder) => (on(&|_| true), days, 0),
            _ => (on(&|_| true), 1, 0),
        };
        let visits = visits.min(chosen.len() as i64).max(1);
        let base = n.windows.clone();
        n.windows = chosen
            .iter()
            .flat_map(|&d| base.iter().map(move |w| [w[0] + d * DAY, w[1] + d * DAY]))
            .take(carematch_core::limits::MAX_WINDOWS)
            .collect();
        if visits > 1 {
            n.visits = Some(visits);
            n.min_gap = (min_gap > 0).then_some(min_gap);
            n.caregivers = None;
        }
    }
    for prov in &mut p.providers {
        let (per_week, hours): (i64, i64) = match prov.kind {
            ProviderKind::Volunteer => (2, 4),
            _ => (5, 44),
        };
        let first = r.random_range(0..7 - per_week + 1);
        let base = prov.shifts.clone();
        prov.shifts = (0..days)
            .filter(|d| (d % 7) >= first && (d % 7) < first + per_week)
            .flat_map(|d| base.iter().map(move |s| [s[0] + d * DAY, s[1] + d * DAY]))
            .take(carematch_core::limits::MAX_SHIFTS)
            .collect();
        if prov.shifts.is_empty() {
            prov.shifts = base;
        }
        let weeks = (days + 6) / 7;
        prov.max_work_total = Some(hours * 3_600 * weeks);
    }
    let o = p.options.get_or_insert_with(Default::default);
    o.day_length = Some(DAY);
    o.weights = Some(WeightsInput {
        carer_changes: Some(CARER_CHANGE),
        ..Default::default()
    });
    p
}
