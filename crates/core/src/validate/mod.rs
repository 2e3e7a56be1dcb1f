//! Validation: from the wire's [`ProblemInput`] to the engine's [`Problem`], the only
//! way to build one.
//!
//! Every rule returns an [`Error`] naming the field path (`needs[12].windows[0]`) and
//! nothing else: there is no partial problem. Rules, in the order they are checked:
//! travel (metric-specific fields, matrix square and in range), services (unique ids,
//! bounded values), providers (unique ids, kind, skills, level, locations, shifts not
//! empty or inverted, speeds, limits), elders (unique ids, location in range and finite,
//! profile, `prefers`/`avoids` naming known providers), needs (unique ids, known elder,
//! duration known and bounded, windows not empty or inverted, `late_by`, priority
//! 0..=100, `caregivers` 1 or 2, load), links (`links.rs`), options (with the
//! weights), and last the pins (provider known and
//! qualified, start inside a window and reachable within a shift, and all pins placed
//! together by the route rules the solver uses, [`crate::routes`]).
//! Sizes are bounded by [`crate::limits`].
//!
//! Files: `fields.rs` (ids, sizes, bounds, intervals), `parts.rs` (one function per
//! part of a problem), `links.rs` (rule 7's links), `pins.rs` (rule 6).

mod fields;
mod links;
mod parts;
mod pins;

use std::collections::HashMap;

use crate::error::{Error, ErrorKind, FieldPath};
use crate::limits::*;
use crate::model::*;
use crate::wire::{ElderInput, NeedInput, ProblemInput};

use fields::{new_id, too_many};
use parts::Ctx;

type R<T> = Result<T, Error>;

impl Problem {
    /// Parse and validate a problem from JSON bytes.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        let input = crate::error::from_json(bytes, ErrorKind::InvalidProblem)?;
        Self::from_input(input)
    }

    /// Validate a parsed problem.
    pub fn from_input(input: ProblemInput) -> Result<Self, Error> {
        validate(input)
    }

    /// Appends one need — and its elder, when `elder` is given — validated as
    /// [`Problem::from_input`] would validate them, at the indices they take
    /// (`needs[k]`, `elders[m]` in error paths). On error the problem is unchanged.
    /// Costs O(the need), not O(the problem): this is how a service adds an urgent
    /// need to a plan's problem before [`crate::dispatch::dispatch`]. Pinned needs are
    /// refused.
    ///
    /// ```
    /// use carematch_core::Problem;
    /// let mut p = Problem::from_json(br#"{
    ///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
    ///   "needs": [], "providers": []
    /// }"#)?;
    /// let need = serde_json::from_str(r#"{"id": "sos", "elder": "e2", "service": "emergency",
    ///   "windows": [[40000, 40900]]}"#).unwrap();
    /// let elder = serde_json::from_str(r#"{"id": "e2", "location": [116.44, 39.92]}"#).unwrap();
    /// let n = p.push_need(need, Some(elder))?;
    /// assert_eq!(p.need(n).priority, 90); // emergency help comes first
    /// assert_eq!(p.elders().len(), 2);
    /// p.pop_need(true);
    /// assert!(p.need_by_id("sos").is_none() && p.elders().len() == 1);
    /// let bad = serde_json::from_str(r#"{"id": "x", "elder": "nobody", "service": "meals",
    ///   "windows": [[0, 60]]}"#).unwrap();
    /// assert_eq!(p.push_need(bad, None).unwrap_err().path().to_string(), "needs[0].elder");
    /// # Ok::<(), carematch_core::Error>(())
    /// ```
    pub fn push_need(
        &mut self,
        need: NeedInput,
        elder: Option<ElderInput>,
    ) -> Result<NeedIdx, Error> {
        push_need(self, need, elder)
    }

    /// Appends one link of needs already in the problem (added by
    /// [`Problem::push_need`]), validated as [`Problem::from_input`] validates links,
    /// at the index it takes (`links[k]` in error paths). On error the problem is
    /// unchanged. This is how a service dispatches a linked pair into a running plan.
    ///
    /// ```
    /// use carematch_core::Problem;
    /// let mut p = Problem::from_json(br#"{
    ///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
    ///   "needs": [{"id": "a", "elder": "e1", "service": "nursing", "duration": 1800, "windows": [[36000, 39600]]},
    ///             {"id": "b", "elder": "e1", "service": "bathing", "windows": [[36000, 39600]]}],
    ///   "providers": []
    /// }"#)?;
    /// let link = serde_json::from_str(r#"{"id": "l", "type": "together", "needs": ["a", "b"]}"#).unwrap();
    /// let l = p.push_link(link)?;
    /// assert_eq!(p.link(l).needs.len(), 2);
    /// p.pop_link();
    /// assert!(p.links().is_empty() && p.needs()[0].link.is_none());
    /// # Ok::<(), carematch_core::Error>(())
    /// ```
    pub fn push_link(&mut self, link: crate::wire::LinkInput) -> Result<LinkIdx, Error> {
        let k = self.links.len();
        let mut ids: HashMap<String, LinkIdx> = self
            .links
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.clone(), LinkIdx(i as u32)))
            .collect();
        let root = FieldPath::root();
        let mut list = links::links(
            &root,
            vec![link],
            k,
            &mut ids,
            &self.need_ids,
            &mut self.needs,
        )?;
        let one = list
            .pop()
            .ok_or_else(|| Error::invalid(&root.key("links"), "no link"))?;
        self.links.push(one);
        Ok(LinkIdx(k as u32))
    }

    /// Undoes the last [`Problem::push_link`].
    pub fn pop_link(&mut self) {
        if let Some(l) = self.links.pop() {
            for n in l.needs {
                self.needs[n.ix()].link = None;
            }
        }
    }

    /// A location of this problem's travel metric read as [`Problem::from_input`] reads
    /// one (errors at `path`).
    pub fn point_of(
        &self,
        path: &FieldPath,
        loc: &crate::wire::Location,
    ) -> Result<crate::travel::Point, Error> {
        parts::Ctx {
            travel: &self.travel,
        }
        .location(path, loc)
    }

    /// Undoes the last [`Problem::push_need`] (with its elder when `with_elder`; skills
    /// it named stay interned, no provider has them).
    pub fn pop_need(&mut self, with_elder: bool) {
        if let Some(n) = self.needs.pop() {
            self.need_ids.remove(&n.id);
        }
        if with_elder {
            if let Some(e) = self.elders.pop() {
                self.lookup.elder_ids.remove(&e.id);
                self.places.pop_elder();
            }
        }
    }
}

fn validate(input: ProblemInput) -> R<Problem> {
    let root = FieldPath::root();
    let travel = parts::travel(&root.key("travel"), input.travel.unwrap_or_default())?;
    let ctx = Ctx { travel: &travel };
    let services = parts::services(&root.key("services"), &input.services)?;
    let options = parts::options(&root.key("options"), input.options.unwrap_or_default())?;
    let mut skills = Interner::default();
    let (providers, provider_ids) = list(
        &root,
        ("providers", "provider", MAX_PROVIDERS),
        input.providers,
        |p| &p.id,
        ProviderIdx,
        |path, p| parts::provider(&ctx, path, p, &mut skills),
    )?;
    let (mut elders, elder_ids) = list(
        &root,
        ("elders", "elder", MAX_ELDERS),
        input.elders,
        |e| &e.id,
        ElderIdx,
        |path, e| parts::elder(&ctx, path, e, &provider_ids),
    )?;
    let history = parts::history(
        &root.key("history"),
        &input.history,
        (&elder_ids, &provider_ids),
        &mut elders,
    )?;
    let tables = parts::Tables {
        elder_ids: &elder_ids,
        elders: &elders,
        services: &services,
        provider_ids: &provider_ids,
    };
    let needs = needs_and_links(&root, input.needs, input.links, &tables, &mut skills)?;
    let (needs, need_ids, series, input_needs, links) = needs;
    let (venues, _) = list(
        &root,
        ("venues", "venue", MAX_VENUES),
        input.venues,
        |v| &v.id,
        |i| i,
        |path, v| parts::venue(&ctx, path, v),
    )?;
    let budgets = elders.iter().any(|e| e.budget.is_some());
    let priced =
        needs.iter().any(|n| n.price > 0) || providers.iter().any(|p| !p.prices.is_empty());
    let places = Places::new(&elders, &providers);
    let profiles = Profiles::new(&providers);
    let days = Days::new(&providers, &options);
    let soft = needs.iter().any(|n| n.late_by > 0);
    let mut problem = Problem {
        soft,
        places,
        profiles,
        symmetric: travel.is_symmetric(),
        travel,
        elders,
        needs,
        providers,
        skills: skills.names.clone(),
        options,
        need_ids,
        links,
        provider_ids,
        absent: HashMap::new(),
        positions: HashMap::new(),
        reference: None,
        lookup: Lookup {
            services,
            elder_ids,
            skills,
        },
        pinned_routes: Vec::new(),
        days,
        series,
        input_needs,
        venues,
        budgets,
        priced,
        history,
    };
    problem.pinned_routes = pins::place(&problem)?;
    Ok(problem)
}

/// What [`needs_and_links`] gives: the needs (series expanded), their ids, the series,
/// how many needs the input has, and the links.
type NeedsAndLinks = (
    Vec<crate::model::Need>,
    HashMap<String, NeedIdx>,
    Vec<crate::model::Series>,
    usize,
    Vec<crate::model::Link>,
);

/// The needs of the input, each of several visits expanded into its visits, and the
/// links between them (rule 7).
fn needs_and_links(
    root: &FieldPath,
    input: Vec<crate::wire::NeedInput>,
    links: Vec<crate::wire::LinkInput>,
    tables: &parts::Tables,
    skills: &mut Interner,
) -> R<NeedsAndLinks> {
    let (parsed, need_ids) = list(
        root,
        ("needs", "need", MAX_NEEDS),
        input,
        |n| &n.id,
        NeedIdx,
        |path, n| {
            let visits = parts::visits(path, &n)?;
            Ok((parts::need(path, n, tables, skills)?, visits))
        },
    )?;
    let input_needs = parsed.len();
    let (mut needs, series) = expand(root, parsed)?;
    let links = links::links(root, links, 0, &mut HashMap::new(), &need_ids, &mut needs)?;
    Ok((needs, need_ids, series, input_needs, links))
}

/// The needs, each of several visits followed by its other visits (appended after
/// every need of the input, in input order), and the series of visits.
fn expand(
    root: &FieldPath,
    parsed: Vec<(Need, Option<parts::Visits>)>,
) -> R<(Vec<Need>, Vec<Series>)> {
    let total: usize = parsed
        .iter()
        .map(|(_, v)| v.map_or(1, |v| v.0 as usize))
        .sum();
    too_many(&root.key("needs"), total, MAX_NEEDS)?;
    let mut needs = Vec::with_capacity(total);
    let mut series = Vec::new();
    let mut extra = Vec::new();
    let first_extra = parsed.len();
    for (i, (mut need, v)) in parsed.into_iter().enumerate() {
        if let Some((visits, min_gap, all)) = v {
            let s = series.len() as u32;
            need.series = Some(s);
            // Visit k of `visits` over `w` windows takes windows k ..= w - visits + k
            // (`Problem::visit_at`); with fewer windows than visits, all of them.
            let w = need.windows.len();
            let spare = w.saturating_sub(visits as usize);
            let part = |k: usize| {
                if w >= visits as usize {
                    (k as u16, (k + spare + 1) as u16)
                } else {
                    (0, w as u16)
                }
            };
            let mut members = vec![NeedIdx(i as u32)];
            for k in 1..visits as usize {
                members.push(NeedIdx((first_extra + extra.len()) as u32));
                let mut visit = need.clone();
                visit.part = part(k);
                extra.push(visit);
            }
            need.part = part(0);
            series.push(Series {
                needs: members,
                min_gap,
                all,
            });
        }
        needs.push(need);
    }
    needs.extend(extra);
    Ok((needs, series))
}

/// The parts of one list (providers, elders or needs), each validated by `part` at
/// its path `{key}[i]`, and the index of each id; ids must be new.
fn list<I, T, X: Copy>(
    root: &FieldPath,
    (key, what, max): (&str, &str, usize),
    items: Vec<I>,
    id_of: impl Fn(&I) -> &str,
    index: impl Fn(u32) -> X,
    mut part: impl FnMut(&FieldPath, I) -> R<T>,
) -> R<(Vec<T>, HashMap<String, X>)> {
    let lpath = root.key(key);
    too_many(&lpath, items.len(), max)?;
    let mut ids = HashMap::with_capacity(items.len());
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let path = lpath.index(i);
        let id = id_of(&item).to_owned();
        new_id(&path.key("id"), &id, &ids, what)?;
        ids.insert(id, index(i as u32));
        out.push(part(&path, item)?);
    }
    Ok((out, ids))
}

/// Appends `n` (and its elder `e`, when given) to `problem`, validated as [`validate`]
/// would, with paths `needs[k]` and `elders[m]` at the indices they take. On error
/// nothing is changed. A pinned need is refused: pins are fixed before the day starts.
fn push_need(problem: &mut Problem, n: NeedInput, e: Option<ElderInput>) -> R<NeedIdx> {
    let root = FieldPath::root();
    let k = problem.needs.len();
    let path = root.key("needs").index(k);
    too_many(&root.key("needs"), k + 1, MAX_NEEDS)?;
    new_id(&path.key("id"), &n.id, &problem.need_ids, "need")?;
    if n.pinned.is_some() {
        return Err(Error::invalid(
            &path.key("pinned"),
            "a need added to a running plan cannot be pinned",
        ));
    }
    if n.visits.unwrap_or(1) != 1 {
        return Err(Error::invalid(
            &path.key("visits"),
            "a need added to a running plan has one visit",
        ));
    }
    let mut elders_added = None;
    if let Some(e) = e {
        let m = problem.elders.len();
        let epath = root.key("elders").index(m);
        too_many(&root.key("elders"), m + 1, MAX_ELDERS)?;
        new_id(&epath.key("id"), &e.id, &problem.lookup.elder_ids, "elder")?;
        let ctx = Ctx {
            travel: &problem.travel,
        };
        let id = e.id.clone();
        let elder = parts::elder(&ctx, &epath, e, &problem.provider_ids)?;
        problem
            .lookup
            .elder_ids
            .insert(id.clone(), ElderIdx(m as u32));
        problem.places.push_elder(elder.location);
        problem.elders.push(elder);
        elders_added = Some(id);
    }
    let mut skills = std::mem::take(&mut problem.lookup.skills);
    let known = skills.names.len();
    let tables = parts::Tables {
        elder_ids: &problem.lookup.elder_ids,
        elders: &problem.elders,
        services: &problem.lookup.services,
        provider_ids: &problem.provider_ids,
    };
    let result = parts::need(&path, n, &tables, &mut skills);
    match result {
        Ok(need) => {
            problem.skills.extend(skills.names[known..].iter().cloned());
            problem.lookup.skills = skills;
            problem.need_ids.insert(need.id.clone(), NeedIdx(k as u32));
            problem.soft |= need.late_by > 0;
            problem.needs.push(need);
            Ok(NeedIdx(k as u32))
        }
        Err(err) => {
            problem.lookup.skills = skills;
            if let Some(id) = elders_added {
                problem.lookup.elder_ids.remove(&id);
                problem.elders.pop();
                problem.places.pop_elder();
            }
            Err(err)
        }
    }
}
