//! `app().oneshot` tests: every route and every error code of the table, without a
//! socket.

#![allow(clippy::unwrap_used)] // in tests an unwrap is an assertion

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use carematch_server::{app, Config};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

fn config() -> Config {
    Config {
        max_body_bytes: 1 << 20,
        max_time_limit_ms: 200,
        ..Config::default()
    }
}

fn problem() -> Value {
    json!({
        "elders": [
            {"id": "e1", "location": [116.43, 39.92]},
            {"id": "e2", "location": [116.44, 39.92]}
        ],
        "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]}],
        "providers": [{"id": "p1", "kind": "staff", "level": 2, "skills": ["meals", "emergency"],
                       "start": [116.42, 39.92], "shifts": [[36000, 50400]]}],
        "options": {"time_limit_ms": 100}
    })
}

async fn call(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let res = app.clone().oneshot(req).await.expect("the service answers");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.expect("a body").to_bytes();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, headers, body)
}

fn post(path: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .expect("a request")
}

fn post_json(path: &str, v: &Value) -> Request<Body> {
    post(path, v.to_string())
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).expect("a request")
}

/// Asserts that `/v1/check` finds `plan` feasible for `problem`.
async fn assert_feasible(app: &Router, problem: &Value, plan: &Value) {
    let req = json!({"problem": problem, "plan": plan});
    let (_, _, v) = call(app, post_json("/v1/check", &req)).await;
    assert_eq!(v["feasible"], true, "{v}");
}

/// The plan session a `POST /v1/plans` answer names in its `Location`.
fn session_id(headers: &axum::http::HeaderMap) -> String {
    let at = headers[header::LOCATION].to_str().expect("a Location");
    at.rsplit('/').next().expect("an id").to_owned()
}

fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn plans_solves_and_opens_a_session() {
    let app = app(config()).unwrap();
    let (status, headers, plan) = call(&app, post_json("/v1/plans", &problem())).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["summary"]["assigned"], 1);
    let location = headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with("/v1/plans/"));
    assert!(headers.contains_key("x-request-id"));
    let (status, _, again) = call(&app, get(&location)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["routes"], plan["routes"]);
    let (status, _, body) = call(&app, get("/v1/plans/nope")).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::NOT_FOUND, "not_found")
    );
}

#[tokio::test]
async fn the_time_limit_is_clamped_to_the_servers_maximum() {
    let app = app(config()).unwrap();
    let mut p = problem();
    p["options"]["time_limit_ms"] = json!(3_600_000);
    let started = std::time::Instant::now();
    let (status, _, plan) = call(&app, post_json("/v1/plans", &p)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(plan["summary"]["solve_ms"].as_u64().unwrap() < 5_000);
}

#[tokio::test]
async fn check_lists_violations() {
    let app = app(config()).unwrap();
    let (_, _, plan) = call(&app, post_json("/v1/plans", &problem())).await;
    let (status, _, ok) = call(
        &app,
        post_json("/v1/check", &json!({"problem": problem(), "plan": plan})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{ok}");
    assert_eq!(ok, json!({"feasible": true, "violations": []}));
    let mut bad = plan.clone();
    bad["routes"][0]["stops"][0]["start"] = json!(100);
    let (status, _, v) = call(
        &app,
        post_json("/v1/check", &json!({"problem": problem(), "plan": bad})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["feasible"], false);
    assert!(
        v["violations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["name"] == "window"),
        "{v}"
    );
    assert!(v["violations"][0]["path"]
        .as_str()
        .unwrap()
        .starts_with("/routes/0"));
}

#[tokio::test]
async fn dispatch_into_a_session_and_stateless() {
    let app = app(config()).unwrap();
    let (_, headers, plan) = call(&app, post_json("/v1/plans", &problem())).await;
    let id = session_id(&headers);
    let sos =
        json!({"id": "sos", "elder": "e2", "service": "emergency", "windows": [[40000, 40900]]});
    // Preview: the session keeps its plan.
    let req = json!({"plan_id": id, "need": sos, "now": 39000, "commit": false});
    let (status, _, out) = call(&app, post_json("/v1/dispatch", &req)).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["served"], true);
    assert_eq!(out["providers"], json!(["p1"]));
    assert_eq!(out["changed_routes"].as_array().unwrap().len(), 1);
    let (_, _, kept) = call(&app, get(&format!("/v1/plans/{id}"))).await;
    assert_eq!(kept["summary"]["assigned"], 1);
    // Commit: the session's plan now serves it, and checks out against the problem with it.
    let req = json!({"plan_id": id, "need": sos, "now": 39000});
    let (status, _, out) = call(&app, post_json("/v1/dispatch", &req)).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let (_, _, now) = call(&app, get(&format!("/v1/plans/{id}"))).await;
    assert_eq!(now["summary"]["assigned"], 2);
    let mut with = problem();
    with["needs"].as_array_mut().unwrap().push(sos.clone());
    let (_, _, v) = call(
        &app,
        post_json("/v1/check", &json!({"problem": with, "plan": now})),
    )
    .await;
    assert_eq!(v["feasible"], true, "{v}");
    // The same id again is an input error naming the need.
    let (status, _, body) = call(&app, post_json("/v1/dispatch", &req)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["path"].as_str().unwrap().starts_with("/need"),
        "{body}"
    );
    // Stateless: problem and plan in the body, the whole plan back.
    let req = json!({"problem": with, "plan": plan, "need": "sos", "now": 39000});
    let (status, _, out) = call(&app, post_json("/v1/dispatch", &req)).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["plan"]["summary"]["assigned"], 2);
    // A bad field of the new need is reported at its place in the request.
    let bad = json!({"plan_id": id, "need": {"id": "x", "elder": "e2", "service": "meals", "windows": [[5, 1]]}});
    let (status, _, body) = call(&app, post_json("/v1/dispatch", &bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["path"], "/need/windows/0", "{body}");
    // Neither form, or both.
    let (status, _, body) = call(&app, post_json("/v1/dispatch", &json!({"need": "sos"}))).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_problem")
    );
    let (status, _, _) = call(
        &app,
        post_json("/v1/dispatch", &json!({"plan_id": "gone", "need": sos})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_input_gets_the_tables_codes() {
    let app = app(config()).unwrap();
    let (status, _, body) = call(&app, post("/v1/plans", "{\"needs\": [")).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::BAD_REQUEST, "malformed_json")
    );
    let mut p = problem();
    p["needs"][0]["windows"] = json!([[43200, 39600]]);
    let (status, _, body) = call(&app, post_json("/v1/plans", &p)).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_problem")
    );
    assert_eq!(body["error"]["path"], "/needs/0/windows/0");
    let mut p = problem();
    p["bogus"] = json!(1);
    let (status, _, _) = call(&app, post_json("/v1/plans", &p)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Inside /v1/check, the path names the problem.
    let mut p = problem();
    p["needs"][0]["elder"] = json!("nobody");
    let (status, _, body) = call(
        &app,
        post_json("/v1/check", &json!({"problem": p, "plan": {}})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["path"].as_str().unwrap().starts_with("/p"),
        "{body}"
    );
    // Too large.
    let big = format!("{{\"elders\": [], \"pad\": \"{}\"}}", "x".repeat(2 << 20));
    let (status, _, body) = call(&app, post("/v1/plans", big)).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
    );
    // Too many needs for this server.
    let small = app_with(Config {
        max_needs: 0,
        ..config()
    });
    let (status, _, body) = call(&small, post_json("/v1/plans", &problem())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["path"], "/needs");
    // Unknown route, wrong method.
    let (status, _, body) = call(&app, get("/v2/nothing")).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let (status, _, body) = call(&app, get("/v1/dispatch")).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
}

fn app_with(c: Config) -> Router {
    app(c).unwrap()
}

#[tokio::test]
async fn an_api_key_guards_v1_and_metrics_only() {
    let app = app(Config {
        api_key: Some("s3cret".into()),
        ..config()
    })
    .unwrap();
    let (status, headers, body) = call(&app, post_json("/v1/plans", &problem())).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    let wrong = Request::get("/metrics")
        .header(header::AUTHORIZATION, "Bearer s3creT")
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&app, wrong).await.0, StatusCode::UNAUTHORIZED);
    let right = Request::post("/v1/plans")
        .header(header::AUTHORIZATION, "Bearer s3cret")
        .body(Body::from(problem().to_string()))
        .unwrap();
    assert_eq!(call(&app, right).await.0, StatusCode::OK);
    let header_form = Request::get("/metrics")
        .header("x-api-key", "s3cret")
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&app, header_form).await.0, StatusCode::OK);
    assert_eq!(call(&app, get("/healthz")).await.0, StatusCode::OK);
    assert_eq!(call(&app, get("/openapi.json")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn saturation_sheds_with_503_and_health_still_answers() {
    // One slot, no queue: while a long solve runs, the next solve is shed.
    let app = app(Config {
        solve_slots: 1,
        queue: 0,
        max_time_limit_ms: 1_500,
        ..config()
    })
    .unwrap();
    let mut slow = problem();
    slow["options"]["time_limit_ms"] = json!(1_500);
    slow["options"]["iterations"] = json!(1_000_000_000);
    let first = tokio::spawn({
        let app = app.clone();
        async move { call(&app, post_json("/v1/plans", &slow)).await.0 }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, headers, body) = call(&app, post_json("/v1/plans", &problem())).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::SERVICE_UNAVAILABLE, "saturated")
    );
    assert_eq!(headers[header::RETRY_AFTER], "1");
    let (status, _, health) = call(&app, get("/healthz")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health["in_flight"], 1);
    assert_eq!(first.await.unwrap(), StatusCode::OK);
    // Recovers at once.
    assert_eq!(
        call(&app, post_json("/v1/plans", &problem())).await.0,
        StatusCode::OK
    );
    let (_, _, metrics) = call(&app, get("/metrics")).await;
    let text = metrics.as_str().unwrap();
    assert!(text.contains("carematch_shed_total 1"), "{text}");
}

#[tokio::test]
async fn metrics_count_requests_by_route_template() {
    let app = app(config()).unwrap();
    let (_, headers, _) = call(&app, post_json("/v1/plans", &problem())).await;
    let location = headers[header::LOCATION].to_str().unwrap().to_owned();
    call(&app, get(&location)).await;
    let (status, headers, body) = call(&app, get("/metrics")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = body.as_str().unwrap();
    assert!(
        text.contains(r#"carematch_http_requests_total{route="/v1/plans",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"route="/v1/plans/{id}""#), "{text}");
    assert!(
        !text.contains(location.rsplit('/').next().unwrap()),
        "no session id in metrics"
    );
    assert!(text.contains("carematch_engine_seconds"));
    assert!(text.contains("carematch_problem_needs"));
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = app(config()).unwrap();
    let (status, _, doc) = call(&app, get("/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for (path, method) in [
        ("/v1/plans", "post"),
        ("/v1/plans/{id}", "get"),
        ("/v1/plans/{id}/view", "get"),
        ("/v1/plans/{id}.geojson", "get"),
        ("/", "get"),
        ("/v1/check", "post"),
        ("/v1/dispatch", "post"),
        ("/v1/plans/{id}/events", "post"),
        ("/v1/plans/{id}/coverage", "get"),
        ("/v1/recommend", "post"),
        ("/healthz", "get"),
        ("/metrics", "get"),
        ("/openapi.json", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{path} {method}");
    }
    let schemas = &doc["components"]["schemas"];
    for s in [
        "ProblemInput",
        "NeedInput",
        "Plan",
        "Route",
        "DispatchRequest",
        "CheckResponse",
        "ErrorBody",
    ] {
        assert!(schemas[s].is_object(), "{s}");
    }
    // `deny_unknown_fields` is in the schema, as the parser enforces it.
    assert_eq!(schemas["ProblemInput"]["additionalProperties"], false);
}

#[tokio::test]
async fn a_panic_in_an_engine_job_is_a_500_for_that_job_only() {
    use carematch_server::{error::ApiError, metrics::Metrics, JobPool};
    let engine = JobPool::new(1, 0, Duration::from_secs(5));
    let metrics = Metrics::default();
    let boom = engine
        .run(&metrics, "test", || -> u32 { panic!("boom") })
        .await;
    assert_eq!(boom, Err(ApiError::Internal));
    assert_eq!(
        ApiError::Internal.code().1,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    // The slot is free again and the next job runs.
    assert_eq!(engine.run(&metrics, "test", || 7).await, Ok(7));
    assert_eq!(engine.in_flight(), 0);
    assert!(metrics.render().contains("carematch_engine_panics_total 1"));
}

#[tokio::test]
async fn a_linked_pair_is_dispatched_whole_into_a_session() {
    let app = app(config()).unwrap();
    let mut p = problem();
    p["providers"].as_array_mut().unwrap().push(
        json!({"id": "p2", "kind": "staff", "level": 2, "skills": ["bathing"],
                     "start": [116.42, 39.92], "shifts": [[36000, 50400]]}),
    );
    p["providers"][0]["skills"] = json!(["meals", "emergency", "nursing"]);
    let (_, headers, _) = call(&app, post_json("/v1/plans", &p)).await;
    let id = session_id(&headers);
    let a = json!({"id": "bath-n", "elder": "e2", "service": "nursing", "duration": 1800,
                   "windows": [[44000, 46000]]});
    let b =
        json!({"id": "bath-a", "elder": "e2", "service": "bathing", "windows": [[44000, 46000]]});
    let link = json!({"id": "bath", "type": "together", "needs": ["bath-n", "bath-a"]});
    // A bad partner is reported at its place in the request, and nothing stays added.
    let bad = json!({"plan_id": id, "need": a, "partners": [{"id": "bath-a", "elder": "e2",
                     "service": "bathing", "windows": [[9, 1]]}], "link": link});
    let (status, _, body) = call(&app, post_json("/v1/dispatch", &bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["path"], "/partners/0/windows/0", "{body}");
    let req = json!({"plan_id": id, "need": a, "partners": [b], "link": link});
    let (status, _, out) = call(&app, post_json("/v1/dispatch", &req)).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["served"], true, "{out}");
    let mut providers: Vec<String> = serde_json::from_value(out["providers"].clone()).unwrap();
    providers.sort();
    assert_eq!(providers, ["p1", "p2"]);
    let (_, _, now) = call(&app, get(&format!("/v1/plans/{id}"))).await;
    assert_eq!(now["summary"]["assigned"], 3);
    let mut with = p.clone();
    with["needs"].as_array_mut().unwrap().extend([a, b]);
    with["links"] = json!([link]);
    assert_feasible(&app, &with, &now).await;
}

#[tokio::test]
async fn an_urgent_need_on_day_three_goes_into_a_week_session() {
    let app = app(config()).unwrap();
    let day = 86_400;
    let days = |open: i64, close: i64| -> Vec<[i64; 2]> {
        (0..3).map(|d| [d * day + open, d * day + close]).collect()
    };
    let mut p = problem();
    p["needs"] = json!([{"id": "meal", "elder": "e1", "service": "meals",
        "windows": days(39_600, 43_200), "visits": 3}]);
    p["providers"][0]["shifts"] = json!(days(36_000, 50_400));
    p["providers"][0]["max_work_total"] = json!(6 * 3_600);
    p["options"]["day_length"] = json!(day);
    let (status, headers, plan) = call(&app, post_json("/v1/plans", &p)).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["summary"]["assigned"], 3, "{plan}");
    let id = session_id(&headers);
    let sos = json!({"id": "sos", "elder": "e2", "service": "emergency", "priority": 100,
        "windows": [[2 * day + 44_000, 2 * day + 45_000]]});
    let req = json!({"plan_id": id, "need": sos, "now": 2 * day + 43_500});
    let (status, _, out) = call(&app, post_json("/v1/dispatch", &req)).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["served"], true, "{out}");
    let (_, _, now) = call(&app, get(&format!("/v1/plans/{id}"))).await;
    assert_eq!(now["summary"]["assigned"], 4, "{now}");
    let mut with = p.clone();
    with["needs"].as_array_mut().unwrap().push(sos);
    assert_feasible(&app, &with, &now).await;
}

#[tokio::test]
async fn a_session_plan_as_a_page_and_as_geojson_and_the_start_page() {
    let app = app(config()).unwrap();
    let (_, headers, plan) = call(&app, post_json("/v1/plans", &problem())).await;
    let at = headers[header::LOCATION].to_str().unwrap().to_owned();
    for path in [format!("{at}/view"), "/".to_owned()] {
        let res = app.clone().oneshot(get(&path)).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let body = res.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(text.starts_with("<!doctype html>"), "{path}");
        if path.ends_with("/view") {
            // The page carries the plan's own JSON.
            let served = &plan["routes"][0]["stops"][0]["need"];
            assert!(text.contains(&format!("\"need\":{served}")), "{path}");
        }
    }
    let (status, h, map) = call(&app, get(&format!("{at}.geojson"))).await;
    assert_eq!(status, StatusCode::OK, "{map}");
    assert_eq!(h[header::CONTENT_TYPE], "application/geo+json");
    assert_eq!(map["type"], "FeatureCollection");
    let kinds: Vec<&str> = map["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|&&k| k == "route").count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|&&k| k == "visit").count(),
        1,
        "{kinds:?}"
    );
    let (status, _, _) = call(&app, get("/v1/plans/nope/view")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn recommend_lists_options_cheapest_first_and_commits_nothing() {
    let app = app(config()).unwrap();
    let (_, headers, _) = call(&app, post_json("/v1/plans", &problem())).await;
    let id = session_id(&headers);
    let need = json!({"id": "lunch-2", "elder": "e2", "service": "meals",
        "windows": [[40000, 41000], [46000, 47000]]});
    let req = json!({"plan_id": id, "need": need, "count": 3});
    let (status, _, out) = call(&app, post_json("/v1/recommend", &req)).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let options = out["options"].as_array().unwrap();
    assert!(!options.is_empty() && options.len() <= 3, "{out}");
    let costs: Vec<i64> = options
        .iter()
        .map(|o| o["added_cost"].as_i64().unwrap())
        .collect();
    assert!(costs.windows(2).all(|w| w[0] <= w[1]), "{out}");
    for o in options {
        assert_eq!(o["providers"], json!(["p1"]));
        let (s, w) = (o["start"].as_i64().unwrap(), &o["window"]);
        assert!(
            w[0].as_i64().unwrap() <= s && s <= w[1].as_i64().unwrap(),
            "{o}"
        );
    }
    // Nothing committed: the session still has one need, and the same need can be
    // asked about again.
    let (_, _, now) = call(&app, get(&format!("/v1/plans/{id}"))).await;
    assert_eq!(now["summary"]["needs"], 1);
    let (status, _, again) = call(&app, post_json("/v1/recommend", &req)).await;
    assert_eq!((status, &again), (StatusCode::OK, &out));
    // A need nobody may serve: no option, with the reason.
    let req = json!({"plan_id": id, "need": {"id": "x", "elder": "e2", "service": "rehab",
        "windows": [[40000, 41000]]}});
    let (status, _, out) = call(&app, post_json("/v1/recommend", &req)).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["options"], json!([]));
    assert_eq!(out["reason"], "no_qualified_provider", "{out}");
}

/// A request with extra headers.
fn with_headers(mut req: Request<Body>, headers: &[(&str, &str)]) -> Request<Body> {
    for (k, v) in headers {
        req.headers_mut().insert(
            axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            axum::http::HeaderValue::from_str(v).unwrap(),
        );
    }
    req
}

/// A new emergency need at `e2`, named `id`.
fn sos(id: &str) -> Value {
    json!({"id": id, "elder": "e2", "service": "emergency", "windows": [[40000, 46000]]})
}

#[tokio::test]
async fn a_session_is_listed_versioned_with_its_history_and_deleted() {
    let app = app(config()).unwrap();
    let (_, headers, _) = call(&app, post_json("/v1/plans", &problem())).await;
    assert_eq!(headers[header::ETAG], "\"1\"");
    let id = session_id(&headers);
    let (_, _, list) = call(&app, get("/v1/plans")).await;
    assert_eq!(list["sessions"][0]["id"], id.as_str());
    assert_eq!(list["sessions"][0]["version"], 1);
    let req = json!({"plan_id": id, "need": sos("sos-1"), "now": 39000});
    let (status, headers, _) = call(&app, post_json("/v1/dispatch", &req)).await;
    assert_eq!(
        (status, &headers[header::ETAG]),
        (
            StatusCode::OK,
            &"\"2\"".parse::<axum::http::HeaderValue>().unwrap()
        )
    );
    // A GET of the version already seen is a 304.
    let again = with_headers(
        get(&format!("/v1/plans/{id}")),
        &[("if-none-match", "\"2\"")],
    );
    assert_eq!(call(&app, again).await.0, StatusCode::NOT_MODIFIED);
    let (_, _, h) = call(&app, get(&format!("/v1/plans/{id}/history"))).await;
    let kinds: Vec<&str> = h["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["created", "dispatch"]);
    assert_eq!(h["changes"][1]["request"]["added"]["need"]["id"], "sos-1");
    let (_, _, p) = call(&app, get(&format!("/v1/plans/{id}/problem"))).await;
    assert_eq!(
        p["needs"].as_array().unwrap().len(),
        1,
        "the problem as created"
    );
    // Deleted with the wrong version: refused; with the right one: gone.
    let stale = with_headers(
        Request::delete(format!("/v1/plans/{id}"))
            .body(Body::empty())
            .unwrap(),
        &[("if-match", "\"1\"")],
    );
    let (status, _, body) = call(&app, stale).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::PRECONDITION_FAILED, "version_mismatch")
    );
    let right = with_headers(
        Request::delete(format!("/v1/plans/{id}"))
            .body(Body::empty())
            .unwrap(),
        &[("if-match", "\"2\"")],
    );
    assert_eq!(call(&app, right).await.0, StatusCode::NO_CONTENT);
    assert_eq!(
        call(&app, get(&format!("/v1/plans/{id}"))).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn hostile_requests_get_a_clear_4xx_and_change_nothing() {
    let app = app(config()).unwrap();
    let (_, headers, _) = call(&app, post_json("/v1/plans", &problem())).await;
    let id = session_id(&headers);
    let version = |app: Router, id: String| async move {
        let (_, h, _) = call(&app, get(&format!("/v1/plans/{id}"))).await;
        h[header::ETAG].to_str().unwrap().to_owned()
    };
    // A stale If-Match: 412 naming the version now, nothing dispatched.
    let req = json!({"plan_id": id, "need": sos("sos-1"), "now": 39000});
    let stale = with_headers(post_json("/v1/dispatch", &req), &[("if-match", "\"7\"")]);
    let (status, h, body) = call(&app, stale).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::PRECONDITION_FAILED, "version_mismatch")
    );
    assert_eq!(h[header::ETAG], "\"1\"");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("version 1"));
    assert_eq!(version(app.clone(), id.clone()).await, "\"1\"");
    // An idempotency key: the same request twice is one dispatch, answered the same;
    // the key with another body is refused.
    let keyed =
        |r: &Value| with_headers(post_json("/v1/dispatch", r), &[("idempotency-key", "k-1")]);
    let (s1, h1, b1) = call(&app, keyed(&req)).await;
    let (s2, h2, b2) = call(&app, keyed(&req)).await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!((b1, &h1[header::ETAG]), (b2, &h2[header::ETAG]));
    assert_eq!(h2["idempotent-replayed"], "true");
    assert_eq!(version(app.clone(), id.clone()).await, "\"2\"");
    let other = json!({"plan_id": id, "need": sos("sos-2"), "now": 39000});
    let (status, _, body) = call(&app, keyed(&other)).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
    );
    assert_eq!(version(app.clone(), id.clone()).await, "\"2\"");
    // Lists with a bad page: 400 naming the parameter.
    for (path, field) in [
        ("/v1/plans?limit=0".to_owned(), "/limit"),
        ("/v1/plans?limit=many".to_owned(), "/limit"),
        ("/v1/plans?sort=id".to_owned(), ""),
        (format!("/v1/plans/{id}/history?after=x"), "/after"),
    ] {
        let (status, _, body) = call(&app, get(&path)).await;
        assert_eq!(
            (status, error_code(&body), body["error"]["path"].as_str()),
            (StatusCode::BAD_REQUEST, "invalid_query", Some(field)),
            "{path}"
        );
    }
    let (_, _, page) = call(
        &app,
        get(&format!("/v1/plans/{id}/history?after=1&limit=1")),
    )
    .await;
    assert_eq!(page["changes"][0]["version"], 2);
    // An unknown job, a job body over the limit.
    let (status, _, body) = call(&app, get("/v1/jobs/nope")).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let big = format!("{{\"elders\": [], \"pad\": \"{}\"}}", "x".repeat(2 << 20));
    let (status, _, body) = call(&app, post("/v1/jobs", big)).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
    );
    let (status, _, _) = call(
        &app,
        Request::delete("/v1/jobs/nope")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_key_over_its_rate_gets_429_with_retry_after() {
    let app = app(Config {
        key_limits: carematch_server::keys::Limits {
            rps: 1,
            burst: 2,
            jobs: 1,
        },
        ..config()
    })
    .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let (status, headers, body) = call(&app, get("/v1/plans")).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(error_code(&body), "rate_limited");
            assert!(headers.contains_key(header::RETRY_AFTER));
            assert_eq!(headers["ratelimit-limit"], "1");
            assert_eq!(headers["ratelimit-remaining"], "0");
        }
        statuses.push(status);
    }
    assert_eq!(&statuses[..2], [StatusCode::OK, StatusCode::OK]);
    assert!(
        statuses[2..].contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Refused, nothing stored: no plan was solved.
    assert_eq!(call(&app, get("/healthz")).await.0, StatusCode::OK);
    let (status, _, _) = call(&app, post_json("/v1/plans", &problem())).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn keys_from_a_file_keep_their_sessions_apart() {
    let dir = std::env::temp_dir().join(format!("cm-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("keys");
    let line = |id: &str, key: &str| format!("{id} {}\n", carematch_server::keys::hash_hex(key));
    std::fs::write(&file, line("st-1", "one") + &line("st-2", "two")).unwrap();
    let app = app(Config {
        keys_file: Some(file.clone()),
        ..config()
    })
    .unwrap();
    let as_key = |req: Request<Body>, key: &str| {
        with_headers(req, &[("authorization", &format!("Bearer {key}"))])
    };
    let (status, headers, _) = call(&app, as_key(post_json("/v1/plans", &problem()), "one")).await;
    assert_eq!(status, StatusCode::OK);
    let id = session_id(&headers);
    let (status, _, _) = call(&app, as_key(get(&format!("/v1/plans/{id}")), "one")).await;
    assert_eq!(status, StatusCode::OK);
    // Another key does not see it, nor list it; no key is refused.
    let (status, _, _) = call(&app, as_key(get(&format!("/v1/plans/{id}")), "two")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, list) = call(&app, as_key(get("/v1/plans"), "two")).await;
    assert_eq!(list["sessions"], json!([]));
    assert_eq!(
        call(&app, get("/v1/plans")).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (_, _, m) = call(&app, as_key(get("/metrics"), "one")).await;
    assert!(
        m.as_str().unwrap().contains("key=\"st-1\""),
        "metrics by key id"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn events_change_a_session_as_little_as_they_must_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    events_on(|| Config {
        store: "sqlite".into(),
        data: dir.path().to_path_buf(),
        ..config()
    })
    .await;
    // The same on PostgreSQL, when the tests have one (CI does).
    if let Some(url) = postgres() {
        events_on(|| Config {
            store: url.clone(),
            ..config()
        })
        .await
    }
}

/// The tests' PostgreSQL address, when they have one; CI must.
fn postgres() -> Option<String> {
    let url = std::env::var("CAREMATCH_TEST_POSTGRES").ok();
    assert!(
        url.is_some() || std::env::var("CI").is_err(),
        "CI runs the PostgreSQL half"
    );
    url
}

/// Events into a session of a service made by `stored`, read back by another one.
async fn events_on(stored: impl Fn() -> Config) {
    let mut two = problem();
    two["providers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "p2", "kind": "staff",
        "level": 2, "skills": ["meals", "emergency"], "start": [116.45, 39.92],
        "shifts": [[36000, 50400]]}));
    let app = app(stored()).unwrap();
    let (_, headers, _) = call(&app, post_json("/v1/plans", &two)).await;
    let id = session_id(&headers);
    let path = format!("/v1/plans/{id}/events");
    let batch = json!({"now": 39000, "improve": 500, "events": [
        {"kind": "need_cancelled", "need": "n1"},
        {"kind": "need_added", "need": {"id": "sos", "elder": "e2", "service": "emergency",
                                        "windows": [[39000, 45000]]}}]});
    let (status, headers, out) = call(&app, post_json(&path, &batch)).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["version"], 2);
    assert_eq!(headers[header::ETAG], "\"2\"");
    let changes = out["changes"].as_array().unwrap();
    let n1 = changes
        .iter()
        .find(|c| c["need"] == "n1")
        .expect("n1 changed");
    assert_eq!(
        (n1["after"].clone(), n1["reason"].clone()),
        (Value::Null, json!("cancelled"))
    );
    let sos = changes
        .iter()
        .find(|c| c["need"] == "sos")
        .expect("sos placed");
    assert!(
        sos["before"].is_null() && sos["after"]["start"].as_i64().unwrap() >= 39000,
        "{sos}"
    );
    // What an event names that is not there: 422 at its path, nothing stored.
    let bad = json!({"now": 39000, "events": [{"kind": "visit_missed", "need": "nobody"}]});
    let (status, _, body) = call(&app, post_json(&path, &bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["path"]
            .as_str()
            .unwrap_or("")
            .contains("events"),
        "{body}"
    );
    let long = json!({"now": 39000, "improve": 1_000_000, "events": []});
    let (status, _, body) = call(&app, post_json(&path, &long)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["path"], "/improve", "{body}");
    // A stale version: 412.
    let stale = Request::post(&path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::IF_MATCH, "\"1\"")
        .body(Body::from(json!({"now": 39500, "events": []}).to_string()))
        .unwrap();
    let (status, _, _) = call(&app, stale).await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    let (_, _, plan) = call(&app, get(&format!("/v1/plans/{id}"))).await;
    // The rescue circle of the session's plan: every 15 minutes of the carers' shifts.
    let (status, _, cover) = call(&app, get(&format!("/v1/plans/{id}/coverage"))).await;
    assert_eq!(status, StatusCode::OK, "{cover}");
    assert_eq!(cover["target"], 900);
    assert_eq!(
        cover["slots"].as_array().unwrap().len(),
        (50400 - 36000) / 900 + 1
    );
    assert!(cover["share"].as_f64().unwrap() > 0.0, "{cover}");
    drop(app);
    // Another process on the same data: the same plan, feasible for the problem with
    // the need the events added.
    let again = carematch_server::app(stored()).unwrap();
    let (status, _, back) = call(&again, get(&format!("/v1/plans/{id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(back["routes"], plan["routes"]);
    assert_eq!(back["unassigned"], plan["unassigned"]);
    let mut with = two.clone();
    with["needs"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "sos", "elder": "e2",
        "service": "emergency", "windows": [[39000, 45000]]}));
    assert_feasible(&again, &with, &back).await;
}

#[tokio::test]
async fn recommend_at_now_offers_nothing_before_it() {
    let app = app(config()).unwrap();
    let (_, headers, _) = call(&app, post_json("/v1/plans", &problem())).await;
    let id = session_id(&headers);
    let need = json!({"id": "lunch-2", "elder": "e2", "service": "meals",
        "windows": [[40000, 41000], [46000, 47000]]});
    let all = json!({"plan_id": id, "need": need, "count": 20});
    let (_, _, before) = call(&app, post_json("/v1/recommend", &all)).await;
    let starts = |v: &Value| -> Vec<i64> {
        v["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["start"].as_i64().unwrap())
            .collect()
    };
    assert!(starts(&before).iter().any(|&s| s < 41000), "{before}");
    let at = json!({"plan_id": id, "need": need, "count": 20, "now": 41000});
    let (status, _, after) = call(&app, post_json("/v1/recommend", &at)).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert!(!starts(&after).is_empty(), "{after}");
    assert!(starts(&after).iter().all(|&s| s >= 46000), "{after}");
}

/// Two elders paying from one family's time-bank account, a volunteer who banks her
/// time, and a staff carer; each visit an hour.
fn banked() -> Value {
    json!({
        "elders": [
            {"id": "e1", "location": [116.43, 39.92], "time_bank_account": "fam"},
            {"id": "e2", "location": [116.44, 39.92], "time_bank_account": "fam"}
        ],
        "needs": [
            {"id": "n1", "elder": "e1", "service": "companionship", "duration": 3600, "windows": [[36000, 39600]]},
            {"id": "n2", "elder": "e2", "service": "companionship", "duration": 3600, "windows": [[43200, 46800]]}
        ],
        "providers": [{"id": "v1", "kind": "volunteer", "time_bank": true, "skills": ["companionship"],
                       "start": [116.42, 39.92], "shifts": [[32400, 54000]]}],
        "options": {"time_limit_ms": 100}
    })
}

/// `req` with `key` as its bearer token, when there is one.
fn bearer(req: Request<Body>, key: Option<&str>) -> Request<Body> {
    match key {
        Some(k) => with_headers(req, &[("authorization", &format!("Bearer {k}"))]),
        None => req,
    }
}

/// `GET /v1/accounts/{account}`: (balance, earned, spent, entries), checking that the
/// balance is the sum of the entries.
async fn balance(app: &Router, account: &str, key: Option<&str>) -> (i64, i64, i64, usize) {
    let (status, _, s) = call(app, bearer(get(&format!("/v1/accounts/{account}")), key)).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    let entries = s["entries"].as_array().unwrap();
    let signed: i64 = entries
        .iter()
        .map(|e| {
            let m = e["minutes"].as_i64().unwrap();
            if e["kind"] == "earned" {
                m
            } else {
                -m
            }
        })
        .sum();
    let b = s["balance"].as_i64().unwrap();
    assert_eq!(b, signed, "the balance is the sum of its entries: {s}");
    (
        b,
        s["earned"].as_i64().unwrap(),
        s["spent"].as_i64().unwrap(),
        entries.len(),
    )
}

#[tokio::test]
async fn time_bank_balances_follow_the_sessions_plans_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    accounts_on(|| Config {
        store: "sqlite".into(),
        data: dir.path().to_path_buf(),
        ..config()
    })
    .await;
    if let Some(url) = postgres() {
        // The database may hold other tests' accounts: a key of its own.
        let key = format!("accounts-{}-{}", std::process::id(), now_ns());
        accounts_on(|| Config {
            store: url.clone(),
            api_key: Some(key.clone()),
            ..config()
        })
        .await
    }
}

/// Nanoseconds since the epoch (a fresh key per run).
fn now_ns() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// Accounts over sessions of a service made by `stored`, read back by another one.
async fn accounts_on(stored: impl Fn() -> Config) {
    let app = app(stored()).unwrap();
    let key = stored().api_key;
    let key = key.as_deref();
    let (status, headers, _) = call(&app, bearer(post_json("/v1/plans", &banked()), key)).await;
    assert_eq!(status, StatusCode::OK);
    let a = session_id(&headers);
    assert_eq!(balance(&app, "v1", key).await, (120, 120, 0, 1));
    assert_eq!(balance(&app, "fam", key).await, (-120, 0, 120, 1));
    assert_eq!(balance(&app, "nobody", key).await, (0, 0, 0, 0));
    // An event cancels n1: the session's entries are replaced, never added to.
    let cancel = json!({"now": 30000, "events": [{"kind": "need_cancelled", "need": "n1"}]});
    let events = bearer(post_json(&format!("/v1/plans/{a}/events"), &cancel), key);
    let (status, _, out) = call(&app, events).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(balance(&app, "v1", key).await, (60, 60, 0, 1));
    assert_eq!(balance(&app, "fam", key).await, (-60, 0, 60, 1));
    // A second session adds its own entries; deleting the first takes its away.
    let (_, headers, _) = call(&app, bearer(post_json("/v1/plans", &banked()), key)).await;
    let b = session_id(&headers);
    assert_ne!(a, b);
    assert_eq!(balance(&app, "v1", key).await, (180, 180, 0, 2));
    let del = Request::delete(format!("/v1/plans/{a}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&app, bearer(del, key)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(balance(&app, "v1", key).await, (120, 120, 0, 1));
    drop(app);
    // Another process on the same store: the same statement.
    let again = carematch_server::app(stored()).unwrap();
    assert_eq!(balance(&again, "fam", key).await, (-120, 0, 120, 1));
    let del = Request::delete(format!("/v1/plans/{b}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        call(&again, bearer(del, key)).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(balance(&again, "fam", key).await, (0, 0, 0, 0));
}

/// A step of the ledger property: a new session of [`banked`] with three more needs
/// (durations from the byte), an event cancelling a need of a session, or a deletion.
#[derive(Debug, Clone)]
enum Step {
    Create(u8),
    Cancel(usize, usize),
    Delete(usize),
}

fn steps() -> impl proptest::strategy::Strategy<Value = Vec<Step>> {
    use proptest::prelude::*;
    proptest::collection::vec(
        prop_oneof![
            3 => any::<u8>().prop_map(Step::Create),
            3 => (0usize..4, 0usize..5).prop_map(|(s, n)| Step::Cancel(s, n)),
            1 => (0usize..4).prop_map(Step::Delete),
        ],
        1..8,
    )
}

/// [`banked`] with three more needs whose durations `seed` picks.
fn banked_with(seed: u8) -> Value {
    let mut p = banked();
    let needs = p["needs"].as_array_mut().unwrap();
    for k in 0..3u8 {
        let minutes = 20 + i64::from((seed >> (2 * k)) & 3) * 17;
        needs.push(
            json!({"id": format!("m{k}"), "elder": if k % 2 == 0 { "e1" } else { "e2" },
                          "service": "companionship", "duration": minutes * 60 + i64::from(k) * 7,
                          "windows": [[36000, 50000]]}),
        );
    }
    p
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

    /// After any sequence of sessions created, changed by events and deleted, every
    /// account's balance is the sum of its entries, and its entries are exactly what
    /// the sessions' current plans make ([`carematch_core::accounts::entries`]): a
    /// change replaces its session's entries, never adds to them.
    #[test]
    fn balances_are_the_sum_of_the_entries_of_the_current_plans(steps in steps()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let app = app(Config { store: "sqlite".into(), data: dir.path().to_path_buf(), ..config() }).unwrap();
            // (session id, problem)
            let mut live: Vec<(String, Value)> = Vec::new();
            for step in steps {
                match step {
                    Step::Create(seed) => {
                        let p = banked_with(seed);
                        let (status, headers, _) = call(&app, post_json("/v1/plans", &p)).await;
                        assert_eq!(status, StatusCode::OK);
                        live.push((session_id(&headers), p));
                    }
                    Step::Cancel(s, n) if !live.is_empty() => {
                        let (id, p) = &live[s % live.len()];
                        let need = p["needs"][n % 5]["id"].clone();
                        let batch = json!({"now": 30000, "events": [{"kind": "need_cancelled", "need": need}]});
                        let (status, _, out) = call(&app, post_json(&format!("/v1/plans/{id}/events"), &batch)).await;
                        // Cancelling a need cancelled before is refused, and changes nothing.
                        assert!(status == StatusCode::OK || status == StatusCode::UNPROCESSABLE_ENTITY, "{out}");
                    }
                    Step::Delete(s) if !live.is_empty() => {
                        let (id, _) = live.remove(s % live.len());
                        let del = Request::delete(format!("/v1/plans/{id}")).body(Body::empty()).unwrap();
                        assert_eq!(call(&app, del).await.0, StatusCode::NO_CONTENT);
                    }
                    _ => {}
                }
                // What the current plans make, account by account.
                let mut want: std::collections::BTreeMap<String, (i64, usize)> = Default::default();
                for (id, p) in &live {
                    let (_, _, plan) = call(&app, get(&format!("/v1/plans/{id}"))).await;
                    let problem = carematch_core::Problem::from_json(p.to_string().as_bytes()).unwrap();
                    let plan: carematch_core::Plan = serde_json::from_value(plan).unwrap();
                    for e in carematch_core::accounts::entries(&problem, &plan) {
                        let w = want.entry(e.account.clone()).or_default();
                        *w = (w.0 + e.signed(), w.1 + 1);
                    }
                }
                for account in ["v1", "fam"] {
                    let (b, _, _, n) = balance(&app, account, None).await;
                    assert_eq!((b, n), want.get(account).copied().unwrap_or_default(), "{account}");
                }
            }
        });
    }
}
