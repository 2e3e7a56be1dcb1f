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
    let mut tally = Tally::default();
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
            tally.add(problem, n, Some(price));
            tally.by(prov.station.clone(), prov.group.clone(), price);
        }
    }
    for v in &plan.venue_visits {
        let Some(n) = problem.need_by_id(&v.need) else {
            continue;
        };
        let price = problem.need(n).price;
        tally.add(problem, n, Some(price));
        tally.by(Some(v.venue.clone()), Some("venue".to_owned()), price);
    }
    for u in &plan.unassigned {
        if let Some(n) = problem.need_by_id(&u.need) {
            tally.add(problem, n, None);
        }
    }
    Some(tally.report())
}

/// The funding report as it is added up.
#[derive(Default)]
struct Tally {
    total: FundingFigures,
    by_area: BTreeMap<(Option<String>, String), FundingFigures>,
    by_profile: BTreeMap<String, FundingFigures>,
    by_provider: BTreeMap<(Option<String>, Option<String>), (u64, i64)>,
}

impl Tally {
    /// Need `n`, served at `price` (`None`: unmet), in the total, its elder's area
    /// levels and its profile groups.
    fn add(&mut self, problem: &Problem, n: NeedIdx, served: Option<i64>) {
        let need = problem.need(n);
        let f = |fig: &mut FundingFigures| match served {
            Some(price) => {
                fig.visits += 1;
                fig.spend += price;
            }
            None => fig.unmet_priority += i64::from(need.priority),
        };
        f(&mut self.total);
        for area in crate::model::area_levels(problem.elder(need.elder).area.as_deref()) {
            f(self
                .by_area
                .entry((area.map(str::to_owned), need.service.clone()))
                .or_default());
        }
        for g in groups(problem, n) {
            f(self.by_profile.entry(g).or_default());
        }
    }

    /// A visit served at `price` by the carers of `station` and `group`.
    fn by(&mut self, station: Option<String>, group: Option<String>, price: i64) {
        let e = self.by_provider.entry((station, group)).or_default();
        e.0 += 1;
        e.1 += price;
    }

    /// The report.
    fn report(self) -> Funding {
        Funding {
            total: self.total,
            by_area: (self.by_area.into_iter())
                .map(|((area, service), figures)| FundingByArea {
                    area,
                    service,
                    figures,
                })
                .collect(),
            by_profile: (self.by_profile.into_iter())
                .map(|(group, figures)| FundingByGroup { group, figures })
                .collect(),
            by_provider: (self.by_provider.into_iter())
                .map(|((station, group), (visits, spend))| FundingByProvider {
                    station,
                    group,
                    visits,
                    spend,
                })
                .collect(),
        }
    }
}
