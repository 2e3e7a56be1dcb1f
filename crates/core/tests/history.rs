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
