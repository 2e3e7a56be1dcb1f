//! Fair shares: with `weights.balance`, the seconds by which each carer's work (travel
//! and service over the plan) lies away from the mean of the carers of her kind,
//! summed (`imbalance`, [`crate::objective::imbalance`]), are a term of the cost.
//!
//! The books keep, per kind, every carer's work scaled by the kind's size, sorted, with
//! prefix sums, so that the imbalance after a move — a few carers' work changed, so the
//! mean too — is found in O(log n) for an insertion and O(k log n) for a move of k
//! routes.

use crate::model::{NeedIdx, Problem, ProviderIdx};
use crate::objective::{imbalance, Terms};
use crate::routes::proposal::{Applied, Proposal};
use crate::routes::{Builder, Insertion, RouteState};
use crate::wire::ProviderKind;

use super::Rule;

/// One kind's carers: `n` of them, total work `sum`, each work times `n`, sorted, and
/// the prefix sums of that list.
#[derive(Debug, Clone, Default)]
struct Kind {
    n: i64,
    sum: i64,
    sorted: Vec<i64>,
    prefix: Vec<i64>,
}

impl Kind {
    /// `Σ |aᵢ − s|` over the sorted list.
    fn sum_abs(&self, s: i64) -> i64 {
        let c = self.sorted.partition_point(|&a| a < s);
        let (below, total) = (self.prefix[c], self.prefix[self.sorted.len()]);
        s * c as i64 - below + (total - below) - s * (self.sorted.len() - c) as i64
    }

    /// The kind's imbalance once each `(old, new)` work of `changes` (distinct carers)
    /// is changed.
    fn after(&self, changes: &[(i64, i64)]) -> i64 {
        let s = self.sum + changes.iter().map(|c| c.1 - c.0).sum::<i64>();
        let mut abs = self.sum_abs(s);
        for &(old, new) in changes {
            abs += (self.n * new - s).abs() - (self.n * old - s).abs();
        }
        imbalance(abs, self.n)
    }

    /// One carer's work from `old` to `new`.
    fn set(&mut self, old: i64, new: i64) {
        let (a, b) = (self.n * old, self.n * new);
        let at = self.sorted.partition_point(|&x| x < a);
        debug_assert_eq!(
            self.sorted.get(at),
            Some(&a),
            "a carer's work is in the books"
        );
        self.sorted.remove(at);
        let to = self.sorted.partition_point(|&x| x < b);
        self.sorted.insert(to, b);
        self.sum += new - old;
        self.prefix.clear();
        self.prefix.push(0);
        let mut acc = 0;
        for &x in &self.sorted {
            acc += x;
            self.prefix.push(acc);
        }
    }
}

/// The books: each carer's kind (none: not counted) and work; each kind's list and
/// imbalance.
pub(crate) struct Balance {
    kind_of: Vec<Option<usize>>,
    work: Vec<i64>,
    kinds: Vec<Kind>,
    imbalance: Vec<i64>,
}

/// The kind's index among the kinds of carer.
fn kind_ix(kind: ProviderKind) -> usize {
    match kind {
        ProviderKind::Staff => 0,
        ProviderKind::Organisation => 1,
        ProviderKind::Volunteer => 2,
    }
}

/// The rule, when balance is priced.
pub(crate) fn make(problem: &Problem) -> Option<Box<dyn Rule>> {
    if problem.options().weights.balance == 0 {
        return None;
    }
    let kind_of: Vec<Option<usize>> = problem
        .providers()
        .iter()
        .map(|p| (!p.shifts.is_empty()).then(|| kind_ix(p.kind)))
        .collect();
    let mut kinds = vec![Kind::default(); 3];
    for k in kind_of.iter().flatten() {
        kinds[*k].n += 1;
    }
    for k in &mut kinds {
        k.sorted = vec![0; k.n as usize];
        k.prefix = vec![0; k.n as usize + 1];
    }
    Some(Box::new(Balance {
        work: vec![0; kind_of.len()],
        kind_of,
        kinds,
        imbalance: vec![0; 3],
    }))
}

impl Balance {
    /// What the work changes `deltas` (provider, seconds added; a provider may come
    /// more than once) change in the imbalance.
    fn delta(&self, deltas: &[(ProviderIdx, i64)]) -> i64 {
        let mut per: Vec<(usize, ProviderIdx, i64)> = Vec::with_capacity(deltas.len());
        for &(p, d) in deltas {
            let Some(k) = self.kind_of[p.ix()] else {
                continue;
            };
            match per.iter_mut().find(|x| x.1 == p) {
                Some(x) => x.2 += d,
                None => per.push((k, p, d)),
            }
        }
        per.sort_unstable_by_key(|x| x.0);
        per.chunk_by(|a, b| a.0 == b.0)
            .map(|group| {
                let k = group[0].0;
                let changes: Vec<(i64, i64)> = group
                    .iter()
                    .map(|x| (self.work[x.1.ix()], self.work[x.1.ix()] + x.2))
                    .collect();
                self.kinds[k].after(&changes) - self.imbalance[k]
            })
            .sum()
    }
}

impl Rule for Balance {
    fn apply(&mut self, _problem: &Problem, c: &Applied<'_>) {
        let p = c.provider.ix();
        let Some(k) = self.kind_of[p] else {
            return;
        };
        let added = c.after.work() - c.before.work();
        if added == 0 {
            return;
        }
        self.kinds[k].set(self.work[p], self.work[p] + added);
        self.work[p] += added;
        self.imbalance[k] = self.kinds[k].after(&[]);
    }

    fn terms(&self, t: &mut Terms) {
        t.imbalance += self.imbalance.iter().sum::<i64>();
    }

    fn is_timed(&self) -> bool {
        true
    }

    fn timed(
        &self,
        b: &Builder<'_>,
        route: &RouteState,
        n: NeedIdx,
        ins: &Insertion,
        _start: i64,
        t: &mut Terms,
    ) {
        let added = b.problem().need(n).duration + ins.delta;
        t.imbalance += self.delta(&[(route.provider(), added)]);
    }

    fn change(&self, b: &Builder<'_>, p: &Proposal<'_>, t: &mut Terms) {
        let deltas: Vec<(ProviderIdx, i64)> = p
            .routes
            .iter()
            .map(|c| (b.route(c.ri).provider(), c.work()))
            .collect();
        t.imbalance += self.delta(&deltas);
    }

    fn exact_on_figures(&self) -> bool {
        // Not linear in the carers' work: a move's parts would not add up.
        false
    }

    fn handover(&self, b: &Builder<'_>, row: usize, col: usize, to: ProviderIdx) -> Option<Terms> {
        let (r, c) = (b.route(row).figures(), b.route(col).figures());
        Some(Terms {
            imbalance: self.delta(&[(to, r.work() - c.work())]),
            ..Terms::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kind's books holding `works`.
    fn kind(works: &[i64]) -> Kind {
        let n = works.len() as i64;
        let mut k = Kind {
            n,
            sum: 0,
            sorted: vec![0; works.len()],
            prefix: vec![0; works.len() + 1],
        };
        for &w in works {
            k.set(0, w);
        }
        k
    }

    /// `Σ |wᵢ − mean|`, rounded, the slow way.
    fn slow(works: &[i64]) -> i64 {
        let n = works.len() as f64;
        let mean = works.iter().sum::<i64>() as f64 / n;
        works
            .iter()
            .map(|&w| (w as f64 - mean).abs())
            .sum::<f64>()
            .round() as i64
    }

    #[test]
    fn the_books_give_the_spread_around_the_mean_after_any_change() {
        let works = [10, 20, 30, 0, 45];
        let k = kind(&works);
        assert_eq!(k.after(&[]), slow(&works));
        // 30 → 5 and 0 → 12 at once: the mean moves too.
        let moved = [10, 20, 5, 12, 45];
        assert_eq!(k.after(&[(30, 5), (0, 12)]), slow(&moved));
        let mut k2 = k.clone();
        k2.set(30, 5);
        k2.set(0, 12);
        assert_eq!(k2.after(&[]), slow(&moved));
    }
}
