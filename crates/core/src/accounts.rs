//! Time-bank accounts (时间银行, v1.2): what a plan earns and spends. A time-bank
//! volunteer (`providers[].time_bank`) earns the minutes of service of her visits into
//! the account named by her id — what the plan's `ledger` credits; an elder with a
//! `time_bank_account` spends, from that account, the minutes of service time-bank
//! volunteers give her. A plan's entries replace the ones its earlier versions made
//! (the store keeps them per plan session), so a change never counts twice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::wire::Plan;
use crate::Problem;

/// Earned or spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Minutes served by the account's volunteer.
    Earned,
    /// Minutes of volunteers' service drawn by the account's elders.
    Spent,
}

/// What one plan puts on one account.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountEntry {
    /// The account: a volunteer's id, or an elder's `time_bank_account`.
    pub account: String,
    /// Earned or spent.
    pub kind: EntryKind,
    /// Whole minutes (rounded down over the account's visits of the plan).
    pub minutes: i64,
    /// The visits.
    pub visits: u64,
}

impl AccountEntry {
    /// What the entry adds to the account's balance: its minutes, earned or spent.
    pub fn signed(&self) -> i64 {
        match self.kind {
            EntryKind::Earned => self.minutes,
            EntryKind::Spent => -self.minutes,
        }
    }
}

/// The entries `plan` makes, sorted by account then kind: one `earned` per time-bank
/// volunteer with a visit, one `spent` per elders' account a time-bank volunteer
/// visits.
///
/// ```
/// use carematch_core::{accounts::{entries, EntryKind}, solve, Problem};
/// let problem = Problem::from_json(br#"{
///   "elders": [{"id": "e1", "location": [116.43, 39.92], "time_bank_account": "family-1"}],
///   "needs": [{"id": "n1", "elder": "e1", "service": "companionship", "duration": 3600,
///              "windows": [[39600, 43200]]}],
///   "providers": [{"id": "v1", "kind": "volunteer", "time_bank": true, "skills": ["companionship"],
///                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]}]
/// }"#)?;
/// let e = entries(&problem, &solve(&problem)?);
/// assert_eq!((e[0].account.as_str(), e[0].kind, e[0].minutes), ("family-1", EntryKind::Spent, 60));
/// assert_eq!((e[1].account.as_str(), e[1].kind, e[1].minutes), ("v1", EntryKind::Earned, 60));
/// # Ok::<(), carematch_core::Error>(())
/// ```
pub fn entries(problem: &Problem, plan: &Plan) -> Vec<AccountEntry> {
    // (account, kind) → (seconds, visits)
    let mut by: BTreeMap<(String, EntryKind), (i64, u64)> = BTreeMap::new();
    for r in &plan.routes {
        let Some(p) = problem.provider_by_id(&r.provider) else {
            continue;
        };
        if !problem.provider(p).time_bank {
            continue;
        }
        for s in &r.stops {
            let secs = s.end - s.start;
            let mut add = |account: &str, kind| {
                let x = by.entry((account.to_owned(), kind)).or_default();
                *x = (x.0 + secs, x.1 + 1);
            };
            add(&r.provider, EntryKind::Earned);
            let elder = problem.need_by_id(&s.need).map(|n| problem.need(n).elder);
            if let Some(account) = elder.and_then(|e| problem.elder(e).time_bank_account.as_deref())
            {
                add(account, EntryKind::Spent);
            }
        }
    }
    by.into_iter()
        .map(|((account, kind), (secs, visits))| AccountEntry {
            account,
            kind,
            minutes: secs / 60,
            visits,
        })
        .collect()
}
