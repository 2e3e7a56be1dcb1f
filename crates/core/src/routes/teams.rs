//! Teams: shifts of different providers that open and close at the same times, start
//! and end at the same places, travel at the same speed and carry the same load (the
//! staff of one station on one morning, say). Any route of one of them, given to
//! another, keeps every arrival and start (rule 3), its travel and its load: which
//! carer drives which of a team's routes is then a question for the rules alone
//! (`search/reassign.rs`).

use std::collections::HashMap;

use crate::model::{Problem, ProviderIdx};

/// The teams of a problem: groups of at least two route indices (slot order), one
/// provider at most once in each.
#[derive(Debug, Clone, Default)]
pub(crate) struct Teams {
    teams: Vec<Vec<u32>>,
}

impl Teams {
    /// The teams of `problem`.
    pub(crate) fn new(problem: &Problem) -> Self {
        type Key = (u32, u32, i64, i64, u64, i64);
        let mut by_key: HashMap<Key, Vec<(u32, u32)>> = HashMap::new();
        let mut ri = 0u32;
        for (k, p) in problem.providers().iter().enumerate() {
            for s in &p.shifts {
                let (start, end) = problem.ends_of(ProviderIdx(k as u32));
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
