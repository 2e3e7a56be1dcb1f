//! End-to-end: the real `carematch serve` on a loopback port, called over HTTP, and
//! stopped with SIGTERM while a solve is in flight (it must finish that solve).

use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};

use crate::serve::{agent, send, Server};

fn demo_problem() -> Value {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_carematch"))
        .args(["demo", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&std::fs::read(dir.path().join("problem.json")).unwrap()).unwrap()
}

#[test]
fn the_real_server_plans_checks_and_dispatches() {
    let server = Server::start(&[]);
    let a = agent();
    let (status, health) = send(a.get(&server.url("/healthz")), None);
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));
    let mut problem = demo_problem();
    problem["options"] = json!({"time_limit_ms": 300});
    let res = a
        .post(&server.url("/v1/plans"))
        .send_json(problem.clone())
        .unwrap();
    let location = res.header("location").unwrap().to_owned();
    let plan: Value = res.into_json().unwrap();
    assert!(plan["summary"]["assigned"].as_u64().unwrap() > 0);
    let (status, verdict) = send(
        a.post(&server.url("/v1/check")),
        Some(&json!({"problem": problem, "plan": plan})),
    );
    assert_eq!(
        (status, &verdict["feasible"]),
        (200, &json!(true)),
        "{verdict}"
    );
    // An emergency at the first elder's home, into the session.
    let elder = problem["elders"][0]["id"].clone();
    let sos = json!({"id": "sos-e2e", "elder": elder, "service": "emergency",
                     "windows": [[36000, 36900]], "priority": 100});
    let id = location.rsplit('/').next().unwrap();
    let (status, out) = send(
        a.post(&server.url("/v1/dispatch")),
        Some(&json!({"plan_id": id, "need": sos, "now": 35000})),
    );
    assert_eq!(status, 200, "{out}");
    assert!(out["served"].is_boolean());
    // Errors over the wire: malformed, invalid with a path, unknown route.
    let res = a.post(&server.url("/v1/plans")).send_string("{not json");
    assert!(matches!(res, Err(ureq::Error::Status(400, _))));
    let (status, err) = send(
        a.post(&server.url("/v1/plans")),
        Some(&json!({"elders": [], "needs": [{"id": "n"}], "providers": []})),
    );
    assert_eq!(status, 422);
    assert!(
        err["error"]["path"]
            .as_str()
            .unwrap()
            .starts_with("/needs/0"),
        "{err}"
    );
    let (status, metrics) = send(a.get(&server.url("/metrics")), None);
    assert_eq!(status, 200);
    let _ = metrics; // text, not JSON
}

#[test]
fn the_real_server_needs_its_api_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, "k-123\n").unwrap();
    let server = Server::start(&["--api-key-file", key.to_str().unwrap()]);
    let a = agent();
    let (status, _) = send(a.get(&server.url("/metrics")), None);
    assert_eq!(status, 401);
    let (status, _) = send(
        a.get(&server.url("/metrics"))
            .set("Authorization", "Bearer k-123"),
        None,
    );
    assert_eq!(status, 200);
}

#[cfg(unix)]
#[test]
fn sigterm_finishes_the_solve_in_flight() {
    let mut server = Server::start(&[]);
    let mut problem = demo_problem();
    problem["options"] = json!({"time_limit_ms": 2000, "iterations": 1_000_000_000});
    let url = server.url("/v1/plans");
    let solving = std::thread::spawn(move || send(agent().post(&url), Some(&problem)));
    std::thread::sleep(Duration::from_millis(700));
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let (status, plan) = solving.join().unwrap();
    assert_eq!(status, 200, "the solve in flight is answered");
    assert!(plan["summary"]["assigned"].as_u64().unwrap() > 0);
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "exit 0 after a graceful shutdown: {exit:?}");
}
