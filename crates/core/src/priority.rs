//! The default priority of a need, when the caller gives none.
//!
//! The formula (all terms integers, result in `0..=100`):
//!
//! ```text
//! vulnerability = 8 * ability_level            (0 intact .. 4 complete loss: 0..32)
//!               + 10 if age >= 80, 15 if age >= 90
//!               + 10 if lives_alone
//!               +  8 if low_income
//!               + 10 if dementia                (at most 75)
//! emergency:      priority = 90 + min(10, vulnerability / 7)    (90..=100)
//! other services: priority = min(89, base(service) + vulnerability)
//! ```
//!
//! `base(service)` is the catalogue's `base_priority` (meals 25, personal care 25,
//! medical escort 30, bathing 20, rehab 20, check-in 15, cleaning / companionship /
//! home safety 10, haircut / recreation 5; custom services 10). So emergency help
//! always outranks everything else, and among the rest the most vulnerable elders
//! (very old, living alone, disabled, low-income, with dementia) come first.

use crate::catalogue::{self, EMERGENCY};
use crate::wire::ProfileInput;

/// The elder's vulnerability score of the formula above.
///
/// ```
/// use carematch_core::priority::vulnerability;
/// use carematch_core::wire::ProfileInput;
/// let p = ProfileInput { age: Some(85), ability_level: Some(3), lives_alone: true, ..Default::default() };
/// assert_eq!(vulnerability(&p), 24 + 10 + 10);
/// ```
pub fn vulnerability(p: &ProfileInput) -> u32 {
    let ability = p.ability_level.unwrap_or(0).clamp(0, 4) as u32;
    let age = p.age.unwrap_or(0);
    let age_term = if age >= 90 {
        15
    } else if age >= 80 {
        10
    } else {
        0
    };
    8 * ability
        + age_term
        + if p.lives_alone { 10 } else { 0 }
        + if p.low_income { 8 } else { 0 }
        + if p.dementia { 10 } else { 0 }
}

/// The default priority of a need for `service` of an elder with `profile`.
///
/// ```
/// use carematch_core::priority::default_priority;
/// use carematch_core::wire::ProfileInput;
/// let frail = ProfileInput { age: Some(92), ability_level: Some(4), lives_alone: true, ..Default::default() };
/// assert_eq!(default_priority("emergency", &ProfileInput::default()), 90);
/// assert_eq!(default_priority("meals", &frail), 25 + 32 + 15 + 10);
/// assert_eq!(default_priority("recreation", &ProfileInput::default()), 5);
/// ```
pub fn default_priority(service: &str, profile: &ProfileInput) -> u32 {
    let v = vulnerability(profile);
    if service == EMERGENCY {
        return 90 + (v / 7).min(10);
    }
    let base = catalogue::lookup(service)
        .map(|s| s.base_priority)
        .unwrap_or(catalogue::CUSTOM_BASE_PRIORITY);
    (base + v).min(89)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(age: i64, ability: i64, alone: bool, poor: bool, dementia: bool) -> ProfileInput {
        ProfileInput {
            age: Some(age),
            ability_level: Some(ability),
            lives_alone: alone,
            low_income: poor,
            dementia,
        }
    }

    #[test]
    fn every_term_counts() {
        let none = profile(60, 0, false, false, false);
        assert_eq!(default_priority("cleaning", &none), 10);
        assert_eq!(
            default_priority("cleaning", &profile(60, 2, false, false, false)),
            26
        );
        assert_eq!(
            default_priority("cleaning", &profile(80, 0, false, false, false)),
            20
        );
        assert_eq!(
            default_priority("cleaning", &profile(90, 0, false, false, false)),
            25
        );
        assert_eq!(
            default_priority("cleaning", &profile(60, 0, true, false, false)),
            20
        );
        assert_eq!(
            default_priority("cleaning", &profile(60, 0, false, true, false)),
            18
        );
        assert_eq!(
            default_priority("cleaning", &profile(60, 0, false, false, true)),
            20
        );
        assert_eq!(default_priority("my_custom", &none), 10);
    }

    #[test]
    fn emergency_outranks_everything_else() {
        let worst = profile(95, 4, true, true, true);
        let best = profile(60, 0, false, false, false);
        assert_eq!(vulnerability(&worst), 75);
        assert_eq!(default_priority("medical_escort", &worst), 89);
        assert_eq!(default_priority(EMERGENCY, &best), 90);
        assert_eq!(default_priority(EMERGENCY, &worst), 100);
        for s in catalogue::CATALOGUE.iter().filter(|s| s.id != EMERGENCY) {
            assert!(default_priority(s.id, &worst) < default_priority(EMERGENCY, &best));
        }
    }

    #[test]
    fn more_vulnerable_never_ranks_lower() {
        for s in catalogue::CATALOGUE {
            let mut last = 0;
            for ability in 0..=4 {
                let p = default_priority(s.id, &profile(70, ability, false, false, false));
                assert!(p >= last);
                last = p;
            }
        }
    }
}
