//! Venues and funding (v1.1): on random small problems with canteens and day-care
//! seats, walk limits, prices, carers' own prices and budgets, every plan passes the
//! checker (256 cases each) — seats never above a session's, a need met at most once, every elder's
//! visits within budget — and so does the plan after an urgent need is dispatched
//! into it; with venues alone, the seats go exactly as the best of every seating
//! (brute force) would have them.

use carematch_core::model::Problem;
use carematch_core::wire::Reason;
use carematch_core::{check, solve};
use proptest::prelude::*;
use serde_json::{json, Value};

/// elder x, y (metres), walk limit (s), budget; need elder, service, window open,
/// width; venue x, y, service mask, sessions (open, seats).
type ElderGen = (u32, u32, i64, Option<i64>);
type NeedGen = (usize, usize, i64, i64);
type VenueGen = (u32, u32, u8, Vec<(i64, i64)>);

const SERVICES: [&str; 3] = ["meals", "recreation", "check_in"];

fn to_json(
    elders: &[ElderGen],
    needs: &[NeedGen],
    venues: &[VenueGen],
    carers: usize,
    priced: bool,
) -> Value {
    let elders_j: Vec<Value> = elders
        .iter()
        .enumerate()
        .map(|(i, &(x, y, walk, budget))| {
            let mut e = json!({"id": format!("e{i}"), "location": [x as f64, y as f64],
                               "walk_limit": walk, "area": format!("d{}/c{}", i % 2, i % 3),
                               "profile": {"age": 70 + i as i64 * 3, "lives_alone": i % 2 == 0}});
            if let Some(b) = budget {
                e["budget"] = json!(b);
            }
            e
        })
        .collect();
    let needs_j: Vec<Value> = needs
        .iter()
        .enumerate()
        .map(|(i, &(e, s, open, width))| {
            json!({"id": format!("n{i}"), "elder": format!("e{}", e % elders.len()),
                   "service": SERVICES[s], "duration": 1_200, "priority": 10 + (i as i64 * 37) % 90,
                   "windows": [[open, open + width]]})
        })
        .collect();
    let venues_j: Vec<Value> = venues
        .iter()
        .enumerate()
        .map(|(i, (x, y, mask, sessions))| {
            let services: Vec<&str> = (0..3)
                .filter(|b| mask & (1 << b) != 0)
                .map(|b| SERVICES[b])
                .collect();
            let sessions: Vec<Value> = sessions
                .iter()
                .map(|&(open, seats)| json!({"window": [open, open + 3_600], "seats": seats}))
                .collect();
            json!({"id": format!("v{i}"), "location": [*x as f64, *y as f64],
                   "services": services, "sessions": sessions})
        })
        .collect();
    let providers: Vec<Value> = (0..carers)
        .map(|k| {
            let mut p = json!({"id": format!("p{k}"), "kind": if k == 2 { "volunteer" } else { "staff" },
                "skills": SERVICES, "start": [500.0 * k as f64, 0.0], "shifts": [[30_000, 50_000]],
                "station": format!("st{}", k % 2), "group": if k == 2 { "party_member" } else { "staff" }});
            if priced && k == 1 {
                p["prices"] = json!({"meals": 900});
            }
            p
        })
        .collect();
    let services: Vec<Value> = if priced {
        vec![
            json!({"id": "meals", "price": 1_500}),
            json!({"id": "check_in", "price": 500}),
        ]
    } else {
        Vec::new()
    };
    json!({"travel": {"metric": "euclidean", "speed": 1.0}, "services": services,
           "elders": elders_j, "needs": needs_j, "providers": providers, "venues": venues_j,
           "options": {"threads": 1, "iterations": 200, "seed": 7}})
}

fn elders() -> impl Strategy<Value = Vec<ElderGen>> {
    proptest::collection::vec(
        (
            0u32..3_000,
            0u32..3_000,
            prop_oneof![Just(0i64), 600i64..3_000],
            proptest::option::weighted(0.5, 0i64..5_000),
        ),
        1..6,
    )
}

fn needs() -> impl Strategy<Value = Vec<NeedGen>> {
    proptest::collection::vec(
        (0usize..6, 0usize..3, 30_000i64..45_000, 600i64..6_000),
        1..10,
    )
}

fn venues() -> impl Strategy<Value = Vec<VenueGen>> {
    proptest::collection::vec(
        (
            0u32..3_000,
            0u32..3_000,
            1u8..8,
            proptest::collection::vec((28_000i64..46_000, 0i64..3), 1..3),
        ),
        0..3,
    )
}

fn violations(problem: &Problem, plan: &carematch_core::Plan) -> Vec<String> {
    check(problem, plan).iter().map(|v| v.to_string()).collect()
}

/// The best seating by brute force: each need takes one of its sessions or none,
/// seats kept; (priority seated, needs seated, −seconds walked), largest.
fn best_seating(problem: &Problem) -> (i64, i64, i64) {
    let n = problem.needs().len();
    let options: Vec<Vec<(usize, usize, i64)>> = (0..n)
        .map(|i| {
            let need = &problem.needs()[i];
            let elder = problem.elder(need.elder);
            let mut o = Vec::new();
            if need.caregivers != 1 || elder.walk_limit == 0 {
                return o;
            }
            for (v, venue) in problem.venues().iter().enumerate() {
                let walk = problem.walk_time(need.elder, v);
                if !venue.services.contains(&need.service) || walk > elder.walk_limit {
                    continue;
                }
                for (s, session) in venue.sessions.iter().enumerate() {
                    let meets = need
                        .windows
                        .iter()
                        .any(|w| w.open <= session.window.close && session.window.open <= w.close);
                    if meets && session.seats > 0 {
                        o.push((v, s, walk));
                    }
                }
            }
            o
        })
        .collect();
    fn go(
        i: usize,
        problem: &Problem,
        options: &[Vec<(usize, usize, i64)>],
        used: &mut std::collections::HashMap<(usize, usize), u32>,
        acc: (i64, i64, i64),
        best: &mut (i64, i64, i64),
    ) {
        if i == options.len() {
            *best = (*best).max(acc);
            return;
        }
        go(i + 1, problem, options, used, acc, best);
        for &(v, s, walk) in &options[i] {
            let seats = problem.venues()[v].sessions[s].seats;
            let u = used.entry((v, s)).or_default();
            if *u < seats {
                *u += 1;
                let p = i64::from(problem.needs()[i].priority);
                go(
                    i + 1,
                    problem,
                    options,
                    used,
                    (acc.0 + p, acc.1 + 1, acc.2 - walk),
                    best,
                );
                *used.get_mut(&(v, s)).unwrap() -= 1;
            }
        }
    }
    let mut best = (0, 0, 0);
    go(
        0,
        problem,
        &options,
        &mut Default::default(),
        (0, 0, 0),
        &mut best,
    );
    best
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn plans_with_venues_and_budgets_pass_the_checker(
        elders in elders(), needs in needs(), venues in venues(), carers in 0usize..4,
        priced in proptest::bool::ANY, day in 0i64..2,
    ) {
        let input = to_json(&elders, &needs, &venues, carers, priced);
        let mut problem = Problem::from_json(input.to_string().as_bytes()).expect("valid");
        let plan = solve(&problem).expect("solves");
        let v = violations(&problem, &plan);
        prop_assert!(v.is_empty(), "{v:#?}");
        prop_assert_eq!(plan.summary.at_venues.is_some(), !venues.is_empty());
        // The funding report adds up to the plan.
        if let Some(f) = &plan.funding {
            let visits: usize = plan.routes.iter().map(|r| r.stops.len()).sum::<usize>() + plan.venue_visits.len();
            prop_assert_eq!(f.total.visits as usize, visits);
        }
        for u in &plan.unassigned {
            if u.reason == Reason::OverBudget {
                let n = problem.need_by_id(&u.need).unwrap();
                prop_assert!(problem.elder(problem.need(n).elder).budget.is_some());
            }
        }
        // An urgent check-in for the first elder, dispatched into the plan.
        let urgent = serde_json::from_value(json!({"id": "sos", "elder": "e0", "service": "check_in",
            "duration": 600, "priority": 100, "windows": [[31_000 + day * 3_000, 40_000]]})).unwrap();
        problem.push_need(urgent, None).expect("a valid need");
        let d = carematch_core::dispatch::dispatch(&problem, plan, "sos", Some(30_000)).expect("dispatches");
        let v = violations(&problem, &d.plan);
        prop_assert!(v.is_empty(), "{v:#?}");
    }

    #[test]
    fn with_venues_alone_the_seats_are_the_best_seating(
        elders in elders(), needs in needs(), venues in venues(),
    ) {
        let input = to_json(&elders, &needs, &venues, 0, false);
        let problem = Problem::from_json(input.to_string().as_bytes()).expect("valid");
        let plan = solve(&problem).expect("solves");
        let v = violations(&problem, &plan);
        prop_assert!(v.is_empty(), "{v:#?}");
        let mut got = (0i64, 0i64, 0i64);
        for vv in &plan.venue_visits {
            let n = problem.need_by_id(&vv.need).unwrap();
            let v = problem.venues().iter().position(|x| x.id == vv.venue).unwrap();
            got.0 += i64::from(problem.need(n).priority);
            got.1 += 1;
            got.2 -= problem.walk_time(problem.need(n).elder, v);
        }
        prop_assert_eq!(got, best_seating(&problem));
        prop_assert_eq!(plan.summary.objective.priority, got.0);
    }
}

#[test]
fn a_canteen_seat_is_taken_before_a_carers_time() {
    // One elder who can walk 10 minutes to a canteen 300 m away and a carer next door:
    // both could serve lunch; the seat costs no travel, so the plan takes it.
    let input = json!({"travel": {"metric": "euclidean", "speed": 1.0},
        "elders": [{"id": "e0", "location": [0.0, 0.0], "walk_limit": 600}],
        "needs": [{"id": "lunch", "elder": "e0", "service": "meals", "windows": [[39_600, 43_200]]}],
        "providers": [{"id": "p0", "kind": "staff", "skills": ["meals"], "start": [10.0, 0.0],
                       "shifts": [[28_800, 61_200]]}],
        "venues": [{"id": "canteen", "location": [300.0, 0.0], "services": ["meals"],
                    "sessions": [{"window": [41_400, 45_000], "seats": 1}]}]});
    let problem = Problem::from_json(input.to_string().as_bytes()).expect("valid");
    let plan = solve(&problem).expect("solves");
    assert!(check(&problem, &plan).is_empty());
    assert_eq!(plan.venue_visits.len(), 1);
    assert_eq!(plan.venue_visits[0].start, 41_400);
    assert_eq!(plan.summary.at_venues, Some(1));
    assert!(plan.routes.is_empty());
    // A second elder beyond walking distance is served at home.
    let mut two = input.clone();
    two["elders"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "e1", "location": [5_000.0, 0.0], "walk_limit": 600}));
    two["needs"].as_array_mut().unwrap().push(
        json!({"id": "lunch1", "elder": "e1", "service": "meals", "windows": [[39_600, 50_000]]}),
    );
    let problem = Problem::from_json(two.to_string().as_bytes()).expect("valid");
    let plan = solve(&problem).expect("solves");
    assert!(check(&problem, &plan).is_empty());
    assert_eq!(plan.summary.assigned, 2);
    assert_eq!(plan.venue_visits.len(), 1);
    assert_eq!(plan.routes[0].stops[0].need, "lunch1");
}

#[test]
fn the_budget_covers_the_needs_of_highest_priority() {
    // A voucher of 2,000 for two visits of 1,500: the more urgent one is served, the
    // other is over budget; a volunteer's visit costs nothing and fits.
    let input = json!({"travel": {"metric": "euclidean", "speed": 1.0},
        "services": [{"id": "cleaning", "price": 1_500}],
        "elders": [{"id": "e0", "location": [0.0, 0.0], "budget": 2_000}],
        "needs": [{"id": "a", "elder": "e0", "service": "cleaning", "priority": 40, "windows": [[30_000, 50_000]]},
                  {"id": "b", "elder": "e0", "service": "cleaning", "priority": 90, "windows": [[30_000, 50_000]]}],
        "providers": [{"id": "p0", "kind": "staff", "skills": ["cleaning"], "start": [10.0, 0.0],
                       "shifts": [[28_800, 61_200]]}]});
    let problem = Problem::from_json(input.to_string().as_bytes()).expect("valid");
    let plan = solve(&problem).expect("solves");
    assert!(check(&problem, &plan).is_empty());
    assert_eq!(plan.routes[0].stops.len(), 1);
    assert_eq!(plan.routes[0].stops[0].need, "b");
    assert_eq!(plan.unassigned[0].need, "a");
    assert_eq!(plan.unassigned[0].reason, Reason::OverBudget);
    let f = plan.funding.as_ref().expect("a report");
    assert_eq!(
        (f.total.visits, f.total.spend, f.total.unmet_priority),
        (1, 1_500, 40)
    );
    // The checker refuses a plan that spends past the budget.
    let mut over = plan.clone();
    let mut stop = over.routes[0].stops[0].clone();
    stop.need = "a".into();
    stop.arrival = stop.end;
    stop.start = stop.end;
    stop.end = stop.start + 3_600;
    over.routes[0].stops.push(stop);
    over.unassigned.clear();
    assert!(check(&problem, &over)
        .iter()
        .any(|v| v.rule == carematch_core::check::Rule::Budget));
}
