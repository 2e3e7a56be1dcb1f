//! The built-in service catalogue of community home-based elder care (社区居家养老).
//!
//! Each entry gives a default duration, the minimum qualification level of a provider,
//! and whether volunteers may do it. Volunteers (party members, neighbours, time-bank
//! volunteers, younger elders) are kept to low-risk, non-professional work: meal
//! delivery, cleaning, check-in visits, companionship and recreation.
//!
//! Levels are the engine's own scale: 0 untrained (volunteers), 1 basic carer
//! (初级养老护理员), 2 intermediate, 3 senior / professional (nurse, therapist),
//! 4 expert. A problem's `services` list overrides entries or adds custom services.

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceSpec {
    /// The id needs and provider skills use, e.g. `bathing`.
    pub id: &'static str,
    /// The Chinese name used in the field.
    pub name_zh: &'static str,
    /// Default duration in seconds.
    pub duration: i64,
    /// Minimum provider qualification level.
    pub min_level: u32,
    /// Whether volunteers may do it.
    pub volunteer_ok: bool,
    /// Part of the default priority (see [`crate::priority`]).
    pub base_priority: u32,
}

const fn spec(
    id: &'static str,
    name_zh: &'static str,
    duration: i64,
    min_level: u32,
    volunteer_ok: bool,
    base_priority: u32,
) -> ServiceSpec {
    ServiceSpec {
        id,
        name_zh,
        duration,
        min_level,
        volunteer_ok,
        base_priority,
    }
}

/// The id of the emergency-help service (the "15-minute rescue circle").
pub const EMERGENCY: &str = "emergency";

/// The standard services, in no particular order.
///
/// ```
/// use carematch_core::catalogue;
/// let bath = catalogue::lookup("bathing").unwrap();
/// assert_eq!(bath.duration, 2700);
/// assert!(!bath.volunteer_ok);
/// assert!(catalogue::lookup("check_in").unwrap().volunteer_ok);
/// ```
pub const CATALOGUE: &[ServiceSpec] = &[
    spec("meals", "助餐送餐", 600, 0, true, 25),
    spec("bathing", "助浴", 2700, 2, false, 20),
    spec("cleaning", "助洁", 3600, 0, true, 10),
    spec("personal_care", "生活照料", 1800, 1, false, 25),
    spec(EMERGENCY, "紧急救援", 1800, 2, false, 60),
    spec("medical_escort", "陪诊助医", 7200, 1, false, 30),
    spec("check_in", "探访巡访", 900, 0, true, 15),
    spec("rehab", "康复护理", 2700, 3, false, 20),
    // Level 0 and the base priority of a custom service, as before it was listed:
    // a station sets its nurses' level in `services`.
    spec("nursing", "上门护理", 2700, 0, false, 10),
    spec("companionship", "精神慰藉", 3600, 0, true, 10),
    spec("haircut", "助理发", 1200, 1, false, 5),
    spec("recreation", "文体娱乐", 3600, 0, true, 5),
    spec("home_safety", "适老化评估", 3600, 2, false, 10),
];

/// The catalogue entry for `id`, if it is a standard service.
pub fn lookup(id: &str) -> Option<&'static ServiceSpec> {
    CATALOGUE.iter().find(|s| s.id == id)
}

/// Base priority of a custom service that is not in the catalogue.
pub const CUSTOM_BASE_PRIORITY: u32 = 10;
