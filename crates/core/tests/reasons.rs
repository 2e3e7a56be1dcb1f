//! Every reason for an unserved need, each produced by a problem made for it, through
//! every construction; and the spatial cut of candidate lists.

use carematch_core::feasibility::Candidates;
use carematch_core::model::NeedIdx;
use carematch_core::wire::Reason;
use carematch_core::{check, solve, solve_with, Algorithm};
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

/// Solves with each construction, checks, and returns (need id, reason) of the unserved
/// needs, which must be the same for all of them.
fn unserved(v: &Value) -> Vec<(String, Reason)> {
    let p = parse(v).expect("valid");
    let runs: Vec<Vec<(String, Reason)>> =
        [Algorithm::Baseline, Algorithm::Matching, Algorithm::Auto]
            .into_iter()
            .map(|a| {
                let plan = solve_with(&p, a).expect("solved");
                assert!(check(&p, &plan).is_empty(), "{a:?}");
                plan.unassigned
                    .into_iter()
                    .map(|u| (u.need, u.reason))
                    .collect()
            })
            .collect();
    assert_eq!(runs[0], runs[1], "baseline and matching disagree");
    assert_eq!(runs[1], runs[2], "matching and auto disagree");
    runs[0].clone()
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

/// Five carers at x = 10, 20, …, 50 (in a shuffled order); the elder at x = 100.
fn five_carers(candidates: u64) -> Value {
    let providers: Vec<Value> = [30, 10, 50, 20, 40]
        .iter()
        .map(|&x| {
            json!({"id": format!("p{x}"), "kind": "staff", "skills": ["meals"],
                   "start": [f64::from(x), 0.0], "shifts": [[0, 9000]], "max_visits": 1})
        })
        .collect();
    let mut v = problem(
        json!([{"id": "n1", "elder": "e1", "service": "meals", "windows": [[0, 9000]]},
               {"id": "n2", "elder": "e1", "service": "meals", "windows": [[0, 9000]]},
               {"id": "n3", "elder": "e1", "service": "meals", "windows": [[0, 9000]]}]),
        json!(providers),
    );
    v["options"] = json!({"candidates": candidates});
    v
}

#[test]
fn cut_lists_keep_the_nearest_reachable_providers() {
    let p = parse(&five_carers(2)).expect("valid");
    let c = Candidates::new(&p);
    let n = NeedIdx(0);
    assert!(c.is_cut(n) && !c.complete());
    let ids: Vec<&str> = c
        .of(n)
        .iter()
        .map(|s| p.provider(s.provider).id.as_str())
        .collect();
    // Sorted by slot (input order): p50 and p40 are the nearest to x = 100.
    assert_eq!(ids, ["p50", "p40"]);
    assert_eq!(c.all_of(&p, n).len(), 5);

    let full = Candidates::new(&parse(&five_carers(0)).expect("valid"));
    assert!(!full.is_cut(n) && full.complete());
    assert_eq!(full.of(n).len(), 5);
}

#[test]
fn cut_needs_still_reach_the_far_providers() {
    // Each carer makes one visit: three needs whose lists hold only the two nearest
    // carers are all served, the third by a carer beyond its list.
    for a in [Algorithm::Baseline, Algorithm::Matching, Algorithm::Auto] {
        let p = parse(&five_carers(2)).expect("valid");
        let plan = solve_with(&p, a).expect("solved");
        assert!(check(&p, &plan).is_empty());
        assert_eq!(plan.summary.assigned, 3, "{a:?}");
        if a != Algorithm::Baseline {
            // The bound of a cut graph is still an upper bound, here the total.
            let bound = plan.summary.bound.map(|b| b.priority);
            assert_eq!(bound, Some(p.total_priority()));
        }
    }
}

#[test]
fn the_gap_report_rolls_up_area_paths_and_dispatch_keeps_it_so() {
    let elder = |k: usize, area: &str| serde_json::json!({"id": format!("e{k}"), "location": [116.4 + k as f64 / 1e3, 39.9], "area": area});
    let need = |k: usize| {
        serde_json::json!({"id": format!("n{k}"), "elder": format!("e{k}"), "service": "meals",
            "windows": [[39_600, 43_200]], "priority": 10 + k as i64})
    };
    let input = serde_json::json!({
        "elders": [elder(0, "d1/s1/c1"), elder(1, "d1/s1/c2"), elder(2, "d1/s2/c3"), elder(3, "d2")],
        "needs": [need(0), need(1), need(2)],
        "providers": []
    });
    let mut problem = carematch_core::Problem::from_json(input.to_string().as_bytes()).unwrap();
    let plan = carematch_core::solve(&problem).unwrap();
    let rows: Vec<(Option<&str>, u64, i64)> = plan
        .gaps
        .iter()
        .map(|g| (g.area.as_deref(), g.unmet, g.unmet_priority))
        .collect();
    assert_eq!(
        rows,
        [
            (Some("d1"), 3, 33),
            (Some("d1/s1"), 2, 21),
            (Some("d1/s1/c1"), 1, 10),
            (Some("d1/s1/c2"), 1, 11),
            (Some("d1/s2"), 1, 12),
            (Some("d1/s2/c3"), 1, 12),
        ]
    );
    // A need dispatched and left out joins every level, as a fresh solve counts it.
    problem
        .push_need(serde_json::from_value(need(3)).unwrap(), None)
        .unwrap();
    let d = carematch_core::dispatch::dispatch(&problem, plan, "n3", None).unwrap();
    assert_eq!(d.plan.gaps, carematch_core::solve(&problem).unwrap().gaps);
    assert!(d.plan.gaps.iter().any(|g| g.area.as_deref() == Some("d2")));
}
