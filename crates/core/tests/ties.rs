//! The documented tie-breaks between places that add the same travel: the elder's
//! trusted carers first (continuity), then the provider with less work (balance).

use carematch_core::{solve_with, Algorithm, Plan, Problem};
use serde_json::json;

/// Two carers start at one station (0, 0); elders at (−100, 0) and (100, 0). Once the
/// first visit is in A's route, the second adds exactly 200 s of travel to either
/// route: a tie.
fn station(prefers: &[&str]) -> Problem {
    let v = json!({
        "travel": {"metric": "euclidean", "speed": 1.0},
        "elders": [
            {"id": "x", "location": [-100.0, 0.0]},
            {"id": "y", "location": [100.0, 0.0], "prefers": prefers}
        ],
        "needs": [
            {"id": "nx", "elder": "x", "service": "meals", "windows": [[0, 5000]]},
            {"id": "ny", "elder": "y", "service": "meals", "windows": [[0, 5000]]}
        ],
        "providers": [
            {"id": "a", "kind": "staff", "skills": ["meals"], "start": [0.0, 0.0], "shifts": [[0, 10000]]},
            {"id": "b", "kind": "staff", "skills": ["meals"], "start": [0.0, 0.0], "shifts": [[0, 10000]]}
        ]
    });
    Problem::from_json(v.to_string().as_bytes()).unwrap()
}

fn provider_of(plan: &Plan, need: &str) -> String {
    plan.routes
        .iter()
        .find(|r| r.stops.iter().any(|s| s.need == need))
        .map(|r| r.provider.clone())
        .unwrap()
}

#[test]
fn equal_travel_goes_to_the_carer_with_less_work() {
    let plan = solve_with(&station(&[]), Algorithm::Baseline).unwrap();
    assert_eq!(plan.summary.travel, 400);
    assert_ne!(
        provider_of(&plan, "nx"),
        provider_of(&plan, "ny"),
        "balanced"
    );
}

#[test]
fn a_trusted_carer_comes_before_balance() {
    let plan = solve_with(&station(&["a"]), Algorithm::Baseline).unwrap();
    assert_eq!(plan.summary.travel, 400);
    assert_eq!(provider_of(&plan, "ny"), "a", "continuity first");
    assert_eq!(provider_of(&plan, "nx"), "a");
}
