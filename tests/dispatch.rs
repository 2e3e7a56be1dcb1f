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
        past_kept(&plan, &d.plan, open - 600);
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

/// Every visit of `after` that started by `now` in `before` kept its start; every
/// other one (moved, or new) starts at `now` or later.
fn past_kept(before: &Plan, after: &Plan, now: i64) {
    for s in after.routes.iter().flat_map(|r| &r.stops) {
        let was = before
            .routes
            .iter()
            .flat_map(|r| &r.stops)
            .find(|o| o.need == s.need);
        match was {
            Some(o) if o.start <= now => assert_eq!(o.start, s.start, "the past moved"),
            _ => assert!(
                s.start >= now,
                "{} placed at {} before now {now}",
                s.need,
                s.start
            ),
        }
    }
}

/// The street: p1 cleans next door to the caller from 39,600 to 43,600; p2 is
/// idle at her station about 2 km away; the caller's emergency is `sos`.
fn rescue_street(sos_window: [i64; 2], extra: serde_json::Value) -> (Problem, Plan) {
    let mut sos = json!({"id": "sos", "elder": "e2", "service": "emergency",
                         "windows": [sos_window], "priority": 100});
    if let (Some(o), Some(extra)) = (sos.as_object_mut(), extra.as_object()) {
        o.extend(extra.clone());
    }
    let base = json!({
        "elders": [{"id": "e1", "location": [116.4300, 39.9200]},
                   {"id": "e2", "location": [116.4302, 39.9200]}],
        "needs": [{"id": "clean", "elder": "e1", "service": "cleaning", "duration": 4000,
                   "windows": [[39600, 39600]]}],
        "providers": [
            {"id": "p1", "kind": "staff", "level": 2, "skills": ["cleaning", "emergency"],
             "start": [116.4300, 39.9200], "shifts": [[36000, 64800]]},
            {"id": "p2", "kind": "staff", "level": 2, "skills": ["emergency"],
             "start": [116.4535, 39.9200], "shifts": [[36000, 64800]]}],
        "options": {"threads": 1, "iterations": 100}
    });
    let input: ProblemInput = serde_json::from_value(base).expect("a problem");
    let plan = solve(&Problem::from_input(input.clone()).expect("valid")).expect("solves");
    assert_eq!(plan.routes.len(), 1, "p1 cleans");
    (with_need(&input, sos), plan)
}

#[test]
fn an_emergency_goes_to_the_carer_who_can_be_there_first() {
    let (problem, plan) = rescue_street([39900, 45000], json!({}));
    let d = dispatch(&problem, plan, "sos", Some(39900)).expect("dispatches");
    assert_eq!(d.providers, ["p2"], "{:?}", d.reason);
    let eta = d.eta.expect("an eta");
    assert_eq!(d.start, Some(eta));
    // 2 km at the default speed: about 11 minutes, inside the 15-minute circle.
    assert!((39900 + 420..=39900 + 900).contains(&eta), "eta {eta}");
    assert_eq!(d.target_met, Some(true));
    assert_eq!(d.responder.as_deref(), Some("p2"));
    assert!(violations(&problem, &d.plan).is_empty());
}

#[test]
fn nothing_is_placed_before_now() {
    let (problem, plan) = rescue_street([36000, 50000], json!({}));
    let d = dispatch(&problem, plan.clone(), "sos", Some(45000)).expect("dispatches");
    assert!(d.start.is_some_and(|s| s >= 45000), "{:?}", d.start);
    past_kept(&plan, &d.plan, 45000);
    assert!(violations(&problem, &d.plan).is_empty());
}

#[test]
fn an_emergency_nobody_can_reach_in_time_says_who_could_and_when() {
    // A 5-minute target: p2 needs about 11 minutes, p1 is busy until 43,600.
    let (problem, plan) = rescue_street([39900, 45000], json!({"response_within": 300}));
    let d = dispatch(&problem, plan.clone(), "sos", Some(39900)).expect("dispatches");
    assert!(d.providers.is_empty());
    assert_eq!(
        d.reason.as_ref().map(|r| r.0),
        Some(Reason::NoResponderInTime)
    );
    assert_eq!(d.target_met, Some(false));
    assert_eq!(d.responder.as_deref(), Some("p2"));
    assert!(d.eta.is_some_and(|e| e > 39900 + 300));
    assert_eq!(
        d.plan.routes, plan.routes,
        "nothing moves for a need not served"
    );
    let listed = d
        .plan
        .unassigned
        .iter()
        .find(|u| u.need == "sos")
        .expect("listed");
    assert_eq!(listed.reason, Reason::NoResponderInTime);
    assert!(violations(&problem, &d.plan).is_empty());
}

#[test]
fn dispatches_at_any_now_keep_the_past_and_their_targets() {
    let (input, plan) = city(400, 5);
    let (mut met, mut missed) = (0, 0);
    for (k, elder) in input.elders.iter().step_by(13).take(24).enumerate() {
        let now = 8 * 3600 + (k as i64 * 1361) % (9 * 3600);
        let service = if k % 2 == 0 { "emergency" } else { "meals" };
        let problem = with_need(
            &input,
            json!({"id": "sos", "elder": elder.id, "service": service,
                   "windows": [[now - 7200, now + 14400]], "priority": 90}),
        );
        let d = dispatch(&problem, plan.clone(), "sos", Some(now)).expect("dispatches");
        assert!(
            violations(&problem, &d.plan).is_empty(),
            "{:?}",
            violations(&problem, &d.plan)
        );
        past_kept(&plan, &d.plan, now);
        match (service, d.target_met) {
            ("emergency", Some(true)) => {
                met += 1;
                assert!(d.start.is_some_and(|s| s <= now + 900), "{:?}", d.start);
            }
            ("emergency", Some(false)) => {
                missed += 1;
                if d.reason.as_ref().map(|r| r.0) == Some(Reason::NoResponderInTime) {
                    assert!(d.eta.is_some_and(|e| e > now + 900), "{:?}", d.eta);
                }
            }
            ("emergency", None) => panic!("an emergency with now has a target"),
            (_, t) => assert_eq!(t, None, "a meal has no target"),
        }
    }
    assert!(met > 0, "no emergency met ({missed} missed)");
}

#[test]
fn a_carer_is_diverted_from_the_visits_she_could_no_longer_make() {
    // p1 alone: a visit next door to the caller until 36,900, then two fixed-time
    // visits 3 km east. The emergency at 36,900 fits only if both of those go.
    let input: ProblemInput = serde_json::from_value(json!({
        "elders": [{"id": "a", "location": [116.4300, 39.9200]},
                   {"id": "caller", "location": [116.4302, 39.9200]},
                   {"id": "b", "location": [116.4650, 39.9200]},
                   {"id": "c", "location": [116.4652, 39.9200]}],
        "needs": [{"id": "va", "elder": "a", "service": "check_in", "windows": [[36000, 36000]]},
                  {"id": "vb", "elder": "b", "service": "check_in", "duration": 600,
                   "windows": [[37900, 37900]]},
                  {"id": "vc", "elder": "c", "service": "check_in", "duration": 600,
                   "windows": [[38600, 38600]]}],
        "providers": [{"id": "p1", "kind": "staff", "level": 2, "skills": ["check_in", "emergency"],
                       "start": [116.4300, 39.9200], "shifts": [[35000, 64800]]}],
        "options": {"threads": 1, "iterations": 50}
    }))
    .expect("a problem");
    let plan = solve(&Problem::from_input(input.clone()).expect("valid")).expect("solves");
    assert_eq!(plan.summary.assigned, 3);
    let problem = with_need(
        &input,
        json!({"id": "sos", "elder": "caller", "service": "emergency", "windows": [[36900, 40000]]}),
    );
    let d = dispatch(&problem, plan.clone(), "sos", Some(36_900)).expect("dispatches");
    assert_eq!(d.providers, ["p1"], "{:?}", d.reason);
    assert_eq!(d.target_met, Some(true));
    assert!(d.eta.is_some_and(|e| e <= 36_900 + 900));
    let off: Vec<&str> = d.plan.unassigned.iter().map(|u| u.need.as_str()).collect();
    assert_eq!(
        off,
        ["vb", "vc"],
        "both left, each with its reason: {:?}",
        d.plan.routes
    );
    assert!(d.displaced.is_some());
    past_kept(&plan, &d.plan, 36_900);
    assert!(
        violations(&problem, &d.plan).is_empty(),
        "{:?}",
        violations(&problem, &d.plan)
    );
    // The routes the answer lists are the plan's.
    for r in &d.changed {
        assert!(d.plan.routes.contains(r) || r.stops.is_empty(), "{r:?}");
    }
}

#[test]
fn a_two_carer_visit_is_not_placed_before_now_either() {
    let input: ProblemInput = serde_json::from_value(json!({
        "elders": [{"id": "e1", "location": [116.4300, 39.9200]},
                   {"id": "e2", "location": [116.4400, 39.9200]}],
        "needs": [{"id": "meal", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]}],
        "providers": [
            {"id": "p1", "kind": "staff", "level": 2, "skills": ["meals", "bathing"],
             "start": [116.4300, 39.9200], "shifts": [[36000, 64800]]},
            {"id": "p2", "kind": "staff", "level": 2, "skills": ["bathing"],
             "start": [116.4350, 39.9200], "shifts": [[36000, 64800]]}],
        "options": {"threads": 1, "iterations": 50}
    }))
    .expect("a problem");
    let plan = solve(&Problem::from_input(input.clone()).expect("valid")).expect("solves");
    let problem = with_need(
        &input,
        json!({"id": "bath", "elder": "e2", "service": "bathing", "caregivers": 2,
               "windows": [[36000, 50000]]}),
    );
    let d = dispatch(&problem, plan.clone(), "bath", Some(45_000)).expect("dispatches");
    assert_eq!(d.providers.len(), 2, "{:?}", d.reason);
    assert!(d.start.is_some_and(|s| s >= 45_000), "{:?}", d.start);
    past_kept(&plan, &d.plan, 45_000);
    assert!(violations(&problem, &d.plan).is_empty());
}
