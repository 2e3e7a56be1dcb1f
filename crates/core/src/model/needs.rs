//! Needs as the engine keeps them: one visit each, with their windows, pins, links
//! (rule 7) and series (`visits > 1`), and what a start of theirs may be.
use super::ElderIdx;
use super::LinkIdx;
use super::NeedIdx;
use super::Problem;
use super::ProviderIdx;
use super::SkillId;
use super::Slot;
use super::Window;
use std::borrow::Cow;

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
    /// Seconds from a dispatch's `now` its visit must start within, when given
    /// (`response_within`).
    pub response_within: Option<i64>,
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

    /// The window a start at `t` falls in, `late_by` included (soft windows).
    pub fn window_of(&self, t: i64) -> Option<&Window> {
        self.windows
            .iter()
            .find(|w| w.open <= t && t <= w.close + self.late_by)
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

impl Problem {
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

    /// The needs of several visits.
    pub fn all_series(&self) -> &[Series] {
        &self.series
    }
}
