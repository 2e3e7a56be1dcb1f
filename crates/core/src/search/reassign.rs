//! Whole routes handed between carers of one team: continuity over a horizon at no
//! travel.
//!
//! A *team* is the shifts of different providers that open and close at the same
//! times, start and end at the same places and travel at the same speed (the staff of
//! one station on one morning, say): any route of one of them, given to another,
//! keeps every arrival and start (rule 3) and its travel. Which carer drives which of
//! a team's routes is then an assignment problem — routes × carers, a route allowed to
//! a carer who may serve every visit in it (rule 2) within the carer's limits over the
//! day and the horizon (rule 5) — and, with every other team held as it is, the carer
//! changes it adds are exactly a sum over the edges: a route's elders whom the carer
//! does not see anywhere else. So each team's assignment is solved exactly by the
//! assignment kernel ([`crate::assign`]), team after team: a coordinate descent on the
//! plan's carer changes that never changes its travel, its lateness or what it serves.
//!
//! Routes with a fixed start (a pin, a two-carer visit) or a linked visit stay with
//! their carer, and keep that carer's shift out of the team.

use std::collections::HashMap;

use crate::assign::{self, Instance};
use crate::model::{ElderIdx, Problem};
use crate::routes::{Builder, RouteState};

/// The teams of a problem: groups of at least two route indices (slot order), one
/// provider at most once in each.
#[derive(Debug, Clone, Default)]
pub(crate) struct Teams {
    teams: Vec<Vec<u32>>,
}

impl Teams {
    /// The teams of `problem`, when carer changes are priced over a horizon (else
    /// none: handing routes around would change nothing that counts).
    pub(crate) fn new(problem: &Problem) -> Self {
        if !problem.has_horizon() || problem.options().weights.carer_changes == 0 {
            return Self::default();
        }
        type Key = (u32, u32, i64, i64, u64, i64);
        let mut by_key: HashMap<Key, Vec<(u32, u32)>> = HashMap::new();
        let mut ri = 0u32;
        for (k, p) in problem.providers().iter().enumerate() {
            for s in &p.shifts {
                let (start, end) = problem.ends_of(crate::model::ProviderIdx(k as u32));
                let key = (
                    start,
                    end,
                    s.open,
                    s.close,
                    p.speed.to_bits(),
                    p.capacity.unwrap_or(-1),
                );
                by_key.entry(key).or_default().push((ri, k as u32));
                ri += 1;
            }
        }
        let mut teams: Vec<Vec<u32>> = by_key
            .into_values()
            .filter(|t| {
                let mut ps: Vec<u32> = t.iter().map(|x| x.1).collect();
                ps.sort_unstable();
                t.len() > 1 && ps.windows(2).all(|w| w[0] != w[1])
            })
            .map(|t| t.into_iter().map(|x| x.0).collect())
            .collect();
        teams.sort_unstable();
        Self { teams }
    }

    /// Whether there is any team.
    pub(crate) fn is_empty(&self) -> bool {
        self.teams.is_empty()
    }

    /// The teams, in a fixed order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u32]> {
        self.teams.iter().map(Vec::as_slice)
    }
}

/// What one route carries: its visits and work, and its elders with their visits.
struct Content {
    ri: usize,
    visits: i64,
    work: i64,
    elders: Vec<(ElderIdx, u32)>,
}

/// The best hand-over of `team`'s routes among its carers, as the routes to replace,
/// when it lowers the plan's cost (`None`: the routes are best as they are).
pub(crate) fn reassign_team(b: &Builder<'_>, team: &[u32]) -> Option<Vec<(usize, RouteState)>> {
    let problem = b.problem();
    // Routes that may move (no fixed start or link anywhere in them), and their shifts.
    let free: Vec<usize> = team
        .iter()
        .map(|&ri| ri as usize)
        .filter(|&ri| {
            b.routes[ri].stops().iter().all(|s| {
                let n = problem.need(s.need);
                s.fixed.is_none() && n.link.is_none() && n.caregivers == 1
            })
        })
        .collect();
    if free.len() < 2 {
        return None;
    }
    let contents: Vec<Content> = free
        .iter()
        .map(|&ri| {
            let r = &b.routes[ri];
            let mut elders: Vec<(ElderIdx, u32)> = Vec::new();
            for s in r.stops() {
                let e = problem.need(s.need).elder;
                match elders.iter_mut().find(|x| x.0 == e) {
                    Some(x) => x.1 += 1,
                    None => elders.push((e, 1)),
                }
            }
            Content {
                ri,
                visits: r.stops().len() as i64,
                work: r.travel + r.service,
                elders,
            }
        })
        .collect();
    let rows: Vec<&Content> = contents.iter().filter(|c| c.visits > 0).collect();
    if rows.is_empty() {
        return None;
    }
    // Edge cost: the carer changes a route adds with that carer (its elders the carer
    // sees nowhere outside the team), scaled, plus one for leaving its own carer.
    let scale = free.len() as i64 + 1;
    let mut inst = Instance {
        capacity: vec![1; free.len()],
        offsets: vec![0],
        ..Instance::default()
    };
    let mut own_cost = 0i64;
    for row in &rows {
        for (j, col) in contents.iter().enumerate() {
            let slot = b.routes[col.ri].slot;
            let Some(new) = added_carers(b, row, col, slot.provider) else {
                continue;
            };
            let moved = i64::from(row.ri != col.ri);
            inst.targets.push(j as u32);
            inst.costs.push(new * scale + moved);
            if row.ri == col.ri {
                own_cost += new * scale;
            }
        }
        inst.offsets.push(inst.targets.len());
        inst.demand.push(1);
    }
    // Every route must keep a carer: leaving one out costs more than any assignment.
    let penalty = (own_cost + 1) * 2 + scale * rows.len() as i64;
    inst.penalty = vec![penalty; rows.len()];
    let sol = assign::solve(&inst);
    if sol.cost >= i128::from(own_cost) || sol.skipped.iter().any(|&s| s > 0) {
        return None;
    }
    let mut to: Vec<Option<usize>> = vec![None; free.len()];
    for (i, row) in rows.iter().enumerate() {
        for e in inst.edge_range(i) {
            if sol.flow[e] == 1 {
                to[inst.targets[e] as usize] = Some(row.ri);
            }
        }
    }
    let mut replaced: Vec<(usize, RouteState)> = Vec::new();
    for (col, from) in contents.iter().zip(&to) {
        if *from == Some(col.ri) {
            continue;
        }
        let slot = b.routes[col.ri].slot;
        let Some(src) = from.map(|ri| &b.routes[ri]) else {
            replaced.push((col.ri, RouteState::new(problem, slot)));
            continue;
        };
        let r = RouteState::with_stops(problem, slot, src.stops().to_vec());
        // The same times, so the same travel and lateness (the team's promise).
        if !r.is_consistent() || r.travel != src.travel || r.late != src.late {
            return None;
        }
        replaced.push((col.ri, r));
    }
    let refs: Vec<(usize, &RouteState)> = replaced.iter().map(|(ri, r)| (*ri, r)).collect();
    (b.affordable_if(&refs) && b.cost_if(&refs) < b.cost()).then_some(replaced)
}

/// The carer changes `row`'s route adds when `p` (the carer of `col`'s route) drives
/// it instead of `col`'s, or `None` when `p` may not: a visit `p` may not make (rule
/// 2), or `p`'s limits over the day or the horizon (rule 5).
fn added_carers(
    b: &Builder<'_>,
    row: &Content,
    col: &Content,
    p: crate::model::ProviderIdx,
) -> Option<i64> {
    let problem = b.problem();
    if row.ri != col.ri {
        let r = &b.routes[row.ri];
        if r.stops()
            .iter()
            .any(|s| problem.disqualification(p, s.need).is_some())
        {
            return None;
        }
        if !b.within_limits(col.ri, row.visits - col.visits, row.work - col.work) {
            return None;
        }
    }
    let new = row
        .elders
        .iter()
        .filter(|&&(e, _)| {
            let here = col.elders.iter().find(|x| x.0 == e).map_or(0, |x| x.1);
            b.carer_visits(e, p) == here
        })
        .count();
    Some(new as i64)
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

impl super::Search<'_> {
    /// One pass over every team, in the search's books: kept, as it only lowers the
    /// cost and serves the same.
    pub(super) fn reassign(&mut self) {
        let teams = self.teams;
        // A stamp of its own, so the undo log of the iteration after starts afresh.
        let iter = self.iter;
        self.iter = iter | 1 << 63;
        let mut any = false;
        for team in teams.iter() {
            let replaced = reassign_team(&self.st, team);
            self.count(super::Op::Reassign, replaced.is_some());
            for (ri, r) in replaced.into_iter().flatten() {
                self.replace(ri, r);
                any = true;
            }
        }
        if any {
            self.commit();
            if self.score > self.best_score {
                self.save_best();
            }
        }
        self.iter = iter;
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
            .filter(|&ri| b.routes[ri].stops().iter().all(|s| s.fixed.is_none()))
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
                let slot = b.routes[to].slot;
                let src = &b.routes[from];
                let r = RouteState::with_stops(problem, slot, src.stops().to_vec());
                let (old, new) = (&b.routes[to], &r);
                ok &= r.is_consistent()
                    && src
                        .stops()
                        .iter()
                        .all(|s| problem.disqualification(slot.provider, s.need).is_none())
                    && b.within_limits(
                        to,
                        new.stops().len() as i64 - old.stops().len() as i64,
                        new.travel + new.service - old.travel - old.service,
                    );
                replaced.push((to, r));
            }
            if ok {
                let refs: Vec<(usize, &RouteState)> =
                    replaced.iter().map(|(i, r)| (*i, r)).collect();
                best = best.min(b.cost_if(&refs));
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
        let travel: i64 = b.routes.iter().map(|r| r.travel).sum();
        assert_eq!(b.cost(), travel + 500);
        let teams = Teams::new(&problem);
        assert_eq!(teams.iter().count(), 3, "one team a day");
        assert!(reassign_all(&mut b, &teams));
        assert_eq!(b.cost(), travel);
        let carers: Vec<_> = b
            .routes
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
                    (b.routes.iter().map(|r| r.travel).sum(), b.routes.iter().map(|r| r.stops().len()).sum());
                let best = brute_force(&b, team);
                match reassign_team(&b, team) {
                    Some(replaced) => {
                        let refs: Vec<(usize, &RouteState)> = replaced.iter().map(|(i, r)| (*i, r)).collect();
                        prop_assert_eq!(b.cost_if(&refs), best);
                        for (ri, r) in replaced {
                            b.set_route(ri, r);
                        }
                    }
                    None => prop_assert_eq!(b.cost(), best),
                }
                // The same travel and visits, and a plan the checker accepts.
                prop_assert_eq!(travel, b.routes.iter().map(|r| r.travel).sum::<i64>());
                prop_assert_eq!(served, b.routes.iter().map(|r| r.stops().len()).sum::<usize>());
                let unserved: Vec<_> = (0..problem.needs().len() as u32)
                    .map(crate::model::NeedIdx)
                    .filter(|&n| b.at(n)[0] == crate::routes::NONE)
                    .map(|n| (n, crate::wire::Reason::OverCapacity, String::new()))
                    .collect();
                let plan = crate::explain::build_plan(&problem, &b.routes, &[], &unserved, None, 1, 0);
                let v = crate::check(&problem, &plan);
                prop_assert!(v.is_empty(), "{:?}", v.iter().map(|v| v.to_string()).collect::<Vec<_>>());
                prop_assert_eq!(b.cost(), crate::routes::cost_of(&problem, &b.routes));
            }
        }
    }
}
