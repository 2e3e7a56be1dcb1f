//! Time: windows of seconds, and the days of a horizon (the unit of per-day limits).
use super::Options;
use super::Problem;
use super::Provider;

/// A closed interval of integer seconds `[open, close]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Window {
    /// First allowed second.
    pub open: i64,
    /// Last allowed second (inclusive).
    pub close: i64,
}

impl Window {
    /// True when `t` lies inside.
    #[inline]
    pub fn contains(&self, t: i64) -> bool {
        self.open <= t && t <= self.close
    }
}

/// The earliest `t >= from` inside one of `windows` (sorted, disjoint), if any.
///
/// ```
/// use carematch_core::model::{earliest_in, Window};
/// let w = [Window { open: 10, close: 20 }, Window { open: 40, close: 50 }];
/// assert_eq!(earliest_in(&w, 5), Some(10));
/// assert_eq!(earliest_in(&w, 25), Some(40));
/// assert_eq!(earliest_in(&w, 51), None);
/// ```
pub fn earliest_in(windows: &[Window], from: i64) -> Option<i64> {
    windows
        .iter()
        .find(|w| w.close >= from)
        .map(|w| w.open.max(from))
}

/// The latest `t <= until` inside one of `windows` (sorted, disjoint), if any.
///
/// ```
/// use carematch_core::model::{latest_in, Window};
/// let w = [Window { open: 10, close: 20 }, Window { open: 40, close: 50 }];
/// assert_eq!(latest_in(&w, 30), Some(20));
/// assert_eq!(latest_in(&w, 45), Some(45));
/// assert_eq!(latest_in(&w, 9), None);
/// ```
pub fn latest_in(windows: &[Window], until: i64) -> Option<i64> {
    windows
        .iter()
        .rev()
        .find(|w| w.open <= until)
        .map(|w| w.close.min(until))
}

/// Which (provider, day) every provider shift belongs to: the unit of the per-day
/// limits `max_visits` and `max_work`. A shift belongs to the day in which it starts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Days {
    /// Slot index → (provider, day) group.
    pub(crate) of: Vec<u32>,
    /// Number of groups.
    pub(crate) count: usize,
}

impl Days {
    /// The groups of `providers`' shifts under `options.day_length`.
    pub(crate) fn new(providers: &[Provider], options: &Options) -> Self {
        let mut of = Vec::new();
        let mut count = 0u32;
        for p in providers {
            let mut seen: Vec<(i64, u32)> = Vec::new();
            for shift in &p.shifts {
                let day = day_of(options, shift.open);
                let g = match seen.iter().find(|(d, _)| *d == day) {
                    Some(&(_, g)) => g,
                    None => {
                        seen.push((day, count));
                        count += 1;
                        count - 1
                    }
                };
                of.push(g);
            }
        }
        Self {
            of,
            count: count as usize,
        }
    }
}

/// The day (0-based from `options.day_start`) of clock time `t`; 0 without
/// `day_length`.
///
/// ```
/// use carematch_core::model::{day_of, Options};
/// let o = Options { day_length: Some(86_400), ..Options::default() };
/// assert_eq!(day_of(&o, 86_400 + 30_000), 1);
/// assert_eq!(day_of(&Options::default(), 86_400 + 30_000), 0);
/// ```
pub fn day_of(options: &Options, t: i64) -> i64 {
    match options.day_length {
        Some(len) if len > 0 => (t - options.day_start).div_euclid(len),
        _ => 0,
    }
}

impl Problem {
    /// The (provider, day) group of slot `ri` ([`Days`]).
    #[inline]
    pub(crate) fn day_group(&self, ri: usize) -> usize {
        self.days.of[ri] as usize
    }

    /// The number of (provider, day) groups.
    pub(crate) fn day_groups(&self) -> usize {
        self.days.count
    }

    /// Whether the plan is measured over a horizon: days given, or a need of several
    /// visits (the summary then reports carer changes).
    pub fn has_horizon(&self) -> bool {
        self.options.day_length.is_some() || !self.series.is_empty()
    }
}
