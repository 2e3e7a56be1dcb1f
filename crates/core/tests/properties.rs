//! Property tests: random small problems (with two-carer and pinned needs, per-day
//! limits, capacities and travel caps) give plans that the checker accepts, with sound
//! reasons, identical at 1 and 2 threads.

use carematch_core::model::{Disqualified, NeedIdx, Problem, ProviderIdx};
use carematch_core::wire::{Plan, Reason, Stopped};
use carematch_core::{check, solve, solve_with, Algorithm};
use proptest::prelude::*;
use serde_json::{json, Value};

const SERVICES: [&str; 4] = ["meals", "bathing", "check_in", "escort_x"];

/// x, y, caregiver gender (0 female, 1 male, else none), avoided provider.
type ElderGen = (u32, u32, u8, Option<usize>);
/// elder, service, window open, width, second window, caregivers, load, priority.
type NeedGen = (usize, usize, i64, i64, bool, u8, i64, Option<i64>);
/// kind, skill mask, level, gender, x, y, shift open, length, second shift,
/// max_visits, max_work, capacity.
type ProviderGen = (
    u8,
    u8,
    i64,
    u8,
    u32,
    u32,
    i64,
    i64,
    bool,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

#[derive(Debug, Clone)]
struct Spec {
    elders: Vec<ElderGen>,
    needs: Vec<NeedGen>,
    providers: Vec<ProviderGen>,
    /// (need, provider) to pin, at the need's window open.
    pin: Option<(usize, usize)>,
    /// `options.candidates`: small values cut candidate lists.
    candidates: usize,
    /// Per provider (by index, cycled), its `max_travel`.
    travel_caps: Vec<Option<i64>>,
    /// Per provider (by index, cycled), a break in its first shift: where its window
    /// opens (per cent of the room the shift leaves), how long the window is, and the
    /// break's duration.
    breaks: Vec<Option<(u8, i64, i64)>>,
    /// Complaints in the history: (elder, provider, lifted), both by index (cycled).
    complaints: Vec<(usize, usize, bool)>,
    /// Trust: a provider (by index, cycled) who visited elder 0 and was rated 5, and is
    /// its primary carer; whether `primary_only`; `weights.preferred`, `.primary`,
    /// `.carer_changes` on (bits 0–2); `options.basic_first`.
    trust: Option<(usize, bool, u8, bool)>,
}

fn spec() -> impl Strategy<Value = Spec> {
    let elder = (
        0u32..2000,
        0u32..2000,
        0u8..8,
        proptest::option::weighted(0.15, 0usize..6),
    );
    let need = (
        0usize..6,
        0usize..4,
        0i64..30_000,
        0i64..8_000,
        proptest::bool::weighted(0.2),
        prop_oneof![4 => Just(1u8), 1 => Just(2u8)],
        0i64..3,
        proptest::option::of(0i64..=100),
    );
    let provider = (
        0u8..3,
        1u8..16,
        0i64..4,
        0u8..3,
        0u32..2000,
        0u32..2000,
        0i64..20_000,
        2_000i64..30_000,
        proptest::bool::weighted(0.3),
        proptest::option::of(1i64..8),
        proptest::option::of(3_000i64..30_000),
        proptest::option::of(0i64..5),
    );
    (
        proptest::collection::vec(elder, 1..6),
        proptest::collection::vec(need, 1..14),
        proptest::collection::vec(provider, 1..6),
        proptest::option::weighted(0.3, (0usize..14, 0usize..6)),
        prop_oneof![Just(0usize), Just(2), Just(3), Just(32)],
        proptest::collection::vec(proptest::option::weighted(0.4, 0i64..6_000), 6),
        proptest::collection::vec(
            proptest::option::weighted(0.4, (0u8..=100, 0i64..3_000, 0i64..1_800)),
            6,
        ),
        proptest::collection::vec((0usize..6, 0usize..6, proptest::bool::weighted(0.3)), 0..3),
        proptest::option::weighted(
            0.4,
            (
                0usize..6,
                proptest::bool::weighted(0.3),
                0u8..8,
                proptest::bool::ANY,
            ),
        ),
    )
        .prop_map(
            |(
                elders,
                needs,
                providers,
                pin,
                candidates,
                travel_caps,
                breaks,
                complaints,
                trust,
            )| Spec {
                trust,
                elders,
                needs,
                providers,
                pin,
                candidates,
                travel_caps,
                breaks,
                complaints,
            },
        )
}

fn to_json(s: &Spec, with_pin: bool) -> Value {
    let np = s.providers.len();
    let elders: Vec<Value> = s
        .elders
        .iter()
        .enumerate()
        .map(|(i, &(x, y, g, avoid))| {
            let mut e = json!({"id": format!("e{i}"), "location": [x as f64, y as f64]});
            match g {
                0 => e["caregiver_gender"] = json!("female"),
                1 => e["caregiver_gender"] = json!("male"),
                _ => {}
            }
            if let Some(a) = avoid {
                e["avoids"] = json!([format!("p{}", a % np)]);
            }
            e
        })
        .collect();
    let needs: Vec<Value> = s
        .needs
        .iter()
        .enumerate()
        .map(|(i, &(e, svc, open, width, two_windows, caregivers, load, priority))| {
            let mut windows = vec![[open, open + width]];
            if two_windows {
                windows.push([open + width + 3_000, open + width + 6_000]);
            }
            let mut n = json!({"id": format!("n{i}"), "elder": format!("e{}", e % s.elders.len()),
                               "service": SERVICES[svc], "windows": windows, "load": load,
                               "caregivers": caregivers});
            if let Some(p) = priority {
                n["priority"] = json!(p);
            }
            n
        })
        .collect();
    let providers: Vec<Value> = s
        .providers
        .iter()
        .enumerate()
        .map(
            |(i, &(kind, mask, level, gender, x, y, open, len, two, mv, mw, cap))| {
                let skills: Vec<&str> = (0..4)
                    .filter(|b| mask & (1 << b) != 0)
                    .map(|b| SERVICES[b])
                    .collect();
                let mut shifts = vec![[open, open + len]];
                if two {
                    shifts.push([open + len + 1_000, open + len + 10_000]);
                }
                let kind = ["staff", "organisation", "volunteer"][kind as usize];
                let mut p = json!({"id": format!("p{i}"), "kind": kind,
                               "skills": skills, "level": level, "start": [x as f64, y as f64],
                               "shifts": shifts});
                if gender < 2 {
                    p["gender"] = json!(["female", "male"][gender as usize]);
                }
                if let Some(v) = mv {
                    p["max_visits"] = json!(v);
                }
                if let Some(v) = mw {
                    p["max_work"] = json!(v);
                }
                if let Some(v) = cap {
                    p["capacity"] = json!(v);
                }
                if let Some(v) = s.travel_caps[i % s.travel_caps.len()] {
                    p["max_travel"] = json!(v);
                }
                if let Some((at, wide, d)) = s.breaks[i % s.breaks.len()] {
                    // Inside the first shift, room for the break left.
                    let a = open + (len - d) * i64::from(at) / 100;
                    p["breaks"] = json!([{"window": [a, a + wide], "duration": d}]);
                }
                p
            },
        )
        .collect();
    let mut v = json!({
        "travel": {"metric": "euclidean", "speed": 1.0},
        "services": [{"id": "escort_x", "duration": 1200, "min_level": 1}],
        "elders": elders, "needs": needs, "providers": providers,
        // The iterations, never a busy machine's clock, end the search, and the
        // matching side always finishes inside its share of the limit.
        "options": {"candidates": s.candidates, "time_limit_ms": 600_000}
    });
    let history: Vec<Value> = (s.complaints.iter())
        .map(|&(e, p, lifted)| {
            json!({"elder": format!("e{}", e % s.elders.len()), "provider": format!("p{}", p % np),
                   "start": -86_400, "rating": 1, "complaint": true, "lifted": lifted})
        })
        .collect();
    v["history"] = json!(history);
    if let Some((p, only, weights, basic)) = s.trust {
        let p = format!("p{}", p % np);
        v["history"]
            .as_array_mut()
            .unwrap()
            .push(json!({"elder": "e0", "provider": p, "start": -3_600, "rating": 5}));
        v["elders"][0]["primary"] = json!(p);
        v["elders"][0]["primary_only"] = json!(only);
        let on = |bit: u8, w: i64| if weights & (1 << bit) != 0 { w } else { 0 };
        v["options"]["weights"] = json!({"preferred": on(0, 3_600), "primary": on(1, 1_800),
                                          "carer_changes": on(2, 1_000)});
        v["options"]["basic_first"] = json!(basic);
    }
    if let (true, Some((n, p))) = (with_pin, s.pin) {
        let n = n % s.needs.len();
        let start = s.needs[n].2;
        v["needs"][n]["pinned"] = json!({"provider": format!("p{}", p % np), "start": start});
    }
    v
}

/// The problem, with the pin when it is valid (an impossible pin is an input error).
fn problem(s: &Spec) -> Problem {
    Problem::from_json(to_json(s, true).to_string().as_bytes())
        .or_else(|_| Problem::from_json(to_json(s, false).to_string().as_bytes()))
        .expect("the generator makes valid problems")
}

/// The problem at a given thread count and search budget (`None`: the default), the
/// pin kept when it is valid.
fn with_threads(s: &Spec, threads: usize, iterations: Option<u64>) -> Problem {
    let pin_ok = Problem::from_json(to_json(s, true).to_string().as_bytes()).is_ok();
    let mut v = to_json(s, pin_ok);
    v["options"]["threads"] = json!(threads);
    if let Some(i) = iterations {
        v["options"]["iterations"] = json!(i);
    }
    Problem::from_json(v.to_string().as_bytes()).expect("valid")
}

/// Can provider `p` alone serve need `n` in some shift, ignoring everything else?
/// (Brute force over each window's earliest start: the oracle for `no_time`.)
fn alone_possible(pr: &Problem, p: ProviderIdx, n: NeedIdx) -> bool {
    let prov = pr.provider(p);
    let need = pr.need(n);
    let here = pr.need_location(n);
    let go = pr.travel_time(p, &prov.start, here);
    let back = pr.travel_time(p, here, &prov.end);
    if prov.max_visits == Some(0) || prov.capacity.is_some_and(|c| need.load > c) {
        return false;
    }
    if prov.max_work.is_some_and(|m| go + need.duration + back > m) {
        return false;
    }
    let windows: Vec<(i64, i64)> = match need.pinned {
        Some(pin) => vec![(pin.start, pin.start)],
        None => need.windows.iter().map(|w| (w.open, w.close)).collect(),
    };
    prov.shifts.iter().any(|s| {
        windows.iter().any(|&(a, b)| {
            let t = a.max(s.open + go);
            t <= b && t + need.duration + back <= s.close
        })
    })
}

fn assert_reasons_sound(pr: &Problem, plan: &Plan) {
    let providers = (0..pr.providers().len() as u32).map(ProviderIdx);
    for u in &plan.unassigned {
        let n = pr.need_by_id(&u.need).unwrap();
        let d: Vec<Option<Disqualified>> = providers
            .clone()
            .map(|p| pr.disqualification(p, n))
            .collect();
        let load_ok = |p: ProviderIdx| pr.provider(p).capacity.is_none_or(|c| pr.need(n).load <= c);
        let qualified: Vec<ProviderIdx> = providers
            .clone()
            .filter(|&p| d[p.ix()].is_none() && load_ok(p))
            .collect();
        let possible = qualified
            .iter()
            .filter(|&&p| alone_possible(pr, p, n))
            .count();
        match u.reason {
            Reason::NoQualifiedProvider => assert!(
                providers.clone().all(|p| matches!(
                    d[p.ix()],
                    Some(Disqualified::Skill(_) | Disqualified::Level | Disqualified::Volunteer)
                ) || !load_ok(p)
                    || (pr.need(n).caregivers == 1
                        && pr.need(n).pinned.is_some_and(|pin| pin.provider != p))),
                "{u:?}"
            ),
            Reason::Excluded => {
                assert!(qualified.is_empty(), "{u:?}");
                assert!(
                    d.iter().any(|x| matches!(
                        x,
                        Some(
                            Disqualified::Avoided | Disqualified::NotPrimary | Disqualified::Gender
                        )
                    )),
                    "{u:?}"
                );
            }
            Reason::NoTime => {
                assert!(!qualified.is_empty(), "{u:?}");
                assert_eq!(possible, 0, "{u:?}");
            }
            Reason::OverCapacity => assert!(possible >= pr.need(n).caregivers as usize, "{u:?}"),
            Reason::NoPartner => {
                assert_eq!(pr.need(n).caregivers, 2, "{u:?}");
                assert!(possible >= 1, "{u:?}");
            }
            // A partner of its link is left out too (rule 7).
            Reason::Linked => {
                let l = pr.need(n).link.expect("a linked need is in a link");
                assert!(pr.link(l).needs.iter().any(|&m| m != n && plan.unassigned.iter().any(|x| x.need == pr.need(m).id)), "{u:?}");
            }
            // Rule 9: only an elder with a budget.
            Reason::OverBudget => assert!(pr.elder(pr.need(n).elder).budget.is_some(), "{u:?}"),
            // Response targets count from a dispatch's `now`: never a solve's reason.
            // So do the events' reasons.
            Reason::NoResponderInTime | Reason::Cancelled | Reason::Missed | Reason::ElderAway => {
                panic!("a solve gave {u:?}")
            }
        }
    }
}

fn normalised(mut plan: Plan) -> String {
    plan.summary.solve_ms = 0;
    plan.summary.threads = 0;
    serde_json::to_string(&plan).unwrap()
}

proptest! {
    // 300 cases by default; PROPTEST_CASES=N runs more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300),
        ..ProptestConfig::default()
    })]

    #[test]
    fn baseline_plans_pass_the_checker(s in spec()) {
        let pr = problem(&s);
        let key = |p: &Plan| {
            let o = p.summary.objective;
            (o.elders.unwrap_or(0), o.priority, o.served, -o.cost.unwrap_or(o.travel))
        };
        let auto = solve(&pr).ok();
        if let Some(auto) = &auto {
            // A complaint not lifted is never overridden: that carer never visits that elder.
            for &(e, p, _) in s.complaints.iter().filter(|c| !c.2) {
                let (elder, carer) = (format!("e{}", e % s.elders.len()), format!("p{}", p % s.providers.len()));
                prop_assert!(!auto.routes.iter().any(|r| r.provider == carer && r.stops.iter().any(|x| x.elder == elder)));
            }
            // primary_only: elder 0's one-carer visits are made by its primary carer.
            if let Some((p, true, ..)) = s.trust {
                let primary = format!("p{}", p % s.providers.len());
                for r in auto.routes.iter().filter(|r| r.provider != primary) {
                    prop_assert!(!r.stops.iter().any(|x| x.elder == "e0" && pr.need(pr.need_by_id(&x.need).unwrap()).caregivers == 1));
                }
            }
            let violations = check(&pr, auto);
            prop_assert!(violations.is_empty(), "auto: {:#?}", violations.iter().map(|v| v.to_string()).collect::<Vec<_>>());
            assert_reasons_sound(&pr, auto);
            let search = auto.summary.search.clone().expect("the default runs the search");
            prop_assert!(search.iterations > 0);
        }
        if let Ok(base) = solve_with(&pr, Algorithm::Baseline) {
            let violations = check(&pr, &base);
            prop_assert!(violations.is_empty(), "baseline: {:#?}", violations.iter().map(|v| v.to_string()).collect::<Vec<_>>());
            assert_reasons_sound(&pr, &base);
            // The search starts from the better construction and keeps the best plan.
            if let Some(auto) = &auto {
                prop_assert!(key(auto) >= key(&base), "auto {:?} < baseline {:?}", key(auto), key(&base));
            }
        }
        let plan = match solve_with(&pr, Algorithm::Matching) {
            Ok(plan) => plan,
            Err(e) => {
                // Rule 6: a pin that cannot be kept is an input error, never a partial plan.
                let at_a_pin = pr.needs().iter().enumerate().any(|(i, n)| {
                    n.pinned.is_some() && e.path().to_string() == format!("needs[{i}].pinned")
                });
                prop_assert!(at_a_pin, "{e}");
                return Ok(());
            }
        };
        let violations = check(&pr, &plan);
        prop_assert!(violations.is_empty(), "{:#?}", violations.iter().map(|v| v.to_string()).collect::<Vec<_>>());
        prop_assert_eq!(plan.summary.assigned + plan.summary.unassigned, pr.needs().len() as u64);
        if let Some(auto) = &auto {
            prop_assert!(key(auto) >= key(&plan), "auto {:?} < matching {:?}", key(auto), key(&plan));
            let bound = plan.summary.bound.expect("matching reports its bound").priority;
            prop_assert!(auto.summary.objective.priority <= bound);
        }
        // The bound is proven: no plan serves more priority, and it never exceeds the total.
        let bound = plan.summary.bound.expect("matching reports its bound").priority;
        prop_assert!(plan.summary.objective.priority <= bound, "{} > bound {bound}", plan.summary.objective.priority);
        prop_assert!(bound <= pr.total_priority());
        // A bound from cut candidate lists is still proven: no plan found with every
        // candidate (a larger search space) serves more. (It need not be above the full
        // graph's bound: the capacities of the two relaxations differ.)
        if s.candidates > 0 {
            let full = problem(&Spec { candidates: 0, ..s.clone() });
            for algorithm in [Algorithm::Auto, Algorithm::Matching] {
                if let Ok(f) = solve_with(&full, algorithm) {
                    prop_assert!(f.summary.objective.priority <= bound,
                        "a full-candidates plan serves {} > cut bound {bound}", f.summary.objective.priority);
                }
            }
        }
        assert_reasons_sound(&pr, &plan);
    }

    #[test]
    fn dispatched_plans_pass_the_checker(s in spec(), open in 28_800i64..60_000, svc in 0usize..4, caregivers in 1u8..=2) {
        // A solved plan, then one urgent need added to the problem (Problem::push_need)
        // and dispatched into it: the result must pass the checker and count every need.
        let mut pr = problem(&s);
        let Ok(plan) = solve(&pr) else { return Ok(()) };
        let need = serde_json::from_value(json!({
            "id": "urgent", "elder": "e0", "service": SERVICES[svc],
            "windows": [[open, open + 3_600]], "priority": 100, "caregivers": caregivers
        })).expect("a need");
        pr.push_need(need, None).expect("a valid need");
        let before = plan.clone();
        let d = carematch_core::dispatch::dispatch(&pr, plan, "urgent", Some(open)).expect("dispatches");
        let violations = check(&pr, &d.plan);
        prop_assert!(violations.is_empty(), "{:#?}", violations.iter().map(|v| v.to_string()).collect::<Vec<_>>());
        prop_assert_eq!(d.plan.summary.assigned + d.plan.summary.unassigned, pr.needs().len() as u64);
        prop_assert_eq!(d.reason.is_none(), !d.providers.is_empty());
        // The change kept as a patch, replayed on the plan before it, is the plan after.
        let p = carematch_core::patch::diff(&before, &d.plan);
        let mut replayed = before;
        carematch_core::patch::apply(&pr, &mut replayed, &p);
        prop_assert_eq!(normalised(replayed), normalised(d.plan.clone()));
    }

    #[test]
    fn the_cheapest_booking_is_what_dispatch_then_does(s in spec(), open in 28_800i64..60_000, svc in 0usize..4) {
        // A solved plan and one new one-carer need: the first recommended option costs
        // what dispatching the need adds when dispatch finds free room, every option
        // starts in one of the need's windows, cheapest first.
        let mut pr = problem(&s);
        let Ok(plan) = solve(&pr) else { return Ok(()) };
        let need = serde_json::from_value(json!({
            "id": "book", "elder": "e0", "service": SERVICES[svc],
            "windows": [[open, open + 3_600], [open + 7_200, open + 10_800]], "priority": 100
        })).expect("a need");
        pr.push_need(need, None).expect("a valid need");
        let r = carematch_core::recommend::recommend(&pr, &plan, "book", 5).expect("recommends");
        prop_assert!(r.options.len() <= 5);
        prop_assert_eq!(r.options.is_empty(), r.reason.is_some());
        prop_assert!(r.options.windows(2).all(|w| w[0].added_cost <= w[1].added_cost));
        for o in &r.options {
            prop_assert!(o.window[0] <= o.start && o.start <= o.window[1], "{:?}", o);
        }
        let cost = |p: &carematch_core::wire::Plan| {
            p.summary.objective.cost.unwrap_or(p.summary.objective.travel)
        };
        let before = cost(&plan);
        let d = carematch_core::dispatch::dispatch(&pr, plan, "book", None).expect("dispatches");
        if let (Some(first), None, None) = (r.options.first(), &d.reason, &d.displaced) {
            prop_assert_eq!(cost(&d.plan) - before, first.added_cost);
        }
        if r.options.is_empty() {
            prop_assert!(d.reason.is_some() || d.displaced.is_some());
        }
    }

    #[test]
    fn the_ledger_credits_what_time_bank_volunteers_served(s in spec(), every in 1usize..3) {
        // Every `every`-th provider banks time: the plan's ledger lists them in order
        // with the minutes and visits of their stops, and the checker refuses a ledger
        // that credits one minute more.
        let mut v = to_json(&s, false);
        for (k, p) in v["providers"].as_array_mut().unwrap().iter_mut().enumerate() {
            if k % every == 0 {
                p["time_bank"] = json!(true);
                p["station"] = json!(format!("station-{}", k % 2));
            }
        }
        let Ok(pr) = Problem::from_json(v.to_string().as_bytes()) else { return Ok(()) };
        let Ok(plan) = solve(&pr) else { return Ok(()) };
        let violations = check(&pr, &plan);
        prop_assert!(violations.is_empty(), "{:#?}", violations.iter().map(|v| v.to_string()).collect::<Vec<_>>());
        let banked: Vec<&str> = pr.providers().iter().filter(|p| p.time_bank).map(|p| p.id.as_str()).collect();
        prop_assert_eq!(plan.ledger.iter().map(|e| e.provider.as_str()).collect::<Vec<_>>(), banked);
        for e in &plan.ledger {
            let secs: i64 = plan.routes.iter().filter(|r| r.provider == e.provider)
                .flat_map(|r| &r.stops).map(|st| st.end - st.start).sum();
            prop_assert_eq!(e.minutes, secs / 60);
            prop_assert!(e.station.is_some());
        }
        if let Some(first) = plan.ledger.first().cloned() {
            let mut bad = plan.clone();
            bad.ledger[0].minutes = first.minutes + 1;
            prop_assert!(check(&pr, &bad).iter().any(|v| v.to_string().contains("ledger")));
        }
        // Dispatch keeps the ledger true.
        let mut pr = pr;
        let need = serde_json::from_value(json!({"id": "urgent", "elder": "e0",
            "service": SERVICES[0], "windows": [[36_000, 50_000]], "priority": 100})).expect("a need");
        pr.push_need(need, None).expect("a valid need");
        let d = carematch_core::dispatch::dispatch(&pr, plan, "urgent", None).expect("dispatches");
        let violations = check(&pr, &d.plan);
        prop_assert!(violations.is_empty(), "{:#?}", violations.iter().map(|v| v.to_string()).collect::<Vec<_>>());
    }

    #[test]
    fn a_zero_time_limit_still_gives_a_checked_plan(s in spec()) {
        let mut v = to_json(&s, Problem::from_json(to_json(&s, true).to_string().as_bytes()).is_ok());
        v["options"]["time_limit_ms"] = json!(0);
        let pr = Problem::from_json(v.to_string().as_bytes()).expect("valid");
        if let Ok(plan) = solve(&pr) {
            // The matching side had no time: no bound, the baseline's routes, no search.
            prop_assert!(plan.summary.bound.is_none());
            let search = plan.summary.search.clone().expect("the default runs the search");
            prop_assert_eq!(search.iterations, 0);
            let violations = check(&pr, &plan);
            prop_assert!(violations.is_empty(), "{:#?}", violations.iter().map(|v| v.to_string()).collect::<Vec<_>>());
            let base = solve_with(&pr, Algorithm::Baseline).expect("the baseline solves it too");
            prop_assert_eq!(plan.summary.objective, base.summary.objective);
        }
    }

    #[test]
    fn constructions_give_the_same_plan_at_one_and_two_threads(s in spec()) {
        let (Ok(one), Ok(two), Ok(again)) = (
            solve(&with_threads(&s, 1, Some(0))),
            solve(&with_threads(&s, 2, Some(0))),
            solve(&with_threads(&s, 2, Some(0))),
        ) else {
            // A pin no plan can keep: an input error at every thread count.
            prop_assert!(solve(&with_threads(&s, 1, Some(0))).is_err() && solve(&with_threads(&s, 2, Some(0))).is_err());
            return Ok(());
        };
        prop_assert_eq!(one.summary.threads, 1);
        prop_assert_eq!(two.summary.threads, 2);
        prop_assert!(one.summary.search.is_none());
        let (a, b, c) = (normalised(one), normalised(two), normalised(again));
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(&b, &c);
    }

    #[test]
    fn searches_give_the_same_plan_at_the_same_thread_count(s in spec()) {
        for threads in [1, 2] {
            // A pin no plan can keep is an input error (rule 6), the same every time.
            let (a, b) = match (solve(&with_threads(&s, threads, None)), solve(&with_threads(&s, threads, None))) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(x), Err(y)) => {
                    prop_assert_eq!(x, y);
                    continue;
                }
                (x, y) => return Err(TestCaseError::fail(format!("{:?} vs {:?}", x.map(|_| ()), y.map(|_| ())))),
            };
            let search = a.summary.search.clone().expect("the default runs the search");
            prop_assert_eq!(search.runs, threads as u64);
            prop_assert_eq!(search.stopped, Stopped::Iterations);
            prop_assert_eq!(normalised(a), normalised(b));
        }
    }
}
