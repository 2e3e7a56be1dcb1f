//! Candidate slots: for every need, the provider shifts that may serve it, computed once.
//!
//! A slot `(provider, shift)` is a candidate for a need when the provider passes rule 2
//! of the spec (skills, level, volunteer rule, `avoids`, carer gender), can carry its
//! `load`, and — travelling alone from the shift's start to the elder and back to the
//! shift's end — can start the visit inside one of the need's windows (a pinned need:
//! at its pinned start) within the shift and within `max_work` / `max_visits`.
//!
//! When a need has no candidate, [`Candidates::reason`] says which rule removed the last
//! one: skills / level / volunteer rule / load give
//! [`Reason::NoQualifiedProvider`], avoids / gender give [`Reason::Excluded`], time and
//! work limits give [`Reason::NoTime`]; a two-carer need with a single reachable
//! provider gets [`Reason::NoPartner`]. Downstream code (solver, explanations) asks this
//! structure and never re-derives it.
//!
//! Cost: needs are processed in parallel (rayon); each looks only at the providers that
//! have the need's rarest required skill. With `options.candidates = K > 0` (default
//! 32) and coordinates (haversine or euclidean), those providers are visited nearest
//! start first through an R-tree per skill ([`rstar`]), and the scan stops once `K` of
//! them can reach the need: near-linear in the number of needs for a city. Such a need
//! is *cut* ([`Candidates::is_cut`]); it has at least `K` reachable providers, so its
//! reason (none) is still exact. A need with fewer than `K` is scanned to the end, so
//! its candidates and reason are exact too. Matrix problems are scanned in full.

use std::collections::HashMap;

use rayon::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::RTree;

use crate::model::{Disqualified, LinkRule, NeedIdx, Problem, ProviderIdx, SkillId, Slot, Window};
use crate::travel::Point;
use crate::wire::{ProviderKind, Reason};

/// Why a need cannot be served: the reason and a readable detail.
pub type Why = (Reason, String);

/// The candidate slots of every need (CSR layout) and, for needs with none, why.
#[derive(Debug, Clone)]
pub struct Candidates {
    offsets: Vec<u32>,
    slots: Vec<Slot>,
    reasons: Vec<Option<Why>>,
    cut: Vec<bool>,
    index: SkillIndex,
    /// v1.1: the needs met at venues, in need order, and per need whether it is one
    /// (empty when none is).
    seats: Vec<crate::venues::Seat>,
    seated: Vec<bool>,
    /// Every need's candidate slots as computed, while some are seated.
    all: Option<(Vec<u32>, Vec<Slot>)>,
}

type Located = GeomWithData<[f64; 2], u32>;

/// The providers of every skill, and an R-tree of their starts where a scan may stop
/// early.
#[derive(Debug, Clone)]
struct SkillIndex {
    by_skill: HashMap<SkillId, Vec<ProviderIdx>>,
    trees: HashMap<SkillId, RTree<Located>>,
    /// Cosine of the mean provider latitude (haversine): the x scale of the projection.
    cos_lat: f64,
    keep: usize,
}

impl SkillIndex {
    /// The index of `problem`, keeping `options.candidates` providers per need.
    fn new(problem: &Problem) -> Self {
        let keep = match problem.options().candidates {
            0 => 0,
            k => k.max(2),
        };
        Self::keeping(problem, keep, None)
    }

    /// The index keeping `keep` providers per need (0: all, and no R-trees), of the
    /// skills of `only` (all skills when `None`: a need with another skill then finds
    /// nobody).
    fn keeping(problem: &Problem, keep: usize, only: Option<&[SkillId]>) -> Self {
        let mut by_skill: HashMap<SkillId, Vec<ProviderIdx>> = HashMap::new();
        for (i, p) in problem.providers().iter().enumerate() {
            for &s in &p.skills {
                if only.is_none_or(|o| o.contains(&s)) {
                    by_skill.entry(s).or_default().push(ProviderIdx(i as u32));
                }
            }
        }
        let provs = problem.providers();
        let cos_lat = crate::travel::mean_cos_lat(provs.iter().map(|p| &p.start));
        let mut index = Self {
            by_skill,
            trees: HashMap::new(),
            cos_lat,
            keep,
        };
        if keep > 0 {
            let mut trees = HashMap::new();
            for (&s, pool) in &index.by_skill {
                if pool.len() <= keep || only.is_some_and(|o| !o.contains(&s)) {
                    continue;
                }
                let pts: Option<Vec<Located>> = pool
                    .iter()
                    .map(|&p| Some(Located::new(index.project(&provs[p.ix()].start)?, p.0)))
                    .collect();
                if let Some(pts) = pts {
                    trees.insert(s, RTree::bulk_load(pts));
                }
            }
            index.trees = trees;
        }
        index
    }

    /// Equirectangular projection (haversine) or the plane itself; none for a matrix.
    fn project(&self, p: &Point) -> Option<[f64; 2]> {
        p.planar(self.cos_lat)
    }
}

impl Candidates {
    /// Computes the candidates of every need of `problem`.
    ///
    /// ```
    /// use carematch_core::{feasibility::Candidates, model::NeedIdx, Problem};
    /// let problem = Problem::from_json(br#"{
    ///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
    ///   "needs": [{"id": "n1", "elder": "e1", "service": "rehab", "windows": [[36000, 40000]]}],
    ///   "providers": [{"id": "v1", "kind": "volunteer", "skills": ["rehab"],
    ///                  "start": [116.42, 39.92], "shifts": [[28800, 61200]]}]
    /// }"#)?;
    /// let c = Candidates::new(&problem);
    /// assert!(c.of(NeedIdx(0)).is_empty());
    /// assert_eq!(c.reason(NeedIdx(0)).unwrap().0.as_str(), "no_qualified_provider");
    /// # Ok::<(), carematch_core::Error>(())
    /// ```
    pub fn new(problem: &Problem) -> Self {
        let index = SkillIndex::new(problem);
        let per_need: Vec<(Vec<Slot>, Option<Why>, bool)> = (0..problem.needs().len())
            .into_par_iter()
            .map(|i| need_candidates(problem, &index, NeedIdx(i as u32), index.keep))
            .collect();
        let mut offsets = Vec::with_capacity(per_need.len() + 1);
        offsets.push(0u32);
        let total: usize = per_need.iter().map(|(s, _, _)| s.len()).sum();
        let mut slots = Vec::with_capacity(total);
        let mut reasons = Vec::with_capacity(per_need.len());
        let mut cut = Vec::with_capacity(per_need.len());
        for (s, r, c) in per_need {
            slots.extend_from_slice(&s);
            offsets.push(slots.len() as u32);
            reasons.push(r);
            cut.push(c);
        }
        let mut c = Self {
            offsets,
            slots,
            reasons,
            cut,
            index,
            seats: Vec::new(),
            seated: Vec::new(),
            all: None,
        };
        for l in 0..problem.links().len() {
            c.link_reasons(problem, crate::model::LinkIdx(l as u32));
        }
        c
    }

    /// Rule 7 up front: when a need of link `l` cannot be served, or no combination of
    /// its needs can (no common start of a `together` link, no gap a `sequence` link's
    /// windows allow, too few distinct providers), its first such need keeps or gets
    /// the reason and its partners get `linked`.
    fn link_reasons(&mut self, problem: &Problem, l: crate::model::LinkIdx) {
        let link = problem.link(l);
        let mut own = link
            .needs
            .iter()
            .find_map(|&n| self.reason(n).map(|why| (n, why.clone())));
        if own.is_none() {
            own = self
                .combination(problem, &link.needs, link.rule)
                .map(|why| (link.needs[0], why));
        }
        let Some((at, (reason, detail))) = own else {
            return;
        };
        for &n in &link.needs {
            self.reasons[n.ix()] = Some(if n == at {
                (reason, detail.clone())
            } else {
                (
                    Reason::Linked,
                    format!(
                        "partner '{}' of link '{}': {}: {detail}",
                        problem.need(at).id,
                        link.id,
                        reason.as_str()
                    ),
                )
            });
        }
    }

    /// Why no combination of `needs` can be served as `rule` asks, when none can (by
    /// their windows and, when no list was cut, their providers).
    fn combination(&self, problem: &Problem, needs: &[NeedIdx], rule: LinkRule) -> Option<Why> {
        let starts: Vec<Vec<Window>> = needs
            .iter()
            .map(|&n| problem.allowed_starts(n).into_owned())
            .collect();
        let cut = needs.iter().any(|&n| self.is_cut(n));
        let providers = |n: NeedIdx| -> Vec<ProviderIdx> {
            let mut p: Vec<ProviderIdx> = self.of(n).iter().map(|s| s.provider).collect();
            p.dedup();
            p
        };
        match rule {
            LinkRule::Together => {
                let common = starts
                    .iter()
                    .skip(1)
                    .fold(starts[0].clone(), |acc, w| intersect(&acc, w));
                if common.is_empty() {
                    return Some((
                        Reason::NoTime,
                        "the needs of its link have no start time in common".into(),
                    ));
                }
                let lists: Vec<Vec<ProviderIdx>> = needs.iter().map(|&n| providers(n)).collect();
                (!cut && !distinct(&lists, &mut Vec::new())).then(|| {
                    (
                        Reason::NoPartner,
                        "its link needs pairwise different providers; too few can serve its needs"
                            .into(),
                    )
                })
            }
            LinkRule::Sequence {
                min_gap,
                max_gap,
                provider,
            } => {
                let fits = starts[0].iter().any(|a| {
                    let then = Window {
                        open: a.open.saturating_add(min_gap),
                        close: a.close.saturating_add(max_gap),
                    };
                    starts[1]
                        .iter()
                        .any(|b| b.open <= then.close && then.open <= b.close)
                });
                if !fits {
                    return Some((Reason::NoTime, format!("no start of its link's second need falls {min_gap} to {max_gap} s after one of the first")));
                }
                let (pa, pb) = (providers(needs[0]), providers(needs[1]));
                let ok = cut
                    || match provider {
                        crate::wire::LinkProvider::Same => pa.iter().any(|p| pb.contains(p)),
                        crate::wire::LinkProvider::Different => {
                            distinct(&[pa, pb], &mut Vec::new())
                        }
                        crate::wire::LinkProvider::Any => true,
                    };
                (!ok).then(|| {
                    (
                        Reason::NoPartner,
                        "no providers can serve its link's two needs as the link asks".into(),
                    )
                })
            }
        }
    }

    /// The candidate slots of need `n`, sorted; for a cut need, those of its nearest
    /// `options.candidates` reachable providers (see [`Candidates::all_of`]).
    pub fn of(&self, n: NeedIdx) -> &[Slot] {
        &self.slots[self.offsets[n.ix()] as usize..self.offsets[n.ix() + 1] as usize]
    }

    /// v1.1: meets the needs of `seats` at their venues: they leave every route (no
    /// candidate slot; the constructions and the search pass them by), and the seats
    /// given before are given back.
    pub(crate) fn seat(&mut self, problem: &Problem, seats: Vec<crate::venues::Seat>) {
        if seats.is_empty() && self.seats.is_empty() {
            return;
        }
        let n = problem.needs().len();
        if self.seats.is_empty() {
            self.all = Some((self.offsets.clone(), self.slots.clone()));
        }
        let (offsets, slots) = self.all.clone().unwrap_or_default();
        let mut seated = vec![false; n];
        for s in &seats {
            seated[s.need.ix()] = true;
        }
        self.offsets = Vec::with_capacity(n + 1);
        self.offsets.push(0);
        self.slots = Vec::with_capacity(slots.len());
        for i in 0..n {
            if !seated[i] {
                self.slots
                    .extend_from_slice(&slots[offsets[i] as usize..offsets[i + 1] as usize]);
            }
            self.offsets.push(self.slots.len() as u32);
        }
        self.seated = seated;
        self.seats = seats;
    }

    /// v1.1: the needs met at venues, in need order.
    pub(crate) fn seats(&self) -> &[crate::venues::Seat] {
        &self.seats
    }

    /// v1.1: whether need `n` is met at a venue (no route serves it).
    pub(crate) fn seated(&self, n: NeedIdx) -> bool {
        self.seated.get(n.ix()).copied().unwrap_or(false)
    }

    /// Why need `n` cannot be served at all, when no plan could serve it.
    pub fn reason(&self, n: NeedIdx) -> Option<&Why> {
        self.reasons[n.ix()].as_ref()
    }

    /// Whether need `n`'s list was cut at `options.candidates` reachable providers
    /// (more could serve it).
    pub fn is_cut(&self, n: NeedIdx) -> bool {
        self.cut[n.ix()]
    }

    /// Every candidate slot of need `n`: its list, or for a cut need, a full scan.
    pub fn all_of(&self, problem: &Problem, n: NeedIdx) -> std::borrow::Cow<'_, [Slot]> {
        if self.is_cut(n) {
            std::borrow::Cow::Owned(need_candidates(problem, &self.index, n, 0).0)
        } else {
            std::borrow::Cow::Borrowed(self.of(n))
        }
    }

    /// The candidate slots of need `n` among its `WIDEN × options.candidates` nearest
    /// reachable providers: its list when it was not cut. What the constructions try
    /// when a need's own list is full; a bounded search, unlike [`Candidates::all_of`],
    /// so that a saturated city does not scan every provider for every need left out.
    pub fn widened(&self, problem: &Problem, n: NeedIdx) -> std::borrow::Cow<'_, [Slot]> {
        if self.is_cut(n) {
            let keep = self.index.keep.saturating_mul(WIDEN);
            std::borrow::Cow::Owned(need_candidates(problem, &self.index, n, keep).0)
        } else {
            std::borrow::Cow::Borrowed(self.of(n))
        }
    }

    /// Whether every slot that could serve a need is listed (no need's list was cut).
    pub fn complete(&self) -> bool {
        !self.cut.contains(&true)
    }

    /// Total number of candidate slots (edges of the needs × slots graph).
    pub fn edges(&self) -> usize {
        self.slots.len()
    }
}

/// The candidate slots of need `n` alone, sorted, as [`Candidates::new`] would list
/// them (the `options.candidates` nearest reachable providers' slots; all of them when
/// `exhaustive`), or why none may serve it: the candidates of one need without
/// computing everyone's (urgent insertion, [`crate::dispatch`]). The flag says whether
/// the list was cut.
///
/// ```
/// use carematch_core::{feasibility::slots_of, model::NeedIdx, Problem};
/// let problem = Problem::from_json(br#"{
///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
///   "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]}],
///   "providers": [{"id": "p1", "kind": "volunteer", "skills": ["meals"],
///                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]}]
/// }"#)?;
/// let (slots, why, cut) = slots_of(&problem, NeedIdx(0), false);
/// assert_eq!(slots.len(), 1);
/// assert!(why.is_none() && !cut);
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn slots_of(problem: &Problem, n: NeedIdx, exhaustive: bool) -> (Vec<Slot>, Option<Why>, bool) {
    let keep = match (exhaustive, problem.options().candidates) {
        (true, _) | (_, 0) => 0,
        (false, k) => k.max(2),
    };
    let index = SkillIndex::keeping(problem, keep, Some(&problem.need(n).required));
    let mut out = need_candidates(problem, &index, n, keep);
    if !problem.absent.is_empty() {
        out.0.retain(|s| problem.absent_from(s.provider).is_none());
    }
    out
}

/// The times in both `a` and `b` (sorted, disjoint lists).
fn intersect(a: &[Window], b: &[Window]) -> Vec<Window> {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            let (open, close) = (x.open.max(y.open), x.close.min(y.close));
            if open <= close {
                out.push(Window { open, close });
            }
        }
    }
    out.sort_unstable();
    out
}

/// Whether each list can give a different provider (lists of at most four: depth-first).
fn distinct(lists: &[Vec<ProviderIdx>], used: &mut Vec<ProviderIdx>) -> bool {
    let Some((first, rest)) = lists.split_first() else {
        return true;
    };
    for &p in first {
        if !used.contains(&p) {
            used.push(p);
            if distinct(rest, used) {
                return true;
            }
            used.pop();
        }
    }
    false
}

/// How many times `options.candidates` providers [`Candidates::widened`] looks at.
pub const WIDEN: usize = 8;

fn need_candidates(
    problem: &Problem,
    index: &SkillIndex,
    n: NeedIdx,
    keep: usize,
) -> (Vec<Slot>, Option<Why>, bool) {
    let need = problem.need(n);
    // required[] always holds the service's own skill; scan the providers having the
    // rarest required skill.
    let (skill, pool): (Option<SkillId>, &[ProviderIdx]) = need
        .required
        .iter()
        .map(|&s| {
            (
                Some(s),
                index.by_skill.get(&s).map_or(&[][..], |v| v.as_slice()),
            )
        })
        .min_by_key(|(_, v)| v.len())
        .unwrap_or((None, &[]));
    let pinned_alone = need.pinned.filter(|_| need.caregivers == 1);
    let tree = skill
        .and_then(|s| index.trees.get(&s))
        .filter(|_| pinned_alone.is_none() && keep > 0);
    let order: Box<dyn Iterator<Item = ProviderIdx> + '_> =
        match (tree, index.project(problem.need_location(n))) {
            (Some(tree), Some(at)) => {
                Box::new(tree.nearest_neighbor_iter(at).map(|g| ProviderIdx(g.data)))
            }
            _ => Box::new(pool.iter().copied()),
        };
    let mut tally = Tally::default();
    tally.scan(problem, n, order, keep);
    tally.slots.sort_unstable();
    let cut = tally.visited < pool.len();
    let reason = tally.reason(problem, n, pool);
    (tally.slots, reason, cut)
}

/// What a scan of the providers found for one need.
#[derive(Default)]
struct Tally {
    slots: Vec<Slot>,
    qualified: usize,
    excluded: usize,
    counts: HashMap<Disqualified, usize>,
    load_blocked: usize,
    providers_reached: usize,
    visited: usize,
}

impl Tally {
    /// Visits providers in `order` until `keep` of them (0: all) can reach need `n`.
    fn scan(
        &mut self,
        problem: &Problem,
        n: NeedIdx,
        order: impl Iterator<Item = ProviderIdx>,
        keep: usize,
    ) {
        let need = problem.need(n);
        let pinned_alone = need.pinned.filter(|_| need.caregivers == 1);
        let windows = problem.allowed_starts(n);
        for p in order {
            if keep > 0 && self.providers_reached >= keep {
                break;
            }
            self.visited += 1;
            // The pinned provider is one carer; a partner (two-carer need) may be anyone.
            if pinned_alone.is_some_and(|pin| pin.provider != p) {
                continue;
            }
            match problem.disqualification(p, n) {
                Some(
                    d @ (Disqualified::Avoided | Disqualified::NotPrimary | Disqualified::Gender),
                ) => {
                    self.excluded += 1;
                    *self.counts.entry(d).or_default() += 1;
                    continue;
                }
                Some(d) => {
                    *self.counts.entry(d).or_default() += 1;
                    continue;
                }
                None => {}
            }
            let prov = problem.provider(p);
            if prov.capacity.is_some_and(|c| need.load > c) {
                self.load_blocked += 1;
                continue;
            }
            self.qualified += 1;
            if prov.max_visits == Some(0) {
                continue;
            }
            let before = self.slots.len();
            for shift in 0..prov.shifts.len() {
                if problem.reachable(p, shift, n, &windows) {
                    self.slots.push(Slot {
                        provider: p,
                        shift: shift as u16,
                    });
                }
            }
            if self.slots.len() > before {
                self.providers_reached += 1;
            }
        }
    }

    /// Why need `n` cannot be served, from what the scan found (`pool`: the providers
    /// having its rarest skill).
    fn reason(&self, problem: &Problem, n: NeedIdx, pool: &[ProviderIdx]) -> Option<Why> {
        let need = problem.need(n);
        let service = &need.service;
        let qualified = self.qualified;
        let excluded = self.excluded;
        if !self.slots.is_empty() {
            (need.caregivers == 2 && self.providers_reached < 2).then(|| {
                (
                    Reason::NoPartner,
                    format!("two carers needed; only one qualified provider can reach it in time for {service}"),
                )
            })
        } else if qualified > 0 {
            Some((
                Reason::NoTime,
                format!(
                    "{qualified} qualified provider(s) for {service}, but no shift can reach the elder inside a window and return in time"
                ),
            ))
        } else if excluded > 0 {
            Some((
                Reason::Excluded,
                format!(
                    "the elder's avoids ({}){} and caregiver_gender ({}) leave none of {excluded} otherwise qualified provider(s)",
                    self.counts.get(&Disqualified::Avoided).unwrap_or(&0),
                    match self.counts.get(&Disqualified::NotPrimary) {
                        Some(k) => format!(", primary_only ({k})"),
                        None => String::new(),
                    },
                    self.counts.get(&Disqualified::Gender).unwrap_or(&0)
                ),
            ))
        } else {
            Some((
                Reason::NoQualifiedProvider,
                no_qualified_detail(problem, n, pool, &self.counts, self.load_blocked),
            ))
        }
    }
}

fn no_qualified_detail(
    problem: &Problem,
    n: NeedIdx,
    pool: &[ProviderIdx],
    counts: &HashMap<Disqualified, usize>,
    load_blocked: usize,
) -> String {
    let need = problem.need(n);
    let service = &need.service;
    if pool.is_empty() {
        let names: Vec<&str> = need
            .required
            .iter()
            .map(|&s| problem.skill_name(s))
            .collect();
        return format!(
            "service {service} needs skills [{}]; no provider has them",
            names.join(", ")
        );
    }
    let skill = counts
        .iter()
        .filter(|(d, _)| matches!(d, Disqualified::Skill(_)))
        .map(|(_, c)| c)
        .sum::<usize>();
    let level = counts.get(&Disqualified::Level).copied().unwrap_or(0);
    let volunteer = counts.get(&Disqualified::Volunteer).copied().unwrap_or(0);
    let mut parts = Vec::new();
    if skill > 0 {
        parts.push(format!("{skill} lack an extra skill"));
    }
    if level > 0 {
        parts.push(format!("{level} are below level {}", need.min_level));
    }
    if volunteer > 0 {
        parts.push(format!(
            "{volunteer} are volunteers, who may not do {service}"
        ));
    }
    if load_blocked > 0 {
        parts.push(format!("{load_blocked} cannot carry load {}", need.load));
    }
    if need.pinned.is_some() && parts.is_empty() {
        parts.push("the pinned provider does not qualify".into());
    }
    let volunteer_only = pool
        .iter()
        .all(|&p| problem.provider(p).kind == ProviderKind::Volunteer);
    format!(
        "service {service} (level >= {}): of {} provider(s) with the skill, {}{}",
        need.min_level,
        pool.len(),
        parts.join(", "),
        if volunteer_only {
            "; only volunteers have it"
        } else {
            ""
        }
    )
}
