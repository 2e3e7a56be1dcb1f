//! The parts of a problem, one function each: travel, services, providers, elders,
//! needs, options. Each validates its input at the path it is given and returns the
//! model's form of it; uniqueness of ids and cross-references are the caller's.

use std::collections::HashMap;

use super::fields::*;
use super::R;
use crate::catalogue;
use crate::error::{Error, FieldPath};
use crate::limits::*;
use crate::model::*;
use crate::priority::default_priority;
use crate::travel::{mode_speed_kmh, Point, Travel};
use crate::wire::{Location, Metric};

/// One elder (its id's uniqueness is the caller's).
pub(super) fn elder(
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
    let walk_limit = opt_bounded(&path.key("walk_limit"), e.walk_limit, 0, MAX_DURATION)?;
    let budget = opt_bounded(&path.key("budget"), e.budget, 0, MAX_MONEY)?;
    let primary = match &e.primary {
        Some(id) => Some(*provider_ids.get(id).ok_or_else(|| {
            Error::invalid(&path.key("primary"), format!("unknown provider '{id}'"))
        })?),
        None if e.primary_only => {
            return Err(Error::invalid(
                &path.key("primary_only"),
                "is true, but the elder has no primary carer",
            ))
        }
        None => None,
    };
    if let Some(a) = &e.time_bank_account {
        id(&path.key("time_bank_account"), a)?;
    }
    let mut trusted = prefers.clone();
    trusted.sort_unstable();
    trusted.retain(|p| avoids.binary_search(p).is_err());
    Ok(Elder {
        known: Vec::new(),
        trusted,
        primary,
        primary_only: e.primary_only,
        time_bank_account: e.time_bank_account,
        walk_limit: walk_limit.unwrap_or(0),
        budget,
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
pub(super) struct Tables<'a> {
    pub(super) elder_ids: &'a HashMap<String, ElderIdx>,
    pub(super) elders: &'a [Elder],
    pub(super) services: &'a Services,
    pub(super) provider_ids: &'a HashMap<String, ProviderIdx>,
}

/// One need (its id's uniqueness is the caller's; its pin is checked once every need is
/// known, see `pins.rs`).
pub(super) fn need(
    path: &FieldPath,
    n: crate::wire::NeedInput,
    t: &Tables,
    skills: &mut Interner,
) -> R<Need> {
    let elder = *t.elder_ids.get(&n.elder).ok_or_else(|| {
        Error::invalid(&path.key("elder"), format!("unknown elder '{}'", n.elder))
    })?;
    id(&path.key("service"), &n.service)?;
    let svc = t.services.resolve(&n.service);
    let duration = duration(path, &n, &svc)?;
    let windows = intervals(&path.key("windows"), &n.windows, MAX_WINDOWS, true)?;
    let late_by = bounded(
        &path.key("late_by"),
        n.late_by.unwrap_or(0),
        0,
        MAX_DURATION,
    )?;
    let soft = soft_windows(&windows, late_by);
    let response_within = opt_bounded(
        &path.key("response_within"),
        n.response_within,
        1,
        MAX_RESPONSE,
    )?;
    let windows_len = windows.len() as u16;
    let priority = match n.priority {
        Some(p) => bounded(&path.key("priority"), p, 0, 100)? as u32,
        None => default_priority(&n.service, &t.elders[elder.ix()].profile),
    };
    let required = required_skills(path, &n, skills)?;
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
        Some(pin) => Some(pin_of(
            path,
            pin,
            t,
            if soft.is_empty() { &windows } else { &soft },
        )?),
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
        late_by,
        response_within,
        link: None,
        price: svc.price,
        part: (0, windows_len),
        soft,
        series: None,
    };
    Ok(need)
}

/// A need's duration: its own, or its service's.
fn duration(path: &FieldPath, n: &crate::wire::NeedInput, svc: &ServiceRule) -> R<i64> {
    match n.duration.or(svc.duration) {
        Some(d) => bounded(&path.key("duration"), d, 0, MAX_DURATION),
        None => Err(Error::invalid(
            &path.key("duration"),
            format!(
                "service '{}' is not in the catalogue and has no duration; give one here or in `services`",
                n.service
            ),
        )),
    }
}

/// Every skill a need requires: its service and its extra skills, sorted, unique.
fn required_skills(
    path: &FieldPath,
    n: &crate::wire::NeedInput,
    skills: &mut Interner,
) -> R<Vec<SkillId>> {
    too_many(&path.key("skills"), n.skills.len(), MAX_SKILLS)?;
    let mut required = vec![skills.get(&n.service)];
    for (j, s) in n.skills.iter().enumerate() {
        id(&path.key("skills").index(j), s)?;
        required.push(skills.get(s));
    }
    required.sort_unstable();
    required.dedup();
    Ok(required)
}

/// A need's pin: a known provider, a start among the need's allowed `starts`.
fn pin_of(
    path: &FieldPath,
    pin: &crate::wire::PinnedInput,
    t: &Tables,
    starts: &[Window],
) -> R<Pin> {
    let pp = path.key("pinned");
    let provider = *t.provider_ids.get(&pin.provider).ok_or_else(|| {
        Error::invalid(
            &pp.key("provider"),
            format!("unknown provider '{}'", pin.provider),
        )
    })?;
    if !starts.iter().any(|w| w.contains(pin.start)) {
        return Err(Error::invalid(
            &pp.key("start"),
            format!("pinned start {} is outside the need's windows", pin.start),
        ));
    }
    Ok(Pin {
        provider,
        start: pin.start,
    })
}

/// A need's visits, when more than one: how many, `min_gap`, `all_visits`.
pub(super) type Visits = (u32, i64, bool);

/// How many visits need `n` asks for, and when more than one, its `min_gap` and
/// `all_visits`. A need of several visits has one carer, no pin and no `late_by`
/// (each visit's window is then the window it starts in).
pub(super) fn visits(path: &FieldPath, n: &crate::wire::NeedInput) -> R<Option<Visits>> {
    let visits = bounded(&path.key("visits"), n.visits.unwrap_or(1), 1, MAX_VISITS)? as u32;
    let min_gap = bounded(&path.key("min_gap"), n.min_gap.unwrap_or(0), 0, MAX_TIME)?;
    if visits == 1 {
        return Ok(None);
    }
    let refuse = |key: &str, what: &str| {
        Err(Error::invalid(
            &path.key(key),
            format!(
                "a need of several visits cannot have {what} (give one need per visit instead)"
            ),
        ))
    };
    if n.caregivers.unwrap_or(1) != 1 {
        return refuse("caregivers", "two caregivers");
    }
    if n.pinned.is_some() {
        return refuse("pinned", "a pin");
    }
    if n.late_by.unwrap_or(0) != 0 {
        return refuse("late_by", "soft windows");
    }
    Ok(Some((visits, min_gap, n.all_visits.unwrap_or(false))))
}

/// The windows each extended by `late_by` and merged: the allowed starts of a need
/// with soft windows (none when `late_by` is 0).
fn soft_windows(windows: &[Window], late_by: i64) -> Vec<Window> {
    if late_by == 0 {
        return Vec::new();
    }
    let mut out: Vec<Window> = Vec::with_capacity(windows.len());
    for w in windows {
        let close = w.close.saturating_add(late_by);
        match out.last_mut() {
            Some(last) if w.open <= last.close.saturating_add(1) => {
                last.close = last.close.max(close)
            }
            _ => out.push(Window {
                open: w.open,
                close,
            }),
        }
    }
    out
}

/// One venue (its id's uniqueness is the caller's): a location, services and
/// sessions, each session's window and seats bounded.
pub(super) fn venue(ctx: &Ctx, path: &FieldPath, v: crate::wire::VenueInput) -> R<Venue> {
    let location = ctx.location(&path.key("location"), &v.location)?;
    if v.services.is_empty() {
        return Err(Error::invalid(
            &path.key("services"),
            "needs at least one service",
        ));
    }
    too_many(&path.key("services"), v.services.len(), MAX_SKILLS)?;
    for (j, s) in v.services.iter().enumerate() {
        id(&path.key("services").index(j), s)?;
    }
    let mut services = v.services;
    services.sort_unstable();
    services.dedup();
    if v.sessions.is_empty() {
        return Err(Error::invalid(
            &path.key("sessions"),
            "needs at least one session",
        ));
    }
    too_many(&path.key("sessions"), v.sessions.len(), MAX_SESSIONS)?;
    let mut sessions = Vec::with_capacity(v.sessions.len());
    for (j, s) in v.sessions.iter().enumerate() {
        let sp = path.key("sessions").index(j);
        let window = intervals(&sp.key("window"), &[s.window], 1, false)?[0];
        let seats = bounded(&sp.key("seats"), s.seats, 0, MAX_COUNT)? as u32;
        sessions.push(Session { window, seats });
    }
    Ok(Venue {
        id: v.id,
        location,
        services,
        sessions,
    })
}

/// How locations are read: by the problem's travel metric.
pub(super) struct Ctx<'a> {
    pub(super) travel: &'a Travel,
}

impl Ctx<'_> {
    pub(super) fn location(&self, path: &FieldPath, loc: &Location) -> R<Point> {
        match (self.travel.metric(), loc) {
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

pub(super) fn travel(path: &FieldPath, t: crate::wire::TravelInput) -> R<Travel> {
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

pub(super) fn services(path: &FieldPath, list: &[crate::wire::ServiceInput]) -> R<Services> {
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
        let price = opt_bounded(&p.key("price"), s.price, 0, MAX_MONEY)?.unwrap_or(0);
        let rule = ServiceRule {
            duration,
            min_level,
            volunteer_ok,
            price,
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

pub(super) fn options(path: &FieldPath, o: crate::wire::OptionsInput) -> R<Options> {
    let d = Options::default();
    let day_length = opt_bounded(&path.key("day_length"), o.day_length, 1, MAX_TIME)?;
    let day_start = opt_bounded(&path.key("day_start"), o.day_start, -MAX_TIME, MAX_TIME)?;
    Ok(Options {
        day_length,
        day_start: day_start.unwrap_or(0),
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
        weights: weights(&path.key("weights"), o.weights.unwrap_or_default())?,
        response_target: opt_bounded(
            &path.key("response_target"),
            o.response_target,
            1,
            MAX_RESPONSE,
        )?
        .unwrap_or(d.response_target),
        change_tolerance: opt_bounded(
            &path.key("change_tolerance"),
            o.change_tolerance,
            0,
            MAX_RESPONSE,
        )?
        .unwrap_or(d.change_tolerance),
        basic_first: o.basic_first.unwrap_or(d.basic_first),
    })
}

fn weights(path: &FieldPath, w: crate::wire::WeightsInput) -> R<Weights> {
    let d = Weights::default();
    let one = |key: &str, v: Option<i64>, dv: i64| {
        opt_bounded(&path.key(key), v, 0, MAX_WEIGHT).map(|v| v.unwrap_or(dv))
    };
    Ok(Weights {
        travel: one("travel", w.travel, d.travel)?,
        lateness: one("lateness", w.lateness, d.lateness)?,
        max_lateness: one("max_lateness", w.max_lateness, d.max_lateness)?,
        carer_changes: one("carer_changes", w.carer_changes, d.carer_changes)?,
        plan_changes: one("plan_changes", w.plan_changes, d.plan_changes)?,
        overtime: one("overtime", w.overtime, d.overtime)?,
        under_hours: one("under_hours", w.under_hours, d.under_hours)?,
        balance: one("balance", w.balance, d.balance)?,
        preferred: one("preferred", w.preferred, d.preferred)?,
        primary: one("primary", w.primary, d.primary)?,
    })
}

/// A provider's speed: its own or its mode's in km/h for haversine, the metric's
/// otherwise.
fn speed(ctx: &Ctx, path: &FieldPath, p: &crate::wire::ProviderInput) -> R<f64> {
    Ok(match ctx.travel {
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
    })
}

/// A provider's own prices by service, sorted by service.
fn prices(path: &FieldPath, p: &crate::wire::ProviderInput) -> R<Vec<(String, i64)>> {
    too_many(&path.key("prices"), p.prices.len(), MAX_SERVICES)?;
    let mut prices = Vec::with_capacity(p.prices.len());
    for (service, &price) in &p.prices {
        let at = path.key("prices").key(service);
        id(&at, service)?;
        prices.push((service.clone(), bounded(&at, price, 0, MAX_MONEY)?));
    }
    Ok(prices)
}

/// `history` (v1.2): every entry's elder and carer known, its time and rating in
/// bounds. A complaint not lifted adds the carer to the elder's `avoids` (never
/// overridden: rule 2 then keeps them apart); a visit not missed makes the carer known
/// to the elder; a mean rating of 4 or more makes the carer trusted
/// ([`Elder::known`], [`Elder::trusted`]: neither holds an avoided carer).
pub(super) fn history(
    path: &FieldPath,
    list: &[crate::wire::HistoryEntry],
    (elder_ids, provider_ids): (&HashMap<String, ElderIdx>, &HashMap<String, ProviderIdx>),
    elders: &mut [Elder],
) -> R<Vec<PastVisit>> {
    too_many(path, list.len(), MAX_HISTORY)?;
    let mut past = Vec::with_capacity(list.len());
    // (elder, carer) → (ratings summed, rated visits)
    let mut ratings: std::collections::BTreeMap<(u32, u32), (i64, i64)> = Default::default();
    for (i, h) in list.iter().enumerate() {
        let at = path.index(i);
        let e = *elder_ids.get(&h.elder).ok_or_else(|| {
            Error::invalid(&at.key("elder"), format!("unknown elder '{}'", h.elder))
        })?;
        let p = *provider_ids.get(&h.provider).ok_or_else(|| {
            Error::invalid(
                &at.key("provider"),
                format!("unknown provider '{}'", h.provider),
            )
        })?;
        bounded(&at.key("start"), h.start, -MAX_TIME, MAX_TIME)?;
        let rating = opt_bounded(&at.key("rating"), h.rating, 1, 5)?;
        if let Some(s) = &h.service {
            id(&at.key("service"), s)?;
        }
        let elder = &mut elders[e.ix()];
        if let (true, false, Err(k)) = (h.complaint, h.lifted, elder.avoids.binary_search(&p)) {
            elder.avoids.insert(k, p);
        }
        if h.outcome != Some(crate::wire::Outcome::Missed) {
            elder.known.push(p);
        }
        if let Some(r) = rating {
            let x = ratings.entry((e.0, p.0)).or_default();
            *x = (x.0 + r, x.1 + 1);
        }
        past.push(PastVisit {
            elder: e,
            provider: p,
            missed: h.outcome == Some(crate::wire::Outcome::Missed),
            rating: rating.map(|r| r as u8),
            complaint: h.complaint.then_some(h.lifted),
        });
    }
    for ((e, p), (sum, count)) in ratings {
        if sum >= 4 * count {
            elders[e as usize].trusted.push(ProviderIdx(p));
        }
    }
    for elder in elders.iter_mut() {
        for list in [&mut elder.known, &mut elder.trusted] {
            list.sort_unstable();
            list.dedup();
            list.retain(|p| elder.avoids.binary_search(p).is_err());
        }
    }
    Ok(past)
}

/// A provider's `breaks`, sorted by window: each window in bounds and not inverted,
/// each duration at most a day.
fn breaks(path: &FieldPath, list: &[crate::wire::BreakInput]) -> R<Vec<crate::model::Break>> {
    let bpath = path.key("breaks");
    too_many(&bpath, list.len(), crate::limits::MAX_BREAKS)?;
    let mut out = Vec::with_capacity(list.len());
    for (j, b) in list.iter().enumerate() {
        let at = bpath.index(j);
        let window = intervals(&at.key("window"), &[b.window], 1, false)?[0];
        let duration = bounded(&at.key("duration"), b.duration, 0, 86_400)?;
        out.push(crate::model::Break { window, duration });
    }
    out.sort_unstable();
    Ok(out)
}

/// One provider (its id's uniqueness is the caller's), its skills interned.
pub(super) fn provider(
    ctx: &Ctx,
    path: &FieldPath,
    p: crate::wire::ProviderInput,
    skills: &mut Interner,
) -> R<Provider> {
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
    let speed = speed(ctx, path, &p)?;
    let max_visits = opt_bounded(&path.key("max_visits"), p.max_visits, 0, MAX_COUNT)?
        .map(|v| v.min(i64::from(u32::MAX)) as u32);
    let max_work = opt_bounded(&path.key("max_work"), p.max_work, 0, MAX_WORK)?;
    let capacity = opt_bounded(&path.key("capacity"), p.capacity, 0, MAX_COUNT)?;
    let max_visits_total = opt_bounded(
        &path.key("max_visits_total"),
        p.max_visits_total,
        0,
        MAX_COUNT,
    )?
    .map(|v| v as u32);
    let max_work_total = opt_bounded(&path.key("max_work_total"), p.max_work_total, 0, MAX_COUNT)?;
    let max_travel = opt_bounded(&path.key("max_travel"), p.max_travel, 0, MAX_WORK)?;
    let regular_work = opt_bounded(&path.key("regular_work"), p.regular_work, 0, MAX_WORK)?;
    let regular_work_total = opt_bounded(
        &path.key("regular_work_total"),
        p.regular_work_total,
        0,
        MAX_COUNT,
    )?;
    for (key, label) in [("station", &p.station), ("group", &p.group)] {
        if let Some(l) = label {
            id(&path.key(key), l)?;
        }
    }
    let prices = prices(path, &p)?;
    let breaks = breaks(path, &p.breaks)?;
    Ok(Provider {
        breaks,
        prices,
        time_bank: p.time_bank.unwrap_or(false),
        station: p.station,
        group: p.group,
        max_visits_total,
        max_work_total,
        max_travel,
        regular_work,
        regular_work_total,
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
    })
}
