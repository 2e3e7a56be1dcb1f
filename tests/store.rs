//! What survives the process, end to end with the real `carematch serve`: dispatches
//! answered 200 survive a `kill -9` (SQLite, PostgreSQL); two replicas on one
//! PostgreSQL lose none of each other's changes; solve jobs queue per key, run,
//! cancel within a second, come back after a kill, and give the blocking solve's plan.
//!
//! The PostgreSQL tests need `CAREMATCH_TEST_POSTGRES` (an address whose role may
//! create databases; `.ci/run` starts Debian's PostgreSQL and sets it). Each test
//! makes a database of its own and drops it.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use carematch_core::{Plan, Problem, ProblemInput};
use serde_json::{json, Value};

use crate::serve::{agent, send, try_send, Server};

/// The PostgreSQL address of the tests, when given; on CI it must be.
fn postgres() -> Option<String> {
    let url = std::env::var("CAREMATCH_TEST_POSTGRES").ok();
    if url.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "CI runs the PostgreSQL tests: set CAREMATCH_TEST_POSTGRES"
        );
        eprintln!("CAREMATCH_TEST_POSTGRES not set: the PostgreSQL half of this test is skipped");
    }
    url
}

/// A database of its own for one test, dropped after it.
struct Database {
    admin: String,
    name: String,
    url: String,
}

impl Database {
    fn new(admin: &str) -> Self {
        let name = format!("cm_test_{}", uuid::Uuid::new_v4().simple());
        let mut c = postgres::Client::connect(admin, postgres::NoTls).unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let (head, _) = admin.rsplit_once('/').unwrap();
        Self {
            url: format!("{head}/{name}"),
            admin: admin.to_owned(),
            name,
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// A generated city of `needs` needs, solved quickly.
fn city(needs: usize, seed: u64) -> Value {
    let mut p = serde_json::to_value(carematch_synth::generate(needs, seed)).unwrap();
    p["options"] = json!({"iterations": 2_000, "time_limit_ms": 30_000, "seed": 1});
    p
}

/// Solves `problem` on `server` as a session: its id.
fn session(server: &Server, problem: &Value) -> String {
    let res = agent()
        .post(&server.url("/v1/plans"))
        .send_json(problem.clone())
        .unwrap();
    let at = res.header("location").unwrap().to_owned();
    at.rsplit('/').next().unwrap().to_owned()
}

/// An emergency at elder `elder`, named `id`.
fn sos(id: &str, elder: &str) -> Value {
    json!({"id": id, "elder": elder, "service": "emergency", "windows": [[34_000, 61_000]],
           "priority": 100})
}

/// The session's plan, its problem with every need its history added, and the needs
/// its changes dispatched, read from `server`.
fn read_back(server: &Server, id: &str) -> (Plan, Problem, Vec<String>) {
    let (status, plan) = send(agent().get(&server.url(&format!("/v1/plans/{id}"))), None);
    assert_eq!(status, 200, "{plan}");
    let plan: Plan = serde_json::from_value(plan).unwrap();
    let (_, base) = send(
        agent().get(&server.url(&format!("/v1/plans/{id}/problem"))),
        None,
    );
    let input: ProblemInput = serde_json::from_value(base).unwrap();
    let mut problem = Problem::from_input(input).unwrap();
    let mut added = Vec::new();
    let mut after = 0;
    loop {
        let url = server.url(&format!("/v1/plans/{id}/history?after={after}&limit=1000"));
        let (_, h) = send(agent().get(&url), None);
        for c in h["changes"].as_array().unwrap() {
            if let Some(a) = c["request"].get("added") {
                let need = serde_json::from_value(a["need"].clone()).unwrap();
                let elder = a
                    .get("elder")
                    .map(|e| serde_json::from_value(e.clone()).unwrap());
                problem.push_need(need, elder).unwrap();
                added.push(a["need"]["id"].as_str().unwrap().to_owned());
            }
        }
        match h["next"].as_i64() {
            Some(n) => after = n,
            None => break,
        }
    }
    (plan, problem, added)
}

/// Every need the plan serves or lists as unassigned.
fn accounted(plan: &Plan) -> HashSet<String> {
    let mut seen: HashSet<String> = plan
        .routes
        .iter()
        .flat_map(|r| r.stops.iter().map(|s| s.need.clone()))
        .collect();
    seen.extend(plan.unassigned.iter().map(|u| u.need.clone()));
    seen
}

/// Dispatches into session `id` of `server` from four threads until the server is
/// gone or `each` were sent per thread; the needs answered 200.
fn dispatch_until_gone(
    urls: Vec<String>,
    id: &str,
    elders: &[String],
    each: usize,
) -> Vec<std::thread::JoinHandle<Vec<String>>> {
    (0..4)
        .map(|t| {
            let (url, id, elders) = (urls[t % urls.len()].clone(), id.to_owned(), elders.to_vec());
            std::thread::spawn(move || {
                let mut ok = Vec::new();
                for k in 0..each {
                    let need = format!("sos-{t}-{k}");
                    let elder = &elders[(t * 997 + k * 31) % elders.len()];
                    let body = json!({"plan_id": id, "need": sos(&need, elder), "now": 30_000});
                    match try_send(agent().post(&url), Some(&body)) {
                        Some((200, _)) => ok.push(need),
                        Some((status, b)) => panic!("dispatch answered {status}: {b}"),
                        None => break,
                    }
                }
                ok
            })
        })
        .collect()
}

fn elders(problem: &Value) -> Vec<String> {
    problem["elders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Kills `server` with SIGKILL while dispatches are in flight into a 2,000-need
/// session, restarts it with `again`, and checks that every dispatch answered 200 is
/// in the plan, none half applied, and the plan passes the checker.
fn answered_dispatches_survive_a_kill(mut server: Server, again: impl FnOnce() -> Server) {
    let problem = city(2_000, 3);
    let id = session(&server, &problem);
    let threads = dispatch_until_gone(
        vec![server.url("/v1/dispatch")],
        &id,
        &elders(&problem),
        1_000,
    );
    std::thread::sleep(Duration::from_millis(1_500));
    server.kill9();
    let answered: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    assert!(
        answered.len() >= 8,
        "dispatches ran before the kill: {}",
        answered.len()
    );
    let server = again();
    let (plan, problem, added) = read_back(&server, &id);
    let seen = accounted(&plan);
    for need in &answered {
        assert!(
            seen.contains(need),
            "{need} was answered 200 and is not in the plan"
        );
    }
    // Every stored change is whole: its need is in the plan and in the problem.
    assert!(added.len() >= answered.len());
    for need in &added {
        assert!(
            seen.contains(need),
            "{need} is in the history, not in the plan"
        );
    }
    let violations = carematch_core::check(&problem, &plan);
    assert!(
        violations.is_empty(),
        "{:?}",
        violations.iter().map(|v| v.to_string()).collect::<Vec<_>>()
    );
    assert_eq!(plan.summary.needs as usize, problem.needs().len());
}

#[cfg(unix)]
#[test]
fn kill_9_loses_no_answered_dispatch_sqlite() {
    let mut server = Server::start(&[]);
    let data = server.data.take().unwrap();
    let path = data.path().display().to_string();
    answered_dispatches_survive_a_kill(server, || Server::spawn(&["--data".into(), path.clone()]));
    drop(data);
}

#[cfg(unix)]
#[test]
fn kill_9_loses_no_answered_dispatch_postgres() {
    let Some(admin) = postgres() else { return };
    let db = Database::new(&admin);
    let args = vec!["--store".to_owned(), db.url.clone()];
    let server = Server::spawn(&args);
    answered_dispatches_survive_a_kill(server, || Server::spawn(&args));
}

#[test]
fn two_replicas_on_one_postgres_lose_nothing() {
    let Some(admin) = postgres() else { return };
    let db = Database::new(&admin);
    let args = vec!["--store".to_owned(), db.url.clone()];
    let (a, b) = (Server::spawn(&args), Server::spawn(&args));
    let problem = city(400, 5);
    let id = session(&a, &problem);
    let plan_of = |s: &Server| send(agent().get(&s.url(&format!("/v1/plans/{id}"))), None).1;
    assert_eq!(
        plan_of(&a),
        plan_of(&b),
        "a session made through one is read through the other"
    );
    // One dispatch through A, read through B.
    let first = json!({"plan_id": id, "need": sos("first", &elders(&problem)[0]), "now": 30_000});
    assert_eq!(
        send(agent().post(&a.url("/v1/dispatch")), Some(&first)).0,
        200
    );
    assert!(accounted(&serde_json::from_value(plan_of(&b)).unwrap()).contains("first"));
    // 50 at once through both: every one answered 200 is in, none twice.
    let urls = [a.url("/v1/dispatch"), b.url("/v1/dispatch")];
    let threads: Vec<_> = (0..10)
        .map(|t| {
            let (url, id, elders) = (urls[t % 2].clone(), id.clone(), elders(&problem));
            std::thread::spawn(move || {
                (0..5)
                    .map(|k| {
                        let need = format!("sos-{t}-{k}");
                        let body = json!({"plan_id": id, "need": sos(&need, &elders[(t * 37 + k) % elders.len()]), "now": 30_000});
                        let (status, out) = send(agent().post(&url), Some(&body));
                        assert_eq!(status, 200, "{out}");
                        need
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let answered: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    assert_eq!(answered.len(), 50);
    assert_eq!(plan_of(&a), plan_of(&b), "both replicas read the same plan");
    let (plan, problem, added) = read_back(&a, &id);
    assert_eq!(added.len(), 51, "every change stored once");
    let unique: HashSet<&String> = added.iter().collect();
    assert_eq!(unique.len(), 51, "none applied twice");
    let seen = accounted(&plan);
    assert!(answered.iter().all(|n| seen.contains(n)));
    assert!(carematch_core::check(&problem, &plan).is_empty());
}

/// A key file of two keys, `a` and `b`, each running at most two jobs: the folder
/// holding it.
fn keys() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let line = |id: &str| format!("{id} {} jobs=2\n", carematch_server::keys::hash_hex(id));
    std::fs::write(dir.path().join("keys"), line("a") + &line("b")).unwrap();
    dir
}

/// `method path` as key `key`, with `body`.
fn as_key(
    server: &Server,
    key: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let req = agent()
        .request(method, &server.url(path))
        .set("authorization", &format!("Bearer {key}"));
    send(req, body)
}

/// Waits until `f` holds (up to `secs`), checking every 50 ms.
fn wait_until(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < until {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// A problem that solves until cancelled (a minute at most).
fn long_problem() -> Value {
    let mut p = city(200, 9);
    p["options"] = json!({"iterations": 1_000_000_000, "time_limit_ms": 60_000});
    p
}

#[test]
fn jobs_queue_per_key_run_cancel_and_give_the_blocking_plan() {
    let dir = keys();
    let file = dir.path().join("keys").display().to_string();
    let server = Server::start(&[
        "--solve-slots",
        "3",
        "--keys",
        &file,
        "--key-rps",
        "1000",
        "--key-burst",
        "1000",
    ]);
    let long = long_problem();
    let ids: Vec<String> = (0..10)
        .map(|_| {
            let (status, job) = as_key(&server, "a", "POST", "/v1/jobs", Some(&long));
            assert_eq!(status, 202, "{job}");
            job["id"].as_str().unwrap().to_owned()
        })
        .collect();
    let state = |key: &str, id: &str| {
        as_key(&server, key, "GET", &format!("/v1/jobs/{id}"), None).1["state"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let count = |want: &str| ids.iter().filter(|id| state("a", id) == want).count();
    assert!(
        wait_until(20, || count("running") == 2),
        "two of key a's jobs run"
    );
    std::thread::sleep(Duration::from_millis(1_000));
    assert_eq!(
        (count("running"), count("queued")),
        (2, 8),
        "the rest wait in the queue"
    );
    // Another key's job runs meanwhile.
    let (_, other) = as_key(&server, "b", "POST", "/v1/jobs", Some(&long));
    let other = other["id"].as_str().unwrap().to_owned();
    assert!(wait_until(20, || state("b", &other) == "running"));
    // A cancel ends a running job within a second; a queued one takes its place.
    let running = ids
        .iter()
        .find(|id| state("a", id) == "running")
        .unwrap()
        .clone();
    let asked = Instant::now();
    let asked_answer = as_key(&server, "a", "DELETE", &format!("/v1/jobs/{running}"), None);
    let ok = wait_until(5, || state("a", &running) == "cancelled");
    assert!(
        ok,
        "{asked_answer:?} {:?}",
        as_key(&server, "a", "GET", &format!("/v1/jobs/{running}"), None)
    );
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "cancelled in {:?}",
        asked.elapsed()
    );
    assert!(wait_until(20, || count("running") == 2));
    for id in &ids {
        as_key(&server, "a", "DELETE", &format!("/v1/jobs/{id}"), None);
    }
    as_key(&server, "b", "DELETE", &format!("/v1/jobs/{other}"), None);
    assert!(wait_until(10, || count("cancelled") == 10
        && state("b", &other) == "cancelled"));
    // A finished job's plan is the blocking solve's (same seed, threads, iterations).
    let mut small = city(150, 4);
    small["options"] = json!({"iterations": 3_000, "seed": 5, "time_limit_ms": 60_000});
    let (_, job) = as_key(&server, "b", "POST", "/v1/jobs", Some(&small));
    let id = job["id"].as_str().unwrap().to_owned();
    assert!(wait_until(60, || state("b", &id) == "done"));
    let (_, done) = as_key(&server, "b", "GET", &format!("/v1/jobs/{id}"), None);
    let (_, mut from_job) = as_key(&server, "b", "GET", done["plan"].as_str().unwrap(), None);
    let (_, mut blocking) = as_key(&server, "b", "POST", "/v1/plans", Some(&small));
    from_job["summary"]["solve_ms"] = json!(0);
    blocking["summary"]["solve_ms"] = json!(0);
    assert_eq!(from_job, blocking);
}

#[cfg(unix)]
#[test]
fn a_job_running_when_the_server_is_killed_runs_again() {
    let mut server = Server::start(&["--solve-slots", "1"]);
    let data = server.data.take().unwrap();
    let post = |s: &Server, p: &Value| {
        send(agent().post(&s.url("/v1/jobs")), Some(p)).1["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let long = post(&server, &long_problem());
    let mut small = city(100, 2);
    small["options"] = json!({"iterations": 1_000});
    let queued = post(&server, &small);
    let job = |s: &Server, id: &str| send(agent().get(&s.url(&format!("/v1/jobs/{id}"))), None).1;
    assert!(wait_until(20, || job(&server, &long)["state"] == "running"));
    server.kill9();
    let server = Server::spawn(&[
        "--solve-slots".into(),
        "1".into(),
        "--data".into(),
        data.path().display().to_string(),
    ]);
    // Run again (a second start), and the queued one after it.
    let again = |j: Value| j["state"] == "running" && j["attempts"] == 2;
    assert!(
        wait_until(20, || again(job(&server, &long))),
        "{}",
        job(&server, &long)
    );
    assert_eq!(job(&server, &queued)["state"], "queued");
    send(
        agent().delete(&server.url(&format!("/v1/jobs/{long}"))),
        None,
    );
    assert!(wait_until(60, || job(&server, &queued)["state"] == "done"));
    drop(data);
}

/// A volunteer who banks her time, visiting an elder whose family pays from its
/// account: an hour.
fn banked() -> Value {
    json!({
        "elders": [{"id": "e1", "location": [116.43, 39.92], "time_bank_account": "fam"}],
        "needs": [{"id": "n1", "elder": "e1", "service": "companionship", "duration": 3600,
                   "windows": [[36000, 39600]]}],
        "providers": [{"id": "v1", "kind": "volunteer", "time_bank": true, "skills": ["companionship"],
                       "start": [116.42, 39.92], "shifts": [[32400, 54000]]}],
        "options": {"time_limit_ms": 1000}
    })
}

/// `carematch account ACCOUNT --data DIR`: (status, statement).
fn account_cli(account: &str, data: &str) -> (i32, Value) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carematch"))
        .args(["account", account, "--data", data])
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), v)
}

#[cfg(unix)]
#[test]
fn time_bank_statements_survive_a_kill_and_the_command_line_reads_them() {
    let mut server = Server::start(&[]);
    let data = server.data.take().unwrap();
    let path = data.path().display().to_string();
    let id = session(&server, &banked());
    let (status, over_http) = send(agent().get(&server.url("/v1/accounts/v1")), None);
    assert_eq!((status, over_http["balance"].clone()), (200, json!(60)));
    server.kill9();
    // The store as the killed server left it: the same statement, from the CLI.
    let (code, v1) = account_cli("v1", &path);
    assert_eq!(code, 0);
    assert_eq!(v1, over_http);
    let (_, fam) = account_cli("fam", &path);
    assert_eq!(
        (fam["balance"].clone(), fam["spent"].clone()),
        (json!(-60), json!(60))
    );
    assert_eq!(fam["entries"][0]["session"], json!(id));
    // No store there: a clear error, exit status 2.
    let empty = tempfile::tempdir().unwrap();
    let (code, _) = account_cli("v1", &empty.path().display().to_string());
    assert_eq!(code, 2);
    drop(data);
}
