//! Providers, their shifts (slots) and route profiles, and rule 2: who may serve whom.
use super::earliest_in;
use super::NeedIdx;
use super::Problem;
use super::ProviderIdx;
use super::SkillId;
use super::Window;
use crate::travel::Point;
use crate::wire::Gender;
use crate::wire::ProviderKind;
use std::collections::HashMap;

/// A provider's shift: the unit a route is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    /// The provider.
    pub provider: ProviderIdx,
    /// Index into the provider's shifts.
    pub shift: u16,
}

/// A provider.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    /// Pseudonymous id.
    pub id: String,
    /// Staff, organisation or volunteer.
    pub kind: ProviderKind,
    /// Skills, sorted, unique.
    pub skills: Vec<SkillId>,
    /// Qualification level.
    pub level: u32,
    /// Gender, if known.
    pub gender: Option<Gender>,
    /// Where shifts start.
    pub start: Point,
    /// Where shifts end.
    pub end: Point,
    /// The shifts, in the caller's order (route `shift` indexes this).
    pub shifts: Vec<Window>,
    /// Speed passed to [`crate::travel::Travel::time`].
    pub speed: f64,
    /// Visits per day.
    pub max_visits: Option<u32>,
    /// Seconds of travel + service per day.
    pub max_work: Option<i64>,
    /// Visits over the whole horizon.
    pub max_visits_total: Option<u32>,
    /// Seconds of travel + service over the whole horizon.
    pub max_work_total: Option<i64>,
    /// v1.2: seconds of travel per day.
    pub max_travel: Option<i64>,
    /// v1.2: contracted seconds of travel + service per day.
    pub regular_work: Option<i64>,
    /// v1.2: contracted seconds of travel + service over the horizon.
    pub regular_work_total: Option<i64>,
    /// v1.2: the breaks of its working shifts, as given (windows of day 0 when the
    /// horizon has days), sorted by window; [`Problem::breaks_of`] gives a shift's.
    pub breaks: Vec<Break>,
    /// Load per route.
    pub capacity: Option<i64>,
    /// v1.1: a time-bank volunteer (the plan's ledger).
    pub time_bank: bool,
    /// v1.1: its station, for the ledger.
    pub station: Option<String>,
    /// v1.1: its group, for the ledger.
    pub group: Option<String>,
    /// v1.1: its own prices by service, sorted by service.
    pub prices: Vec<(String, i64)>,
}

/// v1.2: a floating break: it starts inside `window` and lasts `duration` seconds,
/// wherever the carer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Break {
    /// Earliest and latest start.
    pub window: Window,
    /// Seconds.
    pub duration: i64,
}

/// Why a provider may not serve a need (rule 2 of the spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Disqualified {
    /// Lacks a required skill.
    Skill(SkillId),
    /// Level below `min_level`.
    Level,
    /// A volunteer, and the service is not `volunteer_ok`.
    Volunteer,
    /// In the elder's `avoids` (or complained of in `history`, not lifted).
    Avoided,
    /// Not the elder's `primary`, for an elder with `primary_only` (one-carer needs).
    NotPrimary,
    /// Does not match `caregiver_gender` (an unknown gender never matches).
    Gender,
}

/// Route profiles: provider shifts that are interchangeable for every need — the same
/// start, end, shift window, speed, skills, level, kind, gender, capacity and limits.
///
/// When many carers leave from one station, the nearest providers by start point are
/// an arbitrary few of them, and a need must still be able to open a route of any of
/// the others: a need may always try the first empty route of each profile among its
/// candidate slots (the route builder's `first_empty`), one route standing for all the
/// empty ones that would cost the same. Computed once, at validation.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Profiles {
    /// Slot index → profile.
    pub(crate) of: Vec<u32>,
    /// Number of profiles.
    pub(crate) count: usize,
    /// Profile → how many slots share it.
    pub(crate) size: Vec<u32>,
}

impl Profiles {
    /// The profiles of `providers`' shifts.
    pub(crate) fn new(providers: &[Provider]) -> Self {
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut of = Vec::new();
        for p in providers {
            for shift in &p.shifts {
                let next = ids.len() as u32;
                of.push(*ids.entry(key(p, shift)).or_insert(next));
            }
        }
        let mut size = vec![0; ids.len()];
        for &pr in &of {
            size[pr as usize] += 1;
        }
        Self {
            of,
            count: ids.len(),
            size,
        }
    }
}

/// What makes two shifts interchangeable.
fn key(p: &Provider, shift: &Window) -> String {
    format!(
        "{:?}|{:?}|{:?}|{}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        p.start,
        p.end,
        shift,
        p.speed.to_bits(),
        p.skills,
        p.level,
        p.kind,
        p.gender,
        p.capacity,
        p.max_visits,
        p.max_work,
        p.max_travel,
    ) + &format!("|{:?}", p.breaks)
}

impl Problem {
    /// Rule 2 of the spec, in a fixed order: skills, level, volunteer rule (these make
    /// `no_qualified_provider`), then avoids, `primary_only` and gender (these make `excluded`).
    ///
    /// Returns the first rule that disqualifies `p` from `n`.
    pub fn disqualification(&self, p: ProviderIdx, n: NeedIdx) -> Option<Disqualified> {
        let prov = &self.providers[p.ix()];
        let need = &self.needs[n.ix()];
        if let Some(&s) = need
            .required
            .iter()
            .find(|s| prov.skills.binary_search(s).is_err())
        {
            return Some(Disqualified::Skill(s));
        }
        if prov.level < need.min_level {
            return Some(Disqualified::Level);
        }
        if prov.kind == ProviderKind::Volunteer && !need.volunteer_ok {
            return Some(Disqualified::Volunteer);
        }
        let elder = &self.elders[need.elder.ix()];
        if elder.avoids.binary_search(&p).is_ok() {
            return Some(Disqualified::Avoided);
        }
        if elder.primary_only && need.caregivers == 1 && elder.primary.is_some_and(|q| q != p) {
            return Some(Disqualified::NotPrimary);
        }
        if let Some(g) = elder.caregiver_gender {
            if prov.gender != Some(g) {
                return Some(Disqualified::Gender);
            }
        }
        None
    }

    /// Whether provider `p` alone can serve need `n`, starting inside `windows`, in
    /// shift `shift`: from the shift's start to the elder and back to its end within
    /// the shift, and within `max_work`. Rule 2 is not checked here (see
    /// [`Problem::disqualification`]).
    ///
    /// ```
    /// use carematch_core::{model::{NeedIdx, ProviderIdx, Window}, Problem};
    /// let p = Problem::from_json(br#"{
    ///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
    ///   "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]}],
    ///   "providers": [{"id": "p1", "kind": "volunteer", "skills": ["meals"],
    ///                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]}]
    /// }"#)?;
    /// let (n, v) = (NeedIdx(0), ProviderIdx(0));
    /// assert!(p.reachable(v, 0, n, &p.needs()[0].windows));
    /// assert!(!p.reachable(v, 0, n, &[Window { open: 50000, close: 50000 }]));
    /// # Ok::<(), carematch_core::Error>(())
    /// ```
    pub fn reachable(&self, p: ProviderIdx, shift: usize, n: NeedIdx, windows: &[Window]) -> bool {
        let prov = self.provider(p);
        let need = self.need(n);
        let here = self.need_location(n);
        let s = prov.shifts[shift];
        let go = self.travel_time(p, &prov.start, here);
        let back = self.travel_time(p, here, &prov.end);
        if prov.max_work.is_some_and(|m| go + need.duration + back > m) {
            return false;
        }
        earliest_in(windows, s.open + go).is_some_and(|t| t + need.duration + back <= s.close)
    }

    /// The profile of route `ri` (slot order).
    pub(crate) fn profile_of(&self, ri: usize) -> u32 {
        self.profiles.of[ri]
    }

    /// The breaks provider `p` takes on shift `shift` ([`Provider::breaks`]): each
    /// break moved to the shift's day when the horizon has days, in window order, kept
    /// when it can be taken in the shift after the ones kept before it (a shift that
    /// ends as the window opens, or too short to hold the break, takes none). Empty
    /// (no allocation) for most carers.
    ///
    /// ```
    /// use carematch_core::model::{Problem, Slot};
    /// let problem = Problem::from_json(br#"{
    ///   "elders": [], "needs": [],
    ///   "providers": [{"id": "p", "kind": "staff", "skills": [],
    ///     "start": [121.4, 31.2],
    ///     "shifts": [[28800, 61200], [115200, 147600]],
    ///     "breaks": [{"window": [43200, 46800], "duration": 1800}]}],
    ///   "options": {"day_length": 86400}
    /// }"#)?;
    /// let p = problem.provider_by_id("p").unwrap();
    /// let day2 = problem.breaks_of(Slot { provider: p, shift: 1 });
    /// assert_eq!(day2[0].window.open, 86_400 + 43_200);
    /// # Ok::<(), carematch_core::Error>(())
    /// ```
    pub fn breaks_of(&self, slot: Slot) -> Vec<Break> {
        let prov = &self.providers[slot.provider.ix()];
        if prov.breaks.is_empty() {
            return Vec::new();
        }
        let shift = prov.shifts[slot.shift as usize];
        let offset = match self.options.day_length {
            Some(len) if len > 0 => super::day_of(&self.options, shift.open) * len,
            _ => 0,
        };
        let mut t = shift.open;
        let mut out = Vec::new();
        for b in &prov.breaks {
            let window = Window {
                open: b.window.open + offset,
                close: b.window.close + offset,
            };
            // The break can be taken in the shift, after the ones before it.
            let start = t.max(window.open);
            if window.open < shift.close
                && start <= window.close
                && start + b.duration <= shift.close
            {
                out.push(Break {
                    window,
                    duration: b.duration,
                });
                t = start + b.duration;
            }
        }
        out
    }

    /// Whether slot `ri` shares its profile with another slot.
    pub(crate) fn shares_profile(&self, ri: usize) -> bool {
        self.profiles.size[self.profiles.of[ri] as usize] > 1
    }
}
