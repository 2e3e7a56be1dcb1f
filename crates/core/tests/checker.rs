//! The plan checker: a hand-computed feasible plan passes, and a plan (or problem) that
//! breaks exactly one feasibility rule is rejected with that rule named.

use carematch_core::check::{parse_plan, Rule};
use carematch_core::{check, Plan, Problem};
use serde_json::{json, Value};

use crate::common::{line, line_plan, parse};

fn verdict(problem: &Value, plan: &Value) -> Vec<Rule> {
    let problem: Problem = parse(problem).expect("valid problem");
    let plan: Plan = parse_plan(plan.to_string().as_bytes()).expect("valid plan document");
    let mut rules: Vec<Rule> = check(&problem, &plan).into_iter().map(|v| v.rule).collect();
    rules.sort();
    rules.dedup();
    rules
}

/// Breaks one rule by changing the plan; only that rule may be reported.
#[track_caller]
fn plan_breaks(rule: Rule, change: impl FnOnce(&mut Value)) {
    let mut plan = line_plan();
    change(&mut plan);
    assert_eq!(verdict(&line(), &plan), vec![rule]);
}

/// Breaks one rule by changing the problem under the same plan.
#[track_caller]
fn problem_breaks(rule: Rule, change: impl FnOnce(&mut Value)) {
    let mut problem = line();
    change(&mut problem);
    assert_eq!(verdict(&problem, &line_plan()), vec![rule]);
}

#[test]
fn accepts_the_hand_computed_plan() {
    assert_eq!(verdict(&line(), &line_plan()), vec![]);
}

#[test]
fn rule_1_coverage() {
    // A two-carer need with one carer.
    plan_breaks(Rule::Coverage, |p| {
        p["routes"].as_array_mut().unwrap().pop();
        p["summary"]["travel"] = json!(600);
        p["summary"]["service"] = json!(4200);
        p["summary"]["objective"]["travel"] = json!(600);
    });
    // Served and unassigned.
    plan_breaks(Rule::Coverage, |p| {
        p["unassigned"] = json!([{"need": "n1", "reason": "no_time", "detail": ""}]);
        p["summary"]["unassigned"] = json!(1);
    });
    // Neither served nor unassigned: drop n2 from p1's route; n3 keeps its start, and
    // p1 now arrives at 1800 and waits (the legs still add up to 600 s).
    let problem = line();
    let mut plan = line_plan();
    plan["routes"][0]["stops"].as_array_mut().unwrap().remove(1);
    plan["routes"][0]["stops"][1]["arrival"] = json!(1800);
    plan["routes"][0]["service"] = json!(1500);
    plan["summary"]["service"] = json!(2400);
    plan["summary"]["assigned"] = json!(2);
    plan["summary"]["objective"]["served"] = json!(2);
    plan["summary"]["objective"]["priority"] = json!(40);
    assert_eq!(verdict(&problem, &plan), vec![Rule::Coverage]);
    // Unknown need in unassigned.
    plan_breaks(Rule::Coverage, |p| {
        p["unassigned"] = json!([{"need": "n99", "reason": "no_time", "detail": ""}]);
        p["summary"]["unassigned"] = json!(1);
    });
}

#[test]
fn rule_2_qualification() {
    // p3 is p1's twin (same start, speed, shift) but a volunteer without `bathing`.
    plan_breaks(Rule::Qualification, |p| {
        p["routes"][0]["provider"] = json!("p3")
    });
    problem_breaks(Rule::Qualification, |p| {
        p["elders"][1]["avoids"] = json!(["p1"])
    });
    problem_breaks(Rule::Qualification, |p| {
        p["elders"][0]["caregiver_gender"] = json!("male")
    });
    problem_breaks(Rule::Qualification, |p| {
        p["needs"][1]["min_level"] = json!(3)
    });
    problem_breaks(Rule::Qualification, |p| {
        p["needs"][0]["skills"] = json!(["lift_assist"])
    });
    problem_breaks(Rule::Qualification, |p| {
        p["services"] = json!([{"id": "check_in", "volunteer_ok": false}]);
        p["providers"][1]["kind"] = json!("volunteer");
    });
}

#[test]
fn rule_3_shift() {
    plan_breaks(Rule::Shift, |p| p["routes"][1]["shift"] = json!(1));
    plan_breaks(Rule::Shift, |p| p["routes"][0]["return"] = json!(20_001));
    problem_breaks(Rule::Shift, |p| {
        p["providers"][0]["shifts"] = json!([[850, 20000]])
    });
    problem_breaks(Rule::Shift, |p| {
        p["providers"][1]["shifts"] = json!([[0, 5600]])
    });
    // Two routes in one shift.
    plan_breaks(Rule::Shift, |p| {
        let empty = json!({"provider": "p1", "shift": 0, "depart": 0, "return": 0,
                           "stops": [], "travel": 0, "service": 0, "load": 0});
        p["routes"].as_array_mut().unwrap().push(empty);
    });
}

#[test]
fn rule_3_travel() {
    plan_breaks(Rule::Travel, |p| {
        p["routes"][0]["stops"][1]["arrival"] = json!(1650)
    });
    plan_breaks(Rule::Travel, |p| p["routes"][1]["return"] = json!(5650));
    // Starting before arriving (the arrival itself is right).
    plan_breaks(Rule::Travel, |p| {
        p["routes"][1]["depart"] = json!(4300);
        p["routes"][1]["stops"][0]["arrival"] = json!(4600);
    });
}

#[test]
fn rule_3_window() {
    problem_breaks(Rule::Window, |p| {
        p["needs"][0]["windows"] = json!([[1200, 2000]])
    });
    problem_breaks(Rule::Window, |p| {
        p["needs"][2]["windows"] = json!([[0, 4000], [6000, 9000]])
    });
}

#[test]
fn rule_3_duration() {
    plan_breaks(Rule::Duration, |p| {
        p["routes"][1]["stops"][0]["end"] = json!(5300)
    });
}

#[test]
fn rule_4_sync() {
    plan_breaks(Rule::Sync, |p| {
        p["routes"][1]["stops"][0]["start"] = json!(4600);
        p["routes"][1]["stops"][0]["end"] = json!(5500);
        p["routes"][1]["return"] = json!(5800);
    });
}

#[test]
fn rule_5_limits() {
    problem_breaks(Rule::MaxVisits, |p| {
        p["providers"][0]["max_visits"] = json!(2)
    });
    problem_breaks(Rule::MaxWork, |p| {
        p["providers"][0]["max_work"] = json!(4700)
    });
    problem_breaks(Rule::Capacity, |p| p["providers"][0]["capacity"] = json!(0));
    // p1 travels 600 s in four legs (the spec's 1 s slack a leg).
    problem_breaks(Rule::MaxTravel, |p| {
        p["providers"][0]["max_travel"] = json!(590)
    });
}

#[test]
fn rule_5_limits_hold_at_the_boundary() {
    let mut problem = line();
    problem["providers"][0]["max_visits"] = json!(3);
    problem["providers"][0]["max_work"] = json!(4800);
    problem["providers"][0]["capacity"] = json!(1);
    problem["providers"][0]["max_travel"] = json!(600);
    assert_eq!(verdict(&problem, &line_plan()), vec![]);
}

#[test]
fn rule_6_pinned() {
    problem_breaks(Rule::Pinned, |p| {
        p["needs"][1]["pinned"] = json!({"provider": "p1", "start": 1800})
    });
    let mut problem = line();
    problem["needs"][1]["pinned"] = json!({"provider": "p1", "start": 1700});
    assert_eq!(verdict(&problem, &line_plan()), vec![]);
}

#[test]
fn consistency_of_reported_figures() {
    plan_breaks(Rule::Consistency, |p| p["summary"]["travel"] = json!(1205));
    plan_breaks(Rule::Consistency, |p| p["routes"][0]["load"] = json!(3));
    plan_breaks(Rule::Consistency, |p| {
        p["routes"][0]["stops"][0]["elder"] = json!("e2")
    });
    plan_breaks(Rule::Consistency, |p| {
        p["summary"]["objective"]["priority"] = json!(61)
    });
    // A route of an unknown provider cannot be checked further; its needs then count
    // as not served.
    let mut plan = line_plan();
    plan["routes"][0]["provider"] = json!("p-unknown");
    assert!(verdict(&line(), &plan).contains(&Rule::Consistency));
}

#[test]
fn violations_name_rule_and_path() {
    let mut plan = line_plan();
    plan["routes"][1]["stops"][0]["end"] = json!(5300);
    let problem = parse(&line()).unwrap();
    let plan: Plan = serde_json::from_value(plan).unwrap();
    let v = check(&problem, &plan);
    assert_eq!(v.len(), 1);
    assert_eq!(
        v[0].to_string(),
        "rule 3 (duration): routes[1].stops[0].end: end 5300 is not start + duration = 5400"
    );
}

#[test]
fn hostile_numbers_give_violations_not_panics() {
    let mut plan = line_plan();
    plan["routes"][0]["depart"] = json!(i64::MAX);
    plan["routes"][0]["stops"][0]["start"] = json!(i64::MIN);
    plan["routes"][1]["return"] = json!(i64::MIN);
    assert!(!verdict(&line(), &plan).is_empty());
}

#[test]
fn rejects_a_malformed_plan_document() {
    let err = parse_plan(br#"{"summary": {}, "routes": []}"#).unwrap_err();
    assert_eq!(err.kind(), carematch_core::ErrorKind::InvalidPlan);
    assert!(err.to_string().contains("summary"), "{err}");
}

#[test]
fn rule_7_links() {
    // n1 (start 1000) and n2 (start 1700) are both served by p1.
    let link = |l: Value| move |p: &mut Value| p["links"] = json!([l]);
    problem_breaks(
        Rule::Link,
        link(json!({"id": "l", "type": "together", "needs": ["n1", "n2"]})),
    );
    problem_breaks(
        Rule::Link,
        link(json!({"id": "l", "type": "sequence", "needs": ["n1", "n2"], "max_gap": 500})),
    );
    problem_breaks(
        Rule::Link,
        link(json!({"id": "l", "type": "sequence", "needs": ["n2", "n1"]})),
    );
    problem_breaks(
        Rule::Link,
        link(
            json!({"id": "l", "type": "sequence", "needs": ["n1", "n2"], "provider": "different"}),
        ),
    );
    // Kept as asked: one provider, 700 s apart.
    let mut ok = line();
    ok["links"] = json!([{"id": "l", "type": "sequence", "needs": ["n1", "n2"],
                          "min_gap": 600, "max_gap": 800, "provider": "same"}]);
    assert_eq!(verdict(&ok, &line_plan()), vec![]);
    // Served in part: n2 dropped and listed as unassigned.
    let mut plan = line_plan();
    plan["routes"][0]["stops"].as_array_mut().unwrap().remove(1);
    plan["routes"][0]["stops"][1]["arrival"] = json!(1800);
    plan["routes"][0]["service"] = json!(1500);
    plan["summary"]["service"] = json!(2400);
    plan["summary"]["assigned"] = json!(2);
    plan["summary"]["unassigned"] = json!(1);
    plan["summary"]["objective"]["served"] = json!(2);
    plan["summary"]["objective"]["priority"] = json!(40);
    plan["unassigned"] = json!([{"need": "n2", "reason": "linked", "detail": ""}]);
    assert_eq!(verdict(&ok, &plan), vec![Rule::Link]);
}

#[test]
fn soft_windows_allow_late_starts_and_count_them() {
    // n1 (start 1000) with late_by: on time, nothing changes.
    let mut problem = line();
    problem["needs"][0]["late_by"] = json!(500);
    assert_eq!(verdict(&problem, &line_plan()), vec![]);
    // A stop that claims lateness it does not have.
    let mut late = line_plan();
    late["routes"][0]["stops"][0]["late"] = json!(7);
    assert_eq!(verdict(&problem, &late), vec![Rule::Consistency]);
    // Beyond late_by: outside the window.
    let mut beyond = line();
    beyond["needs"][0]["late_by"] = json!(500);
    beyond["needs"][0]["windows"] = json!([[0, 400]]);
    assert_eq!(verdict(&beyond, &line_plan()), vec![Rule::Window]);
    // Within late_by: fine once the plan says how late it is.
    let mut within = line();
    within["needs"][0]["windows"] = json!([[0, 700]]);
    within["needs"][0]["late_by"] = json!(500);
    let mut lp = line_plan();
    lp["routes"][0]["stops"][0]["late"] = json!(300);
    lp["summary"]["lateness"] = json!(300);
    lp["summary"]["max_lateness"] = json!(300);
    assert_eq!(verdict(&within, &lp), vec![]);
    lp["summary"]["lateness"] = json!(0);
    assert_eq!(verdict(&within, &lp), vec![Rule::Consistency]);
}
