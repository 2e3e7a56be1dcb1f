//! Documented limits on untrusted sizes and values. A problem over any of them is
//! rejected with the field path, before any work is done.

/// Most visits of one need (`visits`).
pub const MAX_VISITS: i64 = 64;
/// Most elders in one problem.
pub const MAX_ELDERS: usize = 2_000_000;
/// Most needs in one problem.
pub const MAX_NEEDS: usize = 2_000_000;
/// Most providers in one problem.
pub const MAX_PROVIDERS: usize = 200_000;
/// Most service overrides.
pub const MAX_SERVICES: usize = 10_000;
/// Most windows of one need.
pub const MAX_WINDOWS: usize = 64;
/// Most shifts of one provider.
pub const MAX_SHIFTS: usize = 64;
/// Most entries of `history`.
pub const MAX_HISTORY: usize = 2_000_000;
/// Most breaks of one provider (`breaks`).
pub const MAX_BREAKS: usize = 8;
/// Most skills of one need or provider.
pub const MAX_SKILLS: usize = 64;
/// Most entries in one elder's `prefers` or `avoids`.
pub const MAX_PREFERENCES: usize = 256;
/// Longest id or skill, in bytes.
pub const MAX_ID_LEN: usize = 128;
/// Largest time value (seconds; covers Unix time until the year 2286).
pub const MAX_TIME: i64 = 10_000_000_000;
/// Longest service duration: one week.
pub const MAX_DURATION: i64 = 604_800;
/// Most seconds of a response target (`response_within`, `options.response_target`):
/// one day.
pub const MAX_RESPONSE: i64 = 86_400;
/// Largest matrix side (`travel.durations` is at most this many rows).
pub const MAX_MATRIX: usize = 5_000;
/// Largest matrix entry: ten days.
pub const MAX_MATRIX_SECONDS: i64 = 864_000;
/// Highest qualification level.
pub const MAX_LEVEL: i64 = 10;
/// Largest `load`, `capacity`, `max_visits`.
pub const MAX_COUNT: i64 = 1_000_000_000;
/// Largest `max_work` in seconds (ten days).
pub const MAX_WORK: i64 = 864_000;
/// Largest `time_limit_ms` (one hour).
pub const MAX_TIME_LIMIT_MS: i64 = 3_600_000;
/// Most threads a problem may ask for.
pub const MAX_THREADS: i64 = 1024;
/// Largest `options.candidates`.
pub const MAX_CANDIDATES: i64 = 1_000_000;
/// Largest `options.iterations`.
pub const MAX_ITERATIONS: i64 = 1_000_000_000;
/// Largest euclidean coordinate magnitude.
pub const MAX_PLANE_COORD: f64 = 1e9;
/// Range of `travel.detour`.
pub const DETOUR_RANGE: (f64, f64) = (1.0, 10.0);
/// Largest `speed_kmh`.
pub const MAX_SPEED_KMH: f64 = 300.0;
/// Largest weight of a cost term (`options.weights`).
pub const MAX_WEIGHT: i64 = 1_000_000;
/// Most links in one problem.
pub const MAX_LINKS: usize = 1_000_000;
/// Most needs of one `together` link.
pub const MAX_TOGETHER: usize = 4;
/// Largest age in years.
pub const MAX_AGE: i64 = 150;
/// v1.1: most venues in a problem.
pub const MAX_VENUES: usize = 100_000;
/// v1.1: most sessions of one venue (four sittings a day over four weeks, and more).
pub const MAX_SESSIONS: usize = 256;
/// v1.1: largest price or budget, in the smallest currency unit (ten billion yuan in
/// fen): sums over two million needs stay far inside 64 bits.
pub const MAX_MONEY: i64 = 1_000_000_000_000;
