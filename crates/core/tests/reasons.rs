//! Every reason for an unserved need, each produced by a problem made for it.

use carematch_core::wire::Reason;
use carematch_core::{check, solve};
use serde_json::{json, Value};

use crate::common::parse;

/// One elder at (100, 0); providers start at the origin; speed 1 unit/s.
fn problem(needs: Value, providers: Value) -> Value {
    json!({
        "travel": {"metric": "euclidean"},
        "elders": [{"id": "e1", "location": [100.0, 0.0]},
                   {"id": "e2", "location": [120.0, 0.0], "caregiver_gender": "male"}],
        "needs": needs,
        "providers": providers
    })
}

fn staff(id: &str, skills: Value, shift: [i64; 2]) -> Value {
    json!({"id": id, "kind": "staff", "skills": skills, "level": 3, "gender": "female",
           "start": [0.0, 0.0], "shifts": [shift]})
}

/// Solves, checks, and returns (need id, reason) of the unserved needs.
fn unserved(v: &Value) -> Vec<(String, Reason)> {
    let p = parse(v).expect("valid");
    let plan = solve(&p).expect("solved");
    assert!(check(&p, &plan).is_empty());
    plan.unassigned
        .into_iter()
        .map(|u| (u.need, u.reason))
        .collect()
}

#[test]
fn no_qualified_provider() {
    let v = problem(
        json!([{"id": "n1", "elder": "e1", "service": "rehab", "windows": [[0, 9000]]}]),
        json!([{"id": "v1", "kind": "volunteer", "skills": ["rehab"], "start": [0.0, 0.0], "shifts": [[0, 9000]]},
               staff("p2", json!(["meals"]), [0, 9000])]),
    );
    assert_eq!(
        unserved(&v),
        vec![("n1".into(), Reason::NoQualifiedProvider)]
    );
}

#[test]
fn no_qualified_provider_when_nobody_has_the_skill() {
    let v = problem(
        json!([{"id": "n1", "elder": "e1", "service": "haircut", "windows": [[0, 9000]]}]),
        json!([staff("p2", json!(["meals"]), [0, 9000])]),
    );
    assert_eq!(
        unserved(&v),
        vec![("n1".into(), Reason::NoQualifiedProvider)]
    );
}

#[test]
fn excluded_by_avoids_and_gender() {
    // e2 avoids p1 and wants a male carer; p2 is female.
    let mut v = problem(
        json!([{"id": "n1", "elder": "e2", "service": "meals", "windows": [[0, 9000]]}]),
        json!([
            staff("p1", json!(["meals"]), [0, 9000]),
            staff("p2", json!(["meals"]), [0, 9000])
        ]),
    );
    v["elders"][1]["avoids"] = json!(["p1"]);
    assert_eq!(unserved(&v), vec![("n1".into(), Reason::Excluded)]);
}

#[test]
fn no_time() {
    // The window closes before the shift's first possible arrival (100 s away).
    let v = problem(
        json!([{"id": "n1", "elder": "e1", "service": "meals", "windows": [[0, 1050]]}]),
        json!([staff("p1", json!(["meals"]), [1000, 9000])]),
    );
    assert_eq!(unserved(&v), vec![("n1".into(), Reason::NoTime)]);
}

#[test]
fn over_capacity_loses_to_higher_priority() {
    let v = problem(
        json!([{"id": "low", "elder": "e1", "service": "meals", "windows": [[200, 300]], "priority": 10},
               {"id": "high", "elder": "e1", "service": "meals", "windows": [[200, 300]], "priority": 90}]),
        json!([staff("p1", json!(["meals"]), [0, 9000])]),
    );
    assert_eq!(unserved(&v), vec![("low".into(), Reason::OverCapacity)]);
}

#[test]
fn no_partner_when_only_one_carer_qualifies() {
    let v = problem(
        json!([{"id": "n1", "elder": "e1", "service": "bathing", "windows": [[0, 9000]], "caregivers": 2}]),
        json!([
            staff("p1", json!(["bathing"]), [0, 9000]),
            staff("p2", json!(["meals"]), [0, 9000])
        ]),
    );
    assert_eq!(unserved(&v), vec![("n1".into(), Reason::NoPartner)]);
}

#[test]
fn no_partner_when_the_two_carers_never_overlap() {
    // Each carer alone can do it, but their shifts do not overlap.
    let v = problem(
        json!([{"id": "n1", "elder": "e1", "service": "bathing", "windows": [[0, 20000]], "caregivers": 2}]),
        json!([
            staff("p1", json!(["bathing"]), [0, 5000]),
            staff("p2", json!(["bathing"]), [6000, 12000])
        ]),
    );
    assert_eq!(unserved(&v), vec![("n1".into(), Reason::NoPartner)]);
}

#[test]
fn two_carers_start_together() {
    let v = problem(
        json!([{"id": "n1", "elder": "e1", "service": "bathing", "windows": [[0, 20000]], "caregivers": 2}]),
        json!([staff("p1", json!(["bathing"]), [0, 5000]),
               {"id": "p2", "kind": "staff", "skills": ["bathing"], "level": 3,
                "start": [-900.0, 0.0], "shifts": [[0, 9000]]}]),
    );
    let p = parse(&v).unwrap();
    let plan = solve(&p).unwrap();
    assert!(check(&p, &plan).is_empty());
    assert_eq!(plan.routes.len(), 2);
    assert_eq!(plan.routes[0].stops[0].start, plan.routes[1].stops[0].start);
    // p2 needs 1000 s to arrive; p1 waits.
    assert_eq!(plan.routes[0].stops[0].start, 1000);
}

#[test]
fn pinned_needs_are_kept() {
    let v = problem(
        json!([{"id": "n1", "elder": "e1", "service": "meals", "windows": [[0, 9000]],
                "pinned": {"provider": "p2", "start": 4000}},
               {"id": "n2", "elder": "e1", "service": "meals", "windows": [[0, 9000]]}]),
        json!([
            staff("p1", json!(["meals"]), [0, 9000]),
            staff("p2", json!(["meals"]), [0, 9000])
        ]),
    );
    let p = parse(&v).unwrap();
    let plan = solve(&p).unwrap();
    assert!(check(&p, &plan).is_empty());
    let r = plan.routes.iter().find(|r| r.provider == "p2").unwrap();
    let s = r.stops.iter().find(|s| s.need == "n1").unwrap();
    assert_eq!(s.start, 4000);
}

#[test]
fn gaps_count_unmet_needs_by_area_and_service() {
    let mut v = problem(
        json!([{"id": "n1", "elder": "e1", "service": "haircut", "windows": [[0, 9000]], "priority": 30},
               {"id": "n2", "elder": "e2", "service": "haircut", "windows": [[0, 9000]], "priority": 20}]),
        json!([staff("p1", json!(["meals"]), [0, 9000])]),
    );
    v["elders"][0]["area"] = json!("grid-07");
    let p = parse(&v).unwrap();
    let plan = solve(&p).unwrap();
    let gaps = serde_json::to_value(&plan.gaps).unwrap();
    assert_eq!(
        gaps,
        json!([{"area": null, "service": "haircut", "unmet": 1, "unmet_priority": 20},
               {"area": "grid-07", "service": "haircut", "unmet": 1, "unmet_priority": 30}])
    );
    assert_eq!(plan.summary.priority_served, 0.0);
}
