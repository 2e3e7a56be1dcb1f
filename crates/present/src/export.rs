//! `carematch export`: a plan as what a station prints for its carers (CSV, one row
//! per visit) or as a map layer (GeoJSON: routes as lines, visits and unserved needs
//! as points).

use std::io::Write;

use carematch_core::travel::{Point, Travel};
use carematch_core::wire::Plan;
use carematch_core::{Error, FieldPath, Problem};
use serde_json::{json, Value};

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 13] = [
    "provider",
    "shift",
    "order",
    "day",
    "start_clock",
    "end_clock",
    "need",
    "visit",
    "elder",
    "arrival",
    "start",
    "end",
    "kind",
];

/// `HH:MM` of second `t` of its day.
fn clock(t: i64) -> String {
    let s = t.rem_euclid(86_400);
    format!("{:02}:{:02}", s / 3600, (s % 3600) / 60)
}

/// The columns of [`quality_csv`].
pub const QUALITY_COLUMNS: [&str; 10] = [
    "by",
    "key",
    "visits",
    "done",
    "missed",
    "rated",
    "mean_rating",
    "complaints",
    "open_complaints",
    "elders",
];

/// Writes the plan's quality report (v1.2, `plan.quality`) as CSV: [`QUALITY_COLUMNS`],
/// one row per carer (`by` `provider`), then per station and per group; `key` empty for
/// carers without a station or group, `mean_rating` empty (or to two decimals) — only
/// the header when the plan has no report.
///
/// ```
/// let plan: carematch_core::wire::Plan = serde_json::from_str(r#"{"summary": {"needs": 0,
///   "assigned": 0, "unassigned": 0, "priority_served": 1.0, "travel": 0, "service": 0,
///   "waiting": 0, "objective": {"priority": 0, "served": 0, "travel": 0}, "solve_ms": 0,
///   "threads": 1}, "routes": [], "unassigned": [],
///   "quality": {"by_provider": [{"key": "p-1", "visits": 2, "done": 2, "missed": 0,
///     "rated": 2, "mean_rating": 4.5, "complaints": 0, "open_complaints": 0, "elders": 1}],
///     "by_station": [], "by_group": []}}"#).unwrap();
/// let mut out = Vec::new();
/// carematch_present::export::quality_csv(&plan, &mut out).unwrap();
/// assert!(String::from_utf8(out).unwrap().ends_with("provider,p-1,2,2,0,2,4.50,0,0,1\n"));
/// ```
pub fn quality_csv(plan: &Plan, out: impl Write) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(QUALITY_COLUMNS)?;
    let Some(q) = &plan.quality else {
        return w.flush().map_err(Into::into);
    };
    for (by, rows) in [
        ("provider", &q.by_provider),
        ("station", &q.by_station),
        ("group", &q.by_group),
    ] {
        for r in rows {
            let n = |x: u64| x.to_string();
            w.write_record([
                by.to_owned(),
                r.key.clone().unwrap_or_default(),
                n(r.visits),
                n(r.done),
                n(r.missed),
                n(r.rated),
                r.mean_rating.map_or(String::new(), |m| format!("{m:.2}")),
                n(r.complaints),
                n(r.open_complaints),
                n(r.elders),
            ])?;
        }
    }
    w.flush().map_err(Into::into)
}

/// Writes `plan` as CSV, one row per visit (`kind` `visit`) and per break (`kind`
/// `break`, v1.2: no need, elder or arrival, `order` empty), routes in plan order,
/// each route's rows in time order: [`CSV_COLUMNS`]; `day` and the clocks read the
/// times as seconds from midnight of day 0; `visit` is empty for a need of one visit.
pub fn csv(plan: &Plan, out: impl Write) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_COLUMNS)?;
    for r in &plan.routes {
        let route = |start: i64, end: i64| {
            [
                r.provider.clone(),
                r.shift.to_string(),
                start.div_euclid(86_400).to_string(),
                clock(start),
                clock(end),
            ]
        };
        let mut breaks = r.breaks.iter().peekable();
        let mut pause = |w: &mut csv::Writer<_>, until: i64| -> csv::Result<()> {
            while let Some(b) = breaks.next_if(|b| b.start < until) {
                let [p, sh, day, from, to] = route(b.start, b.end);
                let (start, end) = (b.start.to_string(), b.end.to_string());
                let none = String::new;
                w.write_record([
                    p,
                    sh,
                    none(),
                    day,
                    from,
                    to,
                    none(),
                    none(),
                    none(),
                    none(),
                    start,
                    end,
                    "break".into(),
                ])?;
            }
            Ok(())
        };
        for (k, s) in r.stops.iter().enumerate() {
            pause(&mut w, s.start)?;
            let [p, sh, day, from, to] = route(s.start, s.end);
            w.write_record([
                p,
                sh,
                (k + 1).to_string(),
                day,
                from,
                to,
                s.need.clone(),
                s.visit.map_or(String::new(), |v| v.to_string()),
                s.elder.clone(),
                s.arrival.to_string(),
                s.start.to_string(),
                s.end.to_string(),
                "visit".into(),
            ])?;
        }
        pause(&mut w, i64::MAX)?;
    }
    w.flush()?;
    Ok(())
}

/// `[lon, lat]` in degrees of a haversine point, to 7 decimals (about 1 cm).
pub(crate) fn lon_lat(p: &Point) -> Value {
    let deg = |r: f64| (r.to_degrees() * 1e7).round() / 1e7;
    match *p {
        Point::Geo { lon, lat, .. } => json!([deg(lon), deg(lat)]),
        _ => Value::Null,
    }
}

/// `plan` of `problem` as a GeoJSON FeatureCollection: each route a LineString from
/// its carer's start through its visits to its end (`kind: "route"`), each visit a
/// Point at the elder's home (`kind: "visit"`), each unserved need a Point (`kind:
/// "unserved"`, with its reason), each carer's start a Point (`kind: "start"`), each
/// elder a Point with the share of the day it was inside the rescue circle (`kind:
/// "circle"`, `covered` 0–1, [`carematch_core::coverage::with_elders`]). Only for
/// haversine problems (GeoJSON is longitude and latitude).
pub fn geojson(problem: &Problem, plan: &Plan) -> Result<Value, Error> {
    if !matches!(problem.travel(), Travel::Haversine { .. }) {
        return Err(Error::invalid(
            &FieldPath::root().key("travel").key("metric"),
            "GeoJSON needs longitude and latitude: a haversine problem",
        ));
    }
    let elder_at = |id: &str| {
        problem
            .elders()
            .iter()
            .find(|e| e.id == id)
            .map(|e| lon_lat(&e.location))
    };
    let provider = |id: &str, path: FieldPath| {
        problem
            .provider_by_id(id)
            .map(|p| problem.provider(p))
            .ok_or_else(|| Error::invalid(&path, "unknown provider"))
    };
    let mut features = Vec::new();
    for p in problem.providers() {
        features.push(json!({"type": "Feature",
            "geometry": {"type": "Point", "coordinates": lon_lat(&p.start)},
            "properties": {"kind": "start", "provider": p.id}}));
    }
    for (i, r) in plan.routes.iter().enumerate() {
        let path = FieldPath::root().key("routes").index(i);
        let p = provider(&r.provider, path.key("provider"))?;
        let mut line = vec![lon_lat(&p.start)];
        for (k, s) in r.stops.iter().enumerate() {
            let at = elder_at(&s.elder).ok_or_else(|| {
                Error::invalid(&path.key("stops").index(k).key("elder"), "unknown elder")
            })?;
            line.push(at.clone());
            features.push(json!({"type": "Feature",
                "geometry": {"type": "Point", "coordinates": at},
                "properties": {"kind": "visit", "provider": r.provider, "need": s.need,
                    "elder": s.elder, "visit": s.visit, "order": k + 1,
                    "start": s.start, "end": s.end}}));
        }
        line.push(lon_lat(&p.end));
        features.push(json!({"type": "Feature",
            "geometry": {"type": "LineString", "coordinates": line},
            "properties": {"kind": "route", "provider": r.provider, "shift": r.shift,
                "depart": r.depart, "return": r.return_, "travel": r.travel,
                "service": r.service, "stops": r.stops.len()}}));
    }
    for (i, u) in plan.unassigned.iter().enumerate() {
        let need = problem.need_by_id(&u.need).ok_or_else(|| {
            Error::invalid(
                &FieldPath::root().key("unassigned").index(i).key("need"),
                "unknown need",
            )
        })?;
        let elder = problem.elder(problem.need(need).elder);
        features.push(json!({"type": "Feature",
            "geometry": {"type": "Point", "coordinates": lon_lat(&elder.location)},
            "properties": {"kind": "unserved", "need": u.need, "elder": elder.id,
                "visit": u.visit, "reason": u.reason.as_str(), "detail": u.detail}}));
    }
    // The rescue circle: each elder, and the share of the day's moments at which a
    // qualified carer could reach it within the response target.
    let (cover, shares) = carematch_core::coverage::with_elders(problem, plan);
    for (e, share) in problem.elders().iter().zip(shares) {
        features.push(json!({"type": "Feature",
            "geometry": {"type": "Point", "coordinates": lon_lat(&e.location)},
            "properties": {"kind": "circle", "elder": e.id, "covered": share,
                "target": cover.target}}));
    }
    Ok(json!({"type": "FeatureCollection", "features": features}))
}
