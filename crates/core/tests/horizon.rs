//! Property tests over a horizon: random small programmes of several days (needs of
//! several visits with `min_gap` and `all_visits`, per-day and whole-horizon limits,
//! carer changes priced) give plans the checker accepts — rules 1, 5 and 8 among
//! them — and the same plan for the same input, seed and thread count.

use carematch_core::model::Problem;
use carematch_core::wire::Plan;
use carematch_core::{check, solve};
use proptest::prelude::*;
use serde_json::{json, Value};

const DAY: i64 = 86_400;

/// visits, min_gap in hours, all_visits, elder, window open (s into the day), width,
/// days offered (bit mask over 4 days), service.
type NeedGen = (i64, i64, bool, usize, i64, i64, u8, usize);
/// days worked (mask), shift open, length, per-day max_visits, per-day max_work,
/// max_visits_total, max_work_total.
type ProviderGen = (
    u8,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

fn programme() -> impl Strategy<Value = (Vec<NeedGen>, Vec<ProviderGen>, u64, i64)> {
    let need = (
        1i64..=4,
        0i64..=36,
        proptest::bool::weighted(0.3),
        0usize..5,
        25_000i64..50_000,
        1_800i64..20_000,
        1u8..16,
        0usize..2,
    );
    let provider = (
        1u8..16,
        25_000i64..40_000,
        10_000i64..30_000,
        proptest::option::weighted(0.4, 1i64..4),
        proptest::option::weighted(0.3, 3_000i64..15_000),
        proptest::option::weighted(0.4, 2i64..8),
        proptest::option::weighted(0.3, 5_000i64..40_000),
    );
    (
        proptest::collection::vec(need, 1..9),
        proptest::collection::vec(provider, 1..5),
        0u64..1000,
        prop_oneof![Just(0i64), Just(300i64)],
    )
}

fn days(mask: u8) -> impl Iterator<Item = i64> {
    (0..4).filter(move |d| mask & (1 << d) != 0)
}

fn to_json(needs: &[NeedGen], providers: &[ProviderGen], seed: u64, w: i64) -> Value {
    let services = ["meals", "cleaning"];
    let elders: Vec<Value> = (0..5)
        .map(|e| json!({"id": format!("e{e}"), "location": [(e * 300) as f64, (e * 170 % 900) as f64]}))
        .collect();
    let needs: Vec<Value> = needs
        .iter()
        .enumerate()
        .map(|(i, &(visits, gap_h, all, elder, open, width, mask, svc))| {
            let windows: Vec<[i64; 2]> =
                days(mask).map(|d| [d * DAY + open, d * DAY + open + width]).collect();
            json!({"id": format!("n{i}"), "elder": format!("e{elder}"), "service": services[svc],
                "duration": 1_200, "windows": windows, "visits": visits,
                "min_gap": gap_h * 3_600, "all_visits": all})
        })
        .collect();
    let providers: Vec<Value> = providers
        .iter()
        .enumerate()
        .map(|(i, &(mask, open, len, mv, mw, mvt, mwt))| {
            let shifts: Vec<[i64; 2]> = days(mask)
                .map(|d| [d * DAY + open, d * DAY + open + len])
                .collect();
            // Odd seeds: every carer leaves from one station (teams hand routes over).
            let x = if seed % 2 == 1 { 0.0 } else { (i * 200) as f64 };
            let mut p = json!({"id": format!("p{i}"), "kind": "staff",
                "skills": services, "start": [x, 100.0], "shifts": shifts});
            for (k, v) in [
                ("max_visits", mv),
                ("max_work", mw),
                ("max_visits_total", mvt),
                ("max_work_total", mwt),
            ] {
                if let Some(v) = v {
                    p[k] = json!(v);
                }
            }
            p
        })
        .collect();
    json!({"travel": {"metric": "euclidean", "speed": 1.0}, "elders": elders, "needs": needs,
        "providers": providers,
        "options": {"day_length": DAY, "seed": seed, "threads": 1, "iterations": 300,
            "time_limit_ms": 60_000, "weights": {"carer_changes": w}}})
}

fn routes_of(plan: &Plan) -> String {
    serde_json::to_string(&(&plan.routes, &plan.unassigned)).unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn week_plans_pass_the_checker_and_repeat((needs, providers, seed, w) in programme()) {
        let input = to_json(&needs, &providers, seed, w).to_string();
        let problem = Problem::from_json(input.as_bytes()).expect("valid");
        let plan = solve(&problem).expect("solves");
        let violations = check(&problem, &plan);
        prop_assert!(violations.is_empty(), "{:#?}", violations.iter().map(|v| v.to_string()).collect::<Vec<_>>());
        let visits: i64 = needs.iter().map(|n| n.0).sum();
        prop_assert_eq!(plan.summary.needs as i64, visits);
        prop_assert!(plan.summary.carer_changes.is_some());
        let again = solve(&problem).expect("solves");
        prop_assert_eq!(routes_of(&plan), routes_of(&again));
    }

    #[test]
    fn an_urgent_need_goes_into_any_week_plan((needs, providers, seed, w) in programme(), day in 0i64..4) {
        // Dispatch reads every visit of the plan back by its number and start.
        let input = to_json(&needs, &providers, seed, w).to_string();
        let mut problem = Problem::from_json(input.as_bytes()).expect("valid");
        let plan = solve(&problem).expect("solves");
        let urgent = serde_json::from_value(json!({"id": "sos", "elder": "e1",
            "service": "meals", "duration": 600, "priority": 100,
            "windows": [[day * DAY + 30_000, day * DAY + 45_000]]}))
        .expect("a need");
        problem.push_need(urgent, None).expect("a valid need");
        let d = carematch_core::dispatch::dispatch(&problem, plan, "sos", Some(day * DAY + 29_000))
            .expect("dispatches");
        let violations = check(&problem, &d.plan);
        prop_assert!(violations.is_empty(), "{:#?}", violations.iter().map(|v| v.to_string()).collect::<Vec<_>>());
    }
}

#[test]
fn a_twice_weekly_bath_takes_two_days_a_day_apart() {
    let input = json!({"travel": {"metric": "euclidean", "speed": 1.0},
        "elders": [{"id": "e", "location": [10.0, 0.0]}],
        "needs": [{"id": "bath", "elder": "e", "service": "bathing", "duration": 1800,
            "windows": [[32_400, 36_000], [118_800, 122_400], [205_200, 208_800]],
            "visits": 2, "min_gap": 100_000}],
        "providers": [{"id": "p", "kind": "staff", "skills": ["bathing"], "level": 3, "start": [0.0, 0.0],
            "shifts": [[28_800, 61_200], [115_200, 147_600], [201_600, 234_000]],
            "max_visits_total": 2}],
        "options": {"day_length": DAY}});
    let problem = Problem::from_json(input.to_string().as_bytes()).expect("valid");
    let plan = solve(&problem).expect("solves");
    assert!(check(&problem, &plan).is_empty());
    let mut starts: Vec<(u32, i64)> = plan
        .routes
        .iter()
        .flat_map(|r| r.stops.iter().map(|s| (s.visit.unwrap(), s.start)))
        .collect();
    starts.sort_unstable();
    assert_eq!(starts.len(), 2, "{plan:?}");
    assert_eq!((starts[0].0, starts[1].0), (0, 1));
    assert!(starts[1].1 - starts[0].1 >= 100_000);
    // The checker holds the series rule: visits renumbered out of start order are refused.
    let mut bad = plan.clone();
    for r in &mut bad.routes {
        for s in &mut r.stops {
            s.visit = s.visit.map(|v| 1 - v);
        }
    }
    let rules: Vec<String> = check(&problem, &bad)
        .iter()
        .map(|v| v.to_string())
        .collect();
    assert!(rules.iter().any(|v| v.contains("series")), "{rules:?}");
}

#[test]
fn weekly_hours_hold_over_the_days() {
    // One carer on three days, 2 visits a day allowed, 3 in the week: a need of six
    // visits gets three, and the rest are listed with their visit numbers.
    let windows: Vec<[i64; 2]> = (0..6)
        .map(|k| {
            [
                (k / 2) * DAY + 30_000 + (k % 2) * 7_200,
                (k / 2) * DAY + 31_000 + (k % 2) * 7_200,
            ]
        })
        .collect();
    let input = json!({"travel": {"metric": "euclidean", "speed": 1.0},
        "elders": [{"id": "e", "location": [10.0, 0.0]}],
        "needs": [{"id": "meal", "elder": "e", "service": "meals", "duration": 600,
            "windows": windows, "visits": 6}],
        "providers": [{"id": "p", "kind": "staff", "skills": ["meals"], "start": [0.0, 0.0],
            "shifts": [[28_800, 61_200], [115_200, 147_600], [201_600, 234_000]],
            "max_visits": 2, "max_visits_total": 3}],
        "options": {"day_length": DAY}});
    let problem = Problem::from_json(input.to_string().as_bytes()).expect("valid");
    let plan = solve(&problem).expect("solves");
    assert!(check(&problem, &plan).is_empty());
    assert_eq!(plan.summary.assigned, 3);
    let mut listed: Vec<u32> = plan.unassigned.iter().map(|u| u.visit.unwrap()).collect();
    listed.sort_unstable();
    assert_eq!(listed, vec![3, 4, 5]);
}

#[test]
fn an_urgent_need_on_day_three_is_dispatched_into_a_week_plan() {
    // Four elders with a check-in on each of five days, two carers with weekly hours;
    // on the third day at 09:43 an emergency call for e1 asks for 10:00–10:30.
    let days = |open: i64, close: i64| -> Vec<[i64; 2]> {
        (0..5).map(|d| [d * DAY + open, d * DAY + close]).collect()
    };
    let elders: Vec<Value> = (0..4)
        .map(|k| json!({"id": format!("e{k}"), "location": [300.0 * k as f64, 200.0]}))
        .collect();
    let needs: Vec<Value> = (0..4)
        .map(|k| {
            json!({"id": format!("c{k}"), "elder": format!("e{k}"), "service": "check_in",
                "duration": 1_200, "windows": days(32_400, 46_800), "visits": 5})
        })
        .collect();
    let providers: Vec<Value> = (0..2)
        .map(|k| {
            json!({"id": format!("p{k}"), "kind": "staff", "level": 3,
                "skills": ["check_in", "emergency"], "start": [0.0, 0.0],
                "shifts": days(28_800, 61_200), "max_work_total": 5 * 4 * 3_600})
        })
        .collect();
    let input = json!({"travel": {"metric": "euclidean", "speed": 3.6},
        "elders": elders, "needs": needs, "providers": providers,
        "options": {"day_length": DAY, "weights": {"carer_changes": 600}, "seed": 3}});
    let mut problem = Problem::from_json(input.to_string().as_bytes()).expect("valid");
    let plan = solve(&problem).expect("solves");
    assert!(check(&problem, &plan).is_empty());
    assert_eq!(plan.summary.assigned, 20);

    let urgent = serde_json::from_value(json!({"id": "sos", "elder": "e1",
        "service": "emergency", "duration": 900, "priority": 100,
        "windows": [[2 * DAY + 36_000, 2 * DAY + 37_800]]}))
    .expect("a need");
    problem.push_need(urgent, None).expect("a valid need");
    let now = 2 * DAY + 35_000;
    let d = carematch_core::dispatch::dispatch(&problem, plan.clone(), "sos", Some(now))
        .expect("dispatches");
    let violations: Vec<String> = check(&problem, &d.plan)
        .iter()
        .map(|v| v.to_string())
        .collect();
    assert!(violations.is_empty(), "{violations:?}");
    assert_eq!(d.providers.len(), 1, "{:?}", d.reason);
    let start = d.start.expect("served");
    assert!((2 * DAY + 36_000..=2 * DAY + 37_800).contains(&start));
    assert_eq!(d.plan.summary.assigned, 21);
    // What had started by then keeps its start; every visit keeps its number.
    let starts = |p: &Plan| -> Vec<(String, u32, i64)> {
        let mut v: Vec<_> = p
            .routes
            .iter()
            .flat_map(|r| r.stops.iter())
            .filter(|s| s.need != "sos")
            .map(|s| (s.need.clone(), s.visit.unwrap_or(0), s.start))
            .collect();
        v.sort_unstable();
        v
    };
    let (before, after) = (starts(&plan), starts(&d.plan));
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((&b.0, b.1), (&a.0, a.1));
        if b.2 <= now {
            assert_eq!(b.2, a.2, "{b:?} moved");
        }
    }
}
