//! Whole routes handed between carers of one team: continuity over a horizon at no
//! travel.
//!
//! A team ([`crate::routes::Teams`]) is shifts of different providers that open and
//! close together, from the same places, at the same speed and load: any route of one
//! of them, given to another, keeps every arrival and start (rule 3) and its travel.
//! Which carer drives which of a team's routes is then an assignment problem — routes
//! × carers, a route allowed to a carer who may serve every visit in it (rule 2) and
//! whom the rules allow to take it ([`Builder::handover`]: limits over the day and the
//! horizon) — and, with every other team held as it is, what each hand-over adds to
//! the cost is a sum over the edges (for continuity: a route's elders whom the carer
//! does not see anywhere else). So each team's assignment is solved exactly by the
//! assignment kernel ([`crate::assign`]), team after team: a coordinate descent on the
//! plan's cost that never changes its travel, its lateness or what it serves. The
//! whole hand-over is then asked of every rule once more (budgets cannot be judged
//! edge by edge).
//!
//! Routes with a fixed start (a pin, a two-carer visit) or a linked visit stay with
//! their carer, and keep that carer's shift out of the team.

use crate::assign::{self, Instance};
use crate::routes::{Builder, Proposal, RouteChange, RouteState, Stage, Teams};

/// The best hand-over of `team`'s routes among its carers, as the routes to replace,
/// when it lowers the plan's cost (`None`: the routes are best as they are).
pub(crate) fn reassign_team(b: &Builder<'_>, team: &[u32]) -> Option<Vec<(usize, RouteState)>> {
    let problem = b.problem();
    // Routes that may move (no fixed start or link anywhere in them), and their shifts.
    let free: Vec<usize> = team
        .iter()
        .map(|&ri| ri as usize)
        .filter(|&ri| {
            b.route(ri).stops().iter().all(|s| {
                let n = problem.need(s.need);
                s.fixed.is_none() && n.link.is_none() && n.caregivers == 1
            })
        })
        .collect();
    if free.len() < 2 {
        return None;
    }
    let rows: Vec<usize> = free
        .iter()
        .copied()
        .filter(|&ri| !b.route(ri).stops().is_empty())
        .collect();
    if rows.is_empty() {
        return None;
    }
    let (inst, own_cost) = instance(b, &free, &rows);
    let sol = assign::solve(&inst);
    if sol.cost >= i128::from(own_cost) || sol.skipped.iter().any(|&s| s > 0) {
        return None;
    }
    let mut to: Vec<Option<usize>> = vec![None; free.len()];
    for (i, &row) in rows.iter().enumerate() {
        for e in inst.edge_range(i) {
            if sol.flow[e] == 1 {
                to[inst.targets[e] as usize] = Some(row);
            }
        }
    }
    let mut replaced: Vec<(usize, RouteState)> = Vec::new();
    for (&col, from) in free.iter().zip(&to) {
        if *from == Some(col) {
            continue;
        }
        let slot = b.route(col).slot;
        let Some(src) = from.map(|ri| b.route(ri)) else {
            replaced.push((col, RouteState::new(problem, slot)));
            continue;
        };
        let r = RouteState::with_stops(problem, slot, src.stops().to_vec());
        // The same times, so the same travel and lateness (the team's promise).
        if !r.is_consistent() || r.travel != src.travel || r.late != src.late {
            return None;
        }
        replaced.push((col, r));
    }
    let changes: Vec<RouteChange<'_>> = replaced
        .iter()
        .map(|(ri, r)| RouteChange::rebuilt(*ri, b.route(*ri), r))
        .collect();
    let p = Proposal::new(&changes, &[]);
    (b.admits(&p, Stage::Final) && b.cost_if(&p) < b.cost()).then_some(replaced)
}

/// The team's assignment: rows the non-empty routes, columns every free route's
/// carer. An edge's cost is what the route adds to the plan's cost with that carer,
/// scaled, plus one for leaving its own carer; leaving a route out costs more than any
/// assignment. Also the cost of every route keeping its carer.
fn instance(b: &Builder<'_>, free: &[usize], rows: &[usize]) -> (Instance, i64) {
    let scale = free.len() as i64 + 1;
    let mut inst = Instance {
        capacity: vec![1; free.len()],
        offsets: vec![0],
        ..Instance::default()
    };
    let mut own_cost = 0i64;
    for &row in rows {
        for (j, &col) in free.iter().enumerate() {
            let Some(added) = handover_cost(b, row, col) else {
                continue;
            };
            let moved = i64::from(row != col);
            inst.targets.push(j as u32);
            inst.costs.push(added * scale + moved);
            if row == col {
                own_cost += added * scale;
            }
        }
        inst.offsets.push(inst.targets.len());
        inst.demand.push(1);
    }
    let penalty = (own_cost + 1) * 2 + scale * rows.len() as i64;
    inst.penalty = vec![penalty; rows.len()];
    (inst, own_cost)
}

/// What route `row` adds to the cost when the carer of route `col` drives it instead
/// of `col`'s, or `None` when that carer may not: a visit it may not make (rule 2), or
/// a rule that forbids it.
fn handover_cost(b: &Builder<'_>, row: usize, col: usize) -> Option<i64> {
    let problem = b.problem();
    let p = b.route(col).provider();
    if row != col
        && b.route(row)
            .stops()
            .iter()
            .any(|s| problem.disqualification(p, s.need).is_some())
    {
        return None;
    }
    let terms = b.handover(row, col, p)?;
    Some(crate::objective::cost(problem, &terms))
}

/// One pass over every team of `teams`, each handed over as [`reassign_team`] finds
/// best; whether anything changed.
pub(crate) fn reassign_all(b: &mut Builder<'_>, teams: &Teams) -> bool {
    let mut any = false;
    for team in teams.iter() {
        if let Some(replaced) = reassign_team(b, team) {
            for (ri, r) in replaced {
                b.set_route(ri, r);
            }
            any = true;
        }
    }
    any
}

impl crate::search::Search<'_> {
    /// One pass over every team, in the search's books: kept, as it only lowers the
    /// cost and serves the same.
    pub(in crate::search) fn reassign(&mut self) {
        let teams = self.teams;
        self.begin();
        let mut any = false;
        for team in teams.iter() {
            let replaced = reassign_team(&self.st, team);
            self.count(crate::search::Op::Reassign, replaced.is_some());
            for (ri, r) in replaced.into_iter().flatten() {
                self.replace(ri, r);
                any = true;
            }
        }
        self.commit();
        if any && self.score > self.best.score {
            self.save_best();
        }
    }
}

#[cfg(test)]
mod tests {
    //! The hand-over of each team is the best of every permutation of its routes
    //! among its carers (brute force), on random small weeks whose carers leave from
    //! one station with different skills and weekly hours.
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::feasibility::Candidates;
    use crate::model::Problem;
    use crate::neighbours::Neighbours;

    const DAY: i64 = 86_400;

    /// elder, service, days (mask of 3), visits; carers: skills mask, max_work_total.
    type NeedGen = (usize, usize, u8, i64);
    type CarerGen = (u8, Option<i64>);

    fn week(needs: &[NeedGen], carers: &[CarerGen], weight: i64) -> Problem {
        let services = ["meals", "cleaning", "check_in"];
        let elders: Vec<_> = (0..6)
            .map(|e| json!({"id": format!("e{e}"), "location": [(e * 400) as f64, (e * 230 % 700) as f64]}))
            .collect();
        let needs: Vec<_> = needs
            .iter()
            .enumerate()
            .map(|(i, &(e, s, mask, visits))| {
                let windows: Vec<[i64; 2]> = (0..3)
                    .filter(|d| mask & (1 << d) != 0)
                    .map(|d| [d * DAY + 30_000, d * DAY + 40_000])
                    .collect();
                json!({"id": format!("n{i}"), "elder": format!("e{e}"), "service": services[s],
                       "duration": 1_500, "windows": windows, "visits": visits})
            })
            .collect();
        let providers: Vec<_> = carers
            .iter()
            .enumerate()
            .map(|(i, &(mask, total))| {
                let skills: Vec<&str> = (0..3)
                    .filter(|b| mask & (1 << b) != 0)
                    .map(|b| services[b])
                    .collect();
                let shifts: Vec<[i64; 2]> = (0..3)
                    .map(|d| [d * DAY + 28_800, d * DAY + 50_000])
                    .collect();
                let mut p = json!({"id": format!("p{i}"), "kind": "staff", "skills": skills,
                                   "start": [0.0, 0.0], "shifts": shifts, "max_visits": 4});
                if let Some(t) = total {
                    p["max_work_total"] = json!(t);
                }
                p
            })
            .collect();
        let v = json!({"travel": {"metric": "euclidean", "speed": 1.0}, "elders": elders,
                       "needs": needs, "providers": providers,
                       "options": {"day_length": DAY, "weights": {"carer_changes": weight}}});
        Problem::from_json(v.to_string().as_bytes()).expect("valid")
    }

    /// Every ordering of `0..k`.
    fn permutations(k: usize) -> Vec<Vec<usize>> {
        if k == 0 {
            return vec![Vec::new()];
        }
        let mut out = Vec::new();
        for p in permutations(k - 1) {
            for at in 0..=p.len() {
                let mut q = p.clone();
                q.insert(at, k - 1);
                out.push(q);
            }
        }
        out
    }

    /// The lowest cost of any feasible permutation of `team`'s free routes.
    fn brute_force(b: &Builder<'_>, team: &[u32]) -> i64 {
        let problem = b.problem();
        let free: Vec<usize> = team
            .iter()
            .map(|&ri| ri as usize)
            .filter(|&ri| b.route(ri).stops().iter().all(|s| s.fixed.is_none()))
            .collect();
        let mut best = b.cost();
        for perm in permutations(free.len()) {
            // Slot free[j] takes the route of free[perm[j]].
            let mut replaced = Vec::new();
            let mut ok = true;
            for (j, &from) in perm.iter().enumerate() {
                let (to, from) = (free[j], free[from]);
                if to == from {
                    continue;
                }
                let slot = b.route(to).slot;
                let src = b.route(from);
                let r = RouteState::with_stops(problem, slot, src.stops().to_vec());
                ok &= r.is_consistent()
                    && src
                        .stops()
                        .iter()
                        .all(|s| problem.disqualification(slot.provider, s.need).is_none());
                replaced.push((to, r));
            }
            let changes: Vec<RouteChange<'_>> = replaced
                .iter()
                .map(|(ri, r)| RouteChange::rebuilt(*ri, b.route(*ri), r))
                .collect();
            let p = Proposal::new(&changes, &[]);
            if ok && b.admits(&p, Stage::Final) {
                best = best.min(b.cost_if(&p));
            }
        }
        best
    }

    #[test]
    fn an_elder_seen_by_two_carers_on_two_days_keeps_one() {
        // e0 has lunch on days 0 and 1; p0 brings it on day 0, p1 on day 1, both from
        // one station: handing day 1's route to p0 leaves one carer, at the same travel.
        let problem = week(&[(0, 0, 0b011, 2)], &[(0b111, None), (0b111, None)], 500);
        let mut routes: Vec<RouteState> = (0..2u32)
            .flat_map(|p| {
                (0..3u16).map(move |shift| crate::model::Slot {
                    provider: crate::model::ProviderIdx(p),
                    shift,
                })
            })
            .map(|slot| RouteState::new(&problem, slot))
            .collect();
        let visits = &problem.all_series()[0].needs;
        let stop = |n| crate::routes::StopState {
            need: n,
            fixed: None,
            within: None,
        };
        routes[0] = RouteState::with_stops(&problem, routes[0].slot, vec![stop(visits[0])]);
        routes[4] = RouteState::with_stops(&problem, routes[4].slot, vec![stop(visits[1])]);
        let mut b = Builder::from_routes(&problem, routes);
        let travel: i64 = b.routes().iter().map(|r| r.travel).sum();
        assert_eq!(b.cost(), travel + 500);
        let teams = Teams::new(&problem);
        assert_eq!(teams.iter().count(), 3, "one team a day");
        assert!(reassign_all(&mut b, &teams));
        assert_eq!(b.cost(), travel);
        let carers: Vec<_> = b
            .routes()
            .iter()
            .filter(|r| !r.stops().is_empty())
            .map(|r| r.provider())
            .collect();
        assert_eq!(carers.len(), 2);
        assert_eq!(carers[0], carers[1]);
        assert!(!reassign_all(&mut b, &teams), "nothing more to hand over");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn each_team_is_handed_over_at_the_least_cost_of_every_permutation(
            needs in proptest::collection::vec((0usize..6, 0usize..3, 1u8..8, 1i64..3), 3..14),
            carers in proptest::collection::vec(
                (1u8..8, proptest::option::weighted(0.4, 2_000i64..12_000)), 2..5),
        ) {
            // A plan built without caring for continuity, then priced with it.
            let plain = week(&needs, &carers, 0);
            let problem = week(&needs, &carers, 500);
            let (cands, near) = (Candidates::new(&plain), Neighbours::new(&plain));
            let built = crate::baseline::construct(&plain, &cands, &near, None);
            let mut b = Builder::from_routes(&problem, built.routes);
            let teams = Teams::new(&problem);
            prop_assert!(!teams.is_empty());
            for team in teams.iter() {
                let (travel, served): (i64, usize) =
                    (b.routes().iter().map(|r| r.travel).sum(), b.routes().iter().map(|r| r.stops().len()).sum());
                let best = brute_force(&b, team);
                match reassign_team(&b, team) {
                    Some(replaced) => {
                        let changes: Vec<RouteChange<'_>> = replaced
                            .iter()
                            .map(|(ri, r)| RouteChange::rebuilt(*ri, b.route(*ri), r))
                            .collect();
                        prop_assert_eq!(b.cost_if(&Proposal::new(&changes, &[])), best);
                        for (ri, r) in replaced {
                            b.set_route(ri, r);
                        }
                    }
                    None => prop_assert_eq!(b.cost(), best),
                }
                // The same travel and visits, and a plan the checker accepts.
                prop_assert_eq!(travel, b.routes().iter().map(|r| r.travel).sum::<i64>());
                prop_assert_eq!(served, b.routes().iter().map(|r| r.stops().len()).sum::<usize>());
                let unserved: Vec<_> = (0..problem.needs().len() as u32)
                    .map(crate::model::NeedIdx)
                    .filter(|&n| !b.at(n).is_served())
                    .map(|n| (n, crate::wire::Reason::OverCapacity, String::new()))
                    .collect();
                let plan = crate::explain::build_plan(&problem, b.routes(), &[], &unserved, None, 1, 0);
                let v = crate::check(&problem, &plan);
                prop_assert!(v.is_empty(), "{:?}", v.iter().map(|v| v.to_string()).collect::<Vec<_>>());
                // The builder's books against the plan's own figures.
                prop_assert_eq!(plan.summary.objective.cost, Some(b.cost()));
            }
        }
    }
}
