//! Searches side by side that share their best plans: every [`EPOCH`] iterations,
//! once a round has cooled [`MEET_FROM`] of the way, each search hands in its best
//! plan and waits for the others' (or for them to have ended); one whose best is
//! worse than the best handed in goes on from that plan.
//!
//! The meeting points are counted in iterations, not in time, so which plans meet is
//! fixed by the seeds and the thread count: a search that ends by its budget gives
//! the same plan run after run. A search that skips a meeting (it has not cooled
//! enough yet, as its clock says) counts as having reached it once it reaches a later
//! one; a search that ends (its budget, the deadline, or a panic) leaves the
//! exchange, and the others stop waiting for it.

use std::sync::{Condvar, Mutex};

use crate::objective::Score;
use crate::routes::RouteState;

/// Iterations between two meetings of the searches.
pub(super) const EPOCH: u64 = 5_000;

/// How far a round must have cooled (0 hot, 1 cold, on the temperature's log scale)
/// before the searches meet: while hot, each explores on its own. Measured on
/// generated home-care days of 100–300 patients, 2 threads, 100,000 iterations each
/// (5 seeds per size, seeds not in the scale bench): mean cost −0.65 % against
/// searches that never meet (−0.34 %, −0.59 %, −1.03 % at 100, 200, 300 patients);
/// meetings every 2,000 iterations from the start: −0.27 % (+0.56 % at 100).
pub(super) const MEET_FROM: f64 = 0.3;

/// One search's hand-in at one meeting: its best plan's score and routes.
struct HandIn {
    meeting: u64,
    score: Score,
    routes: Vec<RouteState>,
}

/// What the searches share: per search, the meeting it last reached (`u64::MAX` once
/// it has ended), the last meeting whose hand-ins it has read, and its hand-ins that
/// some search may still read ([`Board::wanted`]).
struct Board {
    reached: Vec<u64>,
    read: Vec<u64>,
    hand_ins: Vec<Vec<HandIn>>,
}

impl Board {
    /// Whether some search may still read the hand-ins of `meeting`: one has not
    /// reached it yet, or waits at it.
    fn wanted(&self, meeting: u64) -> bool {
        self.reached
            .iter()
            .zip(&self.read)
            .any(|(&r, &d)| r < meeting || (r == meeting && d < meeting))
    }
}

/// The meeting place of `runs` searches side by side.
pub(super) struct Exchange {
    board: Mutex<Board>,
    met: Condvar,
}

impl Exchange {
    /// A meeting place for `runs` searches, none of which has met yet.
    pub(super) fn new(runs: usize) -> Self {
        Self {
            board: Mutex::new(Board {
                reached: vec![0; runs],
                read: vec![0; runs],
                hand_ins: (0..runs).map(|_| Vec::new()).collect(),
            }),
            met: Condvar::new(),
        }
    }

    /// Search `me` reaches meeting `meeting` (1, 2, …) with its best plan: waits until
    /// every other search has reached it too (or a later one) or ended, and returns
    /// the best plan handed in at it when that is better than `score` (ties to the
    /// lower search).
    pub(super) fn meet(
        &self,
        me: usize,
        meeting: u64,
        score: Score,
        routes: &[RouteState],
    ) -> Option<(Score, Vec<RouteState>)> {
        let mut guard = self.board.lock().unwrap_or_else(|e| e.into_inner());
        let board = &mut *guard;
        // The hand-ins no search will read again make room (their buffers reused).
        let mut old = Vec::new();
        let mut mine = std::mem::take(&mut board.hand_ins[me]);
        mine.retain_mut(|h| {
            board.wanted(h.meeting) || {
                old.push(std::mem::take(&mut h.routes));
                false
            }
        });
        let mut kept = old.pop().unwrap_or_default();
        kept.truncate(routes.len());
        let n = kept.len();
        kept.clone_from_slice(&routes[..n]);
        kept.extend_from_slice(&routes[n..]);
        mine.push(HandIn {
            meeting,
            score,
            routes: kept,
        });
        board.hand_ins[me] = mine;
        board.reached[me] = meeting;
        self.met.notify_all();
        while guard.reached.iter().any(|&r| r < meeting) {
            guard = self.met.wait(guard).unwrap_or_else(|e| e.into_inner());
        }
        let board = &mut *guard;
        board.read[me] = meeting;
        let best = board
            .hand_ins
            .iter()
            .enumerate()
            .filter_map(|(i, hs)| hs.iter().find(|h| h.meeting == meeting).map(|h| (i, h)))
            .max_by(|(i, a), (j, b)| a.score.cmp(&b.score).then(j.cmp(i)))?;
        let (from, h) = best;
        (from != me && h.score > score).then(|| (h.score, h.routes.clone()))
    }

    /// Search `me` has ended: the others no longer wait for it.
    pub(super) fn leave(&self, me: usize) {
        let mut board = self.board.lock().unwrap_or_else(|e| e.into_inner());
        board.reached[me] = u64::MAX;
        self.met.notify_all();
    }
}

/// A search's part in the exchange: its number. Leaves the exchange when dropped, so
/// that a search that ends in any way — also by a panic — never keeps the others
/// waiting.
pub(super) struct Party<'x> {
    /// The exchange.
    pub(super) exchange: &'x Exchange,
    /// The search's number.
    pub(super) me: usize,
}

impl Drop for Party<'_> {
    fn drop(&mut self) {
        self.exchange.leave(self.me);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(cost: i64) -> Score {
        Score {
            cost,
            ..Score::default()
        }
    }

    #[test]
    fn a_search_that_skips_a_meeting_is_met_at_the_next_and_misses_nothing_there() {
        let x = Exchange::new(2);
        let cost = |m: Option<(Score, Vec<RouteState>)>| m.map(|(s, _)| s.cost);
        let (a, b) = std::thread::scope(|s| {
            // Search 0 skips meeting 2 (not cool enough yet, say).
            let a = s.spawn(|| {
                let one = x.meet(0, 1, score(10), &[]);
                let three = x.meet(0, 3, score(9), &[]);
                (cost(one), cost(three))
            });
            let b = s.spawn(|| {
                let one = x.meet(1, 1, score(5), &[]);
                let two = x.meet(1, 2, score(5), &[]);
                let three = x.meet(1, 3, score(4), &[]);
                (cost(one), cost(two), cost(three))
            });
            (a.join().unwrap(), b.join().unwrap())
        });
        assert_eq!(a, (Some(5), Some(4)));
        assert_eq!(b, (None, None, None));
    }

    #[test]
    fn the_worse_search_gets_the_better_plan_and_a_search_that_left_is_not_awaited() {
        let x = Exchange::new(3);
        let got = std::thread::scope(|s| {
            let a = s.spawn(|| x.meet(0, 1, score(10), &[]));
            let b = s.spawn(|| x.meet(1, 1, score(7), &[]));
            // The third search ends before the meeting.
            let third = Party {
                exchange: &x,
                me: 2,
            };
            drop(third);
            (a.join().unwrap(), b.join().unwrap())
        });
        // Lower cost is the better score: search 0 gets search 1's plan, 1 keeps its own.
        assert_eq!(got.0.map(|(s, _)| s.cost), Some(7));
        assert!(got.1.is_none());
    }
}
