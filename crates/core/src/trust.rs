//! Trust: who an elder's carers are to them — carers they know from `history`, carers
//! they trust (`prefers`, or rated well), their primary carer (包户) — and what the
//! plan serves each elder. Owns the summary's `trust` and `elders` figures, read off a
//! plan's visits, and the quality report over the history; what they cost is
//! [`crate::objective`]'s.

use crate::model::{ElderIdx, Problem, ProviderIdx};
use crate::wire::{ElderCounts, Plan, Quality, QualityRow, Trust};

/// Whether some elder has carers they know, trust or have as primary: the summary
/// then reports [`Trust`].
pub(crate) fn matters(problem: &Problem) -> bool {
    problem
        .elders()
        .iter()
        .any(|e| !e.known.is_empty() || !e.trusted.is_empty() || e.primary.is_some())
}

/// What one visit of provider `p` to elder `e` adds to [`Trust`] — (by a known
/// carer, to an elder with trusted carers, by one of them, to an elder with a primary
/// carer, by the primary carer) — each 0 or 1.
pub(crate) fn visit(problem: &Problem, e: ElderIdx, p: ProviderIdx) -> [u64; 5] {
    let elder = problem.elder(e);
    let has = |list: &[ProviderIdx]| u64::from(list.binary_search(&p).is_ok());
    [
        has(&elder.known),
        u64::from(!elder.trusted.is_empty()),
        has(&elder.trusted),
        u64::from(elder.primary.is_some()),
        u64::from(elder.primary == Some(p)),
    ]
}

/// The plan's [`Trust`] figures, from its routes' visits (venue visits have no carer).
///
/// ```text
/// elder e trusts {A}, primary B; visits by A, B, C:
///   trusted_visits 3, by_trusted 1; primary_visits 3, by_primary 1, primary_share 1/3
/// ```
pub(crate) fn trust(problem: &Problem, plan: &Plan) -> Trust {
    let mut t = Trust::default();
    // Per elder with a primary carer: (visits, by the primary).
    let mut shares: std::collections::BTreeMap<u32, (u64, u64)> = Default::default();
    for r in &plan.routes {
        let Some(p) = problem.provider_by_id(&r.provider) else {
            continue;
        };
        for s in &r.stops {
            let Some(n) = problem.need_by_id(&s.need) else {
                continue;
            };
            let e = problem.need(n).elder;
            let [known, with_trusted, trusted, with_primary, primary] = visit(problem, e, p);
            t.visits += 1;
            t.by_known += known;
            t.trusted_visits += with_trusted;
            t.by_trusted += trusted;
            t.primary_visits += with_primary;
            t.by_primary += primary;
            if with_primary == 1 {
                let x = shares.entry(e.0).or_default();
                *x = (x.0 + 1, x.1 + primary);
            }
        }
    }
    t.primary_share = if shares.is_empty() {
        1.0
    } else {
        let sum: f64 = shares.values().map(|&(v, b)| b as f64 / v as f64).sum();
        sum / shares.len() as f64
    };
    t
}

/// The visits of `t` priced by `weights.preferred` and `weights.primary`: (made by no
/// trusted carer, made by another than the primary).
pub(crate) fn untrusted(t: &Trust) -> (i64, i64) {
    (
        (t.trusted_visits - t.by_trusted) as i64,
        (t.primary_visits - t.by_primary) as i64,
    )
}

/// The plan's [`ElderCounts`]: per elder, its needs (visits) less those unassigned.
pub(crate) fn elder_counts(problem: &Problem, plan: &Plan) -> ElderCounts {
    let mut needs = vec![0i64; problem.elders().len()];
    for n in problem.needs() {
        needs[n.elder.ix()] += 1;
    }
    let mut served = needs.clone();
    for u in &plan.unassigned {
        if let Some(n) = problem.need_by_id(&u.need) {
            served[problem.need(n).elder.ix()] -= 1;
        }
    }
    let mut c = ElderCounts::default();
    for (&had, &got) in needs.iter().zip(&served) {
        if had > 0 {
            c.with_needs += 1;
            c.served += u64::from(got > 0);
            c.left_with_nothing += u64::from(got == 0);
            c.served_twice_or_more += u64::from(got >= 2);
        }
    }
    c
}

/// One row of the quality report as it is added up: the row, ratings summed, the
/// elders visited.
#[derive(Default)]
struct Tally {
    row: QualityRow,
    ratings: i64,
    elders: std::collections::BTreeSet<u32>,
}

impl Tally {
    fn add(&mut self, v: &crate::model::PastVisit) {
        let r = &mut self.row;
        r.visits += 1;
        r.missed += u64::from(v.missed);
        r.done += u64::from(!v.missed);
        if let Some(x) = v.rating {
            r.rated += 1;
            self.ratings += i64::from(x);
        }
        r.complaints += u64::from(v.complaint.is_some());
        r.open_complaints += u64::from(v.complaint == Some(false));
        if !v.missed {
            self.elders.insert(v.elder.0);
        }
    }

    fn finish(mut self, key: Option<String>) -> QualityRow {
        self.row.key = key;
        self.row.mean_rating =
            (self.row.rated > 0).then(|| self.ratings as f64 / self.row.rated as f64);
        self.row.elders = self.elders.len() as u64;
        self.row
    }
}

/// The quality report over the problem's `history` (`None` without one): per carer
/// with a past visit, per station and per group, visits done and missed, ratings,
/// complaints and distinct elders.
///
/// ```text
/// p-1: done, rated 5, elder a; missed, elder b; done, rated 3, complaint lifted, elder b
///   → visits 3, done 2, missed 1, rated 2, mean 4.0, complaints 1, open 0, elders 2
/// ```
pub(crate) fn quality(problem: &Problem) -> Option<Quality> {
    if problem.history.is_empty() {
        return None;
    }
    let mut by_provider: Vec<Tally> = Vec::new();
    by_provider.resize_with(problem.providers().len(), Tally::default);
    let mut by_station: std::collections::BTreeMap<Option<&str>, Tally> = Default::default();
    let mut by_group: std::collections::BTreeMap<Option<&str>, Tally> = Default::default();
    for v in &problem.history {
        let p = problem.provider(v.provider);
        by_provider[v.provider.ix()].add(v);
        by_station.entry(p.station.as_deref()).or_default().add(v);
        by_group.entry(p.group.as_deref()).or_default().add(v);
    }
    let rows = |m: std::collections::BTreeMap<Option<&str>, Tally>| {
        m.into_iter()
            .map(|(k, t)| t.finish(k.map(str::to_owned)))
            .collect()
    };
    Some(Quality {
        by_provider: by_provider
            .into_iter()
            .zip(problem.providers())
            .filter(|(t, _)| t.row.visits > 0)
            .map(|(t, p)| t.finish(Some(p.id.clone())))
            .collect(),
        by_station: rows(by_station),
        by_group: rows(by_group),
    })
}
