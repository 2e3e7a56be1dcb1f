//! The plan's funding report (v1.1, "Funding"): what the served visits cost and what
//! priority is left unmet — by area (every level of an area path) × service, by
//! profile group, and by who served (the carers' station and group, each venue) —
//! the way a street office reports spend against the district's purchase and the
//! elders' vouchers.
//!
//! It reads a finished plan (routes, venue visits, unassigned), so the solver and
//! dispatch give the same report for the same plan.

use std::collections::BTreeMap;

use crate::model::{NeedIdx, Problem};
use crate::wire::{
    Funding, FundingByArea, FundingByGroup, FundingByProvider, FundingFigures, Plan,
};

/// The profile groups an elder counts in (`ability_0` … `ability_4`, `age_80_plus`,
/// `lives_alone`, `low_income`).
fn groups(problem: &Problem, n: NeedIdx) -> Vec<String> {
    let p = &problem.elder(problem.need(n).elder).profile;
    let mut out = Vec::new();
    if let Some(level) = p.ability_level {
        out.push(format!("ability_{level}"));
    }
    if p.age.is_some_and(|a| a >= 80) {
        out.push("age_80_plus".to_owned());
    }
    if p.lives_alone {
        out.push("lives_alone".to_owned());
    }
    if p.low_income {
        out.push("low_income".to_owned());
    }
    out
}

/// The funding report of `plan` for `problem`; `None` when the problem has no price,
/// budget or venue ([`Problem::has_funding`]).
///
/// ```
/// use carematch_core::{funding::funding, solve, Problem};
/// let problem = Problem::from_json(br#"{
///   "services": [{"id": "meals", "price": 1500}],
///   "elders": [{"id": "e1", "location": [116.43, 39.92], "area": "d1/s1", "budget": 30000}],
///   "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]}],
///   "providers": [{"id": "p1", "kind": "staff", "skills": ["meals"], "station": "st-1",
///                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]}]
/// }"#)?;
/// let plan = solve(&problem)?;
/// let f = funding(&problem, &plan).unwrap();
/// assert_eq!((f.total.visits, f.total.spend), (1, 1500));
/// assert_eq!(f.by_area.len(), 2); // d1 and d1/s1
/// assert_eq!(f.by_provider[0].station.as_deref(), Some("st-1"));
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn funding(problem: &Problem, plan: &Plan) -> Option<Funding> {
    if !problem.has_funding() {
        return None;
    }
    let mut total = FundingFigures::default();
    let mut by_area: BTreeMap<(Option<String>, String), FundingFigures> = BTreeMap::new();
    let mut by_profile: BTreeMap<String, FundingFigures> = BTreeMap::new();
    let mut by_provider: BTreeMap<(Option<String>, Option<String>), (u64, i64)> = BTreeMap::new();
    let mut add = |n: NeedIdx, served: Option<i64>| {
        let need = problem.need(n);
        let f = |fig: &mut FundingFigures| match served {
            Some(price) => {
                fig.visits += 1;
                fig.spend += price;
            }
            None => fig.unmet_priority += i64::from(need.priority),
        };
        f(&mut total);
        for area in crate::model::area_levels(problem.elder(need.elder).area.as_deref()) {
            f(by_area
                .entry((area.map(str::to_owned), need.service.clone()))
                .or_default());
        }
        for g in groups(problem, n) {
            f(by_profile.entry(g).or_default());
        }
    };
    for r in &plan.routes {
        let Some(p) = problem.provider_by_id(&r.provider) else {
            continue;
        };
        let prov = problem.provider(p);
        for s in &r.stops {
            let Some(n) = problem.need_by_id(&s.need) else {
                continue;
            };
            let price = problem.price(n, p);
            add(n, Some(price));
            let e = by_provider
                .entry((prov.station.clone(), prov.group.clone()))
                .or_default();
            e.0 += 1;
            e.1 += price;
        }
    }
    for v in &plan.venue_visits {
        let Some(n) = problem.need_by_id(&v.need) else {
            continue;
        };
        let price = problem.need(n).price;
        add(n, Some(price));
        let e = by_provider
            .entry((Some(v.venue.clone()), Some("venue".to_owned())))
            .or_default();
        e.0 += 1;
        e.1 += price;
    }
    for u in &plan.unassigned {
        if let Some(n) = problem.need_by_id(&u.need) {
            add(n, None);
        }
    }
    Some(Funding {
        total,
        by_area: by_area
            .into_iter()
            .map(|((area, service), figures)| FundingByArea {
                area,
                service,
                figures,
            })
            .collect(),
        by_profile: by_profile
            .into_iter()
            .map(|(group, figures)| FundingByGroup { group, figures })
            .collect(),
        by_provider: by_provider
            .into_iter()
            .map(|((station, group), (visits, spend))| FundingByProvider {
                station,
                group,
                visits,
                spend,
            })
            .collect(),
    })
}
