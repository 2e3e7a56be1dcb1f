//! The engine's model of a problem: validated, indexed and immutable.
//!
//! A [`Problem`] is only built by validation ([`Problem::from_json`],
//! [`Problem::from_input`]); afterwards every reference is a newtype index, every time
//! an integer second, every location a [`Point`] of the problem's metric, and every
//! skill an interned [`SkillId`]. Nothing downstream re-checks the input.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::catalogue;
use crate::travel::{Point, Travel};
use crate::wire::{Gender, ProfileInput, ProviderKind};

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// The index as a `usize`.
            #[inline]
            pub fn ix(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// Index of a need in [`Problem::needs`].
    NeedIdx
);
index_type!(
    /// Index of an elder in [`Problem::elders`].
    ElderIdx
);
index_type!(
    /// Index of a provider in [`Problem::providers`].
    ProviderIdx
);
index_type!(
    /// An interned skill (service ids are skills too).
    SkillId
);
index_type!(
    /// Index of a link in [`Problem::links`].
    LinkIdx
);

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

/// An elder.
#[derive(Debug, Clone, PartialEq)]
pub struct Elder {
    /// Pseudonymous id.
    pub id: String,
    /// Home.
    pub location: Point,
    /// Community / grid cell, for gap reports.
    pub area: Option<String>,
    /// Profile (all defaults when absent).
    pub profile: ProfileInput,
    /// Trusted carers, in the caller's order.
    pub prefers: Vec<ProviderIdx>,
    /// Refused carers, sorted.
    pub avoids: Vec<ProviderIdx>,
    /// Required carer gender.
    pub caregiver_gender: Option<Gender>,
    /// v1.1: seconds the elder may walk to a venue (0: home visits only).
    pub walk_limit: i64,
    /// v1.1: what the elder's visits may cost over the horizon (rule 9); `None`:
    /// unlimited.
    pub budget: Option<i64>,
}

/// v1.1: a place where needs are met without a carer (`venues`).
#[derive(Debug, Clone, PartialEq)]
pub struct Venue {
    /// Pseudonymous id.
    pub id: String,
    /// Where it is.
    pub location: Point,
    /// The services it offers, sorted, unique.
    pub services: Vec<String>,
    /// Its sessions, in the caller's order (`venue_visits[].session` indexes this).
    pub sessions: Vec<Session>,
}

/// v1.1: one session of a venue: when, and how many seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    /// When it runs.
    pub window: Window,
    /// Seats.
    pub seats: u32,
}

/// A provider's shift: the unit a route is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    /// The provider.
    pub provider: ProviderIdx,
    /// Index into the provider's shifts.
    pub shift: u16,
}

/// The pinned visits of one route, in route order, each at its start: how validation
/// found the pins can be kept together (rule 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PinnedRoute {
    /// The route's provider shift.
    pub(crate) slot: Slot,
    /// The visits, in order: the need and its fixed start.
    pub(crate) stops: Vec<(NeedIdx, i64)>,
}

/// A pinned assignment, validated to be feasible on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pin {
    /// The provider that must serve it.
    pub provider: ProviderIdx,
    /// The service start.
    pub start: i64,
}

/// A need: one visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    /// Pseudonymous id.
    pub id: String,
    /// The elder visited.
    pub elder: ElderIdx,
    /// The service id.
    pub service: String,
    /// Every skill required: the service and the extra skills; sorted, unique.
    pub required: Vec<SkillId>,
    /// Seconds of service.
    pub duration: i64,
    /// Allowed start times, sorted and disjoint.
    pub windows: Vec<Window>,
    /// 0..=100 (given or derived, see [`crate::priority`]).
    pub priority: u32,
    /// Minimum provider level.
    pub min_level: u32,
    /// Whether volunteers may serve it.
    pub volunteer_ok: bool,
    /// 1 or 2.
    pub caregivers: u8,
    /// Units carried.
    pub load: i64,
    /// Pinned assignment.
    pub pinned: Option<Pin>,
    /// Soft windows: seconds a start may be after the close of its window.
    pub late_by: i64,
    /// The link this need belongs to.
    pub link: Option<LinkIdx>,
    /// With `late_by`: the windows, each extended by it and merged (the allowed
    /// starts); empty otherwise.
    pub(crate) soft: Vec<Window>,
    /// The series of visits this need is one of (`visits > 1`, [`Series`]).
    pub series: Option<u32>,
    /// v1.1: the price of a visit (its service's), in the smallest currency unit.
    pub price: i64,
    /// The windows (`windows[lo..hi]`) this need may start in: all of them, but for
    /// the `k`-th of `v` visits of a need of `w` windows, windows `k ..= w - v + k` only
    /// ([`Problem::visit_at`] says why no plan is lost).
    pub(crate) part: (u16, u16),
}

impl Need {
    /// The windows this need may start in (see `part`): its own windows, or for a
    /// visit of a series, those its place in the series leaves it.
    pub(crate) fn own_windows(&self) -> &[Window] {
        &self.windows[self.part.0 as usize..self.part.1 as usize]
    }
}

/// The visits of one need with `visits > 1`: one internal need per visit, the first
/// at the need's own index, the others appended after every need of the input. Each
/// visit starts in a different window of the need, `min_gap` seconds or more from the
/// others (the series rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// Its visits.
    pub needs: Vec<NeedIdx>,
    /// Least seconds between the starts of two visits.
    pub min_gap: i64,
    /// All visits or none.
    pub all: bool,
}

/// What a link asks of its needs (v1.1, rule 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRule {
    /// One start, pairwise different providers.
    Together,
    /// In order: the second starts `min_gap` to `max_gap` seconds after the first.
    Sequence {
        /// Least gap, seconds.
        min_gap: i64,
        /// Most gap, seconds.
        max_gap: i64,
        /// Who serves the two.
        provider: crate::wire::LinkProvider,
    },
}

/// Needs served together or in order, whole or not at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Pseudonymous id.
    pub id: String,
    /// What it asks.
    pub rule: LinkRule,
    /// Its needs, in the caller's order (a sequence: first, then second).
    pub needs: Vec<NeedIdx>,
}

/// The weights of the cost, level 3 of the objective (v1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weights {
    /// Per second of travel.
    pub travel: i64,
    /// Per second of lateness, summed over visits.
    pub lateness: i64,
    /// Per second of the largest lateness.
    pub max_lateness: i64,
    /// Per carer change.
    pub carer_changes: i64,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            travel: 1,
            lateness: 1,
            max_lateness: 0,
            carer_changes: 0,
        }
    }
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
    /// Speed passed to [`Travel::time`].
    pub speed: f64,
    /// Visits per day.
    pub max_visits: Option<u32>,
    /// Seconds of travel + service per day.
    pub max_work: Option<i64>,
    /// Visits over the whole horizon.
    pub max_visits_total: Option<u32>,
    /// Seconds of travel + service over the whole horizon.
    pub max_work_total: Option<i64>,
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

/// Solver options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Wall-clock budget in milliseconds.
    pub time_limit_ms: u64,
    /// Threads; 0 = all cores.
    pub threads: usize,
    /// Seed.
    pub seed: u64,
    /// Nearest reachable providers kept per need; 0 = all (see [`crate::feasibility`]).
    pub candidates: usize,
    /// Iterations of the improvement search; `None`: derived from the size (see
    /// [`Options::iterations_for`]).
    pub iterations: Option<u64>,
    /// The weights of the cost.
    pub weights: Weights,

    /// Seconds per day of the horizon; `None`: the whole problem is one day.
    pub day_length: Option<i64>,
    /// The clock time at which day 0 begins.
    pub day_start: i64,
}

impl Options {
    /// The iteration budget of the improvement search for `needs` needs: the given
    /// one, or `clamp(100 × needs, 1,000, 1,000,000)`.
    ///
    /// ```
    /// let o = carematch_core::model::Options::default();
    /// assert_eq!(o.iterations_for(5), 1_000);
    /// assert_eq!(o.iterations_for(2_000), 200_000);
    /// ```
    pub fn iterations_for(&self, needs: usize) -> u64 {
        self.iterations
            .unwrap_or_else(|| (100 * needs as u64).clamp(1_000, 1_000_000))
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            time_limit_ms: 2_000,
            threads: 0,
            seed: 1,
            candidates: 32,
            iterations: None,
            weights: Weights::default(),
            day_length: None,
            day_start: 0,
        }
    }
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
    /// In the elder's `avoids`.
    Avoided,
    /// Does not match `caregiver_gender` (an unknown gender never matches).
    Gender,
}

/// A validated, immutable problem.
///
/// ```
/// use carematch_core::Problem;
/// let json = br#"{
///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
///   "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]}],
///   "providers": [{"id": "p1", "kind": "volunteer", "skills": ["meals"],
///                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]}]
/// }"#;
/// let problem = Problem::from_json(json)?;
/// assert_eq!(problem.needs().len(), 1);
/// assert_eq!(problem.needs()[0].duration, 600); // from the catalogue
/// # Ok::<(), carematch_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Problem {
    pub(crate) travel: Travel,
    /// Whether travel from a to b always takes as long as from b to a.
    pub(crate) symmetric: bool,
    pub(crate) elders: Vec<Elder>,
    pub(crate) needs: Vec<Need>,
    pub(crate) providers: Vec<Provider>,
    pub(crate) skills: Vec<String>,
    pub(crate) options: Options,
    pub(crate) need_ids: HashMap<String, NeedIdx>,
    pub(crate) links: Vec<Link>,
    /// Whether any need has `late_by` > 0.
    pub(crate) soft: bool,
    pub(crate) provider_ids: HashMap<String, ProviderIdx>,
    /// Elder ids, services and skill names, for [`Problem::push_need`].
    pub(crate) lookup: Lookup,
    /// Where validation placed the pinned visits (rule 6), route by route: every
    /// construction starts from these routes.
    pub(crate) pinned_routes: Vec<PinnedRoute>,
    /// Every place a route visits, for fast travel times.
    pub(crate) places: Places,
    /// The profile of every provider shift ([`Profiles`]).
    pub(crate) profiles: Profiles,
    /// The day of every provider shift ([`Days`]).
    pub(crate) days: Days,
    /// The needs of several visits ([`Series`]).
    pub(crate) series: Vec<Series>,
    /// How many needs the input has (the visits after the first of each series come
    /// after them).
    pub(crate) input_needs: usize,
    /// v1.1: the venues.
    pub(crate) venues: Vec<Venue>,
    /// v1.1: whether any elder has a budget.
    pub(crate) budgets: bool,
    /// v1.1: whether any price is set (service or provider).
    pub(crate) priced: bool,
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

/// Every place a route visits — elders' homes, then the providers' distinct starts
/// and ends — with, for problems small enough, every travel time precomputed once per
/// speed ([`Problem::warm_travel`]). The solvers' route timing asks [`Problem::time`]
/// by place; the plan checker still computes every leg from the points.
#[derive(Debug, Clone, Default)]
pub(crate) struct Places {
    points: Vec<Point>,
    /// Elder → place.
    elder: Vec<u32>,
    /// Provider → its start's and its end's place.
    ends: Vec<(u32, u32)>,
    /// Provider → its speed's index in `speeds`.
    class: Vec<u16>,
    speeds: Vec<f64>,
    table: std::sync::OnceLock<Option<TravelTable>>,
}

/// Travel between the first `n` places, row-major: seconds, one matrix per speed, in
/// 16 bits ([`FAR`]: look it up on the points); or, when that would be too big, the
/// distances ([`Travel::span`]) that each speed's seconds come from.
#[derive(Debug, Clone)]
enum TravelTable {
    Seconds { n: usize, seconds: Vec<Vec<u16>> },
    Spans { n: usize, spans: Vec<f64> },
}

/// In a table of seconds: 18 hours or more, computed from the points instead.
pub(crate) const FAR: u16 = u16::MAX;

/// Largest number of entries (places² × speeds) of a precomputed table of seconds:
/// 32 M (64 MB, e.g. 5,700 places at one speed or 2,800 at four). Two bytes an
/// entry, so a week of 2,000 elders at four speeds has a table of seconds (37 MB)
/// rather than of distances (the same size, but a division per lookup), and with
/// the places along a curve ([`Places::along_a_curve`]) a route's lookups stay in a
/// few cache lines: 1.3 times the search's iterations (`benches/week_vs_days.py`'s
/// first seed, 100,000 iterations, median of five runs).
const TABLE_ENTRIES: usize = 32 << 20;
/// Largest number of places² of a table of distances (64 MB, 2,896 places): with
/// several speeds a distance looked up and divided costs far less than a great
/// circle's sines (a week of 2,000 elders: 1.6 times the iterations).
const SPAN_ENTRIES: usize = 8 << 20;

impl Places {
    /// The places of `elders` and `providers`.
    pub(crate) fn new(elders: &[Elder], providers: &[Provider]) -> Self {
        let mut points: Vec<Point> = elders.iter().map(|e| e.location).collect();
        let elder = (0..elders.len() as u32).collect();
        let mut seen: HashMap<String, u32> = HashMap::new();
        let mut place = |pt: &Point, points: &mut Vec<Point>| {
            *seen.entry(format!("{pt:?}")).or_insert_with(|| {
                points.push(*pt);
                points.len() as u32 - 1
            })
        };
        let ends = providers
            .iter()
            .map(|p| (place(&p.start, &mut points), place(&p.end, &mut points)))
            .collect();
        let mut speeds: Vec<f64> = Vec::new();
        let class = providers
            .iter()
            .map(
                |p| match speeds.iter().position(|s| s.to_bits() == p.speed.to_bits()) {
                    Some(k) => k as u16,
                    None => {
                        speeds.push(p.speed);
                        speeds.len() as u16 - 1
                    }
                },
            )
            .collect();
        let mut places = Self {
            points,
            elder,
            ends,
            class,
            speeds,
            table: std::sync::OnceLock::new(),
        };
        places.along_a_curve();
        places
    }

    /// Numbers the places along a Hilbert curve over their bounding box (matrix
    /// indices keep their order): places near each other get near numbers, so the
    /// rows of a travel table that a route's stops read share cache lines. Changes
    /// no travel time, only where it is stored.
    fn along_a_curve(&mut self) {
        let cos_lat = crate::travel::mean_cos_lat(self.points.iter());
        let Some(xy) = self
            .points
            .iter()
            .map(|p| p.planar(cos_lat))
            .collect::<Option<Vec<[f64; 2]>>>()
        else {
            return;
        };
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for q in &xy {
            for k in 0..2 {
                lo[k] = lo[k].min(q[k]);
                hi[k] = hi[k].max(q[k]);
            }
        }
        let side = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(f64::MIN_POSITIVE);
        let cell = |v: f64, k: usize| (((v - lo[k]) / side) * f64::from(u16::MAX)) as u32;
        let mut order: Vec<u32> = (0..xy.len() as u32).collect();
        order.sort_by_key(|&i| {
            let q = xy[i as usize];
            (fast_hilbert::xy2h(cell(q[0], 0), cell(q[1], 1), 16), i)
        });
        let mut new_of = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_of[old as usize] = new as u32;
        }
        self.points = order.iter().map(|&i| self.points[i as usize]).collect();
        for e in &mut self.elder {
            *e = new_of[*e as usize];
        }
        for (a, b) in &mut self.ends {
            (*a, *b) = (new_of[*a as usize], new_of[*b as usize]);
        }
    }

    /// A place for a new elder (after [`Problem::push_need`]).
    pub(crate) fn push_elder(&mut self, at: Point) {
        self.points.push(at);
        self.elder.push(self.points.len() as u32 - 1);
    }

    /// Forgets the last elder's place.
    pub(crate) fn pop_elder(&mut self) {
        if let Some(k) = self.elder.pop() {
            if k as usize + 1 == self.points.len() {
                self.points.pop();
            }
        }
    }
}

impl Problem {
    /// How travel times are computed.
    pub fn travel(&self) -> &Travel {
        &self.travel
    }

    /// The elders.
    pub fn elders(&self) -> &[Elder] {
        &self.elders
    }

    /// The needs.
    pub fn needs(&self) -> &[Need] {
        &self.needs
    }

    /// The providers.
    pub fn providers(&self) -> &[Provider] {
        &self.providers
    }

    /// The solver options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The name of an interned skill.
    pub fn skill_name(&self, s: SkillId) -> &str {
        &self.skills[s.ix()]
    }

    /// A need by id.
    pub fn need_by_id(&self, id: &str) -> Option<NeedIdx> {
        self.need_ids.get(id).copied()
    }

    /// A provider by id.
    pub fn provider_by_id(&self, id: &str) -> Option<ProviderIdx> {
        self.provider_ids.get(id).copied()
    }

    /// The need at `n`.
    pub fn need(&self, n: NeedIdx) -> &Need {
        &self.needs[n.ix()]
    }

    /// The provider at `p`.
    pub fn provider(&self, p: ProviderIdx) -> &Provider {
        &self.providers[p.ix()]
    }

    /// The elder at `e`.
    pub fn elder(&self, e: ElderIdx) -> &Elder {
        &self.elders[e.ix()]
    }

    /// Where need `n` takes place.
    pub fn need_location(&self, n: NeedIdx) -> &Point {
        &self.elders[self.needs[n.ix()].elder.ix()].location
    }

    /// Whether travel from a to b always takes as long as from b to a (haversine,
    /// euclidean, or a symmetric matrix).
    pub fn symmetric_travel(&self) -> bool {
        self.symmetric
    }

    /// Seconds for provider `p` to go from `a` to `b`.
    #[inline]
    pub fn travel_time(&self, p: ProviderIdx, a: &Point, b: &Point) -> i64 {
        self.travel.time(self.providers[p.ix()].speed, a, b)
    }

    /// Rule 2 of the spec, in a fixed order: skills, level, volunteer rule (these make
    /// `no_qualified_provider`), then avoids and gender (these make `excluded`).
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
        if let Some(g) = elder.caregiver_gender {
            if prov.gender != Some(g) {
                return Some(Disqualified::Gender);
            }
        }
        None
    }

    /// Sum of priority over all needs.
    pub fn total_priority(&self) -> i64 {
        self.needs.iter().map(|n| i64::from(n.priority)).sum()
    }

    /// The place of need `n` (its elder's home).
    #[inline]
    pub(crate) fn place_of(&self, n: NeedIdx) -> u32 {
        self.places.elder[self.needs[n.ix()].elder.ix()]
    }

    /// The places where provider `p`'s shifts start and end.
    #[inline]
    pub(crate) fn ends_of(&self, p: ProviderIdx) -> (u32, u32) {
        self.places.ends[p.ix()]
    }

    /// Seconds for provider `p` to go from place `a` to place `b`: the same value as
    /// [`Problem::travel_time`] on their points, from the table when it was built.
    #[inline]
    pub(crate) fn time(&self, p: ProviderIdx, a: u32, b: u32) -> i64 {
        let pl = &self.places;
        let (i, j) = (a as usize, b as usize);
        match pl.table.get() {
            Some(Some(TravelTable::Seconds { n, seconds })) if i < *n && j < *n => {
                let t = seconds[pl.class[p.ix()] as usize][i * n + j];
                if t != FAR {
                    return i64::from(t);
                }
            }
            Some(Some(TravelTable::Spans { n, spans })) if i < *n && j < *n => {
                return self
                    .travel
                    .time_over(self.providers[p.ix()].speed, spans[i * n + j]);
            }
            _ => {}
        }
        self.travel.time(
            self.providers[p.ix()].speed,
            &pl.points[a as usize],
            &pl.points[b as usize],
        )
    }

    /// Provider `p`'s seconds from place `a` to each place of the table of seconds
    /// ([`FAR`]: computed by [`Problem::time`] instead), when there is one and it
    /// holds `a`: what an insertion scan reads, without a lookup per place.
    #[inline]
    pub(crate) fn times_from(&self, p: ProviderIdx, a: u32) -> Option<&[u16]> {
        let pl = &self.places;
        match pl.table.get() {
            Some(Some(TravelTable::Seconds { n, seconds })) if (a as usize) < *n => {
                let row = &seconds[pl.class[p.ix()] as usize];
                row.get(a as usize * n..(a as usize + 1) * n)
            }
            _ => None,
        }
    }

    /// Precomputes every travel time between places, once per speed, when the table
    /// is small enough (at most 8 M entries), or else every distance between places
    /// (at most 8 M places²); nothing for a matrix metric, already one. What the
    /// solvers do before searching. Idempotent; parallel (rayon).
    pub fn warm_travel(&self) {
        use rayon::prelude::*;
        let pl = &self.places;
        pl.table.get_or_init(|| {
            let n = pl.points.len();
            if matches!(self.travel, Travel::Matrix { .. }) {
                return None;
            }
            let each = |f: &(dyn Fn(&Point, &Point) -> u16 + Sync)| -> Vec<u16> {
                (0..n * n)
                    .into_par_iter()
                    .map(|k| f(&pl.points[k / n], &pl.points[k % n]))
                    .collect()
            };
            if n.saturating_mul(n).saturating_mul(pl.speeds.len()) <= TABLE_ENTRIES {
                let seconds = pl
                    .speeds
                    .iter()
                    .map(|&speed| {
                        each(&|a, b| u16::try_from(self.travel.time(speed, a, b)).unwrap_or(FAR))
                    })
                    .collect();
                return Some(TravelTable::Seconds { n, seconds });
            }
            if n.saturating_mul(n) <= SPAN_ENTRIES {
                let spans = (0..n * n)
                    .into_par_iter()
                    .map(|k| self.travel.span(&pl.points[k / n], &pl.points[k % n]))
                    .collect();
                return Some(TravelTable::Spans { n, spans });
            }
            None
        });
    }

    /// The needs with a pin, in need order.
    pub fn pinned_needs(&self) -> impl Iterator<Item = NeedIdx> + '_ {
        self.needs
            .iter()
            .enumerate()
            .filter(|(_, n)| n.pinned.is_some())
            .map(|(i, _)| NeedIdx(i as u32))
    }

    /// Whether any need has soft windows (`late_by` > 0).
    pub fn has_soft_windows(&self) -> bool {
        self.soft
    }

    /// The links.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// The link at `l`.
    pub fn link(&self, l: LinkIdx) -> &Link {
        &self.links[l.ix()]
    }

    /// Seconds by which a start of need `n` at `t` is late: after the close of the
    /// window it starts in (0 inside a window, and for a need without `late_by`).
    ///
    /// ```
    /// use carematch_core::{model::NeedIdx, Problem};
    /// let p = Problem::from_json(br#"{
    ///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
    ///   "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[100, 200], [500, 600]],
    ///              "late_by": 150}],
    ///   "providers": []
    /// }"#)?;
    /// let n = NeedIdx(0);
    /// assert_eq!((p.lateness(n, 150), p.lateness(n, 260), p.lateness(n, 520), p.lateness(n, 700)), (0, 60, 0, 100));
    /// # Ok::<(), carematch_core::Error>(())
    /// ```
    pub fn lateness(&self, n: NeedIdx, t: i64) -> i64 {
        let need = &self.needs[n.ix()];
        if need.late_by == 0 {
            return 0;
        }
        let k = need.windows.partition_point(|w| w.open <= t);
        k.checked_sub(1)
            .map_or(0, |k| (t - need.windows[k].close).max(0))
    }

    /// The start times allowed for need `n`: its windows (each extended by `late_by`),
    /// or its pinned start.
    ///
    /// ```
    /// use carematch_core::{model::{NeedIdx, Window}, Problem};
    /// let p = Problem::from_json(br#"{
    ///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
    ///   "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]],
    ///              "pinned": {"provider": "p1", "start": 40000}}],
    ///   "providers": [{"id": "p1", "kind": "volunteer", "skills": ["meals"],
    ///                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]}]
    /// }"#)?;
    /// assert_eq!(&*p.allowed_starts(NeedIdx(0)), &[Window { open: 40000, close: 40000 }]);
    /// # Ok::<(), carematch_core::Error>(())
    /// ```
    pub fn allowed_starts(&self, n: NeedIdx) -> Cow<'_, [Window]> {
        let need = self.need(n);
        match need.pinned {
            Some(pin) => Cow::Owned(vec![Window {
                open: pin.start,
                close: pin.start,
            }]),
            None if !need.soft.is_empty() => Cow::Borrowed(&need.soft),
            None => Cow::Borrowed(need.own_windows()),
        }
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
}

/// What validation looked up, kept so that a need added later
/// ([`Problem::push_need`]) is validated the same way.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lookup {
    /// Service rules: catalogue entries and the problem's overrides.
    pub(crate) services: Services,
    /// Elder ids.
    pub(crate) elder_ids: HashMap<String, ElderIdx>,
    /// Interned skill names.
    pub(crate) skills: Interner,
}

/// Skill names to ids, in order of first use.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    ids: HashMap<String, SkillId>,
    pub(crate) names: Vec<String>,
}

impl Interner {
    /// The id of skill `s`, interned on first use.
    pub(crate) fn get(&mut self, s: &str) -> SkillId {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = SkillId(self.names.len() as u32);
        self.ids.insert(s.to_owned(), id);
        self.names.push(s.to_owned());
        id
    }
}

/// What a service requires: an override of the problem's, else the catalogue's.
#[derive(Debug, Clone)]
pub(crate) struct ServiceRule {
    /// Default duration, when known.
    pub(crate) duration: Option<i64>,
    /// Minimum provider level.
    pub(crate) min_level: u32,
    /// Whether volunteers may do it.
    pub(crate) volunteer_ok: bool,
    /// v1.1: price per visit.
    pub(crate) price: i64,
}

/// The problem's service overrides, by id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Services(pub(crate) HashMap<String, ServiceRule>);

impl Services {
    /// The effective rule for `service`: override, else catalogue, else custom defaults
    /// (no duration, level 0, volunteers not allowed).
    pub(crate) fn resolve(&self, service: &str) -> ServiceRule {
        let base = catalogue::lookup(service);
        let over = self.0.get(service);
        ServiceRule {
            duration: over.and_then(|o| o.duration).or(base.map(|b| b.duration)),
            min_level: over
                .map(|o| o.min_level)
                .or(base.map(|b| b.min_level))
                .unwrap_or(0),
            volunteer_ok: over
                .map(|o| o.volunteer_ok)
                .or(base.map(|b| b.volunteer_ok))
                .unwrap_or(false),
            price: over.map_or(0, |o| o.price),
        }
    }
}

/// The levels an elder's area counts at in the gap and funding reports: an area that is a path
/// (`district/street/community/grid`) at every level of it, from the top; any other
/// area (or none) as it is.
///
/// ```text
/// area_levels(Some("d1/s2/c3")) = [Some("d1"), Some("d1/s2"), Some("d1/s2/c3")]
/// ```
pub(crate) fn area_levels(area: Option<&str>) -> Vec<Option<&str>> {
    match area {
        None => vec![None],
        Some(a) => a
            .match_indices('/')
            .map(|(k, _)| Some(&a[..k]))
            .chain(std::iter::once(Some(a)))
            .collect(),
    }
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
        "{:?}|{:?}|{:?}|{}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{:?}",
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
    )
}

impl Problem {
    /// The profile of route `ri` (slot order).
    pub(crate) fn profile_of(&self, ri: usize) -> u32 {
        self.profiles.of[ri]
    }

    /// The (provider, day) group of slot `ri` ([`Days`]).
    #[inline]
    pub(crate) fn day_group(&self, ri: usize) -> usize {
        self.days.of[ri] as usize
    }

    /// The number of (provider, day) groups.
    pub(crate) fn day_groups(&self) -> usize {
        self.days.count
    }

    /// The series need `n` is a visit of, if any.
    pub fn series_of(&self, n: NeedIdx) -> Option<&Series> {
        self.needs[n.ix()].series.map(|s| &self.series[s as usize])
    }

    /// The internal need that serves visit `visit` (numbered in start order, as plans
    /// number them) of `series`, started at `start`.
    ///
    /// The internal needs of a series of `v` visits over `w` windows take windows
    /// `k ..= w - v + k` (`k` = 0, 1, …): the `i`-th served visit in start order, in
    /// window `j` (`i <= j`, both strictly increasing), is internal need
    /// `max(i, j - (w - v))`, strictly increasing in `i` and inside its part. So any
    /// plan's visits can be so numbered, and the solver searches among `w - v + 1`
    /// windows per visit instead of `w` (one window each for lunch on every weekday),
    /// losing no plan. `None` when `visit` or `start` fits no visit.
    ///
    /// ```
    /// use carematch_core::Problem;
    /// // Two visits over three windows: visit 0 may take windows 0–1, visit 1 windows 1–2.
    /// let p = Problem::from_json(br#"{
    ///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
    ///   "needs": [{"id": "n1", "elder": "e1", "service": "bathing", "visits": 2,
    ///              "windows": [[0, 100], [1000, 1100], [2000, 2100]]}],
    ///   "providers": [], "options": {"day_length": 1000}
    /// }"#)?;
    /// let s = &p.all_series()[0];
    /// // One bath served, in the last window: it is the second internal visit.
    /// assert_eq!(p.visit_at(s, 0, 2050), Some(s.needs[1]));
    /// assert_eq!(p.visit_at(s, 0, 50), Some(s.needs[0]));
    /// assert_eq!(p.visit_at(s, 2, 50), None);
    /// # Ok::<(), carematch_core::Error>(())
    /// ```
    pub fn visit_at(&self, series: &Series, visit: u32, start: i64) -> Option<NeedIdx> {
        let windows = &self.need(*series.needs.first()?).windows;
        let j = windows.iter().position(|w| w.contains(start))?;
        // Fewer windows than visits: every visit may take every window.
        let k = match windows.len().checked_sub(series.needs.len()) {
            Some(spare) => (visit as usize).max(j.saturating_sub(spare)),
            None => visit as usize,
        };
        series.needs.get(k).copied()
    }

    /// v1.1: the venues.
    pub fn venues(&self) -> &[Venue] {
        &self.venues
    }

    /// v1.1: what a visit of need `n` by provider `p` costs the elder's budget: the
    /// provider's own price for the service, else 0 for a volunteer, else the
    /// service's price (rule 9).
    ///
    /// ```
    /// use carematch_core::{model::{NeedIdx, ProviderIdx}, Problem};
    /// let p = Problem::from_json(br#"{
    ///   "services": [{"id": "bathing", "price": 5000}],
    ///   "elders": [{"id": "e1", "location": [116.43, 39.92], "budget": 30000}],
    ///   "needs": [{"id": "n1", "elder": "e1", "service": "bathing", "windows": [[0, 90000]]}],
    ///   "providers": [
    ///     {"id": "a", "kind": "staff", "skills": ["bathing"], "start": [116.43, 39.92], "shifts": [[0, 90000]]},
    ///     {"id": "b", "kind": "staff", "skills": ["bathing"], "start": [116.43, 39.92], "shifts": [[0, 90000]],
    ///      "prices": {"bathing": 6000}}]
    /// }"#)?;
    /// assert_eq!(p.price(NeedIdx(0), ProviderIdx(0)), 5000);
    /// assert_eq!(p.price(NeedIdx(0), ProviderIdx(1)), 6000);
    /// # Ok::<(), carematch_core::Error>(())
    /// ```
    pub fn price(&self, n: NeedIdx, p: ProviderIdx) -> i64 {
        let need = &self.needs[n.ix()];
        let prov = &self.providers[p.ix()];
        match prov
            .prices
            .binary_search_by(|(s, _)| s.as_str().cmp(need.service.as_str()))
        {
            Ok(k) => prov.prices[k].1,
            Err(_) if prov.kind == ProviderKind::Volunteer => 0,
            Err(_) => need.price,
        }
    }

    /// v1.1: whether any elder has a budget (rule 9 applies).
    pub fn has_budgets(&self) -> bool {
        self.budgets
    }

    /// v1.1: whether the plan reports funding: a price, a budget or a venue.
    pub fn has_funding(&self) -> bool {
        self.priced || self.budgets || !self.venues.is_empty()
    }

    /// v1.1: seconds elder `e` walks to venue `v` (the `walk` speed for haversine,
    /// `travel.speed` for the plane, the matrix's entry for a matrix).
    pub fn walk_time(&self, e: ElderIdx, v: usize) -> i64 {
        let speed = match self.travel {
            Travel::Haversine { .. } => {
                crate::travel::mode_speed_kmh(Some(crate::wire::Mode::Walk))
            }
            Travel::Euclidean { speed } => speed,
            Travel::Matrix { .. } => 1.0,
        };
        self.travel.time(
            speed,
            &self.elders[e.ix()].location,
            &self.venues[v].location,
        )
    }

    /// The needs of several visits.
    pub fn all_series(&self) -> &[Series] {
        &self.series
    }

    /// Whether the plan is measured over a horizon: days given, or a need of several
    /// visits (the summary then reports carer changes).
    pub fn has_horizon(&self) -> bool {
        self.options.day_length.is_some() || !self.series.is_empty()
    }

    /// How many needs the input has.
    pub fn input_needs(&self) -> usize {
        self.input_needs
    }

    /// Whether slot `ri` shares its profile with another slot.
    pub(crate) fn shares_profile(&self, ri: usize) -> bool {
        self.profiles.size[self.profiles.of[ri] as usize] > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A problem of `elders` homes on a 0.01° grid step and one provider per mode.
    /// `elders` homes on a grid, a provider per speed of `speeds`.
    fn problem(elders: usize, speeds: usize) -> Problem {
        let homes: Vec<String> = (0..elders)
            .map(|k| {
                let (x, y) = (
                    116.3 + 0.0007 * (k % 60) as f64,
                    39.8 + 0.0005 * (k / 60) as f64,
                );
                format!(r#"{{"id": "e{k}", "location": [{x}, {y}]}}"#)
            })
            .collect();
        let providers: Vec<String> = (0..speeds)
            .map(|k| {
                let kmh = 4 + 5 * k;
                format!(
                    r#"{{"id": "p{k}", "kind": "staff", "skills": ["meals"], "speed_kmh": {kmh},
                    "start": [116.31, 39.81], "shifts": [[28800, 61200]]}}"#
                )
            })
            .collect();
        let json = format!(
            r#"{{"elders": [{}], "needs": [{{"id": "n", "elder": "e0", "service": "meals",
            "windows": [[36000, 43200]]}}], "providers": [{}]}}"#,
            homes.join(","),
            providers.join(",")
        );
        Problem::from_json(json.as_bytes()).expect("valid")
    }

    #[test]
    fn a_table_of_distances_gives_each_speed_the_seconds_computed_from_the_points() {
        // 2,700 places at five speeds: too many for tables of seconds, a table of
        // distances instead; every lookup as computed from the points.
        let p = problem(2_700, 5);
        p.warm_travel();
        assert!(matches!(
            p.places.table.get(),
            Some(Some(TravelTable::Spans { .. }))
        ));
        let pl = &p.places;
        for (k, provider) in p.providers().iter().enumerate() {
            for a in (0..2_100u32).step_by(37) {
                for b in (0..2_100u32).step_by(53) {
                    let direct = p.travel().time(
                        provider.speed,
                        &pl.points[a as usize],
                        &pl.points[b as usize],
                    );
                    assert_eq!(p.time(ProviderIdx(k as u32), a, b), direct);
                }
            }
        }
    }

    /// Warms `p`'s travel, asserts a table of seconds was built, and returns the time
    /// of provider `k` from place `a` to `b` computed from the points.
    fn with_seconds_table(p: &Problem, k: usize, a: usize, b: usize) -> i64 {
        p.warm_travel();
        assert!(matches!(
            p.places.table.get(),
            Some(Some(TravelTable::Seconds { .. }))
        ));
        let pl = &p.places;
        p.travel()
            .time(p.providers()[k].speed, &pl.points[a], &pl.points[b])
    }

    #[test]
    fn a_small_problem_keeps_a_table_of_seconds_per_speed() {
        let p = problem(100, 4);
        let direct = with_seconds_table(&p, 3, 5, 77);
        assert_eq!(p.time(ProviderIdx(3), 5, 77), direct);
    }

    #[test]
    fn a_time_too_long_for_the_table_is_computed_from_the_points() {
        // Walking 0.9° of latitude takes about 24 h: past the table's 16 bits.
        let p = Problem::from_json(
            br#"{"elders": [{"id": "a", "location": [116.3, 39.0]},
                           {"id": "b", "location": [116.3, 39.9]}],
              "needs": [{"id": "n", "elder": "a", "service": "meals", "windows": [[0, 90000]]}],
              "providers": [{"id": "p", "kind": "staff", "skills": ["meals"], "mode": "walk",
                             "start": [116.3, 39.5], "shifts": [[0, 90000]]}]}"#,
        )
        .expect("valid");
        let (a, b) = (p.places.elder[0], p.places.elder[1]);
        let direct = with_seconds_table(&p, 0, a as usize, b as usize);
        assert!(direct > i64::from(FAR), "{direct}");
        assert_eq!(p.time(ProviderIdx(0), a, b), direct);
        assert_eq!(p.time(ProviderIdx(0), b, a), direct);
    }

    #[test]
    fn places_along_the_curve_keep_every_elder_and_station_where_it_is() {
        // Homes on a grid, numbered along a Hilbert curve: each elder's and each
        // provider's place is still its own point, so every time from the table is
        // the time between the input's points.
        let p = problem(400, 2);
        p.warm_travel();
        let mut seen: Vec<u32> = p.places.elder.clone();
        seen.extend(p.places.ends.iter().flat_map(|&(a, b)| [a, b]));
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(
            seen.len(),
            p.places.points.len(),
            "one place each, none lost"
        );
        let moved = (0..400).filter(|&e| p.places.elder[e] != e as u32).count();
        assert!(moved > 0, "the grid's row order is not a Hilbert curve's");
        for (k, prov) in p.providers().iter().enumerate() {
            let (start, _) = p.ends_of(ProviderIdx(k as u32));
            for (e, elder) in p.elders().iter().enumerate().step_by(7) {
                let home = p.places.elder[e];
                let direct = p.travel().time(prov.speed, &prov.start, &elder.location);
                assert_eq!(p.time(ProviderIdx(k as u32), start, home), direct);
            }
        }
    }
}
