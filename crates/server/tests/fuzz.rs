//! A fuzzing run of the request parsers through the whole router: random bytes,
//! random JSON, and valid requests with one field replaced by random JSON, posted to
//! every body-taking route. The service must answer every one with a status below 500,
//! and with the wire error object whenever it refuses. `PROPTEST_CASES=N` runs more.

use axum::body::Body;
use axum::http::{header, Request};
use axum::Router;
use carematch_server::{app, Config};
use http_body_util::BodyExt;
use proptest::prelude::*;
use serde_json::{json, Value};
use tower::ServiceExt;

const ROUTES: [&str; 3] = ["/v1/plans", "/v1/check", "/v1/dispatch"];

fn valid_problem() -> Value {
    json!({
        "elders": [{"id": "e1", "location": [116.43, 39.92]}],
        "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]}],
        "providers": [{"id": "p1", "kind": "staff", "level": 2, "skills": ["meals", "emergency"],
                       "start": [116.42, 39.92], "shifts": [[36000, 50400]]}],
        "options": {"time_limit_ms": 20, "iterations": 50}
    })
}

/// The plan of `problem`, as JSON.
fn valid_plan(problem: &Value) -> Value {
    let p = carematch_core::Problem::from_json(problem.to_string().as_bytes()).expect("valid");
    serde_json::to_value(carematch_core::solve(&p).expect("solves")).expect("json")
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-z0-9_]{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every (pointer to a leaf or container) of `v`.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| pointers(x, format!("{at}/{k}"), out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| pointers(x, format!("{at}/{i}"), out)),
        _ => {}
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn router() -> Router {
    app(Config {
        max_body_bytes: 1 << 16,
        max_time_limit_ms: 20,
        ..Config::default()
    })
    .expect("an app in memory")
}

fn post(rt: &tokio::runtime::Runtime, app: &Router, route: &str, body: Vec<u8>) -> (u16, Value) {
    rt.block_on(async {
        let req = Request::post(route)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .expect("a request");
        let res = app.clone().oneshot(req).await.expect("an answer");
        let status = res.status().as_u16();
        let bytes = res.into_body().collect().await.expect("a body").to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    })
}

fn assert_answer(status: u16, body: &Value) -> Result<(), TestCaseError> {
    prop_assert!(status < 500, "status {status}: {body}");
    if status >= 400 {
        prop_assert!(body["error"]["code"].is_string(), "no error object: {body}");
        prop_assert!(body["error"]["path"].is_string(), "no error path: {body}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_never_make_a_5xx(bytes in prop::collection::vec(any::<u8>(), 0..512), r in 0usize..3) {
        let (rt, app) = (runtime(), router());
        let (status, body) = post(&rt, &app, ROUTES[r], bytes);
        assert_answer(status, &body)?;
    }

    #[test]
    fn random_json_never_makes_a_5xx(v in any_json(), r in 0usize..3) {
        let (rt, app) = (runtime(), router());
        let (status, body) = post(&rt, &app, ROUTES[r], v.to_string().into_bytes());
        assert_answer(status, &body)?;
    }

    #[test]
    fn one_field_replaced_never_makes_a_5xx(pick in any::<prop::sample::Index>(), with in any_json(), r in 0usize..3) {
        let (rt, app) = (runtime(), router());
        let problem = valid_problem();
        let plan = valid_plan(&problem);
        let mut doc = match ROUTES[r] {
            "/v1/plans" => problem,
            "/v1/check" => json!({"problem": problem, "plan": plan}),
            _ => {
                let mut with = problem;
                with["needs"].as_array_mut().expect("needs").push(
                    json!({"id": "sos", "elder": "e1", "service": "emergency", "windows": [[40000, 40900]]}));
                json!({"problem": with, "plan": plan, "need": "sos", "now": 36000})
            }
        };
        let mut at = Vec::new();
        pointers(&doc, String::new(), &mut at);
        let target = &at[pick.index(at.len())];
        if target.is_empty() {
            doc = with;
        } else if let Some(slot) = doc.pointer_mut(target) {
            *slot = with;
        }
        let (status, body) = post(&rt, &app, ROUTES[r], doc.to_string().into_bytes());
        assert_answer(status, &body)?;
    }
}
