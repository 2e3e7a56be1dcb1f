//! The engine's model of a problem: validated, indexed and immutable.
//!
//! A [`Problem`] is only built by validation ([`Problem::from_json`],
//! [`Problem::from_input`]); afterwards every reference is a newtype index, every time
//! an integer second, every location a [`Point`] of the problem's metric, and every
//! skill an interned [`SkillId`]. Nothing downstream re-checks the input.
//!
//! One concept per file: the problem and its indices (here), time windows and days
//! (`horizon.rs`), needs, pins, links and series (`needs.rs`), providers, slots, route
//! profiles and rule 2 (`providers.rs`), elders (`elders.rs`), venues and money
//! (`money.rs`), options and weights (`options.rs`), places and travel times
//! (`places.rs`), and what validation looked up (`lookup.rs`).

use std::collections::HashMap;

use crate::travel::{Point, Travel};

mod elders;
mod horizon;
mod lookup;
mod money;
mod needs;
mod options;
mod places;
mod providers;

pub(crate) use elders::area_levels;
pub use elders::{Elder, PastVisit};
pub(crate) use horizon::Days;
pub use horizon::{day_of, earliest_in, latest_in, Window};
pub(crate) use lookup::{Interner, Lookup, ServiceRule, Services};
pub use money::{Session, Venue};
pub(crate) use needs::PinnedRoute;
pub use needs::{Link, LinkRule, Need, Pin, Series};
pub use options::{Budget, Options, Weights};
pub(crate) use places::{Places, FAR};
pub(crate) use providers::Profiles;
pub use providers::{Break, Disqualified, Provider, Slot};

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
    /// Providers reported absent (`carer_absent` events), from when: they take no new
    /// or moved visit.
    pub(crate) absent: HashMap<ProviderIdx, i64>,
    /// Where providers last said they were (`carer_position` events): when, and where.
    pub(crate) positions: HashMap<ProviderIdx, (i64, crate::travel::Point)>,
    /// While an event batch re-optimises a plan ([`crate::events`]): per need, the
    /// carer the plan before the batch gave its visit, where a change is priced.
    pub(crate) reference: Option<std::sync::Arc<Vec<Option<ProviderIdx>>>>,
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
    /// v1.2: the past visits of `history`, in input order.
    pub(crate) history: Vec<PastVisit>,
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

    /// When provider `p` was reported absent ([`crate::events`]), if she was: from
    /// then she takes no new or moved visit.
    pub fn absent_from(&self, p: ProviderIdx) -> Option<i64> {
        self.absent.get(&p).copied()
    }

    /// Where provider `p` last said she was (a `carer_position` event): when, and where.
    pub fn position_of(&self, p: ProviderIdx) -> Option<(i64, crate::travel::Point)> {
        self.positions.get(&p).copied()
    }

    /// Records that provider `p` was at `at` at time `t` (the latest report stays).
    pub fn set_position(&mut self, p: ProviderIdx, t: i64, at: crate::travel::Point) {
        if self.positions.get(&p).is_none_or(|&(was, _)| was <= t) {
            self.positions.insert(p, (t, at));
        }
    }

    /// Records provider `p` absent from `from` (the earlier time stays).
    pub fn set_absent(&mut self, p: ProviderIdx, from: i64) {
        let at = self.absent.entry(p).or_insert(from);
        *at = (*at).min(from);
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

    /// Sum of priority over all needs.
    pub fn total_priority(&self) -> i64 {
        self.needs.iter().map(|n| i64::from(n.priority)).sum()
    }

    /// How many needs the input has.
    pub fn input_needs(&self) -> usize {
        self.input_needs
    }
}
