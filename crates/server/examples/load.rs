//! A bounded, open-loop load client for `carematch serve` (loopback only; stops by
//! itself): sends requests at a fixed rate for a fixed time, measures each latency from
//! its *scheduled* send time (so a slow server cannot hide its queueing), and prints one
//! JSON line: statuses, throughput, p50/p99/max latency, and `/healthz` probed every
//! 100 ms meanwhile.
//!
//! ```text
//! cargo run --release -p carematch-server --example load -- \
//!     --url http://127.0.0.1:8080 --mode plans|dispatch --problem FILE \
//!     [--rate 100] [--seconds 20] [--workers 32] [--commit true]
//! ```
//!
//! `plans` posts FILE to `/v1/plans`. `dispatch` posts FILE once to open a session,
//! then posts one new emergency need per request (at elder `k·7919 mod elders`, a
//! 15-minute window) to `/v1/dispatch` with that `plan_id`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|k| args.get(k + 1).cloned())
}

fn fail(msg: &str) -> ! {
    eprintln!("load: {msg}");
    std::process::exit(2)
}

fn post(agent: &ureq::Agent, url: &str, body: &str) -> (u16, Option<ureq::Response>) {
    match agent
        .post(url)
        .set("content-type", "application/json")
        .send_string(body)
    {
        Ok(r) => (r.status(), Some(r)),
        Err(ureq::Error::Status(code, r)) => (code, Some(r)),
        Err(_) => (0, None), // transport error
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = arg(&args, "--url").unwrap_or_else(|| fail("--url is required"));
    if !(url.starts_with("http://127.0.0.1") || url.starts_with("http://localhost")) {
        fail("--url must be a loopback address");
    }
    let mode = arg(&args, "--mode").unwrap_or_else(|| "plans".into());
    let problem_file = arg(&args, "--problem").unwrap_or_else(|| fail("--problem is required"));
    let rate: f64 = arg(&args, "--rate")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100.0);
    let seconds: f64 = arg(&args, "--seconds")
        .and_then(|v| v.parse().ok())
        .unwrap_or(20.0);
    let workers: usize = arg(&args, "--workers")
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let commit = arg(&args, "--commit").is_none_or(|v| v != "false");
    if !(rate > 0.0 && rate <= 10_000.0 && seconds > 0.0 && seconds <= 600.0) {
        fail("--rate must be in (0, 10000] and --seconds in (0, 600]");
    }
    let problem = std::fs::read_to_string(&problem_file)
        .unwrap_or_else(|e| fail(&format!("cannot read {problem_file}: {e}")));
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(120))
        .max_idle_connections_per_host(workers)
        .build();

    // What each request sends.
    let (path, bodies): (String, Arc<dyn Fn(usize) -> String + Send + Sync>) = match mode.as_str() {
        "plans" => {
            let body = Arc::new(problem);
            (
                "/v1/plans".into(),
                Arc::new(move |_| body.as_str().to_owned()),
            )
        }
        "dispatch" => {
            let elders: Vec<String> = serde_json::from_str::<Value>(&problem)
                .ok()
                .and_then(|v| v["elders"].as_array().cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(|e| e["id"].as_str().map(str::to_owned))
                .collect();
            if elders.is_empty() {
                fail("the problem has no elders");
            }
            let t = Instant::now();
            let (status, res) = post(&agent, &format!("{url}/v1/plans"), &problem);
            let location = res
                .as_ref()
                .and_then(|r| r.header("location").map(str::to_owned))
                .unwrap_or_else(|| {
                    fail(&format!(
                        "POST /v1/plans answered {status} without a session"
                    ))
                });
            let plan_id = location.rsplit('/').next().unwrap_or_default().to_owned();
            eprintln!(
                "load: session {plan_id} opened in {:.1} s",
                t.elapsed().as_secs_f64()
            );
            let run = std::process::id();
            (
                "/v1/dispatch".into(),
                Arc::new(move |k| {
                    let open = 8 * 3600 + ((k * 1237) % (9 * 3600)) as i64;
                    json!({
                        "plan_id": plan_id,
                        "need": {"id": format!("sos-{run}-{k}"), "elder": elders[(k * 7919) % elders.len()],
                                 "service": "emergency", "windows": [[open, open + 900]], "priority": 100},
                        "commit": commit
                    })
                    .to_string()
                }),
            )
        }
        _ => fail("--mode is plans or dispatch"),
    };

    let total = (rate * seconds).round() as usize;
    let next = Arc::new(AtomicUsize::new(0));
    let results = Arc::new(Mutex::new(Vec::with_capacity(total)));
    let health = Arc::new(Mutex::new(Vec::new()));
    let start = Instant::now() + Duration::from_millis(200);
    let stop = start + Duration::from_secs_f64(seconds);
    let probe = {
        let (agent, url, health) = (agent.clone(), url.clone(), health.clone());
        std::thread::spawn(move || {
            while Instant::now() < stop {
                let t = Instant::now();
                let status = match agent.get(&format!("{url}/healthz")).call() {
                    Ok(r) => r.status(),
                    Err(ureq::Error::Status(c, _)) => c,
                    Err(_) => 0,
                };
                let ms = t.elapsed().as_secs_f64() * 1e3;
                health
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((status, ms));
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let threads: Vec<_> = (0..workers)
        .map(|_| {
            let (agent, next, results, bodies) =
                (agent.clone(), next.clone(), results.clone(), bodies.clone());
            let target = format!("{url}{path}");
            std::thread::spawn(move || loop {
                let k = next.fetch_add(1, Ordering::SeqCst);
                if k >= total {
                    break;
                }
                let at = start + Duration::from_secs_f64(k as f64 / rate);
                let now = Instant::now();
                if at > now {
                    std::thread::sleep(at - now);
                }
                let body = bodies(k);
                let (status, res) = post(&agent, &target, &body);
                if let Some(r) = res {
                    let _ = r.into_string(); // read the body: the latency includes it
                }
                let ms = at.elapsed().as_secs_f64() * 1e3;
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((status, ms));
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    let _ = probe.join();
    let elapsed = start.elapsed().as_secs_f64();
    let results = results.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    for (s, _) in &results {
        *statuses.entry(s.to_string()).or_default() += 1;
    }
    let mut ok: Vec<f64> = results
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|r| r.1)
        .collect();
    ok.sort_by(f64::total_cmp);
    let mut all: Vec<f64> = results.iter().map(|r| r.1).collect();
    all.sort_by(f64::total_cmp);
    let health = health.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let mut hl: Vec<f64> = health.iter().map(|h| h.1).collect();
    hl.sort_by(f64::total_cmp);
    println!(
        "{}",
        json!({
            "mode": mode, "rate": rate, "seconds": seconds, "sent": results.len(),
            "statuses": statuses,
            "throughput_ok_per_s": ok.len() as f64 / elapsed,
            "ok_p50_ms": quantile(&ok, 0.5), "ok_p99_ms": quantile(&ok, 0.99), "ok_max_ms": quantile(&ok, 1.0),
            "all_p50_ms": quantile(&all, 0.5), "all_p99_ms": quantile(&all, 0.99),
            "healthz": {"probes": health.len(), "non_200": health.iter().filter(|h| h.0 != 200).count(),
                        "p99_ms": quantile(&hl, 0.99), "max_ms": quantile(&hl, 1.0)}
        })
    );
}
