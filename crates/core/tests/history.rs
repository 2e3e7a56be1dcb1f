//! `history` (v1.2): past visits as input. A complaint that is not lifted keeps the
//! carer from the elder — the plan never puts them together, and the checker refuses
//! a plan that does; a lifted one does not; bad entries are errors naming the field.

use carematch_core::check::Rule;
use carematch_core::{check, solve, Problem};
use serde_json::{json, Value};

/// One elder next to carer `near`, far from carer `far`; `history` given.
fn problem(history: Value) -> Value {
    json!({
        "travel": {"metric": "euclidean", "speed": 1.0},
        "elders": [{"id": "e-1", "location": [100.0, 0.0]}],
        "needs": [{"id": "n-1", "elder": "e-1", "service": "check_in", "windows": [[0, 20000]]}],
        "providers": [
            {"id": "near", "kind": "staff", "skills": ["check_in"], "start": [0.0, 0.0], "shifts": [[0, 30000]]},
            {"id": "far", "kind": "staff", "skills": ["check_in"], "start": [5000.0, 0.0], "shifts": [[0, 30000]]}
        ],
        "history": history
    })
}

fn carer_of(v: &Value) -> String {
    let problem = Problem::from_json(v.to_string().as_bytes()).unwrap();
    let plan = solve(&problem).unwrap();
    assert!(check(&problem, &plan).is_empty());
    plan.routes[0].provider.clone()
}

#[test]
fn a_complaint_keeps_the_carer_away_until_it_is_lifted() {
    let visit = |complaint: bool, lifted: bool| {
        json!([{"elder": "e-1", "provider": "near", "service": "check_in", "start": -86_400,
                "outcome": "done", "rating": 2, "complaint": complaint, "lifted": lifted}])
    };
    assert_eq!(carer_of(&problem(json!([]))), "near");
    assert_eq!(carer_of(&problem(visit(false, false))), "near");
    assert_eq!(carer_of(&problem(visit(true, false))), "far");
    assert_eq!(carer_of(&problem(visit(true, true))), "near");
    // Never silently: the plan that ignores the complaint fails the checker.
    let free = Problem::from_json(problem(json!([])).to_string().as_bytes()).unwrap();
    let plan = solve(&free).unwrap();
    let told = Problem::from_json(problem(visit(true, false)).to_string().as_bytes()).unwrap();
    let rules: Vec<Rule> = check(&told, &plan).into_iter().map(|v| v.rule).collect();
    assert_eq!(rules, vec![Rule::Qualification]);
}

#[test]
fn bad_history_entries_are_errors_naming_the_field() {
    let err = |entry: Value| {
        Problem::from_json(problem(json!([entry])).to_string().as_bytes())
            .unwrap_err()
            .to_string()
    };
    let e = err(json!({"elder": "e-9", "provider": "near", "start": 0}));
    assert!(e.contains("history[0].elder"), "{e}");
    let e = err(json!({"elder": "e-1", "provider": "nobody", "start": 0}));
    assert!(e.contains("history[0].provider"), "{e}");
    let e = err(json!({"elder": "e-1", "provider": "near", "start": 0, "rating": 6}));
    assert!(e.contains("history[0].rating"), "{e}");
    let e = err(json!({"elder": "e-1", "provider": "near", "start": 0, "outcome": "late"}));
    assert!(e.contains("history"), "{e}");
}

/// Solves `v`, checks the plan, returns it with its problem.
fn solved(v: &Value) -> (Problem, carematch_core::wire::Plan) {
    let problem = Problem::from_json(v.to_string().as_bytes()).unwrap();
    let plan = solve(&problem).unwrap();
    let violations = check(&problem, &plan);
    assert!(violations.is_empty(), "{violations:?}");
    (problem, plan)
}

/// A week: the elder has a check-in on each of 3 days; `near` and `far` work each day.
fn week(extra: Value) -> Value {
    let mut v = json!({
        "travel": {"metric": "euclidean", "speed": 1.0},
        "elders": [{"id": "e-1", "location": [100.0, 0.0]}],
        "needs": [{"id": "n-1", "elder": "e-1", "service": "check_in", "visits": 3,
                   "windows": [[0, 20000], [86400, 106400], [172800, 192800]]}],
        "providers": [
            {"id": "near", "kind": "staff", "skills": ["check_in"], "start": [0.0, 0.0],
             "shifts": [[0, 30000], [86400, 116400], [172800, 202800]]},
            {"id": "far", "kind": "staff", "skills": ["check_in"], "start": [400.0, 0.0],
             "shifts": [[0, 30000], [86400, 116400], [172800, 202800]]}
        ],
        "options": {"day_length": 86400}
    });
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

#[test]
fn carers_an_elder_knows_from_history_are_no_carer_change() {
    let far_before = json!([{"elder": "e-1", "provider": "far", "start": -86_400}]);
    let weights = json!({"day_length": 86400, "weights": {"carer_changes": 2000}});
    // Today: the near carer makes every visit, and that is no change.
    let (_, plan) = solved(&week(json!({"options": weights})));
    assert!(plan.routes.iter().all(|r| r.provider == "near"));
    assert_eq!(plan.summary.carer_changes, Some(0));
    // The elder knows `far`: sending `near` is now a change (a stranger), worth 2,000
    // s more than the 600 s `far` travels extra a day.
    let (_, plan) = solved(&week(json!({"options": weights, "history": far_before})));
    assert!(
        plan.routes.iter().all(|r| r.provider == "far"),
        "{:?}",
        plan.routes
    );
    assert_eq!(plan.summary.carer_changes, Some(0));
    let trust = plan.summary.trust.unwrap();
    assert_eq!((trust.visits, trust.by_known), (3, 3));
    // Without a weight the history changes nothing but the count.
    let (_, plan) = solved(&week(json!({"history": far_before})));
    assert!(plan.routes.iter().all(|r| r.provider == "near"));
    assert_eq!(plan.summary.carer_changes, Some(1));
    // A missed visit does not make a carer known.
    let missed =
        json!([{"elder": "e-1", "provider": "far", "start": -86_400, "outcome": "missed"}]);
    let (_, plan) = solved(&week(json!({"options": weights, "history": missed})));
    assert!(plan.routes.iter().all(|r| r.provider == "near"));
}

#[test]
fn preferred_and_well_rated_carers_are_a_priced_preference() {
    let w = |preferred: i64| json!({"day_length": 86400, "weights": {"preferred": preferred}});
    let prefers = |v: &mut Value| v["elders"][0]["prefers"] = json!(["far"]);
    // Weight 0: `prefers` only breaks ties; the near carer travels less.
    let mut v = week(json!({"options": w(0)}));
    prefers(&mut v);
    let (_, plan) = solved(&v);
    assert!(plan.routes.iter().all(|r| r.provider == "near"));
    let t = plan.summary.trust.unwrap();
    assert_eq!((t.trusted_visits, t.by_trusted), (3, 0));
    assert_eq!(plan.summary.objective.cost, Some(plan.summary.travel));
    // A visit by a stranger costs 3,600: more than the extra travel.
    let mut v = week(json!({"options": w(3600)}));
    prefers(&mut v);
    let (_, plan) = solved(&v);
    assert!(plan.routes.iter().all(|r| r.provider == "far"));
    assert_eq!(plan.summary.objective.cost, Some(plan.summary.travel));
    // Rated 4 or more on average makes a carer trusted; 3.5 does not.
    let rated = |a: i64, b: i64| {
        json!([{"elder": "e-1", "provider": "far", "start": -172_800, "rating": a},
               {"elder": "e-1", "provider": "far", "start": -86_400, "rating": b}])
    };
    let (_, plan) = solved(&week(json!({"options": w(3600), "history": rated(5, 3)})));
    assert!(plan.routes.iter().all(|r| r.provider == "far"));
    let (_, plan) = solved(&week(json!({"options": w(3600), "history": rated(4, 3)})));
    assert!(plan.routes.iter().all(|r| r.provider == "near"));
    assert_eq!(plan.summary.trust.unwrap().trusted_visits, 0);
}

#[test]
fn a_primary_carer_is_kept_by_weight_or_by_rule_and_reported() {
    let primary = |v: &mut Value, only: bool| {
        v["elders"][0]["primary"] = json!("far");
        v["elders"][0]["primary_only"] = json!(only);
    };
    let mut v = week(json!({"options": {"day_length": 86400, "weights": {"primary": 3600}}}));
    primary(&mut v, false);
    let (_, plan) = solved(&v);
    assert!(plan.routes.iter().all(|r| r.provider == "far"));
    let t = plan.summary.trust.unwrap();
    assert_eq!(
        (t.primary_visits, t.by_primary, t.primary_share),
        (3, 3, 1.0)
    );
    // Soft without a weight: the near carer; the share says so.
    let mut v = week(json!({}));
    primary(&mut v, false);
    let (_, plan) = solved(&v);
    assert_eq!(plan.summary.trust.unwrap().primary_share, 0.0);
    // Hard: the primary or nobody. With the primary away on day 1, that visit is
    // left out: the one carer allowed has no time (`no_time`).
    let mut v = week(json!({}));
    primary(&mut v, true);
    v["providers"][1]["shifts"] = json!([[0, 30000], [172800, 202800]]);
    let (_, plan) = solved(&v);
    assert!(plan.routes.iter().all(|r| r.provider == "far"));
    assert_eq!(plan.unassigned.len(), 1);
    assert_eq!(
        serde_json::to_value(plan.unassigned[0].reason).unwrap(),
        json!("no_time")
    );
    // The plan that ignores primary_only fails the checker.
    let (_, free) = solved(&week(json!({})));
    let mut v = week(json!({}));
    primary(&mut v, true);
    let hard = Problem::from_json(v.to_string().as_bytes()).unwrap();
    assert!(check(&hard, &free)
        .iter()
        .any(|x| x.rule == Rule::Qualification));
    // primary_only without a primary is an error naming the field.
    let mut v = week(json!({}));
    v["elders"][0]["primary_only"] = json!(true);
    let e = Problem::from_json(v.to_string().as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("elders[0].primary_only"), "{e}");
    v["elders"][0]["primary"] = json!("nobody");
    let e = Problem::from_json(v.to_string().as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("elders[0].primary"), "{e}");
}

/// One carer with time for two visits; elder `a` has two urgent needs, elder `b` one
/// of low priority.
fn short_of_carers(basic_first: bool) -> Value {
    json!({
        "travel": {"metric": "euclidean", "speed": 1.0},
        "elders": [{"id": "a", "location": [100.0, 0.0]}, {"id": "b", "location": [0.0, 100.0]}],
        "needs": [
            {"id": "a1", "elder": "a", "service": "check_in", "duration": 3000, "priority": 90, "windows": [[0, 10000]]},
            {"id": "a2", "elder": "a", "service": "cleaning", "duration": 3000, "priority": 80, "windows": [[0, 10000]]},
            {"id": "b1", "elder": "b", "service": "check_in", "duration": 3000, "priority": 10, "windows": [[0, 10000]]}
        ],
        "providers": [{"id": "p", "kind": "staff", "skills": ["check_in", "cleaning"], "start": [0.0, 0.0], "shifts": [[0, 6500]]}],
        "options": {"basic_first": basic_first}
    })
}

#[test]
fn basic_first_serves_every_elder_once_before_anyone_twice() {
    let (_, plan) = solved(&short_of_carers(false));
    let e = plan.summary.elders.clone().unwrap();
    assert_eq!(
        (
            e.with_needs,
            e.served,
            e.left_with_nothing,
            e.served_twice_or_more
        ),
        (2, 1, 1, 1)
    );
    assert_eq!(plan.summary.objective.priority, 170);
    assert_eq!(plan.summary.objective.elders, None);
    let (_, plan) = solved(&short_of_carers(true));
    let e = plan.summary.elders.clone().unwrap();
    assert_eq!(
        (e.served, e.left_with_nothing, e.served_twice_or_more),
        (2, 0, 0)
    );
    // What it costs in priority served: 170 → 100.
    assert_eq!(plan.summary.objective.priority, 100);
    assert_eq!(plan.summary.objective.elders, Some(2));
    let mut served: Vec<&str> = plan.routes[0]
        .stops
        .iter()
        .map(|s| s.need.as_str())
        .collect();
    served.sort_unstable();
    assert_eq!(served, ["a1", "b1"]);
}

#[test]
fn the_checker_recounts_trust_and_elders() {
    let mut v = week(json!({"history": [{"elder": "e-1", "provider": "far", "start": -1}]}));
    v["elders"][0]["primary"] = json!("far");
    let (problem, plan) = solved(&v);
    let mut bad = plan.clone();
    bad.summary.trust.as_mut().unwrap().by_known += 1;
    bad.summary.elders.as_mut().unwrap().left_with_nothing += 1;
    bad.summary.carer_changes = Some(0);
    let paths: Vec<String> = check(&problem, &bad)
        .iter()
        .map(|x| x.path.to_string())
        .collect();
    assert!(
        paths.contains(&"summary.trust.by_known".to_string()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"summary.elders.left_with_nothing".to_string()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"summary.carer_changes".to_string()),
        "{paths:?}"
    );
}
