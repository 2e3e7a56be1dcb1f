//! `carematch view` in a real browser: Debian's headless Chromium opens the page and
//! the DOM it builds is counted against the plan; a screenshot is taken and looked at
//! for size only. Without Chromium the test says so and passes, except under CI
//! (`CI` set, as `.ci/run` does, which installs Chromium).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Chromium, headless, as this machine's closed network wants it, with `args`.
fn chromium(profile: &Path, args: &[&str]) -> std::process::Output {
    Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs")
}

#[test]
fn the_plan_page_draws_every_route_visit_and_unserved_need_in_chromium() {
    if !Path::new(CHROMIUM).exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium (.ci/run)"
        );
        eprintln!("skipped: no {CHROMIUM} (apt-get install chromium)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_carematch");
    let ok = Command::new(bin)
        .args(["demo", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(ok.status.success());
    let page = dir.path().join("plan.html");
    let ok = Command::new(bin)
        .arg("view")
        .arg(dir.path().join("problem.json"))
        .arg(dir.path().join("plan.json"))
        .arg("-o")
        .arg(&page)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("<link") && !html.contains(" src="),
        "the page loads nothing"
    );
    let url = format!("file://{}", page.display());
    let dom = chromium(&dir.path().join("profile-1"), &["--dump-dom", &url]);
    let dom = String::from_utf8(dom.stdout).unwrap();
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page's script did not finish"
    );
    let plan: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("plan.json")).unwrap()).unwrap();
    let routes = plan["routes"].as_array().unwrap();
    let stops: usize = routes
        .iter()
        .map(|r| r["stops"].as_array().unwrap().len())
        .sum();
    let count = |needle: &str| dom.matches(needle).count();
    assert_eq!(count("class=\"route\""), routes.len());
    assert_eq!(count("class=\"visit\""), stops);
    assert_eq!(count("class=\"bar\""), stops);
    assert_eq!(
        count("class=\"unserved-need\""),
        plan["unassigned"].as_array().unwrap().len()
    );
    // The demo's canteen and day-care centre, and a line for every need met there.
    let problem: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("problem.json")).unwrap()).unwrap();
    let venues = problem["venues"].as_array().unwrap().len();
    let seated = plan["venue_visits"].as_array().unwrap().len();
    assert!(
        venues > 0 && seated > 0,
        "the demo has venues and uses them"
    );
    assert_eq!(count("class=\"venue\""), venues);
    assert_eq!(count("class=\"venue-visit\""), seated);
    // Two carers of one visit are joined on the timeline.
    let mut starts: Vec<(String, i64)> = routes
        .iter()
        .flat_map(|r| r["stops"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["need"].as_str().unwrap().to_owned(),
                s["start"].as_i64().unwrap(),
            )
        })
        .collect();
    starts.sort();
    let pairs = starts.windows(2).filter(|w| w[0] == w[1]).count();
    assert_eq!(count("class=\"together\""), pairs);
    // An hour axis: a tick at every full hour of the day the routes span.
    let t0 = routes
        .iter()
        .map(|r| r["depart"].as_i64().unwrap())
        .min()
        .unwrap();
    let t1 = routes
        .iter()
        .map(|r| r["return"].as_i64().unwrap())
        .max()
        .unwrap();
    let hours = (t1.div_euclid(3600) - (t0 + 3599).div_euclid(3600) + 1) as usize;
    assert!(hours >= 2);
    assert_eq!(count("class=\"hour\""), hours);
    assert_eq!(count("class=\"now\""), 0, "no now line unless asked");
    // Without a now, the rescue circle's layer is the day's worst moment: its elders
    // out of the circle ringed (the demo has some), the share in the headline.
    let problem_in = carematch_core::Problem::from_json(
        &std::fs::read(dir.path().join("problem.json")).unwrap(),
    )
    .unwrap();
    let plan_in: carematch_core::Plan = serde_json::from_value(plan.clone()).unwrap();
    let cover = carematch_core::coverage::coverage(&problem_in, &plan_in);
    let worst = cover
        .slots
        .iter()
        .reduce(|a, b| if b.share < a.share { b } else { a })
        .unwrap();
    assert!(!worst.uncovered.is_empty());
    assert_eq!(count("class=\"uncovered\""), worst.uncovered.len());
    assert!(dom.contains("rescue circle"));
    // `?now=` draws the now line, and what started before it is drawn as the past.
    let now = (t0 + t1) / 2;
    let at_now = format!("{url}?now={now}");
    let dom = chromium(&dir.path().join("profile-3"), &["--dump-dom", &at_now]);
    let dom = String::from_utf8(dom.stdout).unwrap();
    assert_eq!(dom.matches("class=\"now\"").count(), 1);
    // The rescue circle's layer at now's moment: the elders out of it, ringed.
    let slot = cover
        .slots
        .iter()
        .min_by_key(|s| (s.at - now).abs())
        .unwrap();
    assert_eq!(
        dom.matches("class=\"uncovered\"").count(),
        slot.uncovered.len()
    );
    let past = starts.iter().filter(|s| s.1 <= now).count();
    assert_eq!(dom.matches("fill-opacity=\"0.35\"").count(), past);
    // One marker per served need, one route line per carer's shift, as the plan has
    // them; the screenshot is a real picture, not a blank page.
    let shot = dir.path().join("shot.png");
    chromium(
        &dir.path().join("profile-2"),
        &[
            "--window-size=1400,1100",
            &format!("--screenshot={}", shot.display()),
            &url,
        ],
    );
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(size > 30_000, "screenshot of {size} bytes: blank?");
}

/// After a day's events (a carer sick at 11:00, the rest re-optimised), the page given
/// the plan as first made (`view --since`) marks exactly the visits whose carer or
/// start changed, and counts them in its headline.
#[test]
fn the_page_marks_the_visits_changed_since_the_plan_was_made() {
    if !Path::new(CHROMIUM).exists() {
        assert!(std::env::var_os("CI").is_none(), "CI must install chromium");
        eprintln!("skipped: no {CHROMIUM}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_carematch");
    let run = |args: &[&str]| {
        let out = Command::new(bin)
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["demo", "--out", "."]);
    let read = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(dir.path().join(name)).unwrap()).unwrap()
    };
    let first = read("plan.json");
    let later = |r: &Value| {
        let stops = r["stops"].as_array().unwrap();
        stops
            .iter()
            .filter(|s| s["start"].as_i64() > Some(39600))
            .count()
    };
    let busiest = first["routes"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|r| later(r))
        .unwrap()["provider"]
        .clone();
    let events = serde_json::json!({"now": 39600, "improve": 2000, "events": [
        {"kind": "carer_absent", "provider": busiest, "from": 39600}]});
    std::fs::write(dir.path().join("events.json"), events.to_string()).unwrap();
    run(&[
        "replan",
        "problem.json",
        "plan.json",
        "events.json",
        "-o",
        "out.json",
    ]);
    let now: Value = read("out.json")["plan"].clone();
    std::fs::write(dir.path().join("now.json"), now.to_string()).unwrap();
    run(&[
        "view",
        "problem.json",
        "now.json",
        "--since",
        "plan.json",
        "-o",
        "day.html",
    ]);
    // The changed stops, counted from the two plans: a stop whose (need, visit) had
    // no place, another start, or not this carer.
    let places = |plan: &Value| {
        let mut out: std::collections::HashMap<String, (i64, Vec<String>)> = Default::default();
        for r in plan["routes"].as_array().unwrap() {
            for s in r["stops"].as_array().unwrap() {
                let key = format!("{}|{}", s["need"], s["visit"]);
                let e = out
                    .entry(key)
                    .or_insert((s["start"].as_i64().unwrap(), vec![]));
                e.1.push(r["provider"].as_str().unwrap().to_owned());
            }
        }
        out
    };
    let was = places(&first);
    let mut changed = 0;
    for r in now["routes"].as_array().unwrap() {
        for s in r["stops"].as_array().unwrap() {
            let key = format!("{}|{}", s["need"], s["visit"]);
            let same = was.get(&key).is_some_and(|(start, carers)| {
                *start == s["start"].as_i64().unwrap()
                    && carers.iter().any(|c| c == r["provider"].as_str().unwrap())
            });
            changed += usize::from(!same);
        }
    }
    assert!(changed > 0, "a sick carer changes some visits");
    let url = format!("file://{}", dir.path().join("day.html").display());
    let dom = chromium(&dir.path().join("profile"), &["--dump-dom", &url]);
    let dom = String::from_utf8(dom.stdout).unwrap();
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page's script did not finish"
    );
    assert_eq!(dom.matches("class=\"bar changed\"").count(), changed);
    assert!(
        dom.contains(&format!("{changed} visits changed since the plan was made")),
        "the headline counts them"
    );
}

/// The numbers of attribute `name` of every `<rect class="{class}" …>` of `dom`.
fn rects(dom: &str, class: &str, name: &str) -> Vec<f64> {
    let open = format!("<rect class=\"{class}\"");
    dom.match_indices(&open)
        .map(|(i, _)| {
            let tag = &dom[i..i + dom[i..].find('>').unwrap()];
            let at = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

/// `carematch generate ARGS`, solved and viewed in a new folder, and the DOM headless
/// Chromium leaves of its page (its script finished): (folder, DOM, plan). `None`
/// without Chromium (never under CI).
fn generated_page(args: &[&str]) -> Option<(tempfile::TempDir, String, Value)> {
    if !Path::new(CHROMIUM).exists() {
        assert!(std::env::var_os("CI").is_none(), "CI must install chromium");
        eprintln!("skipped: no {CHROMIUM} (apt-get install chromium)");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let at = |f: &str| dir.path().join(f).display().to_string();
    let mut generate = vec!["generate"];
    generate.extend_from_slice(args);
    carematch_to(&generate, &at("problem.json"));
    carematch_to(&["solve", &at("problem.json")], &at("plan.json"));
    let page = at("plan.html");
    carematch_to(
        &["view", &at("problem.json"), &at("plan.json"), "-o", &page],
        &at("stdout.txt"),
    );
    let url = format!("file://{page}");
    let dom = chromium(&dir.path().join("profile"), &["--dump-dom", &url]);
    let dom = String::from_utf8(dom.stdout).unwrap();
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page's script did not finish"
    );
    let plan: Value = serde_json::from_slice(&std::fs::read(at("plan.json")).unwrap()).unwrap();
    Some((dir, dom, plan))
}

/// `carematch ARGS`, its standard output written to `out`.
fn carematch_to(args: &[&str], out: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_carematch"))
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(out, o.stdout).unwrap();
}

#[test]
fn the_timeline_draws_every_break_between_its_carers_visits_in_chromium() {
    let Some((_dir, dom, plan)) = generated_page(&[
        "--stations",
        "1",
        "--windows",
        "wide",
        "--needs",
        "120",
        "--lunch",
        "30",
    ]) else {
        return;
    };
    let taken: usize = (plan["routes"].as_array().unwrap().iter())
        .map(|r| r["breaks"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(taken > 0);
    let (bx, by, bw) = (
        rects(&dom, "break", "x"),
        rects(&dom, "break", "y"),
        rects(&dom, "break", "width"),
    );
    assert_eq!(bx.len(), taken, "one drawn break per break of the plan");
    // No break drawn over a visit of its carer's row (a visit's bar sits 2 px higher).
    let (vx, vy, vw) = (
        rects(&dom, "bar", "x"),
        rects(&dom, "bar", "y"),
        rects(&dom, "bar", "width"),
    );
    for i in 0..bx.len() {
        for j in (0..vx.len()).filter(|&j| (vy[j] + 2.0 - by[i]).abs() < 0.01) {
            let overlap = bx[i].max(vx[j]) < (bx[i] + bw[i]).min(vx[j] + vw[j]) - 0.01;
            assert!(!overlap, "break {i} drawn over visit {j}");
        }
    }
}

#[test]
fn the_quality_table_shows_a_row_per_carer_station_and_group_in_chromium() {
    let Some((dir, dom, plan)) =
        generated_page(&["--needs", "80", "--days", "2", "--history", "2"])
    else {
        return;
    };
    let q = &plan["quality"];
    let rows: usize = ["by_provider", "by_station", "by_group"]
        .iter()
        .map(|k| q[k].as_array().unwrap().len())
        .sum();
    assert!(rows > 3, "{q}");
    let start = dom
        .find("<table id=\"quality\">")
        .expect("the quality table");
    let table = &dom[start..start + dom[start..].find("</table>").unwrap()];
    assert_eq!(
        table.matches("<tr>").count(),
        1 + rows,
        "a header and a row each"
    );
    // The first carer's row shows her figures as the plan has them.
    let p0 = &q["by_provider"][0];
    let cells = format!(
        "<td>carer</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
        p0["key"].as_str().unwrap(),
        p0["visits"],
        p0["done"],
        p0["missed"]
    );
    assert!(table.contains(&cells), "{cells} not in {table}");
    // The same report as CSV.
    let at = |f: &str| dir.path().join(f).display().to_string();
    carematch_to(
        &["export", "--quality", &at("plan.json")],
        &at("quality.csv"),
    );
    let csv = std::fs::read_to_string(at("quality.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + rows);
}
