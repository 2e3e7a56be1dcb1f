//! `providers[].max_travel` (v1.2): the solver, urgent dispatch and booking keep a
//! carer's travel per day within it, and say why a visit it rules out is left out.

use carematch_core::dispatch::dispatch;
use carematch_core::recommend::recommend;
use carematch_core::wire::Reason;
use carematch_core::{check, solve, Problem};
use serde_json::{json, Value};

/// A volunteer at the origin, an elder next door (100 s away) and one far off (1,000 s
/// away), on the plane at 1 m/s; `max_travel` when given.
fn walker(max_travel: Option<i64>) -> Value {
    let mut v = json!({
        "travel": {"metric": "euclidean", "speed": 1.0},
        "elders": [{"id": "near", "location": [100.0, 0.0]},
                   {"id": "far", "location": [0.0, 1000.0]}],
        "needs": [{"id": "n-near", "elder": "near", "service": "check_in", "windows": [[0, 20000]]},
                  {"id": "n-far", "elder": "far", "service": "check_in", "windows": [[0, 20000]]}],
        "providers": [{"id": "v", "kind": "volunteer", "skills": ["check_in"],
                       "start": [0.0, 0.0], "shifts": [[0, 30000]]}]
    });
    if let Some(m) = max_travel {
        v["providers"][0]["max_travel"] = json!(m);
    }
    v
}

fn problem(v: &Value) -> Problem {
    Problem::from_json(v.to_string().as_bytes()).unwrap()
}

#[test]
fn the_solver_leaves_out_what_the_walk_cannot_reach() {
    let free = problem(&walker(None));
    let plan = solve(&free).unwrap();
    assert_eq!(plan.summary.assigned, 2, "both, without a cap");
    let capped = problem(&walker(Some(500)));
    let plan = solve(&capped).unwrap();
    assert!(check(&capped, &plan).is_empty());
    assert_eq!(plan.summary.assigned, 1);
    assert_eq!(plan.routes[0].stops[0].need, "n-near");
    assert!(plan.routes[0].travel <= 500);
    assert_eq!(plan.unassigned[0].need, "n-far");
    assert_eq!(plan.unassigned[0].reason, Reason::OverCapacity);
}

#[test]
fn dispatch_and_booking_keep_the_cap() {
    // The plan serves the near elder; the far one calls.
    let capped = problem(&walker(Some(2_100)));
    let mut without_far = walker(Some(2_100));
    without_far["needs"] = json!([without_far["needs"][0].clone()]);
    let plan = solve(&problem(&without_far)).unwrap();
    assert_eq!(plan.summary.assigned, 1);
    // 200 s travelled; the far elder's round trip (2,000 s) would make 2,200.
    let d = dispatch(&capped, plan.clone(), "n-far", None).unwrap();
    assert!(d.providers.is_empty());
    assert_eq!(d.reason.map(|r| r.0), Some(Reason::OverCapacity));
    assert!(check(&capped, &d.plan).is_empty());
    let r = recommend(&problem(&without_far), &plan, "n-near", 1);
    assert!(r.is_err(), "served already");
    let mut booking = without_far.clone();
    booking["needs"] = json!([walker(None)["needs"][1].clone()]);
    let booked = problem(&booking);
    let empty = solve(&booked).unwrap();
    assert_eq!(
        empty.summary.assigned, 1,
        "alone, the far visit fits the cap"
    );
    let mut none = empty.clone();
    none.routes.clear();
    let r = recommend(&booked, &none, "n-far", 3).unwrap();
    assert_eq!(r.options.len(), 1);
    let mut tighter = booking.clone();
    tighter["providers"][0]["max_travel"] = json!(1_999);
    let r = recommend(&problem(&tighter), &none, "n-far", 3).unwrap();
    assert!(r.options.is_empty());
    assert_eq!(r.reason, Some(Reason::OverCapacity));
}
