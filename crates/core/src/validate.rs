//! Validation: from the wire's [`ProblemInput`] to the engine's [`Problem`].
//!
//! Every rule returns an [`Error`] naming the field path (`needs[12].windows[0]`) and
//! nothing else: there is no partial problem. Rules, in the order they are checked:
//! travel (metric-specific fields, matrix square and in range), services (unique ids,
//! bounded values), providers (unique ids, kind, skills, level, locations, shifts not
//! empty or inverted, speeds, limits), elders (unique ids, location in range and finite,
//! profile, `prefers`/`avoids` naming known providers), needs (unique ids, known elder,
//! duration known and bounded, windows not empty or inverted, priority 0..=100,
//! `caregivers` 1 or 2, load), pins (provider known and qualified, start inside a
//! window and reachable within a shift, pins of one provider not overlapping), options.
//! Sizes are bounded by [`crate::limits`].

use std::collections::{HashMap, HashSet};

use crate::catalogue;
use crate::error::{Error, FieldPath};
use crate::limits::*;
use crate::model::*;
use crate::priority::default_priority;
use crate::travel::{mode_speed_kmh, Point, Travel};
use crate::wire::{Location, Metric, ProblemInput};

type R<T> = Result<T, Error>;

pub(crate) fn validate(input: ProblemInput) -> R<Problem> {
    let root = FieldPath::root();
    let travel = travel(&root.key("travel"), input.travel.unwrap_or_default())?;
    let metric = match travel {
        Travel::Haversine { .. } => Metric::Haversine,
        Travel::Euclidean { .. } => Metric::Euclidean,
        Travel::Matrix { .. } => Metric::Matrix,
    };
    let ctx = Ctx {
        travel: &travel,
        metric,
    };

    let services = services(&root.key("services"), &input.services)?;
    let mut skills = Interner::default();

    // Providers.
    let ppath = root.key("providers");
    too_many(&ppath, input.providers.len(), MAX_PROVIDERS)?;
    let mut provider_ids = HashMap::with_capacity(input.providers.len());
    let mut providers = Vec::with_capacity(input.providers.len());
    for (i, p) in input.providers.into_iter().enumerate() {
        let path = ppath.index(i);
        id(&path.key("id"), &p.id)?;
        if provider_ids
            .insert(p.id.clone(), ProviderIdx(i as u32))
            .is_some()
        {
            return Err(Error::invalid(
                &path.key("id"),
                format!("duplicate provider id '{}'", p.id),
            ));
        }
        too_many(&path.key("skills"), p.skills.len(), MAX_SKILLS)?;
        let mut sk = Vec::with_capacity(p.skills.len());
        for (j, s) in p.skills.iter().enumerate() {
            id(&path.key("skills").index(j), s)?;
            sk.push(skills.get(s));
        }
        sk.sort_unstable();
        sk.dedup();
        let level = bounded(&path.key("level"), p.level.unwrap_or(0), 0, MAX_LEVEL)? as u32;
        let start = ctx.location(&path.key("start"), &p.start)?;
        let end = match &p.end {
            Some(e) => ctx.location(&path.key("end"), e)?,
            None => start,
        };
        let shifts = intervals(&path.key("shifts"), &p.shifts, MAX_SHIFTS, false)?;
        let speed = match ctx.travel {
            Travel::Haversine { .. } => match p.speed_kmh {
                Some(s) => {
                    if !(s.is_finite() && s > 0.0 && s <= MAX_SPEED_KMH) {
                        return Err(Error::invalid(
                            &path.key("speed_kmh"),
                            format!("{s} is not a speed in (0, {MAX_SPEED_KMH}] km/h"),
                        ));
                    }
                    s
                }
                None => mode_speed_kmh(p.mode),
            },
            Travel::Euclidean { speed } => {
                only_haversine(&path.key("speed_kmh"), p.speed_kmh.is_some())?;
                *speed
            }
            Travel::Matrix { .. } => {
                only_haversine(&path.key("speed_kmh"), p.speed_kmh.is_some())?;
                1.0
            }
        };
        let max_visits = opt_bounded(&path.key("max_visits"), p.max_visits, 0, MAX_COUNT)?
            .map(|v| v.min(i64::from(u32::MAX)) as u32);
        let max_work = opt_bounded(&path.key("max_work"), p.max_work, 0, MAX_WORK)?;
        let capacity = opt_bounded(&path.key("capacity"), p.capacity, 0, MAX_COUNT)?;
        providers.push(Provider {
            id: p.id,
            kind: p.kind,
            skills: sk,
            level,
            gender: p.gender,
            start,
            end,
            shifts,
            speed,
            max_visits,
            max_work,
            capacity,
        });
    }

    // Elders.
    let epath = root.key("elders");
    too_many(&epath, input.elders.len(), MAX_ELDERS)?;
    let mut elder_ids: HashMap<String, ElderIdx> = HashMap::with_capacity(input.elders.len());
    let mut elders = Vec::with_capacity(input.elders.len());
    for (i, e) in input.elders.into_iter().enumerate() {
        let path = epath.index(i);
        id(&path.key("id"), &e.id)?;
        if elder_ids.insert(e.id.clone(), ElderIdx(i as u32)).is_some() {
            return Err(Error::invalid(
                &path.key("id"),
                format!("duplicate elder id '{}'", e.id),
            ));
        }
        elders.push(elder(&ctx, &path, e, &provider_ids)?);
    }

    // Needs.
    let npath = root.key("needs");
    too_many(&npath, input.needs.len(), MAX_NEEDS)?;
    let mut need_ids = HashMap::with_capacity(input.needs.len());
    let mut needs = Vec::with_capacity(input.needs.len());
    let mut pins: Vec<(NeedIdx, FieldPath)> = Vec::new();
    for (i, n) in input.needs.into_iter().enumerate() {
        let path = npath.index(i);
        id(&path.key("id"), &n.id)?;
        if need_ids.insert(n.id.clone(), NeedIdx(i as u32)).is_some() {
            return Err(Error::invalid(
                &path.key("id"),
                format!("duplicate need id '{}'", n.id),
            ));
        }
        let tables = Tables {
            elder_ids: &elder_ids,
            elders: &elders,
            services: &services,
            provider_ids: &provider_ids,
        };
        let (need, pin) = need(&path, n, &tables, &mut skills)?;
        if let Some(pp) = pin {
            pins.push((NeedIdx(i as u32), pp));
        }
        needs.push(need);
    }

    let options = options(&root.key("options"), input.options.unwrap_or_default())?;
    let symmetric = travel.is_symmetric();
    let problem = Problem {
        symmetric,
        travel,
        elders,
        needs,
        providers,
        skills: skills.names.clone(),
        options,
        need_ids,
        provider_ids,
        lookup: Lookup {
            services,
            elder_ids,
            skills,
        },
    };
    check_pins(&problem, &pins)?;
    Ok(problem)
}

/// What validation looked up, kept for [`push_need`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Lookup {
    services: Services,
    elder_ids: HashMap<String, ElderIdx>,
    skills: Interner,
}

/// Appends `n` (and its elder `e`, when given) to `problem`, validated as [`validate`]
/// would, with paths `needs[k]` and `elders[m]` at the indices they take. On error
/// nothing is changed. A pinned need is refused: pins are fixed before the day starts.
pub(crate) fn push_need(
    problem: &mut Problem,
    n: crate::wire::NeedInput,
    e: Option<crate::wire::ElderInput>,
) -> R<NeedIdx> {
    let root = FieldPath::root();
    let k = problem.needs.len();
    let path = root.key("needs").index(k);
    too_many(&root.key("needs"), k + 1, MAX_NEEDS)?;
    id(&path.key("id"), &n.id)?;
    if problem.need_ids.contains_key(&n.id) {
        return Err(Error::invalid(
            &path.key("id"),
            format!("duplicate need id '{}'", n.id),
        ));
    }
    if n.pinned.is_some() {
        return Err(Error::invalid(
            &path.key("pinned"),
            "a need added to a running plan cannot be pinned",
        ));
    }
    let mut elders_added = None;
    if let Some(e) = e {
        let m = problem.elders.len();
        let epath = root.key("elders").index(m);
        too_many(&root.key("elders"), m + 1, MAX_ELDERS)?;
        id(&epath.key("id"), &e.id)?;
        if problem.lookup.elder_ids.contains_key(&e.id) {
            return Err(Error::invalid(
                &epath.key("id"),
                format!("duplicate elder id '{}'", e.id),
            ));
        }
        let metric = match problem.travel {
            Travel::Haversine { .. } => Metric::Haversine,
            Travel::Euclidean { .. } => Metric::Euclidean,
            Travel::Matrix { .. } => Metric::Matrix,
        };
        let ctx = Ctx {
            travel: &problem.travel,
            metric,
        };
        let id = e.id.clone();
        let elder = elder(&ctx, &epath, e, &problem.provider_ids)?;
        problem
            .lookup
            .elder_ids
            .insert(id.clone(), ElderIdx(m as u32));
        problem.elders.push(elder);
        elders_added = Some(id);
    }
    let mut skills = std::mem::take(&mut problem.lookup.skills);
    let known = skills.names.len();
    let tables = Tables {
        elder_ids: &problem.lookup.elder_ids,
        elders: &problem.elders,
        services: &problem.lookup.services,
        provider_ids: &problem.provider_ids,
    };
    let result = need(&path, n, &tables, &mut skills);
    match result {
        Ok((need, _)) => {
            problem.skills.extend(skills.names[known..].iter().cloned());
            problem.lookup.skills = skills;
            problem.need_ids.insert(need.id.clone(), NeedIdx(k as u32));
            problem.needs.push(need);
            Ok(NeedIdx(k as u32))
        }
        Err(err) => {
            problem.lookup.skills = skills;
            if let Some(id) = elders_added {
                problem.lookup.elder_ids.remove(&id);
                problem.elders.pop();
            }
            Err(err)
        }
    }
}

/// Undoes the last [`push_need`]: removes the last need, and the last elder when
/// `with_elder` (skills it named stay interned; no provider has them).
pub(crate) fn pop_need(problem: &mut Problem, with_elder: bool) {
    if let Some(n) = problem.needs.pop() {
        problem.need_ids.remove(&n.id);
    }
    if with_elder {
        if let Some(e) = problem.elders.pop() {
            problem.lookup.elder_ids.remove(&e.id);
        }
    }
}

/// One elder (its id's uniqueness is the caller's).
fn elder(
    ctx: &Ctx,
    path: &FieldPath,
    e: crate::wire::ElderInput,
    provider_ids: &HashMap<String, ProviderIdx>,
) -> R<Elder> {
    let location = ctx.location(&path.key("location"), &e.location)?;
    if let Some(a) = &e.area {
        id(&path.key("area"), a)?;
    }
    let profile = e.profile.unwrap_or_default();
    opt_bounded(&path.key("profile").key("age"), profile.age, 0, MAX_AGE)?;
    opt_bounded(
        &path.key("profile").key("ability_level"),
        profile.ability_level,
        0,
        4,
    )?;
    let prefers = provider_refs(&path.key("prefers"), &e.prefers, provider_ids)?;
    let mut avoids = provider_refs(&path.key("avoids"), &e.avoids, provider_ids)?;
    avoids.sort_unstable();
    avoids.dedup();
    Ok(Elder {
        id: e.id,
        location,
        area: e.area,
        profile,
        prefers,
        avoids,
        caregiver_gender: e.caregiver_gender,
    })
}

/// What validating a need looks up.
struct Tables<'a> {
    elder_ids: &'a HashMap<String, ElderIdx>,
    elders: &'a [Elder],
    services: &'a Services,
    provider_ids: &'a HashMap<String, ProviderIdx>,
}

/// One need (its id's uniqueness is the caller's), and the path of its pin when it has
/// one (pins are checked once every need is known).
fn need(
    path: &FieldPath,
    n: crate::wire::NeedInput,
    t: &Tables,
    skills: &mut Interner,
) -> R<(Need, Option<FieldPath>)> {
    let mut pin_path = None;
    let elder = *t.elder_ids.get(&n.elder).ok_or_else(|| {
        Error::invalid(&path.key("elder"), format!("unknown elder '{}'", n.elder))
    })?;
    id(&path.key("service"), &n.service)?;
    let svc = t.services.resolve(&n.service);
    let duration = match n.duration.or(svc.duration) {
        Some(d) => bounded(&path.key("duration"), d, 0, MAX_DURATION)?,
        None => {
            return Err(Error::invalid(
                &path.key("duration"),
                format!(
                    "service '{}' is not in the catalogue and has no duration; give one here or in `services`",
                    n.service
                ),
            ))
        }
    };
    let windows = intervals(&path.key("windows"), &n.windows, MAX_WINDOWS, true)?;
    let priority = match n.priority {
        Some(p) => bounded(&path.key("priority"), p, 0, 100)? as u32,
        None => default_priority(&n.service, &t.elders[elder.ix()].profile),
    };
    too_many(&path.key("skills"), n.skills.len(), MAX_SKILLS)?;
    let mut required = vec![skills.get(&n.service)];
    for (j, s) in n.skills.iter().enumerate() {
        id(&path.key("skills").index(j), s)?;
        required.push(skills.get(s));
    }
    required.sort_unstable();
    required.dedup();
    let min_level = match n.min_level {
        Some(l) => bounded(&path.key("min_level"), l, 0, MAX_LEVEL)? as u32,
        None => svc.min_level,
    };
    let caregivers = match n.caregivers.unwrap_or(1) {
        c @ (1 | 2) => c as u8,
        c => {
            return Err(Error::invalid(
                &path.key("caregivers"),
                format!("{c} caregivers: must be 1 or 2"),
            ))
        }
    };
    let load = bounded(&path.key("load"), n.load.unwrap_or(0), 0, MAX_COUNT)?;
    let pinned = match &n.pinned {
        None => None,
        Some(pin) => {
            let pp = path.key("pinned");
            let provider = *t.provider_ids.get(&pin.provider).ok_or_else(|| {
                Error::invalid(
                    &pp.key("provider"),
                    format!("unknown provider '{}'", pin.provider),
                )
            })?;
            if !windows.iter().any(|w| w.contains(pin.start)) {
                return Err(Error::invalid(
                    &pp.key("start"),
                    format!("pinned start {} is outside the need's windows", pin.start),
                ));
            }
            pin_path = Some(pp);
            Some(Pin {
                provider,
                start: pin.start,
            })
        }
    };
    let need = Need {
        id: n.id,
        elder,
        service: n.service,
        required,
        duration,
        windows,
        priority,
        min_level,
        volunteer_ok: svc.volunteer_ok,
        caregivers,
        load,
        pinned,
    };
    Ok((need, pin_path))
}

struct Ctx<'a> {
    travel: &'a Travel,
    metric: Metric,
}

impl Ctx<'_> {
    fn location(&self, path: &FieldPath, loc: &Location) -> R<Point> {
        match (self.metric, loc) {
            (Metric::Haversine, Location::Point([lon, lat])) => {
                if !(lon.is_finite() && (-180.0..=180.0).contains(lon)) {
                    return Err(Error::invalid(
                        &path.index(0),
                        format!("longitude {lon} is not in [-180, 180]"),
                    ));
                }
                if !(lat.is_finite() && (-90.0..=90.0).contains(lat)) {
                    return Err(Error::invalid(
                        &path.index(1),
                        format!("latitude {lat} is not in [-90, 90]"),
                    ));
                }
                Ok(Point::geo(*lon, *lat))
            }
            (Metric::Euclidean, Location::Point([x, y])) => {
                for (k, v) in [x, y].into_iter().enumerate() {
                    if !(v.is_finite() && v.abs() <= MAX_PLANE_COORD) {
                        return Err(Error::invalid(
                            &path.index(k),
                            format!("coordinate {v} is not finite or beyond ±{MAX_PLANE_COORD}"),
                        ));
                    }
                }
                Ok(Point::Plane { x: *x, y: *y })
            }
            (Metric::Matrix, Location::Index(i)) => {
                let n = match self.travel {
                    Travel::Matrix { n, .. } => *n as u64,
                    _ => 0,
                };
                if *i >= n {
                    return Err(Error::invalid(
                        path,
                        format!("matrix index {i} is out of range (the matrix has {n} rows)"),
                    ));
                }
                Ok(Point::Index(*i as u32))
            }
            (Metric::Matrix, Location::Point(_)) => Err(Error::invalid(
                path,
                "the travel metric is matrix: a location is an index into travel.durations",
            )),
            (_, Location::Index(_)) => Err(Error::invalid(
                path,
                "a matrix index needs travel.metric \"matrix\"; give [lon, lat] or [x, y]",
            )),
        }
    }
}

fn travel(path: &FieldPath, t: crate::wire::TravelInput) -> R<Travel> {
    let forbid = |field: &str, present: bool, metric: &str| -> R<()> {
        if present {
            Err(Error::invalid(
                &path.key(field),
                format!("`{field}` is for the {metric} metric only"),
            ))
        } else {
            Ok(())
        }
    };
    match t.metric {
        Metric::Haversine => {
            forbid("speed", t.speed.is_some(), "euclidean")?;
            forbid("durations", t.durations.is_some(), "matrix")?;
            let detour = t.detour.unwrap_or(1.3);
            if !(detour.is_finite() && detour >= DETOUR_RANGE.0 && detour <= DETOUR_RANGE.1) {
                return Err(Error::invalid(
                    &path.key("detour"),
                    format!(
                        "detour {detour} is not in [{}, {}]",
                        DETOUR_RANGE.0, DETOUR_RANGE.1
                    ),
                ));
            }
            Ok(Travel::Haversine { detour })
        }
        Metric::Euclidean => {
            forbid("detour", t.detour.is_some(), "haversine")?;
            forbid("durations", t.durations.is_some(), "matrix")?;
            let speed = t.speed.unwrap_or(1.0);
            if !(speed.is_finite() && speed > 0.0 && speed <= MAX_PLANE_COORD) {
                return Err(Error::invalid(
                    &path.key("speed"),
                    format!("speed {speed} must be positive and finite"),
                ));
            }
            Ok(Travel::Euclidean { speed })
        }
        Metric::Matrix => {
            forbid("detour", t.detour.is_some(), "haversine")?;
            forbid("speed", t.speed.is_some(), "euclidean")?;
            let dpath = path.key("durations");
            let rows = t
                .durations
                .ok_or_else(|| Error::invalid(&dpath, "the matrix metric needs `durations`"))?;
            let n = rows.len();
            too_many(&dpath, n, MAX_MATRIX)?;
            let mut seconds = Vec::with_capacity(n * n);
            for (i, row) in rows.iter().enumerate() {
                if row.len() != n {
                    return Err(Error::invalid(
                        &dpath.index(i),
                        format!(
                            "row has {} entries; the matrix is not square ({n} rows)",
                            row.len()
                        ),
                    ));
                }
                for (j, &v) in row.iter().enumerate() {
                    seconds
                        .push(bounded(&dpath.index(i).index(j), v, 0, MAX_MATRIX_SECONDS)? as u32);
                }
            }
            Ok(Travel::Matrix { n, seconds })
        }
    }
}

#[derive(Debug, Clone)]
struct ServiceRule {
    duration: Option<i64>,
    min_level: u32,
    volunteer_ok: bool,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Services(HashMap<String, ServiceRule>);

impl Services {
    /// The effective rule for `service`: override, else catalogue, else custom defaults
    /// (no duration, level 0, volunteers not allowed).
    fn resolve(&self, service: &str) -> ServiceRule {
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
        }
    }
}

fn services(path: &FieldPath, list: &[crate::wire::ServiceInput]) -> R<Services> {
    too_many(path, list.len(), MAX_SERVICES)?;
    let mut map = HashMap::with_capacity(list.len());
    for (i, s) in list.iter().enumerate() {
        let p = path.index(i);
        id(&p.key("id"), &s.id)?;
        let base = catalogue::lookup(&s.id);
        let duration = opt_bounded(&p.key("duration"), s.duration, 0, MAX_DURATION)?;
        let min_level = opt_bounded(&p.key("min_level"), s.min_level, 0, MAX_LEVEL)?
            .map(|l| l as u32)
            .or(base.map(|b| b.min_level))
            .unwrap_or(0);
        let volunteer_ok = s
            .volunteer_ok
            .or(base.map(|b| b.volunteer_ok))
            .unwrap_or(false);
        let rule = ServiceRule {
            duration,
            min_level,
            volunteer_ok,
        };
        if map.insert(s.id.clone(), rule).is_some() {
            return Err(Error::invalid(
                &p.key("id"),
                format!("duplicate service id '{}'", s.id),
            ));
        }
    }
    Ok(Services(map))
}

fn options(path: &FieldPath, o: crate::wire::OptionsInput) -> R<Options> {
    let d = Options::default();
    Ok(Options {
        time_limit_ms: opt_bounded(
            &path.key("time_limit_ms"),
            o.time_limit_ms,
            0,
            MAX_TIME_LIMIT_MS,
        )?
        .map_or(d.time_limit_ms, |v| v as u64),
        threads: opt_bounded(&path.key("threads"), o.threads, 0, MAX_THREADS)?
            .map_or(d.threads, |v| v as usize),
        seed: o.seed.unwrap_or(d.seed),
        candidates: opt_bounded(&path.key("candidates"), o.candidates, 0, MAX_CANDIDATES)?
            .map_or(d.candidates, |v| v as usize),
        iterations: opt_bounded(&path.key("iterations"), o.iterations, 0, MAX_ITERATIONS)?
            .map(|v| v as u64),
    })
}

/// A pinned need must be servable by its provider as pinned: qualified (rule 2), its
/// visit reachable inside one of the provider's shifts, and not overlapping the
/// provider's other pins (with travel between them), within `max_visits`, `max_work`
/// and `capacity`.
fn check_pins(problem: &Problem, pins: &[(NeedIdx, FieldPath)]) -> R<()> {
    type Pins<'a> = Vec<(i64, NeedIdx, &'a FieldPath)>;
    let mut by_route: HashMap<(ProviderIdx, usize), Pins> = HashMap::new();
    let mut visits: HashMap<ProviderIdx, i64> = HashMap::new();
    for (n, path) in pins {
        let need = problem.need(*n);
        let Some(pin) = need.pinned else { continue };
        let p = pin.provider;
        if let Some(why) = problem.disqualification(p, *n) {
            return Err(Error::invalid(
                &path.key("provider"),
                format!(
                    "provider '{}' may not serve this need: {why:?}",
                    problem.provider(p).id
                ),
            ));
        }
        let prov = problem.provider(p);
        let here = problem.need_location(*n);
        let shift = prov.shifts.iter().position(|s| {
            s.open + problem.travel_time(p, &prov.start, here) <= pin.start
                && pin.start + need.duration + problem.travel_time(p, here, &prov.end) <= s.close
        });
        let Some(shift) = shift else {
            return Err(Error::invalid(
                &path.key("start"),
                format!(
                    "provider '{}' cannot reach the elder by {} and return within any shift",
                    prov.id, pin.start
                ),
            ));
        };
        if need.caregivers == 2 {
            let at = [Window {
                open: pin.start,
                close: pin.start,
            }];
            let partner = (0..problem.providers().len() as u32)
                .map(ProviderIdx)
                .any(|q| {
                    q != p
                        && problem.disqualification(q, *n).is_none()
                        && problem.provider(q).capacity.is_none_or(|c| need.load <= c)
                        && problem.provider(q).max_visits != Some(0)
                        && (0..problem.provider(q).shifts.len())
                            .any(|s| crate::feasibility::reachable(problem, q, s, *n, &at))
                });
            if !partner {
                return Err(Error::invalid(
                    &path.key("start"),
                    format!(
                        "two carers needed; no second qualified provider can join '{}' at {}",
                        prov.id, pin.start
                    ),
                ));
            }
        }
        by_route
            .entry((p, shift))
            .or_default()
            .push((pin.start, *n, path));
        *visits.entry(p).or_default() += 1;
    }
    let mut work: HashMap<ProviderIdx, i64> = HashMap::new();
    let mut keys: Vec<_> = by_route.keys().copied().collect();
    keys.sort_unstable();
    for key in keys {
        let (p, _) = key;
        let prov = problem.provider(p);
        let list = by_route.get_mut(&key).expect("key from the map");
        list.sort_unstable_by_key(|&(t, n, _)| (t, n));
        let mut load = 0;
        let mut w = 0;
        let mut prev: Option<(i64, &crate::travel::Point)> = None;
        let mut here_last = &prov.start;
        for &(start, n, path) in list.iter() {
            let need = problem.need(n);
            let here = problem.need_location(n);
            let leg = problem.travel_time(p, here_last, here);
            if let Some((end, _)) = prev {
                if end + leg > start {
                    return Err(Error::invalid(
                        &path.key("start"),
                        format!(
                            "provider '{}' cannot reach this pinned visit at {start} after its previous pinned visit",
                            prov.id
                        ),
                    ));
                }
            }
            load += need.load;
            w += leg + need.duration;
            prev = Some((start + need.duration, here));
            here_last = here;
        }
        w += problem.travel_time(p, here_last, &prov.end);
        *work.entry(p).or_default() += w;
        let path = list[0].2;
        if prov.capacity.is_some_and(|c| load > c) {
            return Err(Error::invalid(
                path,
                format!("pinned loads exceed provider '{}' capacity", prov.id),
            ));
        }
        if prov.max_work.is_some_and(|m| work[&p] > m) {
            return Err(Error::invalid(
                path,
                format!("pinned visits exceed provider '{}' max_work", prov.id),
            ));
        }
        if prov.max_visits.is_some_and(|m| visits[&p] > i64::from(m)) {
            return Err(Error::invalid(
                path,
                format!("pinned visits exceed provider '{}' max_visits", prov.id),
            ));
        }
    }
    Ok(())
}

/// Skill names to ids, in order of first use.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    ids: HashMap<String, SkillId>,
    names: Vec<String>,
}

impl Interner {
    fn get(&mut self, s: &str) -> SkillId {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = SkillId(self.names.len() as u32);
        self.ids.insert(s.to_owned(), id);
        self.names.push(s.to_owned());
        id
    }
}

fn id(path: &FieldPath, s: &str) -> R<()> {
    if s.is_empty() {
        return Err(Error::invalid(path, "must be a non-empty string"));
    }
    if s.len() > MAX_ID_LEN {
        return Err(Error::invalid(
            path,
            format!("is {} bytes long; the limit is {MAX_ID_LEN}", s.len()),
        ));
    }
    Ok(())
}

fn too_many(path: &FieldPath, len: usize, max: usize) -> R<()> {
    if len > max {
        Err(Error::invalid(
            path,
            format!("has {len} entries; the limit is {max}"),
        ))
    } else {
        Ok(())
    }
}

fn bounded(path: &FieldPath, v: i64, lo: i64, hi: i64) -> R<i64> {
    if v < lo || v > hi {
        Err(Error::invalid(path, format!("{v} is not in [{lo}, {hi}]")))
    } else {
        Ok(v)
    }
}

fn opt_bounded(path: &FieldPath, v: Option<i64>, lo: i64, hi: i64) -> R<Option<i64>> {
    v.map(|v| bounded(path, v, lo, hi)).transpose()
}

fn only_haversine(path: &FieldPath, present: bool) -> R<()> {
    if present {
        Err(Error::invalid(
            path,
            "`speed_kmh` is for the haversine metric only",
        ))
    } else {
        Ok(())
    }
}

fn provider_refs(
    path: &FieldPath,
    ids: &[String],
    known: &HashMap<String, ProviderIdx>,
) -> R<Vec<ProviderIdx>> {
    too_many(path, ids.len(), MAX_PREFERENCES)?;
    let mut seen = HashSet::with_capacity(ids.len());
    let mut out = Vec::with_capacity(ids.len());
    for (i, s) in ids.iter().enumerate() {
        let p = *known
            .get(s)
            .ok_or_else(|| Error::invalid(&path.index(i), format!("unknown provider '{s}'")))?;
        if seen.insert(p) {
            out.push(p);
        }
    }
    Ok(out)
}

/// Windows or shifts: at least one, none inverted, in `[0, MAX_TIME]`; returned sorted
/// and, when `merge`, with overlapping or touching intervals merged (shifts keep the
/// caller's order because routes refer to them by index).
fn intervals(path: &FieldPath, list: &[[i64; 2]], max: usize, merge: bool) -> R<Vec<Window>> {
    if list.is_empty() {
        return Err(Error::invalid(
            path,
            "needs at least one [start, end] interval",
        ));
    }
    too_many(path, list.len(), max)?;
    let mut out = Vec::with_capacity(list.len());
    for (i, &[a, b]) in list.iter().enumerate() {
        let p = path.index(i);
        bounded(&p.index(0), a, 0, MAX_TIME)?;
        bounded(&p.index(1), b, 0, MAX_TIME)?;
        if a > b {
            return Err(Error::invalid(&p, format!("start {a} is after end {b}")));
        }
        out.push(Window { open: a, close: b });
    }
    if merge {
        out.sort_unstable();
        let mut merged: Vec<Window> = Vec::with_capacity(out.len());
        for w in out {
            match merged.last_mut() {
                Some(last) if w.open <= last.close.saturating_add(1) => {
                    last.close = last.close.max(w.close)
                }
                _ => merged.push(w),
            }
        }
        out = merged;
    }
    Ok(out)
}
