//! Writes a carematch problem as a VROOM input (JSON), for `benches/city_peers.py`.
//!
//! - one VROOM vehicle per provider shift (`time_window` = the shift, `start`/`end` =
//!   the provider's), `capacity`, `max_tasks` = `max_visits` and `max_travel_time` =
//!   `max_work` per shift (looser than carematch's per-day limits: in VROOM's favour);
//! - a carer's breaks on a shift (v1.2) as the vehicle's `breaks` (window, service);
//! - one job per need: its windows (service start), duration, priority, load;
//! - rule 2 (skills, level, volunteer rule, avoids, carer gender) as VROOM skills: job
//!   `i` requires skill `i + 1`, which every qualified provider's vehicles have;
//! - one duration matrix per provider speed, computed with carematch's exact travel
//!   formula, so both engines see the same integer travel times.
//!
//! Two-carer needs have no VROOM equivalent: the problem must have none (the bench
//! drops them for both engines). Pins are ignored.
//!
//! `cargo run --release --example to_vroom -- PROBLEM.json [--matrices DIR] > vroom.json`
//!
//! Locations are deduplicated. With `--matrices DIR` the matrices are not put in the
//! JSON (a 20,000-need city has ~10,000 locations: GBs of JSON) but written as raw
//! little-endian `u32` row-major files, `DIR/<profile>.u32`, listed with their size in
//! `DIR/matrices.json` (`{"size": n, "profiles": {"<profile>": "<file>"}}`), for
//! `numpy.fromfile` and pyvroom's `set_durations_matrix`.

use std::collections::BTreeMap;

use carematch_core::model::{NeedIdx, ProviderIdx};
use carematch_core::travel::Point;
use carematch_core::Problem;
use serde_json::{json, Value};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1).cloned() else {
        eprintln!("usage: to_vroom PROBLEM.json [--matrices DIR]");
        std::process::exit(2);
    };
    let matrix_dir = args
        .iter()
        .position(|a| a == "--matrices")
        .and_then(|k| args.get(k + 1))
        .map(std::path::PathBuf::from);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("error: cannot read {path}: {e}");
        std::process::exit(2)
    });
    let problem = Problem::from_json(&bytes).unwrap_or_else(|e| {
        eprintln!("error: {path}: {e}");
        std::process::exit(2)
    });
    if problem.needs().iter().any(|n| n.caregivers == 2) {
        eprintln!("error: two-carer needs have no VROOM equivalent; drop them first");
        std::process::exit(2);
    }
    // Locations, each once: elders first, then provider starts and ends.
    let mut points: Vec<Point> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut at = |p: Point| {
        *index.entry(format!("{p:?}")).or_insert_with(|| {
            points.push(p);
            points.len() - 1
        })
    };
    let elder_at: Vec<usize> = problem.elders().iter().map(|e| at(e.location)).collect();
    let ends: Vec<(usize, usize)> = problem
        .providers()
        .iter()
        .map(|p| (at(p.start), at(p.end)))
        .collect();
    // One matrix per speed, named after the first provider having it.
    let mut profiles: BTreeMap<u64, (String, ProviderIdx)> = BTreeMap::new();
    for (i, p) in problem.providers().iter().enumerate() {
        profiles
            .entry(p.speed.to_bits())
            .or_insert_with(|| (format!("p{i}"), ProviderIdx(i as u32)));
    }
    let mut matrices = serde_json::Map::new();
    let mut files = serde_json::Map::new();
    for (name, p) in profiles.values() {
        use rayon::prelude::*;
        let rows: Vec<Vec<i64>> = points
            .par_iter()
            .map(|a| {
                points
                    .iter()
                    .map(|b| problem.travel_time(*p, a, b))
                    .collect()
            })
            .collect();
        match &matrix_dir {
            None => {
                matrices.insert(name.clone(), json!({ "durations": rows }));
            }
            Some(dir) => {
                let file = dir.join(format!("{name}.u32"));
                let mut bytes = Vec::with_capacity(points.len() * points.len() * 4);
                for v in rows.iter().flatten() {
                    let v = u32::try_from(*v).unwrap_or(u32::MAX);
                    bytes.extend_from_slice(&v.to_le_bytes());
                }
                std::fs::write(&file, bytes).unwrap_or_else(|e| {
                    eprintln!("error: cannot write {}: {e}", file.display());
                    std::process::exit(1)
                });
                files.insert(name.clone(), json!(file.display().to_string()));
            }
        }
    }
    if let Some(dir) = &matrix_dir {
        let list = json!({ "size": points.len(), "profiles": files });
        std::fs::write(dir.join("matrices.json"), list.to_string()).unwrap_or_else(|e| {
            eprintln!("error: cannot write the matrix list: {e}");
            std::process::exit(1)
        });
    }
    let with_capacity = problem.providers().iter().any(|p| p.capacity.is_some());
    let mut vehicles = Vec::new();
    for (i, p) in problem.providers().iter().enumerate() {
        let pi = ProviderIdx(i as u32);
        let skills: Vec<usize> = (0..problem.needs().len())
            .filter(|&n| problem.disqualification(pi, NeedIdx(n as u32)).is_none())
            .map(|n| n + 1)
            .collect();
        let profile = &profiles[&p.speed.to_bits()].0;
        for (s, w) in p.shifts.iter().enumerate() {
            let mut v = json!({
                "id": vehicles.len(),
                "description": format!("{}#{s}", p.id),
                "profile": profile,
                "start_index": ends[i].0,
                "end_index": ends[i].1,
                "time_window": [w.open, w.close],
                "skills": skills,
            });
            if with_capacity {
                v["capacity"] = json!([p.capacity.unwrap_or(1_000_000_000)]);
            }
            if let Some(m) = p.max_visits {
                v["max_tasks"] = json!(m);
            }
            if let Some(m) = p.max_work {
                v["max_travel_time"] = json!(m);
            }
            let slot = carematch_core::model::Slot {
                provider: pi,
                shift: s as u16,
            };
            let breaks: Vec<Value> = (problem.breaks_of(slot).iter().enumerate())
                .map(|(k, b)| {
                    json!({"id": k, "time_windows": [[b.window.open, b.window.close]],
                           "service": b.duration})
                })
                .collect();
            if !breaks.is_empty() {
                v["breaks"] = json!(breaks);
            }
            vehicles.push(v);
        }
    }
    let jobs: Vec<Value> = problem
        .needs()
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let mut j = json!({
                "id": i + 1,
                "description": n.id,
                "location_index": elder_at[n.elder.ix()],
                "service": n.duration,
                "time_windows": n.windows.iter().map(|w| [w.open, w.close]).collect::<Vec<_>>(),
                "priority": n.priority,
                "skills": [i + 1],
            });
            if with_capacity {
                j["delivery"] = json!([n.load]);
            }
            j
        })
        .collect();
    let mut out = json!({ "vehicles": vehicles, "jobs": jobs });
    if matrix_dir.is_none() {
        out["matrices"] = Value::Object(matrices);
    }
    println!("{out}");
}
