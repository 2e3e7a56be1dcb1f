//! Past weeks of visits for a programme (`generate --days D --history W`): what a
//! station's records would hold before the plan, for the engine to keep the carers
//! elders know.
//!
//! Each need's visits are repeated on each of the `W` weeks before the plan, at the
//! same times of the week. The carer of a visit is one of the four nearest carers
//! (from where they start) qualified for it — skills, level, volunteer rule, gender,
//! `avoids` — as a station that plans without history hands out visits: the carer of
//! the elder's last visit again seven times in ten, another of those four otherwise.
//! One visit in twenty was missed; seven in ten are rated, mostly 4 or 5; one in two
//! hundred brought a complaint, half of them since lifted.
//!
//! ```
//! let mut week = carematch_synth::week::generate(60, 7, 3);
//! week.history = carematch_synth::history::past_weeks(&week, 4, 3);
//! assert!(week.history.iter().all(|h| h.start < 0));
//! let problem = carematch_core::Problem::from_input(week).unwrap();
//! assert!(problem.elders().iter().any(|e| !e.known.is_empty()));
//! ```

use carematch_core::model::{NeedIdx, ProviderIdx};
use carematch_core::wire::{HistoryEntry, Outcome, ProblemInput};
use carematch_core::Problem;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// Seconds per week.
const WEEK: i64 = 7 * 86_400;
/// Carers an elder's visits were handed among.
const POOL: usize = 4;

/// `weeks` weeks of past visits of the needs of `p` (none when `p` is not a valid
/// problem), in time order.
pub fn past_weeks(p: &ProblemInput, weeks: usize, seed: u64) -> Vec<HistoryEntry> {
    let Ok(problem) = Problem::from_input(p.clone()) else {
        return Vec::new();
    };
    let mut r = Pcg64::seed_from_u64(seed ^ 0x0415_7012);
    let mut last: std::collections::HashMap<u32, ProviderIdx> = Default::default();
    let mut out = Vec::new();
    for w in (1..=weeks as i64).rev() {
        for (i, need) in problem.needs().iter().enumerate() {
            let pool = nearest_qualified(&problem, NeedIdx(i as u32));
            let Some(&first) = pool.first() else {
                continue;
            };
            let elder = need.elder;
            let again = last.get(&elder.0).filter(|p| pool.contains(p));
            let p = match again {
                Some(&p) if r.random_bool(0.7) => p,
                _ => pool
                    .get(r.random_range(0..pool.len()))
                    .copied()
                    .unwrap_or(first),
            };
            last.insert(elder.0, p);
            let window = match need.windows.len() {
                0 => 0,
                k => need.windows[r.random_range(0..k)].open,
            };
            let complaint = r.random_bool(0.005);
            out.push(HistoryEntry {
                elder: problem.elder(elder).id.clone(),
                provider: problem.provider(p).id.clone(),
                service: Some(need.service.clone()),
                start: window - w * WEEK,
                outcome: r.random_bool(0.05).then_some(Outcome::Missed),
                rating: r.random_bool(0.7).then(|| match r.random_range(0..10) {
                    0 => 2,
                    1..=2 => 3,
                    3..=5 => 4,
                    _ => 5,
                }),
                complaint,
                lifted: complaint && r.random_bool(0.5),
            });
        }
    }
    out.sort_by_key(|h| h.start);
    out
}

/// The [`POOL`] carers nearest to need `n`'s elder (from where they start) that rule 2
/// allows.
fn nearest_qualified(problem: &Problem, n: NeedIdx) -> Vec<ProviderIdx> {
    let home = problem.need_location(n);
    let mut ok: Vec<(i64, ProviderIdx)> = (0..problem.providers().len() as u32)
        .map(ProviderIdx)
        .filter(|&p| problem.disqualification(p, n).is_none())
        .map(|p| {
            let prov = problem.provider(p);
            (problem.travel().time(prov.speed, &prov.start, home), p)
        })
        .collect();
    ok.sort_unstable();
    ok.into_iter().take(POOL).map(|x| x.1).collect()
}
