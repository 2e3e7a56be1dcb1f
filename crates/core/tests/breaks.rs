//! `providers[].breaks` (v1.2): a floating break is taken inside its window, between
//! visits, wherever the carer is — never by sending her home and back; the checker
//! refuses a plan that skips, misplaces or squeezes one; a shift that cannot hold a
//! break takes none; bad breaks are input errors.

use carematch_core::check::Rule;
use carematch_core::wire::Plan;
use carematch_core::{check, solve, Problem};
use serde_json::{json, Value};

/// A carer 3,000 s from six elders who live 100 s apart, on the plane at 1 m/s, with
/// an hour's visit for each of them to make in her day 08:00–17:00; `breaks` given.
/// Her day is tight: 6,000 s there and back, 21,600 s of visits and some 600 s
/// between them leave 4,200 s — room for a 30-minute break, not for a trip home.
fn tight_day(breaks: Value, shifts: Value) -> Value {
    let elders: Vec<Value> = (0..6)
        .map(|i| json!({"id": format!("e{i}"), "location": [3_000.0 + 100.0 * i as f64, 0.0]}))
        .collect();
    let needs: Vec<Value> = (0..6)
        .map(|i| {
            json!({"id": format!("n{i}"), "elder": format!("e{i}"), "service": "home_care",
                   "duration": 3_600, "windows": [[28_800, 61_200]]})
        })
        .collect();
    json!({
        "travel": {"metric": "euclidean", "speed": 1.0},
        "services": [{"id": "home_care", "duration": 3_600}],
        "elders": elders, "needs": needs,
        "providers": [{"id": "c", "kind": "staff", "skills": ["home_care"],
                       "start": [0.0, 0.0], "shifts": shifts, "breaks": breaks}]
    })
}

fn lunch() -> Value {
    json!([{"window": [43_200, 46_800], "duration": 1_800}])
}

fn solved(v: &Value) -> (Problem, Plan) {
    let problem = Problem::from_json(v.to_string().as_bytes()).expect("valid");
    let plan = solve(&problem).expect("solves");
    let bad: Vec<String> = check(&problem, &plan)
        .iter()
        .map(|x| x.to_string())
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    (problem, plan)
}

#[test]
fn a_break_on_a_tight_day_is_taken_between_visits_not_at_home() {
    let (_, with) = solved(&tight_day(lunch(), json!([[28_800, 61_200]])));
    let (_, none) = solved(&tight_day(json!([]), json!([[28_800, 61_200]])));
    assert_eq!(
        with.summary.assigned, 6,
        "the break leaves room for every visit"
    );
    let r = &with.routes[0];
    assert_eq!(r.breaks.len(), 1);
    let b = r.breaks[0];
    assert!((43_200..=46_800).contains(&b.start) && b.end == b.start + 1_800);
    // Between two visits, not before the first nor after the last.
    assert!(r.stops.first().unwrap().end <= b.start && b.end <= r.stops.last().unwrap().start);
    // One trip out and one back: no more travel than the day without a break.
    assert_eq!(with.summary.travel, none.summary.travel);
    assert!(with.summary.travel < 2 * 6_000);
    // The old way round — a shift cut in two at lunch — sends her home and back, and
    // the day no longer holds every visit.
    let cut = json!([[28_800, 43_200], [45_000, 61_200]]);
    let (_, halves) = solved(&tight_day(json!([]), cut));
    assert!(halves.summary.assigned < 6);
    assert!(halves.summary.travel >= 4 * 3_000);
}

#[test]
fn a_break_waits_for_its_window_while_the_carer_waits_anyway() {
    // One visit that cannot start before 13:00: she takes the break on the way or at
    // the door, and the visit starts on time.
    let mut v = tight_day(lunch(), json!([[28_800, 61_200]]));
    v["needs"] = json!([{"id": "n0", "elder": "e0", "service": "home_care",
                         "windows": [[46_800, 50_000]]}]);
    let (_, plan) = solved(&v);
    let r = &plan.routes[0];
    assert_eq!(r.stops[0].start, 46_800);
    assert!(r.breaks[0].end <= 46_800);
}

/// The tight day's plan as JSON, with its problem.
fn tight_plan() -> (Value, Value) {
    let v = tight_day(lunch(), json!([[28_800, 61_200]]));
    let (_, plan) = solved(&v);
    (v, serde_json::to_value(plan).unwrap())
}

/// The rules the checker names for `plan` changed by `change`.
fn flagged(change: impl FnOnce(&mut Value)) -> Vec<Rule> {
    let (v, mut plan) = tight_plan();
    change(&mut plan);
    let problem = Problem::from_json(v.to_string().as_bytes()).unwrap();
    let plan: Plan = serde_json::from_value(plan).unwrap();
    let mut rules: Vec<Rule> = check(&problem, &plan).into_iter().map(|x| x.rule).collect();
    rules.sort();
    rules.dedup();
    rules
}

#[test]
fn the_checker_refuses_a_skipped_misplaced_or_squeezed_break() {
    assert_eq!(flagged(|_| {}), vec![]);
    // Skipped (the arrival it held up is then too late for the travel alone, too).
    assert!(flagged(|p| p["routes"][0]["breaks"] = json!([])).contains(&Rule::Break));
    // Outside its window, or shorter than its duration.
    let moved = |p: &mut Value, by: i64| {
        let b = &mut p["routes"][0]["breaks"][0];
        b["start"] = json!(b["start"].as_i64().unwrap() + by);
        b["end"] = json!(b["end"].as_i64().unwrap() + by);
    };
    assert!(flagged(|p| moved(p, -4 * 3_600)).contains(&Rule::Break));
    assert!(flagged(|p| {
        let b = &mut p["routes"][0]["breaks"][0];
        b["end"] = json!(b["end"].as_i64().unwrap() - 600);
    })
    .contains(&Rule::Break));
    // Over a visit.
    assert!(flagged(|p| {
        let s = p["routes"][0]["stops"][3]["start"].as_i64().unwrap();
        p["routes"][0]["breaks"] = json!([{"start": s, "end": s + 1_800}]);
    })
    .contains(&Rule::Break));
    // Taken on the way without the time it takes: the next arrival is too early.
    assert!(!flagged(|p| {
        let stops = p["routes"][0]["stops"].as_array().unwrap().clone();
        let k = (1..stops.len())
            .find(|&k| stops[k]["arrival"].as_i64() > stops[k - 1]["end"].as_i64())
            .unwrap();
        let s = stops[k - 1]["end"].as_i64().unwrap();
        p["routes"][0]["breaks"] = json!([{"start": s.max(43_200), "end": s.max(43_200) + 1_800}]);
    })
    .is_empty());
}

#[test]
fn a_shift_too_short_for_a_break_takes_none() {
    // The break would end after the shift: the shift takes none, and serves.
    let v = tight_day(
        json!([{"window": [60_000, 61_000], "duration": 1_800}]),
        json!([[28_800, 61_200]]),
    );
    let (_, plan) = solved(&v);
    assert!(plan.routes.iter().all(|r| r.breaks.is_empty()));
    // A shift that ends as the window opens takes none either.
    let v = tight_day(lunch(), json!([[28_800, 43_200]]));
    let (_, plan) = solved(&v);
    assert!(plan.summary.assigned > 0 && plan.routes.iter().all(|r| r.breaks.is_empty()));
}

#[test]
fn bad_breaks_are_input_errors_naming_the_field() {
    let err = |breaks: Value| {
        let v = tight_day(breaks, json!([[28_800, 61_200]]));
        Problem::from_json(v.to_string().as_bytes())
            .unwrap_err()
            .to_string()
    };
    let e = err(json!([{"window": [50_000, 40_000], "duration": 600}]));
    assert!(e.contains("providers[0].breaks[0].window"), "{e}");
    let e = err(json!([{"window": [43_200, 46_800], "duration": -1}]));
    assert!(e.contains("providers[0].breaks[0].duration"), "{e}");
    let many: Vec<Value> = (0..9)
        .map(|i| json!({"window": [30_000 + 3_000 * i, 31_000 + 3_000 * i], "duration": 60}))
        .collect();
    let e = err(json!(many));
    assert!(
        e.contains("providers[0].breaks") && e.contains("limit"),
        "{e}"
    );
}

#[test]
fn a_break_repeats_on_every_day_of_a_horizon() {
    let mut v = tight_day(lunch(), json!([[28_800, 61_200], [115_200, 147_600]]));
    v["options"] = json!({"day_length": 86_400});
    v["needs"][3]["windows"] = json!([[115_200, 147_600]]);
    v["needs"][4]["windows"] = json!([[115_200, 147_600]]);
    let (_, plan) = solved(&v);
    assert_eq!(plan.summary.assigned, 6);
    let second = plan.routes.iter().find(|r| r.shift == 1).unwrap();
    let b = second.breaks[0];
    assert!(
        (86_400 + 43_200..=86_400 + 46_800).contains(&b.start),
        "{b:?}"
    );
}
