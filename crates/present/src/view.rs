//! `carematch view`: one self-contained HTML page of a plan (no network: inline SVG,
//! script and style): a map of elders, carers' starts and routes (one colour per
//! carer), unserved needs marked; a timeline per carer; the unserved needs with their
//! reasons and the gap report as sortable tables; Chinese labels for the standard
//! services when the browser's language is Chinese. The page carries the plan's own
//! JSON and draws everything from it.

use carematch_core::travel::{Point, Travel};
use carematch_core::wire::Plan;
use carematch_core::{Error, FieldPath, Problem};
use serde_json::{json, Map, Value};

/// The page's template; `__DATA__` becomes the data.
const TEMPLATE: &str = include_str!("view.html");

/// A point's coordinates on the page: `[lon, lat]` in degrees, or `[x, y]`.
fn coords(p: &Point) -> Value {
    match *p {
        Point::Geo { .. } => crate::export::lon_lat(p),
        Point::Plane { x, y } => json!([x, y]),
        Point::Index(_) => Value::Null,
    }
}

/// Where each visit of `plan` is: `"need|visit"` → `{"providers", "start"}`.
fn placements(plan: &Plan) -> Value {
    let mut out = Map::new();
    for r in &plan.routes {
        for s in &r.stops {
            let key = format!(
                "{}|{}",
                s.need,
                s.visit.map(|v| v.to_string()).unwrap_or_default()
            );
            let at = out
                .entry(key)
                .or_insert_with(|| json!({"providers": [], "start": s.start}));
            if let Some(list) = at["providers"].as_array_mut() {
                list.push(json!(r.provider));
            }
        }
    }
    Value::Object(out)
}

/// The page of `plan` for `problem`.
pub fn page(problem: &Problem, plan: &Plan) -> Result<String, Error> {
    page_since(problem, plan, None)
}

/// The page of `plan` for `problem`, with the visits whose carers or start differ from
/// `first` (the plan as first made, before the day's events) marked as changed on the
/// timeline and counted in the headline.
///
/// ```
/// use carematch_core::{solve, Problem};
/// let problem = Problem::from_json(br#"{
///   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
///   "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]}],
///   "providers": [{"id": "p1", "kind": "staff", "skills": ["meals"],
///                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]}]
/// }"#)?;
/// let plan = solve(&problem)?;
/// let page = carematch_present::view::page_since(&problem, &plan, Some(&plan))?;
/// assert!(page.contains("\"before\":{\"n1|\":"));
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn page_since(problem: &Problem, plan: &Plan, first: Option<&Plan>) -> Result<String, Error> {
    if matches!(problem.travel(), Travel::Matrix { .. }) {
        return Err(Error::invalid(
            &FieldPath::root().key("travel").key("metric"),
            "a matrix problem has no coordinates to draw a map from",
        ));
    }
    let mut elders = Map::new();
    for e in problem.elders() {
        elders.insert(e.id.clone(), coords(&e.location));
    }
    let (mut starts, mut ends) = (Map::new(), Map::new());
    for p in problem.providers() {
        starts.insert(p.id.clone(), coords(&p.start));
        ends.insert(p.id.clone(), coords(&p.end));
    }
    let (mut services, mut elder_of) = (Map::new(), Map::new());
    for n in problem.needs().iter().take(problem.input_needs()) {
        services.insert(n.id.clone(), json!(n.service));
        elder_of.insert(n.id.clone(), json!(problem.elder(n.elder).id));
    }
    let mut venues = Map::new();
    for v in problem.venues() {
        let seats: u32 = v.sessions.iter().map(|s| s.seats).sum();
        venues.insert(
            v.id.clone(),
            json!({"at": coords(&v.location), "seats": seats, "services": v.services}),
        );
    }
    let data = json!({
        "plane": matches!(problem.travel(), Travel::Euclidean { .. }),
        "elders": elders, "starts": starts, "ends": ends, "venues": venues,
        "services": services, "elder_of": elder_of, "plan": plan,
        "coverage": carematch_core::coverage::coverage(problem, plan),
        "before": first.map(placements),
    });
    // Inside <script>, "</" would end the element.
    let text = data.to_string().replace("</", "<\\/");
    Ok(TEMPLATE.replace("__DATA__", &text))
}
