//! Urgent insertion (`carematch_core::dispatch`) on generated cities and small cases:
//! every returned plan passes the checker, only the routes that take the need (or lose
//! a displaced visit) change, visits already started keep their start.

use carematch_core::dispatch::dispatch;
use carematch_core::wire::{NeedInput, ProblemInput, Reason};
use carematch_core::{check, solve, Plan, Problem};
use serde_json::json;

/// A generated city of about `needs` needs, solved with a short search.
fn city(needs: usize, seed: u64) -> (ProblemInput, Plan) {
    let mut input = carematch_synth::generate(needs, seed);
    let o = input.options.get_or_insert_with(Default::default);
    o.iterations = Some(500);
    o.threads = Some(1);
    let problem = Problem::from_input(input.clone()).expect("valid");
    let plan = solve(&problem).expect("solves");
    (input, plan)
}

/// `input` with one more need.
fn with_need(input: &ProblemInput, need: serde_json::Value) -> Problem {
    let mut input = input.clone();
    input
        .needs
        .push(serde_json::from_value::<NeedInput>(need).expect("a need"));
    Problem::from_input(input).expect("valid")
}

fn violations(problem: &Problem, plan: &Plan) -> Vec<String> {
    check(problem, plan).iter().map(|v| v.to_string()).collect()
}

#[test]
fn emergencies_in_a_generated_city_are_placed_feasibly_touching_few_routes() {
    let (input, plan) = city(400, 3);
    let mut served = 0;
    for (k, elder) in input.elders.iter().step_by(37).take(8).enumerate() {
        let open = 9 * 3600 + 1800 * k as i64;
        let problem = with_need(
            &input,
            json!({"id": "sos", "elder": elder.id, "service": "emergency",
                   "windows": [[open, open + 900]], "priority": 100}),
        );
        let d = dispatch(&problem, plan.clone(), "sos", Some(open - 600)).expect("dispatches");
        assert!(
            violations(&problem, &d.plan).is_empty(),
            "{:?}",
            violations(&problem, &d.plan)
        );
        let changed = d
            .plan
            .routes
            .iter()
            .filter(|r| !plan.routes.contains(r))
            .count();
        match &d.reason {
            None => {
                served += 1;
                assert_eq!(d.providers.len(), 1);
                let start = d.start.expect("a start");
                assert!((open..=open + 900).contains(&start));
                assert_eq!(
                    d.plan.summary.assigned,
                    plan.summary.assigned + 1 - u64::from(d.displaced.is_some())
                );
                // The route that takes it, and the one that loses a displaced visit.
                assert!((1..=2).contains(&changed), "{changed} routes changed");
            }
            Some((reason, _)) => {
                assert_eq!(changed, 0);
                assert!(d
                    .plan
                    .unassigned
                    .iter()
                    .any(|u| u.need == "sos" && u.reason == *reason));
            }
        }
    }
    assert!(served > 0, "no emergency could be placed");
}

/// One carer, one shift 9:00–12:00, a long low-priority visit filling the morning.
fn busy_morning(extra: serde_json::Value) -> (Problem, Problem) {
    let base = json!({
      "elders": [{"id": "e1", "location": [116.43, 39.92]}, {"id": "e2", "location": [116.431, 39.921]}],
      "needs": [{"id": "chat", "elder": "e1", "service": "companionship", "duration": 9000,
                 "windows": [[32400, 34000]], "priority": 10}],
      "providers": [{"id": "p1", "kind": "staff", "level": 3, "skills": ["companionship", "emergency"],
                     "start": [116.43, 39.92], "shifts": [[32400, 43200]]}]
    });
    let before = Problem::from_json(base.to_string().as_bytes()).expect("valid");
    let mut after = base;
    after["needs"].as_array_mut().expect("a list").push(extra);
    (
        before,
        Problem::from_json(after.to_string().as_bytes()).expect("valid"),
    )
}

#[test]
fn a_higher_priority_emergency_displaces_the_lowest_priority_visit() {
    let (before, after) = busy_morning(json!({"id": "sos", "elder": "e2", "service": "emergency",
        "windows": [[36000, 36900]], "priority": 100}));
    let plan = solve(&before).expect("solves");
    assert_eq!(plan.summary.assigned, 1);
    let d = dispatch(&after, plan, "sos", None).expect("dispatches");
    assert_eq!(d.displaced.as_deref(), Some("chat"));
    assert_eq!(d.providers, ["p1"]);
    assert!(
        violations(&after, &d.plan).is_empty(),
        "{:?}",
        violations(&after, &d.plan)
    );
    assert_eq!(d.plan.unassigned.len(), 1);
    assert_eq!(d.plan.unassigned[0].need, "chat");
    assert_eq!(d.plan.unassigned[0].reason, Reason::OverCapacity);
    assert_eq!(d.plan.summary.assigned, 1);
    assert_eq!(d.plan.summary.objective.priority, 100);
}

#[test]
fn a_started_visit_is_never_displaced() {
    let (before, after) = busy_morning(json!({"id": "sos", "elder": "e2", "service": "emergency",
        "windows": [[36000, 36900]], "priority": 100}));
    let plan = solve(&before).expect("solves");
    let start = plan.routes[0].stops[0].start;
    let d = dispatch(&after, plan, "sos", Some(start)).expect("dispatches");
    assert_eq!(d.displaced, None);
    assert_eq!(d.reason.as_ref().map(|r| r.0), Some(Reason::OverCapacity));
    assert_eq!(d.plan.routes[0].stops[0].start, start);
    assert!(violations(&after, &d.plan).is_empty());
}

#[test]
fn an_emergency_nobody_is_qualified_for_says_why() {
    let (before, after) = busy_morning(json!({"id": "sos", "elder": "e2", "service": "rehab",
        "windows": [[36000, 36900]], "priority": 100}));
    let plan = solve(&before).expect("solves");
    let d = dispatch(&after, plan.clone(), "sos", None).expect("dispatches");
    assert_eq!(
        d.reason.as_ref().map(|r| r.0),
        Some(Reason::NoQualifiedProvider)
    );
    assert_eq!(d.plan.routes, plan.routes);
    assert!(violations(&after, &d.plan).is_empty());
}

#[test]
fn bad_requests_are_errors_naming_the_field() {
    let (before, after) = busy_morning(json!({"id": "sos", "elder": "e2", "service": "emergency",
        "windows": [[36000, 36900]]}));
    let plan = solve(&before).expect("solves");
    let e = dispatch(&after, plan.clone(), "nope", None).unwrap_err();
    assert_eq!(e.path().to_string(), "need");
    let mut bad = plan.clone();
    bad.routes[0].shift = 5;
    let e = dispatch(&after, bad, "sos", None).unwrap_err();
    assert_eq!(e.path().to_string(), "plan.routes[0].shift");
    let mut bad = plan.clone();
    bad.routes[0].stops[0].need = "ghost".into();
    let e = dispatch(&after, bad, "sos", None).unwrap_err();
    assert_eq!(e.path().to_string(), "plan.routes[0].stops[0].need");
    let mut served_twice = plan;
    served_twice.routes[0].stops[0].need = "sos".into();
    let e = dispatch(&after, served_twice, "sos", None).unwrap_err();
    assert_eq!(e.path().to_string(), "plan.routes[0].stops[0].need");
}
