//! `docs/wire-format.md` kept true: every example marked `json problem` is a problem
//! carematch accepts and solves into a plan its checker passes; every `json plan` is
//! a plan of the first problem that passes the checker; every `json error` is the
//! error carematch gives for the first problem with its window reversed.

use carematch_core::wire::Plan;
use carematch_core::{check, solve, Problem};
use serde_json::Value;

/// The examples of the reference: (kind, text), in order.
fn examples() -> Vec<(String, String)> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/wire-format.md"))
        .expect("docs/wire-format.md");
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in doc.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(tag)) if tag.starts_with("json ") => {
                open = Some((tag["json ".len()..].trim().to_owned(), String::new()));
            }
            (Some(_), Some("")) => out.extend(open.take()),
            (Some((_, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_example_of_the_reference_holds() {
    let all = examples();
    let kinds: Vec<&str> = all.iter().map(|(k, _)| k.as_str()).collect();
    assert!(
        kinds.iter().filter(|&&k| k == "problem").count() >= 3,
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&"plan") && kinds.contains(&"error"),
        "{kinds:?}"
    );
    let first = &all.iter().find(|(k, _)| k == "problem").unwrap().1;
    let first_problem = Problem::from_json(first.as_bytes()).unwrap();
    for (kind, text) in &all {
        match kind.as_str() {
            "problem" => {
                let problem =
                    Problem::from_json(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"));
                let plan = solve(&problem).unwrap();
                assert!(check(&problem, &plan).is_empty(), "{text}");
                assert!(plan.summary.assigned > 0, "{text}");
            }
            "plan" => {
                let plan: Plan =
                    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
                let v: Vec<String> = check(&first_problem, &plan)
                    .iter()
                    .map(|v| v.to_string())
                    .collect();
                assert!(v.is_empty(), "{v:?}\n{text}");
            }
            "error" => {
                let mut bad: Value = serde_json::from_str(first).unwrap();
                let w = bad["needs"][0]["windows"][0].clone();
                bad["needs"][0]["windows"][0] = serde_json::json!([w[1], w[0]]);
                let err = Problem::from_json(bad.to_string().as_bytes()).unwrap_err();
                let shown: Value = serde_json::from_str(text).unwrap();
                assert_eq!(err.to_wire(), shown);
            }
            other => panic!("unknown example kind {other}"),
        }
    }
}

/// The problem example of the reference that contains `marker`, solved and checked.
fn example_plan(marker: &str, edit: impl Fn(&mut Value)) -> Plan {
    let (_, text) = examples()
        .into_iter()
        .find(|(k, t)| k == "problem" && t.contains(marker))
        .unwrap_or_else(|| panic!("no example with {marker}"));
    let mut v: Value = serde_json::from_str(&text).unwrap();
    edit(&mut v);
    let problem = Problem::from_json(v.to_string().as_bytes()).unwrap();
    let plan = solve(&problem).unwrap();
    assert!(check(&problem, &plan).is_empty());
    plan
}

#[test]
fn the_trust_example_does_what_its_text_says() {
    // The trusted p-2 comes; without the weight, the nearer p-1; never p-3.
    let plan = example_plan("\"complaint\": true},\n", |_| {});
    assert_eq!(plan.routes[0].provider, "p-2");
    let t = plan.summary.trust.unwrap();
    assert_eq!((t.by_known, t.by_trusted, t.by_primary), (1, 1, 1));
    let plan = example_plan("\"complaint\": true},\n", |v| {
        v["options"]["weights"]["preferred"] = 0.into();
    });
    assert_eq!(plan.routes[0].provider, "p-1");
}

#[test]
fn the_basic_first_example_does_what_its_text_says() {
    let plan = example_plan("basic_first", |_| {});
    assert_eq!(plan.summary.objective.priority, 100);
    assert_eq!(plan.summary.elders.unwrap().left_with_nothing, 0);
    let plan = example_plan("basic_first", |v| {
        v["options"]["basic_first"] = false.into()
    });
    assert_eq!(plan.summary.objective.priority, 170);
    assert_eq!(plan.summary.elders.unwrap().left_with_nothing, 1);
}

#[test]
fn the_primary_only_example_does_what_its_text_says() {
    let plan = example_plan("\"primary_only\": true", |_| {});
    assert_eq!(plan.routes[0].provider, "p-2");
    let plan = example_plan("\"primary_only\": true", |v| {
        v["providers"][1]["shifts"] = serde_json::json!([[60000, 70000]]);
    });
    assert!(plan.routes.is_empty());
    assert_eq!(
        serde_json::to_value(plan.unassigned[0].reason).unwrap(),
        "no_time"
    );
}

#[test]
fn the_small_day_example_does_what_its_text_says() {
    let plan = example_plan("\"max_gap\": 3600}]", |_| {});
    let start = |need: &str| {
        plan.routes
            .iter()
            .flat_map(|r| &r.stops)
            .find(|s| s.need == need)
            .map(|s| s.start)
    };
    // The aide waits so that the nurse, there at 6,000 s, follows within the hour.
    assert_eq!((start("care"), start("meds")), (Some(2400), Some(6000)));
    let search = plan.summary.search.as_ref().unwrap();
    assert!(search.optimal);
    assert!(search.rounds >= 1);
    // Without the time to prove it, the plan is not said to be optimal.
    let plan = example_plan("\"max_gap\": 3600}]", |v| {
        v["options"] = serde_json::json!({"time_limit_ms": 0});
    });
    assert!(plan.summary.search.as_ref().is_none_or(|s| !s.optimal));
}
